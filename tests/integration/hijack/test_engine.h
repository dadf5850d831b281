/* Request of the test engine's PULP_OP_APPLY (hijack tests only). */
#ifndef PULP_TEST_ENGINE_H
#define PULP_TEST_ENGINE_H

#include <stdint.h>

struct test_write_req {
  uint64_t addr;
  uint32_t len;
  uint32_t reserved;
  uint8_t old[16];
  uint8_t bytes[16];
  uint64_t guard_start, guard_end; /* extra guard range, 0 when none */
};

#endif
