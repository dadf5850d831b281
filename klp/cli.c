// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Top level: global options, dispatch to one command, and the usage texts.
 * The options -v, --json and --help are accepted before the command and
 * after it ("klp -v patches" and "klp patches -v" are the same).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "klp.h"
#include "store.h"

#ifndef KLP_VERSION
#define KLP_VERSION "0"
#endif

struct command {
  const char *name;
  int (*run)(struct klp_ctx *, int, char **);
  const char *summary;
};

static const struct command commands[] = {
    {"status", klp_cmd_status, "ready or in_progress"},
    {"check", klp_cmd_check, "exit status only: 0 ready, 1 in progress"},
    {"patches", klp_cmd_patches, "loaded live patches (-v, -vv: details)"},
    {"blocking", klp_cmd_blocking, "tasks holding a transition back"},
    {"load", klp_cmd_load, "load a live patch module and wait for it"},
    {"unload", klp_cmd_unload, "disable a live patch and remove its module"},
    {"downgrade", klp_cmd_downgrade,
     "go back to the previous cumulative patch from the patch store"},
    {"boot", klp_cmd_boot, "what the boot service loads (--load: load it)"},
};

static void usage(FILE *f)
{
  fprintf(f, "Usage: klp [-v|-vv] [--json] [--root DIR] [--store DIR] "
             "COMMAND [ARGS]\n\n"
             "Front end to the kernel's live patching "
             "(/sys/kernel/livepatch).\n\nCommands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\nOptions:\n"
          "  -v, --verbose     more detail (repeat for more)\n"
          "      --json        machine-readable output (queries)\n"
          "      --root DIR    read sys/, proc/, lib/modules/ under DIR\n"
          "      --store DIR   patch store (default $KLP_STORE or %s)\n"
          "  -h, --help        this help; 'klp COMMAND --help' for a command\n"
          "  -V, --version     print the version\n\n"
          "Exit status: 0 success/ready, 1 in progress or failed, 2 usage,\n"
          "3 no live patching in this kernel, 4 permission denied, 5 "
          "timeout,\n6 kernel state unreadable. See klp(8).\n",
          KLP_STORE_DEFAULT);
}

int klp_usage_error(const char *cmd, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "klp: %s%s", cmd ? cmd : "", cmd ? ": " : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'klp %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
  return KLP_EXIT_USAGE;
}

int klp_common_option(struct klp_ctx *ctx, int c, char **argv,
                      const char *usage_text, double *timeout)
{
  switch (c) {
  case 'v':
    ctx->verbose++;
    return -1;
  case 'j':
    ctx->json = true;
    return -1;
  case 'h':
    fputs(usage_text, stdout);
    return KLP_EXIT_OK;
  case 't':
    if (timeout && klp_parse_timeout(optarg, timeout))
      return -1;
    if (timeout)
      return klp_usage_error(argv[0], "invalid timeout '%s'", optarg);
    break;
  case ':':
    return klp_usage_error(argv[0], "option '%s' needs an argument",
                           argv[optind - 1]);
  }
  if (optopt && argv[optind - 1][1] != '-')
    return klp_usage_error(argv[0], "invalid option '-%c'", optopt);
  return klp_usage_error(argv[0], "invalid option '%s'", argv[optind - 1]);
}

int klp_parse_simple(struct klp_ctx *ctx, int argc, char **argv,
                     const char *usage_text)
{
  static const struct option opts[] = {
      {"verbose", no_argument, NULL, 'v'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  int c, r;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1)
    if ((r = klp_common_option(ctx, c, argv, usage_text, NULL)) >= 0)
      return r;
  if (optind < argc)
    return klp_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
  return -1;
}

bool klp_acts_on_kernel(const struct klp_ctx *ctx, struct klp_err *e,
                        const char *what)
{
  if (!ctx->root[0])
    return true;
  klp_fail(e, KLP_EXIT_USAGE, EINVAL, "%s", what);
  klp_why(e, "acts on the running kernel: not possible with --root");
  return false;
}

static char *normalize_root(const char *dir)
{
  size_t len = strlen(dir);
  char *r;

  while (len > 0 && dir[len - 1] == '/')
    len--;
  r = strndup(dir, len);
  return r;
}

int klp_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"verbose", no_argument, NULL, 'v'},
      {"json", no_argument, NULL, 'j'},
      {"root", required_argument, NULL, 'r'},
      {"store", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {0},
  };
  struct klp_ctx ctx = {.root = ""};
  char *root = NULL;
  struct stat st;
  int c, r;

  ctx.store = getenv("KLP_STORE");
  if (!ctx.store || !*ctx.store)
    ctx.store = KLP_STORE_DEFAULT;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+:vhV", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      ctx.verbose++;
      break;
    case 'j':
      ctx.json = true;
      break;
    case 'r':
      free(root);
      root = normalize_root(optarg);
      break;
    case 's':
      ctx.store = optarg;
      break;
    case 'h':
      usage(stdout);
      free(root);
      return KLP_EXIT_OK;
    case 'V':
      printf("klp %s\n", KLP_VERSION);
      free(root);
      return KLP_EXIT_OK;
    case ':':
      free(root);
      return klp_usage_error(NULL, "option '%s' needs an argument",
                             argv[optind - 1]);
    default:
      free(root);
      if (optopt && argv[optind - 1][1] != '-')
        return klp_usage_error(NULL, "invalid option '-%c'", optopt);
      return klp_usage_error(NULL, "invalid option '%s'", argv[optind - 1]);
    }
  }
  if (optind >= argc) {
    usage(stderr);
    free(root);
    return KLP_EXIT_USAGE;
  }
  if (root) {
    if (root[0] && (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))) {
      r = klp_usage_error(NULL, "--root %s: not a directory", root);
      free(root);
      return r;
    }
    ctx.root = root;
  }
  if (ctx.store[0] != '/') {
    free(root);
    return klp_usage_error(NULL, "--store %s: must be an absolute path",
                           ctx.store);
  }
  r = -1;
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (!strcmp(argv[optind], commands[i].name))
      r = commands[i].run(&ctx, argc - optind, argv + optind);
  if (r < 0)
    r = klp_usage_error(NULL, "unknown command '%s'", argv[optind]);
  free(root);
  if (fflush(stdout) != 0 && r == KLP_EXIT_OK)
    r = KLP_EXIT_ERROR;
  return r;
}
