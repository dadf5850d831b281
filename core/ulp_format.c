/* Encoder and decoder of the .ulp format; see ulp_format.h and
 * docs/ulp-format.md. */
#include "ulp_format.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpulp_container.h"
#include "regular_file.h"
#include "sha256.h"

enum ulp_tag {
  TAG_KIND = 1,
  TAG_MACHINE = 2,
  TAG_NAME = 3,
  TAG_PATCH_PATH = 4,
  TAG_PATCH_BUILD_ID = 5,
  TAG_TARGET = 6,
  TAG_TARGET_BUILD_ID = 7,
  TAG_TARGET_IS_EXEC = 8,
  TAG_LABEL = 9,
  TAG_DEP = 10,
  TAG_FUNC = 11,
  TAG_REF = 12,
};

/* ---- encoding ---- */

struct wbuf {
  uint8_t *p;
  size_t len, cap;
  int oom;
};

static void put(struct wbuf *b, const void *d, size_t n)
{
  if (b->oom)
    return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    uint8_t *np;
    while (cap < b->len + n)
      cap *= 2;
    np = realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}

static void put_le(struct wbuf *b, uint64_t v, int n)
{
  uint8_t t[8];
  for (int i = 0; i < n; i++)
    t[i] = (uint8_t)(v >> (8 * i));
  put(b, t, n);
}

static void put_str(struct wbuf *b, const char *s)
{
  put(b, s ? s : "", strlen(s ? s : "") + 1);
}

/* Opens a record; returns the offset of its length field. */
static size_t rec_open(struct wbuf *b, enum ulp_tag tag)
{
  size_t at;
  put_le(b, tag, 2);
  at = b->len;
  put_le(b, 0, 4);
  return at;
}

static void rec_close(struct wbuf *b, size_t at)
{
  uint32_t n = (uint32_t)(b->len - at - 4);
  if (b->oom)
    return;
  for (int i = 0; i < 4; i++)
    b->p[at + i] = (uint8_t)(n >> (8 * i));
}

static void rec_u64(struct wbuf *b, enum ulp_tag tag, uint64_t v, int n)
{
  size_t at = rec_open(b, tag);
  put_le(b, v, n);
  rec_close(b, at);
}

static void rec_str(struct wbuf *b, enum ulp_tag tag, const char *s)
{
  size_t at = rec_open(b, tag);
  put_str(b, s);
  rec_close(b, at);
}

static void rec_bytes(struct wbuf *b, enum ulp_tag tag, const uint8_t *d,
                      size_t n)
{
  size_t at = rec_open(b, tag);
  put(b, d, n);
  rec_close(b, at);
}

int ulp_encode(const struct ulp_patch *p, uint8_t **out, size_t *len,
               struct pulp_err *e)
{
  struct wbuf b = {0};
  uint8_t sum[SHA256_LEN];

  put(&b, ULP_MAGIC, 8);
  put_le(&b, ULP_FORMAT_VERSION, 4);
  put_le(&b, 0, 4); /* total length, below */
  put(&b, (uint8_t[SHA256_LEN]){0}, SHA256_LEN);

