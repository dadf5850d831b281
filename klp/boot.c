// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp boot: the patches the boot service (klp-boot.service, the
 * initramfs-tools hook) loads, and loading them. Per series of the patch
 * store, the newest version built for the kernel (first word of modinfo
 * "vermagic" equal to the release): cumulative patches replace their
 * predecessors, so one module per series brings the kernel back to where
 * it was before the reboot. Modules without a series are not cumulative
 * and are left to the operator.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "livepatch.h"
#include "output.h"
#include "store.h"

static const char usage[] =
    "Usage: klp [--store DIR] [--json] boot [--kernel RELEASE] [--paths]\n"
    "       klp [--store DIR] boot --load [--timeout S]\n\n"
    "Show what the boot service loads at the next boot of the kernel\n"
    "RELEASE (default: the running one): per series of the patch store\n"
    "(modinfo klp_series), the module of the highest version whose modinfo\n"
    "vermagic names that release. --paths prints only their paths (for\n"
    "the initramfs hook). --load loads them into the running kernel with\n"
    "the steps of 'klp load', skipping those already active; it is the\n"
    "command of klp-boot.service.\n"
    "Exit status: 0 done (also when nothing is to load), 1 a load failed,\n"
    "2 usage, 3 no live patching, 4 permission denied, 5 timed out.\n";

/* Modinfo vermagic is "RELEASE SMP preempt mod_unload ...". */
static bool built_for(const struct klp_store_entry *s, const char *release)
{
  const char *vm = klp_modinfo_get(&s->mi, "vermagic");
  size_t n = strlen(release);

  return vm && !strncmp(vm, release, n) && (vm[n] == ' ' || vm[n] == '\0');
}

/* Indices of the chosen entries, one per series, in store (name) order. */
static size_t choose(const struct klp_store *st, const char *release,
                     size_t *pick)
{
  size_t n = 0;

  for (size_t i = 0; i < st->n; i++) {
    const struct klp_store_entry *c = &st->v[i];
    size_t j;

    if (!c->series[0] || !c->version[0] || !built_for(c, release))
      continue;
    for (j = 0; j < n; j++)
      if (!strcmp(st->v[pick[j]].series, c->series))
        break;
    if (j == n)
      pick[n++] = i;
    else if (klp_version_cmp(c->version, st->v[pick[j]].version) > 0)
      pick[j] = i;
  }
  return n;
}

static void print_plan(const struct klp_ctx *ctx, const struct klp_store *st,
                       const size_t *pick, size_t n, const char *release,
                       bool paths)
{
  struct json_object *o, *a;

  if (paths) {
    for (size_t i = 0; i < n; i++)
      puts(st->v[pick[i]].path);
    return;
  }
  if (!ctx->json) {
    if (!n)
      printf("nothing to load for kernel %s (patch store %s)\n", release,
             ctx->store);
    for (size_t i = 0; i < n; i++) {
      const struct klp_store_entry *s = &st->v[pick[i]];

      printf("%s: series %s version %s (%s)\n", s->name, s->series, s->version,
             s->path);
    }
    return;
  }
  o = json_object_new_object();
  a = json_object_new_array();
  klp_json_set(o, "kernel", json_object_new_string(release));
  klp_json_set(o, "store", json_object_new_string(ctx->store));
  for (size_t i = 0; i < n; i++) {
    const struct klp_store_entry *s = &st->v[pick[i]];
    struct json_object *m = json_object_new_object();

    klp_json_set(m, "name", json_object_new_string(s->name));
    klp_json_set(m, "series", json_object_new_string(s->series));
    klp_json_set(m, "version", json_object_new_string(s->version));
    klp_json_set(m, "path", json_object_new_string(s->path));
    json_object_array_add(a, m);
  }
  klp_json_set(o, "load", a);
  klp_json_print(o);
}

static int load_all(const struct klp_ctx *ctx, const struct klp_store *st,
                    const size_t *pick, size_t n,
                    const struct klp_apply_opts *o)
{
  struct klp_err e;
  int status = KLP_EXIT_OK;

  if (!klp_acts_on_kernel(ctx, &e, "boot --load") || klp_supported(ctx, &e) < 0)
    return klp_err_report(&e);
  for (size_t i = 0; i < n; i++) {
    const struct klp_store_entry *s = &st->v[pick[i]];

    if (klp_exists(ctx, KLP_SYSFS "/%s", s->name)) {
      printf("%s: already active\n", s->name);
      continue;
    }
    /* One failing series does not keep the others unpatched. */
    if (klp_apply_load(ctx, &e, s->path, s->name, o) < 0) {
      int r = klp_err_report(&e);

      if (status == KLP_EXIT_OK)
        status = r;
      continue;
    }
    printf("%s: patched\n", s->name);
  }
  if (!n)
    printf("nothing to load (patch store %s)\n", ctx->store);
  return status;
}

int klp_cmd_boot(struct klp_ctx *ctx, int argc, char **argv)
{
  static const struct option opts[] = {
      {"kernel", required_argument, NULL, 'k'},
      {"paths", no_argument, NULL, 'p'},
      {"load", no_argument, NULL, 'l'},
      {"timeout", required_argument, NULL, 't'},
      {"json", no_argument, NULL, 'j'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct klp_apply_opts o = {.timeout = 60};
  char release[256] = "";
  bool paths = false, load = false;
  struct klp_store st;
  struct klp_err e;
  size_t *pick, n;
  int c, r;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+:vh", opts, NULL)) != -1) {
    switch (c) {
    case 'k':
      klp_copy(release, sizeof(release), optarg);
      break;
    case 'p':
      paths = true;
      break;
    case 'l':
      load = true;
      break;
    default:
      if ((r = klp_common_option(ctx, c, argv, usage, &o.timeout)) >= 0)
        return r;
    }
  }
  if (optind < argc)
    return klp_usage_error("boot", "unexpected argument '%s'", argv[optind]);
  if (load && release[0])
    return klp_usage_error("boot", "--load acts on the running kernel: "
                                   "--kernel does not apply");
  if (!release[0] && klp_kernel_release(ctx, &e, release, sizeof(release)) < 0)
    return klp_err_report(&e);
  if (klp_store_read(ctx, &e, &st) < 0)
    return klp_err_report(&e);
  pick = calloc(st.n ? st.n : 1, sizeof(*pick));
  if (!pick) {
    klp_store_free(&st);
    klp_fail(&e, 0, ENOMEM, "reading the patch store");
    return klp_err_report(&e);
  }
  n = choose(&st, release, pick);
  if (load)
    r = load_all(ctx, &st, pick, n, &o);
  else {
    print_plan(ctx, &st, pick, n, release, paths);
    r = KLP_EXIT_OK;
  }
  free(pick);
  klp_store_free(&st);
  return r;
}
