/* ulp trigger: applies .ulp and reverts .rev files in running processes
 * (docs/apply-protocol.md). Everything that can be checked without
 * stopping the process is checked first; then hijack_run borrows one
 * thread and commits with every thread stopped briefly. */
#define _GNU_SOURCE
#include <ctype.h>
#include <fnmatch.h>
#include <pwd.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/control_abi.h"
#include "core/ulp_format.h"
#include "hijack.h"
#include "patchfiles.h" /* files, globs, directories, -R, --revert */
#include "stage.h"
#include "target.h"
#include "verify.h" /* signatures, audit log: docs/security.md */

#define CMD "trigger"
#define TRIGGER_WORKERS_MAX 8

struct trigger {
  const char *pattern; /* -p: PID or NAME-WILDCARD; NULL for all */
  int explicit_pid;
  const char *revert_all;
  char **files; /* absolute paths */
  struct ulp_patch *patches;
  size_t nfiles;
  struct hijack_opts hopts;
  int verbose;
  int quiet;      /* -q: print failures only */
  int revert;     /* --revert: the files are sent as R<path>, reverted */
  int each;       /* a glob or directory: each process gets the files whose
                     target it has, the others skip it quietly */
  int no_summary; /* --disable-summarization */
  struct patch_files pf;
  int json; /* --json: one array of results at the end */
  json_object *results;
  struct verify_opts vopts;
  struct audit_set audit; /* one syslog message per file and process */
  uint8_t *req;
  size_t reqlen;
  /* outcome (under lock: processes are handled in parallel) */
  pthread_mutex_t lock;
  int nsucceeded, nfailed, nskipped, nmentioned;
  /* the processes of a scan, taken by the workers in turn */
  pid_t *pids;
  size_t npids, cap, next;
};

/* Which library does this process have to hold for the operation? All of
 * the files' targets, and --revert-all's library. */
static int in_state(const struct pulp_state *s, const struct ulp_patch *u,
                    const char **other)
{
  for (uint32_t i = 0; i < s->npatches; i++) {
    int r = target_state_patch_is(&s->patches[i], u);
    if (r == 1)
      return 1;
    if (r < 0) {
      *other = s->patches[i].name;
      return -1;
    }
  }
  return 0;
}

/* Against the published state, without stopping anything: a .rev whose
 * patch is not applied has nothing to do (-ENOENT); *done is set when
 * every file is a patch that is already applied. */
static int check_state(struct trigger *t, struct target *tg, int *done,
                       struct pulp_err *e)
{
  struct pulp_state *s = NULL;
  int rc = target_read_state_brief(tg, &s, e);

  /* Disabled by the operator (ulp set_patchable, LIBPULP_DISABLE_ON_*):
   * skipped without borrowing a thread; the runtime would refuse. */
  if (!rc && pulp_state_disabled(s))
    rc = err_set(e, -EPERM, "%s", pulp_state_disabled(s));
  *done = !t->revert_all;
  for (size_t i = 0; !rc && i < t->nfiles; i++) {
    const struct ulp_patch *u = &t->patches[i];
    const char *other = NULL;
    int applied = in_state(s, u, &other);
    /* With --revert-all the other description may be reverted in the
     * same operation: the runtime decides then (engine.c, load_patch). */
    if (applied < 0 && u->kind == ULP_KIND_APPLY && !t->revert_all) {
      rc = err_set(e, -EEXIST,
                   "%s: its patch object is applied as %s, another "
                   "description of it; revert %s first",
                   u->name, other, other);
      break;
    }
    applied = applied != 0;
    for (size_t j = 0; j < i && !applied; j++)
      applied = t->patches[j].kind == ULP_KIND_APPLY &&
                t->patches[j].patch_build_id_len == u->patch_build_id_len &&
                !memcmp(t->patches[j].patch_build_id, u->patch_build_id,
                        u->patch_build_id_len);
    if (u->kind == ULP_KIND_REVERT && !applied)
      rc = err_set(e, -ENOENT, "%s is not applied", u->name);
    if (u->kind != ULP_KIND_APPLY || !applied)
      *done = 0;
  }
  free(s);
  return rc;
}

