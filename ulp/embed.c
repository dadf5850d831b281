/* embed_section (embed.h). The file keeps its layout: the bytes of the
 * original stay where they are; appended after them come the section name
 * table (grown by the new name; it is not loaded, so it may move), the new
 * section's data and a new section header table. The ELF header gets the
 * new table's offset and count. Plain byte writes in the file's byte order
 * (both orders: packagers cross-build), no relayout by a library. */
#define _GNU_SOURCE
#include "embed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/libpulp_container.h"
#include "core/regular_file.h"

#define SHDR_LEN 64

struct img {
  uint8_t *b;
  size_t len, cap;
  int be;
};

static uint64_t get(const struct img *m, size_t off, int n)
{
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v |= (uint64_t)m->b[off + (size_t)(m->be ? n - 1 - i : i)] << (8 * i);
  return v;
}

static void set(struct img *m, size_t off, uint64_t v, int n)
{
  for (int i = 0; i < n; i++)
    m->b[off + (size_t)(m->be ? n - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* Appends n bytes (zeros when d is NULL) at the 8-aligned end; returns
 * their offset. */
static size_t append(struct img *m, const void *d, size_t n)
{
  size_t at = (m->len + 7) & ~(size_t)7;
  memset(m->b + m->len, 0, at - m->len);
  if (d)
    memcpy(m->b + at, d, n);
  else
    memset(m->b + at, 0, n);
  m->len = at + n;
  return at;
}

static int read_all(const char *path, struct img *m, size_t extra, mode_t *mode,
                    struct pulp_err *e)
{
  int fd = open_regular(path, O_RDONLY);
  struct stat st;
  size_t got = 0;

  if (fd == -EINVAL)
    return err_set(e, -EINVAL, "%s: not a regular file", path);
  if (fd < 0) {
    errno = -fd;
    return err_sys(e, fd, "%s", path);
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return err_set(e, -EINVAL, "%s: not a regular file", path);
  }
  *mode = st.st_mode & 0777;
  m->cap = (size_t)st.st_size + extra;
  if (!(m->b = malloc(m->cap))) {
    close(fd);
    return err_set(e, -ENOMEM, "out of memory");
  }
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, m->b + got, (size_t)st.st_size - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  m->len = got;
  return got == (size_t)st.st_size ? 0 : err_sys(e, -EIO, "reading %s", path);
}

static int write_all(const char *dst, const struct img *m, mode_t mode,
                     struct pulp_err *e)
{
  char tmp[4096];
  int fd, rc = 0;

  snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return err_sys(e, -errno, "%s", tmp);
  for (size_t off = 0; off < m->len && !rc;) {
    ssize_t w = write(fd, m->b + off, m->len - off);
    if (w <= 0)
      rc = err_sys(e, -EIO, "writing %s", tmp);
    else
      off += (size_t)w;
  }
  if (close(fd) != 0 && !rc)
    rc = err_sys(e, -errno, "writing %s", tmp);
  if (!rc && rename(tmp, dst) != 0)
    rc = err_sys(e, -errno, "%s", dst);
  if (rc)
    remove(tmp);
  return rc;
}

int embed_section(const char *src, const char *dst, const char *name,
                  const uint8_t *data, size_t len, struct pulp_err *e)
{
  struct img m = {0};
  struct ulp_patch probe;
  size_t shoff, shnum, shstrndx, strs, strs_off, strs_size, nl;
  size_t old = 0, tab, extra;
  mode_t mode = 0644;
  int rc;

  nl = strlen(name) + 1;
  if ((rc = read_all(src, &m, 0, &mode, e)))
    goto out;
  if (m.len < 64 || memcmp(m.b, "\177ELF", 4) || m.b[4] != 2 ||
      (m.b[5] != 1 && m.b[5] != 2)) {
    rc = err_set(e, -ENOEXEC, "%s: not a 64-bit ELF file", src);
    goto out;
  }
  m.be = m.b[5] == 2;
  shoff = (size_t)get(&m, 40, 8);
  shnum = (size_t)get(&m, 60, 2);
  shstrndx = (size_t)get(&m, 62, 2);
  if (get(&m, 58, 2) != SHDR_LEN || shnum == 0 || shnum >= 0xff00 ||
      shstrndx >= shnum || shoff > m.len || shnum * SHDR_LEN > m.len - shoff) {
    rc = err_set(e, -ENOEXEC, "%s: unusual section header table", src);
    goto out;
  }
  strs = shoff + shstrndx * SHDR_LEN;
  strs_off = (size_t)get(&m, strs + 24, 8);
  strs_size = (size_t)get(&m, strs + 32, 8);
  if (strs_off > m.len || strs_size > m.len - strs_off) {
    rc = err_set(e, -ENOEXEC, "%s: section names outside the file", src);
    goto out;
  }
  /* Replacing: the old section is kept as dead bytes, its entry reused. */
  for (size_t i = 1; i < shnum; i++) {
    size_t nm = (size_t)get(&m, shoff + i * SHDR_LEN, 4);
    if (nm < strs_size && strs_size - nm >= nl &&
        !memcmp(m.b + strs_off + nm, name, nl))
      old = i;
  }
  extra = strs_size + nl + len + (shnum + 1) * SHDR_LEN + 32;
  {
    uint8_t *nb = realloc(m.b, m.len + extra);
    if (!nb) {
      rc = err_set(e, -ENOMEM, "out of memory");
      goto out;
    }
    m.b = nb;
  }
  if (!old) {
    size_t at = append(&m, m.b + strs_off, strs_size);
    memcpy(m.b + at + strs_size, name, nl);
    m.len += nl;
    set(&m, strs + 24, at, 8); /* in the old table, copied below */
    set(&m, strs + 32, strs_size + nl, 8);
  }
  {
    size_t at = append(&m, data, len);
    size_t n = shnum + (old ? 0 : 1), ent;
    tab = append(&m, m.b + shoff, shnum * SHDR_LEN);
    if (!old) {
      m.len += SHDR_LEN;
      memset(m.b + tab + shnum * SHDR_LEN, 0, SHDR_LEN);
    }
    ent = tab + (old ? old : shnum) * SHDR_LEN;
    if (!old)
      set(&m, ent, strs_size, 4); /* sh_name */
    set(&m, ent + 4, 1, 4);       /* SHT_PROGBITS */
    set(&m, ent + 8, 0, 8);       /* not loaded */
    set(&m, ent + 16, 0, 8);
    set(&m, ent + 24, at, 8);
    set(&m, ent + 32, len, 8);
    set(&m, ent + 40, 0, 4);
    set(&m, ent + 44, 0, 4);
    set(&m, ent + 48, 1, 8);
    set(&m, ent + 56, 0, 8);
    set(&m, 40, tab, 8);
    set(&m, 60, n, 2);
  }
  /* Read it back as every reader will. */
  if ((rc = ulp_container_decode(m.b, m.len, dst, 0, &probe, NULL, e))) {
    err_ctx(e, "the written container does not read back");
    goto out;
  }
  ulp_free(&probe);
  rc = write_all(dst, &m, mode, e);
out:
  free(m.b);
  if (rc)
    err_ctx(e, "%s", dst);
  return rc;
}