  rec_u64(&b, TAG_KIND, p->kind, 4);
  rec_u64(&b, TAG_MACHINE, p->machine, 4);
  rec_str(&b, TAG_NAME, p->name);
  rec_str(&b, TAG_PATCH_PATH, p->patch_path);
  rec_bytes(&b, TAG_PATCH_BUILD_ID, p->patch_build_id, p->patch_build_id_len);
  rec_str(&b, TAG_TARGET, p->target);
  rec_u64(&b, TAG_TARGET_IS_EXEC, (uint64_t)p->target_is_exec, 4);
  rec_bytes(&b, TAG_TARGET_BUILD_ID, p->target_build_id,
            p->target_build_id_len);
  for (size_t i = 0; i < p->nlabels; i++)
    rec_str(&b, TAG_LABEL, p->labels[i]);
  for (size_t i = 0; i < p->ndeps; i++) {
    size_t at = rec_open(&b, TAG_DEP);
    put_str(&b, p->deps[i].name);
    put(&b, p->deps[i].build_id, p->deps[i].build_id_len);
    rec_close(&b, at);
  }
  for (size_t i = 0; i < p->nfuncs; i++) {
    size_t at = rec_open(&b, TAG_FUNC);
    put_le(&b, p->funcs[i].old_off, 8);
    put_le(&b, p->funcs[i].new_off, 8);
    put_str(&b, p->funcs[i].old_name);
    put_str(&b, p->funcs[i].new_name);
    rec_close(&b, at);
  }
  for (size_t i = 0; i < p->nrefs; i++) {
    size_t at = rec_open(&b, TAG_REF);
    put_le(&b,
           (uint64_t)((p->refs[i].tls ? 1 : 0) | (p->refs[i].exported ? 2 : 0)),
           4);
    put_le(&b, p->refs[i].target_off, 8);
    put_le(&b, p->refs[i].patch_off, 8);
    put_str(&b, p->refs[i].target_name);
    put_str(&b, p->refs[i].patch_name);
    rec_close(&b, at);
  }
  if (b.oom) {
    free(b.p);
    return err_set(e, -ENOMEM, "encoding patch: out of memory");
  }
  for (int i = 0; i < 4; i++)
    b.p[12 + i] = (uint8_t)(b.len >> (8 * i));
  sha256(b.p + ULP_HEADER_LEN, b.len - ULP_HEADER_LEN, sum);
  memcpy(b.p + 16, sum, SHA256_LEN);
  *out = b.p;
  *len = b.len;
  return 0;
}

/* ---- decoding ---- */

struct rbuf {
  const uint8_t *p;
  size_t len, off;
  int bad;
};

static uint64_t get_le(struct rbuf *r, int n)
{
  uint64_t v = 0;
  if (r->bad || r->off + n > r->len) {
    r->bad = 1;
    return 0;
  }
  for (int i = 0; i < n; i++)
    v |= (uint64_t)r->p[r->off + i] << (8 * i);
  r->off += n;
  return v;
}

static char *get_str(struct rbuf *r)
{
  const uint8_t *nul;
  char *s;

  if (r->bad || r->off >= r->len ||
      !(nul = memchr(r->p + r->off, 0, r->len - r->off))) {
    r->bad = 1;
    return NULL;
  }
  s = strdup((const char *)r->p + r->off);
  if (!s)
    r->bad = 1;
  r->off = (size_t)(nul - r->p) + 1;
  return s;
}

/* A field that a file states once: a second record of it is malformed
 * (found by tests/fuzz: the second string replaced, and leaked, the first). */
static void get_once(struct rbuf *r, char **field)
{
  if (*field) {
    r->bad = 1;
    return;
  }
  *field = get_str(r);
}

static void get_bytes(struct rbuf *r, uint8_t *dst, uint32_t *dlen,
                      size_t avail)
{
  if (r->bad || avail > ULP_BUILD_ID_MAX || r->off + avail > r->len) {
    r->bad = 1;
    return;
  }
  memcpy(dst, r->p + r->off, avail);
  *dlen = (uint32_t)avail;
  r->off += avail;
}

/* Grows an array by one zeroed element; returns it or NULL. */
static void *grow(void **arr, size_t *n, size_t size)
{
  char *np = realloc(*arr, (*n + 1) * size);
  if (!np)
    return NULL;
  memset(np + *n * size, 0, size);
  *arr = np;
  return np + (*n)++ * size;
}

