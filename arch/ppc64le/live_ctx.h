/* Layout of the saved context of a borrowed thread in pulp_control.ctx
 * (ppc64le). Written by the tool (regs.c), used by the runtime's trampoline
 * (trampoline.S) when it restores the thread itself. Included from C and
 * from assembly. See docs/apply-protocol.md.
 *
 * The context IS a kernel struct ucontext (arch/powerpc/include/uapi/asm/
 * ucontext.h, 64-bit): the trampoline restores it with rt_sigreturn, the
 * only way to load every register at once (CTR, LR, CR, XER, the FP, VMX
 * and VSX state and the signal mask together). regs.c checks these
 * offsets against glibc's ucontext_t, which has the same layout up to the
 * VMX area; the kernel's extends vmx_reserve by the 32 VSX doublewords. */
#ifndef PULP_ARCH_PPC64LE_LIVE_CTX_H
#define PULP_ARCH_PPC64LE_LIVE_CTX_H

#define PPC_UC_STACK 16   /* stack_t: filled by the trampoline (sigaltstack) */
#define PPC_UC_SIGMASK 40 /* u64: the thread's signal mask */
#define PPC_UC_GPREGS 232 /* u64[48]: pt_regs order (r0-r31, nip, msr, ...) */
#define PPC_UC_FPREGS 616 /* u64[33]: f0-f31, fpscr */
#define PPC_UC_VREGS                                                           \
  880                    /* pointer to the VMX area: set by the trampoline,    \
                            since only the runtime knows where the copy of     \
                            the context lives */
#define PPC_UC_VMX 896   /* 16-aligned: v0-v31, vscr, vrsave (34 x 16) */
#define PPC_UC_VSX 1440  /* u64[32]: low doublewords of vs0-vs31 */
#define PPC_UC_SIZE 1696 /* sizeof(struct ucontext) in the kernel */

#define PPC_VMX_LEN 544
#define PPC_VSX_LEN 256

/* Bits of MSR in a signal frame: rt_sigreturn takes LE from it; it loads
 * the VMX (VSX) area only when MSR_VEC (MSR_VSX) is set there; TS
 * (transactional state) bits would send rt_sigreturn down its
 * transactional-memory path. */
#define PPC_MSR_LE 1ull
#define PPC_MSR_VEC (1ull << 25)
#define PPC_MSR_VSX (1ull << 23)
#define PPC_MSR_TS_MASK (3ull << 33)

#endif
