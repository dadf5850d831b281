/* A patch's target for the packer: an ELF file (core/elf_file.h) or an
 * extract written by `ulp extract` (extract.c). The extract's symbol
 * lookup follows elf_file_find_symbol rule for rule, over the tables the
 * extract copied in the same order, so both give the same answers. */
#include "libinfo.h"

#include "core/sym_match.h"

#include <elf.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/regular_file.h"

struct jsym {
  const char *name;    /* as spelled in its table */
  const char *version; /* .dynsym: the version name, or NULL */
  int hidden;          /* .dynsym: a non-default version (name@VER) */
  struct elf_sym s;
};

struct jtab {
  struct jsym *v;
  size_t n;
};

struct jwin {
  uint64_t addr;
  size_t len;
  uint8_t *bytes;
};

struct libinfo {
  char *path;
  struct elf_file *elf;
  /* an extract: */
  json_object *root;
  const char *file_name, *soname;
  uint16_t machine;
  int executable;
  uint8_t build_id[PULP_BUILD_ID_MAX];
  size_t build_id_len;
  struct jtab dynsym, symtab, debug;
  struct jwin *win;
  size_t nwin;
};

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes hex into buf (at most max bytes); the length, or -1. */
static long unhex(const char *hex, uint8_t *buf, size_t max)
{
  size_t n = strlen(hex);

  if (n % 2 || n / 2 > max)
    return -1;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    buf[i] = (uint8_t)(hi << 4 | lo);
  }
  return (long)(n / 2);
}

static json_object *member(json_object *o, const char *key)
{
  json_object *v = NULL;
  return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t int_member(json_object *o, const char *key)
{
  json_object *v = member(o, key);
  return v ? json_object_get_int64(v) : 0;
}

static const char *str_member(json_object *o, const char *key)
{
  json_object *v = member(o, key);
  return v && json_object_is_type(v, json_type_string)
             ? json_object_get_string(v)
             : NULL;
}

static int read_table(json_object *pulp, const char *key, struct jtab *t)
{
  json_object *a = member(pulp, key);
  size_t n;

  if (!a)
    return 0;
  if (!json_object_is_type(a, json_type_array))
    return -EINVAL;
  n = json_object_array_length(a);
  t->v = calloc(n ? n : 1, sizeof(*t->v));
  if (!t->v)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    json_object *o = json_object_array_get_idx(a, i);
    struct jsym *s = &t->v[t->n];
    if (!(s->name = str_member(o, "name")))
      return -EINVAL;
    s->version = str_member(o, "version");
    s->hidden = json_object_get_boolean(member(o, "hidden"));
    s->s.value = (uint64_t)int_member(o, "value");
    s->s.size = (uint64_t)int_member(o, "size");
    s->s.type = (int)int_member(o, "type");
    s->s.bind = (int)int_member(o, "bind");
    s->s.shndx = (int)int_member(o, "shndx");
    s->s.dynamic = !strcmp(key, "dynsym");
    t->n++;
  }
  return 0;
}

static int read_windows(struct libinfo *li, json_object *pulp)
{
  json_object *a = member(pulp, "code");
  size_t n = a ? json_object_array_length(a) : 0;

  li->win = calloc(n ? n : 1, sizeof(*li->win));
  if (!li->win)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    json_object *o = json_object_array_get_idx(a, i);
    const char *hex = str_member(o, "bytes");
    struct jwin *w = &li->win[li->nwin];
    long len;
    if (!hex || !(w->bytes = malloc(strlen(hex) / 2 + 1)))
      return -EINVAL;
    len = unhex(hex, w->bytes, strlen(hex) / 2);
    li->nwin++;
    if (len < 0)
      return -EINVAL;
    w->len = (size_t)len;
    w->addr = (uint64_t)int_member(o, "addr");
  }
  return 0;
}

static int open_extract(struct libinfo *li, struct pulp_err *e)
{
  json_object *pulp, *lib;
  const char *id, *path;
  long n;

  li->root = json_object_from_file(li->path);
  if (!li->root)
    return err_set(e, -EINVAL, "%s: neither an ELF file nor a JSON extract",
                   li->path);
  pulp = member(li->root, "pulp");
  lib = member(li->root, "library");
  if (!pulp)
    return err_set(e, -EINVAL,
                   lib ? "%s: written by libpulp's extract, which keeps no "
                         "code bytes to check the pads: run 'ulp extract' "
                         "on the library"
                       : "%s: not an extract written by 'ulp extract'",
                   li->path);
  if (int_member(pulp, "format") != LIBINFO_FORMAT)
    return err_set(e, -EPROTO, "%s: extract format %lld, this ulp reads %d",
                   li->path, (long long)int_member(pulp, "format"),
                   LIBINFO_FORMAT);
  path = str_member(pulp, "path");
  id = str_member(pulp, "build_id");
  li->file_name = base_name(path ? path : li->path);
  li->soname = str_member(pulp, "soname");
  li->machine = (uint16_t)int_member(pulp, "machine");
  li->executable = json_object_get_boolean(member(pulp, "executable"));
  n = id ? unhex(id, li->build_id, sizeof(li->build_id)) : 0;
  if (n < 0)
    return err_set(e, -EINVAL, "%s: bad build_id", li->path);
  li->build_id_len = (size_t)n;
  if (read_table(pulp, "dynsym", &li->dynsym) ||
      read_table(pulp, "symtab", &li->symtab) ||
      read_table(pulp, "debug_symtab", &li->debug) || read_windows(li, pulp))
    return err_set(e, -EINVAL, "%s: malformed extract", li->path);
  return 0;
}

