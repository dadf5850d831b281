#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ulp_info
short_description: List processes with Pulp's runtime and their live patches
description:
  - Runs C(ulp patches --json) and returns, per process that preloads the
    runtime, its live-patchable libraries and applied patches with their
    labels (CVE and bug ids).
  - Never changes anything; supports check mode.
version_added: "0.1.0"
author: Pulp developers
options:
  process:
    description: A PID, or a shell wildcard matched against process names.
    type: str
  ulp:
    description: The ulp program to run.
    type: path
    default: ulp
seealso:
  - module: pulp.live.ulp
'''

EXAMPLES = r'''
- name: Patches of every hello_demo process
  pulp.live.ulp_info:
    process: hello_demo
  register: ulp
'''

RETURN = r'''
processes:
  description: The output of C(ulp patches --json).
  returned: always
  type: list
  elements: dict
  sample: [{"pid": 1234, "name": "hello_demo", "livepatchable": ["/opt/demo/libhello.so.1"],
            "patches": [{"name": "hello_livepatch1", "target": "libhello.so.1",
                         "build_id": "7b56...", "labels": ["bsc#1"]}]}]
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pulp.live.plugins.module_utils.pulp_json import run_json


def main():
    module = AnsibleModule(
        argument_spec=dict(process=dict(type="str"),
                           ulp=dict(type="path", default="ulp")),
        supports_check_mode=True,
    )
    ulp = module.params["ulp"]
    if os.sep not in ulp:
        ulp = module.get_bin_path(ulp, required=True)
    argv = [ulp, "patches", "--json"]
    if module.params["process"]:
        argv += ["-p", module.params["process"]]
    _, data, _, _ = run_json(module, argv)
    module.exit_json(changed=False, processes=data or [])


if __name__ == "__main__":
    main()
