/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel module file (.ko) as klp needs it: the "key=value" strings of its
 * .modinfo section and its GNU build-id. Read with plain <elf.h> definitions,
 * ELF32 or ELF64 in either byte order, so that an x86_64 host reads s390x
 * modules and klp runs on big-endian machines.
 */
#ifndef KLP_MODINFO_H
#define KLP_MODINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "klp.h"

struct klp_modinfo {
  char *data; /* copy of .modinfo: NUL-separated key=value strings */
  size_t len;
  char build_id[129]; /* hex, "" when the module has none */
};

/* Malformed or non-module files fail with KLP_EXIT_USAGE. */
int klp_modinfo_read(const char *path, struct klp_err *e,
                     struct klp_modinfo *mi);
int klp_modinfo_parse(const unsigned char *img, size_t size, const char *path,
                      struct klp_err *e, struct klp_modinfo *mi);
void klp_modinfo_free(struct klp_modinfo *mi);

/*
 * Values of key in order: pass NULL first, then the previous value; NULL
 * when there are no more.
 */
const char *klp_modinfo_next(const struct klp_modinfo *mi, const char *key,
                             const char *prev);
static inline const char *klp_modinfo_get(const struct klp_modinfo *mi,
                                          const char *key)
{
  return klp_modinfo_next(mi, key, NULL);
}

/* Build-id from an ELF note area; -ENOENT when there is none. */
int klp_note_build_id(const unsigned char *notes, size_t len, bool big_endian,
                      char *hex, size_t n);

#endif