int libinfo_open(const char *path, struct libinfo **out, struct pulp_err *e)
{
  struct libinfo *li = calloc(1, sizeof(*li));
  char magic[4] = {0};
  FILE *f = NULL;
  int rc, fd;

  if (!li || !(li->path = strdup(path))) {
    free(li);
    return err_set(e, -ENOMEM, "out of memory");
  }
  /* A FIFO or a device would block: regular files only (elf_file_open
   * then says why). */
  if ((fd = open_regular(path, O_RDONLY)) >= 0 && !(f = fdopen(fd, "r")))
    close(fd);
  if (f) {
    if (fread(magic, 1, 4, f) != 4)
      magic[0] = 0;
    fclose(f);
  }
  /* An unreadable file: elf_file_open says why. */
  if (!f || !memcmp(magic, ELFMAG, SELFMAG)) {
    rc = elf_file_open(path, 0, &li->elf, e);
    if (rc == 0)
      li->file_name = base_name(path);
  } else {
    rc = open_extract(li, e);
  }
  if (rc) {
    libinfo_close(li);
    return rc;
  }
  *out = li;
  return 0;
}

void libinfo_close(struct libinfo *li)
{
  if (!li)
    return;
  elf_file_close(li->elf);
  if (li->root)
    json_object_put(li->root);
  free(li->dynsym.v);
  free(li->symtab.v);
  free(li->debug.v);
  for (size_t i = 0; i < li->nwin; i++)
    free(li->win[i].bytes);
  free(li->win);
  free(li->path);
  free(li);
}

struct elf_file *libinfo_elf(const struct libinfo *li)
{
  return li->elf;
}

const char *libinfo_path(const struct libinfo *li)
{
  return li->path;
}

const char *libinfo_file_name(const struct libinfo *li)
{
  return li->file_name;
}

uint16_t libinfo_machine(const struct libinfo *li)
{
  return li->elf ? elf_file_machine(li->elf) : li->machine;
}

size_t libinfo_build_id(const struct libinfo *li, uint8_t *buf, size_t max)
{
  size_t n = li->build_id_len < max ? li->build_id_len : max;

  if (li->elf)
    return elf_file_build_id(li->elf, buf, max);
  memcpy(buf, li->build_id, n);
  return n;
}

int libinfo_is_executable(const struct libinfo *li)
{
  return li->elf ? elf_file_is_executable(li->elf) : li->executable;
}

const char *libinfo_soname(const struct libinfo *li)
{
  return li->elf ? elf_file_soname(li->elf) : li->soname;
}

/* ---- symbol lookup over an extract (core/sym_match.h's rule) ---- */

static const char *jsym_version(void *t, size_t i, int *hidden)
{
  const struct jsym *y = &((const struct jtab *)t)->v[i];

  *hidden = y->hidden;
  return y->version;
}

/* 1 found, 0 not found, <0 error. */
static int search(const struct libinfo *li, const struct jtab *t, int dyn,
                  const struct elf_sym_spec *s, struct elf_sym *out,
                  struct pulp_err *e)
{
  struct sym_match m;
  size_t i;
  int r;

  sym_match_begin(&m, s, dyn);
  for (i = 0; i < t->n; i++)
    if (sym_match_next(&m, i, t->v[i].name, t->v[i].s.bind == STB_LOCAL,
                       jsym_version, (void *)t))
      break;
  if (i == t->n && (r = sym_match_end(&m, li->path, &i, e)) <= 0)
    return r;
  *out = t->v[i].s;
  return 1;
}

int libinfo_find_symbol(struct libinfo *li, const char *spec,
                        struct elf_sym *out, struct pulp_err *e)
{
  struct elf_sym_spec s;
  int r;

  if (li->elf)
    return elf_file_find_symbol(li->elf, spec, out, e);
  if (elf_sym_spec_parse(spec, &s) != 0)
    return err_set(e, -EINVAL, "bad symbol name '%s'", spec);
  if (!s.pos && (r = search(li, &li->dynsym, 1, &s, out, e)))
    return r < 0 ? r : 0;
  if ((r = search(li, &li->symtab, 0, &s, out, e)))
    return r < 0 ? r : 0;
  if ((r = search(li, &li->debug, 0, &s, out, e)))
    return r < 0 ? r : 0;
  return err_set(e, -ENOENT, "%s: no symbol '%s'", li->path, spec);
}

int libinfo_read_window(const struct libinfo *li, uint64_t vaddr, void *buf,
                        size_t len)
{
  if (li->elf)
    return elf_file_read_window(li->elf, vaddr, buf, len);
  for (size_t i = 0; i < li->nwin; i++)
    if (li->win[i].addr == vaddr && li->win[i].len >= len) {
      memcpy(buf, li->win[i].bytes, len);
      return 0;
    }
  return -EFAULT;
}

int libinfo_each_function(const struct libinfo *li,
                          int (*fn)(const char *, const struct elf_sym *,
                                    void *),
                          void *arg)
{
  const struct jtab *order[] = {&li->symtab, &li->dynsym};

  if (li->elf)
    return elf_file_each_function(li->elf, fn, arg);
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < order[k]->n; i++) {
      const struct jsym *y = &order[k]->v[i];
      int r;
      if (y->s.type != STT_FUNC)
        continue;
      if ((r = fn(y->name, &y->s, arg)))
        return r;
    }
  return 0;
}
