// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"

static int vpath(const struct klp_ctx *ctx, char *buf, size_t n,
                 const char *fmt, va_list ap)
{
  size_t len = strlen(ctx->root);
  int r;

  if (len >= n)
    return -ENAMETOOLONG;
  memcpy(buf, ctx->root, len);
  r = vsnprintf(buf + len, n - len, fmt, ap);
  if (r < 0 || (size_t)r >= n - len)
    return -ENAMETOOLONG;
  return 0;
}

int klp_path(const struct klp_ctx *ctx, char *buf, size_t n, const char *fmt,
             ...)
{
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vpath(ctx, buf, n, fmt, ap);
  va_end(ap);
  return r;
}

ssize_t klp_read_file(const char *path, char *buf, size_t n)
{
  size_t len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return errno == ENODEV ? -ENOENT : -errno;
  while (len + 1 < n) {
    ssize_t r = read(fd, buf + len, n - 1 - len);

    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int err = errno;

      close(fd);
      /* A sysfs file whose kobject went away while open (a patch directory
       * removed at the end of its transition) reads ENODEV: it vanished. */
      return err == ENODEV ? -ENOENT : -err;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  return (ssize_t)len;
}

static int vread_text(const struct klp_ctx *ctx, struct klp_err *e, char *buf,
                      size_t n, const char *fmt, va_list ap)
{
  char path[KLP_PATH_MAX];
  ssize_t len;

  if (vpath(ctx, path, sizeof(path), fmt, ap) < 0)
    return klp_fail(e, 0, ENAMETOOLONG, "reading %s%s", ctx->root, fmt);
  len = klp_read_file(path, buf, n);
  if (len < 0)
    return klp_fail(e, 0, (int)-len, "reading %s", path);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
    buf[--len] = '\0';
  return 0;
}

int klp_read_text(const struct klp_ctx *ctx, struct klp_err *e, char *buf,
                  size_t n, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vread_text(ctx, e, buf, n, fmt, ap);
  va_end(ap);
  return r;
}

bool klp_parse_long(const char *s, long *v)
{
  char *end;

  if (!*s)
    return false;
  errno = 0;
  *v = strtol(s, &end, 10);
  return errno == 0 && *end == '\0';
}

int klp_read_long(const struct klp_ctx *ctx, struct klp_err *e, long *v,
                  const char *fmt, ...)
{
  char buf[64], path[KLP_PATH_MAX];
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vread_text(ctx, e, buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (r < 0)
    return r;
  if (!klp_parse_long(buf, v)) {
    va_start(ap, fmt);
    vpath(ctx, path, sizeof(path), fmt, ap);
    va_end(ap);
    klp_fail(e, KLP_EXIT_ERROR, EINVAL, "reading %s", path);
    klp_why(e, "malformed contents '%.40s'", buf);
    return -EINVAL;
  }
  return 0;
}

int klp_write_text(const struct klp_ctx *ctx, struct klp_err *e,
                   const char *value, const char *fmt, ...)
{
  char path[KLP_PATH_MAX];
  size_t len = strlen(value);
  va_list ap;
  ssize_t w;
  int fd, r;

  va_start(ap, fmt);
  r = vpath(ctx, path, sizeof(path), fmt, ap);
  va_end(ap);
  if (r < 0)
    return klp_fail(e, 0, ENAMETOOLONG, "writing %s", value);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return klp_fail(e, 0, errno, "writing %s to %s", value, path);
  w = write(fd, value, len);
  if (w < 0) {
    int err = errno;

    close(fd);
    return klp_fail(e, 0, err, "writing %s to %s", value, path);
  }
  close(fd);
  return 0;
}

bool klp_exists(const struct klp_ctx *ctx, const char *fmt, ...)
{
  char path[KLP_PATH_MAX];
  struct stat st;
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vpath(ctx, path, sizeof(path), fmt, ap);
  va_end(ap);
  return r == 0 && stat(path, &st) == 0;
}

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int klp_list_dir(const struct klp_ctx *ctx, struct klp_err *e, char ***names,
                 size_t *count, const char *fmt, ...)
{
  char path[KLP_PATH_MAX];
  char **v = NULL;
  size_t n = 0, cap = 0;
  struct dirent *d;
  va_list ap;
  DIR *dir;
  int r;

  va_start(ap, fmt);
  r = vpath(ctx, path, sizeof(path), fmt, ap);
  va_end(ap);
  if (r < 0)
    return klp_fail(e, 0, ENAMETOOLONG, "listing a directory");
  dir = opendir(path);
  if (!dir)
    return klp_fail(e, 0, errno, "listing %s", path);
  while ((d = readdir(dir))) {
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
      continue;
    if (n == cap) {
      char **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

      if (!nv)
        goto oom;
      v = nv;
    }
    if (!(v[n] = strdup(d->d_name)))
      goto oom;
    n++;
  }
  closedir(dir);
  if (n)
    qsort(v, n, sizeof(*v), cmp_names);
  *names = v;
  *count = n;
  return 0;
oom:
  closedir(dir);
  klp_free_names(v, n);
  return klp_fail(e, 0, ENOMEM, "listing %s", path);
}

void klp_free_names(char **names, size_t count)
{
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
}

int klp_kernel_release(const struct klp_ctx *ctx, struct klp_err *e, char *buf,
                       size_t n)
{
  return klp_read_text(ctx, e, buf, n, "/proc/sys/kernel/osrelease");
}

void klp_copy(char *dst, size_t n, const char *src)
{
  size_t len = strnlen(src, n - 1);

  memcpy(dst, src, len);
  dst[len] = '\0';
}
