// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "klp.h"

int klp_fail(struct klp_err *e, int exit_status, int errnum, const char *fmt,
             ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(e->what, sizeof(e->what), fmt, ap);
  va_end(ap);
  e->errnum = errnum;
  e->why[0] = '\0';
  if (exit_status)
    e->exit = exit_status;
  else if (errnum == EACCES || errnum == EPERM)
    e->exit = KLP_EXIT_PERM;
  else
    e->exit = KLP_EXIT_ERROR;
  return errnum ? -errnum : -EINVAL;
}

void klp_why(struct klp_err *e, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(e->why, sizeof(e->why), fmt, ap);
  va_end(ap);
}

int klp_err_report(const struct klp_err *e)
{
  const char *why = e->why[0] ? e->why : strerror(e->errnum);

  if (e->exit == KLP_EXIT_PERM && !e->why[0])
    fprintf(stderr, "klp: %s: %s (run klp as root)\n", e->what, why);
  else
    fprintf(stderr, "klp: %s: %s\n", e->what, why);
  return e->exit;
}
