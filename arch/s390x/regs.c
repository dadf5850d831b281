/* s390x live half, tool side: save a stopped thread's whole state (PSW,
 * GPRs, access registers, orig_gpr2, FPC and FPRs, the 32 vector
 * registers, the system-call word, the signal mask), point it at the
 * runtime's trampoline, put it back. See docs/apply-protocol.md and
 * docs/pad-layouts.md (s390x). */
#define _GNU_SOURCE
#include "core/arch_live.h"

#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "live_ctx.h"

#ifndef NT_S390_SYSTEM_CALL
#define NT_S390_SYSTEM_CALL 0x307
#endif
#ifndef NT_S390_VXRS_LOW
#define NT_S390_VXRS_LOW 0x309
#endif
#ifndef NT_S390_VXRS_HIGH
#define NT_S390_VXRS_HIGH 0x30a
#endif

/* Syscall restart codes (kernel-internal, include/linux/errno.h). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define SVC_RT_SIGRETURN 0x0aad /* svc 173, for debuggers reading the frame */

/* NT_PRSTATUS: the s390_regs part of the kernel's user_regs_struct. */
struct s390_gregs {
  uint64_t psw_mask, psw_addr;
  uint64_t gprs[16];
  uint32_t acrs[16];
  uint64_t orig_gpr2;
};

/* NT_PRFPREG: s390_fp_regs. With the vector facility FPR i is the high
 * half of V i. */
struct s390_fpregs {
  uint32_t fpc, pad;
  uint64_t fprs[16];
};

/* The kernel's rt_sigframe (arch/s390/kernel/signal.c) with its
 * ucontext_extended (arch/s390/include/asm/ucontext.h), spelled with
 * fixed-size types; the offsets are live_ctx.h's. */
struct s390_ucontext {
  uint64_t uc_flags;
  uint64_t uc_link;
  struct {
    uint64_t ss_sp;
    int32_t ss_flags;
    uint64_t ss_size;
  } uc_stack;
  struct {
    uint64_t psw_mask, psw_addr;
    uint64_t gprs[16];
    uint32_t acrs[16];
    struct s390_fpregs fp;
  } uc_mcontext;
  uint64_t uc_sigmask;
  uint8_t unused[128 - 8];
  struct {
    uint64_t vxrs_low[16];
    uint8_t vxrs_high[16][16];
    uint8_t reserved[128];
  } uc_mcontext_ext;
};

struct s390_rt_sigframe {
  uint8_t callee_used_stack[160];
  uint16_t svc_insn;
  uint8_t info[128] __attribute__((aligned(8))); /* siginfo_t */
  struct s390_ucontext uc;
};

#define UC_VXRS 2 /* asm/ucontext.h: uc_mcontext_ext has vector registers */

#define FRAME_OFF(m) offsetof(struct s390_rt_sigframe, m)
_Static_assert(sizeof(struct s390_gregs) == 216, "NT_PRSTATUS size");
_Static_assert(sizeof(struct s390_fpregs) == 136, "NT_PRFPREG size");
_Static_assert(FRAME_OFF(uc) == S390_CTX_UC, "uc");
_Static_assert(FRAME_OFF(uc.uc_stack) == S390_CTX_UC_STACK, "uc_stack");
_Static_assert(FRAME_OFF(uc.uc_mcontext.psw_mask) == S390_CTX_PSW_MASK, "psw");
_Static_assert(FRAME_OFF(uc.uc_mcontext.psw_addr) == S390_CTX_PSW_ADDR, "psw");
_Static_assert(FRAME_OFF(uc.uc_mcontext.gprs) == S390_CTX_GPRS, "gprs");
_Static_assert(FRAME_OFF(uc.uc_mcontext.acrs) == S390_CTX_ACRS, "acrs");
_Static_assert(FRAME_OFF(uc.uc_mcontext.fp.fpc) == S390_CTX_FPC, "fpc");
_Static_assert(FRAME_OFF(uc.uc_mcontext.fp.fprs) == S390_CTX_FPRS, "fprs");
_Static_assert(FRAME_OFF(uc.uc_sigmask) == S390_CTX_SIGMASK, "sigmask");
_Static_assert(FRAME_OFF(uc.uc_mcontext_ext.vxrs_low) == S390_CTX_VXRS_LOW,
               "vxrs_low");
_Static_assert(FRAME_OFF(uc.uc_mcontext_ext.vxrs_high) == S390_CTX_VXRS_HIGH,
               "vxrs_high");
_Static_assert(sizeof(struct s390_rt_sigframe) == S390_CTX_LEN, "frame");

