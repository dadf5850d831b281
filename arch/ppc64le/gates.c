/* ppc64le gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"; docs/pad-layouts.md, "ppc64le
 * gates"): where a function's original code goes on past its entry. The
 * pool is gate.S, its accessors arch/gate_pool.c. */
#include "core/arch_live.h"

/* The site the layout switches (docs/pad-layouts.md, ppc64le): the word
 * after the local entry's 'mflr r0', a nop or the branch to the pre-area
 * (a RAW 'bl _mcount' is never gated). */
#define SITE_LEN 4

/* What the nop site falls through to, entered with r0 = LR as its
 * 'mflr r0' left them and r2 its TOC: the route the call trampoline's
 * overflow takes too (call_target.c, old_body). */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + SITE_LEN;
}