static int applicable(struct trigger *t, struct target *tg, int *done,
                      struct pulp_err *e)
{
  int rc;

  if (!tg->runtime)
    return err_set(e, -ENOENT, "does not have libpulp.so loaded");
  for (size_t i = 0; i < t->nfiles; i++)
    if ((rc = target_has_object(tg, &t->patches[i], e)))
      return rc;
  if (t->revert_all && !t->nfiles) {
    if (target_has_library(tg, t->revert_all))
      return 0;
    return err_set(e, -ENOENT, "does not have %s loaded", t->revert_all);
  }
  for (size_t i = 0; i < t->nfiles; i++) {
    char path[PATH_MAX + 64];
    if (t->patches[i].kind != ULP_KIND_APPLY)
      continue;
    proc_path(&tg->proc, t->patches[i].patch_path, path, sizeof(path));
    /* Out of its reach (a chroot), hijack time stages it (stage.h). */
    if (access(path, R_OK) != 0 && access(t->patches[i].patch_path, R_OK))
      return err_set(e, -ENOENT,
                     "patch object %s does not exist in its mount namespace",
                     t->patches[i].patch_path);
  }
  return check_state(t, tg, done, e);
}

enum outcome { SUCCEEDED, SKIPPED, FAILED };

/* One line per mentioned process (or one JSON object with --json). */
static void report(struct trigger *t, const char *name, pid_t pid,
                   enum outcome o, const char *why)
{
  static const char *const word[] = {"succeeded", "skipped", "failed"};

  /* Outside the lock: syslog(3) is thread-safe, and slow enough (a
   * socket per message without /dev/log) to serialise a fleet. */
  audit_set_log(&t->audit, pid, name, word[o], why);
  pthread_mutex_lock(&t->lock);
  t->nmentioned++;
  *(o == SUCCEEDED ? &t->nsucceeded
    : o == SKIPPED ? &t->nskipped
                   : &t->nfailed) += 1;
  if (t->json) {
    json_object *r = json_object_new_object();
    json_object_object_add(r, "pid", json_object_new_int(pid));
    json_object_object_add(r, "name",
                           name ? json_object_new_string(name) : NULL);
    json_object_object_add(r, "result", json_object_new_string(word[o]));
    if (why)
      json_object_object_add(r, "reason", json_object_new_string(why));
    json_object_array_add(t->results, r);
    pthread_mutex_unlock(&t->lock);
    return;
  }
  if (t->quiet && o != FAILED) {
    pthread_mutex_unlock(&t->lock);
    return;
  }
  if (name)
    printf("%s (pid %d): ", name, pid);
  else
    printf("pid %d: ", pid);
  if (o == SUCCEEDED)
    printf("live patching succeeded\n");
  else
    printf("%s: %s\n", word[o], why);
  fflush(stdout);
  pthread_mutex_unlock(&t->lock);
}

/* A skipped process that is not mentioned is still counted. */
static void count_skipped(struct trigger *t)
{
  pthread_mutex_lock(&t->lock);
  t->nskipped++;
  pthread_mutex_unlock(&t->lock);
}

static int build_request(struct trigger *t);

/* t->each: v is t restricted to the files whose target this process has
 * (by build-id). -ENOENT when it has none. */
