/* ulp install / ulp uninstall: the patch store (docs/patch-store.md).
 * install copies a patch into the store, where the runtime of every process
 * started later finds it, and applies it to the running processes; the
 * runtime also applies it to a library loaded later by dlopen. uninstall
 * takes it out of the store first (no new process gets it), then reverts it
 * in the running processes and removes its files.
 *
 * An entry is three files named SEQ-NAME: .ulp (patch_path rewritten to the
 * store's copy of the patch object), .so (that copy) and .rev. SEQ is the
 * install order, which the runtime follows: a patch that depends on another
 * is installed after it. Only the .ulp is read by the runtime; it is renamed
 * into place last, so a reader never sees a half-written entry. Running
 * processes are patched by `ulp trigger` itself (this binary run again),
 * with all its checks. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "core/elf_file.h"
#include "core/store_dir.h"
#include "core/ulp_format.h"

struct entry {
  unsigned seq;
  char base[NAME_MAX + 1]; /* "SEQ-NAME" */
  struct ulp_patch u;
};

struct store {
  const char *dir;
  struct entry *v;
  size_t n;
};

static int has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n > m && !strcmp(s + n - m, suf);
}

static void store_free(struct store *s)
{
  for (size_t i = 0; i < s->n; i++)
    ulp_free(&s->v[i].u);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

/* Reads every entry (unreadable ones are listed with an empty patch). */
static int store_load(struct store *s, struct pulp_err *e)
{
  struct dirent **ents;
  int n;

  s->dir = pulp_store_dir();
  s->v = NULL;
  s->n = 0;
  n = scandir(s->dir, &ents, NULL, alphasort);
  if (n < 0) {
    if (errno == ENOENT)
      return 0;
    return err_sys(e, -errno, "reading the store %s", s->dir);
  }
  for (int i = 0; i < n; i++) {
    const char *f = ents[i]->d_name;
    unsigned seq;
    struct entry *v;
    if (has_suffix(f, ".ulp") && sscanf(f, "%u-", &seq) == 1 &&
        (v = realloc(s->v, (s->n + 1) * sizeof(*v)))) {
      char path[PATH_MAX];
      struct pulp_err ignored = {0};
      struct entry *en = &v[s->n++];
      s->v = v;
      memset(en, 0, sizeof(*en));
      en->seq = seq;
      snprintf(en->base, sizeof(en->base), "%.*s", (int)(strlen(f) - 4), f);
      snprintf(path, sizeof(path), "%s/%s", s->dir, f);
      if (ulp_read_file(path, &en->u, &ignored))
        memset(&en->u, 0, sizeof(en->u));
    }
    free(ents[i]);
  }
  free(ents);
  return 0;
}

static int mkdirs(const char *dir, struct pulp_err *e)
{
  char p[PATH_MAX];

  snprintf(p, sizeof(p), "%s", dir);
  for (char *q = p + 1; *q; q++)
    if (*q == '/') {
      *q = '\0';
      if (mkdir(p, 0755) && errno != EEXIST)
        return err_sys(e, -errno, "creating %s", p);
      *q = '/';
    }
  if (mkdir(p, 0755) && errno != EEXIST)
    return err_sys(e, -errno, "creating %s", p);
  return 0;
}

/* Writes buf (or a copy of the file src) to path.tmp, then renames it. */
static int put(const char *path, const char *src, const void *buf, size_t len,
               struct pulp_err *e)
{
  char tmp[PATH_MAX + 8], chunk[65536];
  int in = -1, out, rc = 0;
  ssize_t n;

  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  if (src && (in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
    return err_sys(e, -errno, "opening %s", src);
  out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    rc = err_sys(e, -errno, "creating %s", tmp);
    goto done;
  }
  if (!src && write(out, buf, len) != (ssize_t)len)
    rc = err_sys(e, -EIO, "writing %s", tmp);
  while (src && !rc && (n = read(in, chunk, sizeof(chunk))) != 0)
    if (n < 0 || write(out, chunk, (size_t)n) != n)
      rc = err_sys(e, -EIO, "copying %s to %s", src, tmp);
  if (fchmod(out, 0644) || fsync(out) || close(out))
    rc = rc ? rc : err_sys(e, -errno, "writing %s", tmp);
  if (!rc && rename(tmp, path))
    rc = err_sys(e, -errno, "renaming %s", tmp);
  if (rc)
    unlink(tmp);
done:
  if (in >= 0)
    close(in);
  return rc;
}

static int put_encoded(const char *path, const struct ulp_patch *u,
                       struct pulp_err *e)
{
  uint8_t *buf;
  size_t len;
  int rc = ulp_encode(u, &buf, &len, e);

  if (!rc) {
    rc = put(path, NULL, buf, len, e);
    free(buf);
  }
  return rc;
}

static int valid_name(const char *s)
{
  if (!s || !*s || *s == '.' || strlen(s) > 200)
    return 0;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789._+-",
                *s))
      return 0;
  return 1;
}

