/* The tool's ELF reader over libelf. See elf_file.h. */
#include "elf_file.h"
#include "elf_raw.h"
#include "sym_match.h"

#include "arch.h"
#include "regular_file.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct elf_file {
  char *path;
  int fd;
  int writable;
  int dirty;
  Elf *elf;
  GElf_Ehdr ehdr;
  struct elf_file *debug; /* separate debug file (.symtab), lazily opened */
  int debug_tried;
};

static int libelf_ready(void)
{
  static int ready;

  if (!ready) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      return 0;
    ready = 1;
  }
  return 1;
}

int elf_file_open(const char *path, int writable, struct elf_file **out,
                  struct pulp_err *e)
{
  struct elf_file *f;

  if (!libelf_ready())
    return err_set(e, -ENOSYS, "libelf: %s", elf_errmsg(-1));
  f = calloc(1, sizeof(*f));
  if (!f)
    return err_set(e, -ENOMEM, "%s: out of memory", path);
  f->path = strdup(path);
  f->writable = writable;
  f->fd = open_regular(path, writable ? O_RDWR : O_RDONLY);
  if (f->fd < 0) {
    int code = f->fd;
    free(f->path);
    free(f);
    if (code == -EINVAL)
      return err_set(e, code, "%s: not a regular file", path);
    errno = -code;
    return err_sys(e, code, "%s", path);
  }
  f->elf = elf_begin(f->fd, writable ? ELF_C_RDWR : ELF_C_READ, NULL);
  if (!f->elf || elf_kind(f->elf) != ELF_K_ELF ||
      !gelf_getehdr(f->elf, &f->ehdr) || gelf_getclass(f->elf) != ELFCLASS64) {
    elf_file_close(f);
    return err_set(e, -ENOEXEC, "%s: not a 64-bit ELF file", path);
  }
  if (writable)
    elf_flagelf(f->elf, ELF_C_SET, ELF_F_LAYOUT);
  *out = f;
  return 0;
}

void elf_file_close(struct elf_file *f)
{
  if (!f)
    return;
  if (f->debug)
    elf_file_close(f->debug);
  if (f->elf) {
    if (f->dirty)
      elf_update(f->elf, ELF_C_WRITE);
    elf_end(f->elf);
  }
  if (f->fd >= 0)
    close(f->fd);
  free(f->path);
  free(f);
}

const char *elf_file_path(const struct elf_file *f)
{
  return f->path;
}

uint16_t elf_file_machine(const struct elf_file *f)
{
  return f->ehdr.e_machine;
}

int elf_file_type(const struct elf_file *f)
{
  return f->ehdr.e_type;
}

int elf_file_big_endian(const struct elf_file *f)
{
  return f->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
}

static Elf_Scn *find_section(const struct elf_file *f, const char *name,
                             GElf_Shdr *shdr)
{
  size_t shstrndx;
  Elf_Scn *scn = NULL;

  if (elf_getshdrstrndx(f->elf, &shstrndx) != 0)
    return NULL;
  while ((scn = elf_nextscn(f->elf, scn))) {
    const char *n;
    if (!gelf_getshdr(scn, shdr))
      continue;
    n = elf_strptr(f->elf, shstrndx, shdr->sh_name);
    if (n && strcmp(n, name) == 0)
      return scn;
  }
  return NULL;
}

Elf_Scn *elf_section_of_type(Elf *elf, Elf64_Word type, GElf_Shdr *sh)
{
  Elf_Scn *scn = NULL;

  while ((scn = elf_nextscn(elf, scn)))
    if (gelf_getshdr(scn, sh) && sh->sh_type == type)
      return scn;
  return NULL;
}

static Elf_Scn *find_section_type(const struct elf_file *f, Elf64_Word type,
                                  GElf_Shdr *shdr)
{
  return elf_section_of_type(f->elf, type, shdr);
}

