/* ulp: the userspace live patching tool. Dispatches to one file per
 * subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "target.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *what;
} commands[] = {
    {"livepatchable", cmd_livepatchable,
     "tell whether a library is live-patchable"},
    {"packer", cmd_packer, "build a .ulp and .rev from a descriptor"},
    {"trigger", cmd_trigger, "apply or revert patches in running processes"},
    {"patches", cmd_patches, "list processes, libraries and applied patches"},
    {"check", cmd_check, "tell whether a patch is applied in a process"},
    {"dump", cmd_dump, "print the contents of a .ulp or .rev file"},
    {"messages", cmd_messages, "print the runtime's log of a process"},
    {"post", cmd_post, "normalise the pads of a library after linking"},
    {"install", cmd_install, "put patches in the store and apply them"},
    {"uninstall", cmd_uninstall, "revert patches and take them out of the store"},
    {"processes", cmd_processes, "tell which processes can be patched, and why"},
};

void ulp_error(const char *cmd, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "ulp %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int ulp_open_state(const char *cmd, int pid, struct target *tg,
                   struct pulp_state **s)
{
  struct pulp_err e = {0};

  if (target_open(pid, tg, &e)) {
    ulp_error(cmd, "pid %d: %s", pid, e.msg);
    return ULP_EXIT_FAILED;
  }
  if (target_read_state(tg, s, &e)) {
    ulp_error(cmd, "%s (pid %d): %s", tg->proc.comm, pid, e.msg);
    target_close(tg);
    return ULP_EXIT_NOT_APPLICABLE;
  }
  return 0;
}

static void usage(FILE *out)
{
  fprintf(out, "Usage: ulp COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].what);
  fprintf(out, "\nRun 'ulp COMMAND --help' for a command's options; see "
               "ulp(1).\n");
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage(stdout);
    return ULP_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("ulp %s\n", PULP_VERSION);
    return ULP_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "ulp: unknown command '%s' (see 'ulp --help')\n", argv[1]);
  return ULP_EXIT_USAGE;
}
