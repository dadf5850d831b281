/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's live patches as /sys/kernel/livepatch shows them: one
 * directory per patch (enabled, transition, force; replace and stack_order
 * only on newer kernels), one per object (patched), one per function
 * ("name,sympos"). A patch being disabled vanishes when its transition ends,
 * possibly while we read it: such a patch is left out, not an error.
 */
#ifndef KLP_LIVEPATCH_H
#define KLP_LIVEPATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "klp.h"

#define KLP_SYSFS "/sys/kernel/livepatch"

struct klp_func {
  char *name;
  long sympos;
};

struct klp_object {
  char *name; /* "vmlinux" or a module name */
  bool patched;
  struct klp_func *funcs;
  size_t nfuncs;
};

struct klp_patch {
  char *name;
  bool enabled;
  bool transition;
  int replace;      /* -1: the kernel does not say (6.1) */
  long stack_order; /* -1: the kernel does not say (6.1) */
  struct klp_object *objs;
  size_t nobjs;
};

struct klp_patches {
  struct klp_patch *v;
  size_t n;
};

/* 0 when the kernel has live patching; else KLP_EXIT_UNSUPPORTED in e. */
int klp_supported(const struct klp_ctx *ctx, struct klp_err *e);

/* Read every patch; with objects, also their objects and functions. */
int klp_patches_read(const struct klp_ctx *ctx, struct klp_err *e,
                     struct klp_patches *out, bool objects);
void klp_patches_free(struct klp_patches *p);

/* The patch in transition, or NULL (the kernel allows one at a time). */
const struct klp_patch *klp_patches_transition(const struct klp_patches *p);
const struct klp_patch *klp_patches_find(const struct klp_patches *p,
                                         const char *name);

/*
 * The state tasks are migrating to in a transition: 1 when patching
 * (enabled), 0 when unpatching. /proc/PID/task/TID/patch_state holds it.
 */
static inline int klp_patch_target(const struct klp_patch *p)
{
  return p->enabled ? 1 : 0;
}

#endif
