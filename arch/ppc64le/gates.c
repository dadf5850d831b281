/* ppc64le gates, runtime side (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"; docs/pad-layouts.md, ppc64le
 * "Gates"): the pool of gate.S and where a function's original code goes
 * on past its entry. */
#include "core/arch_live.h"

#define GATE_SIZE 72 /* as in gate.S */

extern const unsigned char pulp_gate_pool[];
extern struct pulp_gate_slot pulp_gate_slots[];
extern const uint64_t pulp_gate_pool_count;

/* The site the layout switches (docs/pad-layouts.md, ppc64le): the word
 * after the local entry's 'mflr r0', a nop or the branch to the pre-area
 * (a RAW 'bl _mcount' is never gated). */
#define SITE_LEN 4

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

/* What the nop site falls through to, entered with r0 = LR as its
 * 'mflr r0' left them and r2 its TOC: the route the call trampoline's
 * overflow takes too (call_target.c, old_body). */
uint64_t arch_live_gate_body(uint64_t site)
{
  return site + SITE_LEN;
}
