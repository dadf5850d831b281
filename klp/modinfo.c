// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modinfo.h"

/* Fixed-size reads in the file's byte order; callers check bounds. */
static uint64_t rd(const unsigned char *p, size_t size, bool be)
{
  uint64_t v = 0;

  for (size_t i = 0; i < size; i++)
    v |= (uint64_t)p[be ? i : size - 1 - i] << (8 * (size - 1 - i));
  return v;
}

#define FIELD(base, type, field, be)                                           \
  rd((base) + offsetof(type, field), sizeof(((type *)0)->field), be)

struct elf_view {
  const unsigned char *img;
  size_t size;
  bool be, is64;
};

struct section {
  uint32_t name, type;
  uint64_t offset, size;
};

static bool section_at(const struct elf_view *v, uint64_t shoff, size_t i,
                       size_t entsize, struct section *s)
{
  const unsigned char *h;

  if (shoff + (i + 1) * entsize > v->size)
    return false;
  h = v->img + shoff + i * entsize;
  if (v->is64) {
    s->name = FIELD(h, Elf64_Shdr, sh_name, v->be);
    s->type = FIELD(h, Elf64_Shdr, sh_type, v->be);
    s->offset = FIELD(h, Elf64_Shdr, sh_offset, v->be);
    s->size = FIELD(h, Elf64_Shdr, sh_size, v->be);
  } else {
    s->name = FIELD(h, Elf32_Shdr, sh_name, v->be);
    s->type = FIELD(h, Elf32_Shdr, sh_type, v->be);
    s->offset = FIELD(h, Elf32_Shdr, sh_offset, v->be);
    s->size = FIELD(h, Elf32_Shdr, sh_size, v->be);
  }
  if (s->type == SHT_NOBITS)
    s->size = 0;
  return s->offset <= v->size && s->size <= v->size - s->offset;
}

static int malformed(struct klp_err *e, const char *path, const char *why)
{
  klp_fail(e, KLP_EXIT_USAGE, EINVAL, "reading %s", path);
  klp_why(e, "%s", why);
  return -EINVAL;
}

int klp_modinfo_parse(const unsigned char *img, size_t size, const char *path,
                      struct klp_err *e, struct klp_modinfo *mi)
{
  struct elf_view v = {.img = img, .size = size};
  uint64_t shoff, shnum, shstrndx, entsize, type;
  struct section strtab;

