/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasks and their live patching state: /proc/PID/task/TID/patch_state is -1
 * outside a transition, else 0 (unpatched) or 1 (patched). A task that has
 * not reached the transition's target state holds the transition back.
 * Tasks exit while we scan: a vanished task is skipped, not an error.
 */
#ifndef KLP_TASKS_H
#define KLP_TASKS_H

#include <stddef.h>

#include "klp.h"

struct klp_task {
  int pid;
  int tid;
  int state;
  char comm[64];
};

/* Tasks whose patch_state is neither -1 nor target, sorted by tid. */
int klp_tasks_blocking(const struct klp_ctx *ctx, struct klp_err *e, int target,
                       struct klp_task **tasks, size_t *count);

/* Command line with NULs as spaces; "[comm]" for kernel threads. */
void klp_task_cmdline(const struct klp_ctx *ctx, const struct klp_task *t,
                      char *buf, size_t n);

/* Kernel stack (root only); -errno when unreadable. */
int klp_task_stack(const struct klp_ctx *ctx, const struct klp_task *t,
                   char *buf, size_t n);

#endif
