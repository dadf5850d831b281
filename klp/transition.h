/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Waiting for a patch's transition: it ends when the patch's "transition"
 * reads 0, or when its directory vanishes (a disabled patch is removed from
 * sysfs as its transition ends).
 */
#ifndef KLP_TRANSITION_H
#define KLP_TRANSITION_H

#include <stdbool.h>
#include <stdio.h>

#include "klp.h"

/*
 * 0 when the transition of patch name is over, -ETIMEDOUT when it is still
 * running after timeout seconds (< 0: no limit); progress: a status line on
 * the terminal (stderr) while waiting.
 */
int klp_transition_wait(const struct klp_ctx *ctx, struct klp_err *e,
                        const char *name, double timeout, bool progress);

/* Print the tasks holding back the transition of name to f; count or -errno. */
int klp_transition_print_blocking(const struct klp_ctx *ctx, FILE *f,
                                  const char *name, int target);

/* Monotonic seconds. */
double klp_now(void);

#endif
