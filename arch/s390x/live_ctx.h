/* Layout of the saved context of a borrowed thread in pulp_control.ctx
 * (s390x, big-endian). Written by the tool (regs.c), read by the
 * runtime's trampoline (trampoline.S) when it restores the thread itself.
 *
 * The context IS a kernel rt_sigframe (arch/s390/kernel/signal.c): the
 * trampoline points %r15 at its start and issues rt_sigreturn, which
 * loads the PSW (address, condition code), the 16 GPRs, the 16 access
 * registers, the FPC and FPRs, the 32 vector registers and the signal
 * mask in one step. A branch would need a register of its own.
 *
 *   struct rt_sigframe {
 *     u8 callee_used_stack[160];      0
 *     u16 svc_insn;                 160
 *     siginfo_t info;               168  (128 bytes, not read)
 *     struct ucontext_extended uc;  296
 *   };
 *
 * Included from C and from assembly. See docs/apply-protocol.md. */
#ifndef PULP_ARCH_S390X_LIVE_CTX_H
#define PULP_ARCH_S390X_LIVE_CTX_H

#define S390_CTX_UC 296 /* struct ucontext_extended */
#define S390_CTX_UC_FLAGS (S390_CTX_UC + 0)
#define S390_CTX_UC_STACK (S390_CTX_UC + 16) /* stack_t, 24 bytes */
#define S390_CTX_MCONTEXT (S390_CTX_UC + 40) /* _sigregs */
#define S390_CTX_PSW_MASK (S390_CTX_MCONTEXT + 0)
#define S390_CTX_PSW_ADDR (S390_CTX_MCONTEXT + 8)
#define S390_CTX_GPRS (S390_CTX_MCONTEXT + 16)  /* 16 x u64 */
#define S390_CTX_ACRS (S390_CTX_MCONTEXT + 144) /* 16 x u32 */
#define S390_CTX_FPC (S390_CTX_MCONTEXT + 208)  /* u32, then u32 pad */
#define S390_CTX_FPRS (S390_CTX_MCONTEXT + 216) /* 16 x u64 */
#define S390_CTX_SIGMASK (S390_CTX_UC + 384)    /* u64 (kernel sigset_t) */
#define S390_CTX_EXT (S390_CTX_UC + 512)        /* _sigregs_ext */
#define S390_CTX_VXRS_LOW (S390_CTX_EXT + 0)    /* 16 x u64: V0-V15 low */
#define S390_CTX_VXRS_HIGH (S390_CTX_EXT + 128) /* 16 x 16: V16-V31 */
#define S390_CTX_LEN (S390_CTX_EXT + 512)

#endif
