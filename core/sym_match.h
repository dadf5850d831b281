/* Which symbol a descriptor's spelling (struct elf_sym_spec) names, as one
 * rule for every reader of symbol tables: the ELF reader (core/elf_file.c)
 * and the reader of extracts (ulp/libinfo.c). Feed the defined symbols of
 * one table in order; .dynsym entries match by exact name and version
 * (unversioned: the default version), .symtab entries spell versions as
 * name@VER or name@@VER, and a local name must be unique unless ",N" says
 * which definition. */
#ifndef PULP_CORE_SYM_MATCH_H
#define PULP_CORE_SYM_MATCH_H

#include <stddef.h>

#include "core/elf_file.h"
#include "core/err.h"

struct sym_match {
  const struct elf_sym_spec *spec;
  int dynamic;   /* .dynsym: versions come from the callback */
  int nlocal;    /* locals of that name seen so far */
  int has_first; /* first: the first such local */
  size_t first;
};

/* The version name of entry i and whether it is hidden (name@VER, not the
 * default); asked only for a .dynsym entry whose name matches. */
typedef const char *sym_version_fn(void *ctx, size_t i, int *hidden);

void sym_match_begin(struct sym_match *m, const struct elf_sym_spec *s,
                     int dynamic);
/* Defined symbol i, called name: 1 when it is the one asked for (stop). */
int sym_match_next(struct sym_match *m, size_t i, const char *name, int local,
                   sym_version_fn *version, void *ctx);
/* After the table's last symbol: 1 with *i the unique local of that name,
 * 0 when the table has none, or an error naming path. */
int sym_match_end(const struct sym_match *m, const char *path, size_t *i,
                  struct pulp_err *e);

#endif
