/* x86_64 live half, runtime side: the entry the tool points a borrowed
 * thread at. See docs/apply-protocol.md.
 *
 * On entry (set up by arch/x86_64/regs.c): rsp = 16-aligned top of the
 * runtime's hijack stack, every other register still the thread's own.
 * The thread's own stack (and its red zone) is never touched.
 *
 * pulp_remote_handle() returns only when the thread must restore itself
 * (the tool is gone or too slow); it has then copied the saved context to
 * pulp_arch_self_ctx, which is read here with rip-relative addressing only,
 * so every register can be restored before the final jump. No trap is ever
 * executed: a tracee whose tracer died would be killed by it. */
#include "live_ctx.h"

#define NR_RT_SIGPROCMASK 14
#define SIG_SETMASK 2

	.section .rodata
	.balign 8
.Lall_signals:
	.quad -1
.Lmxcsr_default:
	.long 0x1f80

	.text
	.globl pulp_arch_remote_entry
	.hidden pulp_arch_remote_entry
	.type pulp_arch_remote_entry, @function
pulp_arch_remote_entry:
	.cfi_startproc
	.cfi_undefined rip	/* unwinders stop here */
	/* Block every signal before any C runs: no handler can longjmp out of
	 * the runtime (the tool also set the mask; this covers a tool that
	 * died between setting the registers and the mask). */
	movl $NR_RT_SIGPROCMASK, %eax
	movl $SIG_SETMASK, %edi
	leaq .Lall_signals(%rip), %rsi
	xorl %edx, %edx
	movl $8, %r10d
	syscall
	/* A clean FP environment for C (x87 stack empty, default MXCSR);
	 * the thread's own is in the saved context. */
	cld
	fninit
	ldmxcsr .Lmxcsr_default(%rip)
	xorl %ebp, %ebp
	call pulp_remote_handle

	/* Self-restore from pulp_arch_self_ctx. */
	leaq pulp_arch_self_ctx(%rip), %rbx
	movl X86_CTX_RFBM(%rbx), %eax
	movl X86_CTX_RFBM+4(%rbx), %edx
	xrstor64 X86_CTX_XSAVE(%rbx)
	/* The thread's signal mask. A signal it unblocks is delivered here,
	 * on the hijack stack, before the thread's registers are back. */
	movl $NR_RT_SIGPROCMASK, %eax
	movl $SIG_SETMASK, %edi
	leaq X86_CTX_SIGMASK(%rbx), %rsi
	xorl %edx, %edx
	movl $8, %r10d
	syscall
	/* Flags (through the hijack stack), then every GPR; the base register
	 * last. Nothing below changes the flags. */
	pushq X86_CTX_REGS+X86_EFLAGS(%rbx)
	popfq
	movq X86_CTX_REGS+X86_R15(%rbx), %r15
	movq X86_CTX_REGS+X86_R14(%rbx), %r14
	movq X86_CTX_REGS+X86_R13(%rbx), %r13
	movq X86_CTX_REGS+X86_R12(%rbx), %r12
	movq X86_CTX_REGS+X86_RBP(%rbx), %rbp
	movq X86_CTX_REGS+X86_R11(%rbx), %r11
	movq X86_CTX_REGS+X86_R10(%rbx), %r10
	movq X86_CTX_REGS+X86_R9(%rbx), %r9
	movq X86_CTX_REGS+X86_R8(%rbx), %r8
	movq X86_CTX_REGS+X86_RAX(%rbx), %rax
	movq X86_CTX_REGS+X86_RCX(%rbx), %rcx
	movq X86_CTX_REGS+X86_RDX(%rbx), %rdx
	movq X86_CTX_REGS+X86_RSI(%rbx), %rsi
	movq X86_CTX_REGS+X86_RDI(%rbx), %rdi
	movq X86_CTX_REGS+X86_RSP(%rbx), %rsp
	movq X86_CTX_REGS+X86_RBX(%rbx), %rbx
	jmp *pulp_arch_self_ctx+X86_CTX_REGS+X86_RIP(%rip)
	.cfi_endproc
	.size pulp_arch_remote_entry, .-pulp_arch_remote_entry

	.section .note.GNU-stack, "", @progbits
