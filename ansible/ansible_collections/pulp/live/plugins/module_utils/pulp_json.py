# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run ulp/klp with --json and parse what they print (shared by the modules)."""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json


def run_json(module, argv, ok_rcs=(0,)):
    """Run argv; return (rc, parsed JSON or None, stdout, stderr).

    Fails the module when the exit status is not in ok_rcs or the output is
    not JSON; an empty output is None (ulp prints nothing in some refusals).
    """
    rc, out, err = module.run_command(argv)
    if rc not in ok_rcs:
        module.fail_json(msg="%s failed (exit %d): %s" % (" ".join(argv), rc,
                                                          (err or out).strip()),
                         rc=rc, stdout=out, stderr=err, cmd=argv)
    data = None
    if out.strip():
        try:
            data = json.loads(out)
        except ValueError as e:
            module.fail_json(msg="%s: output is not JSON: %s" % (" ".join(argv), e),
                             rc=rc, stdout=out, stderr=err, cmd=argv)
    return rc, data, out, err
