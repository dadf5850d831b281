/* x86_64 gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"): the pool of gate.S and where a
 * function's original code goes on past its entry. */
#include "core/arch_live.h"

#define GATE_SIZE 32 /* as in gate.S */

extern const unsigned char pulp_gate_pool[];
extern struct pulp_gate_slot pulp_gate_slots[];
extern const uint64_t pulp_gate_pool_count;

/* The entry the layout switches: a 2-byte NOP or the short jump to the
 * pre-area (docs/pad-layouts.md, x86_64). */
#define ENTRY_LEN 2

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

/* After endbr64 (if any) and the 2-byte entry: a RAW pad is never gated
 * (its plan needs every thread stopped), a CLEAN or REDIRECTED entry is
 * one 2-byte instruction. */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + ENTRY_LEN;
}
