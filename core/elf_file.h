/* The one ELF reader of the tool (libelf; both byte orders, all three
 * architectures whatever the host). The runtime never uses it: it reads
 * loaded images through dl_iterate_phdr (DESIGN.md section 2). */
#ifndef PULP_CORE_ELF_FILE_H
#define PULP_CORE_ELF_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PULP_BUILD_ID_MAX 64

struct elf_file;

struct elf_sym {
  uint64_t value; /* st_value: offset from the load base (ET_DYN) */
  uint64_t size;
  int type; /* STT_* */
  int bind; /* STB_* */
  int shndx;
  int dynamic; /* found in .dynsym (exported) rather than .symtab */
};

/* Opens path read-only (writable=0) or for in-place byte edits (1). */
int elf_file_open(const char *path, int writable, struct elf_file **out,
                  struct pulp_err *e);
void elf_file_close(struct elf_file *f);

const char *elf_file_path(const struct elf_file *f);
uint16_t elf_file_machine(const struct elf_file *f); /* EM_* */
int elf_file_type(const struct elf_file *f);         /* ET_* */
int elf_file_big_endian(const struct elf_file *f);

/* Copies the GNU build-id; returns its length, 0 when there is none. */
size_t elf_file_build_id(const struct elf_file *f, uint8_t *buf, size_t max);

/* 1 for a main executable (ET_EXEC, or ET_DYN with an interpreter). */
int elf_file_is_executable(const struct elf_file *f);

/* The DT_SONAME, or NULL. */
const char *elf_file_soname(const struct elf_file *f);

/* Looks a symbol up by the descriptor spelling: "name", "name@VERS",
 * "name@@VERS", or "name,N" (the N-th, 1-based, local symbol of that name in
 * .symtab, like the kernel's sympos). Searches .dynsym, then .symtab, then
 * the separate debug file found by build-id. -ENOENT when absent, -EEXIST
 * (ambiguous: several local symbols and no ",N") with the message set. */
int elf_file_find_symbol(struct elf_file *f, const char *spec,
                         struct elf_sym *out, struct pulp_err *e);

/* Reads len bytes of the file image at virtual address vaddr (from the
 * section/segment that contains it). -EFAULT when not in the file. */
int elf_file_read(const struct elf_file *f, uint64_t vaddr, void *buf,
                  size_t len);

/* Like elf_file_read for the code window around a function: the part of
 * [vaddr, vaddr + len) past the end of the section holding vaddr reads as
 * zeros (the window may reach beyond a last, short function). */
int elf_file_read_window(const struct elf_file *f, uint64_t vaddr, void *buf,
                         size_t len);

/* Writes bytes at vaddr into the file (opened writable); persisted by
 * elf_file_close. */
int elf_file_write(struct elf_file *f, uint64_t vaddr, const void *buf,
                   size_t len);

/* 1 if the file has a section of that name. */
int elf_file_has_section(const struct elf_file *f, const char *name);

/* The pad addresses recorded in __patchable_function_entries, with
 * relative relocations applied. *out is malloc'd. -ENODATA when the section
 * is missing. */
int elf_file_patchable_entries(const struct elf_file *f, uint64_t **out,
                               size_t *n, struct pulp_err *e);

/* Calls fn for every function symbol (STT_FUNC, defined) of .symtab and
 * .dynsym; stops when fn returns non-zero and returns that value. */
int elf_file_each_function(const struct elf_file *f,
                           int (*fn)(const char *name,
                                     const struct elf_sym *sym, void *arg),
                           void *arg);

/* The constructors the object runs when it is loaded: its .init_array
 * entries other than the compiler's own (crtbegin's frame_dummy).
 * Returns how many; names gets their names, comma-separated ("?" for an
 * entry without a symbol). */
int elf_file_constructors(const struct elf_file *f, char *names, size_t max);

/* A descriptor's symbol spelling: name, name@VERS, name@@VERS or name,N
 * (the N-th definition of a local name). */
struct elf_sym_spec {
  char name[256];
  const char *version; /* points into spec; NULL when none */
  int pos;             /* 0 = not given */
};
/* Splits spec; -EINVAL when it is no valid spelling. */
int elf_sym_spec_parse(const char *spec, struct elf_sym_spec *s);

#endif
