/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which file a loaded module came from. Sysfs does not say (DESIGN.md 7), so
 * klp looks in turn at: the record "klp load" keeps in /run/klp/modules/NAME,
 * the patch store, and /lib/modules/$(uname -r)/modules.dep; a candidate is
 * accepted when its build-id (else its srcversion) matches the loaded module.
 */
#ifndef KLP_MODFILE_H
#define KLP_MODFILE_H

#include "modinfo.h"
#include "root.h"

#define KLP_RECORD_DIR "/run/klp/modules"

struct klp_modfile {
  char path[KLP_PATH_MAX]; /* as the system sees it (root removed) */
  const char *how;         /* "build-id", "srcversion", "unconfirmed" */
  struct klp_modinfo mi;
};

/* 0 when found; -ENOENT when no candidate matches. */
int klp_modfile_find(const struct klp_ctx *ctx, const char *name,
                     struct klp_modfile *out);
void klp_modfile_free(struct klp_modfile *f);

/* Remember (best effort) that module name was loaded from path. */
void klp_modfile_record(const struct klp_ctx *ctx, const char *name,
                        const char *path);
void klp_modfile_forget(const struct klp_ctx *ctx, const char *name);

#endif
