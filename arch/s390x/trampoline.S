/* s390x live half, runtime side: the entry the tool points a borrowed
 * thread at. See docs/apply-protocol.md and live_ctx.h.
 *
 * On entry (set up by arch/s390x/regs.c): %r15 = 16-aligned top of the
 * runtime's hijack stack, every other register still the thread's own
 * (%a0/%a1, the thread pointer, in particular: C code below uses TLS).
 * The thread's own stack is never touched.
 *
 * pulp_remote_handle() returns only when the thread must restore itself
 * (the tool is gone or too slow); it has then copied the saved context, a
 * complete rt_sigframe, to pulp_arch_self_ctx. rt_sigreturn over it
 * restores every register, the branch target included, and the signal
 * mask at once: a plain br would need a register of its own. No trap is
 * ever executed: a tracee whose tracer died would be killed by it. */
#include "live_ctx.h"

#define NR_RT_SIGRETURN 173
#define NR_RT_SIGPROCMASK 175
#define NR_SIGALTSTACK 186
#define SIG_SETMASK 2
#define STACK_FRAME 160 /* register save area of a C call (ELF ABI) */

	.section .rodata
	.balign 8
.Lall_signals:
	.quad -1

	.text
	.balign 8
	/* A tool killed between writing the PSW and clearing the system-call
	 * word leaves the kernel rewinding the PSW by the svc's length (2, or
	 * 4 for an EX-ecuted svc): the thread lands here and falls into the
	 * entry. */
	nopr
	nopr
	.globl pulp_arch_remote_entry
	.hidden pulp_arch_remote_entry
	.type pulp_arch_remote_entry, @function
pulp_arch_remote_entry:
	.cfi_startproc
	.cfi_undefined %r14	/* unwinders stop here */
	/* Block every signal before any C runs: no handler can longjmp out of
	 * the runtime (the tool also set the mask; this covers a tool that
	 * died between setting the registers and the mask). */
	lghi	%r2,SIG_SETMASK
	larl	%r3,.Lall_signals
	lghi	%r4,0
	lghi	%r5,8
	svc	NR_RT_SIGPROCMASK
	/* A clean FP environment for C (round to nearest, no traps); the
	 * thread's own FPC is in the saved context. */
	lghi	%r0,0
	sfpc	%r0
	/* The C frame: register save area, back chain 0 ends the chain. */
	aghi	%r15,-STACK_FRAME
	.cfi_def_cfa_offset STACK_FRAME + 160
	xc	0(8,%r15),0(%r15)
	brasl	%r14,pulp_remote_handle

	/* Self-restore from pulp_arch_self_ctx. rt_sigreturn also installs
	 * uc_stack as the alternate signal stack: hand it the current one. */
	larl	%r15,pulp_arch_self_ctx
	lghi	%r2,0
	la	%r3,S390_CTX_UC_STACK(%r15)
	svc	NR_SIGALTSTACK
	/* %r15 = the frame: PSW, GPRs, ARs, FPC, FPRs, vector registers and
	 * the signal mask come back together. */
	svc	NR_RT_SIGRETURN
	.cfi_endproc
	.size pulp_arch_remote_entry, .-pulp_arch_remote_entry

	.section .note.GNU-stack, "", @progbits
