/* ppc64le gates (docs/apply-protocol.md, "Per-patch switch without
 * stopping threads (gates)"; docs/pad-layouts.md, ppc64le "Gates"): a
 * fixed pool of PULP_GATES stubs in the runtime's text, one per patched
 * function for the life of the process, each reading its slot
 * {gen, from, to} in bss.
 *
 * Entry state: the pad's redirect sequence (bcl; mflr r12; mtlr r0;
 * ld r12,lit; mtctr r12; bctr) enters gate i with r12 = CTR = gate i,
 * LR = r0 = the caller's return address, r2 = the patched function's TOC
 * (its global entry already ran), r1 and every argument register as the
 * caller left them. Both kinds of route expect exactly that with r12 =
 * CTR = the route: a call trampoline stub (call_tramp.S: r12 = its own
 * address, LR = r0) or the original body after the site (site + 4: its
 * 'mflr r0' ran, so it relies on r0 = LR). So a gate may use r12, CTR,
 * r0 (given back by 'mflr r0' before leaving: LR is never touched), XER
 * and CR0 (volatile, meaningless at an entry); r11 (the static chain of a
 * nested function) is kept, and no stack is used.
 *
 *   gate_i: addis r12,r12,(&slot_i.to - .)@ha
 *           addi  r12,r12,(&slot_i.to - . + 4)@l   r12 = &slot_i.to
 *           mtctr r12                              kept in CTR
 *           addis r12,r12,(&epoch - &slot_i.to)@ha (a constant)
 *           ld    r0,(&epoch - &slot_i.to)@l(r12)  r0 = epoch
 *           mfctr r12
 *           add   r12,r12,r0
 *           subf  r12,r0,r12                       same address, after epoch
 *           ld    r12,-16(r12)                     r12 = gen
 *           subfc r0,r12,r0                        CA = epoch >= gen
 *           subfe r0,r0,r0                         0 (switched) or -1
 *           sldi  r0,r0,3                          0: to, -8: from
 *           mfctr r12
 *           ldx   r12,r12,r0                       r12 = to or from
 *           mtctr r12
 *           mflr  r0                               r0 = LR, as on entry
 *           bctr                                   r12 = CTR = the route
 *
 * Ordering (POWER reorders loads): the gen load's address depends on the
 * epoch load (add/subf), and the route load's address on both, so the
 * loads happen in the order of the x86_64 gate: a thread that sees the
 * new epoch sees the gen stored before it (the commit's membarrier lies
 * between them), and one that sees a gen sees the route stored before it
 * (gates.c stores from, gen, to with release stores). No lwsync or isync
 * on the call path.
 *
 * Addressing: PC-relative from r12, like the call stubs (no 'bcl 20,31':
 * it would clobber LR). The epoch heads the same bss block as the slots,
 * so its distance from any slot is a constant of this file.
 *
 * The whole pool is one CFI range with the rule of any function entry
 * (CFA = r1, the return address in LR), so a backtrace taken inside a gate
 * unwinds to the caller. Nothing is generated at run time and the gates
 * are never written: no cross-modifying code, MDWE-safe. */
#include "../gate_data.h"

#define GATE_SIZE 72 /* 17 instructions and one trap */
#define SLOTS_OFF 128 /* the epoch alone on its cache line, then the slots */

	.abiversion 2

	.section .text.pulp_gates, "ax", @progbits
	.p2align 3
	.globl pulp_gate_pool
	.hidden pulp_gate_pool
	.type pulp_gate_pool, @function
pulp_gate_pool:
	.cfi_startproc
	.cfi_def_cfa %r1, 0
	.set gate_i, 0
	.rept PULP_GATES
	/* to_i: offset of slot i's `to` from the epoch. */
	.set to_i, SLOTS_OFF + SLOT_SIZE * gate_i + 16
	addis %r12, %r12, (pulp_gate_epoch + to_i - .)@ha
	addi %r12, %r12, (pulp_gate_epoch + to_i - . + 4)@l
	mtctr %r12
	addis %r12, %r12, (-to_i)@ha
	ld %r0, (-to_i)@l(%r12)
	mfctr %r12
	add %r12, %r12, %r0
	subf %r12, %r0, %r12
	ld %r12, -16(%r12)
	subfc %r0, %r12, %r0
	subfe %r0, %r0, %r0
	sldi %r0, %r0, 3
	mfctr %r12
	ldx %r12, %r12, %r0
	mtctr %r12
	mflr %r0
	bctr
	trap
	.set gate_i, gate_i + 1
	.endr
	.cfi_endproc
	.size pulp_gate_pool, . - pulp_gate_pool
	/* Every gate is GATE_SIZE bytes (arch/gate_pool.c computes their addresses). */
	.if (. - pulp_gate_pool) - PULP_GATES * GATE_SIZE
	.error "a gate is not GATE_SIZE bytes"
	.endif

	PULP_GATE_DATA SLOTS_OFF, GATE_SIZE