size_t elf_file_build_id(const struct elf_file *f, uint8_t *buf, size_t max)
{
  Elf_Scn *scn = NULL;
  GElf_Shdr shdr;

  while ((scn = elf_nextscn(f->elf, scn))) {
    Elf_Data *d;
    GElf_Nhdr nh;
    size_t off = 0, noff, doff;

    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
      continue;
    d = elf_getdata(scn, NULL);
    while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
          memcmp((char *)d->d_buf + noff, "GNU", 4) == 0) {
        size_t n = nh.n_descsz < max ? nh.n_descsz : max;
        memcpy(buf, (char *)d->d_buf + doff, n);
        return n;
      }
    }
  }
  return 0;
}

int elf_file_is_executable(const struct elf_file *f)
{
  GElf_Shdr shdr;
  return f->ehdr.e_type == ET_EXEC || find_section(f, ".interp", &shdr);
}

const char *elf_file_soname(const struct elf_file *f)
{
  GElf_Shdr shdr;
  Elf_Scn *scn = find_section_type(f, SHT_DYNAMIC, &shdr);
  Elf_Data *d;

  if (!scn || !(d = elf_getdata(scn, NULL)))
    return NULL;
  for (size_t i = 0; i < shdr.sh_size / sizeof(Elf64_Dyn); i++) {
    GElf_Dyn dyn;
    if (!gelf_getdyn(d, (int)i, &dyn))
      break;
    if (dyn.d_tag == DT_SONAME)
      return elf_strptr(f->elf, shdr.sh_link, dyn.d_un.d_val);
  }
  return NULL;
}

/* Splits "name@VER", "name@@VER" and "name,N". */
int elf_sym_spec_parse(const char *spec, struct elf_sym_spec *s)
{
  const char *at = strchr(spec, '@');
  const char *comma = strrchr(spec, ',');
  size_t n;

  memset(s, 0, sizeof(*s));
  n = at ? (size_t)(at - spec) : comma ? (size_t)(comma - spec) : strlen(spec);
  if (n == 0 || n >= sizeof(s->name))
    return -EINVAL;
  memcpy(s->name, spec, n);
  if (at) {
    s->version = at + 1;
    if (*s->version == '@')
      s->version++;
  } else if (comma) {
    char *end;
    long v = strtol(comma + 1, &end, 10);
    if (*end || v < 1)
      return -EINVAL;
    s->pos = (int)v;
  }
  return 0;
}

const char *elf_dynsym_version(Elf *elf, size_t idx, int *hidden)
{
  GElf_Shdr vs_sh, vd_sh;
  Elf_Scn *vs = elf_section_of_type(elf, SHT_GNU_versym, &vs_sh);
  Elf_Scn *vd = elf_section_of_type(elf, SHT_GNU_verdef, &vd_sh);
  Elf_Data *vsd, *vdd;
  GElf_Versym ver;
  size_t off = 0;

  *hidden = 0;
  if (!vs || !(vsd = elf_getdata(vs, NULL)) ||
      !gelf_getversym(vsd, (int)idx, &ver))
    return NULL;
  *hidden = !!(ver & 0x8000);
  if (!vd || !(vdd = elf_getdata(vd, NULL)))
    return NULL;
  ver &= 0x7fff;
  for (size_t i = 0; i < vd_sh.sh_info; i++) {
    GElf_Verdef def;
    GElf_Verdaux aux;
    if (!gelf_getverdef(vdd, (int)off, &def))
      break;
    if (def.vd_ndx == ver &&
        gelf_getverdaux(vdd, (int)(off + def.vd_aux), &aux))
      return elf_strptr(elf, vd_sh.sh_link, aux.vda_name);
    if (!def.vd_next)
      break;
    off += def.vd_next;
  }
  return NULL;
}

static const char *dynsym_version(void *elf, size_t idx, int *hidden)
{
  return elf_dynsym_version(elf, idx, hidden);
}

