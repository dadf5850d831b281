/* ppc64le live half, tool side: save a stopped thread's whole state
 * (pt_regs incl. nip, msr, ctr, link, xer, ccr, orig_gpr3, trap; the FPRs
 * and FPSCR; VMX v0-v31, VSCR, VRSAVE; the VSX low doublewords; the signal
 * mask), point it at the runtime's trampoline, put it back. The context for
 * the runtime's self-restore is a struct ucontext (live_ctx.h).
 * See docs/apply-protocol.md. */
#define _GNU_SOURCE
#include "core/arch_live.h"

#include <asm/ptrace.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/ucontext.h>
#include <sys/uio.h>

#include "live_ctx.h"

#ifndef NT_PPC_VMX
#define NT_PPC_VMX 0x100
#endif
#ifndef NT_PPC_VSX
#define NT_PPC_VSX 0x102
#endif

/* Syscall restart codes (kernel-internal, include/linux/errno.h). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define NR_RESTART_SYSCALL 0

#define TRAP_SC 0xc00   /* system call by 'sc' */
#define TRAP_SCV 0x3000 /* system call by 'scv' */
#define TRAP_NORESTART 0x10
#define CR0_SO 0x10000000ull

#define NGPR (sizeof(struct pt_regs) / 8)

_Static_assert(offsetof(ucontext_t, uc_stack) == PPC_UC_STACK, "uc_stack");
_Static_assert(offsetof(ucontext_t, uc_sigmask) == PPC_UC_SIGMASK, "sigmask");
_Static_assert(offsetof(ucontext_t, uc_mcontext.gp_regs) == PPC_UC_GPREGS,
               "gp_regs");
_Static_assert(offsetof(ucontext_t, uc_mcontext.fp_regs) == PPC_UC_FPREGS,
               "fp_regs");
_Static_assert(offsetof(ucontext_t, uc_mcontext.v_regs) == PPC_UC_VREGS,
               "v_regs");
_Static_assert(offsetof(ucontext_t, uc_mcontext.vmx_reserve) <= PPC_UC_VMX &&
                   offsetof(ucontext_t, uc_mcontext.vmx_reserve) + 16 >
                       PPC_UC_VMX &&
                   PPC_UC_VMX % 16 == 0,
               "VMX area: the 16-aligned start of vmx_reserve");
_Static_assert(PPC_UC_VSX == PPC_UC_VMX + PPC_VMX_LEN, "VSX after VMX");
/* The kernel's vmx_reserve holds 34 + 34 + 1 + 32 doublewords. */
_Static_assert(PPC_UC_VSX + PPC_VSX_LEN <=
                       offsetof(ucontext_t, uc_mcontext.vmx_reserve) +
                           101 * 8 &&
                   PPC_UC_SIZE ==
                       offsetof(ucontext_t, uc_mcontext.vmx_reserve) + 101 * 8,
               "kernel ucontext size");
_Static_assert(NGPR <= 48 && offsetof(struct pt_regs, trap) == PT_TRAP * 8,
               "pt_regs");

struct arch_live_thread {
  struct pt_regs regs; /* exactly as saved */
  uint64_t fpr[33];    /* f0-f31, fpscr */
  uint8_t vmx[PPC_VMX_LEN] __attribute__((aligned(16)));
  uint64_t vsx[32];
  int has_vmx, has_vsx;
  uint64_t sigmask;
};

static int regset(pid_t tid, int get, long type, void *buf, size_t len)
{
  struct iovec v = {buf, len};

  return ptrace(get ? PTRACE_GETREGSET : PTRACE_SETREGSET, tid, (void *)type,
                &v);
}

static int get_gprs(pid_t tid, struct pt_regs *r, struct pulp_err *e)
{
  if (regset(tid, 1, NT_PRSTATUS, r, sizeof(*r)) < 0)
    return err_sys(e, -errno, "thread %d: reading registers", tid);
  return 0;
}

