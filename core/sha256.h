/* A small built-in SHA-256: the runtime verifies .ulp checksums without
 * linking a crypto library (DESIGN.md section 2). */
#ifndef PULP_CORE_SHA256_H
#define PULP_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

#endif
