// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kmod.h"

int klp_kmod_load(const char *path, const char *name, struct klp_err *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC), err;

  if (fd < 0)
    return klp_fail(e, KLP_EXIT_USAGE, errno, "reading %s", path);
  if (syscall(SYS_finit_module, fd, "", 0) == 0) {
    close(fd);
    return 0;
  }
  err = errno;
  close(fd);
  klp_fail(e, KLP_EXIT_NO, err, "loading %s", path);
  switch (err) {
  case EEXIST:
    klp_why(e, "module %s is already loaded", name);
    break;
  case EBUSY:
    klp_why(e, "another live patch transition is in progress");
    break;
  case EPERM:
    e->exit = KLP_EXIT_PERM;
    if (geteuid() != 0)
      klp_why(e, "permission denied (loading modules needs root)");
    else
      klp_why(e, "refused by the kernel (module loading disabled, lockdown "
                 "or a signature policy)");
    break;
  case ENOKEY:
  case EKEYREJECTED:
    klp_why(e, "module signature rejected");
    break;
  case ENOEXEC:
    e->exit = KLP_EXIT_USAGE;
    klp_why(e, "invalid module format (built for another kernel?)");
    break;
  case ENOENT:
    klp_why(e, "unknown symbol or missing object (see dmesg)");
    break;
  case EINVAL:
    klp_why(e, "rejected by the kernel (see dmesg)");
    break;
  }
  return -err;
}

int klp_kmod_unload(const char *name, struct klp_err *e)
{
  int err;

  if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0)
    return 0;
  err = errno;
  klp_fail(e, KLP_EXIT_NO, err, "removing module %s", name);
  switch (err) {
  case EWOULDBLOCK:
  case EBUSY:
    klp_why(e, "module is in use");
    break;
  case ENOENT:
    klp_why(e, "module is not loaded");
    break;
  case EPERM:
    e->exit = KLP_EXIT_PERM;
    if (geteuid() != 0)
      klp_why(e, "permission denied (removing modules needs root)");
    break;
  }
  return -err;
}