static int set_gprs(pid_t tid, const struct pt_regs *r, struct pulp_err *e)
{
  if (regset(tid, 0, NT_PRSTATUS, (void *)r, sizeof(*r)) < 0)
    return err_sys(e, -errno, "thread %d: writing registers", tid);
  return 0;
}

static int set_sigmask(pid_t tid, uint64_t mask, struct pulp_err *e)
{
  if (ptrace(PTRACE_SETSIGMASK, tid, (void *)sizeof(mask), &mask) < 0)
    return err_sys(e, -errno, "thread %d: setting the signal mask", tid);
  return 0;
}

/* VMX and VSX are optional in the ABI: ENODEV means the CPU has none. */
static int get_optional(pid_t tid, long type, void *buf, size_t len, int *has,
                        const char *what, struct pulp_err *e)
{
  *has = 0;
  if (regset(tid, 1, type, buf, len) == 0) {
    *has = 1;
    return 0;
  }
  if (errno == ENODEV || errno == EINVAL)
    return 0;
  return err_sys(e, -errno, "thread %d: reading the %s registers", tid, what);
}

int arch_live_save(pid_t tid, struct arch_live_thread **out, struct pulp_err *e)
{
  struct arch_live_thread *t = aligned_alloc(16, sizeof(*t));
  int rc;

  if (!t)
    return err_set(e, -ENOMEM, "out of memory");
  memset(t, 0, sizeof(*t));
  rc = get_gprs(tid, &t->regs, e);
  if (rc)
    goto fail;
  if (regset(tid, 1, NT_PRFPREG, t->fpr, sizeof(t->fpr)) < 0) {
    rc = err_sys(e, -errno, "thread %d: reading the FP registers", tid);
    goto fail;
  }
  rc = get_optional(tid, NT_PPC_VMX, t->vmx, sizeof(t->vmx), &t->has_vmx, "VMX",
                    e);
  if (rc == 0)
    rc = get_optional(tid, NT_PPC_VSX, t->vsx, sizeof(t->vsx), &t->has_vsx,
                      "VSX", e);
  if (rc)
    goto fail;
  if (ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(t->sigmask), &t->sigmask) <
      0) {
    rc = err_sys(e, -errno, "thread %d: reading the signal mask", tid);
    goto fail;
  }
  *out = t;
  return 0;
fail:
  free(t);
  return rc;
}

void arch_live_free(struct arch_live_thread *t)
{
  free(t);
}

uint64_t arch_live_pc(const struct arch_live_thread *t)
{
  return t->regs.nip;
}

uint64_t arch_live_sp(const struct arch_live_thread *t)
{
  return t->regs.gpr[1];
}

uint64_t arch_live_link_reg(const struct arch_live_thread *t)
{
  return t->regs.link;
}

int arch_live_get_pc(pid_t tid, uint64_t *pc, struct pulp_err *e)
{
  struct pt_regs r;
  int rc = get_gprs(tid, &r, e);

  if (rc)
    return rc;
  *pc = r.nip;
  return 0;
}

/* The registers as the thread resumes them when no signal handler runs:
 * the kernel's rules for an interrupted system call (check_syscall_restart
 * in arch/powerpc/kernel/signal.c), applied here because the runtime's
 * rt_sigreturn marks the return as not restartable. 'sc' reports an error
 * as a positive r3 with CR0.SO set, 'scv' as a negative r3. */
static void resume_regs(const struct pt_regs *in, struct pt_regs *out)
{
  uint64_t trap = in->trap & ~0x1full;
  int64_t code = 0;

  *out = *in;
  if (in->trap & TRAP_NORESTART)
    return;
  if (trap == TRAP_SC && (in->ccr & CR0_SO))
    code = (int64_t)in->gpr[3];
  else if (trap == TRAP_SCV)
    code = -(int64_t)in->gpr[3];
  switch (code) {
  case ERESTARTSYS:
  case ERESTARTNOINTR:
  case ERESTARTNOHAND:
    out->gpr[3] = in->orig_gpr3;
    out->nip -= 4;
    break;
  case ERESTART_RESTARTBLOCK:
    /* rt_sigreturn sets restart_block.fn to do_no_restart_syscall, so
     * this restart returns EINTR, as it would after a signal handler. */
    out->gpr[0] = NR_RESTART_SYSCALL;
    out->nip -= 4;
    break;
  }
}

