// SPDX-License-Identifier: GPL-2.0-or-later
/* klp load: load a live patch module and see its transition through. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "livepatch.h"
#include "modinfo.h"
#include "modules.h"
#include "root.h"

static const char usage[] =
    "Usage: klp load [--timeout S] [--keep] MODULE.ko\n\n"
    "Load a live patch module (finit_module) and wait until its transition\n"
    "ends, showing progress on a terminal. While another transition runs\n"
    "the load is retried. A transition still running after --timeout\n"
    "seconds (default 60) is reported with the tasks blocking it, then\n"
    "reversed and the module removed; --keep leaves it running instead.\n"
    "Exit status: 0 patched, 1 failed, 2 usage or bad module file, 3 no\n"
    "live patching, 4 permission denied, 5 timed out.\n";

int klp_cmd_load(struct klp_ctx *ctx, int argc, char **argv)
{
  static const struct option opts[] = {
      {"timeout", required_argument, NULL, 't'},
      {"keep", no_argument, NULL, 'k'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct klp_apply_opts o = {.timeout = 60};
  struct klp_modinfo mi;
  struct klp_modules mods;
  const char *path, *lp, *name;
  char namebuf[64];
  struct klp_err e;
  int c, r;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+:t:kvh", opts, NULL)) != -1) {
    switch (c) {
    case 'k':
      o.keep = true;
      break;
    default:
      if ((r = klp_common_option(ctx, c, argv, usage, &o.timeout)) >= 0)
        return r;
    }
  }
  if (argc - optind != 1)
    return klp_usage_error("load", "expected one MODULE.ko");
  path = argv[optind];

  if (klp_modinfo_read(path, &e, &mi) < 0)
    return klp_err_report(&e);
  name = klp_modinfo_get(&mi, "name");
  lp = klp_modinfo_get(&mi, "livepatch");
  if (!name || !lp || strcmp(lp, "Y")) {
    klp_fail(&e, KLP_EXIT_USAGE, 0, "loading %s", path);
    klp_why(&e, "not a live patch module (no livepatch=Y in its modinfo)");
    klp_modinfo_free(&mi);
    return klp_err_report(&e);
  }
  snprintf(namebuf, sizeof(namebuf), "%s", name);
  klp_modinfo_free(&mi);

  if (klp_supported(ctx, &e) < 0)
    return klp_err_report(&e);
  if (klp_modules_read(ctx, &e, &mods) == 0) {
    bool loaded = klp_modules_find(&mods, namebuf) != NULL;

    klp_modules_free(&mods);
    if (loaded) {
      klp_fail(&e, KLP_EXIT_NO, 0, "loading %s", path);
      if (klp_exists(ctx, KLP_SYSFS "/%s", namebuf))
        klp_why(&e, "live patch %s is already loaded", namebuf);
      else
        klp_why(&e,
                "module %s is still loaded but inactive; remove it "
                "first (klp unload %s)",
                namebuf, namebuf);
      return klp_err_report(&e);
    }
  }
  if (!klp_acts_on_kernel(ctx, &e, "load"))
    return klp_err_report(&e);
  r = klp_apply_load(ctx, &e, path, namebuf, &o);
  if (r < 0)
    return klp_err_report(&e);
  printf("%s: patched\n", namebuf);
  return KLP_EXIT_OK;
}
