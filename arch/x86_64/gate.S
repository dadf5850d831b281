/* x86_64 gates (docs/apply-protocol.md, "Per-patch switch without
 * stopping threads (gates)"): a fixed pool of PULP_GATES stubs in the
 * runtime's text, one per patched function for the life of the process,
 * each reading its slot {gen, from, to} in bss:
 *
 *   gate_i: endbr64
 *           movq  pulp_gate_epoch(%rip), %r11
 *           cmpq  %r11, slot_i.gen(%rip)   slot.gen > epoch: not switched
 *           ja    1f
 *           jmpq  *slot_i.to(%rip)
 *        1: jmpq  *slot_i.from(%rip)
 *
 * A gate is entered by the jump of a function's entry pad, so the state is
 * that of a function entry: r11 is scratch there in the SysV ABI (neither
 * an argument nor preserved); r10 (the static chain) and rax (the vector
 * count of a variadic call) are not touched; no stack is used. The whole
 * pool is one CFI range whose rule is the one at any function entry
 * (CFA = rsp + 8, return address at CFA - 8), so a backtrace taken inside a
 * gate (a profiler, a signal handler) unwinds to the caller. The endbr64
 * keeps a gate a valid indirect-branch target should IBT ever be enforced
 * for user space. Nothing is generated at run time: this works under
 * MemoryDenyWriteExecute. */
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
	endbr64
	movq pulp_gate_epoch(%rip), %r11
	cmpq %r11, pulp_gate_slots + SLOT_SIZE * gate_i(%rip)
	ja 1f
	jmpq *pulp_gate_slots + SLOT_SIZE * gate_i + 16(%rip)
1:	jmpq *pulp_gate_slots + SLOT_SIZE * gate_i + 8(%rip)
	.balign GATE_SIZE, 0xcc
	.set gate_i, gate_i + 1
	.endr
	.cfi_endproc
	.size pulp_gate_pool, . - pulp_gate_pool

	PULP_GATE_DATA 64, GATE_SIZE