long arch_live_encode_ctx(const struct arch_live_thread *t, void *ctx,
                          size_t max, struct pulp_err *e)
{
  uint8_t *c = ctx;
  struct pt_regs r;
  uint64_t msr;

  if (max < PPC_UC_SIZE)
    return err_set(e, -E2BIG, "a ucontext of %d bytes does not fit",
                   PPC_UC_SIZE);
  memset(c, 0, PPC_UC_SIZE);
  memcpy(c + PPC_UC_SIGMASK, &t->sigmask, 8);
  resume_regs(&t->regs, &r);
  r.trap = 0;
  r.result = 0;
  /* rt_sigreturn takes only MSR_LE from the frame, and decides by VEC and
   * VSX whether the frame's vector state is valid; TS would ask for a
   * transactional-memory restore (a ptrace stop has aborted any
   * transaction already). */
  msr = r.msr & ~(PPC_MSR_TS_MASK | PPC_MSR_VEC | PPC_MSR_VSX);
  msr |= PPC_MSR_LE; /* the one bit it takes: this backend is LE only */
  if (t->has_vmx)
    msr |= PPC_MSR_VEC;
  if (t->has_vmx && t->has_vsx)
    msr |= PPC_MSR_VSX;
  r.msr = msr;
  memcpy(c + PPC_UC_GPREGS, &r, sizeof(r));
  memcpy(c + PPC_UC_FPREGS, t->fpr, sizeof(t->fpr));
  /* NT_PPC_VMX is the kernel's vr_state (v0-v31, vscr) then vrsave in the
   * first word of a quadword: the signal frame's layout exactly. */
  memcpy(c + PPC_UC_VMX, t->vmx, PPC_VMX_LEN);
  memcpy(c + PPC_UC_VSX, t->vsx, PPC_VSX_LEN);
  return PPC_UC_SIZE;
}

int arch_live_setup_call(pid_t tid, const struct arch_live_thread *t,
                         uint64_t entry, uint64_t stack_top, struct pulp_err *e)
{
  struct pt_regs r = t->regs;
  int rc;

  r.nip = entry;
  r.gpr[12] = entry; /* global entry: the trampoline computes its TOC */
  /* ELFv2 minimal frame (back chain, CR, LR and TOC save words) for the
   * trampoline's call; the trampoline zeroes the back chain. */
  r.gpr[1] = (stack_top & ~15ull) - 32;
  r.link = 0;
  r.trap = 0; /* no syscall restart onto the new nip */
  rc = set_gprs(tid, &r, e);
  if (rc)
    return rc;
  /* After the registers: a tool killed in between leaves a thread in the
   * trampoline, which blocks signals itself, rather than a thread back in
   * its own code with every signal blocked. */
  return set_sigmask(tid, ~0ull, e);
}

int arch_live_restore(pid_t tid, const struct arch_live_thread *t,
                      struct pulp_err *e)
{
  int rc;

  if (regset(tid, 0, NT_PRFPREG, (void *)t->fpr, sizeof(t->fpr)) < 0)
    return err_sys(e, -errno, "thread %d: writing the FP registers", tid);
  if (t->has_vmx &&
      regset(tid, 0, NT_PPC_VMX, (void *)t->vmx, sizeof(t->vmx)) < 0)
    return err_sys(e, -errno, "thread %d: writing the VMX registers", tid);
  if (t->has_vsx &&
      regset(tid, 0, NT_PPC_VSX, (void *)t->vsx, sizeof(t->vsx)) < 0)
    return err_sys(e, -errno, "thread %d: writing the VSX registers", tid);
  rc = set_gprs(tid, &t->regs, e);
  if (rc)
    return rc;
  return set_sigmask(tid, t->sigmask, e);
}
