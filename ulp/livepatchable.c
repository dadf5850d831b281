/* ulp livepatchable FILE: whether FILE's functions can be live-patched,
 * and if not, why. Any of the three architectures, whatever the host.
 * Exit status: 0 yes, 1 no, 2 error (usage, missing or unreadable file,
 * not ELF). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <elf.h>
#include <json-c/json.h>

#include "core/arch.h"
#include "core/elf_file.h"
#include "ulp/commands.h"
#include "ulp/pads.h"

#define CMD "livepatchable"

struct verdict {
  int yes;
  char reason[PULP_ERR_MSG_MAX + 128];
  size_t count[3]; /* by enum pulp_pad_state, good pads only */
};

static void usage(FILE *out)
{
  fprintf(out,
          "usage: ulp livepatchable [-v] [--json] FILE\n"
          "Says whether FILE (a library or executable of any architecture\n"
          "Pulp supports) can be live-patched, and if not, why.\n"
          "  -v, --verbose  list every function's pad and its state\n"
          "  -j, --json     print the answer as JSON\n"
          "  -h, --help     show this help\n"
          "Exit status: 0 yes, 1 no, 2 error.\n");
}

static void judge(const struct pad_set *s, struct verdict *v)
{
  const struct pad *first = NULL;

  for (size_t i = 0; i < s->n; i++) {
    if (s->pads[i].rc < 0) {
      first = first ? first : &s->pads[i];
      continue;
    }
    v->count[s->pads[i].info.state]++;
  }
  if (s->n == 0) {
    snprintf(v->reason, sizeof(v->reason),
             "__patchable_function_entries is empty");
  } else if (first) {
    snprintf(v->reason, sizeof(v->reason),
             "%zu of %zu pads are not live-patchable %s pads; first, %s at "
             "%#" PRIx64 ": %s",
             s->nbad, s->n, s->layout->name, first->name ? first->name : "?",
             first->func, first->why);
  } else {
    v->yes = 1;
  }
}

static void print_text(const char *path, const struct pad_set *s,
                       const struct verdict *v, int verbose)
{
  if (v->yes)
    printf("%s: live-patchable (%s, %zu functions: %zu clean, %zu raw, %zu "
           "redirected)\n",
           path, s->layout->name, s->n, v->count[PULP_PAD_CLEAN],
           v->count[PULP_PAD_RAW], v->count[PULP_PAD_REDIRECTED]);
  else
    printf("%s: not live-patchable: %s\n", path, v->reason);
  if (v->yes && v->count[PULP_PAD_RAW])
    printf("note: %zu pads not normalised by 'ulp post': 'ulp trigger' "
           "switches them with every thread stopped; the in-process API "
           "refuses them\n",
           v->count[PULP_PAD_RAW]);
  for (size_t i = 0; verbose && s && i < s->n; i++) {
    const struct pad *p = &s->pads[i];

    printf("  %#" PRIx64 " %s: ", p->func, p->name ? p->name : "?");
    if (p->rc < 0)
      printf("bad: %s\n", p->why);
    else if (p->info.state == PULP_PAD_REDIRECTED)
      printf("redirected to %#" PRIx64 "\n", p->info.target);
    else
      printf("%s\n", pad_state_name(p->info.state));
  }
}

static void print_json(const char *path, const char *arch,
                       const struct pad_set *s, const struct verdict *v,
                       int verbose)
{
  json_object *o = json_object_new_object();

  json_object_object_add(o, "file", json_object_new_string(path));
  json_object_object_add(o, "arch", arch ? json_object_new_string(arch) : NULL);
  json_object_object_add(o, "livepatchable", json_object_new_boolean(v->yes));
  json_object_object_add(o, "reason",
                         v->yes ? NULL : json_object_new_string(v->reason));
  json_object_object_add(o, "pads",
                         json_object_new_int64(s ? (int64_t)s->n : 0));
  json_object_object_add(o, "clean",
                         json_object_new_int64(v->count[PULP_PAD_CLEAN]));
  json_object_object_add(o, "raw",
                         json_object_new_int64(v->count[PULP_PAD_RAW]));
  json_object_object_add(o, "redirected",
                         json_object_new_int64(v->count[PULP_PAD_REDIRECTED]));
  json_object_object_add(o, "bad",
                         json_object_new_int64(s ? (int64_t)s->nbad : 0));
  if (verbose && s) {
    json_object *fns = json_object_new_array();
    char addr[32];

    for (size_t i = 0; i < s->n; i++) {
      const struct pad *p = &s->pads[i];
      json_object *fn = json_object_new_object();

      snprintf(addr, sizeof(addr), "%#" PRIx64, p->func);
      json_object_object_add(fn, "name",
                             p->name ? json_object_new_string(p->name) : NULL);
      json_object_object_add(fn, "address", json_object_new_string(addr));
      json_object_object_add(
          fn, "state",
          json_object_new_string(p->rc < 0 ? "bad"
                                           : pad_state_name(p->info.state)));
      if (p->rc < 0)
        json_object_object_add(fn, "error", json_object_new_string(p->why));
      if (p->rc == 0 && p->info.state == PULP_PAD_REDIRECTED) {
        snprintf(addr, sizeof(addr), "%#" PRIx64, p->info.target);
        json_object_object_add(fn, "target", json_object_new_string(addr));
      }
      json_object_array_add(fns, fn);
    }
    json_object_object_add(o, "functions", fns);
  }
  printf("%s\n", json_object_to_json_string_ext(
                     o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                            JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
}

int cmd_livepatchable(int argc, char **argv)
{
  static const struct option opts[] = {
      {"verbose", no_argument, NULL, 'v'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const struct pulp_arch_layout *layout;
  struct pulp_err e = {0};
  struct verdict v = {0};
  struct elf_file *f = NULL;
  struct pad_set s = {0}, *sp = NULL;
  int verbose = 0, json = 0, c, r;
  const char *path;

  optind = 1;
  while ((c = getopt_long(argc, argv, "vjh", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      verbose = 1;
      break;
    case 'j':
      json = 1;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    ulp_error(CMD, "expected one FILE");
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  path = argv[optind];

  r = elf_file_open(path, 0, &f, &e);
  if (r < 0) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  layout = arch_layout(elf_file_machine(f));
  if (!layout) {
    snprintf(v.reason, sizeof(v.reason),
             "ELF machine %u is not an architecture Pulp supports",
             elf_file_machine(f));
  } else if ((r = pads_load(f, layout, &s, &e)) == -ENODATA) {
    snprintf(v.reason, sizeof(v.reason),
             "no __patchable_function_entries section (compile with %s)",
             layout->cflags);
  } else if (r == -ENOTSUP) {
    snprintf(v.reason, sizeof(v.reason), "%s", e.msg);
  } else if (r < 0 ||
             (r = pads_verify(&s, PADS_DECODE | PADS_REDIRECT, &e)) < 0) {
    ulp_error(CMD, "%s: %s", path, e.msg);
    pads_free(&s);
    elf_file_close(f);
    return ULP_EXIT_USAGE;
  } else {
    sp = &s;
    judge(&s, &v);
  }

  if (json)
    print_json(path, layout ? layout->name : NULL, sp, &v, verbose);
  else
    print_text(path, sp, &v, verbose);
  pads_free(&s);
  elf_file_close(f);
  return v.yes ? ULP_EXIT_OK : ULP_EXIT_FAILED;
}
