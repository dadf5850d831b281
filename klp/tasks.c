// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "root.h"
#include "tasks.h"

static bool numeric(const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return false;
  return true;
}

/* A task that exited between listing and reading: ENOENT or ESRCH. */
static bool vanished(int r)
{
  return r == -ENOENT || r == -ESRCH;
}

static int add_task(struct klp_err *e, struct klp_task **v, size_t *n,
                    size_t *cap, const struct klp_task *t)
{
  if (*n == *cap) {
    size_t ncap = *cap ? 2 * *cap : 16;
    struct klp_task *nv = realloc(*v, ncap * sizeof(**v));

    if (!nv)
      return klp_fail(e, 0, ENOMEM, "scanning tasks");
    *v = nv;
    *cap = ncap;
  }
  (*v)[(*n)++] = *t;
  return 0;
}

static int cmp_tid(const void *a, const void *b)
{
  const struct klp_task *x = a, *y = b;

  return (x->tid > y->tid) - (x->tid < y->tid);
}

static int scan_process(const struct klp_ctx *ctx, struct klp_err *e,
                        int target, const char *pid, struct klp_task **v,
                        size_t *n, size_t *cap)
{
  char **tids;
  size_t ntids;
  int r = klp_list_dir(ctx, e, &tids, &ntids, "/proc/%s/task", pid);

  if (vanished(r))
    return 0;
  if (r < 0)
    return r;
  for (size_t i = 0; i < ntids && r == 0; i++) {
    struct klp_task t = {.pid = atoi(pid), .tid = atoi(tids[i])};
    long state;

    if (!numeric(tids[i]))
      continue;
    r = klp_read_long(ctx, e, &state, "/proc/%s/task/%s/patch_state", pid,
                      tids[i]);
    if (vanished(r)) {
      r = 0;
      continue;
    }
    if (r < 0)
      break;
    if (state == -1 || state == target)
      continue;
    r = klp_read_text(ctx, e, t.comm, sizeof(t.comm), "/proc/%s/task/%s/comm",
                      pid, tids[i]);
    if (vanished(r)) {
      r = 0;
      continue;
    }
    t.state = (int)state;
    if (r == 0)
      r = add_task(e, v, n, cap, &t);
  }
  klp_free_names(tids, ntids);
  return r;
}

int klp_tasks_blocking(const struct klp_ctx *ctx, struct klp_err *e, int target,
                       struct klp_task **tasks, size_t *count)
{
  struct klp_task *v = NULL;
  size_t n = 0, cap = 0, npids;
  char **pids;
  int r = klp_list_dir(ctx, e, &pids, &npids, "/proc");

  if (r < 0)
    return r;
  for (size_t i = 0; i < npids && r == 0; i++)
    if (numeric(pids[i]))
      r = scan_process(ctx, e, target, pids[i], &v, &n, &cap);
  klp_free_names(pids, npids);
  if (r < 0) {
    free(v);
    if (e->exit == KLP_EXIT_PERM)
      klp_why(e, "permission denied (tasks' patch_state is readable by "
                 "root only)");
    return r;
  }
  if (n)
    qsort(v, n, sizeof(*v), cmp_tid);
  *tasks = v;
  *count = n;
  return 0;
}

void klp_task_cmdline(const struct klp_ctx *ctx, const struct klp_task *t,
                      char *buf, size_t n)
{
  char path[KLP_PATH_MAX];
  ssize_t len = -1;

  if (klp_path(ctx, path, sizeof(path), "/proc/%d/cmdline", t->pid) == 0)
    len = klp_read_file(path, buf, n);
  if (len <= 0) {
    snprintf(buf, n, "[%s]", t->comm);
    return;
  }
  while (len > 0 && buf[len - 1] == '\0')
    len--;
  buf[len] = '\0';
  for (ssize_t i = 0; i < len; i++)
    if (buf[i] == '\0' || buf[i] == '\n')
      buf[i] = ' ';
}

int klp_task_stack(const struct klp_ctx *ctx, const struct klp_task *t,
                   char *buf, size_t n)
{
  char path[KLP_PATH_MAX];
  ssize_t len;

  if (klp_path(ctx, path, sizeof(path), "/proc/%d/task/%d/stack", t->pid,
               t->tid) < 0)
    return -ENAMETOOLONG;
  len = klp_read_file(path, buf, n);
  return len < 0 ? (int)len : 0;
}
