/* ppc64le call trampoline (docs/pad-layouts.md, "ppc64le call trampoline").
 *
 * Why: the pad's redirect enters its target with r2 = the OLD library's
 * TOC and LR = the caller's return address. Jumping straight to a new
 * function in another object would return to the caller with r2 = the
 * patch's TOC, which a caller in the old library (a local call, no TOC
 * restore after its bl) would then use. So the pad enters a stub here,
 * and the common trampoline calls the new function with bctrl, keeping
 * the caller's LR, r2 and r31 on a per-thread shadow stack, and puts them
 * back when it returns. It never moves r1: arguments passed on the stack
 * (and the caller's parameter save area) reach the new function intact.
 *
 * MDWE-safe: no generated code. A pool of PPC_CALL_STUBS identical stubs
 * is assembled here; stub i differs only in the slot it addresses.
 *
 * Entry state (the pad's pre-area): r12 = CTR = stub address, LR = r0 =
 * the caller's return address, r2 = the old function's TOC, r1 = the
 * caller's stack pointer, every argument register intact. Free: r0, r12,
 * CTR (r11, the static chain, is kept).
 *
 * Async-signal safety. A handler on this thread may interrupt any
 * instruction and itself call patched functions (push, pop), but it
 * always returns (or leaves by longjmp, making our entries stale for a
 * later push, never corrupt). Invariant: every entry at or above `off`
 * has key 0, which the scan treats as live (~0 is above any r1). Hence:
 *  - push reserves (off += ENT) before filling: a handler in between sees
 *    our entry with key 0, keeps it, pushes above and pops back to it;
 *  - dropping or popping resets the key to 0 BEFORE lowering off: an
 *    entry is never free in memory while a key says it is in use;
 *  - pop reads LR, r2 and r31 out of its entry before lowering off, after
 *    which a handler may reuse the entry.
 * A handler that interrupts a scan between its load of off and its store
 * and changes off can leave key-0 entries below the new top; they hold
 * nothing anyone reads (only an entry's own call pops it, through r31)
 * and the pop of the entry beneath them frees them.
 *
 * Overflow (no entry left): the OLD function runs, entered just after its
 * redirect branch with r0 = LR as its own prologue expects: a defined,
 * correct result, only not the patched one (tests/integration/abi). */
#include "call_tramp.h"

	.abiversion 2

	.text
	.p2align 4
	.globl pulp_ppc_call_stubs
	.hidden pulp_ppc_call_stubs
	.type pulp_ppc_call_stubs, @function
pulp_ppc_call_stubs:
	.cfi_startproc			/* a stub is a function entry: CFA = r1, */
	.cfi_def_cfa %r1, 0		/* the return address in LR */
	.set .Li, 0
	.rept PPC_CALL_STUBS
	/* r12 = stub address on entry; r12 = slot i after the two adds. */
	addis %r12, %r12, (pulp_ppc_call_slots + .Li * PPC_SLOT_LEN - .)@ha
	addi %r12, %r12, (pulp_ppc_call_slots + .Li * PPC_SLOT_LEN - . + 4)@l
	b pulp_ppc_call_tramp
	.set .Li, .Li + 1
	.endr
	.cfi_endproc
	.size pulp_ppc_call_stubs, . - pulp_ppc_call_stubs

	.p2align 4
	.globl pulp_ppc_call_tramp
	.hidden pulp_ppc_call_tramp
	.type pulp_ppc_call_tramp, @function
pulp_ppc_call_tramp:
	.cfi_startproc
	/* The trampoline has no frame: r1 is the caller's. Unwinders tell
	 * frames apart by their CFA (libgcc's uw_identify_context), and a
	 * CFA of r1 would be the caller's own id, so a C++ handler in the
	 * caller would be matched at this frame (libgcc aborts). So the CFA
	 * is r1 + 16 (between r1 and the caller's CFA, at least r1 + 32) and
	 * r1 itself is described as CFA - 16, the value the caller had. */
	.cfi_def_cfa %r1, 16
	.cfi_val_offset %r1, -16
	/* Scratch: r3-r6 spilled into the protected zone below r1, which
	 * belongs to the callee (us); reloaded before the call. */
	std %r3, -8(%r1)
	std %r4, -16(%r1)
	std %r5, -24(%r1)
	std %r6, -32(%r1)
	ld %r3, PPC_SLOT_TPOFF(%r12)
	add %r3, %r3, %r13		/* r3 = this thread's shadow stack */

	/* Drop stale entries from the top. Entry key k: saved r1 = ~k.
	 * Live if saved r1 > r1 (an outer frame), or == r1 while LR is the
	 * trampoline's return label (the new function sibling-called another
	 * patched function from the trampoline's frame). Anything else was
	 * left by an exception or a longjmp. */