struct arch_live_thread {
  struct s390_gregs regs; /* exactly as saved */
  struct s390_fpregs fp;
  uint64_t vxrs_low[16];
  uint8_t vxrs_high[16][16];
  int has_vx;           /* the machine has the vector facility */
  uint32_t system_call; /* (ilc << 16) | svc number; 0: not in a call */
  uint64_t sigmask;
};

static int regset(pid_t tid, int set, unsigned note, void *buf, size_t len,
                  const char *what, struct pulp_err *e)
{
  struct iovec v = {buf, len};

  if (ptrace(set ? PTRACE_SETREGSET : PTRACE_GETREGSET, tid,
             (void *)(uintptr_t)note, &v) < 0)
    return err_sys(e, -errno, "thread %d: %s %s", tid,
                   set ? "writing" : "reading", what);
  if (!set && v.iov_len != len)
    return err_set(e, -EIO, "thread %d: %s is %zu bytes, not %zu", tid, what,
                   v.iov_len, len);
  return 0;
}

static int set_sigmask(pid_t tid, uint64_t mask, struct pulp_err *e)
{
  if (ptrace(PTRACE_SETSIGMASK, tid, (void *)sizeof(mask), &mask) < 0)
    return err_sys(e, -errno, "thread %d: setting the signal mask", tid);
  return 0;
}

static int save_vx(pid_t tid, struct arch_live_thread *t, struct pulp_err *e)
{
  struct iovec v = {t->vxrs_low, sizeof(t->vxrs_low)};

  /* ENODEV: no vector facility; the FPRs are then the whole state. */
  if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_S390_VXRS_LOW, &v) < 0) {
    if (errno == ENODEV || errno == EINVAL)
      return 0;
    return err_sys(e, -errno, "thread %d: reading V0-V15", tid);
  }
  t->has_vx = 1;
  return regset(tid, 0, NT_S390_VXRS_HIGH, t->vxrs_high, sizeof(t->vxrs_high),
                "V16-V31", e);
}

int arch_live_save(pid_t tid, struct arch_live_thread **out, struct pulp_err *e)
{
  struct arch_live_thread *t = calloc(1, sizeof(*t));
  int rc;

  if (!t)
    return err_set(e, -ENOMEM, "out of memory");
  rc = regset(tid, 0, NT_PRSTATUS, &t->regs, sizeof(t->regs), "registers", e);
  if (rc == 0)
    rc = regset(tid, 0, NT_PRFPREG, &t->fp, sizeof(t->fp),
                "floating-point registers", e);
  if (rc == 0)
    rc = save_vx(tid, t, e);
  if (rc == 0)
    rc = regset(tid, 0, NT_S390_SYSTEM_CALL, &t->system_call,
                sizeof(t->system_call), "the system-call word", e);
  if (rc == 0 && ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(t->sigmask),
                        &t->sigmask) < 0)
    rc = err_sys(e, -errno, "thread %d: reading the signal mask", tid);
  if (rc) {
    free(t);
    return rc;
  }
  *out = t;
  return 0;
}

void arch_live_free(struct arch_live_thread *t)
{
  free(t);
}

uint64_t arch_live_pc(const struct arch_live_thread *t)
{
  return t->regs.psw_addr;
}

uint64_t arch_live_sp(const struct arch_live_thread *t)
{
  return t->regs.gprs[15];
}

uint64_t arch_live_link_reg(const struct arch_live_thread *t)
{
  return t->regs.gprs[14]; /* brasl %r14: saved by the callee's prologue */
}

int arch_live_get_pc(pid_t tid, uint64_t *pc, struct pulp_err *e)
{
  struct s390_gregs r;
  int rc = regset(tid, 0, NT_PRSTATUS, &r, sizeof(r), "registers", e);

  if (rc)
    return rc;
  *pc = r.psw_addr;
  return 0;
}

/* The PSW address and r2 as the thread resumes when no signal handler
 * runs (arch/s390/kernel/signal.c, arch_do_signal_or_restart): the kernel
 * rewinds the PSW over the svc (ilc bytes, from the system-call word) and
 * reloads r2, the first argument the call overwrote, from orig_gpr2.
 * -ERESTART_RESTARTBLOCK is the exception: the kernel resumes through the
 * vDSO's restart_syscall with restart_block.arch_data, both out of reach;
 * and rt_sigreturn, the only way back here, resets restart_block.fn to
 * do_no_restart_syscall, so a restart would return -EINTR anyway. The
 * thread gets -EINTR where it stands, as with a handler (SA_RESTART never
 * applies to these calls). */