static void fill_sym(struct elf_sym *out, const GElf_Sym *s, int dynamic)
{
  out->value = s->st_value;
  out->size = s->st_size;
  out->type = GELF_ST_TYPE(s->st_info);
  out->bind = GELF_ST_BIND(s->st_info);
  out->shndx = s->st_shndx;
  out->dynamic = dynamic;
}

/* Searches one symbol table. Returns 1 found, 0 not found, <0 error. */
static int search_table(struct elf_file *f, Elf64_Word type,
                        const struct elf_sym_spec *s, struct elf_sym *out,
                        struct pulp_err *e)
{
  GElf_Shdr shdr;
  Elf_Scn *scn = find_section_type(f, type, &shdr);
  struct sym_match m;
  Elf_Data *d;
  GElf_Sym sym;
  size_t i, n;
  int r;

  if (!scn || !(d = elf_getdata(scn, NULL)) || !shdr.sh_entsize)
    return 0;
  sym_match_begin(&m, s, type == SHT_DYNSYM);
  n = shdr.sh_size / shdr.sh_entsize;
  for (i = 1; i < n; i++) {
    if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
      continue;
    if (sym_match_next(&m, i, elf_strptr(f->elf, shdr.sh_link, sym.st_name),
                       GELF_ST_BIND(sym.st_info) == STB_LOCAL, dynsym_version,
                       f->elf))
      break;
  }
  if (i == n && (r = sym_match_end(&m, f->path, &i, e)) <= 0)
    return r;
  if (!gelf_getsym(d, (int)i, &sym))
    return 0;
  fill_sym(out, &sym, type == SHT_DYNSYM);
  return 1;
}

/* The separate debug file, by build-id under /usr/lib/debug/.build-id. */
static struct elf_file *debug_file(struct elf_file *f)
{
  uint8_t id[PULP_BUILD_ID_MAX];
  size_t n;
  char path[512];
  const char *root = getenv("PULP_DEBUG_ROOT");
  int off;

  if (f->debug_tried)
    return f->debug;
  f->debug_tried = 1;
  n = elf_file_build_id(f, id, sizeof(id));
  if (n < 2)
    return NULL;
  off = snprintf(path, sizeof(path), "%s/.build-id/%02x/",
                 root ? root : "/usr/lib/debug", id[0]);
  for (size_t i = 1; i < n && off < (int)sizeof(path) - 8; i++)
    off += snprintf(path + off, sizeof(path) - off, "%02x", id[i]);
  snprintf(path + off, sizeof(path) - off, ".debug");
  if (elf_file_open(path, 0, &f->debug, NULL) != 0)
    f->debug = NULL;
  return f->debug;
}

int elf_file_find_symbol(struct elf_file *f, const char *spec,
                         struct elf_sym *out, struct pulp_err *e)
{
  struct elf_sym_spec s;
  struct elf_file *dbg;
  int r;

  if (elf_sym_spec_parse(spec, &s) != 0)
    return err_set(e, -EINVAL, "bad symbol name '%s'", spec);
  if (!s.pos) {
    r = search_table(f, SHT_DYNSYM, &s, out, e);
    if (r)
      return r < 0 ? r : 0;
  }
  r = search_table(f, SHT_SYMTAB, &s, out, e);
  if (r)
    return r < 0 ? r : 0;
  dbg = debug_file(f);
  if (dbg) {
    r = search_table(dbg, SHT_SYMTAB, &s, out, e);
    if (r)
      return r < 0 ? r : 0;
  }
  return err_set(e, -ENOENT, "%s: no symbol '%s'", f->path, spec);
}