static int narrow(const struct trigger *t, struct target *tg, struct trigger *v,
                  struct pulp_err *e)
{
  memset(v, 0, sizeof(*v));
  v->revert_all = t->revert_all;
  v->revert = t->revert;
  v->hopts = t->hopts;
  v->files = calloc(t->nfiles + 1, sizeof(*v->files));
  v->patches = calloc(t->nfiles + 1, sizeof(*v->patches));
  if (!v->files || !v->patches)
    return err_set(e, -ENOMEM, "out of memory");
  for (size_t i = 0; i < t->nfiles; i++) {
    struct pulp_err other = {0};
    if (!target_has_object(tg, &t->patches[i], &other)) {
      v->files[v->nfiles] = t->files[i];
      v->patches[v->nfiles++] = t->patches[i];
    }
  }
  if (!v->nfiles)
    return err_set(e, -ENOENT, "has none of the patches' targets loaded");
  if (build_request(v))
    return err_set(e, -E2BIG, "too many or too long file names");
  return 0;
}

static void drop_view(struct trigger *v)
{
  free(v->files);
  free(v->patches);
  free(v->req);
}

static int one_process(pid_t pid, void *arg)
{
  struct trigger *t = arg;
  struct target tg;
  struct pulp_err e = {0};
  int done = 0;
  int rc = t->explicit_pid ? target_open(pid, &tg, &e)
                           : target_open_scanned(pid, &tg, &e);

  if (rc == 1)
    return 0; /* no runtime: not a candidate of the scan */
  if (rc && rc != -ESRCH && hijack_process_gone(pid))
    rc = err_set(&e, -ESRCH, "process exited");
  if (rc) {
    if (!t->explicit_pid && rc == -ESRCH)
      return 0; /* exited while we listed */
    /* proc_open names the process when it got that far. */
    report(t,
           strcmp(tg.proc.comm, "?") && tg.proc.comm[0] ? tg.proc.comm : NULL,
           pid, FAILED, e.msg);
    return 0;
  }
  struct trigger view = {0}, *u = t; /* u: the files this process gets */
  if (t->each && !(rc = narrow(t, &tg, &view, &e)))
    u = &view;
  if (!rc)
    rc = applicable(u, &tg, &done, &e);
  if (rc && hijack_process_gone(pid)) {
    /* Gone before anything was done: in a scan, as if before it. */
    if (t->explicit_pid)
      report(t, tg.proc.comm, pid, FAILED, "process exited");
    else
      count_skipped(t);
    drop_view(&view);
    target_close(&tg);
    return 0;
  }
  if (rc == -EEXIST) {
    /* Another description of the patch object is applied: not "nothing
     * to do" but a request that cannot be honoured as it is. */
    report(t, tg.proc.comm, pid, FAILED, e.msg);
    drop_view(&view);
    target_close(&tg);
    return 0;
  }
  if (rc) {
    if (t->explicit_pid || t->verbose)
      report(t, tg.proc.comm, pid, SKIPPED, e.msg);
    else
      count_skipped(t);
    drop_view(&view);
    target_close(&tg);
    return 0;
  }
  struct stage st = {0};
  if (!done)
    rc = stage_request(&tg.proc, u->revert_all, u->revert ? 'R' : 'F', u->files,
                       u->patches, u->nfiles, &st, &e);
  rc = done || rc ? rc
                  : hijack_run(&tg.proc, &u->hopts, PULP_OP_APPLY,
                               st.req ? st.req : u->req,
                               st.req ? st.len : u->reqlen, NULL, &e);
  stage_release(&st);
  if (rc == -ESRCH && !t->explicit_pid)
    count_skipped(t); /* exited while we worked: as if before the scan */
  else if (rc)
    report(t, tg.proc.comm, pid, FAILED, e.msg);
  else
    report(t, tg.proc.comm, pid, SUCCEEDED, NULL);
  drop_view(&view);
  target_close(&tg);
  return 0;
}

static int collect(pid_t pid, void *arg)
{
  struct trigger *t = arg;

  if (t->npids == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    pid_t *v = realloc(t->pids, cap * sizeof(*v));
    if (!v)
      return -ENOMEM;
    t->pids = v;
    t->cap = cap;
  }
  t->pids[t->npids++] = pid;
  return 0;
}

static void *worker(void *arg)
{
  struct trigger *t = arg;

  for (;;) {
    size_t i = __atomic_fetch_add(&t->next, 1, __ATOMIC_RELAXED);
    if (i >= t->npids)
      return NULL;
    one_process(t->pids[i], t);
  }
}

