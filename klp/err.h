/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error context: functions return 0 or a negative errno and describe what
 * they were doing here; only the command's top level prints it, once, as
 * "klp: <what failed>: <why>".
 */
#ifndef KLP_ERR_H
#define KLP_ERR_H

struct klp_err {
  int exit;       /* exit status the failure maps to */
  int errnum;     /* errno, or 0 when why[] says it all */
  char what[512]; /* "reading /sys/kernel/livepatch/p/enabled" */
  char why[256];  /* empty: strerror(errnum) */
};

/*
 * Record a failure from errno value errnum; the exit status follows from it
 * (EACCES/EPERM: KLP_EXIT_PERM) unless exit_status is non-zero. Returns
 * -errnum (or -EINVAL when errnum is 0).
 */
int klp_fail(struct klp_err *e, int exit_status, int errnum, const char *fmt,
             ...) __attribute__((format(printf, 4, 5)));

/* Set the reason text of the last failure (replaces strerror). */
void klp_why(struct klp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print "klp: what: why" (plus a hint for permission errors); returns exit. */
int klp_err_report(const struct klp_err *e);

#endif