/* Finds the section holding [vaddr, vaddr+len) with file contents. */
static Elf_Data *data_at(const struct elf_file *f, uint64_t vaddr, size_t len,
                         size_t *off)
{
  Elf_Scn *scn = NULL;
  GElf_Shdr shdr;

  while ((scn = elf_nextscn(f->elf, scn))) {
    Elf_Data *d;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS ||
        !(shdr.sh_flags & SHF_ALLOC))
      continue;
    /* Overflow-safe (found by tests/fuzz: an address near 2^64 wrapped
     * around and was read far outside the section). */
    if (vaddr < shdr.sh_addr || len > shdr.sh_size ||
        vaddr - shdr.sh_addr > shdr.sh_size - len)
      continue;
    d = elf_getdata(scn, NULL);
    if (!d || !d->d_buf)
      return NULL;
    *off = vaddr - shdr.sh_addr;
    return d;
  }
  return NULL;
}

int elf_file_read(const struct elf_file *f, uint64_t vaddr, void *buf,
                  size_t len)
{
  size_t off;
  Elf_Data *d = data_at(f, vaddr, len, &off);

  if (!d || off > d->d_size || len > d->d_size - off)
    return -EFAULT;
  memcpy(buf, (char *)d->d_buf + off, len);
  return 0;
}

int elf_file_read_window(const struct elf_file *f, uint64_t vaddr, void *buf,
                         size_t len)
{
  size_t have = len;

  memset(buf, 0, len);
  while (have > 0 && elf_file_read(f, vaddr, buf, have) != 0)
    have--;
  return have ? 0 : -EFAULT;
}

int elf_file_write(struct elf_file *f, uint64_t vaddr, const void *buf,
                   size_t len)
{
  size_t off;
  Elf_Data *d;

  if (!f->writable)
    return -EBADF;
  d = data_at(f, vaddr, len, &off);
  if (!d || off > d->d_size || len > d->d_size - off)
    return -EFAULT;
  memcpy((char *)d->d_buf + off, buf, len);
  elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
  f->dirty = 1;
  return 0;
}

static uint64_t relative_reloc_type(uint16_t machine)
{
  const struct pulp_arch_layout *L = arch_layout(machine);

  return L ? L->reloc_relative : (uint64_t)-1;
}

/* In a shared object a pointer's value may live only in its RELA addend:
 * apply the RELATIVE relocations that fall into [start, start + 8 * n). */
static void apply_relative(const struct elf_file *f, uint64_t start,
                           uint64_t *v, size_t n)
{
  Elf_Scn *scn = NULL;
  GElf_Shdr shdr;
  uint64_t rtype = relative_reloc_type(f->ehdr.e_machine);

  while ((scn = elf_nextscn(f->elf, scn))) {
    Elf_Data *d;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_RELA ||
        !(shdr.sh_flags & SHF_ALLOC) || !shdr.sh_entsize)
      continue;
    d = elf_getdata(scn, NULL);
    for (size_t i = 0; d && i < shdr.sh_size / shdr.sh_entsize; i++) {
      GElf_Rela r;
      if (!gelf_getrela(d, (int)i, &r) || GELF_R_TYPE(r.r_info) != rtype ||
          r.r_offset < start || r.r_offset >= start + 8 * n ||
          (r.r_offset - start) % 8)
        continue;
      v[(r.r_offset - start) / 8] = (uint64_t)r.r_addend;
    }
  }
}

int elf_file_has_section(const struct elf_file *f, const char *name)
{
  GElf_Shdr shdr;
  return find_section(f, name, &shdr) != NULL;
}

int elf_file_patchable_entries(const struct elf_file *f, uint64_t **out,
                               size_t *n, struct pulp_err *e)
{
  GElf_Shdr shdr;
  Elf_Scn *scn = find_section(f, "__patchable_function_entries", &shdr);
  Elf_Data *d;
  uint64_t *v;
  size_t count;
  const int host_data =
      __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? ELFDATA2MSB : ELFDATA2LSB;

  if (!scn)
    return err_set(e, -ENODATA, "%s: no __patchable_function_entries section",
                   f->path);
  d = elf_getdata(scn, NULL); /* translated to host byte order */
  if (!d || !d->d_buf) {
    *out = NULL;
    *n = 0;
    return 0;
  }
  count = d->d_size / 8;
  v = calloc(count ? count : 1, sizeof(*v));
  if (!v)
    return err_set(e, -ENOMEM, "out of memory");
  for (size_t i = 0; i < count; i++) {
    uint64_t raw;
    memcpy(&raw, (char *)d->d_buf + i * 8, 8);
    if (d->d_type == ELF_T_BYTE && f->ehdr.e_ident[EI_DATA] != host_data)
      raw = __builtin_bswap64(raw);
    v[i] = raw;
  }
  apply_relative(f, shdr.sh_addr, v, count);
  *out = v;
  *n = count;
  return 0;
}

