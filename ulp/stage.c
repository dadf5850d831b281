/* Staging the files of a request inside the target's root (stage.h). The
 * runtime opens the .ulp/.rev itself and dlopen()s the patch object by
 * path; glibc has no dlopen of a descriptor, and /proc (through which a
 * descriptor or another root could be named) is seldom mounted inside a
 * daemon's chroot. So the files go where the runtime can open them: a
 * fresh private directory at the top of its root, owned by its user, gone
 * when the operation ends. The runtime checks every build-id as usual. */
#define _GNU_SOURCE
#include "stage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE_PREFIX "/.pulp-stage-"

int stage_reaches(const struct proc *p, const char *path)
{
  char in[PATH_MAX + 64];

  proc_path(p, path, in, sizeof(in));
  return access(in, R_OK) == 0;
}

/* The effective uid and gid of p, for the ownership of staged files. */
static void owner(const struct proc *p, uid_t *uid, gid_t *gid)
{
  char path[64], line[256];
  unsigned long a, b;
  FILE *f;

  *uid = geteuid();
  *gid = getegid();
  snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
  if (!(f = fopen(path, "re")))
    return;
  while (fgets(line, sizeof(line), f)) {
    if (sscanf(line, "Uid: %lu %lu", &a, &b) == 2)
      *uid = (uid_t)b;
    if (sscanf(line, "Gid: %lu %lu", &a, &b) == 2)
      *gid = (gid_t)b;
  }
  fclose(f);
}

/* Writes len bytes of buf (or copies the file src when buf is NULL) to the
 * new file dst, readable by its owner only. */
static int put_file(const char *dst, const char *src, const void *buf,
                    size_t len, uid_t uid, gid_t gid, struct pulp_err *e)
{
  char chunk[65536];
  int in = -1, out, rc = 0;

  if (!buf && (in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
    return err_sys(e, -errno, "opening %s", src);
  out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (out < 0) {
    rc = err_sys(e, -errno, "creating %s", dst);
    goto done;
  }
  for (;;) {
    ssize_t n = buf ? (ssize_t)len : read(in, chunk, sizeof(chunk));
    const char *from = buf ? buf : chunk;
    if (n < 0) {
      rc = err_sys(e, -errno, "reading %s", src);
      break;
    }
    if (n == 0)
      break;
    for (ssize_t off = 0; off < n && !rc;) {
      ssize_t w = write(out, from + off, (size_t)(n - off));
      if (w < 0)
        rc = err_sys(e, -errno, "writing %s", dst);
      else
        off += w;
    }
    if (rc || buf)
      break;
  }
  if (!rc && fchown(out, uid, gid) != 0 && errno != EPERM)
    rc = err_sys(e, -errno, "chown %s", dst);
  close(out);
done:
  if (in >= 0)
    close(in);
  return rc;
}

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Appends "<kind><text>\0" to the request. */
static int add_item(struct stage *s, char kind, const char *text)
{
  size_t n = strlen(text) + 2;
  uint8_t *r = realloc(s->req, s->len + n);

  if (!r)
    return -ENOMEM;
  r[s->len] = (uint8_t)kind;
  memcpy(r + s->len + 1, text, n - 1);
  s->req = r;
  s->len += n;
  return 0;
}

/* Copies files[i] (and its patch object) into the staging directory and
 * sets *inside to the staged request path, as p sees it. */
static int stage_one(const struct proc *p, struct stage *s, size_t i,
                     const char *file, const struct ulp_patch *u, uid_t uid,
                     gid_t gid, char *inside, size_t max, struct pulp_err *e)
{
  const char *root_dir = s->dir + strlen(p->root);
  char dst[2 * PATH_MAX + 64], obj[PATH_MAX];
  struct ulp_patch copy = *u;
  uint8_t *buf;
  size_t len;
  int rc;

  snprintf(inside, max, "%s/%zu-%s", root_dir, i, base_name(file));
  /* A container is its own patch object: one copy serves both. */
  if (u->kind != ULP_KIND_APPLY || stage_reaches(p, u->patch_path) ||
      !strcmp(u->patch_path, file)) {
    snprintf(dst, sizeof(dst), "%s%s", p->root, inside);
    return put_file(dst, file, NULL, 0, uid, gid, e);
  }
  snprintf(obj, sizeof(obj), "%s/%zu-%s", root_dir, i,
           base_name(u->patch_path));
  snprintf(dst, sizeof(dst), "%s%s", p->root, obj);
  if ((rc = put_file(dst, u->patch_path, NULL, 0, uid, gid, e)))
    return rc;
  copy.patch_path = obj; /* the .ulp names its staged object */
  if ((rc = ulp_encode(&copy, &buf, &len, e)))
    return rc;
  snprintf(dst, sizeof(dst), "%s%s", p->root, inside);
  rc = put_file(dst, NULL, buf, len, uid, gid, e);
  free(buf);
  return rc;
}

int stage_request(const struct proc *p, const char *revert_all, char item,
                  char *const *files, const struct ulp_patch *patches, size_t n,
                  struct stage *s, struct pulp_err *e)
{
  int need = 0, rc = 0;
  const char *missing = NULL; /* the first file it cannot open */
  uid_t uid;
  gid_t gid;

  memset(s, 0, sizeof(*s));
  for (size_t i = 0; i < n && !need; i++) {
    if (!stage_reaches(p, files[i]))
      missing = files[i];
    else if (patches[i].kind == ULP_KIND_APPLY &&
             !stage_reaches(p, patches[i].patch_path))
      missing = patches[i].patch_path;
    need = missing != NULL;
  }
  if (!need)
    return 0;
  owner(p, &uid, &gid);
  snprintf(s->dir, sizeof(s->dir), "%s" STAGE_PREFIX "XXXXXX", p->root);
  if (!mkdtemp(s->dir)) {
    /* Say why staging was needed: a path that exists only where the
     * tool runs (its own mount namespace, a chroot of the target). */
    rc = err_sys(e, -errno,
                 "%s exists only in this tool's mount namespace (the "
                 "process does not see it) and cannot be copied into the "
                 "process's root: creating %s",
                 missing, s->dir + strlen(p->root));
    s->dir[0] = '\0';
    return rc;
  }
  if (chown(s->dir, uid, gid) != 0 && errno != EPERM) {
    rc = err_sys(e, -errno, "chown %s", s->dir);
    goto fail;
  }
  int per_file = revert_all && !strcmp(revert_all, "target");
  if (revert_all && !per_file && (rc = add_item(s, 'L', revert_all)))
    goto oom;
  for (size_t i = 0; i < n; i++) {
    char inside[PATH_MAX];
    if (per_file && (rc = add_item(s, 'L', patches[i].target)))
      goto oom;
    if (stage_reaches(p, files[i]) &&
        (patches[i].kind != ULP_KIND_APPLY ||
         stage_reaches(p, patches[i].patch_path))) {
      rc = add_item(s, item, files[i]);
    } else {
      rc = stage_one(p, s, i, files[i], &patches[i], uid, gid, inside,
                     sizeof(inside), e);
      if (rc)
        goto fail;
      rc = add_item(s, item, inside);
    }
    if (rc)
      goto oom;
  }
  return 0;
oom:
  rc = err_set(e, -ENOMEM, "out of memory");
fail:
  stage_release(s);
  return rc;
}

void stage_release(struct stage *s)
{
  DIR *d;
  struct dirent *de;

  if (s->dir[0] && (d = opendir(s->dir))) {
    while ((de = readdir(d)))
      if (de->d_name[0] != '.')
        unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
    rmdir(s->dir);
  }
  free(s->req);
  memset(s, 0, sizeof(*s));
}
