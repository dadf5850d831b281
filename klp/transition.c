// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "livepatch.h"
#include "root.h"
#include "tasks.h"
#include "transition.h"

double klp_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 still in transition, 0 over (or gone), -errno. */
static int in_transition(const struct klp_ctx *ctx, struct klp_err *e,
                         const char *name, int *target)
{
  long t, en;
  int r = klp_read_long(ctx, e, &t, KLP_SYSFS "/%s/transition", name);

  if (r == -ENOENT)
    return 0;
  if (r < 0)
    return r;
  if (!t)
    return 0;
  r = klp_read_long(ctx, e, &en, KLP_SYSFS "/%s/enabled", name);
  if (r == -ENOENT)
    return 0;
  if (r < 0)
    return r;
  *target = en ? 1 : 0;
  return 1;
}

static void show_progress(const struct klp_ctx *ctx, const char *name,
                          int target, double waited)
{
  struct klp_task *tasks;
  struct klp_err ignored;
  size_t n;

  if (klp_tasks_blocking(ctx, &ignored, target, &tasks, &n) < 0)
    n = 0;
  else
    free(tasks);
  fprintf(stderr, "\r\033[Kklp: %s: %s, %zu task%s pending, %.0fs", name,
          target ? "patching" : "unpatching", n, n == 1 ? "" : "s", waited);
  fflush(stderr);
}

int klp_transition_wait(const struct klp_ctx *ctx, struct klp_err *e,
                        const char *name, double timeout, bool progress)
{
  double start = klp_now(), last = -1;
  bool shown = false;
  int target = 1, r;

  progress = progress && isatty(STDERR_FILENO);
  for (;;) {
    double now = klp_now();

    r = in_transition(ctx, e, name, &target);
    if (r <= 0)
      break;
    if (timeout >= 0 && now - start >= timeout) {
      r = klp_fail(e, KLP_EXIT_TIMEOUT, ETIMEDOUT, "waiting for %s", name);
      klp_why(e, "transition still in progress after %gs", timeout);
      break;
    }
    if (progress && now - last >= 0.5) {
      show_progress(ctx, name, target, now - start);
      shown = true;
      last = now;
    }
    usleep(50000);
  }
  if (shown)
    fputs("\r\033[K", stderr);
  return r;
}

int klp_transition_print_blocking(const struct klp_ctx *ctx, FILE *f,
                                  const char *name, int target)
{
  struct klp_task *tasks;
  struct klp_err e;
  size_t n;
  int r = klp_tasks_blocking(ctx, &e, target, &tasks, &n);

  if (r < 0)
    return r;
  for (size_t i = 0; i < n; i++) {
    char cmd[256];

    klp_task_cmdline(ctx, &tasks[i], cmd, sizeof(cmd));
    fprintf(f, "klp: %s: blocked by task %d (%s) pid %d: %s\n", name,
            tasks[i].tid, tasks[i].comm, tasks[i].pid, cmd);
  }
  free(tasks);
  return (int)n;
}
