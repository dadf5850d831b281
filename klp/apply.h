/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The steps load, unload and downgrade share: load a patch module and see
 * its transition through (reversing it when it stalls), disable a patch and
 * remove its module.
 */
#ifndef KLP_APPLY_H
#define KLP_APPLY_H

#include <stdbool.h>

#include "klp.h"

struct klp_apply_opts {
  double timeout; /* seconds for the transition (and EBUSY retries) */
  bool keep;      /* leave a stalled transition running */
};

/*
 * Load the module at path (its modinfo name is name) and wait for the
 * transition. A transition still running at the timeout is reported with
 * its blocking tasks and reversed, and the module removed, unless keep.
 */
int klp_apply_load(const struct klp_ctx *ctx, struct klp_err *e,
                   const char *path, const char *name,
                   const struct klp_apply_opts *o);

/* Disable patch name (if active), wait, remove its module. */
int klp_apply_unload(const struct klp_ctx *ctx, struct klp_err *e,
                     const char *name, const struct klp_apply_opts *o);

/*
 * Remove a livepatch module no longer in /sys/kernel/livepatch; the kernel
 * drops its reference shortly after the transition, so retry briefly. A
 * forced patch's module is never released: say so.
 */
int klp_apply_remove_module(const struct klp_ctx *ctx, struct klp_err *e,
                            const char *name);

/* Parse a --timeout value (seconds, >= 0). */
bool klp_parse_timeout(const char *s, double *v);

#endif
