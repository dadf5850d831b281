/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp: what every subcommand shares. The context carries the global options;
 * each command is one file (status.c, patches.c, ...) exposing one entry
 * point that returns the process exit status.
 */
#ifndef KLP_H
#define KLP_H

#include <stdbool.h>

#include "err.h"

/* Exit statuses; documented in man/klp.8 and docs/klp.md. */
enum klp_exit {
  KLP_EXIT_OK = 0,          /* success; check/status: no transition */
  KLP_EXIT_NO = 1,          /* check/status: in transition; actions: failed */
  KLP_EXIT_USAGE = 2,       /* bad option, argument or module file */
  KLP_EXIT_UNSUPPORTED = 3, /* the kernel has no live patching */
  KLP_EXIT_PERM = 4,        /* permission denied */
  KLP_EXIT_TIMEOUT = 5,     /* a transition outlived --timeout */
  KLP_EXIT_ERROR = 6,       /* kernel state unreadable or malformed */
};

struct klp_ctx {
  const char *root; /* "" for the real system, else a directory prefix */
  int verbose;
  bool json;
  const char *store; /* patch store directory (absolute, under root) */
};

/* Subcommands: argv[0] is the command name; getopt state is reset. */
int klp_cmd_status(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_check(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_patches(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_blocking(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_load(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_unload(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_downgrade(struct klp_ctx *ctx, int argc, char **argv);
int klp_cmd_boot(struct klp_ctx *ctx, int argc, char **argv);

/* The whole command line; main() only calls this. */
int klp_main(int argc, char **argv);

/*
 * Actions (load, unload, downgrade) act on the running kernel, which --root
 * cannot redirect: they stop with a usage error at the first kernel call.
 */
bool klp_acts_on_kernel(const struct klp_ctx *ctx, struct klp_err *e,
                        const char *what);

/*
 * Options of a command that takes only -v, --json and --help: -1 to go on,
 * else the exit status to return (0 after --help, 2 on a usage error).
 */
int klp_parse_simple(struct klp_ctx *ctx, int argc, char **argv,
                     const char *usage);
/*
 * The options every command shares, for its getopt loop's default case: c is
 * getopt's answer. -v, --json, --help, --timeout (when timeout is not NULL)
 * and the errors (unknown option, missing argument). Returns -1 to go on,
 * else the exit status to return.
 */
int klp_common_option(struct klp_ctx *ctx, int c, char **argv,
                      const char *usage, double *timeout);
/* "klp: CMD: message" and a pointer to --help; returns KLP_EXIT_USAGE. */
int klp_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
