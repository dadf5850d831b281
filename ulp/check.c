/* ulp check: is a patch applied in a process? Exit 0 yes, 1 no. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "target.h"

#define CMD "check"

int cmd_check(int argc, char **argv)
{
  static const struct option opts[] = {
      {"process", required_argument, 0, 'p'},
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"disable-threading", no_argument, 0, 'N'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  struct pulp_err e = {0};
  struct ulp_patch u;
  struct target tg;
  struct pulp_state *s;
  pid_t pid = 0;
  int c, quiet = 0, applied = 0, status;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:qvh", opts, NULL)) != -1) {
    if (c == 'p') {
      pid = (pid_t)atoi(optarg);
    } else if (c == 'q') {
      quiet = 1;
    } else if (c == 'v' || c == 'N') {
      /* libpulp's: check always says what it found */
    } else if (c == 'h') {
      printf("Usage: ulp check -p PID FILE.ulp\n"
             "Exit 0 if the patch is applied in PID, 1 if not.\n");
      return ULP_EXIT_OK;
    } else {
      return ULP_EXIT_USAGE;
    }
  }
  if (pid <= 0 || optind != argc - 1) {
    fprintf(stderr, "Usage: ulp check -p PID FILE.ulp\n");
    return ULP_EXIT_USAGE;
  }
  if (ulp_read_file(argv[optind], &u, &e)) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  if ((status = ulp_open_state(CMD, pid, &tg, &s))) {
    ulp_free(&u);
    return status;
  }
  for (uint32_t i = 0; i < s->npatches; i++)
    applied |= target_state_patch_is(&s->patches[i], &u) == 1;
  if (!quiet)
    printf("%s (pid %d): %s %s\n", tg.proc.comm, pid, u.name,
           applied ? "applied" : "not applied");
  free(s);
  target_close(&tg);
  ulp_free(&u);
  return applied ? ULP_EXIT_OK : ULP_EXIT_FAILED;
}
