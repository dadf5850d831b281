#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vset(struct pulp_err *e, const char *fmt, va_list ap)
{
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct pulp_err *e, int code, const char *fmt, ...)
{
  va_list ap;

  if (!e)
    return code;
  e->code = code;
  va_start(ap, fmt);
  vset(e, fmt, ap);
  va_end(ap);
  return code;
}

int err_sys(struct pulp_err *e, int code, const char *fmt, ...)
{
  va_list ap;
  size_t n;

  if (!e)
    return code;
  e->code = code;
  va_start(ap, fmt);
  vset(e, fmt, ap);
  va_end(ap);
  n = strlen(e->msg);
  snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(-code));
  return code;
}

int err_ctx(struct pulp_err *e, const char *fmt, ...)
{
  char old[PULP_ERR_MSG_MAX];
  va_list ap;
  size_t n, k;

  if (!e)
    return -1;
  memcpy(old, e->msg, sizeof(old));
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  n = strlen(e->msg);
  k = strnlen(old, sizeof(old) - 1);
  if (n + 2 + k >= sizeof(e->msg))
    k = n + 2 < sizeof(e->msg) ? sizeof(e->msg) - n - 3 : 0;
  if (n + 2 < sizeof(e->msg)) {
    memcpy(e->msg + n, ": ", 2);
    memcpy(e->msg + n + 2, old, k);
    e->msg[n + 2 + k] = '\0';
  }
  return e->code;
}

void err_clear(struct pulp_err *e)
{
  e->code = 0;
  e->msg[0] = '\0';
}
