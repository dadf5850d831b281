/* s390x gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"; docs/pad-layouts.md, "s390x:
 * gates"): where a function's original code goes on past its entry. The
 * pool is gate.S, its accessors arch/gate_pool.c. */
#include "core/arch_live.h"

/* The entry the layout switches: `brcl 0,0` (a NOP) or `brcl 15,pre`
 * (docs/pad-layouts.md, s390x); GCC emits it final, so no pad is RAW. */
#define ENTRY_LEN 6

/* What the NOP entry falls through to: the first instruction after the
 * 6-byte brcl (site is the entry itself, layout.c). */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + ENTRY_LEN;
}
