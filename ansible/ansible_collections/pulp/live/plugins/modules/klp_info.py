#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: klp_info
short_description: Kernel live patching state from klp
description:
  - Runs C(klp --json status), C(klp --json patches) and C(klp --json boot)
    and returns what they print. Never changes anything; supports check
    mode.
  - A kernel without live patching is not an error; I(status.status) is
    then C(unsupported).
version_added: "0.1.0"
author: Pulp developers
options:
  root:
    description: Read C(sys/), C(proc/) and the patch store under this
      directory (C(klp --root)).
    type: path
  store:
    description: The patch store (C(klp --store)).
    type: path
  klp:
    description: The klp program to run.
    type: path
    default: klp
seealso:
  - module: pulp.live.klp
'''

EXAMPLES = r'''
- name: Kernel live patches
  pulp.live.klp_info:
  register: k
- debug:
    msg: "{{ k.patches.patches | map(attribute='name') | list }}"
'''

RETURN = r'''
status:
  description: The output of C(klp --json status).
  sample: {"status": "ready", "transition": null}
  returned: always
  type: dict
patches:
  description: C(klp --json patches) (patches and inactive modules); empty when
    the kernel has no live patching.
  returned: always
  type: dict
boot:
  description: C(klp --json boot), what klp-boot.service loads at the next boot.
  returned: always
  type: dict
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pulp.live.plugins.module_utils.pulp_json import run_json


def main():
    module = AnsibleModule(
        argument_spec=dict(root=dict(type="path"), store=dict(type="path"),
                           klp=dict(type="path", default="klp")),
        supports_check_mode=True,
    )
    p = module.params
    klp = p["klp"]
    if os.sep not in klp:
        klp = module.get_bin_path(klp, required=True, opt_dirs=["/usr/sbin", "/sbin"])
    base = [klp, "--json"]
    if p["root"]:
        base += ["--root", p["root"]]
    if p["store"]:
        base += ["--store", p["store"]]
    rc, status, _, _ = run_json(module, base + ["status"], ok_rcs=(0, 3))
    patches = {}
    if rc == 0:
        _, patches, _, _ = run_json(module, base + ["patches"])
    _, boot, _, _ = run_json(module, base + ["boot"])
    module.exit_json(changed=False, status=status or {}, patches=patches or {},
                     boot=boot or {})


if __name__ == "__main__":
    main()
