#define _GNU_SOURCE
#include "images.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/libname.h"

struct find_ctx {
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
    const uint8_t *p, *end;
    if (ph->p_type != PT_NOTE)
      continue;
    p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
    end = p + ph->p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
      const uint8_t *name = p + sizeof(*nh);
      const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);
      if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
          memcmp(name, "GNU", 4) == 0) {
        size_t n = nh->n_descsz < max ? nh->n_descsz : max;
        memcpy(out, desc, n);
        return n;
      }
      p = desc + ((nh->n_descsz + 3) & ~3u);
    }
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
  if (c->id) {
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
  struct find_ctx c = {id, len, NULL, out, 0};
  if (!len)
    return -ENOENT;
  dl_iterate_phdr(visit, &c);
  return c.found ? 0 : -ENOENT;
}

int images_find_by_name(const char *name, struct rt_image *out)
{
  struct find_ctx c = {NULL, 0, name, out, 0};
  dl_iterate_phdr(visit, &c);
  return c.found ? 0 : -ENOENT;
}
