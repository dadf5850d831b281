/* ulp patches: processes with the runtime and their applied patches. Reads
 * the runtime's published state; never stops the process. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "target.h"

#define CMD "patches"

struct listing {
  const char *pattern;
  int json;
  int build_ids;    /* -b: print each patch's build-id */
  int only_patched; /* --only-livepatched: processes with a patch */
  json_object *arr;
  int errors;
};

static void add_json_path(const char *path, void *arg)
{
  json_object_array_add(arg, json_object_new_string(path));
}

static void print_path(const char *path, void *arg)
{
  int *first = arg;
  printf("%s%s", *first ? "  live-patchable: " : ", ", path);
  *first = 0;
}

static void print_process(struct listing *l, struct target *tg,
                          const struct pulp_state *s)
{
  if (l->json) {
    json_object *o = json_object_new_object(), *pa = json_object_new_array();
    json_object *lp = json_object_new_array();
    json_object_object_add(o, "pid", json_object_new_int(tg->proc.pid));
    json_object_object_add(o, "name", json_object_new_string(tg->proc.comm));
    target_each_livepatchable(tg, add_json_path, lp);
    json_object_object_add(o, "livepatchable", lp);
    for (uint32_t i = 0; i < s->npatches; i++) {
      const struct pulp_state_patch *p = &s->patches[i];
      json_object *po = json_object_new_object(), *la = json_object_new_array();
      char labels[sizeof(p->labels) + 1], *save = NULL;
      json_object_object_add(po, "name", json_object_new_string(p->name));
      json_object_object_add(po, "target", json_object_new_string(p->target));
      json_object_object_add(po, "patch_object",
                             json_object_new_string(p->patch_path));
      json_object_object_add(po, "build_id",
                             json_object_new_string(p->build_id));
      json_object_object_add(po, "functions",
                             json_object_new_int((int)p->nfuncs));
      snprintf(labels, sizeof(labels), "%s", p->labels);
      for (char *tok = strtok_r(labels, ",", &save); tok;
           tok = strtok_r(NULL, ",", &save))
        json_object_array_add(la, json_object_new_string(tok));
      json_object_object_add(po, "labels", la);
      json_object_array_add(pa, po);
    }
    json_object_object_add(o, "patches", pa);
    json_object_array_add(l->arr, o);
    return;
  }
  int first = 1;

  printf("%s (pid %d): %u patch%s\n", tg->proc.comm, tg->proc.pid, s->npatches,
         s->npatches == 1 ? "" : "es");
  target_each_livepatchable(tg, print_path, &first);
  if (!first)
    putchar('\n');
  for (uint32_t i = 0; i < s->npatches; i++) {
    const struct pulp_state_patch *p = &s->patches[i];
    printf("  %s on %s (%u function%s)%s%s\n", p->name, p->target, p->nfuncs,
           p->nfuncs == 1 ? "" : "s", p->labels[0] ? ": " : "", p->labels);
    if (l->build_ids)
      printf("    build-id %s\n", p->build_id);
  }
}

/* Lists one process. With explicit != 0 (-p PID), a problem is an error
 * for the exit status; otherwise a process that went away or lacks the
 * runtime is passed over. */
static int list_process(struct listing *l, pid_t pid, int explicit)
{
  struct target tg;
  struct pulp_state *s = NULL;
  struct pulp_err e = {0};
  int status = ULP_EXIT_OK;

  if (target_open(pid, &tg, &e)) {
    if (explicit)
      ulp_error(CMD, "pid %d: %s", pid, e.msg);
    return explicit ? ULP_EXIT_FAILED : ULP_EXIT_OK;
  }
  if (!tg.runtime) {
    if (explicit)
      ulp_error(CMD, "%s (pid %d) does not have libpulp.so loaded",
                tg.proc.comm, pid);
    target_close(&tg);
    return explicit ? ULP_EXIT_NOT_APPLICABLE : ULP_EXIT_OK;
  }
  if (target_read_state(&tg, &s, &e) == 0) {
    if (!l->only_patched || s->npatches)
      print_process(l, &tg, s);
  } else {
    ulp_error(CMD, "%s (pid %d): %s", tg.proc.comm, pid, e.msg);
    status = ULP_EXIT_FAILED;
  }
  free(s);
  target_close(&tg);
  return status;
}

static int visit(pid_t pid, void *arg)
{
  struct listing *l = arg;

  if (list_process(l, pid, 0) != ULP_EXIT_OK)
    l->errors++;
  return 0;
}

int cmd_patches(int argc, char **argv)
{
  static const struct option opts[] = {
      {"process", required_argument, 0, 'p'},
      {"json", no_argument, 0, 'j'},
      {"buildid", no_argument, 0, 'b'},
      {"only-livepatched", no_argument, 0, 'O'},
      /* libpulp's, meaningless here */
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"disable-threading", no_argument, 0, 'N'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  struct listing l = {0};
  int c, status = ULP_EXIT_OK;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:jbqvh", opts, NULL)) != -1) {
    if (c == 'b') {
      l.build_ids = 1;
    } else if (c == 'O') {
      l.only_patched = 1;
    } else if (c == 'q' || c == 'v' || c == 'N') {
      /* accepted for libpulp's users: patches prints what it lists */
    } else if (c == 'p') {
      l.pattern = optarg;
    } else if (c == 'j') {
      l.json = 1;
    } else if (c == 'h') {
      printf("Usage: ulp patches [-p PID|NAME-WILDCARD] [--json] [-b] "
             "[--only-livepatched]\n"
             "Lists processes with the runtime and their applied patches.\n"
             "  -b, --buildid         print each patch's build-id\n"
             "  --only-livepatched    only processes with a patch applied\n");
      return ULP_EXIT_OK;
    } else {
      return ULP_EXIT_USAGE;
    }
  }
  if (l.json)
    l.arr = json_object_new_array();
  if (l.pattern && isdigit((unsigned char)l.pattern[0]))
    status = list_process(&l, (pid_t)atoi(l.pattern), 1);
  else
    target_each_runtime_process(l.pattern, visit, &l);
  if (l.json) {
    printf("%s\n", json_object_to_json_string_ext(
                       l.arr, JSON_C_TO_STRING_PRETTY |
                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(l.arr);
  }
  if (status == ULP_EXIT_OK && l.errors)
    status = ULP_EXIT_FAILED;
  return status;
}
