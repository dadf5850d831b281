#define _GNU_SOURCE
#include "images.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/build_id.h"
#include "core/libname.h"

struct find_ctx {
  uintptr_t base;
  int by_base;
  const uint8_t *id;
  size_t len;
  const char *name;
  struct rt_image *out;
  int found;
};

static size_t note_build_id(const struct dl_phdr_info *info, uint8_t *out,
                            size_t max)
{
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    size_t k;
    if (ph->p_type == PT_NOTE &&
        (k = pulp_notes_build_id(
             (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), ph->p_memsz,
             pulp_host_big_endian(), out, max)))
      return k;
  }
  return 0;
}

/* DT_SONAME from the image's dynamic section. The loader relocated the
 * section's addresses in place unless it is read-only; a value below the
 * load bias was left as a link-time address. */
static const char *soname_of(const struct dl_phdr_info *info)
{
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    const ElfW(Dyn) * d;
    uintptr_t strtab = 0, soname = 0;
    int has = 0;
    if (ph->p_type != PT_DYNAMIC)
      continue;
    for (d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
         d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_STRTAB)
        strtab = d->d_un.d_ptr;
      else if (d->d_tag == DT_SONAME)
        soname = d->d_un.d_val, has = 1;
    if (!has || !strtab)
      return "";
    if (strtab < info->dlpi_addr)
      strtab += info->dlpi_addr;
    return (const char *)(strtab + soname);
  }
  return "";
}

static void fill(struct dl_phdr_info *info, struct rt_image *out)
{
  out->base = info->dlpi_addr;
  out->name = info->dlpi_name ? info->dlpi_name : "";
  out->soname = soname_of(info);
  out->tls_modid = info->dlpi_tls_modid;
  out->build_id_len = note_build_id(info, out->build_id, sizeof(out->build_id));
  out->phdr = info->dlpi_phdr;
  out->phnum = info->dlpi_phnum;
}

/* Is [off, off+len) inside [start, start+size)? No overflow. */
static int within(uint64_t off, uint64_t len, uint64_t start, uint64_t size)
{
  return off >= start && len <= size && off - start <= size - len;
}

static int overlaps(uint64_t off, uint64_t len, uint64_t start, uint64_t size)
{
  uint64_t end = off + len < off ? UINT64_MAX : off + len;
  uint64_t send = start + size < start ? UINT64_MAX : start + size;
  return off < send && start < end;
}

int images_holds(const struct rt_image *img, uint64_t off, uint64_t len,
                 enum rt_seg kind)
{
  const ElfW(Phdr) *ph = img->phdr;

  if (!ph || !len)
    return 0;
  if (kind == RT_SEG_DATA)
    for (size_t i = 0; i < img->phnum; i++)
      if (ph[i].p_type == PT_GNU_RELRO &&
          overlaps(off, len, ph[i].p_vaddr, ph[i].p_memsz))
        return 0; /* read-only once relocated */
  for (size_t i = 0; i < img->phnum; i++) {
    if (ph[i].p_type != PT_LOAD ||
        !within(off, len, ph[i].p_vaddr, ph[i].p_memsz))
      continue;
    if (kind == RT_SEG_EXEC && !(ph[i].p_flags & PF_X))
      continue;
    if (kind == RT_SEG_DATA && !(ph[i].p_flags & PF_W))
      continue;
    return 1;
  }
  return 0;
}

uint64_t images_tls_size(const struct rt_image *img)
{
  const ElfW(Phdr) *ph = img->phdr;

  for (size_t i = 0; ph && i < img->phnum; i++)
    if (ph[i].p_type == PT_TLS)
      return ph[i].p_memsz;
  return 0;
}

/* Field readers in the file's byte order. */
static uint64_t get(const uint8_t *p, size_t n, int be)
{
  uint64_t v = 0;

  for (size_t i = 0; i < n; i++)
    v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
  return v;
}

