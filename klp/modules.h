/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loaded modules: /proc/modules (newest first; "(K)" marks a livepatch
 * module) and the attributes under /sys/module/NAME.
 */
#ifndef KLP_MODULES_H
#define KLP_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "klp.h"

struct klp_module {
  char name[64];
  long refcnt;
  char state[16]; /* Live, Loading, Unloading */
  char taint[16]; /* flags between the parentheses, "" when none */
};

struct klp_modules {
  struct klp_module *v;
  size_t n;
};

int klp_modules_read(const struct klp_ctx *ctx, struct klp_err *e,
                     struct klp_modules *out);
void klp_modules_free(struct klp_modules *m);
const struct klp_module *klp_modules_find(const struct klp_modules *m,
                                          const char *name);

/* Whether a module is a livepatch: the kernel taints it with K. */
bool klp_module_is_livepatch(const struct klp_module *m);

/* /sys/module/NAME/ATTR as text; -errno (e untouched) when absent. */
int klp_module_attr(const struct klp_ctx *ctx, const char *name,
                    const char *attr, char *buf, size_t n);

/* Build-id of the loaded module (hex) from its sysfs notes; -errno. */
int klp_module_build_id(const struct klp_ctx *ctx, const char *name, char *hex,
                        size_t n);

#endif