static int same_build(const struct ulp_patch *a, const struct ulp_patch *b)
{
  return a->patch_build_id_len &&
         a->patch_build_id_len == b->patch_build_id_len &&
         !memcmp(a->patch_build_id, b->patch_build_id, a->patch_build_id_len);
}

/* The patch object is the one the patch was packed with. */
static int check_object(const struct ulp_patch *u, struct pulp_err *e)
{
  struct elf_file *f;
  uint8_t id[ULP_BUILD_ID_MAX];
  size_t n;
  int rc = elf_file_open(u->patch_path, 0, &f, e);

  if (rc)
    return err_ctx(e, "%s: patch object", u->name);
  n = elf_file_build_id(f, id, sizeof(id));
  elf_file_close(f);
  if (n != u->patch_build_id_len || memcmp(id, u->patch_build_id, n))
    return err_set(e, -ESTALE,
                   "%s: %s is not the patch object this patch was packed "
                   "with (build-id differs)",
                   u->name, u->patch_path);
  return 0;
}

/* Runs this ulp again: `ulp trigger ARGS...`. Returns its exit status. */
static int run_trigger(const char *arg, int quiet)
{
  int status;
  pid_t pid = fork();

  if (pid == 0) {
    if (quiet) {
      int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0)
        dup2(fd, STDOUT_FILENO);
    }
    execl("/proc/self/exe", "ulp", "trigger", arg, (char *)NULL);
    _exit(127);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return ULP_EXIT_FAILED;
  return WIFEXITED(status) ? WEXITSTATUS(status) : ULP_EXIT_FAILED;
}

static int install_one(const char *file, int apply, int quiet,
                       struct pulp_err *e)
{
  struct store s;
  struct ulp_patch u, rev;
  char base[PATH_MAX], path[PATH_MAX + 8], obj[PATH_MAX + 8];
  unsigned seq = 1;
  int rc, trc;

  if ((rc = ulp_read_file(file, &u, e)))
    return rc;
  if (u.kind != ULP_KIND_APPLY) {
    ulp_free(&u);
    return err_set(e, -EINVAL, "%s: not a patch (a .rev cannot be installed)",
                   file);
  }
  if (!valid_name(u.name)) {
    rc = err_set(e, -EINVAL, "%s: patch name '%s' cannot name a store entry",
                 file, u.name);
    goto out_u;
  }
  if ((rc = check_object(&u, e)) ||
      (rc = ulp_read_file_kind(file, ULP_KIND_REVERT, &rev, e)))
    goto out_u;
  if ((rc = store_load(&s, e)))
    goto out_rev;
  for (size_t i = 0; i < s.n; i++) {
    const char *dash = strchr(s.v[i].base, '-');
    if (s.v[i].seq >= seq)
      seq = s.v[i].seq + 1;
    if (same_build(&s.v[i].u, &u)) {
      if (!quiet)
        printf("%s: already installed as %s/%s.ulp\n", u.name, s.dir,
               s.v[i].base);
      snprintf(base, sizeof(base), "%s/%s", s.dir, s.v[i].base);
      goto trigger;
    }
    if (dash && !strcmp(dash + 1, u.name)) {
      rc = err_set(e, -EEXIST,
                   "%s: another patch named %s is installed (ulp uninstall "
                   "%s first)",
                   file, u.name, u.name);
      goto out_store;
    }
  }
  if ((rc = mkdirs(s.dir, e)))
    goto out_store;
  snprintf(base, sizeof(base), "%s/%08u-%s", s.dir, seq, u.name);
  snprintf(obj, sizeof(obj), "%s.so", base);
  snprintf(path, sizeof(path), "%s.rev", base);
  if ((rc = put(obj, u.patch_path, NULL, 0, e)) ||
      (rc = put_encoded(path, &rev, e)))
    goto out_store;
  free(u.patch_path);
  u.patch_path = strdup(obj);
  snprintf(path, sizeof(path), "%s.ulp", base);
  if (!u.patch_path) {
    rc = err_set(e, -ENOMEM, "out of memory");
    goto out_store;
  }
  if ((rc = put_encoded(path, &u, e)))
    goto out_store;
  if (!quiet)
    printf("%s: installed as %s\n", u.name, path);
trigger:
  snprintf(path, sizeof(path), "%s.ulp", base);
  if (apply) {
    trc = run_trigger(path, quiet);
    /* 3: no running process has the target; new ones will get it. */
    if (trc != ULP_EXIT_OK && trc != ULP_EXIT_NOT_APPLICABLE)
      rc = err_set(e, -EAGAIN,
                   "%s: installed, but applying it to running processes "
                   "failed (ulp trigger exited %d)",
                   u.name, trc);
  }
out_store:
  store_free(&s);
out_rev:
  ulp_free(&rev);
out_u:
  ulp_free(&u);
  return rc;
}

/* The entry that arg names: an installed patch's name, the store's file,
 * or a patch file with the same patch build-id. */
static struct entry *find(struct store *s, const char *arg)
{
  struct ulp_patch u;
  struct pulp_err e = {0};
  struct entry *hit = NULL;

