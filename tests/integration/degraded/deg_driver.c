/* Runs one apply of a .ulp through hijack_run() like `ulp trigger`, with
 * a misbehaving tool at one phase of the protocol:
 *
 *   deg_driver [--stop-world] [--die-at PHASE] [--tstp-at PHASE]
 *              [--timeout MS] PID FILE.ulp|FILE.rev
 *
 * PHASE: call, prepared, writing, committed, done. --die-at kills this
 * process with SIGKILL there (a tool killed mid-commit), --tstp-at sends
 * it SIGTSTP there (Ctrl-Z). --stop-world asks for the tool's commit with
 * every thread stopped even for a one-switch plan. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "ulp/hijack.h"
#include "ulp/proc.h"

struct hooks {
  int die_at, tstp_at;
};

static int phase(const char *s)
{
  int ph = hijack_phase_by_name(s);

  if (ph < 0) {
    fprintf(stderr, "deg_driver: unknown phase %s\n", s);
    exit(2);
  }
  return ph;
}

static void hook(enum hijack_phase ph, void *arg)
{
  struct hooks *h = arg;

  if ((int)ph == h->die_at)
    raise(SIGKILL);
  if ((int)ph == h->tstp_at)
    kill(getpid(), SIGTSTP); /* as the terminal sends it: to the process */
}

int main(int argc, char **argv)
{
  struct hooks hk = {-1, -1};
  struct hijack_opts o = {.hook = hook, .hook_arg = &hk};
  struct pulp_err e = {0};
  char req[PULP_REQUEST_MAX];
  struct proc p;
  int i, rc, len;

  for (i = 1; i < argc - 2; i++) {
    if (!strcmp(argv[i], "--stop-world"))
      o.stop_world = 1;
    else if (!strcmp(argv[i], "--die-at"))
      hk.die_at = phase(argv[++i]);
    else if (!strcmp(argv[i], "--tstp-at"))
      hk.tstp_at = phase(argv[++i]);
    else if (!strcmp(argv[i], "--timeout"))
      o.timeout_ms = (unsigned)atoi(argv[++i]);
    else {
      fprintf(stderr, "deg_driver: bad argument %s\n", argv[i]);
      return 2;
    }
  }
  if (i != argc - 2) {
    fprintf(stderr, "usage: deg_driver [options] PID FILE\n");
    return 2;
  }
  len = snprintf(req, sizeof(req), "%c%s",
                 strstr(argv[argc - 1], ".rev") ? 'R' : 'F', argv[argc - 1]);
  rc = proc_open(atoi(argv[argc - 2]), &p, &e);
  if (rc == 0) {
    rc = hijack_run(&p, &o, PULP_OP_APPLY, req, (size_t)len + 1, NULL, &e);
    proc_close(&p);
  }
  if (rc) {
    printf("failed: %s\n", e.msg);
    return 1;
  }
  printf("ok\n");
  return 0;
}
