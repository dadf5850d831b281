/* Expanding trigger's file arguments (patchfiles.h). */
#define _GNU_SOURCE
#include "patchfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/libpulp_container.h"

static int add(struct patch_files *pf, const char *path, struct ulp_patch *u)
{
  char real[PATH_MAX];

  if (pf->n == pf->cap) {
    size_t cap = pf->cap ? 2 * pf->cap : 8;
    char **p = realloc(pf->paths, (cap + 1) * sizeof(*p));
    if (!p)
      return -ENOMEM;
    pf->paths = p;
    struct ulp_patch *q = realloc(pf->patches, (cap + 1) * sizeof(*q));
    if (!q)
      return -ENOMEM;
    pf->patches = q;
    pf->cap = cap;
  }
  pf->paths[pf->n] = strdup(realpath(path, real) ? real : path);
  if (!pf->paths[pf->n])
    return -ENOMEM;
  pf->patches[pf->n++] = *u;
  return 0;
}

/* -R: a .ulp names its patch object as installed; the processes open it
 * under the prefix. The .ulp handed to them is re-encoded to say so. */
static int reroot(const struct patch_files_opts *o, struct patch_files *pf,
                  const char *path, struct ulp_patch *u, char *out, size_t max,
                  struct pulp_err *e)
{
  char obj[PATH_MAX];
  const char *base = strrchr(path, '/');
  struct ulp_patch copy = *u;
  uint8_t *buf;
  size_t len;
  int fd, rc;

  snprintf(out, max, "%s", path);
  if (!o->root || u->kind != ULP_KIND_APPLY || u->patch_path[0] != '/' ||
      !strcmp(u->patch_path, path))
    return 0; /* a revert, or a container: its own object */
  if (snprintf(obj, sizeof(obj), "%s%s", o->root, u->patch_path) >=
      (int)sizeof(obj))
    return err_set(e, -ENAMETOOLONG, "%s: path too long under %s", path,
                   o->root);
  if (!pf->tmpdir[0]) {
    snprintf(pf->tmpdir, sizeof(pf->tmpdir), "/tmp/pulp-root-XXXXXX");
    if (!mkdtemp(pf->tmpdir)) {
      pf->tmpdir[0] = '\0';
      return err_sys(e, -errno, "creating a directory in /tmp");
    }
    chmod(pf->tmpdir, 0755); /* the processes' users read the .ulp */
  }
  copy.patch_path = obj;
  if ((rc = ulp_encode(&copy, &buf, &len, e)))
    return rc;
  if (snprintf(out, max, "%s/%zu-%s", pf->tmpdir, pf->n,
               base ? base + 1 : path) >= (int)max) {
    free(buf);
    return err_set(e, -ENAMETOOLONG, "%s: path too long", path);
  }
  fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
    rc = err_sys(e, fd < 0 ? -errno : -EIO, "writing %s", out);
  if (fd >= 0)
    close(fd);
  free(buf);
  if (!rc) {
    char *p = strdup(obj);
    if (!p)
      return -ENOMEM;
    free(u->patch_path);
    u->patch_path = p;
  }
  return rc;
}

/* Reads path into the list. With quiet_skip (a directory's or a glob's
 * entry), a file that is not a patch is passed over: sets *taken to 0. */
static int take(const struct patch_files_opts *o, struct patch_files *pf,
                const char *path, int quiet_skip, int *taken,
                struct pulp_err *e)
{
  struct ulp_patch u;
  char sent[PATH_MAX];
  const char *dot = strrchr(path, '/');
  int container = 0, rc;