static int decode_record(struct ulp_patch *p, uint16_t tag, struct rbuf *r)
{
  switch (tag) {
  case TAG_KIND:
    p->kind = (uint32_t)get_le(r, 4);
    break;
  case TAG_MACHINE:
    p->machine = (uint32_t)get_le(r, 4);
    break;
  case TAG_NAME:
    get_once(r, &p->name);
    break;
  case TAG_PATCH_PATH:
    get_once(r, &p->patch_path);
    break;
  case TAG_PATCH_BUILD_ID:
    get_bytes(r, p->patch_build_id, &p->patch_build_id_len, r->len - r->off);
    break;
  case TAG_TARGET:
    get_once(r, &p->target);
    break;
  case TAG_TARGET_IS_EXEC:
    p->target_is_exec = (int)get_le(r, 4);
    break;
  case TAG_TARGET_BUILD_ID:
    get_bytes(r, p->target_build_id, &p->target_build_id_len, r->len - r->off);
    break;
  case TAG_LABEL: {
    char **l = grow((void **)&p->labels, &p->nlabels, sizeof(char *));
    if (!l)
      return -ENOMEM;
    *l = get_str(r);
    break;
  }
  case TAG_DEP: {
    struct ulp_dep *d = grow((void **)&p->deps, &p->ndeps, sizeof(*d));
    if (!d)
      return -ENOMEM;
    d->name = get_str(r);
    get_bytes(r, d->build_id, &d->build_id_len, r->len - r->off);
    break;
  }
  case TAG_FUNC: {
    struct ulp_func *f = grow((void **)&p->funcs, &p->nfuncs, sizeof(*f));
    if (!f)
      return -ENOMEM;
    f->old_off = get_le(r, 8);
    f->new_off = get_le(r, 8);
    f->old_name = get_str(r);
    f->new_name = get_str(r);
    break;
  }
  case TAG_REF: {
    struct ulp_ref *f = grow((void **)&p->refs, &p->nrefs, sizeof(*f));
    if (!f)
      return -ENOMEM;
    uint32_t flags = (uint32_t)get_le(r, 4);
    f->tls = flags & 1;
    f->exported = !!(flags & 2);
    f->target_off = get_le(r, 8);
    f->patch_off = get_le(r, 8);
    f->target_name = get_str(r);
    f->patch_name = get_str(r);
    break;
  }
  default: /* a record of a newer minor revision: skip */
    r->off = r->len;
    break;
  }
  return r->bad ? -EBADMSG : 0;
}

int ulp_decode(const uint8_t *buf, size_t len, struct ulp_patch *p,
               struct pulp_err *e)
{
  struct rbuf r = {buf, len, 8, 0};
  uint8_t sum[SHA256_LEN];
  uint32_t version, total;

  memset(p, 0, sizeof(*p));
  if (len < ULP_HEADER_LEN || memcmp(buf, ULP_MAGIC, 8) != 0)
    return err_set(e, -EBADMSG, "not a Pulp patch file (bad magic)");
  version = (uint32_t)get_le(&r, 4);
  total = (uint32_t)get_le(&r, 4);
  if (version != ULP_FORMAT_VERSION)
    return err_set(e, -EPROTO,
                   "unsupported patch format version %u "
                   "(this build reads %u)",
                   version, ULP_FORMAT_VERSION);
  if (total != len)
    return err_set(e, -EBADMSG,
                   "truncated or padded patch file "
                   "(%zu bytes, header says %u)",
                   len, total);
  sha256(buf + ULP_HEADER_LEN, len - ULP_HEADER_LEN, sum);
  if (memcmp(sum, buf + 16, SHA256_LEN) != 0)
    return err_set(e, -EBADMSG, "checksum mismatch: the patch file is corrupt");
  r.off = ULP_HEADER_LEN;
  while (r.off < len) {
    uint16_t tag = (uint16_t)get_le(&r, 2);
    uint32_t n = (uint32_t)get_le(&r, 4);
    struct rbuf sub;
    int rc;

    if (r.bad || r.off + n > len) {
      r.bad = 1; /* a last record cut short (tests/fuzz/bad_inputs.sh) */
      break;
    }
    sub = (struct rbuf){buf + r.off, n, 0, 0};
    rc = decode_record(p, tag, &sub);
    if (rc) {
      ulp_free(p);
      return err_set(e, rc, "malformed record %u in patch file", tag);
    }
    r.off += n;
  }
  if (r.bad || r.off != len || !p->name || !p->patch_path || !p->target ||
      (p->kind != ULP_KIND_APPLY && p->kind != ULP_KIND_REVERT)) {
    ulp_free(p);
    return err_set(e, -EBADMSG, "malformed patch file");
  }
  return 0;
}

