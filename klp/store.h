/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The patch store: a directory of livepatch modules kept so that klp can go
 * back to an earlier cumulative patch (docs/klp.md). Each .ko there names its
 * series in the modinfo field "klp_series" and its place in it with
 * MODULE_VERSION; versions compare as version strings (1 < 2 < 10).
 */
#ifndef KLP_STORE_H
#define KLP_STORE_H

#include <stddef.h>

#include "klp.h"
#include "modinfo.h"
#include "root.h"

#define KLP_STORE_DEFAULT "/var/lib/klp/patches"

struct klp_store_entry {
  char path[KLP_PATH_MAX]; /* as read, root included */
  char name[64];           /* module name (modinfo "name") */
  char series[64];         /* "" when the module names none */
  char version[64];        /* "" when the module has none */
  struct klp_modinfo mi;
};

struct klp_store {
  struct klp_store_entry *v;
  size_t n;
};

/* Every readable module of the store; a missing store is empty. */
int klp_store_read(const struct klp_ctx *ctx, struct klp_err *e,
                   struct klp_store *out);
void klp_store_free(struct klp_store *s);
const struct klp_store_entry *klp_store_find(const struct klp_store *s,
                                             const char *name);

/* The newest entry of series older than version, or NULL. */
const struct klp_store_entry *klp_store_previous(const struct klp_store *s,
                                                 const char *series,
                                                 const char *version);

int klp_version_cmp(const char *a, const char *b);

#endif
