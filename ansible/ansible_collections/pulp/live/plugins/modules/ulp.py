#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ulp
short_description: Apply or revert a userspace live patch in running processes
description:
  - Applies a C(.ulp) live patch to, or reverts it (with its C(.rev) file)
    from, the running processes that preload Pulp's runtime (libpulp) and
    have the patch's target library loaded, with C(ulp trigger --json).
  - Idempotent. Which processes have the patch is read first with
    C(ulp patches --json) (patch build-ids), so applying a patch every
    process has already reports C(changed=false) and runs nothing.
  - Supports check mode, reporting which processes would change.
  - A process that fails is left exactly as it was by ulp; the module then
    fails and lists the per-process results.
version_added: "0.1.0"
author: Pulp developers
options:
  patch:
    description:
      - Path of the C(.ulp) file on the managed host.
    type: path
    required: true
  state:
    description:
      - C(applied) applies the patch where it is missing; C(reverted) reverts
        it where it is applied.
    type: str
    choices: [applied, reverted]
    default: applied
  revert_file:
    description:
      - Path of the C(.rev) file; default the patch path with C(.rev) in
        place of C(.ulp).
    type: path
  process:
    description:
      - A PID, or a shell wildcard matched against process names; default
        every process with the runtime.
    type: str
  ulp:
    description: The ulp program to run.
    type: path
    default: ulp
  timeout:
    description: Seconds to wait for each process's runtime (C(--timeout)).
    type: float
notes:
  - Needs root on the managed host (ptrace).
seealso:
  - module: pulp.live.ulp_info
'''

EXAMPLES = r'''
- name: Apply the fix to every process using libhello
  pulp.live.ulp:
    patch: /usr/lib/pulp/patches/hello/hello_livepatch1.ulp

- name: Revert it from the processes named hello_demo only
  pulp.live.ulp:
    patch: /usr/lib/pulp/patches/hello/hello_livepatch1.ulp
    state: reverted
    process: hello_demo
'''

RETURN = r'''
patch:
  description: Name, target library and build-id of the patch.
  returned: always
  type: dict
  sample: {"name": "hello_livepatch1", "target": "libhello.so.1", "build_id": "7b56..."}
processes:
  description:
    - One entry per process with the runtime and the target library.
    - I(result) is C(applied), C(reverted), C(unchanged) (already in the wanted
      state), C(would change) (check mode) or C(failed), with I(reason).
  returned: always
  type: list
  elements: dict
  sample: [{"pid": 1234, "name": "hello_demo", "result": "applied"}]
changed_pids:
  description: PIDs whose state changed (or would change in check mode).
  returned: always
  type: list
  elements: int
'''

import fnmatch
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pulp.live.plugins.module_utils.pulp_json import run_json


def has_target(proc, target):
    for path in proc.get("livepatchable") or []:
        base = os.path.basename(path)
        if path == target or base == target or base.startswith(target + "."):
            return True
    return any(p.get("target") == target for p in proc.get("patches") or [])


def applied(proc, build_id):
    return any(p.get("build_id") == build_id for p in proc.get("patches") or [])


def processes(module, ulp, process):
    argv = [ulp, "patches", "--json"]
    if process:
        argv += ["-p", process]
    rc, data, out, err = run_json(module, argv, ok_rcs=(0, 1))
    if rc != 0:
        if process and process.isdigit():
            return []  # the PID does not exist (any more): nothing to patch
        module.fail_json(msg="ulp patches failed: %s" % err.strip(), rc=rc)
    data = data or []
    # A wildcard is matched by ulp already; kept here for older ulp builds.
    if process and not process.isdigit():
        data = [p for p in data if fnmatch.fnmatch(p.get("name", ""), process)]
    return data


def main():
    module = AnsibleModule(
        argument_spec=dict(
            patch=dict(type="path", required=True),
            state=dict(type="str", choices=["applied", "reverted"], default="applied"),
            revert_file=dict(type="path"),
            process=dict(type="str"),
            ulp=dict(type="path", default="ulp"),
            timeout=dict(type="float"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    ulp = p["ulp"]
    if os.sep not in ulp:
        ulp = module.get_bin_path(ulp, required=True)
    want = p["state"] == "applied"
    rev = p["revert_file"] or (os.path.splitext(p["patch"])[0] + ".rev")
    _, info, _, _ = run_json(module, [ulp, "dump", "--json", p["patch"]])
    if not info or info.get("kind") != "apply":
        module.fail_json(msg="%s is not a .ulp patch (ulp dump)" % p["patch"])
    build_id, target = info["patch_build_id"], info["target"]
    patch = dict(name=info.get("name"), target=target, build_id=build_id)
    if not want and not os.path.exists(rev):
        module.fail_json(msg="revert file %s does not exist" % rev, patch=patch)

    before = [x for x in processes(module, ulp, p["process"]) if has_target(x, target)]
    todo = [x for x in before if applied(x, build_id) != want]
    result = dict(changed=bool(todo), patch=patch,
                  changed_pids=[x["pid"] for x in todo], processes=[])
    if not todo or module.check_mode:
        for x in before:
            r = "would change" if x in todo else "unchanged"
            result["processes"].append(dict(pid=x["pid"], name=x.get("name"), result=r))
        module.exit_json(**result)

    argv = [ulp, "trigger", "--json"]
    if p["process"]:
        argv += ["-p", p["process"]]
    if p["timeout"] is not None:
        argv += ["--timeout", str(p["timeout"])]
    argv.append(p["patch"] if want else rev)
    rc, res, out, err = run_json(module, argv, ok_rcs=(0, 1, 3))
    if isinstance(res, dict):  # {"results": [...], "summary": {...}}
        res = res.get("results")
    reasons = dict((r.get("pid"), r) for r in res or [])
    after = dict((x["pid"], x) for x in processes(module, ulp, p["process"]))
    failed, changed = [], []
    for x in before:
        now = after.get(x["pid"])
        entry = dict(pid=x["pid"], name=x.get("name"))
        if now is not None and applied(now, build_id) == want:
            entry["result"] = ("applied" if want else "reverted") if x in todo else "unchanged"
            if x in todo:
                changed.append(x["pid"])
        elif now is None:
            entry["result"] = "exited"
        else:
            entry["result"] = "failed"
            entry["reason"] = reasons.get(x["pid"], {}).get("reason") or err.strip()
            failed.append(entry)
        result["processes"].append(entry)
    result.update(changed=bool(changed), changed_pids=changed, rc=rc)
    if failed:
        module.fail_json(msg="%d process(es) failed: %s" % (
            len(failed), "; ".join("%s (pid %d): %s" % (f["name"], f["pid"], f["reason"])
                                   for f in failed)), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