/* The processes of a scan, in parallel: each is mostly waiting (on its
 * runtime's dlopen, on the kernel), so a few workers per CPU overlap
 * them; bounded, so that a fleet does not start a thread each. Every
 * process still gets its own line, in the order they finish. */
static void each_in_parallel(struct trigger *t)
{
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  size_t n = ncpu > 0 ? (size_t)(4 * ncpu) : 4, started = 0;
  pthread_t th[TRIGGER_WORKERS_MAX];

  if (n > TRIGGER_WORKERS_MAX)
    n = TRIGGER_WORKERS_MAX;
  if (n > t->npids)
    n = t->npids;
  while (started + 1 < n && !pthread_create(&th[started], NULL, worker, t))
    started++;
  worker(t); /* this thread too; alone if none could start */
  while (started > 0)
    pthread_join(th[--started], NULL);
}

static int is_number(const char *s)
{
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return 0;
  return 1;
}

static int build_request(struct trigger *t)
{
  /* --revert-all=target (libpulp): each file's own target library. */
  int per_file = t->revert_all && !strcmp(t->revert_all, "target");
  char item = t->revert ? 'R' : 'F';
  size_t len = 0, off = 0;

  if (t->revert_all && !per_file)
    len += strlen(t->revert_all) + 2;
  for (size_t i = 0; i < t->nfiles; i++)
    len += strlen(t->files[i]) + 2 +
           (per_file ? strlen(t->patches[i].target) + 2 : 0);
  if (len > PULP_REQUEST_MAX)
    return -E2BIG;
  t->req = malloc(len ? len : 1);
  if (!t->req)
    return -ENOMEM;
  if (t->revert_all && !per_file)
    off += (size_t)sprintf((char *)t->req + off, "L%s", t->revert_all) + 1;
  for (size_t i = 0; i < t->nfiles; i++) {
    if (per_file)
      off +=
          (size_t)sprintf((char *)t->req + off, "L%s", t->patches[i].target) +
          1;
    off += (size_t)sprintf((char *)t->req + off, "%c%s", item, t->files[i]) + 1;
  }
  t->reqlen = off;
  return 0;
}

/* --consistency=patch|function (docs/apply-protocol.md, "Consistency
 * modes"); NULL: patch. Returns -1 on any other value. */
static int consistency_mode(const char *v, struct hijack_opts *o)
{
  if (!v || !strcmp(v, "patch"))
    o->per_function = 0;
  else if (!strcmp(v, "function"))
    o->per_function = 1;
  else
    return -1;
  return 0;
}

static void usage(FILE *f)
{
  fprintf(
      f, "Usage: ulp trigger [-p PID|NAME-WILDCARD] [--revert-all=LIB|target]\n"
         "                   [-r RETRIES] [--timeout SECONDS] [--tid TID]\n"
         "                   [-v] [--json] [FILE.ulp|FILE.rev...]\n"
         "Applies .ulp files and reverts .rev files in running processes:\n"
         "the one given by -p, those whose name matches it, or (without "
         "-p)\nevery process with the runtime and the target library.\n"
         "  -p, --process PID|WILDCARD  target processes\n"
         "      --revert-all=LIB        first revert every patch on LIB\n"
         "  -r, --retries N             commit attempts (default 20)\n"
         "      --timeout SECONDS       wait for the runtime (default 10)\n"
         "      --tid TID               borrow this thread\n"
         "      --consistency=patch|function\n"
         "                              patch (default): the whole patch "
         "switches at\n"
         "                              one instant; function: each "
         "function switches\n"
         "                              on its own (env PULP_CONSISTENCY)\n"
         "  -v, --verbose               mention skipped processes\n"
         "      --json                  print the results and the summary "
         "as JSON\n"
         "      --revert                revert the patches FILE names\n"
         "  -R, --root PREFIX           files and patch objects are under "
         "PREFIX\n"
         "      --recursive             descend into directories of "
         "patches\n"
         "  -q, --quiet                 print failures only\n"
         "  -u, --user USER             only processes of USER (name, "
         "wildcard, UID)\n"
         "      --disable-threading     one process at a time\n"
         "      --disable-summarization no summary line\n"
         "  FILE may be a glob or a directory: each process gets the "
         "patches\n  whose target it has.\n"
         "      --require-signature     refuse files without a trusted "
         "FILE.sig\n"
         "      --keys DIR              trusted public keys "
         "(/etc/pulp/keys)\n"
         "Exit status: 0 applied, 1 a process failed, 2 bad input,\n"
         "3 nothing applicable. See ulp(1).\n");
}

