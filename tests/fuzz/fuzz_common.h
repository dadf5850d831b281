/* Shared by the fuzz targets: lets mutations reach past the .ulp checksum.
 * A mutated .ulp almost never carries a valid SHA-256, so the decoder would
 * refuse it at the header and nothing behind it would be fuzzed; the
 * targets therefore also feed each input with its header (length and
 * checksum) rewritten to match its body. */
#ifndef PULP_FUZZ_COMMON_H
#define PULP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "core/ulp_format.h"

/* A malloc'd copy of data whose .ulp header agrees with its body, or NULL
 * when data does not start with the .ulp magic. */
static inline uint8_t *fuzz_fix_ulp(const uint8_t *data, size_t size)
{
  uint8_t *b;
  uint32_t n = (uint32_t)size;

  if (size < ULP_HEADER_LEN || memcmp(data, ULP_MAGIC, 8) != 0)
    return NULL;
  b = malloc(size);
  if (!b)
    return NULL;
  memcpy(b, data, size);
  for (int i = 0; i < 4; i++)
    b[12 + i] = (uint8_t)(n >> (8 * i)); /* little-endian total length */
  sha256(b + ULP_HEADER_LEN, size - ULP_HEADER_LEN, b + 16);
  return b;
}

#endif
