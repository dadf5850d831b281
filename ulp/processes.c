/* ulp processes: every running process, whether it can be live patched
 * and, when it cannot, why. Reads /proc and the runtime's published state;
 * never stops a process. The reasons, in the order they are decided:
 *   no-access         the tool may not read the process (ptrace rules)
 *   disabled          the runtime is loaded but an operator switch
 *                     (LIBPULP_DISABLE_ON_*) turned it off
 *   no-livepatchable  the runtime is loaded but no mapped image was built
 *                     live-patchable
 *   static            no runtime: a static binary cannot load it
 *   secure-exec       no runtime: setuid/setgid/file capabilities made the
 *                     loader ignore LD_PRELOAD (AT_SECURE)
 *   no-runtime        no runtime: it was not preloaded
 * (libpulp(7) and docs/patch-store.md: system-wide opt-in.) */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "target.h"

#define CMD "processes"

struct verdict {
  pid_t pid;
  char name[64];
  char exe[PATH_MAX];
  const char *reason; /* "patchable" or why not */
  char detail[512];
  char **libs; /* live-patchable images, for a process with the runtime */
  size_t nlibs;
};

/* AT_BASE (the interpreter's load address: 0 in a static binary) and
 * AT_SECURE from /proc/PID/auxv. -1 when it cannot be read. */
static int read_auxv(pid_t pid, unsigned long *base, unsigned long *secure)
{
  char path[64];
  unsigned long av[2];
  FILE *f;
  int found = 0;

  *base = *secure = 0;
  snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
  if (!(f = fopen(path, "re")))
    return -1;
  while (fread(av, sizeof(av), 1, f) == 1 && av[0] != AT_NULL) {
    found = 1;
    if (av[0] == AT_BASE)
      *base = av[1];
    else if (av[0] == AT_SECURE)
      *secure = av[1];
  }
  fclose(f);
  return found ? 0 : -1;
}

static void add_lib(const char *path, void *arg)
{
  struct verdict *v = arg;
  char **l = realloc(v->libs, (v->nlibs + 1) * sizeof(*l));

  if (l && (l[v->nlibs] = strdup(path))) {
    v->libs = l;
    v->nlibs++;
  } else if (l) {
    v->libs = l;
  }
}

static void judge(struct verdict *v)
{
  struct target tg;
  struct pulp_err e = {0};
  struct pulp_state *s = NULL;
  unsigned long base, secure;
  const char *why;

  if (target_open(v->pid, &tg, &e)) {
    v->reason = "no-access";
    snprintf(v->detail, sizeof(v->detail), "%s", e.msg);
    return;
  }
  if (tg.runtime) {
    if (target_read_state_brief(&tg, &s, &e)) {
      v->reason = "no-access";
      snprintf(v->detail, sizeof(v->detail), "runtime state: %.480s", e.msg);
    } else if ((why = pulp_state_disabled(s))) {
      v->reason = "disabled";
      snprintf(v->detail, sizeof(v->detail), "%s", why);
    } else {
      target_each_livepatchable(&tg, add_lib, v);
      v->reason = v->nlibs ? "patchable" : "no-livepatchable";
      if (!v->nlibs)
        snprintf(v->detail, sizeof(v->detail),
                 "the runtime is loaded, but no loaded image was built "
                 "live-patchable");
    }
    free(s);
  } else if (read_auxv(v->pid, &base, &secure) == 0 && base == 0) {
    v->reason = "static";
    snprintf(v->detail, sizeof(v->detail),
             "static binary: the loader never runs, so no runtime can be "
             "preloaded");
  } else if (secure) {
    v->reason = "secure-exec";
    snprintf(v->detail, sizeof(v->detail),
             "setuid/setgid or file capabilities (AT_SECURE): the loader "
             "ignored LD_PRELOAD; only /etc/ld.so.preload applies");
  } else {
    v->reason = "no-runtime";
    snprintf(v->detail, sizeof(v->detail),
             "libpulp.so is not loaded (start it with LD_PRELOAD, or opt in "
             "system-wide through /etc/ld.so.preload)");
  }
  target_close(&tg);
}

