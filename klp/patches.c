// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp patches: the live patches in /sys/kernel/livepatch, oldest first, and
 * (-v, --json) the livepatch modules still loaded that are no longer there:
 * disabled or replaced ones, and forced ones the kernel never releases.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "livepatch.h"
#include "modfile.h"
#include "modules.h"
#include "output.h"
#include "package.h"
#include "root.h"

static const char usage[] =
    "Usage: klp [-v|-vv] [--json] patches\n\n"
    "List the loaded live patches, one name per line, oldest first.\n"
    "-v: per patch its state, transition, module file, version, owning\n"
    "package and CVE/bug labels, and the livepatch modules still loaded\n"
    "but no longer active (disabled, replaced, forced);\n"
    "-vv: also each patched object and function. --json prints all of it.\n"
    "Exit status: 0 listed, 3 no live patching, 4 permission denied,\n"
    "6 kernel state unreadable.\n";

/* What klp knows of one patch module, active or not. */
struct info {
  const char *name;
  const struct klp_module *mod; /* NULL when not in /proc/modules */
  bool have_file;
  struct klp_modfile file;
  char version[64], srcversion[64], package[256];
  struct klp_labels labels;
};

static void info_read(const struct klp_ctx *ctx, struct info *i,
                      const char *name, const struct klp_modules *mods)
{
  memset(i, 0, sizeof(*i));
  i->name = name;
  i->mod = klp_modules_find(mods, name);
  klp_module_attr(ctx, name, "version", i->version, sizeof(i->version));
  klp_module_attr(ctx, name, "srcversion", i->srcversion,
                  sizeof(i->srcversion));
  i->have_file = klp_modfile_find(ctx, name, &i->file) == 0;
  if (i->have_file) {
    char full[KLP_PATH_MAX];

    klp_path(ctx, full, sizeof(full), "%s", i->file.path);
    klp_labels_read(&i->file.mi, full, &i->labels);
    if (klp_package_owner(ctx, i->file.path, i->package, sizeof(i->package)) <
        0)
      i->package[0] = '\0';
  }
}

static void info_free(struct info *i)
{
  if (i->have_file)
    klp_modfile_free(&i->file);
  klp_labels_free(&i->labels);
}

static const char *series_of(const struct info *i)
{
  return i->have_file ? klp_modinfo_get(&i->file.mi, "klp_series") : NULL;
}

/* Patches in load order: /proc/modules lists the newest module first. */
static long age(const struct klp_modules *mods, const struct klp_patch *p)
{
  if (p->stack_order >= 0)
    return -p->stack_order;
  for (size_t i = 0; i < mods->n; i++)
    if (!strcmp(mods->v[i].name, p->name))
      return (long)i;
  return -1;
}

static int cmp_age(const void *a, const void *b, void *mods)
{
  long x = age(mods, a), y = age(mods, b);

  return (x < y) - (x > y);
}

static const char *patch_state(const struct klp_patch *p)
{
  return p->enabled ? "enabled" : "disabling";
}

/* State of a livepatch module that has left /sys/kernel/livepatch. */
static const char *inactive_state(const struct info *i,
                                  const struct info *active, size_t nactive,
                                  const char **by)
{
  const char *series = series_of(i);

  *by = NULL;
  if (i->mod->refcnt > 0)
    return "forced";
  for (size_t k = 0; series && k < nactive; k++) {
    const char *s = series_of(&active[k]);

    if (s && !strcmp(s, series)) {
      *by = active[k].name;
      return "replaced";
    }
  }
  return "disabled";
}

static void print_labels(const char *key, char **v, size_t n)
{
  if (!n)
    return;
  printf("  %-11s", key);
  for (size_t k = 0; k < n; k++)
    printf(" %s", v[k]);
  putchar('\n');
}

