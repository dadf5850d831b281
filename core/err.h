/* One error-reporting path: functions return 0 or a negative errno and fill
 * a struct pulp_err with what they were doing; only a command's top level
 * prints it, once, as "ulp: <msg>". Usable from the runtime (libc only). */
#ifndef PULP_CORE_ERR_H
#define PULP_CORE_ERR_H

#include <stddef.h>

#define PULP_ERR_MSG_MAX 512

struct pulp_err {
  int code;                   /* negative errno, 0 when clear */
  char msg[PULP_ERR_MSG_MAX]; /* "what failed: why" */
};

/* Sets the message (printf-style) and code; returns code (negative). */
int err_set(struct pulp_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like err_set, appending ": strerror(-code)". */
int err_sys(struct pulp_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the current message; returns e->code. */
int err_ctx(struct pulp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void err_clear(struct pulp_err *e);

#endif
