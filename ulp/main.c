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
    {"uninstall", cmd_uninstall,
     "revert patches and take them out of the store"},
    {"processes", cmd_processes,
     "tell which processes can be patched, and why"},
    {"sign", cmd_sign, "sign a .ulp, .rev or patch container (Ed25519)"},
    {"keygen", cmd_keygen, "make an Ed25519 key pair for ulp sign"},
    {"extract", cmd_extract, "write what packing needs of a library (JSON)"},
    {"set_patchable", cmd_set_patchable,
     "allow or forbid live patching of a process"},
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
  fprintf(out, "Usage: ulp [OPTIONS] COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].what);
  fprintf(out, "\nRun 'ulp COMMAND --help' for a command's options; see "
               "ulp(1).\n");
}

/* Does this option, typed as its own word, take the next word as its
 * value? libpulp's spellings too: they may come before the command. */
static int takes_value(const char *opt)
{
  static const char *const longs[] = {
      "--process",   "--pid",    "--root", "--retries", "--output",
      "--livepatch", "--target", "--user", "--color",   "--revert-all",
      "--timeout",   "--tid",    "--key",  "--keys"};

  if (opt[0] == '-' && opt[1] && opt[1] != '-' && !opt[2])
    return strchr("prRoltuk", opt[1]) != NULL;
  for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
    if (!strcmp(opt, longs[i]))
      return 1;
  return 0;
}

/* Drops --color[=WHEN] / --color WHEN (libpulp colours its messages; Pulp
 * never does), wherever it is. */
static int drop_color(int argc, char **argv)
{
  int n = 0;

  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--")) {
      while (i < argc)
        argv[n++] = argv[i++];
      break;
    }
    if (!strncmp(argv[i], "--color=", 8))
      continue;
    if (!strcmp(argv[i], "--color")) {
      i++; /* and its value */
      continue;
    }
    argv[n++] = argv[i];
  }
  argv[n] = NULL;
  return n;
}

int main(int argc, char **argv)
{
  int cmd = 1;

  argc = drop_color(argc, argv);
  /* libpulp's users type options before the command (ulp -p PID patches):
   * find the command word and move it in front of them. */
  while (cmd < argc && argv[cmd][0] == '-' && argv[cmd][1] &&
         strcmp(argv[cmd], "--") && strcmp(argv[cmd], "--help") &&
         strcmp(argv[cmd], "-h") && strcmp(argv[cmd], "--version"))
    cmd += takes_value(argv[cmd]) ? 2 : 1;
  if (cmd >= argc) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (cmd > 1 && strcmp(argv[cmd], "--") && argv[cmd][0] != '-') {
    char *word = argv[cmd];
    memmove(&argv[2], &argv[1], (size_t)(cmd - 1) * sizeof(*argv));
    argv[1] = word;
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
