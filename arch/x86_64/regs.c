/* x86_64 live half, tool side: save a stopped thread's whole state (GPRs,
 * full XSAVE state incl. AVX/AVX-512, signal mask), point it at the
 * runtime's trampoline, put it back. See docs/apply-protocol.md. */
#define _GNU_SOURCE
#include "core/arch_live.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "live_ctx.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

#define XSAVE_MAX 16384
#define XSAVE_HDR 512 /* XSTATE_BV lives here, in the XSAVE header */
/* Components the trampoline restores with XRSTOR: x87, SSE, AVX, MPX,
 * AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM), PKRU. Not AMX (bits 17-18): its
 * 8 KiB tile data needs an arch_prctl permission the runtime never uses. */
#define XFEATURES_RESTORED 0x2ffull

/* Syscall restart codes (kernel-internal, include/linux/errno.h). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define NR_RESTART_SYSCALL 219

#define EFLAGS_TF 0x100ull
#define EFLAGS_RF 0x10000ull

_Static_assert(offsetof(struct user_regs_struct, rip) == X86_RIP, "rip");
_Static_assert(offsetof(struct user_regs_struct, rsp) == X86_RSP, "rsp");
_Static_assert(offsetof(struct user_regs_struct, eflags) == X86_EFLAGS, "fl");
_Static_assert(offsetof(struct user_regs_struct, orig_rax) == X86_ORIG_RAX,
               "orig_rax");
_Static_assert(offsetof(struct user_regs_struct, rbx) == X86_RBX, "rbx");
_Static_assert(offsetof(struct user_regs_struct, r8) == X86_R8, "r8");
_Static_assert(offsetof(struct user_regs_struct, rdi) == X86_RDI, "rdi");
_Static_assert(X86_CTX_REGS + sizeof(struct user_regs_struct) <= X86_CTX_XSAVE,
               "ctx layout");

struct arch_live_thread {
  struct user_regs_struct regs; /* exactly as saved */
  uint64_t sigmask;
  size_t xsave_len;
  uint8_t xsave[XSAVE_MAX] __attribute__((aligned(64)));
};

static int get_gprs(pid_t tid, struct user_regs_struct *r, struct pulp_err *e)
{
  struct iovec v = {r, sizeof(*r)};

  if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &v) < 0)
    return err_sys(e, -errno, "thread %d: reading registers", tid);
  return 0;
}

static int set_gprs(pid_t tid, const struct user_regs_struct *r,
                    struct pulp_err *e)
{
  struct iovec v = {(void *)r, sizeof(*r)};

  if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &v) < 0)
    return err_sys(e, -errno, "thread %d: writing registers", tid);
  return 0;
}

static int set_sigmask(pid_t tid, uint64_t mask, struct pulp_err *e)
{
  if (ptrace(PTRACE_SETSIGMASK, tid, (void *)sizeof(mask), &mask) < 0)
    return err_sys(e, -errno, "thread %d: setting the signal mask", tid);
  return 0;
}

int arch_live_save(pid_t tid, struct arch_live_thread **out, struct pulp_err *e)
{
  struct arch_live_thread *t = aligned_alloc(64, sizeof(*t));
  struct iovec v;
  int rc;

  if (!t)
    return err_set(e, -ENOMEM, "out of memory");
  rc = get_gprs(tid, &t->regs, e);
  if (rc)
    goto fail;
  v.iov_base = t->xsave;
  v.iov_len = sizeof(t->xsave);
  if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_X86_XSTATE, &v) < 0) {
    rc = err_sys(e, -errno, "thread %d: reading the XSAVE state", tid);
    goto fail;
  }
  t->xsave_len = v.iov_len;
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
  return t->regs.rip;
}

uint64_t arch_live_sp(const struct arch_live_thread *t)
{
  return t->regs.rsp;
}

uint64_t arch_live_link_reg(const struct arch_live_thread *t)
{
  (void)t;
  return 0; /* call pushes the return address */
}

int arch_live_get_pc(pid_t tid, uint64_t *pc, struct pulp_err *e)
{
  struct user_regs_struct r;
  int rc = get_gprs(tid, &r, e);

  if (rc)
    return rc;
  *pc = r.rip;
  return 0;
}

