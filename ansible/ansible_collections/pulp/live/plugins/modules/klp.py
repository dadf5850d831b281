#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: klp
short_description: Load, unload or downgrade kernel live patches with klp
description:
  - C(state=loaded) loads a live patch module with C(klp load) and waits for
    its transition; nothing happens when the patch is active already.
  - C(state=unloaded) disables a live patch and removes its module with
    C(klp unload); nothing happens when it is not loaded.
  - C(state=downgraded) goes back to the previous cumulative patch of the
    patch store with C(klp downgrade -n); it always acts.
  - The current state is read with C(klp --json patches). Supports check
    mode.
version_added: "0.1.0"
author: Pulp developers
options:
  state:
    description: What to do.
    type: str
    choices: [loaded, unloaded, downgraded]
    default: loaded
  module:
    description: Path of the C(.ko) file; required for C(loaded).
    type: path
  name:
    description:
      - The live patch name (the module name); default the file name of
        I(module) without C(.ko), dashes as underscores. Required for
        C(unloaded) without I(module).
    type: str
  series:
    description: For C(downgraded), the series to downgrade when several are active.
    type: str
  store:
    description: The patch store (C(klp --store)).
    type: path
  timeout:
    description: Seconds a transition may take (C(--timeout)).
    type: float
  klp:
    description: The klp program to run.
    type: path
    default: klp
notes:
  - Needs root and a kernel with live patching (C(/sys/kernel/livepatch)).
seealso:
  - module: pulp.live.klp_info
'''

EXAMPLES = r'''
- name: Load the cumulative patch
  pulp.live.klp:
    module: /var/lib/klp/patches/livepatch_cve_2099_1_3.ko
- name: Back to the previous one
  pulp.live.klp:
    state: downgraded
'''

RETURN = r'''
name:
  description: The live patch acted on.
  returned: when known
  type: str
stdout:
  description: What klp printed.
  returned: when klp ran
  type: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pulp.live.plugins.module_utils.pulp_json import run_json


def active(module, base):
    # Exit 3: no live patching in this kernel, so nothing is loaded.
    rc, data, _, _ = run_json(module, base + ["--json", "patches"], ok_rcs=(0, 3))
    if rc == 3:
        return set()
    return set(p["name"] for p in (data or {}).get("patches", []))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["loaded", "unloaded", "downgraded"],
                       default="loaded"),
            module=dict(type="path"), name=dict(type="str"),
            series=dict(type="str"), store=dict(type="path"),
            timeout=dict(type="float"),
            klp=dict(type="path", default="klp"),
        ),
        required_if=[("state", "loaded", ["module"])],
        supports_check_mode=True,
    )
    p = module.params
    klp = p["klp"]
    if os.sep not in klp:
        klp = module.get_bin_path(klp, required=True, opt_dirs=["/usr/sbin", "/sbin"])
    base = [klp]
    if p["store"]:
        base += ["--store", p["store"]]
    tmo = ["--timeout", str(p["timeout"])] if p["timeout"] is not None else []
    name = p["name"]
    if not name and p["module"]:
        name = os.path.basename(p["module"])
        name = (name[:-3] if name.endswith(".ko") else name).replace("-", "_")
    if p["state"] == "unloaded" and not name:
        module.fail_json(msg="state=unloaded needs name or module")

    if p["state"] == "downgraded":
        if module.check_mode:
            module.exit_json(changed=True, msg="would run klp downgrade -n")
        argv = base + ["downgrade", "-n"] + tmo + ([p["series"]] if p["series"] else [])
    else:
        want = p["state"] == "loaded"
        if (name in active(module, base)) == want:
            module.exit_json(changed=False, name=name)
        if module.check_mode:
            module.exit_json(changed=True, name=name)
        argv = base + (["load"] + tmo + [p["module"]] if want else ["unload"] + tmo + [name])
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg=(err or out).strip(), rc=rc, stdout=out, stderr=err,
                         cmd=argv, name=name)
    module.exit_json(changed=True, name=name, stdout=out, rc=rc)


if __name__ == "__main__":
    main()