static int read_at(int fd, uint64_t off, void *buf, size_t len)
{
  ssize_t n;

  if (off > (uint64_t)INT64_MAX)
    return -1;
  n = pread(fd, buf, len, (off_t)off);
  return n == (ssize_t)len ? 0 : -1;
}

size_t images_file_build_id(int fd, uint8_t *id, size_t max)
{
  uint8_t eh[64], ph[56], notes[4096];
  uint64_t phoff, phentsize, phnum;
  int be, is64;

  if (read_at(fd, 0, eh, sizeof(eh)) || memcmp(eh, ELFMAG, SELFMAG))
    return 0;
  is64 = eh[EI_CLASS] == ELFCLASS64;
  be = eh[EI_DATA] == ELFDATA2MSB;
  if ((!is64 && eh[EI_CLASS] != ELFCLASS32) ||
      (!be && eh[EI_DATA] != ELFDATA2LSB))
    return 0;
  phoff = is64 ? get(eh + 32, 8, be) : get(eh + 28, 4, be);
  phentsize = get(eh + (is64 ? 54 : 42), 2, be);
  phnum = get(eh + (is64 ? 56 : 44), 2, be);
  if (phentsize < (is64 ? 56u : 32u) || phentsize > sizeof(ph))
    return 0;
  for (uint64_t i = 0; i < phnum; i++) {
    uint64_t type, off, size;
    size_t k;
    if (read_at(fd, phoff + i * phentsize, ph, phentsize))
      return 0;
    type = get(ph, 4, be);
    off = is64 ? get(ph + 8, 8, be) : get(ph + 4, 4, be);
    size = is64 ? get(ph + 32, 8, be) : get(ph + 16, 4, be);
    if (type != PT_NOTE)
      continue;
    size = size < sizeof(notes) ? size : sizeof(notes);
    if (read_at(fd, off, notes, (size_t)size))
      continue;
    if ((k = pulp_notes_build_id(notes, (size_t)size, be, id, max)))
      return k;
  }
  return 0;
}

int images_matches(const struct rt_image *img, const char *name)
{
  char file[PATH_MAX];
  const char *path = img->name;
  ssize_t k;

  if (!*path) { /* the main executable */
    k = readlink("/proc/self/exe", file, sizeof(file) - 1);
    if (k <= 0)
      return 0;
    file[k] = '\0';
    return pulp_lib_matches(name, file, img->soname);
  }
  if (pulp_lib_matches(name, path, img->soname))
    return 1;
  /* The versioned file behind a soname link (what /proc/PID/maps shows,
   * so what `ulp trigger` matched). */
  return realpath(path, file) && pulp_lib_matches(name, file, NULL);
}

static int visit(struct dl_phdr_info *info, size_t size, void *arg)
{
  struct find_ctx *c = arg;
  struct rt_image img;

  (void)size;
  fill(info, &img);
  if (c->by_base) {
    if (img.base != c->base)
      return 0;
  } else if (c->id) {
    if (img.build_id_len != c->len || memcmp(img.build_id, c->id, c->len))
      return 0;
  } else if (!images_matches(&img, c->name)) {
    return 0;
  }
  *c->out = img;
  c->found = 1;
  return 1;
}

int images_find_by_build_id(const uint8_t *id, size_t len, struct rt_image *out)
{
  struct find_ctx c = {0, 0, id, len, NULL, out, 0};
  if (!len)
    return -ENOENT;
  dl_iterate_phdr(visit, &c);
  return c.found ? 0 : -ENOENT;
}

int images_find_by_name(const char *name, struct rt_image *out)
{
  struct find_ctx c = {0, 0, NULL, 0, name, out, 0};
  dl_iterate_phdr(visit, &c);
  return c.found ? 0 : -ENOENT;
}

int images_find_by_base(uintptr_t base, struct rt_image *out)
{
  struct find_ctx c = {base, 1, NULL, 0, NULL, out, 0};
  dl_iterate_phdr(visit, &c);
  return c.found ? 0 : -ENOENT;
}
