/* For code that holds a libelf handle of its own (ulp/extract.c reads
 * debug files that way): the lookups core/elf_file.c makes, on an Elf *. */
#ifndef PULP_CORE_ELF_RAW_H
#define PULP_CORE_ELF_RAW_H

#include <gelf.h>

/* The first section of that type, its header in *sh; NULL when none. */
Elf_Scn *elf_section_of_type(Elf *elf, Elf64_Word type, GElf_Shdr *sh);

/* The version name of .dynsym entry idx (NULL when none) and whether it is
 * hidden (name@VER: not the default version a new link binds to). */
const char *elf_dynsym_version(Elf *elf, size_t idx, int *hidden);

#endif
