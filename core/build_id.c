#include "build_id.h"

#include <elf.h>
#include <string.h>

static uint32_t get32(const uint8_t *p, int be)
{
  return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                  (uint32_t)p[2] << 8 | p[3]
            : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[1] << 8 | p[0];
}

size_t pulp_notes_build_id(const uint8_t *n, size_t len, int be, uint8_t *id,
                           size_t max)
{
  size_t off = 0;

  while (off <= len && len - off >= 12) {
    uint64_t namesz = get32(n + off, be), descsz = get32(n + off + 4, be);
    uint64_t type = get32(n + off + 8, be);
    uint64_t name = off + 12, desc = name + ((namesz + 3) & ~3ull);
    if (desc > len || descsz > len - desc)
      return 0;
    if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(n + name, "GNU", 4)) {
      size_t k = descsz < max ? descsz : max;
      memcpy(id, n + desc, k);
      return k;
    }
    off = desc + ((descsz + 3) & ~3ull);
  }
  return 0;
}

int pulp_host_big_endian(void)
{
  const uint16_t one = 1;

  return *(const uint8_t *)&one == 0;
}