static void print_module(const struct info *i)
{
  if (i->have_file)
    printf("  module:     %s (%s)\n", i->file.path, i->file.how);
  else
    printf("  module:     unknown (not in the patch store, modules.dep or "
           "klp's records)\n");
  if (i->version[0] || i->srcversion[0])
    printf("  version:    %s%s%s%s\n", i->version[0] ? i->version : "-",
           i->srcversion[0] ? " (srcversion " : "", i->srcversion,
           i->srcversion[0] ? ")" : "");
  if (i->have_file)
    printf("  package:    %s\n", i->package[0] ? i->package : "none");
  print_labels("cve:", i->labels.cve, i->labels.ncve);
  print_labels("bug:", i->labels.bug, i->labels.nbug);
}

static void print_text(const struct klp_ctx *ctx, const struct klp_patches *p,
                       const struct info *act, const struct info *inact,
                       size_t ninact)
{
  for (size_t k = 0; k < p->n; k++) {
    const struct klp_patch *pt = &p->v[k];

    puts(pt->name);
    if (!ctx->verbose)
      continue;
    printf("  state:      %s\n", patch_state(pt));
    printf("  transition: %s\n",
           !pt->transition
               ? "no"
               : (pt->enabled ? "yes (patching)" : "yes (unpatching)"));
    if (pt->replace >= 0)
      printf("  replace:    %s\n", pt->replace ? "yes" : "no");
    print_module(&act[k]);
    for (size_t o = 0; ctx->verbose >= 2 && o < pt->nobjs; o++) {
      const struct klp_object *ob = &pt->objs[o];

      printf("  object %s: %s\n", ob->name,
             ob->patched ? "patched" : "not patched (not loaded)");
      for (size_t f = 0; f < ob->nfuncs; f++)
        printf("    %s,%ld\n", ob->funcs[f].name, ob->funcs[f].sympos);
    }
  }
  for (size_t k = 0; ctx->verbose && k < ninact; k++) {
    const char *by, *st = inactive_state(&inact[k], act, p->n, &by);

    printf("%s (inactive module)\n", inact[k].name);
    if (!strcmp(st, "forced"))
      printf("  state:      forced: disabled, but the kernel never releases "
             "a forced patch module\n");
    else if (by)
      printf("  state:      replaced by %s (module still loaded)\n", by);
    else
      printf("  state:      disabled or replaced (module still loaded)\n");
    print_module(&inact[k]);
  }
}

static struct json_object *strings(char **v, size_t n)
{
  struct json_object *a = json_object_new_array();

  for (size_t k = 0; k < n; k++)
    json_object_array_add(a, json_object_new_string(v[k]));
  return a;
}

static void module_json(struct json_object *o, const struct info *i)
{
  struct json_object *m = json_object_new_object();

  klp_json_set(m, "file", i->have_file ? klp_json_str(i->file.path) : NULL);
  klp_json_set(m, "identified_by",
               i->have_file ? klp_json_str(i->file.how) : NULL);
  klp_json_set(m, "version", klp_json_str(i->version));
  klp_json_set(m, "srcversion", klp_json_str(i->srcversion));
  klp_json_set(m, "package", klp_json_str(i->package));
  klp_json_set(m, "refcnt",
               i->mod ? json_object_new_int64(i->mod->refcnt) : NULL);
  klp_json_set(o, "module", m);
  klp_json_set(o, "cve", strings(i->labels.cve, i->labels.ncve));
  klp_json_set(o, "bug", strings(i->labels.bug, i->labels.nbug));
}

static struct json_object *objects_json(const struct klp_patch *pt)
{
  struct json_object *a = json_object_new_array();

  for (size_t o = 0; o < pt->nobjs; o++) {
    struct json_object *ob = json_object_new_object();
    struct json_object *fa = json_object_new_array();

    klp_json_set(ob, "name", json_object_new_string(pt->objs[o].name));
    klp_json_set(ob, "patched", json_object_new_boolean(pt->objs[o].patched));
    for (size_t f = 0; f < pt->objs[o].nfuncs; f++) {
      struct json_object *fo = json_object_new_object();

      klp_json_set(fo, "name",
                   json_object_new_string(pt->objs[o].funcs[f].name));
      klp_json_set(fo, "sympos",
                   json_object_new_int64(pt->objs[o].funcs[f].sympos));
      json_object_array_add(fa, fo);
    }
    klp_json_set(ob, "functions", fa);
    json_object_array_add(a, ob);
  }
  return a;
}

