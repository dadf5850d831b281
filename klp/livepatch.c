// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "livepatch.h"
#include "root.h"

int klp_supported(const struct klp_ctx *ctx, struct klp_err *e)
{
  char path[KLP_PATH_MAX];
  struct stat st;

  if (klp_path(ctx, path, sizeof(path), KLP_SYSFS) < 0)
    return klp_fail(e, 0, ENAMETOOLONG, "finding %s", KLP_SYSFS);
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return 0;
  if (errno == EACCES)
    return klp_fail(e, 0, errno, "reading %s", path);
  klp_fail(e, KLP_EXIT_UNSUPPORTED, ENOENT, "live patching");
  klp_why(e, "not supported by this kernel (no %s)", path);
  return -ENOTSUP;
}

static int read_bool(const struct klp_ctx *ctx, struct klp_err *e, bool *v,
                     const char *patch, const char *rel)
{
  long n;
  int r = klp_read_long(ctx, e, &n, KLP_SYSFS "/%s%s", patch, rel);

  if (r < 0)
    return r;
  if (n != 0 && n != 1) {
    klp_fail(e, KLP_EXIT_ERROR, EINVAL, "reading %s" KLP_SYSFS "/%s%s",
             ctx->root, patch, rel);
    klp_why(e, "malformed contents '%ld' (expected 0 or 1)", n);
    return -EINVAL;
  }
  *v = n == 1;
  return 0;
}

static bool is_dir(const struct klp_ctx *ctx, const char *patch,
                   const char *sub, const char *name)
{
  char path[KLP_PATH_MAX];
  struct stat st;

  if (klp_path(ctx, path, sizeof(path), KLP_SYSFS "/%s%s/%s", patch, sub,
               name) < 0)
    return false;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_funcs(const struct klp_ctx *ctx, struct klp_err *e,
                      const char *patch, struct klp_object *o)
{
  char **names;
  size_t n;
  int r = klp_list_dir(ctx, e, &names, &n, KLP_SYSFS "/%s/%s", patch, o->name);

  if (r < 0)
    return r;
  o->funcs = calloc(n ? n : 1, sizeof(*o->funcs));
  if (!o->funcs) {
    klp_free_names(names, n);
    return klp_fail(e, 0, ENOMEM, "reading patch %s", patch);
  }
  for (size_t i = 0; i < n; i++) {
    char *comma = strrchr(names[i], ',');
    struct klp_func *f;
    long pos;

    if (!strcmp(names[i], "patched"))
      continue;
    if (!comma || !klp_parse_long(comma + 1, &pos) || pos < 0) {
      klp_fail(e, KLP_EXIT_ERROR, EINVAL, "reading %s" KLP_SYSFS "/%s/%s",
               ctx->root, patch, o->name);
      klp_why(e, "malformed function entry '%.60s' (expected NAME,SYMPOS)",
              names[i]);
      klp_free_names(names, n);
      return -EINVAL;
    }
    f = &o->funcs[o->nfuncs++];
    f->name = strndup(names[i], (size_t)(comma - names[i]));
    f->sympos = pos;
  }
  klp_free_names(names, n);
  return 0;
}

static int read_objects(const struct klp_ctx *ctx, struct klp_err *e,
                        struct klp_patch *p)
{
  char **names;
  size_t n;
  int r = klp_list_dir(ctx, e, &names, &n, KLP_SYSFS "/%s", p->name);

  if (r < 0)
    return r;
  p->objs = calloc(n ? n : 1, sizeof(*p->objs));
  if (!p->objs) {
    klp_free_names(names, n);
    return klp_fail(e, 0, ENOMEM, "reading patch %s", p->name);
  }
  for (size_t i = 0; i < n && r == 0; i++) {
    struct klp_object *o;
    char rel[512];

    if (!is_dir(ctx, p->name, "", names[i]))
      continue;
    o = &p->objs[p->nobjs++];
    o->name = names[i];
    names[i] = NULL;
    snprintf(rel, sizeof(rel), "/%s/patched", o->name);
    r = read_bool(ctx, e, &o->patched, p->name, rel);
    if (r == 0)
      r = read_funcs(ctx, e, p->name, o);
  }
  klp_free_names(names, n);
  return r;
}

static void patch_free(struct klp_patch *p)
{
  for (size_t i = 0; i < p->nobjs; i++) {
    for (size_t j = 0; j < p->objs[i].nfuncs; j++)
      free(p->objs[i].funcs[j].name);
    free(p->objs[i].funcs);
    free(p->objs[i].name);
  }
  free(p->objs);
  free(p->name);
  memset(p, 0, sizeof(*p));
}

/* 0, -ENOENT when the patch vanished meanwhile, or another -errno. */
static int read_patch(const struct klp_ctx *ctx, struct klp_err *e,
                      struct klp_patch *p, bool objects)
{
  long v;
  int r;

  p->replace = -1;
  p->stack_order = -1;
  if ((r = read_bool(ctx, e, &p->enabled, p->name, "/enabled")) < 0)
    return r;
  if ((r = read_bool(ctx, e, &p->transition, p->name, "/transition")) < 0)
    return r;
  if (klp_exists(ctx, KLP_SYSFS "/%s/replace", p->name)) {
    bool b;

    if ((r = read_bool(ctx, e, &b, p->name, "/replace")) < 0)
      return r;
    p->replace = b;
  }
  if (klp_exists(ctx, KLP_SYSFS "/%s/stack_order", p->name)) {
    r = klp_read_long(ctx, e, &v, KLP_SYSFS "/%s/stack_order", p->name);
    if (r < 0)
      return r;
    p->stack_order = v;
  }
  return objects ? read_objects(ctx, e, p) : 0;
}

int klp_patches_read(const struct klp_ctx *ctx, struct klp_err *e,
                     struct klp_patches *out, bool objects)
{
  char **names;
  size_t n;
  int r;

  memset(out, 0, sizeof(*out));
  if ((r = klp_supported(ctx, e)) < 0)
    return r;
  if ((r = klp_list_dir(ctx, e, &names, &n, KLP_SYSFS)) < 0)
    return r;
  out->v = calloc(n ? n : 1, sizeof(*out->v));
  if (!out->v) {
    klp_free_names(names, n);
    return klp_fail(e, 0, ENOMEM, "reading " KLP_SYSFS);
  }
  for (size_t i = 0; i < n; i++) {
    struct klp_patch *p = &out->v[out->n];

    p->name = names[i];
    names[i] = NULL;
    r = read_patch(ctx, e, p, objects);
    if (r == -ENOENT && !klp_exists(ctx, KLP_SYSFS "/%s", p->name)) {
      /* Disabled and its transition ended while we read: gone. */
      patch_free(p);
      continue;
    }
    if (r < 0) {
      out->n++;
      klp_free_names(names, n);
      klp_patches_free(out);
      return r;
    }
    out->n++;
  }
  klp_free_names(names, n);
  return 0;
}

void klp_patches_free(struct klp_patches *p)
{
  for (size_t i = 0; i < p->n; i++)
    patch_free(&p->v[i]);
  free(p->v);
  memset(p, 0, sizeof(*p));
}

const struct klp_patch *klp_patches_transition(const struct klp_patches *p)
{
  for (size_t i = 0; i < p->n; i++)
    if (p->v[i].transition)
      return &p->v[i];
  return NULL;
}

const struct klp_patch *klp_patches_find(const struct klp_patches *p,
                                         const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->v[i].name, name))
      return &p->v[i];
  return NULL;
}
