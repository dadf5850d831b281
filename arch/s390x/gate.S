/* s390x gates (docs/apply-protocol.md, "Per-patch switch without stopping
 * threads (gates)"; docs/pad-layouts.md, s390x "Gates"): a fixed pool of
 * PULP_GATES stubs in the runtime's text, one per patched function for the
 * life of the process, each reading its slot {gen, from, to} in bss:
 *
 *   gate_i: lgrl  %r1,pulp_gate_epoch     c4 18 ....  6
 *           clgrl %r1,slot_i.gen          c6 1a ....  6
 *           jl    1f                      a7 44 ....  4  epoch < gen: not switched
 *           lgrl  %r1,slot_i.to           c4 18 ....  6
 *           br    %r1                     07 f1       2
 *        1: lgrl  %r1,slot_i.from         c4 18 ....  6
 *           br    %r1                     07 f1       2  = 32 bytes
 *
 * A gate is entered by the pre-area's `lgrl %r1 / br %r1` (the redirect
 * of a function's pad), so the state is that of a function entry with
 * %r1 = the gate: %r1 is volatile and carries no argument (arguments
 * r2-r6, f0/f2/f4/f6, the rest on the stack), and the target is entered
 * with %r1 = its own address, exactly as from the pre-area directly.
 * %r0 (GCC's static chain), %r14 (the return address), %r15 and every
 * other register are not touched; no stack is used. The condition code is
 * volatile across a call. All operands are PC-relative (lgrl/clgrl need
 * doubleword-aligned operands: the slots are). Loads are not reordered
 * with loads on z/Architecture (Linux's smp_rmb is a compiler barrier),
 * so a gate that reads the new epoch reads the slot values stored before
 * it. The whole pool is one CFI range with the rule of any function entry
 * (CFA = %r15 + 160, return address in %r14), so a backtrace taken inside
 * a gate (a profiler, a signal handler) unwinds to the caller. Nothing is
 * generated at run time and the gates are never written: no
 * cross-modifying code, and this works under MemoryDenyWriteExecute. */
#include "../gate_data.h"

#define GATE_SIZE 32

	.section .text.pulp_gates, "ax", @progbits
	.balign GATE_SIZE
	.globl pulp_gate_pool
	.hidden pulp_gate_pool
	.type pulp_gate_pool, @function
pulp_gate_pool:
	.cfi_startproc
	.set gate_i, 0
	.rept PULP_GATES
	lgrl %r1, pulp_gate_epoch
	clgrl %r1, pulp_gate_slots + SLOT_SIZE * gate_i
	jl 1f
	lgrl %r1, pulp_gate_slots + SLOT_SIZE * gate_i + 16
	br %r1
1:	lgrl %r1, pulp_gate_slots + SLOT_SIZE * gate_i + 8
	br %r1
	/* Exactly 32 bytes; a filler (none today) would be 0x0000, an
	 * invalid opcode. */
	.balign GATE_SIZE, 0
	.set gate_i, gate_i + 1
	.endr
	.cfi_endproc
	.size pulp_gate_pool, . - pulp_gate_pool

	PULP_GATE_DATA 256, GATE_SIZE
