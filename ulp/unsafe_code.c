#include "unsafe_code.h"

#include <limits.h>
#include <string.h>

#include "core/elf_file.h"

#define STACK_SCAN_BYTES 16384

/* Entry points that take the allocator's or the loader's locks. */
static const char *const unsafe_functions[] = {
    "malloc",       "free",           "calloc",         "realloc",
    "reallocarray", "memalign",       "posix_memalign", "aligned_alloc",
    "valloc",       "pvalloc",        "malloc_trim",    "malloc_info",
    "mallinfo",     "mallinfo2",      "malloc_stats",   "dlopen",
    "dlmopen",      "dlclose",        "dlsym",          "dlvsym",
    "dladdr",       "dladdr1",        "dlinfo",         "dl_iterate_phdr",
    "fork",         "_Fork",          "pthread_create", "pthread_exit",
    "exit",         "__cxa_finalize", "__libc_freeres",
};

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

void unsafe_code_load(const struct proc *p, const struct proc_map *maps,
                      size_t n, struct unsafe_code *u)
{
  const char *libc = NULL;
  char path[PATH_MAX + 64];
  struct elf_file *f;
  uint64_t base, lo, hi;

  memset(u, 0, sizeof(*u));
  for (size_t i = 0; i < n && !libc; i++)
    if (!strncmp(base_name(maps[i].path), "libc.so", 7))
      libc = maps[i].path;
  if (!libc || proc_object_range(maps, n, libc, &base, &lo, &hi) != 0)
    return;
  proc_path(p, libc, path, sizeof(path));
  if (elf_file_open(path, 0, &f, NULL) != 0)
    return;
  for (size_t i = 0; i < sizeof(unsafe_functions) / sizeof(*unsafe_functions) &&
                     u->n < UNSAFE_CODE_MAX;
       i++) {
    struct elf_sym s;
    if (elf_file_find_symbol(f, unsafe_functions[i], &s, NULL) != 0 || !s.size)
      continue;
    u->r[u->n].lo = base + s.value;
    u->r[u->n].hi = base + s.value + s.size;
    u->r[u->n].name = unsafe_functions[i];
    u->n++;
  }
  elf_file_close(f);
}

static const char *lookup(const struct unsafe_code *u, uint64_t a, int ret)
{
  for (size_t i = 0; i < u->n; i++)
    /* A return address lies after a call, never on the entry itself. */
    if (a >= u->r[i].lo + (ret ? 1 : 0) && a < u->r[i].hi)
      return u->r[i].name;
  return NULL;
}

const char *unsafe_code_find(const struct proc *p, const struct unsafe_code *u,
                             uint64_t pc, uint64_t link, uint64_t sp)
{
  uint64_t words[512];
  const char *hit = lookup(u, pc, 0);

  if (!hit && link)
    hit = lookup(u, link, 1);
  for (uint64_t at = sp & ~7ull; !hit && at < (sp & ~7ull) + STACK_SCAN_BYTES;
       at += sizeof(words)) {
    /* Stop at the end of the stack mapping (the read fails there). */
    if (proc_read(p, at, words, sizeof(words), NULL) != 0)
      break;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words) && !hit; i++)
      hit = lookup(u, words[i], 1);
  }
  return hit;
}
