# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: nsenter
short_description: Run tasks in the namespaces of a process (a host without network)
description:
  - Runs commands with C(nsenter) in the PID and mount namespaces, root
    directory and working directory of a process of this machine, such as a
    container's init or a C(unshare --pid --mount) + C(chroot) "host". Files
    are copied through C(/proc/PID/root). Needs root on the controller.
  - Pulp's tests use it for a second host on one machine, whose processes
    the first host (localhost) does not see.
version_added: "0.1.0"
author: Pulp developers
options:
  remote_addr:
    description: PID of a process inside the namespaces (the "host").
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
'''

import os
import shutil
import subprocess

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.connection import ConnectionBase


class Connection(ConnectionBase):
    transport = "pulp.live.nsenter"
    has_pipelining = True

    def _pid(self):
        pid = str(self.get_option("remote_addr"))
        if not pid.isdigit() or not os.path.isdir("/proc/%s" % pid):
            raise AnsibleError("nsenter: %s is not a running process" % pid)
        return pid

    def _connect(self):
        self._pid()
        self._connected = True
        return self

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        argv = ["nsenter", "-t", self._pid(), "-p", "-m", "-r", "-w",
                "/bin/sh", "-c", cmd]
        p = subprocess.Popen([to_bytes(a) for a in argv], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate(in_data)
        return p.returncode, out, err

    def _host_path(self, path):
        return "/proc/%s/root/%s" % (self._pid(), path.lstrip("/"))

    def put_file(self, in_path, out_path):
        super(Connection, self).put_file(in_path, out_path)
        shutil.copyfile(in_path, self._host_path(out_path))

    def fetch_file(self, in_path, out_path):
        super(Connection, self).fetch_file(in_path, out_path)
        shutil.copyfile(self._host_path(in_path), out_path)

    def close(self):
        self._connected = False