static int read_identity(pid_t pid, struct verdict *v)
{
  char path[64];
  FILE *f;
  ssize_t n;

  memset(v, 0, sizeof(*v));
  v->pid = pid;
  snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
  n = readlink(path, v->exe, sizeof(v->exe) - 1);
  if (n < 0 && errno == ENOENT)
    return -1; /* a kernel thread, or gone */
  v->exe[n > 0 ? n : 0] = '\0';
  snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
  if (!(f = fopen(path, "re")))
    return -1;
  if (fgets(v->name, sizeof(v->name), f))
    v->name[strcspn(v->name, "\n")] = '\0';
  fclose(f);
  return 0;
}

static void print(const struct verdict *v, json_object *arr)
{
  int ok = !strcmp(v->reason, "patchable");

  if (arr) {
    json_object *o = json_object_new_object(), *l = json_object_new_array();
    json_object_object_add(o, "pid", json_object_new_int(v->pid));
    json_object_object_add(o, "name", json_object_new_string(v->name));
    json_object_object_add(o, "exe", json_object_new_string(v->exe));
    json_object_object_add(o, "patchable", json_object_new_boolean(ok));
    json_object_object_add(o, "reason", json_object_new_string(v->reason));
    if (v->detail[0])
      json_object_object_add(o, "detail", json_object_new_string(v->detail));
    for (size_t i = 0; i < v->nlibs; i++)
      json_object_array_add(l, json_object_new_string(v->libs[i]));
    json_object_object_add(o, "livepatchable", l);
    json_object_array_add(arr, o);
    return;
  }
  printf("%d %s: %s", (int)v->pid, v->name, ok ? "patchable" : "not patchable");
  if (ok) {
    printf(" (live-patchable:");
    for (size_t i = 0; i < v->nlibs; i++)
      printf("%s %s", i ? "," : "", v->libs[i]);
    printf(")\n");
  } else {
    printf(" [%s]: %s\n", v->reason, v->detail);
  }
}

static void usage(FILE *f)
{
  fprintf(f, "Usage: ulp processes [-p PID|NAME-WILDCARD] [--json]\n"
             "Lists running processes and whether each can be live patched;\n"
             "when not, why (no-access, disabled, no-livepatchable, static,\n"
             "secure-exec, no-runtime). See ulp(1).\n");
}

int cmd_processes(int argc, char **argv)
{
  static const struct option opts[] = {{"process", required_argument, 0, 'p'},
                                       {"json", no_argument, 0, 'j'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *pattern = NULL;
  json_object *arr = NULL;
  struct dirent *de;
  DIR *d;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      pattern = optarg;
      break;
    case 'j':
      arr = json_object_new_array();
      break;
    case 'h':
      usage(stdout);
      return ULP_EXIT_OK;
    default:
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (!(d = opendir("/proc"))) {
    ulp_error(CMD, "opening /proc: %s", strerror(errno));
    return ULP_EXIT_FAILED;
  }
  while ((de = readdir(d))) {
    struct verdict v;
    pid_t pid;
    if (!isdigit((unsigned char)de->d_name[0]))
      continue;
    pid = (pid_t)atoi(de->d_name);
    if (pid == getpid() || read_identity(pid, &v))
      continue;
    if (pattern && strcmp(pattern, de->d_name) &&
        fnmatch(pattern, v.name, 0) != 0)
      continue;
    judge(&v);
    print(&v, arr);
    for (size_t i = 0; i < v.nlibs; i++)
      free(v.libs[i]);
    free(v.libs);
  }
  closedir(d);
  if (arr) {
    printf("%s\n",
           json_object_to_json_string_ext(
               arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
  }
  return ULP_EXIT_OK;
}
