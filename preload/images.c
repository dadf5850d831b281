#define _GNU_SOURCE
#include "images.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

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

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static void fill(struct dl_phdr_info *info, struct rt_image *out)
{
  out->base = info->dlpi_addr;
  out->name = info->dlpi_name ? info->dlpi_name : "";
  out->tls_modid = info->dlpi_tls_modid;
  out->build_id_len = note_build_id(info, out->build_id, sizeof(out->build_id));
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
  } else {
    const char *n = img.name;
    char exe[4096];
    if (!*n) {
      ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
      if (k <= 0)
        return 0;
      exe[k] = '\0';
      n = exe;
    }
    if (strcmp(base_name(n), base_name(c->name)) != 0)
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
