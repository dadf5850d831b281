/* Layout of the saved context of a borrowed thread in
 * pulp_control.ctx (x86_64). Written by the tool (regs.c), read by the
 * runtime's trampoline (trampoline.S) when it restores the thread itself.
 * Included from C and from assembly. See docs/apply-protocol.md. */
#ifndef PULP_ARCH_X86_64_LIVE_CTX_H
#define PULP_ARCH_X86_64_LIVE_CTX_H

#define X86_CTX_RFBM 0       /* u64: XRSTOR feature mask (EDX:EAX) */
#define X86_CTX_SIGMASK 8    /* u64: the thread's signal mask */
#define X86_CTX_XSAVE_LEN 16 /* u64: bytes used at X86_CTX_XSAVE */
#define X86_CTX_REGS 64      /* struct user_regs_struct, resume-adjusted */
#define X86_CTX_XSAVE 320    /* XSAVE standard format, 64-aligned */

/* Offsets inside struct user_regs_struct (asm/ptrace.h order). */
#define X86_R15 0
#define X86_R14 8
#define X86_R13 16
#define X86_R12 24
#define X86_RBP 32
#define X86_RBX 40
#define X86_R11 48
#define X86_R10 56
#define X86_R9 64
#define X86_R8 72
#define X86_RAX 80
#define X86_RCX 88
#define X86_RDX 96
#define X86_RSI 104
#define X86_RDI 112
#define X86_ORIG_RAX 120
#define X86_RIP 128
#define X86_EFLAGS 144
#define X86_RSP 152

#endif
