// SPDX-License-Identifier: GPL-2.0-or-later
/* klp status: "ready", or "in_progress" while a patch is in transition. */
#include <stdio.h>
#include <stdlib.h>

#include "livepatch.h"
#include "output.h"
#include "tasks.h"

static const char usage[] =
    "Usage: klp [-v] [--json] status\n\n"
    "Print \"ready\" when no live patch is in transition, else "
    "\"in_progress\";\n"
    "-v names the patch in transition, its direction and how many tasks\n"
    "it still waits for (counting them needs root).\n"
    "Exit status: 0 answered, 3 no live patching in this kernel,\n"
    "4 permission denied, 6 kernel state unreadable.\n";

static void print_json(const struct klp_patch *t, long pending)
{
  struct json_object *o = json_object_new_object(), *tr = NULL;

  klp_json_set(o, "status",
               json_object_new_string(t ? "in_progress" : "ready"));
  if (t) {
    tr = json_object_new_object();
    klp_json_set(tr, "patch", json_object_new_string(t->name));
    klp_json_set(tr, "target",
                 json_object_new_string(t->enabled ? "patched" : "unpatched"));
    klp_json_set(tr, "pending_tasks",
                 pending < 0 ? NULL : json_object_new_int64(pending));
  }
  klp_json_set(o, "transition", tr);
  klp_json_print(o);
}

int klp_cmd_status(struct klp_ctx *ctx, int argc, char **argv)
{
  const struct klp_patch *t;
  struct klp_patches p;
  struct klp_err e;
  long pending = -1;
  int r = klp_parse_simple(ctx, argc, argv, usage);

  if (r >= 0)
    return r;
  if (klp_patches_read(ctx, &e, &p, false) < 0) {
    if (e.exit == KLP_EXIT_UNSUPPORTED && ctx->json) {
      struct json_object *o = json_object_new_object();

      klp_json_set(o, "status", json_object_new_string("unsupported"));
      klp_json_print(o);
    }
    return klp_err_report(&e);
  }
  t = klp_patches_transition(&p);
  if (t && (ctx->verbose || ctx->json)) {
    struct klp_task *tasks;
    size_t n;

    /* Unreadable without root: the count is then left out, not fatal. */
    if (klp_tasks_blocking(ctx, &e, klp_patch_target(t), &tasks, &n) == 0) {
      pending = (long)n;
      free(tasks);
    }
  }
  if (ctx->json)
    print_json(t, pending);
  else if (!t)
    puts("ready");
  else if (!ctx->verbose)
    puts("in_progress");
  else if (pending >= 0)
    printf("in_progress: %s (%s, %ld task%s pending)\n", t->name,
           t->enabled ? "patching" : "unpatching", pending,
           pending == 1 ? "" : "s");
  else
    printf("in_progress: %s (%s)\n", t->name,
           t->enabled ? "patching" : "unpatching");
  klp_patches_free(&p);
  return KLP_EXIT_OK;
}