  for (size_t i = 0; i < s->n; i++) {
    const char *dash = strchr(s->v[i].base, '-');
    if ((dash && !strcmp(dash + 1, arg)) || !strcmp(s->v[i].base, arg))
      return &s->v[i];
  }
  if (access(arg, R_OK) != 0 || ulp_read_file(arg, &u, &e))
    return NULL;
  for (size_t i = 0; i < s->n && !hit; i++)
    if (same_build(&s->v[i].u, &u))
      hit = &s->v[i];
  ulp_free(&u);
  return hit;
}

static int uninstall_one(const char *arg, int revert, int quiet,
                         struct pulp_err *e)
{
  struct store s;
  struct entry *en;
  char ulp[PATH_MAX + 8], off[PATH_MAX + 16], path[PATH_MAX + 8];
  int rc, trc;

  if ((rc = store_load(&s, e)))
    return rc;
  if (!(en = find(&s, arg))) {
    rc = err_set(e, -ENOENT, "%s: not installed in %s", arg, s.dir);
    goto out;
  }
  /* Out of the store first: a process starting from now on does not get
   * it, so none can be left patched behind the revert. */
  snprintf(ulp, sizeof(ulp), "%s/%s.ulp", s.dir, en->base);
  snprintf(off, sizeof(off), "%s/%s.ulp.removing", s.dir, en->base);
  if (rename(ulp, off)) {
    rc = err_sys(e, -errno, "taking %s out of the store", ulp);
    goto out;
  }
  snprintf(path, sizeof(path), "%s/%s.rev", s.dir, en->base);
  if (revert) {
    trc = run_trigger(path, quiet);
    if (trc != ULP_EXIT_OK && trc != ULP_EXIT_NOT_APPLICABLE) {
      rename(off, ulp); /* still applied somewhere: keep it installed */
      rc = err_set(e, -EAGAIN,
                   "%s: reverting it in running processes failed (ulp "
                   "trigger exited %d); it stays installed",
                   arg, trc);
      goto out;
    }
  }
  unlink(off);
  unlink(path);
  snprintf(path, sizeof(path), "%s/%s.so", s.dir, en->base);
  unlink(path);
  if (!quiet)
    printf("%s: uninstalled\n", en->base);
out:
  store_free(&s);
  return rc;
}

static int list(void)
{
  struct store s;
  struct pulp_err e = {0};

  if (store_load(&s, &e)) {
    ulp_error("install", "%s", e.msg);
    return ULP_EXIT_FAILED;
  }
  printf("store %s: %zu patch%s\n", s.dir, s.n, s.n == 1 ? "" : "es");
  for (size_t i = 0; i < s.n; i++)
    if (s.v[i].u.name)
      printf("  %s: %s on %s\n", s.v[i].base, s.v[i].u.name, s.v[i].u.target);
    else
      printf("  %s: unreadable (skipped by the runtime)\n", s.v[i].base);
  store_free(&s);
  return ULP_EXIT_OK;
}

static int run(const char *cmd, int argc, char **argv)
{
  static const struct option opts[] = {
      {"no-apply", no_argument, 0, 'n'}, {"no-revert", no_argument, 0, 'n'},
      {"list", no_argument, 0, 'l'},     {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},     {0, 0, 0, 0}};
  int install = !strcmp(cmd, "install");
  int c, live = 1, quiet = 0, status = ULP_EXIT_OK;

  optind = 1;
  while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      live = 0;
      break;
    case 'l':
      return list();
    case 'q':
      quiet = 1;
      break;
    case 'h':
    default:
      fprintf(c == 'h' ? stdout : stderr,
              install ? "Usage: ulp install [--no-apply] [-q] FILE...\n"
                        "       ulp install --list\n"
                        "Puts patches in the store %s (new processes and "
                        "libraries loaded later get them)\nand applies them "
                        "to running processes. See ulp(1).\n"
                      : "Usage: ulp uninstall [--no-revert] [-q] "
                        "NAME|FILE...\nTakes patches out of the store %s and "
                        "reverts them in running processes.\n",
              pulp_store_dir());
      return c == 'h' ? ULP_EXIT_OK : ULP_EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    ulp_error(cmd, "no patch given (see 'ulp %s --help')", cmd);
    return ULP_EXIT_USAGE;
  }
  for (int i = optind; i < argc; i++) {
    struct pulp_err e = {0};
    int rc = install ? install_one(argv[i], live, quiet, &e)
                     : uninstall_one(argv[i], live, quiet, &e);
    if (rc) {
      ulp_error(cmd, "%s", e.msg);
      status = rc == -EINVAL || rc == -EBADMSG || rc == -ENOENT ||
                       rc == -EEXIST || rc == -ESTALE
                   ? ULP_EXIT_USAGE
                   : ULP_EXIT_FAILED;
    }
  }
  return status;
}

int cmd_install(int argc, char **argv)
{
  return run("install", argc, argv);
}

int cmd_uninstall(int argc, char **argv)
{
  return run("uninstall", argc, argv);
}