  dot = strrchr(dot ? dot : path, '.');
  *taken = 0;
  if (quiet_skip) {
    /* A directory of packaged patches holds .ulp, .rev and the patch
     * objects: apply the .ulp files and the containers. */
    int ulp = dot && !strcmp(dot, ".ulp");
    int so = strstr(path, ".so") != NULL;
    if (!ulp && !so)
      return 0;
  }
  rc = ulp_read_file_ex(path, o->want, &u, &container, e);
  if (rc && quiet_skip && !strstr(path, ".ulp") &&
      (strstr(e->msg, "not a patch container") ||
       strstr(e->msg, "are not patch containers"))) {
    /* an ordinary shared object (a patch object next to its .ulp) */
    if (o->verbose)
      printf("%s: not a patch, passed over\n", path);
    e->msg[0] = '\0';
    return 0;
  }
  if (rc)
    return rc;
  if ((rc = reroot(o, pf, path, &u, sent, sizeof(sent), e)) ||
      (rc = add(pf, sent, &u))) {
    ulp_free(&u);
    return rc == -ENOMEM ? err_set(e, rc, "out of memory") : rc;
  }
  *taken = 1;
  return 0;
}

static int filter_hidden(const struct dirent *d)
{
  return d->d_name[0] != '.';
}

static int scan(const struct patch_files_opts *o, struct patch_files *pf,
                const char *dir, int *found, struct pulp_err *e)
{
  struct dirent **names;
  int n = scandir(dir, &names, filter_hidden, alphasort), rc = 0;

  if (n < 0)
    return err_sys(e, -errno, "%s", dir);
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX];
    struct stat st;
    int taken;
    if (!rc &&
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) <
            (int)sizeof(path) &&
        stat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        if (o->recursive)
          rc = scan(o, pf, path, found, e);
      } else if (S_ISREG(st.st_mode)) {
        rc = take(o, pf, path, 1, &taken, e);
        *found += taken;
      }
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* One argument: a file, a directory, or a glob over either. */
static int one_arg(const struct patch_files_opts *o, struct patch_files *pf,
                   const char *arg, struct pulp_err *e)
{
  char path[PATH_MAX];
  struct stat st;
  glob_t g;
  int found = 0, rc = 0, taken;

  if (o->root && arg[0] == '/')
    snprintf(path, sizeof(path), "%s%s", o->root, arg);
  else
    snprintf(path, sizeof(path), "%s", arg);
  if (strpbrk(path, "*?[") && stat(path, &st) != 0) {
    pf->expanded = 1;
    if (glob(path, 0, NULL, &g) != 0)
      return err_set(e, -ENOENT, "%s: no file matches", path);
    for (size_t i = 0; !rc && i < g.gl_pathc; i++) {
      if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = scan(o, pf, g.gl_pathv[i], &found, e);
      } else {
        rc = take(o, pf, g.gl_pathv[i], 1, &taken, e);
        found += taken;
      }
    }
    globfree(&g);
  } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    pf->expanded = 1;
    rc = scan(o, pf, path, &found, e);
  } else {
    return take(o, pf, path, 0, &taken, e);
  }
  if (!rc && !found)
    rc = err_set(e, -ENOENT, "%s: no patch (.ulp file or patch container)%s",
                 path, o->recursive ? "" : " (--recursive descends)");
  return rc;
}

int patch_files_load(char *const *args, size_t nargs,
                     const struct patch_files_opts *o, struct patch_files *pf,
                     struct pulp_err *e)
{
  int rc = 0;

  memset(pf, 0, sizeof(*pf));
  for (size_t i = 0; !rc && i < nargs; i++)
    rc = one_arg(o, pf, args[i], e);
  return rc;
}

void patch_files_free(struct patch_files *pf)
{
  for (size_t i = 0; i < pf->n; i++) {
    free(pf->paths[i]);
    ulp_free(&pf->patches[i]);
  }
  free(pf->paths);
  free(pf->patches);
  if (pf->tmpdir[0]) {
    DIR *d = opendir(pf->tmpdir);
    struct dirent *de;
    while (d && (de = readdir(d)))
      if (de->d_name[0] != '.')
        unlinkat(dirfd(d), de->d_name, 0);
    if (d)
      closedir(d);
    rmdir(pf->tmpdir);
  }
  memset(pf, 0, sizeof(*pf));
}
