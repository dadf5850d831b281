/* arch/s390x/regs.c without ptrace: the system-call restart rules applied
 * to the context the runtime restores by itself, that context's layout
 * (a kernel rt_sigframe, big-endian), and the self-restore itself: the
 * real arch/s390x/trampoline.S runs rt_sigreturn over an encoded context
 * and a landing pad records every register it arrives with. Runs natively
 * on s390x or under qemu-s390x (no ptrace needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <ucontext.h>

#include <cmocka.h>

#include "arch/s390x/regs.c"
#include "core/control_abi.h"

#define PSW_MASK_CC 0x0000300000000000ull
#define HWCAP_VX 2048 /* HWCAP_S390_VX */

static uint64_t be64_at(const uint8_t *p)
{
  uint64_t v = 0;

  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

static struct arch_live_thread *thread_with(uint64_t addr, uint64_t r2,
                                            uint32_t system_call)
{
  struct arch_live_thread *t = calloc(1, sizeof(*t));

  t->regs.psw_mask = 0x0705200180000000ull;
  t->regs.psw_addr = addr;
  for (int i = 0; i < 16; i++) {
    t->regs.gprs[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
    t->regs.acrs[i] = 0xa0000000u + (uint32_t)i;
    t->fp.fprs[i] = 0x4000000000000000ull + (uint64_t)i;
  }
  t->regs.gprs[2] = r2;
  t->regs.orig_gpr2 = 0xfeed;
  t->fp.fpc = 1;
  t->system_call = system_call;
  t->sigmask = 0x4000;
  return t;
}

static const uint8_t *encoded(struct arch_live_thread *t)
{
  static uint8_t ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
  struct pulp_err e;
  long len = arch_live_encode_ctx(t, ctx, sizeof(ctx), &e);

  assert_int_equal(len, S390_CTX_LEN);
  return ctx;
}

#define SVC_READ ((2u << 16) | 3u) /* ilc 2 (svc), read */
#define EX_SVC ((4u << 16) | 3u)   /* svc executed by EX: ilc 4 */

static void restart(uint64_t code, uint32_t sc, uint64_t want_addr,
                    uint64_t want_r2)
{
  struct arch_live_thread *t = thread_with(0x1000402, code, sc);
  const uint8_t *c = encoded(t);

  assert_int_equal(be64_at(c + S390_CTX_PSW_ADDR), want_addr);
  assert_int_equal(be64_at(c + S390_CTX_GPRS + 2 * 8), want_r2);
  free(t);
}

static void interrupted_syscalls_restart_as_without_handler(void **state)
{
  (void)state;
  restart((uint64_t)-512, SVC_READ, 0x1000400, 0xfeed); /* ERESTARTSYS */
  restart((uint64_t)-513, SVC_READ, 0x1000400, 0xfeed); /* ERESTARTNOINTR */
  restart((uint64_t)-514, SVC_READ, 0x1000400, 0xfeed); /* ERESTARTNOHAND */
  restart((uint64_t)-512, EX_SVC, 0x10003fe, 0xfeed);   /* rewinds the EX */
  /* ERESTART_RESTARTBLOCK: rt_sigreturn resets the restart block, so the
   * call returns -EINTR where it stands. */
  restart((uint64_t)-516, SVC_READ, 0x1000402, (uint64_t)-4);
  restart((uint64_t)-4, SVC_READ, 0x1000402, (uint64_t)-4); /* EINTR stays */
  restart(12, SVC_READ, 0x1000402, 12);                     /* a result stays */
}

static void user_mode_stop_is_not_rewound(void **state)
{
  (void)state;
  /* r2 happens to hold -ERESTARTSYS but the thread was in no call. */
  restart((uint64_t)-512, 0, 0x1000402, (uint64_t)-512);
}

static void context_is_a_big_endian_rt_sigframe(void **state)
{
  struct arch_live_thread *t = thread_with(0x1000402, 7, 0);
  const uint8_t *c;

  (void)state;
  t->has_vx = 1;
  for (int i = 0; i < 16; i++) {
    t->vxrs_low[i] = 0x5500000000000000ull + (uint64_t)i;
    memset(t->vxrs_high[i], 0x60 + i, 16);
  }
  c = encoded(t);
  assert_int_equal(be64_at(c + S390_CTX_PSW_MASK), 0x0705200180000000ull);
  assert_int_equal(be64_at(c + S390_CTX_PSW_ADDR), 0x1000402);
  assert_int_equal(be64_at(c + S390_CTX_GPRS + 15 * 8), 0x1010101010101010ull);
  assert_int_equal(c[S390_CTX_ACRS + 4 * 3 + 3], 3);
  assert_int_equal(c[S390_CTX_ACRS + 4 * 3], 0xa0);
  assert_int_equal(be64_at(c + S390_CTX_FPC) >> 32, 1);
  assert_int_equal(be64_at(c + S390_CTX_FPRS + 5 * 8), 0x4000000000000005ull);
  assert_int_equal(be64_at(c + S390_CTX_SIGMASK), 0x4000);
  assert_int_equal(be64_at(c + S390_CTX_VXRS_LOW + 9 * 8),
                   0x5500000000000009ull);
  assert_int_equal(c[S390_CTX_VXRS_HIGH + 16 * 15 + 15], 0x6f);
  assert_int_equal(be64_at(c + S390_CTX_UC_FLAGS), UC_VXRS);
  assert_int_equal(c[160], 0x0a); /* svc 173 where the kernel puts it */
  assert_int_equal(c[161], 0xad);
  free(t);
}

static void too_small_a_context_is_refused(void **state)
{
  uint8_t ctx[1024];
  struct arch_live_thread *t = thread_with(0, 0, 0);
  struct pulp_err e;

  (void)state;
  assert_int_equal(arch_live_encode_ctx(t, ctx, sizeof(ctx), &e), -E2BIG);
  free(t);
}

/* ---- the self-restore, for real ------------------------------------ */

unsigned char pulp_arch_self_ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
static uint8_t ready_ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
static int handler_saw_all_blocked;

/* What the runtime does before returning: the context is now its own. */
void pulp_remote_handle(void);
void pulp_remote_handle(void)
{
  sigset_t cur;

  sigprocmask(SIG_BLOCK, NULL, &cur);
  handler_saw_all_blocked =
      sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGTERM);
  memcpy(pulp_arch_self_ctx, ready_ctx, PULP_CTX_MAX);
}

/* What the landing pad finds, at the address it gets in %r15. */
struct landed {
  uint64_t gprs[16];
  uint32_t ipm, fpc;
  uint64_t fprs[16];
  uint8_t vrs[32][16];
  uint32_t acrs[16];
};
static struct landed landed __attribute__((aligned(8)));
static uint8_t have_vx;
/* r6-r15, f8-f15, fpc; used from the assembly only */
static uint64_t host_save[20] __attribute__((used));
static uint8_t hijack_stack[65536] __attribute__((aligned(16)));

void restore_and_land(uint64_t stack_top);
void land_rewound(void);
void land(void);

/* restore_and_land plays the tool: the borrowed thread enters the
 * trampoline with %r15 = the hijack stack. The trampoline's rt_sigreturn
 * lands at land (or land_rewound: a 2-byte lr, observable), which stores
 * everything at %r15 (= &landed), then returns to restore_and_land's
 * caller with the host's callee-saved state. */
__asm__(".machine push\n"
        ".machine \"z13\"\n"
        ".text\n"
        ".globl restore_and_land\n"
        ".type restore_and_land,@function\n"
        "restore_and_land:\n"
        "  larl %r1,host_save\n"
        "  stmg %r6,%r15,0(%r1)\n"
        "  std %f8,80(%r1)\n std %f9,88(%r1)\n std %f10,96(%r1)\n"
        "  std %f11,104(%r1)\n std %f12,112(%r1)\n std %f13,120(%r1)\n"
        "  std %f14,128(%r1)\n std %f15,136(%r1)\n stfpc 144(%r1)\n"
        "  lgr %r15,%r2\n"
        "  jg pulp_arch_remote_entry\n"
        ".globl land_rewound\n"
        "land_rewound:\n"
        "  lr %r0,%r2\n" /* 2 bytes: runs only when the PSW was rewound */
        ".globl land\n"
        "land:\n"
        "  stmg %r0,%r15,0(%r15)\n"
        "  ipm %r1\n"
        "  st %r1,128(%r15)\n"
        "  stfpc 132(%r15)\n"
        "  std %f0,136(%r15)\n std %f1,144(%r15)\n std %f2,152(%r15)\n"
        "  std %f3,160(%r15)\n std %f4,168(%r15)\n std %f5,176(%r15)\n"
        "  std %f6,184(%r15)\n std %f7,192(%r15)\n std %f8,200(%r15)\n"
        "  std %f9,208(%r15)\n std %f10,216(%r15)\n std %f11,224(%r15)\n"
        "  std %f12,232(%r15)\n std %f13,240(%r15)\n std %f14,248(%r15)\n"
        "  std %f15,256(%r15)\n"
        "  stam %a0,%a15,776(%r15)\n"
        "  larl %r1,have_vx\n"
        "  cli 0(%r1),0\n"
        "  je 1f\n"
        "  vstm %v0,%v15,264(%r15)\n"
        "  vstm %v16,%v31,520(%r15)\n"
        "1:\n"
        "  larl %r1,host_save\n"
        "  lfpc 144(%r1)\n"
        "  ld %f8,80(%r1)\n ld %f9,88(%r1)\n ld %f10,96(%r1)\n"
        "  ld %f11,104(%r1)\n ld %f12,112(%r1)\n ld %f13,120(%r1)\n"
        "  ld %f14,128(%r1)\n ld %f15,136(%r1)\n"
        "  lmg %r6,%r15,0(%r1)\n"
        "  br %r14\n"
        ".size restore_and_land,.-restore_and_land\n"
        ".machine pop\n");

_Static_assert(offsetof(struct landed, ipm) == 128, "landed");
_Static_assert(offsetof(struct landed, fprs) == 136, "landed");
_Static_assert(offsetof(struct landed, vrs) == 264, "landed");
_Static_assert(offsetof(struct landed, acrs) == 776, "landed");

static uint64_t psw_mask_now;

static void grab_psw(int sig, siginfo_t *si, void *uc)
{
  (void)sig;
  (void)si;
  psw_mask_now = ((ucontext_t *)uc)->uc_mcontext.psw.mask;
}

static void self_restore(int rewound)
{
  struct sigaction sa = {.sa_sigaction = grab_psw, .sa_flags = SA_SIGINFO};
  struct arch_live_thread *t;
  uint8_t altstack[16384];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)}, after;
  sigset_t old, cur;
  struct pulp_err e;
  uint32_t a0, a1;

  have_vx = (getauxval(AT_HWCAP) & HWCAP_VX) != 0;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  assert_true(psw_mask_now != 0);
  __asm__ volatile("ear %0,%%a0\n\tear %1,%%a1" : "=d"(a0), "=d"(a1));

  t = thread_with((uint64_t)(uintptr_t)land, rewound ? (uint64_t)-512 : 0x2222,
                  rewound ? SVC_READ : 0);
  t->regs.psw_mask = (psw_mask_now & ~PSW_MASK_CC) | (2ull << 44); /* cc 2 */
  t->regs.gprs[15] = (uint64_t)(uintptr_t)&landed;
  t->regs.acrs[0] = a0; /* the thread pointer: C runs after landing */
  t->regs.acrs[1] = a1;
  t->has_vx = have_vx;
  for (int i = 0; i < 16; i++) {
    t->vxrs_low[i] = 0x7700000000000000ull + (uint64_t)i;
    memset(t->vxrs_high[i], 0x80 + i, 16);
  }
  t->sigmask = 1ull << (SIGUSR2 - 1);
  assert_int_equal(arch_live_encode_ctx(t, ready_ctx, sizeof(ready_ctx), &e),
                   S390_CTX_LEN);

  sigaltstack(&ss, NULL);
  sigprocmask(SIG_SETMASK, NULL, &old);
  memset(&landed, 0, sizeof(landed));
  restore_and_land((uint64_t)(uintptr_t)(hijack_stack + sizeof(hijack_stack)));
  sigprocmask(SIG_SETMASK, NULL, &cur);
  sigaltstack(NULL, &after);
  sigprocmask(SIG_SETMASK, &old, NULL);

  assert_true(handler_saw_all_blocked);
  for (int i = 1; i < 16; i++)
    assert_int_equal(landed.gprs[i], i == 2 && rewound ? 0xfeed
                                     : i == 2          ? 0x2222
                                     : i == 15 ? (uint64_t)(uintptr_t)&landed
                                               : t->regs.gprs[i]);
  /* r0: the lr at land_rewound ran only when the PSW was rewound. */
  assert_int_equal(landed.gprs[0], rewound ? 0x0101010100000000ull | 0xfeed
                                           : 0x0101010101010101ull);
  assert_int_equal((landed.ipm >> 28) & 3, 2);
  assert_int_equal(landed.fpc, 1);
  for (int i = 0; i < 16; i++) {
    assert_int_equal(landed.acrs[i], t->regs.acrs[i]);
    assert_int_equal(landed.fprs[i], t->fp.fprs[i]);
  }
  if (have_vx)
    for (int i = 0; i < 16; i++) {
      assert_int_equal(be64_at(landed.vrs[i]), t->fp.fprs[i]);
      assert_int_equal(be64_at(landed.vrs[i] + 8), t->vxrs_low[i]);
      assert_memory_equal(landed.vrs[16 + i], t->vxrs_high[i], 16);
    }
  assert_true(sigismember(&cur, SIGUSR2));
  assert_false(sigismember(&cur, SIGUSR1));
  assert_ptr_equal(after.ss_sp, altstack); /* rt_sigreturn kept it */
  assert_int_equal(after.ss_size, sizeof(altstack));
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  free(t);
}

static void trampoline_restores_every_register(void **state)
{
  (void)state;
  self_restore(0);
}

static void trampoline_restarts_an_interrupted_call(void **state)
{
  (void)state;
  /* The PSW points after the svc at land_rewound: rewound onto it. */
  (void)land_rewound;
  self_restore(1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(interrupted_syscalls_restart_as_without_handler),
      cmocka_unit_test(user_mode_stop_is_not_rewound),
      cmocka_unit_test(context_is_a_big_endian_rt_sigframe),
      cmocka_unit_test(too_small_a_context_is_refused),
      cmocka_unit_test(trampoline_restores_every_register),
      cmocka_unit_test(trampoline_restarts_an_interrupted_call),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
