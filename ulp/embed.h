/* Writes a copy of an ELF file with one more (or one replaced) non-loaded
 * section: how `ulp packer --embed` makes a single-file patch (the patch
 * object carrying its .ulp in a .pulp section). Nothing that is loaded
 * moves, so the copy's code, symbols and build-id are the original's. */
#ifndef PULP_ULP_EMBED_H
#define PULP_ULP_EMBED_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

int embed_section(const char *src, const char *dst, const char *name,
                  const uint8_t *data, size_t len, struct pulp_err *e);

#endif