static void print_json(const struct klp_patches *p, const struct info *act,
                       const struct info *inact, size_t ninact)
{
  struct json_object *root = json_object_new_object();
  struct json_object *pa = json_object_new_array();
  struct json_object *ia = json_object_new_array();

  for (size_t k = 0; k < p->n; k++) {
    const struct klp_patch *pt = &p->v[k];
    struct json_object *o = json_object_new_object();

    klp_json_set(o, "name", json_object_new_string(pt->name));
    klp_json_set(o, "state", json_object_new_string(patch_state(pt)));
    klp_json_set(o, "enabled", json_object_new_boolean(pt->enabled));
    klp_json_set(o, "transition", json_object_new_boolean(pt->transition));
    klp_json_set(o, "replace",
                 pt->replace < 0 ? NULL : json_object_new_boolean(pt->replace));
    module_json(o, &act[k]);
    klp_json_set(o, "objects", objects_json(pt));
    json_object_array_add(pa, o);
  }
  for (size_t k = 0; k < ninact; k++) {
    struct json_object *o = json_object_new_object();
    const char *by, *st = inactive_state(&inact[k], act, p->n, &by);

    klp_json_set(o, "name", json_object_new_string(inact[k].name));
    klp_json_set(o, "state", json_object_new_string(st));
    klp_json_set(o, "replaced_by", klp_json_str(by));
    module_json(o, &inact[k]);
    json_object_array_add(ia, o);
  }
  klp_json_set(root, "patches", pa);
  klp_json_set(root, "inactive_modules", ia);
  klp_json_print(root);
}

int klp_cmd_patches(struct klp_ctx *ctx, int argc, char **argv)
{
  struct info *act = NULL, *inact = NULL;
  struct klp_modules mods = {0};
  size_t ninact = 0;
  struct klp_patches p;
  struct klp_err e;
  bool details;
  int r = klp_parse_simple(ctx, argc, argv, usage);

  if (r >= 0)
    return r;
  details = ctx->verbose || ctx->json;
  if (klp_patches_read(ctx, &e, &p, ctx->verbose >= 2 || ctx->json) < 0)
    return klp_err_report(&e);
  r = klp_modules_read(ctx, &e, &mods);
  if (r < 0 && r != -ENOENT) {
    klp_patches_free(&p);
    return klp_err_report(&e);
  }
  qsort_r(p.v, p.n, sizeof(*p.v), cmp_age, &mods);
  if (details) {
    act = calloc(p.n + 1, sizeof(*act));
    inact = calloc(mods.n + 1, sizeof(*inact));
    if (!act || !inact) {
      free(act);
      free(inact);
      klp_patches_free(&p);
      klp_modules_free(&mods);
      klp_fail(&e, 0, ENOMEM, "listing patches");
      return klp_err_report(&e);
    }
    for (size_t k = 0; k < p.n; k++)
      info_read(ctx, &act[k], p.v[k].name, &mods);
    /* Oldest first, like the patches. */
    for (size_t k = mods.n; k-- > 0;) {
      const struct klp_module *m = &mods.v[k];

      if (klp_module_is_livepatch(m) && !strcmp(m->state, "Live") &&
          !klp_patches_find(&p, m->name))
        info_read(ctx, &inact[ninact++], m->name, &mods);
    }
  }
  if (ctx->json)
    print_json(&p, act, inact, ninact);
  else
    print_text(ctx, &p, act, inact, ninact);
  for (size_t k = 0; details && k < p.n; k++)
    info_free(&act[k]);
  for (size_t k = 0; k < ninact; k++)
    info_free(&inact[k]);
  free(act);
  free(inact);
  klp_modules_free(&mods);
  klp_patches_free(&p);
  return KLP_EXIT_OK;
}
