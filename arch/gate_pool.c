/* The gate pool's accessors, the same for every backend (core/arch_live.h,
 * "gates"): each arch/<arch>/gate.S exports its pool of equal-sized gates
 * (pulp_gate_pool), their slots (pulp_gate_slots) and the pool's geometry;
 * what is particular to an architecture, the gates' code and where a
 * function's original code goes on (arch_live_gate_body), stays there. */
#include "core/arch_live.h"

extern const unsigned char pulp_gate_pool[];
extern struct pulp_gate_slot pulp_gate_slots[];
extern const struct {
  uint64_t count, size;
} pulp_gate_geometry;

size_t arch_live_gate_count(void)
{
  return (size_t)pulp_gate_geometry.count;
}

uint64_t arch_live_gate_code(size_t i)
{
  return (uint64_t)(uintptr_t)(pulp_gate_pool + i * pulp_gate_geometry.size);
}

struct pulp_gate_slot *arch_live_gate_slot(size_t i)
{
  return &pulp_gate_slots[i];
}
