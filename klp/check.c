// SPDX-License-Identifier: GPL-2.0-or-later
/* klp check: the answer of "klp status" as an exit status only. */
#include "livepatch.h"

static const char usage[] =
    "Usage: klp check\n\n"
    "Answer \"klp status\" by the exit status alone; prints nothing but\n"
    "errors.\n"
    "Exit status: 0 no live patch in transition, 1 a transition is in\n"
    "progress, 3 no live patching in this kernel, 4 permission denied,\n"
    "6 kernel state unreadable.\n";

int klp_cmd_check(struct klp_ctx *ctx, int argc, char **argv)
{
  struct klp_patches p;
  struct klp_err e;
  int r = klp_parse_simple(ctx, argc, argv, usage);

  if (r >= 0)
    return r;
  if (klp_patches_read(ctx, &e, &p, false) < 0)
    return e.exit == KLP_EXIT_UNSUPPORTED ? e.exit : klp_err_report(&e);
  r = klp_patches_transition(&p) ? KLP_EXIT_NO : KLP_EXIT_OK;
  klp_patches_free(&p);
  return r;
}
