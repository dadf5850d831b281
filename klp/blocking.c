// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp blocking: the tasks holding the current transition back, those whose
 * patch_state is not yet the transition's target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livepatch.h"
#include "output.h"
#include "tasks.h"

static const char usage[] =
    "Usage: klp [-v|-vv] [--json] blocking\n\n"
    "List the tasks that keep the live patch transition from finishing,\n"
    "one per line: TID and command name; -v adds the PID and command line,\n"
    "-vv the kernel stack. Prints nothing when no transition is running.\n"
    "Needs root (tasks' patch_state is readable by root only).\n"
    "Exit status: 0 listed, 3 no live patching, 4 permission denied,\n"
    "6 kernel state unreadable.\n";

static void print_stack(const struct klp_ctx *ctx, const struct klp_task *t)
{
  char stack[8192];
  char *save = NULL;

  if (klp_task_stack(ctx, t, stack, sizeof(stack)) < 0) {
    puts("    (kernel stack unreadable)");
    return;
  }
  for (char *l = strtok_r(stack, "\n", &save); l;
       l = strtok_r(NULL, "\n", &save))
    printf("    %s\n", l);
}

static struct json_object *task_json(const struct klp_ctx *ctx,
                                     const struct klp_task *t)
{
  struct json_object *o = json_object_new_object();
  char buf[8192];

  klp_json_set(o, "tid", json_object_new_int(t->tid));
  klp_json_set(o, "pid", json_object_new_int(t->pid));
  klp_json_set(o, "comm", json_object_new_string(t->comm));
  klp_json_set(o, "patch_state", json_object_new_int(t->state));
  klp_task_cmdline(ctx, t, buf, sizeof(buf));
  klp_json_set(o, "cmdline", json_object_new_string(buf));
  if (ctx->verbose >= 2)
    klp_json_set(o, "stack",
                 klp_task_stack(ctx, t, buf, sizeof(buf)) == 0
                     ? json_object_new_string(buf)
                     : NULL);
  return o;
}

int klp_cmd_blocking(struct klp_ctx *ctx, int argc, char **argv)
{
  struct klp_task *tasks = NULL;
  const struct klp_patch *t;
  struct klp_patches p;
  struct klp_err e;
  size_t n = 0;
  int r = klp_parse_simple(ctx, argc, argv, usage);

  if (r >= 0)
    return r;
  if (klp_patches_read(ctx, &e, &p, false) < 0)
    return klp_err_report(&e);
  t = klp_patches_transition(&p);
  if (t && klp_tasks_blocking(ctx, &e, klp_patch_target(t), &tasks, &n) < 0) {
    klp_patches_free(&p);
    return klp_err_report(&e);
  }
  if (ctx->json) {
    struct json_object *o = json_object_new_object(), *tr = NULL;
    struct json_object *arr = json_object_new_array();

    if (t) {
      tr = json_object_new_object();
      klp_json_set(tr, "patch", json_object_new_string(t->name));
      klp_json_set(
          tr, "target",
          json_object_new_string(t->enabled ? "patched" : "unpatched"));
    }
    for (size_t i = 0; i < n; i++)
      json_object_array_add(arr, task_json(ctx, &tasks[i]));
    klp_json_set(o, "transition", tr);
    klp_json_set(o, "tasks", arr);
    klp_json_print(o);
  } else {
    if (ctx->verbose && !t)
      fprintf(stderr, "klp: no transition in progress\n");
    else if (ctx->verbose)
      fprintf(stderr, "klp: %s: %s, %zu task%s pending\n", t->name,
              t->enabled ? "patching" : "unpatching", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
      char cmd[4096];

      if (!ctx->verbose) {
        printf("%d %s\n", tasks[i].tid, tasks[i].comm);
        continue;
      }
      klp_task_cmdline(ctx, &tasks[i], cmd, sizeof(cmd));
      printf("%d %s pid=%d %s\n", tasks[i].tid, tasks[i].comm, tasks[i].pid,
             cmd);
      if (ctx->verbose >= 2)
        print_stack(ctx, &tasks[i]);
    }
  }
  free(tasks);
  klp_patches_free(&p);
  return KLP_EXIT_OK;
}
