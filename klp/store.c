// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int klp_version_cmp(const char *a, const char *b)
{
  return strverscmp(a, b);
}

static bool has_suffix(const char *s, const char *suffix)
{
  size_t ls = strlen(s), lx = strlen(suffix);

  return ls > lx && !strcmp(s + ls - lx, suffix);
}

static void copy_field(char *dst, size_t n, const char *v)
{
  snprintf(dst, n, "%s", v ? v : "");
}

int klp_store_read(const struct klp_ctx *ctx, struct klp_err *e,
                   struct klp_store *out)
{
  char **names;
  size_t n;
  int r;

  memset(out, 0, sizeof(*out));
  r = klp_list_dir(ctx, e, &names, &n, "%s", ctx->store);
  if (r == -ENOENT)
    return 0;
  if (r < 0)
    return r;
  out->v = calloc(n ? n : 1, sizeof(*out->v));
  if (!out->v) {
    klp_free_names(names, n);
    return klp_fail(e, 0, ENOMEM, "reading the patch store");
  }
  for (size_t i = 0; i < n; i++) {
    struct klp_store_entry *s = &out->v[out->n];
    struct klp_err ignored;

    if (!has_suffix(names[i], ".ko"))
      continue;
    if (klp_path(ctx, s->path, sizeof(s->path), "%s/%s", ctx->store, names[i]) <
        0)
      continue;
    /* A file the store cannot use is skipped, like any non-module. */
    if (klp_modinfo_read(s->path, &ignored, &s->mi) < 0)
      continue;
    copy_field(s->name, sizeof(s->name), klp_modinfo_get(&s->mi, "name"));
    copy_field(s->series, sizeof(s->series),
               klp_modinfo_get(&s->mi, "klp_series"));
    copy_field(s->version, sizeof(s->version),
               klp_modinfo_get(&s->mi, "version"));
    if (!s->name[0]) {
      klp_modinfo_free(&s->mi);
      continue;
    }
    out->n++;
  }
  klp_free_names(names, n);
  return 0;
}

void klp_store_free(struct klp_store *s)
{
  for (size_t i = 0; i < s->n; i++)
    klp_modinfo_free(&s->v[i].mi);
  free(s->v);
  memset(s, 0, sizeof(*s));
}

const struct klp_store_entry *klp_store_find(const struct klp_store *s,
                                             const char *name)
{
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->v[i].name, name))
      return &s->v[i];
  return NULL;
}

const struct klp_store_entry *klp_store_previous(const struct klp_store *s,
                                                 const char *series,
                                                 const char *version)
{
  const struct klp_store_entry *best = NULL;

  for (size_t i = 0; i < s->n; i++) {
    const struct klp_store_entry *c = &s->v[i];

    if (strcmp(c->series, series) || !c->version[0] ||
        klp_version_cmp(c->version, version) >= 0)
      continue;
    if (!best || klp_version_cmp(c->version, best->version) > 0)
      best = c;
  }
  return best;
}
