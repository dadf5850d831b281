/* Drives hijack_run() against a process, like `ulp trigger` does, for the
 * hijack tests and the freeze benchmark.
 *
 *   hijack_driver [--tid T] [--die-at PHASE] [--stall-at PHASE MS]
 *                 [--commit-timeout MS] [--timeout MS]
 *                 [--write ADDR OLD NEW [--guard START END]] PID
 *
 * Without --write it sends PULP_OP_PING. --write asks the test engine to
 * replace 16 bytes at ADDR (OLD and NEW are 16-character strings). PHASE:
 * call, prepared, writing, committed, done. --die-at kills this process with
 * SIGKILL there (a tool dying mid-protocol); --stall-at sleeps there. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "test_engine.h"
#include "ulp/hijack.h"
#include "ulp/proc.h"

struct hooks {
  int die_at, stall_at;
  unsigned stall_ms;
};

static int phase(const char *s)
{
  int ph = hijack_phase_by_name(s);

  if (ph < 0) {
    fprintf(stderr, "hijack_driver: unknown phase %s\n", s);
    exit(2);
  }
  return ph;
}

static void hook(enum hijack_phase ph, void *arg)
{
  struct hooks *h = arg;

  if ((int)ph == h->die_at)
    raise(SIGKILL);
  if ((int)ph == h->stall_at) {
    struct timespec ts = {h->stall_ms / 1000,
                          (long)(h->stall_ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
  }
}

int main(int argc, char **argv)
{
  struct hooks hk = {-1, -1, 0};
  /* The phases below (PREPARED, WRITING) exist only when the tool commits. */
  struct hijack_opts o = {.hook = hook, .hook_arg = &hk, .stop_world = 1};
  struct test_write_req req = {0};
  struct hijack_stats st;
  struct pulp_err e = {0};
  uint32_t op = PULP_OP_PING;
  struct proc p;
  int i, rc;

  for (i = 1; i < argc - 1; i++) {
    if (!strcmp(argv[i], "--tid"))
      o.tid = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--die-at"))
      hk.die_at = phase(argv[++i]);
    else if (!strcmp(argv[i], "--stall-at") && i + 2 < argc) {
      hk.stall_at = phase(argv[++i]);
      hk.stall_ms = (unsigned)atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--commit-timeout"))
      o.commit_timeout_ms = (unsigned)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--timeout"))
      o.timeout_ms = (unsigned)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--write") && i + 3 < argc) {
      op = PULP_OP_APPLY;
      req.addr = strtoull(argv[i + 1], NULL, 0);
      req.len = 16;
      if (strlen(argv[i + 2]) != 16 || strlen(argv[i + 3]) != 16) {
        fprintf(stderr, "hijack_driver: OLD and NEW are 16 characters\n");
        return 2;
      }
      memcpy(req.old, argv[i + 2], 16);
      memcpy(req.bytes, argv[i + 3], 16);
      i += 3;
    } else if (!strcmp(argv[i], "--guard") && i + 2 < argc) {
      req.guard_start = strtoull(argv[++i], NULL, 0);
      req.guard_end = strtoull(argv[++i], NULL, 0);
    } else {
      fprintf(stderr, "hijack_driver: bad argument %s\n", argv[i]);
      return 2;
    }
  }
  if (i != argc - 1) {
    fprintf(stderr, "usage: hijack_driver [options] PID\n");
    return 2;
  }
  rc = proc_open(atoi(argv[argc - 1]), &p, &e);
  if (rc == 0) {
    rc = hijack_run(&p, &o, op, op == PULP_OP_PING ? NULL : &req,
                    op == PULP_OP_PING ? 0 : sizeof(req), &st, &e);
    proc_close(&p);
  }
  if (rc) {
    fprintf(stderr, "hijack_driver: pid %s: %s\n", argv[argc - 1], e.msg);
    return 1;
  }
  printf("ok tid=%d attempts=%u freeze_us=%.1f total_us=%.1f\n", st.tid,
         st.attempts, (double)st.freeze_ns / 1e3, (double)st.total_ns / 1e3);
  return 0;
}