.Lscan:
	ld %r4, PPC_SH_OFF(%r3)
	cmpdi %r4, 0
	beq .Lpush
	add %r5, %r3, %r4
	addi %r5, %r5, PPC_SH_HDR - PPC_ENT_LEN	/* the top entry */
	ld %r6, PPC_ENT_KEY(%r5)
	not %r6, %r6
	cmpld %r6, %r1
	bgt .Lpush
	blt .Ldrop
	ld %r6, PPC_SLOT_RET(%r12)
	mflr %r0
	cmpld %r6, %r0
	beq .Lpush
.Ldrop:
	li %r6, 0
	std %r6, PPC_ENT_KEY(%r5)	/* free first, ... */
	addi %r4, %r4, -PPC_ENT_LEN
	std %r4, PPC_SH_OFF(%r3)	/* ... then lower the top */
	b .Lscan

.Lpush:
	mflr %r0			/* r0 = LR again, as the pad left it */
	cmpldi %r4, PPC_SHADOW_DEPTH * PPC_ENT_LEN
	bge .Loverflow
	addi %r6, %r4, PPC_ENT_LEN
	std %r6, PPC_SH_OFF(%r3)	/* reserve (key still 0: live) */
	add %r5, %r3, %r4
	addi %r5, %r5, PPC_SH_HDR	/* r5 = our entry */
	std %r0, PPC_ENT_LR(%r5)
	std %r2, PPC_ENT_TOC(%r5)
	std %r31, PPC_ENT_R31(%r5)
	std %r3, PPC_ENT_BASE(%r5)
	not %r6, %r1
	std %r6, PPC_ENT_KEY(%r5)
	mr %r31, %r5
	/* From here until the pop, unwinders find the caller's LR, r2 and
	 * r31 in the entry r31 points at (r31 is callee-saved, so the callee
	 * keeps it or says where it saved it):
	 * DW_CFA_expression reg, len 2, DW_OP_breg31 offset. */
	.cfi_escape 0x10, 0x41, 0x02, 0x8f, PPC_ENT_LR
	.cfi_escape 0x10, 0x02, 0x02, 0x8f, PPC_ENT_TOC
	.cfi_escape 0x10, 0x1f, 0x02, 0x8f, PPC_ENT_R31
	ld %r12, PPC_SLOT_NEW(%r12)
	mtctr %r12			/* global entry: r12 = CTR = new_fn */
	ld %r3, -8(%r1)
	ld %r4, -16(%r1)
	ld %r5, -24(%r1)
	ld %r6, -32(%r1)
	bctrl
	.globl pulp_ppc_call_tramp_ret
	.hidden pulp_ppc_call_tramp_ret
pulp_ppc_call_tramp_ret:
	/* Return values live in r3, r4, f1-f8, v2-v9: use r0, r11, r12 only. */
	ld %r0, PPC_ENT_LR(%r31)
	mtlr %r0
	.cfi_same_value 65
	ld %r2, PPC_ENT_TOC(%r31)
	.cfi_same_value 2
	ld %r12, PPC_ENT_BASE(%r31)
	ld %r11, PPC_SH_OFF(%r12)
	add %r11, %r11, %r12
	addi %r11, %r11, PPC_SH_HDR - PPC_ENT_LEN	/* the top entry */
	li %r0, 0
.Lfree:
	/* Our entry and anything a longjmp or exception left above it. */
	cmpld %r11, %r31
	blt .Lfreed
	std %r0, PPC_ENT_KEY(%r11)
	addi %r11, %r11, -PPC_ENT_LEN
	b .Lfree
.Lfreed:
	ld %r0, PPC_ENT_R31(%r31)	/* read before the entry is released */
	.cfi_register 31, 0
	subf %r11, %r12, %r31
	addi %r11, %r11, -PPC_SH_HDR
	std %r11, PPC_SH_OFF(%r12)	/* release */
	mr %r31, %r0
	.cfi_same_value 31
	blr

.Loverflow:
	/* Run the old function: its body after the redirect branch, with
	 * r0 = LR, as its 'mflr r0' left them. */
	ld %r12, PPC_SLOT_CONT(%r12)
	mtctr %r12
	ld %r3, -8(%r1)
	ld %r4, -16(%r1)
	ld %r5, -24(%r1)
	ld %r6, -32(%r1)
	bctr
	.cfi_endproc
	.size pulp_ppc_call_tramp, . - pulp_ppc_call_tramp

	.section .note.GNU-stack, "", @progbits