  memset(mi, 0, sizeof(*mi));
  if ((size >= 6 && !memcmp(img,
                            "\xfd"
                            "7zXZ\0",
                            6)) ||
      (size >= 4 && !memcmp(img, "\x28\xb5\x2f\xfd", 4)) ||
      (size >= 2 && !memcmp(img, "\x1f\x8b", 2)))
    return malformed(e, path, "compressed module: decompress it first");
  if (size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
    return malformed(e, path, "not an ELF file");
  if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64)
    return malformed(e, path, "malformed ELF header (class)");
  if (img[EI_DATA] != ELFDATA2LSB && img[EI_DATA] != ELFDATA2MSB)
    return malformed(e, path, "malformed ELF header (byte order)");
  v.is64 = img[EI_CLASS] == ELFCLASS64;
  v.be = img[EI_DATA] == ELFDATA2MSB;
  if (size < (v.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
    return malformed(e, path, "truncated ELF header");
  if (v.is64) {
    type = FIELD(img, Elf64_Ehdr, e_type, v.be);
    shoff = FIELD(img, Elf64_Ehdr, e_shoff, v.be);
    shnum = FIELD(img, Elf64_Ehdr, e_shnum, v.be);
    shstrndx = FIELD(img, Elf64_Ehdr, e_shstrndx, v.be);
    entsize = FIELD(img, Elf64_Ehdr, e_shentsize, v.be);
  } else {
    type = FIELD(img, Elf32_Ehdr, e_type, v.be);
    shoff = FIELD(img, Elf32_Ehdr, e_shoff, v.be);
    shnum = FIELD(img, Elf32_Ehdr, e_shnum, v.be);
    shstrndx = FIELD(img, Elf32_Ehdr, e_shstrndx, v.be);
    entsize = FIELD(img, Elf32_Ehdr, e_shentsize, v.be);
  }
  if (type != ET_REL)
    return malformed(e, path,
                     "not a kernel module (ELF file is not "
                     "relocatable)");
  if (entsize < (v.is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
      shoff > size || shnum > (size - shoff) / entsize || shstrndx >= shnum ||
      !section_at(&v, shoff, shstrndx, entsize, &strtab))
    return malformed(e, path, "malformed ELF section headers");
  for (size_t i = 1; i < shnum; i++) {
    struct section s;
    const char *name;

    if (!section_at(&v, shoff, i, entsize, &s) || s.name >= strtab.size)
      return malformed(e, path, "malformed ELF section headers");
    name = (const char *)img + strtab.offset + s.name;
    if (!memchr(name, '\0', strtab.size - s.name))
      return malformed(e, path, "malformed ELF section names");
    if (!strcmp(name, ".modinfo") && !mi->data) {
      mi->data = malloc(s.size + 1);
      if (!mi->data)
        return klp_fail(e, 0, ENOMEM, "reading %s", path);
      memcpy(mi->data, img + s.offset, s.size);
      mi->data[s.size] = '\0';
      mi->len = s.size;
    } else if (!strcmp(name, ".note.gnu.build-id")) {
      klp_note_build_id(img + s.offset, s.size, v.be, mi->build_id,
                        sizeof(mi->build_id));
    }
  }
  if (!mi->data)
    return malformed(e, path, "not a kernel module (no .modinfo section)");
  return 0;
}

int klp_modinfo_read(const char *path, struct klp_err *e,
                     struct klp_modinfo *mi)
{
  struct stat st;
  void *img;
  int fd, r;

  memset(mi, 0, sizeof(*mi));
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r = errno;
    return klp_fail(e, r == EACCES ? KLP_EXIT_PERM : KLP_EXIT_USAGE, r,
                    "reading %s", path);
  }
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    r = S_ISDIR(st.st_mode) ? EISDIR : errno;
    close(fd);
    return klp_fail(e, KLP_EXIT_USAGE, r ? r : EINVAL, "reading %s", path);
  }
  if (st.st_size == 0) {
    close(fd);
    return malformed(e, path, "empty file");
  }
  img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  r = errno;
  close(fd);
  if (img == MAP_FAILED)
    return klp_fail(e, KLP_EXIT_USAGE, r, "reading %s", path);
  r = klp_modinfo_parse(img, (size_t)st.st_size, path, e, mi);
  munmap(img, (size_t)st.st_size);
  return r;
}

void klp_modinfo_free(struct klp_modinfo *mi)
{
  free(mi->data);
  memset(mi, 0, sizeof(*mi));
}

const char *klp_modinfo_next(const struct klp_modinfo *mi, const char *key,
                             const char *prev)
{
  size_t klen = strlen(key);
  const char *p = mi->data, *end = mi->data + mi->len;

  if (!p)
    return NULL;
  if (prev)
    p = prev + strlen(prev) + 1;
  /* Entries are NUL-terminated, possibly with NUL padding between them. */
  while (p < end) {
    size_t len = strlen(p);

    if (len > klen && !strncmp(p, key, klen) && p[klen] == '=')
      return p + klen + 1;
    p += len + 1;
  }
  return NULL;
}

int klp_note_build_id(const unsigned char *notes, size_t len, bool big_endian,
                      char *hex, size_t n)
{
  size_t off = 0;

  while (len - off >= 12 && off < len) {
    uint64_t namesz = rd(notes + off, 4, big_endian);
    uint64_t descsz = rd(notes + off + 4, 4, big_endian);
    uint64_t type = rd(notes + off + 8, 4, big_endian);
    size_t name_off = off + 12;
    size_t desc_off = name_off + ((namesz + 3) & ~(uint64_t)3);

    if (desc_off > len || descsz > len - desc_off)
      return -EINVAL;
    if (type == NT_GNU_BUILD_ID && namesz == 4 &&
        !memcmp(notes + name_off, "GNU", 4)) {
      if (2 * descsz + 1 > n || descsz == 0)
        return -EINVAL;
      for (size_t i = 0; i < descsz; i++)
        snprintf(hex + 2 * i, 3, "%02x", notes[desc_off + i]);
      return 0;
    }
    off = desc_off + ((descsz + 3) & ~(uint64_t)3);
  }
  return -ENOENT;
}
