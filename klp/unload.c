// SPDX-License-Identifier: GPL-2.0-or-later
/* klp unload: disable a live patch, wait for it, remove its module. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "livepatch.h"
#include "modules.h"
#include "root.h"

static const char usage[] =
    "Usage: klp unload [--timeout S] NAME\n\n"
    "Disable live patch NAME, wait until its transition ends (at most\n"
    "--timeout seconds, default 60), then remove its module. A livepatch\n"
    "module that is loaded but no longer active (disabled or replaced) is\n"
    "just removed. A forced patch's module can never be removed.\n"
    "Exit status: 0 removed, 1 failed, 2 usage, 3 no live patching,\n"
    "4 permission denied, 5 timed out (the patch stays unpatching).\n";

static bool valid_name(const char *s)
{
  size_t len = strlen(s);

  return len > 0 && len < 56 && !strchr(s, '/') && strcmp(s, ".") &&
         strcmp(s, "..");
}

int klp_cmd_unload(struct klp_ctx *ctx, int argc, char **argv)
{
  static const struct option opts[] = {
      {"timeout", required_argument, NULL, 't'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct klp_apply_opts o = {.timeout = 60};
  struct klp_modules mods;
  const char *name;
  struct klp_err e;
  bool known;
  int c, r;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+:t:vh", opts, NULL)) != -1) {
    switch (c) {
    default:
      if ((r = klp_common_option(ctx, c, argv, usage, &o.timeout)) >= 0)
        return r;
    }
  }
  if (argc - optind != 1)
    return klp_usage_error("unload", "expected one patch NAME");
  name = argv[optind];
  if (!valid_name(name))
    return klp_usage_error("unload", "invalid patch name '%s'", name);

  if (klp_supported(ctx, &e) < 0)
    return klp_err_report(&e);
  known = klp_exists(ctx, KLP_SYSFS "/%s", name);
  if (!known && klp_modules_read(ctx, &e, &mods) == 0) {
    const struct klp_module *m = klp_modules_find(&mods, name);

    known = m && klp_module_is_livepatch(m);
    klp_modules_free(&mods);
  }
  if (!known) {
    klp_fail(&e, KLP_EXIT_NO, 0, "unloading %s", name);
    klp_why(&e, "no such live patch");
    return klp_err_report(&e);
  }
  if (!klp_acts_on_kernel(ctx, &e, "unload"))
    return klp_err_report(&e);
  if (klp_apply_unload(ctx, &e, name, &o) < 0)
    return klp_err_report(&e);
  printf("%s: removed\n", name);
  return KLP_EXIT_OK;
}
