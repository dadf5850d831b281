/* Reading patch containers; see libpulp_container.h and
 * docs/ulp-format.md. Every offset and length read from the file is checked
 * against its size before use: a corrupt container is an error, never a
 * crash of the process that reads it (the runtime does). */
#define _GNU_SOURCE
#include "libpulp_container.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EHDR64_LEN 64
#define SHDR64_LEN 64
#define SYM64_LEN 24
#define SHT_SYMTAB_ 2
#define SHT_NOTE_ 7
#define SHT_NOBITS_ 8
#define SHT_DYNSYM_ 11
#define NT_GNU_BUILD_ID_ 3
#define LIBPULP_PATCH_ID_LEN 32
#define LIBPULP_ID_HALF 16 /* patch id = build-id[0..16] + MD4(dsc)[0..16] */

/* ---- a minimal ELF64 reader over the file's bytes ---- */

struct melf {
  const uint8_t *b;
  size_t len;
  int be;
  uint16_t machine;
  uint64_t shoff;
  uint32_t shnum, shstrndx;
};

struct msec {
  uint32_t type, link;
  uint64_t off, size, entsize;
  const char *name;
};

static uint64_t rd(const uint8_t *p, int n, int be)
{
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
  return v;
}

static int in_file(const struct melf *m, uint64_t off, uint64_t n)
{
  return off <= m->len && n <= m->len - off;
}

static int bad(struct pulp_err *e, const char *what)
{
  return err_set(e, -EBADMSG, "corrupt ELF file: %s", what);
}

