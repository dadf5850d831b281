/* ulp set_patchable enable|disable -p PID|NAME: an operator forbids (or
 * allows again) live patching of a process, as libpulp's command does.
 *
 * No hijack: the runtime refuses every request while its published
 * state's `disabled` reason is non-empty (preload/switches.c, checked at
 * the start of each request and before the patch store is read), and
 * `ulp trigger` skips such a process with that reason. This command writes
 * the reason into the process's memory with process_vm_writev, the body
 * first and its first byte last, so a reader never sees a reason that is
 * not one. Permissions are those of `ulp trigger` (ptrace access to the
 * process). A process disabled by its environment (LIBPULP_DISABLE_ON_*)
 * stays disabled: this command does not override the operator's switch. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "core/state_abi.h"
#include "target.h"

#define CMD "set_patchable"

struct job {
  int enable;
  int quiet;
  int failed;
  int count;
};

/* 0, or an exit status after printing why. */
static int one(pid_t pid, struct job *j)
{
  static const char reason[] = PULP_STATE_DISABLED_BY_TOOL;
  struct pulp_err e = {0};
  struct pulp_state *s;
  struct target tg;
  uint64_t addr, at;
  const char *why;
  int status, rc = 0;

  if ((status = ulp_open_state(CMD, pid, &tg, &s)))
    return status;
  why = pulp_state_disabled(s);
  at = 0;
  if (proc_symbol(&tg.proc, tg.maps, tg.nmaps, tg.runtime, PULP_STATE_SYMBOL,
                  &addr, &e) == 0)
    at = addr + offsetof(struct pulp_state, disabled);
  else
    rc = -1;
  if (!rc && why && strcmp(why, reason)) {
    /* Disabled by the environment: leave it so, either way. */
    if (j->enable) {
      ulp_error(CMD, "%s (pid %d): stays disabled: %s", tg.proc.comm, pid, why);
      status = ULP_EXIT_FAILED;
    } else if (!j->quiet) {
      printf("%s (pid %d): live patching already disabled: %s\n", tg.proc.comm,
             pid, why);
    }
  } else if (!rc && j->enable) {
    if (why)
      rc = proc_write(&tg.proc, at, "", 1, &e);
    if (!rc && !j->quiet)
      printf("%s (pid %d): live patching %s\n", tg.proc.comm, pid,
             why ? "enabled" : "already enabled");
  } else if (!rc) {
    if (!why && !(rc = proc_write(&tg.proc, at + 1, reason + 1,
                                  sizeof(reason) - 1, &e)))
      rc = proc_write(&tg.proc, at, reason, 1, &e);
    if (!rc && !j->quiet)
      printf("%s (pid %d): live patching %s\n", tg.proc.comm, pid,
             why ? "already disabled" : "disabled");
  }
  if (rc) {
    ulp_error(CMD, "%s (pid %d): %s", tg.proc.comm, pid, e.msg);
    status = ULP_EXIT_FAILED;
  }
  free(s);
  target_close(&tg);
  return status;
}

static int each(pid_t pid, void *arg)
{
  struct job *j = arg;
  int st = one(pid, j);

  j->count++;
  if (st && st > j->failed)
    j->failed = st;
  return 0;
}

static void usage(FILE *f)
{
  fprintf(f, "Usage: ulp set_patchable enable|disable -p PID|NAME\n"
             "Allows or forbids live patching of a process (NAME: a wildcard\n"
             "over the names of the processes that have the runtime). While\n"
             "disabled, the runtime refuses every request and 'ulp trigger'\n"
             "skips the process. Needs the same access as 'ulp trigger'.\n"
             "  -p, --process PID|NAME  the process(es)\n"
             "  -q, --quiet             print only errors\n"
             "  -h, --help              this help\n");
}

int cmd_set_patchable(int argc, char **argv)
{
  static const struct option opts[] = {{"process", required_argument, 0, 'p'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *who = NULL;
  struct job j = {0};
  char *end;
  long pid;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:qh", opts, NULL)) != -1) {
    if (c == 'p') {
      who = optarg;
    } else if (c == 'q') {
      j.quiet = 1;
    } else if (c == 'h') {
      usage(stdout);
      return ULP_EXIT_OK;
    } else {
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1 || !who ||
      (strcasecmp(argv[optind], "enable") &&
       strcasecmp(argv[optind], "disable"))) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  j.enable = !strcasecmp(argv[optind], "enable");
  pid = strtol(who, &end, 10);
  if (*who && !*end)
    return pid > 0 ? one((pid_t)pid, &j) : ULP_EXIT_USAGE;
  target_each_runtime_process(who, each, &j);
  if (!j.count) {
    ulp_error(CMD, "no process named '%s' has the runtime loaded", who);
    return ULP_EXIT_NOT_APPLICABLE;
  }
  return j.failed;
}
