// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp downgrade: replace the active cumulative patch by the previous
 * version of its series from the patch store (docs/klp.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "livepatch.h"
#include "modfile.h"
#include "modules.h"
#include "store.h"

static const char usage[] =
    "Usage: klp [--store DIR] downgrade [-n] [--timeout S] [SERIES]\n\n"
    "Go back to the previous version of the active cumulative live patch:\n"
    "the store module of the same series (modinfo klp_series) with the\n"
    "highest version below the active one. Asks first unless -n. A loaded\n"
    "but inactive module of that version is removed first; a forced one\n"
    "cannot be. SERIES chooses when several series are active.\n"
    "Exit status: 0 done, 1 failed or declined, 2 usage, 3 no live\n"
    "patching, 4 permission denied, 5 timed out (reversed).\n";

struct plan {
  char active[64], series[64], version[64];
  const struct klp_store_entry *prev;
};

/* The active patch that belongs to a store series (the one asked for). */
static int find_active(const struct klp_ctx *ctx, struct klp_err *e,
                       const char *want, struct plan *pl)
{
  struct klp_patches p;
  int found = 0, r = klp_patches_read(ctx, e, &p, false);

  if (r < 0)
    return r;
  for (size_t i = 0; i < p.n; i++) {
    struct klp_modfile f;
    const char *s, *v;

    if (!p.v[i].enabled || klp_modfile_find(ctx, p.v[i].name, &f) < 0)
      continue;
    s = klp_modinfo_get(&f.mi, "klp_series");
    v = klp_modinfo_get(&f.mi, "version");
    if (s && v && (!want || !strcmp(want, s))) {
      if (found && strcmp(pl->series, s)) {
        klp_fail(e, KLP_EXIT_USAGE, 0, "downgrade");
        klp_why(e,
                "patches of several series are active (%s, %s): name "
                "one",
                pl->series, s);
        klp_modfile_free(&f);
        klp_patches_free(&p);
        return -EINVAL;
      }
      /* Within one series the newest active version is the one to undo. */
      if (!found || klp_version_cmp(v, pl->version) > 0) {
        snprintf(pl->active, sizeof(pl->active), "%s", p.v[i].name);
        snprintf(pl->series, sizeof(pl->series), "%s", s);
        snprintf(pl->version, sizeof(pl->version), "%s", v);
      }
      found = 1;
    }
    klp_modfile_free(&f);
  }
  klp_patches_free(&p);
  if (found)
    return 0;
  klp_fail(e, KLP_EXIT_NO, 0, "downgrade");
  if (want)
    klp_why(e, "no active live patch of series %s", want);
  else
    klp_why(e, "no active live patch belongs to a series (modinfo "
               "klp_series and version)");
  return -ENOENT;
}

static bool confirm(const struct plan *pl)
{
  char line[16];

  fprintf(stderr, "Replace %s (version %s) with %s (version %s)? [y/N] ",
          pl->active, pl->version, pl->prev->name, pl->prev->version);
  fflush(stderr);
  if (!fgets(line, sizeof(line), stdin))
    return false;
  return line[0] == 'y' || line[0] == 'Y';
}

/* The older module may still be loaded, inactive since it was replaced. */
static int clear_previous(const struct klp_ctx *ctx, struct klp_err *e,
                          const char *name)
{
  struct klp_modules mods;
  const struct klp_module *m;
  int r = klp_modules_read(ctx, e, &mods);

  if (r < 0)
    return r;
  m = klp_modules_find(&mods, name);
  if (!m) {
    klp_modules_free(&mods);
    return 0;
  }
  if (klp_exists(ctx, KLP_SYSFS "/%s", name)) {
    klp_modules_free(&mods);
    klp_fail(e, KLP_EXIT_NO, 0, "downgrade to %s", name);
    klp_why(e, "%s is active already", name);
    return -EEXIST;
  }
  if (m->refcnt > 0) {
    klp_modules_free(&mods);
    klp_fail(e, KLP_EXIT_NO, 0, "downgrade to %s", name);
    klp_why(e, "its module is still loaded from a forced transition and can "
               "never be removed; it cannot be loaded again before a reboot");
    return -EBUSY;
  }
  klp_modules_free(&mods);
  return klp_apply_remove_module(ctx, e, name);
}

int klp_cmd_downgrade(struct klp_ctx *ctx, int argc, char **argv)
{
  static const struct option opts[] = {
      {"yes", no_argument, NULL, 'n'},
      {"timeout", required_argument, NULL, 't'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct klp_apply_opts o = {.timeout = 60};
  struct plan pl = {0};
  struct klp_store store;
  const char *want = NULL;
  bool ask = true;
  struct klp_err e;
  int c, r;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+:nt:vh", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      ask = false;
      break;
    default:
      if ((r = klp_common_option(ctx, c, argv, usage, &o.timeout)) >= 0)
        return r;
    }
  }
  if (argc - optind > 1)
    return klp_usage_error("downgrade", "expected at most one SERIES");
  if (optind < argc)
    want = argv[optind];

  if (find_active(ctx, &e, want, &pl) < 0)
    return klp_err_report(&e);
  if (klp_store_read(ctx, &e, &store) < 0)
    return klp_err_report(&e);
  pl.prev = klp_store_previous(&store, pl.series, pl.version);
  if (!pl.prev) {
    klp_fail(&e, KLP_EXIT_NO, 0, "downgrade of %s", pl.active);
    klp_why(&e, "no version of series %s older than %s in the patch store %s",
            pl.series, pl.version, ctx->store);
    klp_store_free(&store);
    return klp_err_report(&e);
  }
  if (ask && !isatty(STDIN_FILENO)) {
    klp_fail(&e, KLP_EXIT_USAGE, 0, "downgrade");
    klp_why(&e,
            "would replace %s %s by %s %s; standard input is not a "
            "terminal to confirm: use -n",
            pl.active, pl.version, pl.prev->name, pl.prev->version);
    klp_store_free(&store);
    return klp_err_report(&e);
  }
  if (ask && !confirm(&pl)) {
    fprintf(stderr, "klp: downgrade: not confirmed; nothing changed\n");
    klp_store_free(&store);
    return KLP_EXIT_NO;
  }
  r = klp_acts_on_kernel(ctx, &e, "downgrade") ? 0 : -EINVAL;
  if (r == 0)
    r = clear_previous(ctx, &e, pl.prev->name);
  if (r == 0)
    r = klp_apply_load(ctx, &e, pl.prev->path, pl.prev->name, &o);
  if (r == 0) {
    struct klp_err ignored;

    /* The newer module is now replaced: remove it (best effort). */
    if (!klp_exists(ctx, KLP_SYSFS "/%s", pl.active) &&
        klp_apply_remove_module(ctx, &ignored, pl.active) < 0)
      fprintf(stderr, "klp: warning: %s: replaced module left loaded\n",
              pl.active);
    printf("%s: downgraded to %s (version %s)\n", pl.active, pl.prev->name,
           pl.prev->version);
  }
  klp_store_free(&store);
  return r < 0 ? klp_err_report(&e) : KLP_EXIT_OK;
}
