/* libFuzzer target: the tool's ELF reader (core/elf_file.c over libelf), as
 * `ulp packer`, `ulp livepatchable` and `ulp dump` drive it: header facts,
 * build-id, soname, symbols by every spelling, the pad table with its
 * relocations, and reads of the code windows it names. The input is
 * written to a memfd and opened by its /proc/self/fd path. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/elf_file.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  /* No separate debug files: the lookup by build-id stays in the input. */
  setenv("PULP_DEBUG_ROOT", "/nonexistent-pulp-fuzz", 1);
  fd = memfd_create("fuzz_elf", MFD_CLOEXEC);
  if (fd < 0)
    abort();
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  return 0;
}

struct walk {
  struct elf_file *f;
  unsigned n;
};

static int each(const char *name, const struct elf_sym *sym, void *arg)
{
  struct walk *w = arg;
  struct pulp_err e = {0};
  struct elf_sym s;
  uint8_t win[64];
  char spec[300];

  if (++w->n > 64)
    return 1; /* bounded work per input */
  elf_file_find_symbol(w->f, name, &s, &e);
  snprintf(spec, sizeof(spec), "%.250s,2", name);
  elf_file_find_symbol(w->f, spec, &s, &e);
  snprintf(spec, sizeof(spec), "%.250s@@V1", name);
  elf_file_find_symbol(w->f, spec, &s, &e);
  elf_file_read_window(w->f, sym->value - 16, win, sizeof(win));
  elf_file_read(w->f, sym->value, win, sym->size < 64 ? sym->size : 64);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct pulp_err e = {0};
  struct elf_file *f;
  uint8_t id[PULP_BUILD_ID_MAX], buf[32];
  uint64_t *pads = NULL;
  size_t npads = 0;

  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  if (elf_file_open(path, 0, &f, &e) != 0) {
    if (!e.msg[0])
      abort();
    return 0;
  }
  elf_file_machine(f);
  elf_file_type(f);
  elf_file_big_endian(f);
  elf_file_build_id(f, id, sizeof(id));
  elf_file_is_executable(f);
  elf_file_soname(f);
  elf_file_has_section(f, ".text");
  if (elf_file_patchable_entries(f, &pads, &npads, &e) == 0) {
    for (size_t i = 0; i < npads && i < 64; i++)
      elf_file_read_window(f, pads[i] - 14, buf, sizeof(buf));
    free(pads);
  }
  elf_file_each_function(f, each, &(struct walk){f, 0});
  elf_file_find_symbol(f, "main", &(struct elf_sym){0}, &e);
  elf_file_find_symbol(f, "foo_value@@V1", &(struct elf_sym){0}, &e);
  elf_file_close(f);
  return 0;
}
