/* s390x gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"; docs/pad-layouts.md, s390x "Gates"):
 * the pool of gate.S and where a function's original code goes on past
 * its entry. */
#include "core/arch_live.h"

#define GATE_SIZE 32 /* as in gate.S */

extern const unsigned char pulp_gate_pool[];
extern struct pulp_gate_slot pulp_gate_slots[];
extern const uint64_t pulp_gate_pool_count;

/* The entry the layout switches: `brcl 0,0` (a NOP) or `brcl 15,pre`
 * (docs/pad-layouts.md, s390x); GCC emits it final, so no pad is RAW. */
#define ENTRY_LEN 6

size_t arch_live_gate_count(void)
{
  return (size_t)pulp_gate_pool_count;
}

uint64_t arch_live_gate_code(size_t i)
{
  return (uint64_t)(uintptr_t)(pulp_gate_pool + i * GATE_SIZE);
}

struct pulp_gate_slot *arch_live_gate_slot(size_t i)
{
  return &pulp_gate_slots[i];
}

/* What the NOP entry falls through to: the first instruction after the
 * 6-byte brcl (site is the entry itself, layout.c). */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + ENTRY_LEN;
}