static int each_in_table(const struct elf_file *f, Elf64_Word type,
                         int (*fn)(const char *, const struct elf_sym *,
                                   void *),
                         void *arg)
{
  GElf_Shdr shdr;
  Elf_Scn *scn = find_section_type(f, type, &shdr);
  Elf_Data *d;

  if (!scn || !(d = elf_getdata(scn, NULL)) || !shdr.sh_entsize)
    return 0;
  for (size_t i = 1; i < shdr.sh_size / shdr.sh_entsize; i++) {
    GElf_Sym sym;
    struct elf_sym es;
    const char *n;
    int r;
    if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        GELF_ST_TYPE(sym.st_info) != STT_FUNC)
      continue;
    n = elf_strptr(f->elf, shdr.sh_link, sym.st_name);
    if (!n)
      continue;
    fill_sym(&es, &sym, type == SHT_DYNSYM);
    if ((r = fn(n, &es, arg)))
      return r;
  }
  return 0;
}

int elf_file_each_function(const struct elf_file *f,
                           int (*fn)(const char *, const struct elf_sym *,
                                     void *),
                           void *arg)
{
  int r = each_in_table(f, SHT_SYMTAB, fn, arg);
  return r ? r : each_in_table(f, SHT_DYNSYM, fn, arg);
}

/* elf_file_constructors: the function at an .init_array entry. */
struct ctor_find {
  uint64_t addr;
  const char *name;
  int have_symtab;
};

static int ctor_sym(const char *name, const struct elf_sym *sym, void *arg)
{
  struct ctor_find *c = arg;

  if (!sym->dynamic)
    c->have_symtab = 1;
  if (sym->value == c->addr && !c->name)
    c->name = name;
  return 0;
}

int elf_file_constructors(const struct elf_file *f, char *names, size_t max)
{
  GElf_Shdr shdr;
  Elf_Scn *scn = find_section_type(f, SHT_INIT_ARRAY, &shdr);
  int n = 0, defaults = 0, symtab = 0;

  if (max)
    names[0] = '\0';
  if (!scn)
    return 0;
  for (uint64_t off = 0; off + 8 <= shdr.sh_size; off += 8) {
    uint8_t b[8];
    uint64_t v = 0;
    struct ctor_find c = {0};
    if (elf_file_read(f, shdr.sh_addr + off, b, 8))
      break;
    for (int i = 0; i < 8; i++)
      v |= (uint64_t)b[elf_file_big_endian(f) ? 7 - i : i] << (8 * i);
    c.addr = v;
    elf_file_each_function(f, ctor_sym, &c);
    symtab |= c.have_symtab;
    /* crtbegin's frame_dummy is in every GCC-linked object. */
    if (c.name && !strcmp(c.name, "frame_dummy")) {
      defaults++;
      continue;
    }
    n++;
    if (max) {
      size_t len = strlen(names);
      snprintf(names + len, max - len, "%s%s", len ? ", " : "",
               c.name ? c.name : "?");
    }
  }
  /* Stripped (no .symtab, so no frame_dummy to see): assume crtbegin's
   * entry is the first one. */
  if (!symtab && !defaults && n > 0) {
    char *comma = strchr(names, ',');
    n--;
    if (max)
      memmove(names, comma ? comma + 2 : names + strlen(names),
              strlen(comma ? comma + 2 : "") + 1);
  }
  return n;
}
