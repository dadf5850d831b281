/* x86_64 gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"): where a function's original code
 * goes on past its entry. The pool is gate.S, its accessors
 * arch/gate_pool.c. */
#include "core/arch_live.h"

/* The entry the layout switches: a 2-byte NOP or the short jump to the
 * pre-area (docs/pad-layouts.md, x86_64). */
#define ENTRY_LEN 2

/* After endbr64 (if any) and the 2-byte entry: a RAW pad is never gated
 * (its plan needs every thread stopped), a CLEAN or REDIRECTED entry is
 * one 2-byte instruction. */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + ENTRY_LEN;
}
