/* ppc64le live half, runtime side: the entry the tool points a borrowed
 * thread at. See docs/apply-protocol.md.
 *
 * On entry (set up by arch/ppc64le/regs.c): nip = r12 = this address (the
 * ELFv2 global entry convention, so the TOC can be computed), r1 = the
 * runtime's hijack stack minus a minimal frame, LR = 0, every other
 * register still the thread's own. The thread's own stack (and its
 * protected zone) is never touched.
 *
 * pulp_remote_handle() returns only when the thread must restore itself
 * (the tool is gone or too slow); it has then copied the saved context,
 * a complete struct ucontext (live_ctx.h), to pulp_arch_self_ctx. A plain
 * branch cannot bring back both CTR and LR (one of them must hold the
 * target), so the thread returns through rt_sigreturn over that ucontext:
 * the kernel loads every GPR, nip, CTR, LR, CR, XER, the FP, VMX and VSX
 * state and the signal mask at once, and marks the return as no system
 * call to restart (the tool already rewound an interrupted one). No trap
 * is ever executed: a tracee whose tracer died would be killed by it. */
#include <asm/unistd.h>

#include "live_ctx.h"

#define SIG_SETMASK 2

	.abiversion 2

	.section .rodata
	.balign 8
.Lall_signals:
	.quad -1
.Lfpscr_default:
	.quad 0

	.text
	.p2align 4
	.globl pulp_arch_remote_entry
	.hidden pulp_arch_remote_entry
	.type pulp_arch_remote_entry, @function
pulp_arch_remote_entry:
	.cfi_startproc
	.cfi_undefined 65		/* unwinders stop here */
	addis %r2, %r12, .TOC. - pulp_arch_remote_entry@ha
	addi %r2, %r2, .TOC. - pulp_arch_remote_entry@l
	/* Our frame's back chain: 0 ends the stack for backtraces. */
	li %r0, 0
	std %r0, 0(%r1)
	/* Block every signal before any C runs: no handler can longjmp out of
	 * the runtime (the tool also set the mask; this covers a tool that
	 * died between setting the registers and the mask). */
	li %r0, __NR_rt_sigprocmask
	li %r3, SIG_SETMASK
	addis %r4, %r2, .Lall_signals@toc@ha
	addi %r4, %r4, .Lall_signals@toc@l
	li %r5, 0
	li %r6, 8
	sc
	/* A clean FP environment for C (round to nearest, no exceptions
	 * enabled); the thread's own FPSCR is in the saved context. */
	addis %r3, %r2, .Lfpscr_default@toc@ha
	lfd %f0, .Lfpscr_default@toc@l(%r3)
	mtfsf 0xff, %f0
	bl pulp_remote_handle
	nop

	/* Self-restore. r31 = the ucontext (pulp_arch_self_ctx, 64-aligned). */
	addis %r31, %r2, pulp_arch_self_ctx@toc@ha
	addi %r31, %r31, pulp_arch_self_ctx@toc@l
	/* The VMX/VSX area pointer must be an address in this copy. */
	addi %r4, %r31, PPC_UC_VMX
	std %r4, PPC_UC_VREGS(%r31)
	/* uc_stack = the thread's current alternate signal stack, so that
	 * rt_sigreturn's restore_altstack changes nothing. */
	li %r0, __NR_sigaltstack
	li %r3, 0
	addi %r4, %r31, PPC_UC_STACK
	sc
	/* rt_sigreturn reads the ucontext at r1. Every signal is still
	 * blocked; the thread's own mask comes back with its registers. */
	mr %r1, %r31
	li %r0, __NR_rt_sigreturn
	sc
	/* Not reached: a bad frame kills the thread with SIGSEGV. */
	.cfi_endproc
	.size pulp_arch_remote_entry, .-pulp_arch_remote_entry

	.section .note.GNU-stack, "", @progbits
