/* arch/x86_64/regs.c without ptrace: the syscall-restart rules applied to
 * the context the runtime restores by itself, and that context's layout
 * (the one arch/x86_64/trampoline.S reads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/x86_64/regs.c"

static struct arch_live_thread *thread_with(uint64_t rip, uint64_t rax,
                                            uint64_t orig_rax)
{
  struct arch_live_thread *t = aligned_alloc(64, sizeof(*t));

  memset(t, 0, sizeof(*t));
  t->regs.rip = rip;
  t->regs.rax = rax;
  t->regs.orig_rax = orig_rax;
  t->regs.rsp = 0x7ffc0000;
  t->regs.eflags = 0x246 | EFLAGS_TF;
  t->sigmask = 0x4000;
  t->xsave_len = 1024;
  memset(t->xsave, 0xab, 512);   /* legacy area */
  memset(t->xsave + 512, 0, 64); /* header */
  t->xsave[512] = 0x3;           /* XSTATE_BV: x87, SSE */
  t->xsave[519] = 0x80;          /* a bit no XCR0 has */
  return t;
}

static struct user_regs_struct encoded(struct arch_live_thread *t, uint8_t *ctx)
{
  struct user_regs_struct r;
  struct pulp_err e;
  long len = arch_live_encode_ctx(t, ctx, 8192, &e);

  assert_true(len > X86_CTX_XSAVE);
  memcpy(&r, ctx + X86_CTX_REGS, sizeof(r));
  return r;
}

static void restart(uint64_t code, uint64_t want_rax, int rewind)
{
  static uint8_t ctx[8192] __attribute__((aligned(64)));
  struct arch_live_thread *t = thread_with(0x401002, code, 0 /* read */);
  struct user_regs_struct r = encoded(t, ctx);

  assert_int_equal(r.rip, rewind ? 0x401000 : 0x401002);
  assert_int_equal(r.rax, want_rax);
  assert_int_equal(r.orig_rax, (uint64_t)-1);
  free(t);
}

static void interrupted_syscalls_restart_as_without_handler(void **state)
{
  (void)state;
  restart((uint64_t)-512, 0, 1);          /* ERESTARTSYS */
  restart((uint64_t)-513, 0, 1);          /* ERESTARTNOINTR */
  restart((uint64_t)-514, 0, 1);          /* ERESTARTNOHAND */
  restart((uint64_t)-516, 219, 1);        /* ERESTART_RESTARTBLOCK */
  restart((uint64_t)-4, (uint64_t)-4, 0); /* EINTR stays */
  restart(12, 12, 0);                     /* a result stays */
}

static void user_mode_stop_is_not_rewound(void **state)
{
  static uint8_t ctx[8192] __attribute__((aligned(64)));
  struct arch_live_thread *t = thread_with(0x401002, (uint64_t)-512, -1);
  struct user_regs_struct r = encoded(t, ctx);

  (void)state;
  assert_int_equal(r.rip, 0x401002);
  assert_int_equal(r.rax, (uint64_t)-512);
  free(t);
}

static void context_layout_matches_trampoline(void **state)
{
  static uint8_t ctx[8192] __attribute__((aligned(64)));
  struct arch_live_thread *t = thread_with(0x401002, 7, -1);
  struct user_regs_struct r = encoded(t, ctx);
  uint64_t rfbm, mask, bv;

  (void)state;
  memcpy(&rfbm, ctx + X86_CTX_RFBM, 8);
  memcpy(&mask, ctx + X86_CTX_SIGMASK, 8);
  memcpy(&bv, ctx + X86_CTX_XSAVE + 512, 8);
  assert_int_equal(rfbm & 3, 3);         /* x87 and SSE restored */
  assert_int_equal(rfbm & ~0x2ffull, 0); /* never AMX */
  assert_int_equal(mask, 0x4000);
  assert_int_equal(bv & ~rfbm, 0); /* XRSTOR would fault */
  assert_int_equal(ctx[X86_CTX_XSAVE], 0xab);
  assert_int_equal(r.rsp, 0x7ffc0000);
  assert_int_equal(r.eflags & EFLAGS_TF, 0); /* no trap after popfq */
  assert_int_equal(X86_CTX_XSAVE % 64, 0);
  free(t);
}

static void too_small_a_context_is_refused(void **state)
{
  uint8_t ctx[512];
  struct arch_live_thread *t = thread_with(0, 0, -1);
  struct pulp_err e;

  (void)state;
  assert_int_equal(arch_live_encode_ctx(t, ctx, sizeof(ctx), &e), -E2BIG);
  free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(interrupted_syscalls_restart_as_without_handler),
      cmocka_unit_test(user_mode_stop_is_not_rewound),
      cmocka_unit_test(context_layout_matches_trampoline),
      cmocka_unit_test(too_small_a_context_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