/* -u USER (libpulp): keeps the processes whose real user is USER, a
 * user-name wildcard or a UID. */
static void only_user(struct trigger *t, const char *user)
{
  /* The last uid's answer: a fleet runs under few users, and each lookup
   * may read the user database. */
  unsigned long last = (unsigned long)-2;
  int last_ok = 0;
  size_t n = 0;

  for (size_t i = 0; i < t->npids; i++) {
    char path[64], line[256], name[64];
    unsigned long uid = (unsigned long)-1;
    FILE *f;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)t->pids[i]);
    if ((f = fopen(path, "re"))) {
      while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Uid: %lu", &uid) == 1)
          break;
      fclose(f);
    }
    if (uid != last) {
      struct passwd *pw = getpwuid((uid_t)uid);
      snprintf(name, sizeof(name), "%lu", uid);
      last = uid;
      last_ok = !strcmp(user, name) || (pw && !fnmatch(user, pw->pw_name, 0));
    }
    if (last_ok)
      t->pids[n++] = t->pids[i];
  }
  t->npids = n;
}

/* The last line of a trigger over several processes, for scripts; with
 * --json, the same counts next to the results. */
static void summary(struct trigger *t)
{
  int patched = t->nsucceeded, skipped = t->nskipped, failed = t->nfailed;

  if (t->json) {
    json_object *o = json_object_new_object(), *c = json_object_new_object();
    json_object_object_add(c, "patched", json_object_new_int(patched));
    json_object_object_add(c, "skipped", json_object_new_int(skipped));
    json_object_object_add(c, "failed", json_object_new_int(failed));
    json_object_object_add(o, "results", t->results);
    json_object_object_add(o, "summary", c);
    printf("%s\n",
           json_object_to_json_string_ext(
               o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return;
  }
  if (t->explicit_pid || t->quiet || t->no_summary)
    return;
  printf("%d patched, %d skipped, %d failed\n", patched, skipped, failed);
}

int cmd_trigger(int argc, char **argv)
{
  static const struct option opts[] = {
      {"process", required_argument, 0, 'p'},
      {"revert-all", required_argument, 0, 'A'},
      /* libpulp's spellings (docs/coming-from-libpulp.md) */
      {"revert", no_argument, 0, 'V'},
      {"root", required_argument, 0, 'R'},
      {"recursive", no_argument, 0, 'D'},
      {"quiet", no_argument, 0, 'q'},
      {"user", required_argument, 0, 'u'},
      {"disable-summarization", no_argument, 0, 'Z'},
      {"disable-threading", no_argument, 0, 'N'},
      {"disable-seccomp", no_argument, 0, 'C'},
      {"check-stack", no_argument, 0, 'c'},
      {"retries", required_argument, 0, 'r'},
      {"timeout", required_argument, 0, 't'},
      {"tid", required_argument, 0, 'T'},
      {"verbose", no_argument, 0, 'v'},
      {"json", no_argument, 0, 'j'},
      {"require-signature", no_argument, 0, 'S'},
      {"keys", required_argument, 0, 'K'},
      {"consistency", required_argument, 0, 'M'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  struct trigger t = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct pulp_err e = {0};
  struct patch_files_opts po = {0};
  const char *user = NULL, *consistency = getenv("PULP_CONSISTENCY");
  int c, status = ULP_EXIT_OK, one_thread = 0, seccomp = 0;

  if (consistency && !*consistency)
    consistency = NULL; /* PULP_CONSISTENCY= is unset */

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:r:R:u:qvch", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      t.pattern = optarg;
      break;
    case 'A':
      t.revert_all = optarg;
      break;
    case 'V':
      t.revert = 1;
      po.want = ULP_KIND_REVERT;
      break;
    case 'R':
      po.root = optarg;
      break;
    case 'D':
      po.recursive = 1;
      break;
    case 'q':
      t.quiet = 1;
      break;
    case 'u':
      user = optarg;
      break;
    case 'Z':
      t.no_summary = 1;
      break;
    case 'N':
      one_thread = 1;
      break;
    case 'C':
      seccomp = 1;
      break;
    case 'c': /* Pulp always unwinds every thread (docs/apply-protocol.md) */
      break;
    case 'r':
      t.hopts.retries = (unsigned)atoi(optarg);
      break;
    case 't':
      t.hopts.timeout_ms = (unsigned)(atof(optarg) * 1000);
      break;
    case 'T':
      t.hopts.tid = (pid_t)atoi(optarg);
      break;
    case 'v':
      t.verbose = 1;
      break;
    case 'S':
      t.vopts.require = 1;
      break;
    case 'K':
      t.vopts.keys_dir = optarg;
      break;
    case 'j':
      t.json = 1;
      break;
    case 'M':
      consistency = optarg; /* the option wins over the environment */
      break;
    case 'h':
      usage(stdout);
      return ULP_EXIT_OK;
    default:
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if ((optind == argc && !t.revert_all) || (t.revert && t.revert_all) ||
      (t.revert_all && !strcmp(t.revert_all, "target") && optind == argc)) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (consistency_mode(consistency, &t.hopts)) {
    ulp_error(CMD,
              "--consistency (or PULP_CONSISTENCY): '%s' is neither 'patch' "
              "nor 'function'",
              consistency);
    return ULP_EXIT_USAGE;
  }
  t.hopts.suspend_seccomp = seccomp;
  po.verbose = t.verbose;
  if (patch_files_load(argv + optind, (size_t)(argc - optind), &po, &t.pf,
                       &e)) {
    ulp_error(CMD, "%s", e.msg);
    status = ULP_EXIT_USAGE;
    goto out;
  }
  t.files = t.pf.paths;
  t.patches = t.pf.patches;
  t.nfiles = t.pf.n;
  t.each = t.pf.expanded;
  if (verify_patch_files(t.files, t.patches, t.nfiles, t.revert_all, &t.vopts,
                         &t.audit, &e)) {
    ulp_error(CMD, "%s", e.msg);
    status = ULP_EXIT_USAGE;
    goto out;
  }
  if (build_request(&t)) {
    ulp_error(CMD, "too many or too long file names");
    status = ULP_EXIT_USAGE;
    goto out;
  }
  if (t.json)
    t.results = json_object_new_array();
  if (t.pattern && is_number(t.pattern)) {
    t.explicit_pid = 1;
    one_process((pid_t)atoi(t.pattern), &t);
  } else {
    target_each_process(t.pattern, collect, &t);
    if (user)
      only_user(&t, user);
    if (one_thread) /* --disable-threading: one process at a time */
      worker(&t);
    else
      each_in_parallel(&t);
  }
  summary(&t);
  if (t.nfailed)
    status = ULP_EXIT_FAILED;
  else if (!t.nsucceeded) {
    status = ULP_EXIT_NOT_APPLICABLE;
    if (!t.nmentioned)
      ulp_error(CMD, "no process has the runtime and the target loaded");
  }
out:
  patch_files_free(&t.pf);
  free(t.req);
  free(t.pids);
  audit_set_free(&t.audit);
  return status;
}