static uint64_t xcr0(void)
{
  uint32_t lo, hi;

  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

/* End of the last component in mask, in the XSAVE standard format.
 * Each component's end is remembered: CPUID traps to the hypervisor in a
 * VM (tens of microseconds each), and a fleet trigger asks once per
 * process. Threads racing on an entry store the same value. */
static size_t xsave_extent(uint64_t mask)
{
  static uint32_t comp_end[64]; /* 0: not asked yet */
  size_t end = XSAVE_HDR + 64;

  for (unsigned i = 2; i < 64; i++) {
    unsigned a, b, c, d;
    uint32_t ce;
    if (!(mask & (1ull << i)))
      continue;
    if (!(ce = __atomic_load_n(&comp_end[i], __ATOMIC_RELAXED))) {
      __cpuid_count(0xd, i, a, b, c, d);
      ce = b + a;
      __atomic_store_n(&comp_end[i], ce, __ATOMIC_RELAXED);
    }
    if ((size_t)ce > end)
      end = ce;
  }
  return end;
}

/* The registers as the thread resumes them when no signal handler runs:
 * the kernel's rules for an interrupted system call (arch/x86/kernel/
 * signal.c), applied here because the runtime jumps back by itself. */
static void resume_regs(const struct user_regs_struct *in,
                        struct user_regs_struct *out)
{
  *out = *in;
  if ((int64_t)in->orig_rax >= 0) {
    switch ((int64_t)in->rax) {
    case -ERESTARTSYS:
    case -ERESTARTNOINTR:
    case -ERESTARTNOHAND:
      out->rax = in->orig_rax;
      out->rip -= 2;
      break;
    case -ERESTART_RESTARTBLOCK:
      out->rax = NR_RESTART_SYSCALL;
      out->rip -= 2;
      break;
    }
  }
  out->orig_rax = (uint64_t)-1;
  out->eflags &= ~(EFLAGS_TF | EFLAGS_RF);
}

long arch_live_encode_ctx(const struct arch_live_thread *t, void *ctx,
                          size_t max, struct pulp_err *e)
{
  uint8_t *c = ctx;
  uint64_t rfbm, bv, len64;
  struct user_regs_struct r;
  size_t xlen;

  if (!(xcr0() & 1))
    return err_set(e, -ENOTSUP, "XSAVE is not enabled on this CPU");
  rfbm = xcr0() & XFEATURES_RESTORED;
  xlen = xsave_extent(rfbm);
  if (xlen > t->xsave_len)
    xlen = t->xsave_len;
  if (X86_CTX_XSAVE + xlen > max)
    return err_set(e, -E2BIG, "XSAVE state of %zu bytes does not fit", xlen);
  memset(c, 0, X86_CTX_XSAVE + xlen);
  memcpy(c + X86_CTX_RFBM, &rfbm, 8);
  memcpy(c + X86_CTX_SIGMASK, &t->sigmask, 8);
  len64 = xlen;
  memcpy(c + X86_CTX_XSAVE_LEN, &len64, 8);
  resume_regs(&t->regs, &r);
  memcpy(c + X86_CTX_REGS, &r, sizeof(r));
  memcpy(c + X86_CTX_XSAVE, t->xsave, xlen);
  /* XRSTOR faults on XSTATE_BV bits outside XCR0; keep only ours. */
  memcpy(&bv, c + X86_CTX_XSAVE + XSAVE_HDR, 8);
  bv &= rfbm;
  memcpy(c + X86_CTX_XSAVE + XSAVE_HDR, &bv, 8);
  return X86_CTX_XSAVE + (long)xlen;
}

int arch_live_setup_call(pid_t tid, const struct arch_live_thread *t,
                         uint64_t entry, uint64_t stack_top, struct pulp_err *e)
{
  struct user_regs_struct r = t->regs;
  int rc;

  r.rip = entry;
  r.rsp = stack_top & ~15ull; /* the trampoline calls C from here */
  r.rax = 0;
  r.orig_rax = (uint64_t)-1; /* no syscall restart onto the new rip */
  r.eflags = 0x202;          /* IF; DF clear as the C ABI wants */
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
  struct iovec v = {(void *)t->xsave, t->xsave_len};
  int rc;

  if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_X86_XSTATE, &v) < 0)
    return err_sys(e, -errno, "thread %d: writing the XSAVE state", tid);
  rc = set_gprs(tid, &t->regs, e);
  if (rc)
    return rc;
  return set_sigmask(tid, t->sigmask, e);
}
