// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modfile.h"
#include "modules.h"
#include "store.h"

/* Candidate paths are given as on the system (without the root). */
static const char *identify(const struct klp_ctx *ctx, const char *name,
                            const struct klp_modinfo *mi)
{
  char loaded[129], src[64];
  const char *v;

  if (mi->build_id[0] &&
      klp_module_build_id(ctx, name, loaded, sizeof(loaded)) == 0)
    return strcmp(loaded, mi->build_id) ? NULL : "build-id";
  v = klp_modinfo_get(mi, "srcversion");
  if (v && klp_module_attr(ctx, name, "srcversion", src, sizeof(src)) == 0)
    return strcmp(src, v) ? NULL : "srcversion";
  return "unconfirmed";
}

static bool try_candidate(const struct klp_ctx *ctx, const char *name,
                          const char *syspath, struct klp_modfile *out)
{
  char full[KLP_PATH_MAX];
  struct klp_err ignored;
  const char *modname, *how;

  if (klp_path(ctx, full, sizeof(full), "%s", syspath) < 0)
    return false;
  if (klp_modinfo_read(full, &ignored, &out->mi) < 0)
    return false;
  modname = klp_modinfo_get(&out->mi, "name");
  how =
      modname && !strcmp(modname, name) ? identify(ctx, name, &out->mi) : NULL;
  if (!how) {
    klp_modinfo_free(&out->mi);
    return false;
  }
  snprintf(out->path, sizeof(out->path), "%s", syspath);
  out->how = how;
  return true;
}

static bool from_record(const struct klp_ctx *ctx, const char *name,
                        struct klp_modfile *out)
{
  char path[KLP_PATH_MAX];
  struct klp_err ignored;

  if (klp_read_text(ctx, &ignored, path, sizeof(path), KLP_RECORD_DIR "/%s",
                    name) < 0)
    return false;
  return path[0] == '/' && try_candidate(ctx, name, path, out);
}

static bool from_store(const struct klp_ctx *ctx, const char *name,
                       struct klp_modfile *out)
{
  const struct klp_store_entry *s;
  struct klp_store store;
  struct klp_err ignored;
  bool found = false;

  if (klp_store_read(ctx, &ignored, &store) < 0)
    return false;
  s = klp_store_find(&store, name);
  if (s) {
    size_t rootlen = strlen(ctx->root);

    found = try_candidate(ctx, name, s->path + rootlen, out);
  }
  klp_store_free(&store);
  return found;
}

/* modules.dep names files as "kernel/dir/a-b.ko:"; the module is "a_b". */
static bool dep_matches(const char *file, const char *name)
{
  const char *base = strrchr(file, '/');
  size_t i;

  base = base ? base + 1 : file;
  for (i = 0; name[i]; i++) {
    char c = base[i] == '-' ? '_' : base[i];

    if (c != name[i])
      return false;
  }
  return !strcmp(base + i, ".ko");
}

static bool from_modules_dep(const struct klp_ctx *ctx, const char *name,
                             struct klp_modfile *out)
{
  char rel[256], path[KLP_PATH_MAX], line[4096];
  struct klp_err ignored;
  bool found = false;
  FILE *f;

  if (klp_kernel_release(ctx, &ignored, rel, sizeof(rel)) < 0)
    return false;
  if (klp_path(ctx, path, sizeof(path), "/lib/modules/%s/modules.dep", rel) < 0)
    return false;
  f = fopen(path, "re");
  if (!f)
    return false;
  while (!found && fgets(line, sizeof(line), f)) {
    char *colon = strchr(line, ':'), sys[KLP_PATH_MAX + 512];
    int n;

    if (!colon)
      continue;
    *colon = '\0';
    if (!dep_matches(line, name))
      continue;
    if (line[0] == '/')
      n = snprintf(sys, sizeof(sys), "%s", line);
    else
      n = snprintf(sys, sizeof(sys), "/lib/modules/%s/%s", rel, line);
    if (n > 0 && (size_t)n < sizeof(sys))
      found = try_candidate(ctx, name, sys, out);
  }
  fclose(f);
  return found;
}

int klp_modfile_find(const struct klp_ctx *ctx, const char *name,
                     struct klp_modfile *out)
{
  memset(out, 0, sizeof(*out));
  if (from_record(ctx, name, out) || from_store(ctx, name, out) ||
      from_modules_dep(ctx, name, out))
    return 0;
  return -ENOENT;
}

void klp_modfile_free(struct klp_modfile *f)
{
  klp_modinfo_free(&f->mi);
}

void klp_modfile_record(const struct klp_ctx *ctx, const char *name,
                        const char *path)
{
  char dir[KLP_PATH_MAX], file[KLP_PATH_MAX], abs[KLP_PATH_MAX];
  FILE *f;

  if (!realpath(path, abs))
    return;
  if (klp_path(ctx, dir, sizeof(dir), "/run/klp") < 0)
    return;
  mkdir(dir, 0755);
  if (klp_path(ctx, dir, sizeof(dir), KLP_RECORD_DIR) < 0)
    return;
  mkdir(dir, 0755);
  if (klp_path(ctx, file, sizeof(file), KLP_RECORD_DIR "/%s", name) < 0)
    return;
  f = fopen(file, "we");
  if (!f)
    return;
  fprintf(f, "%s\n", abs);
  fclose(f);
}

void klp_modfile_forget(const struct klp_ctx *ctx, const char *name)
{
  char file[KLP_PATH_MAX];

  if (klp_path(ctx, file, sizeof(file), KLP_RECORD_DIR "/%s", name) == 0)
    unlink(file);
}