int ulp_is_elf(const uint8_t *buf, size_t len)
{
  return len >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

static int melf_open(struct melf *m, const uint8_t *b, size_t len,
                     struct pulp_err *e)
{
  memset(m, 0, sizeof(*m));
  m->b = b;
  m->len = len;
  if (len < EHDR64_LEN || !ulp_is_elf(b, len))
    return bad(e, "truncated header");
  if (b[4] != 2)
    return err_set(e, -ENOTSUP, "32-bit ELF files are not patch containers");
  if (b[5] != 1 && b[5] != 2)
    return bad(e, "unknown byte order");
  m->be = b[5] == 2;
  m->machine = (uint16_t)rd(b + 18, 2, m->be);
  m->shoff = rd(b + 40, 8, m->be);
  if (rd(b + 58, 2, m->be) != SHDR64_LEN)
    return bad(e, "unexpected section header size");
  m->shnum = (uint32_t)rd(b + 60, 2, m->be);
  m->shstrndx = (uint32_t)rd(b + 62, 2, m->be);
  if (!in_file(m, m->shoff, SHDR64_LEN))
    return bad(e, "section headers outside the file");
  /* More than 0xff00 sections or a big index: the real values are in
   * section 0 (ELF gABI). */
  if (m->shnum == 0)
    m->shnum = (uint32_t)rd(b + m->shoff + 32, 8, m->be);
  if (m->shstrndx == 0xffff)
    m->shstrndx = (uint32_t)rd(b + m->shoff + 40, 4, m->be);
  if (!in_file(m, m->shoff, (uint64_t)m->shnum * SHDR64_LEN) ||
      m->shstrndx >= m->shnum)
    return bad(e, "section headers outside the file");
  return 0;
}

/* Section i without its name; 0 or -EBADMSG. */
static int melf_shdr(const struct melf *m, uint32_t i, struct msec *s,
                     struct pulp_err *e)
{
  const uint8_t *h = m->b + m->shoff + (uint64_t)i * SHDR64_LEN;

  s->type = (uint32_t)rd(h + 4, 4, m->be);
  s->off = rd(h + 24, 8, m->be);
  s->size = rd(h + 32, 8, m->be);
  s->link = (uint32_t)rd(h + 40, 4, m->be);
  s->entsize = rd(h + 56, 8, m->be);
  s->name = NULL;
  if (s->type != SHT_NOBITS_ && !in_file(m, s->off, s->size))
    return bad(e, "section outside the file");
  return 0;
}

static int melf_section(const struct melf *m, uint32_t i, struct msec *s,
                        struct pulp_err *e)
{
  struct msec strs;
  uint64_t name;
  int rc;

  if ((rc = melf_shdr(m, m->shstrndx, &strs, e)) ||
      (rc = melf_shdr(m, i, s, e)))
    return rc;
  /* A NOBITS string table has no bytes in the file, whatever its offset
   * and size say (found by tests/fuzz: read outside the buffer). */
  if (strs.type == SHT_NOBITS_)
    return bad(e, "section name table has no data");
  name = rd(m->b + m->shoff + (uint64_t)i * SHDR64_LEN, 4, m->be);
  if (name >= strs.size || !memchr(m->b + strs.off + name, 0, strs.size - name))
    return bad(e, "section name outside the string table");
  s->name = (const char *)m->b + strs.off + name;
  return 0;
}

/* 1 found, 0 absent, <0 corrupt. */
static int melf_find(const struct melf *m, const char *name, struct msec *s,
                     struct pulp_err *e)
{
  for (uint32_t i = 1; i < m->shnum; i++) {
    int rc = melf_section(m, i, s, e);
    if (rc)
      return rc;
    if (!strcmp(s->name, name))
      return s->type == SHT_NOBITS_ ? bad(e, "metadata section has no data")
                                    : 1;
  }
  return 0;
}

static int melf_build_id(const struct melf *m, uint8_t *id, uint32_t *idlen,
                         struct pulp_err *e)
{
  struct msec s;

  for (uint32_t i = 1; i < m->shnum; i++) {
    int rc = melf_shdr(m, i, &s, e);
    if (rc)
      return rc;
    if (s.type != SHT_NOTE_)
      continue;
    for (uint64_t off = 0; off + 12 <= s.size;) {
      const uint8_t *n = m->b + s.off + off;
      uint64_t namesz = rd(n, 4, m->be), descsz = rd(n + 4, 4, m->be);
      uint64_t type = rd(n + 8, 4, m->be);
      uint64_t desc = 12 + ((namesz + 3) & ~3ull);
      if (namesz > s.size || descsz > s.size || off + desc + descsz > s.size)
        return bad(e, "note outside its section");
      if (type == NT_GNU_BUILD_ID_ && namesz == 4 &&
          !memcmp(n + 12, "GNU", 4)) {
        if (descsz == 0 || descsz > ULP_BUILD_ID_MAX)
          return bad(e, "bad build-id length");
        memcpy(id, n + desc, descsz);
        *idlen = (uint32_t)descsz;
        return 0;
      }
      off += desc + ((descsz + 3) & ~3ull);
    }
  }
  return err_set(e, -EBADMSG,
                 "the container has no GNU build-id (link it with "
                 "-Wl,--build-id)");
}

/* st_value of the defined symbol name, from .symtab or else .dynsym. */
static int melf_symbol(const struct melf *m, const char *name, uint64_t *value,
                       struct pulp_err *e)
{
  static const uint32_t types[] = {SHT_SYMTAB_, SHT_DYNSYM_};

  for (int t = 0; t < 2; t++)
    for (uint32_t i = 1; i < m->shnum; i++) {
      struct msec s, str;
      int rc = melf_shdr(m, i, &s, e);
      if (rc)
        return rc;
      if (s.type != types[t])
        continue;
      if (s.link >= m->shnum || (rc = melf_shdr(m, s.link, &str, e)))
        return rc ? rc : bad(e, "symbol table without strings");
      if (str.type == SHT_NOBITS_) /* no bytes in the file: see above */
        return bad(e, "symbol table without strings");
      for (uint64_t k = 0; k + SYM64_LEN <= s.size; k += SYM64_LEN) {
        const uint8_t *y = m->b + s.off + k;
        uint64_t nm = rd(y, 4, m->be);
        if (rd(y + 6, 2, m->be) == 0 || nm >= str.size)
          continue; /* undefined, or no name */
        if (strncmp((const char *)m->b + str.off + nm, name, str.size - nm))
          continue;
        if (!memchr(m->b + str.off + nm, 0, str.size - nm))
          continue;
        *value = rd(y + 8, 8, m->be);
        return 0;
      }
    }
  return -ENOENT;
}

/* ---- libpulp's metadata layout (docs/ulp-format.md) ---- */

struct cur {
  const uint8_t *p;
  size_t len, off;
  int be, bad;
};

static uint64_t take(struct cur *c, int n)
{
  uint64_t v;
  if (c->bad || (size_t)n > c->len - c->off) {
    c->bad = 1;
    return 0;
  }
  v = rd(c->p + c->off, n, c->be);
  c->off += (size_t)n;
  return v;
}

static const uint8_t *take_bytes(struct cur *c, uint64_t n)
{
  const uint8_t *p = c->p + c->off;
  if (c->bad || n > c->len - c->off) {
    c->bad = 1;
    return NULL;
  }
  c->off += (size_t)n;
  return p;
}

/* u32 length, then that many bytes; libpulp counts the NUL in .ulp but not
 * in .ulp.rev: the string ends at the first NUL or the length. */
static char *take_str(struct cur *c)
{
  uint64_t n = take(c, 4);
  const uint8_t *s = take_bytes(c, n);
  char *r;

  if (!s || n == 0)
    return c->bad = 1, NULL;
  r = strndup((const char *)s, (size_t)n);
  if (!r || !*r) {
    free(r);
    c->bad = 1;
    return NULL;
  }
  return r;
}

static void *grow(void **arr, size_t *n, size_t size)
{
  char *np = realloc(*arr, (*n + 1) * size);
  if (!np)
    return NULL;
  memset(np + *n * size, 0, size);
  *arr = np;
  return np + (*n)++ * size;
}

/* Labels: the .ulp.comments section is the descriptor's ! lines (without
 * the !), each ending in a newline, then a NUL. */
static int read_comments(const struct melf *m, struct ulp_patch *p,
                         struct pulp_err *e)
{
  struct msec s;
  int rc = melf_find(m, LIBPULP_SECTION_COMMENTS, &s, e);
  const char *t, *end;

  if (rc <= 0)
    return rc;
  t = (const char *)m->b + s.off;
  end = t + strnlen(t, s.size);
  while (t < end) {
    const char *nl = memchr(t, '\n', (size_t)(end - t));
    const char *stop = nl ? nl : end, *a = t;
    while (a < stop && (*a == ' ' || *a == '\t'))
      a++;
    if (stop > a) {
      char **l = grow((void **)&p->labels, &p->nlabels, sizeof(char *));
      if (!l || !(*l = strndup(a, (size_t)(stop - a))))
        return err_set(e, -ENOMEM, "out of memory");
    }
    t = stop + 1;
  }
  return 0;
}

static int libpulp_units(struct cur *c, const struct melf *m,
                         struct ulp_patch *p, struct pulp_err *e)
{
  uint64_t n = take(c, 4);

  if (n > c->len) /* each unit takes more than a byte */
    return c->bad = 1, 0;
  for (uint64_t i = 0; i < n && !c->bad; i++) {
    struct ulp_func *f = grow((void **)&p->funcs, &p->nfuncs, sizeof(*f));
    if (!f)
      return err_set(e, -ENOMEM, "out of memory");
    f->old_name = take_str(c);
    f->new_name = take_str(c);
    f->old_off = take(c, 8);
    if (c->bad)
      break;
    /* libpulp resolves the new function at apply time with dlsym; Pulp
     * takes its offset from the container's symbol table now. */
    if (melf_symbol(m, f->new_name, &f->new_off, e))
      return err_set(e, -EBADMSG,
                     "new function %s is not defined in the container",
                     f->new_name);
  }
  return 0;
}

static int libpulp_refs(struct cur *c, struct ulp_patch *p, struct pulp_err *e)
{
  uint64_t n = take(c, 4);

  if (n > c->len)
    return c->bad = 1, 0;
  for (uint64_t i = 0; i < n && !c->bad; i++) {
    struct ulp_ref *r = grow((void **)&p->refs, &p->nrefs, sizeof(*r));
    if (!r)
      return err_set(e, -ENOMEM, "out of memory");
    r->target_name = take_str(c);
    r->patch_name = take_str(c);
    r->target_off = take(c, 8);
    r->patch_off = take(c, 8);
    r->tls = take(c, 1) != 0;
  }
  return 0;
}

/* The patch name: the container's file name without directory and .so. */
static char *stem(const char *path)
{
  const char *b = strrchr(path, '/');
  char *s = strdup(b ? b + 1 : path);
  size_t n = s ? strlen(s) : 0;

  if (n > 3 && !strcmp(s + n - 3, ".so"))
    s[n - 3] = '\0';
  return s;
}

static int libpulp_decode(const struct melf *m, const struct msec *s,
                          struct ulp_patch *p, struct pulp_err *e)
{
  struct cur c = {m->b + s->off, (size_t)s->size, 0, m->be, 0};
  const uint8_t *id;
  uint64_t n;
  int type, rc = 0;

  type = (int)take(&c, 1);
  id = take_bytes(&c, LIBPULP_PATCH_ID_LEN);
  if (c.bad || (type != 1 && type != 2))
    return err_set(e, -EBADMSG, "corrupt libpulp metadata: bad patch type");
  if (type != (strcmp(s->name, LIBPULP_SECTION) ? 2 : 1))
    return err_set(e, -EBADMSG,
                   "corrupt libpulp metadata: %s holds a patch of type %d",
                   s->name, type);
  p->kind = type == 1 ? ULP_KIND_APPLY : ULP_KIND_REVERT;
  /* The patch id starts with the container's build-id (libpulp's packer):
   * metadata copied into another build is refused. */
  n = p->patch_build_id_len < LIBPULP_ID_HALF ? p->patch_build_id_len
                                              : LIBPULP_ID_HALF;
  if (memcmp(id, p->patch_build_id, n))
    return err_set(e, -EBADMSG,
                   "libpulp metadata was packed for another build of this "
                   "container (patch id does not start with its build-id)");
  n = take(&c, 4);
  if (n > ULP_BUILD_ID_MAX || !(id = take_bytes(&c, n)))
    return err_set(e, -EBADMSG, "corrupt libpulp metadata: target build-id");
  memcpy(p->target_build_id, id, n);
  p->target_build_id_len = (uint32_t)n;
  p->target = take_str(&c);
  if (type == 1) {
    if ((rc = libpulp_units(&c, m, p, e)))
      return rc;
    n = take(&c, 4);
    if (!c.bad && n)
      return err_set(e, -ENOTSUP,
                     "libpulp patch dependencies are not supported "
                     "(libpulp deprecated them): apply the patches in order");
    if ((rc = libpulp_refs(&c, p, e)))
      return rc;
  }
  if (c.bad || c.off != c.len)
    return err_set(e, -EBADMSG, "corrupt libpulp metadata in %s (%s)", s->name,
                   c.bad ? "truncated" : "trailing bytes");
  return 0;
}

static int pulp_decode(const struct melf *m, const struct msec *s,
                       struct ulp_patch *p, struct pulp_err *e)
{
  uint8_t id[ULP_BUILD_ID_MAX];
  uint32_t idlen = p->patch_build_id_len;
  int rc;

  memcpy(id, p->patch_build_id, idlen);
  if ((rc = ulp_decode(m->b + s->off, (size_t)s->size, p, e)))
    return err_ctx(e, "%s section", PULP_SECTION);
  if (p->patch_build_id_len != idlen || memcmp(p->patch_build_id, id, idlen))
    return err_set(e, -EBADMSG,
                   "the %s section was packed for another build of this "
                   "patch object",
                   PULP_SECTION);
  free(p->patch_path);
  p->patch_path = NULL;
  return 0;
}

int ulp_container_decode(const uint8_t *buf, size_t len, const char *path,
                         uint32_t want, struct ulp_patch *p,
                         enum ulp_container *type, struct pulp_err *e)
{
  struct melf m;
  struct msec s;
  uint8_t id[ULP_BUILD_ID_MAX];
  uint32_t idlen = 0;
  int rc, found;

  memset(p, 0, sizeof(*p));
  if (type)
    *type = ULP_CONTAINER_NONE;
  if ((rc = melf_open(&m, buf, len, e)) ||
      (rc = melf_build_id(&m, id, &idlen, e)))
    return rc;
  memcpy(p->patch_build_id, id, idlen);
  p->patch_build_id_len = idlen;
  if ((found = melf_find(&m, PULP_SECTION, &s, e)) < 0)
    return found;
  if (found) {
    if (type)
      *type = ULP_CONTAINER_PULP;
    rc = pulp_decode(&m, &s, p, e);
  } else {
    /* The apply half unless the revert one is asked for or is all there
     * is; the revert of a patch needs only its identity (build-id). */
    const char *first =
        want == ULP_KIND_REVERT ? LIBPULP_SECTION_REV : LIBPULP_SECTION;
    const char *second =
        want == ULP_KIND_REVERT ? LIBPULP_SECTION : LIBPULP_SECTION_REV;
    if ((found = melf_find(&m, first, &s, e)) == 0)
      found = melf_find(&m, second, &s, e);
    if (found < 0)
      return found;
    if (!found)
      return err_set(e, -EBADMSG,
                     "an ELF file without patch metadata (no %s, %s or %s "
                     "section): not a patch container",
                     PULP_SECTION, LIBPULP_SECTION, LIBPULP_SECTION_REV);
    if (type)
      *type = ULP_CONTAINER_LIBPULP;
    rc = libpulp_decode(&m, &s, p, e);
    if (!rc)
      rc = read_comments(&m, p, e);
    if (!rc && !(p->name = stem(path)))
      rc = err_set(e, -ENOMEM, "out of memory");
  }
  p->machine = m.machine;
  if (!rc && !(p->patch_path = strdup(path)))
    rc = err_set(e, -ENOMEM, "out of memory");
  if (!rc && want == ULP_KIND_REVERT)
    p->kind = ULP_KIND_REVERT;
  if (rc)
    ulp_free(p);
  return rc;
}
