/* What the packer reads of a patch's target library, from the library
 * itself or from what `ulp extract` wrote of it (LIB.json), so that a patch
 * can be packed where the library is not installed (docs/descriptor.md,
 * "Packing without the library"). Both give the same answers: a patch
 * packed against the JSON is byte-identical to one packed against the ELF
 * file it was extracted from. */
#ifndef PULP_ULP_LIBINFO_H
#define PULP_ULP_LIBINFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/elf_file.h"
#include "core/err.h"

#define LIBINFO_FORMAT 1

struct libinfo;

/* Opens path: an ELF file, or an extract (anything else is read as JSON). */
int libinfo_open(const char *path, struct libinfo **out, struct pulp_err *e);
void libinfo_close(struct libinfo *li);

/* The ELF file, or NULL for an extract. */
struct elf_file *libinfo_elf(const struct libinfo *li);
/* The path given to libinfo_open (for messages). */
const char *libinfo_path(const struct libinfo *li);
/* The library's file name (its basename when it was extracted). */
const char *libinfo_file_name(const struct libinfo *li);
uint16_t libinfo_machine(const struct libinfo *li);
size_t libinfo_build_id(const struct libinfo *li, uint8_t *buf, size_t max);
int libinfo_is_executable(const struct libinfo *li);
const char *libinfo_soname(const struct libinfo *li);

/* elf_file_find_symbol, elf_file_read_window and elf_file_each_function
 * over either source. */
int libinfo_find_symbol(struct libinfo *li, const char *spec,
                        struct elf_sym *out, struct pulp_err *e);
int libinfo_read_window(const struct libinfo *li, uint64_t vaddr, void *buf,
                        size_t len);
int libinfo_each_function(const struct libinfo *li,
                          int (*fn)(const char *name, const struct elf_sym *sym,
                                    void *arg),
                          void *arg);

/* ulp extract: writes the extract of the ELF file at path to out. */
int libinfo_extract(const char *path, FILE *out, struct pulp_err *e);

#endif