static void resume_regs(const struct arch_live_thread *t, uint64_t *addr,
                        uint64_t *r2)
{
  *addr = t->regs.psw_addr;
  *r2 = t->regs.gprs[2];
  if (!t->system_call)
    return;
  switch ((int64_t)t->regs.gprs[2]) {
  case -ERESTARTSYS:
  case -ERESTARTNOINTR:
  case -ERESTARTNOHAND:
    *r2 = t->regs.orig_gpr2;
    *addr -= t->system_call >> 16;
    break;
  case -ERESTART_RESTARTBLOCK:
    *r2 = (uint64_t)-EINTR;
    break;
  }
}

long arch_live_encode_ctx(const struct arch_live_thread *t, void *ctx,
                          size_t max, struct pulp_err *e)
{
  struct s390_rt_sigframe *f = ctx;
  struct s390_ucontext *uc = &f->uc;

  if (max < sizeof(*f))
    return err_set(e, -E2BIG, "signal frame of %zu bytes does not fit",
                   sizeof(*f));
  memset(f, 0, sizeof(*f));
  f->svc_insn = SVC_RT_SIGRETURN;
  /* uc_stack is filled by the trampoline (sigaltstack): rt_sigreturn
   * installs it as the thread's alternate stack. */
  uc->uc_mcontext.psw_mask = t->regs.psw_mask;
  memcpy(uc->uc_mcontext.gprs, t->regs.gprs, sizeof(t->regs.gprs));
  resume_regs(t, &uc->uc_mcontext.psw_addr, &uc->uc_mcontext.gprs[2]);
  memcpy(uc->uc_mcontext.acrs, t->regs.acrs, sizeof(t->regs.acrs));
  uc->uc_mcontext.fp = t->fp;
  uc->uc_mcontext.fp.pad = 0;
  uc->uc_sigmask = t->sigmask;
  if (t->has_vx) {
    uc->uc_flags = UC_VXRS;
    memcpy(uc->uc_mcontext_ext.vxrs_low, t->vxrs_low, sizeof(t->vxrs_low));
    memcpy(uc->uc_mcontext_ext.vxrs_high, t->vxrs_high, sizeof(t->vxrs_high));
  }
  return (long)sizeof(*f);
}

int arch_live_setup_call(pid_t tid, const struct arch_live_thread *t,
                         uint64_t entry, uint64_t stack_top, struct pulp_err *e)
{
  struct s390_gregs r = t->regs; /* the PSW mask stays the thread's own */
  uint32_t no_call = 0;
  int rc;

  r.psw_addr = entry;
  r.gprs[15] = stack_top & ~15ull; /* the trampoline makes the frame */
  rc = regset(tid, 1, NT_PRSTATUS, &r, sizeof(r), "registers", e);
  /* Then no restart onto the new PSW. A tool killed in between leaves the
   * kernel rewinding entry by the svc's length: the trampoline starts
   * with a nopr there, so the thread still enters it. */
  if (rc == 0)
    rc = regset(tid, 1, NT_S390_SYSTEM_CALL, &no_call, sizeof(no_call),
                "the system-call word", e);
  /* Last the mask: a tool killed before leaves a thread in the
   * trampoline, which blocks signals itself. */
  return rc ? rc : set_sigmask(tid, ~0ull, e);
}

int arch_live_restore(pid_t tid, const struct arch_live_thread *t,
                      struct pulp_err *e)
{
  int rc;

  rc = regset(tid, 1, NT_PRFPREG, (void *)&t->fp, sizeof(t->fp),
              "floating-point registers", e);
  if (rc == 0 && t->has_vx)
    rc = regset(tid, 1, NT_S390_VXRS_LOW, (void *)t->vxrs_low,
                sizeof(t->vxrs_low), "V0-V15", e);
  if (rc == 0 && t->has_vx)
    rc = regset(tid, 1, NT_S390_VXRS_HIGH, (void *)t->vxrs_high,
                sizeof(t->vxrs_high), "V16-V31", e);
  if (rc == 0)
    rc = regset(tid, 1, NT_PRSTATUS, (void *)&t->regs, sizeof(t->regs),
                "registers", e);
  /* The saved system-call word: the kernel itself restarts an interrupted
   * call when the thread leaves this stop. */
  if (rc == 0)
    rc = regset(tid, 1, NT_S390_SYSTEM_CALL, (void *)&t->system_call,
                sizeof(t->system_call), "the system-call word", e);
  return rc ? rc : set_sigmask(tid, t->sigmask, e);
}