/* Reads the file; a patch container (an ELF file: libpulp_container.h) is
 * decoded from its sections with itself as the patch object. */
int ulp_read_file_ex(const char *path, uint32_t want, struct ulp_patch *p,
                     int *container, struct pulp_err *e)
{
  int fd = open_regular(path, O_RDONLY);
  struct stat st;
  uint8_t *buf;
  size_t got = 0;
  int rc;

  memset(p, 0, sizeof(*p));
  if (container)
    *container = ULP_CONTAINER_NONE;
  if (fd == -EINVAL)
    return err_set(e, -EINVAL, "%s: not a regular file", path);
  if (fd < 0) {
    errno = -fd;
    return err_sys(e, fd, "%s", path);
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size > ULP_MAX_CONTAINER) {
    close(fd);
    return err_set(e, -EBADMSG, "%s: not a regular patch file", path);
  }
  buf = malloc(st.st_size ? (size_t)st.st_size : 1);
  if (!buf) {
    close(fd);
    return err_set(e, -ENOMEM, "%s: out of memory", path);
  }
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  if (ulp_is_elf(buf, got)) {
    char *abs = realpath(path, NULL);
    enum ulp_container type;
    rc = ulp_container_decode(buf, got, abs ? abs : path, want, p, &type, e);
    if (container)
      *container = (int)type;
    free(abs);
  } else if (got > ULP_MAX_FILE) {
    rc = err_set(e, -EBADMSG, "not a regular patch file");
  } else {
    rc = ulp_decode(buf, got, p, e);
    if (!rc && want == ULP_KIND_REVERT)
      p->kind = ULP_KIND_REVERT; /* a revert needs only the identity */
  }
  free(buf);
  if (rc)
    err_ctx(e, "%s", path);
  return rc;
}

int ulp_read_file_kind(const char *path, uint32_t want, struct ulp_patch *p,
                       struct pulp_err *e)
{
  return ulp_read_file_ex(path, want, p, NULL, e);
}

int ulp_read_file(const char *path, struct ulp_patch *p, struct pulp_err *e)
{
  return ulp_read_file_ex(path, 0, p, NULL, e);
}

void ulp_free(struct ulp_patch *p)
{
  free(p->name);
  free(p->patch_path);
  free(p->target);
  for (size_t i = 0; i < p->nlabels; i++)
    free(p->labels[i]);
  free(p->labels);
  for (size_t i = 0; i < p->ndeps; i++)
    free(p->deps[i].name);
  free(p->deps);
  for (size_t i = 0; i < p->nfuncs; i++) {
    free(p->funcs[i].old_name);
    free(p->funcs[i].new_name);
  }
  free(p->funcs);
  for (size_t i = 0; i < p->nrefs; i++) {
    free(p->refs[i].target_name);
    free(p->refs[i].patch_name);
  }
  free(p->refs);
  memset(p, 0, sizeof(*p));
}

void ulp_hex(const uint8_t *id, size_t len, char *out)
{
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = hx[id[i] >> 4];
    out[2 * i + 1] = hx[id[i] & 15];
  }
  out[2 * len] = '\0';
}

int ulp_same_patch(const struct ulp_patch *a, const struct ulp_patch *b)
{
  if (a->patch_build_id_len != b->patch_build_id_len ||
      memcmp(a->patch_build_id, b->patch_build_id, a->patch_build_id_len) ||
      strcmp(a->name, b->name) || a->nfuncs != b->nfuncs)
    return 0;
  for (size_t i = 0; i < a->nfuncs; i++)
    if (strcmp(a->funcs[i].old_name, b->funcs[i].old_name) ||
        strcmp(a->funcs[i].new_name, b->funcs[i].new_name))
      return 0;
  return 1;
}
