// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "apply.h"
#include "kmod.h"
#include "livepatch.h"
#include "modfile.h"
#include "modules.h"
#include "root.h"
#include "transition.h"

/* Time the kernel takes to release a patch module after its transition. */
#define RELEASE_WAIT 3.0
/* Bound for reversing a stalled transition (the reverse can stall too). */
#define REVERSE_WAIT 15.0

bool klp_parse_timeout(const char *s, double *v)
{
  char *end;

  *v = strtod(s, &end);
  return end != s && *end == '\0' && *v >= 0 && *v < 1e9;
}

static double remaining(double deadline)
{
  double left = deadline - klp_now();

  return left > 0 ? left : 0;
}

int klp_apply_load(const struct klp_ctx *ctx, struct klp_err *e,
                   const char *path, const char *name,
                   const struct klp_apply_opts *o)
{
  double deadline = klp_now() + o->timeout;
  bool said = false;
  int r;

  /* Only one transition at a time: EBUSY while another one runs. */
  while ((r = klp_kmod_load(path, name, e)) == -EBUSY && klp_now() < deadline) {
    if (!said && isatty(STDERR_FILENO))
      fprintf(stderr, "klp: %s: waiting for another transition\n", name);
    said = true;
    usleep(200000);
  }
  if (r == -EBUSY) {
    klp_fail(e, KLP_EXIT_TIMEOUT, EBUSY, "loading %s", path);
    klp_why(e, "another live patch transition still in progress after %gs",
            o->timeout);
  }
  if (r < 0)
    return r;
  klp_modfile_record(ctx, name, path);
  r = klp_transition_wait(ctx, e, name, remaining(deadline), true);
  if (r != -ETIMEDOUT)
    return r;

  klp_transition_print_blocking(ctx, stderr, name, 1);
  if (o->keep) {
    klp_fail(e, KLP_EXIT_TIMEOUT, ETIMEDOUT, "loading %s", name);
    klp_why(e, "transition not finished after %gs; left in progress (--keep)",
            o->timeout);
    return -ETIMEDOUT;
  }
  /* Writing 0 to enabled during a transition reverses it. */
  r = klp_write_text(ctx, e, "0", KLP_SYSFS "/%s/enabled", name);
  if (r == 0)
    r = klp_transition_wait(ctx, e, name, REVERSE_WAIT, true);
  if (r == 0)
    r = klp_apply_remove_module(ctx, e, name);
  if (r < 0) {
    fprintf(stderr, "klp: %s: reversing the stalled transition failed\n", name);
    return r;
  }
  klp_fail(e, KLP_EXIT_TIMEOUT, ETIMEDOUT, "loading %s", name);
  klp_why(e,
          "transition not finished after %gs; reversed and module "
          "removed",
          o->timeout);
  return -ETIMEDOUT;
}

int klp_apply_remove_module(const struct klp_ctx *ctx, struct klp_err *e,
                            const char *name)
{
  double deadline = klp_now() + RELEASE_WAIT;
  int r;

  while ((r = klp_kmod_unload(name, e)) == -EWOULDBLOCK && klp_now() < deadline)
    usleep(100000);
  if (r == -EWOULDBLOCK && !klp_exists(ctx, KLP_SYSFS "/%s", name))
    klp_why(e, "still in use: the patch was forced, and the kernel never "
               "releases a forced patch module (it stays until reboot)");
  if (r == 0)
    klp_modfile_forget(ctx, name);
  return r;
}

int klp_apply_unload(const struct klp_ctx *ctx, struct klp_err *e,
                     const char *name, const struct klp_apply_opts *o)
{
  double deadline = klp_now() + o->timeout;
  long enabled;
  int r;

  r = klp_read_long(ctx, e, &enabled, KLP_SYSFS "/%s/enabled", name);
  if (r < 0 && r != -ENOENT)
    return r;
  if (r == 0 && enabled) {
    while ((r = klp_write_text(ctx, e, "0", KLP_SYSFS "/%s/enabled", name)) ==
               -EBUSY &&
           klp_now() < deadline)
      usleep(200000);
    if (r == -EBUSY)
      klp_why(e, "another live patch transition is in progress");
    if (r < 0 && r != -ENOENT)
      return r;
  }
  r = klp_transition_wait(ctx, e, name, remaining(deadline), true);
  if (r == -ETIMEDOUT) {
    klp_transition_print_blocking(ctx, stderr, name, 0);
    klp_fail(e, KLP_EXIT_TIMEOUT, ETIMEDOUT, "unloading %s", name);
    klp_why(e, "unpatching not finished after %gs; still in progress",
            o->timeout);
    return r;
  }
  if (r < 0)
    return r;
  return klp_apply_remove_module(ctx, e, name);
}
