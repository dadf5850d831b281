/* The ppc64le gate stubs themselves (arch/ppc64le/gate.S; docs/pad-layouts.md,
 * ppc64le "Gates"): gate i reads slot i only, goes to `from` while
 * slot.gen > epoch and to `to` from the instant the epoch reaches gen, and
 * leaves its route in the state of a redirected entry: r12 = CTR = the
 * route, r0 = LR = the caller's return address, r2 (the TOC), r11 (static
 * chain), r3-r10 and f1-f13 as the caller left them, stack arguments and
 * return values untouched. The routes are the real kinds: C functions
 * (their global entry computes their TOC from r12), the original body
 * after the site (relies on r0 = LR) and a call trampoline stub
 * (call_tramp.S). Runs under qemu-ppc64le. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arch_live.h"
#include "core/err.h"

/* ---- assembly helpers ------------------------------------------------
 * gate_call_regs(gate, f1..f13): calls gate with r0 = 999, r2 = 2222,
 * r3-r10 = 303..310, r11 = 1111, r12 = CTR = gate and the caller's f1-f13;
 * returns the callee's r3. The caller's TOC is put back after the call.
 *
 * probe: records what it was entered with into probe_seen[]:
 * 0 r12, 1 r0, 2 LR, 3 CTR, 4 r2, 5 r11, 6-13 r3-r10, 14-26 f1-f13 (bits);
 * addresses its record from r12 (a wrong r12 does not record), returns 77.
 *
 * old_fn: a function shaped like a pad's local entry with a CLEAN site
 * ('mflr r0; nop'); its body after the site relies on r0 = LR (mtlr r0;
 * blr) and returns 4242. (push/popsection: GCC's own output goes on in
 * the section it was in.) */
__asm__("  .pushsection .text\n"
        "  .p2align 4\n"
        "  .globl gate_call_regs\n"
        "  .type gate_call_regs, @function\n"
        "gate_call_regs:\n"
        "  mflr 0\n"
        "  std 0, 16(1)\n"
        "  std 2, 24(1)\n"
        "  stdu 1, -32(1)\n"
        "  mr 12, 3\n"
        "  mtctr 12\n"
        "  li 0, 999\n"
        "  li 2, 2222\n"
        "  li 3, 303\n"
        "  li 4, 304\n"
        "  li 5, 305\n"
        "  li 6, 306\n"
        "  li 7, 307\n"
        "  li 8, 308\n"
        "  li 9, 309\n"
        "  li 10, 310\n"
        "  li 11, 1111\n"
        "  bctrl\n"
        "  .globl gate_call_ret\n"
        "gate_call_ret:\n"
        "  addi 1, 1, 32\n"
        "  ld 0, 16(1)\n"
        "  mtlr 0\n"
        "  ld 2, 24(1)\n"
        "  blr\n"
        "  .size gate_call_regs, . - gate_call_regs\n"
        "\n"
        "  .p2align 4\n"
        "  .globl probe\n"
        "  .type probe, @function\n"
        "probe:\n"
        "  std 12, -8(1)\n"
        "  addis 12, 12, (probe_seen - . + 4)@ha\n"
        "  addi 12, 12, (probe_seen - . + 8)@l\n"
        "  std 0, 8(12)\n"
        "  mflr 0\n"
        "  std 0, 16(12)\n"
        "  mfctr 0\n"
        "  std 0, 24(12)\n"
        "  std 2, 32(12)\n"
        "  std 11, 40(12)\n"
        "  std 3, 48(12)\n"
        "  std 4, 56(12)\n"
        "  std 5, 64(12)\n"
        "  std 6, 72(12)\n"
        "  std 7, 80(12)\n"
        "  std 8, 88(12)\n"
        "  std 9, 96(12)\n"
        "  std 10, 104(12)\n"
        "  stfd 1, 112(12)\n"
        "  stfd 2, 120(12)\n"
        "  stfd 3, 128(12)\n"
        "  stfd 4, 136(12)\n"
        "  stfd 5, 144(12)\n"
        "  stfd 6, 152(12)\n"
        "  stfd 7, 160(12)\n"
        "  stfd 8, 168(12)\n"
        "  stfd 9, 176(12)\n"
        "  stfd 10, 184(12)\n"
        "  stfd 11, 192(12)\n"
        "  stfd 12, 200(12)\n"
        "  stfd 13, 208(12)\n"
        "  ld 0, -8(1)\n"
        "  std 0, 0(12)\n"
        "  li 3, 77\n"
        "  blr\n"
        "  .size probe, . - probe\n"
        "\n"
        "  .p2align 4\n"
        "  .globl old_fn\n"
        "  .type old_fn, @function\n"
        "old_fn:\n"
        "  mflr 0\n"
        "  nop\n"
        "  mtlr 0\n"
        "  li 3, 4242\n"
        "  blr\n"
        "  .size old_fn, . - old_fn\n"
        "\n"
        "  .data\n"
        "  .p2align 3\n"
        "  .globl probe_seen\n"
        "probe_seen:\n"
        "  .zero 27 * 8\n"
        "  .popsection\n");

extern long gate_call_regs(uint64_t gate, double, double, double, double,
                           double, double, double, double, double, double,
                           double, double, double);
extern const char gate_call_ret[], probe[], old_fn[];
extern uint64_t probe_seen[27];

static const double fargs[13] = {1.5, -2.25, 3.125, 4e10, -5e-3, 6.0,    7.75,
                                 8.5, 9.25,  1e100, -11., 12.5,  13.0625};

/* ---- C routes: ten integer arguments (two on the stack), thirteen FP
 * arguments, a global read through the callee's own TOC. ------------- */
typedef long (*fnw)(long, long, long, long, long, long, long, long, long, long,
                    double, double, double, double, double, double, double,
                    double, double, double, double, double, double);
typedef double (*fnd)(double, double);

static volatile long toc_probe = 100000000; /* addressed through r2 */

__attribute__((noinline)) static long
sum(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
    long a9, long a10, double d1, double d2, double d3, double d4, double d5,
    double d6, double d7, double d8, double d9, double d10, double d11,
    double d12, double d13)
{
  long s = a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8 +
           9 * a9 + 10 * a10;
  double f = d1 + 2 * d2 + 3 * d3 + 4 * (d4 / 1e10) + 5 * (d5 * 1e3) + 6 * d6 +
             7 * d7 + 8 * d8 + 9 * d9 + 10 * (d10 / 1e100) + 11 * d11 +
             12 * d12 + 13 * d13;
  return s * 1000 + (long)(f * 16);
}

/* Not static, built as separate functions with global entries: each sets
 * its TOC from r12 and reads toc_probe through it. */
long from_fn(long a1, long a2, long a3, long a4, long a5, long a6, long a7,
             long a8, long a9, long a10, double d1, double d2, double d3,
             double d4, double d5, double d6, double d7, double d8, double d9,
             double d10, double d11, double d12, double d13);
long to_fn(long a1, long a2, long a3, long a4, long a5, long a6, long a7,
           long a8, long a9, long a10, double d1, double d2, double d3,
           double d4, double d5, double d6, double d7, double d8, double d9,
           double d10, double d11, double d12, double d13);

__attribute__((noinline)) long
from_fn(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
        long a9, long a10, double d1, double d2, double d3, double d4,
        double d5, double d6, double d7, double d8, double d9, double d10,
        double d11, double d12, double d13)
{
  return toc_probe + sum(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, d1, d2, d3,
                         d4, d5, d6, d7, d8, d9, d10, d11, d12, d13);
}

__attribute__((noinline)) long
to_fn(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
      long a9, long a10, double d1, double d2, double d3, double d4, double d5,
      double d6, double d7, double d8, double d9, double d10, double d11,
      double d12, double d13)
{
  return -toc_probe - sum(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, d1, d2, d3,
                          d4, d5, d6, d7, d8, d9, d10, d11, d12, d13);
}

double dfrom(double a, double b);
double dto(double a, double b);
__attribute__((noinline)) double dfrom(double a, double b)
{
  return a * b + toc_probe;
}
__attribute__((noinline)) double dto(double a, double b)
{
  return a / b - toc_probe;
}

static long want(void)
{
  return toc_probe + sum(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, fargs[0], fargs[1],
                         fargs[2], fargs[3], fargs[4], fargs[5], fargs[6],
                         fargs[7], fargs[8], fargs[9], fargs[10], fargs[11],
                         fargs[12]);
}

static long call(size_t i)
{
  fnw g = (fnw)(uintptr_t)arch_live_gate_code(i);

  return g(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, fargs[0], fargs[1], fargs[2],
           fargs[3], fargs[4], fargs[5], fargs[6], fargs[7], fargs[8], fargs[9],
           fargs[10], fargs[11], fargs[12]);
}

static void set(size_t i, uint64_t gen, const void *from, const void *to)
{
  struct pulp_gate_slot *s = arch_live_gate_slot(i);

  s->gen = gen;
  s->from = (uint64_t)(uintptr_t)from;
  s->to = (uint64_t)(uintptr_t)to;
}

static void epoch(uint64_t v)
{
  __atomic_store_n(&pulp_gate_epoch, v, __ATOMIC_SEQ_CST);
}

static void routes_by_epoch(void **state)
{
  size_t last = arch_live_gate_count() - 1;

  (void)state;
  assert_true(arch_live_gate_count() >= 1024);
  for (size_t i = 0; i <= last; i += last) {
    epoch(7);
    set(i, 8, from_fn, to_fn); /* gen > epoch: not switched yet */
    assert_int_equal(call(i), want());
    epoch(8);
    assert_int_equal(call(i), -want()); /* the instant */
    epoch(9);
    assert_int_equal(call(i), -want()); /* and ever after */
  }
  /* Unsigned: a gen beyond 2^63 is still "not yet". */
  epoch(5);
  set(3, 0x8000000000000001ull, from_fn, to_fn);
  assert_int_equal(call(3), want());
}

/* FP arguments and an FP return value pass through. */
static void fp_return(void **state)
{
  fnd g = (fnd)(uintptr_t)arch_live_gate_code(4);

  (void)state;
  epoch(1);
  set(4, 2, dfrom, dto);
  assert_true(g(3.0, 0.5) == 1.5 + (double)toc_probe);
  epoch(2);
  assert_true(g(3.0, 0.5) == 6.0 - (double)toc_probe);
}

/* Each gate reads its own slot: gate 1 ignores slots 0 and 2. */
static void own_slot(void **state)
{
  struct pulp_gate_slot *s1 = arch_live_gate_slot(1);

  (void)state;
  epoch(5);
  set(0, 100, from_fn, to_fn);
  set(2, 100, from_fn, to_fn);
  set(1, 1, from_fn, to_fn); /* switched */
  assert_int_equal(call(1), -want());
  s1->to = (uint64_t)(uintptr_t)from_fn;
  assert_int_equal(call(1), want());
  assert_int_equal(call(0), want());
  assert_int_equal(call(2), want());
  /* Gates are distinct, one stride apart, 4-aligned. */
  assert_int_equal(arch_live_gate_code(1) - arch_live_gate_code(0), 72);
  assert_int_equal(arch_live_gate_code(9) % 4, 0);
}

/* The exact state a route is entered with, on both routes of two gates. */
static void registers_at_route(void **state)
{
  size_t gates[2] = {6, arch_live_gate_count() - 2};

  (void)state;
  for (int g = 0; g < 2; g++)
    for (int switched = 0; switched < 2; switched++) {
      size_t i = gates[g];
      long r;

      epoch(10);
      set(i, switched ? 10 : 11, switched ? (void *)from_fn : (void *)probe,
          switched ? (void *)probe : (void *)from_fn);
      memset(probe_seen, 0, sizeof(uint64_t) * 27);
      r = gate_call_regs(arch_live_gate_code(i), fargs[0], fargs[1], fargs[2],
                         fargs[3], fargs[4], fargs[5], fargs[6], fargs[7],
                         fargs[8], fargs[9], fargs[10], fargs[11], fargs[12]);
      assert_int_equal(r, 77);
      assert_int_equal(probe_seen[0], (uintptr_t)probe);         /* r12 */
      assert_int_equal(probe_seen[3], (uintptr_t)probe);         /* CTR */
      assert_int_equal(probe_seen[2], (uintptr_t)gate_call_ret); /* LR */
      assert_int_equal(probe_seen[1], (uintptr_t)gate_call_ret); /* r0 */
      assert_int_equal(probe_seen[4], 2222);                     /* r2 */
      assert_int_equal(probe_seen[5], 1111);                     /* r11 */
      for (int k = 0; k < 8; k++)
        assert_int_equal(probe_seen[6 + k], 303 + k);
      for (int k = 0; k < 13; k++) {
        double d;
        memcpy(&d, &probe_seen[14 + k], 8);
        assert_true(d == fargs[k]);
      }
    }
}

/* The original body after the site: entered with r0 = LR (the caller put
 * 999 in r0), it returns through 'mtlr r0; blr'. */
static void route_to_body(void **state)
{
  uint64_t body = arch_live_gate_body((uint64_t)(uintptr_t)old_fn + 4);

  (void)state;
  assert_int_equal(body, (uintptr_t)old_fn + 8);
  epoch(20);
  set(7, 21, (void *)(uintptr_t)body, probe);
  assert_int_equal(gate_call_regs(arch_live_gate_code(7), 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0),
                   4242);
  epoch(21);
  assert_int_equal(gate_call_regs(arch_live_gate_code(7), 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0),
                   77);
}

/* A call trampoline stub (what arch_live_call_target gives a redirect):
 * the gate enters it with r12 = the stub, the trampoline calls to_fn with
 * every argument and gives back the caller's LR and TOC. */
static void route_to_call_trampoline(void **state)
{
  struct pulp_err e;
  uint64_t stub = 0;
  uint64_t body = arch_live_gate_body((uint64_t)(uintptr_t)old_fn + 4);

  (void)state;
  err_clear(&e);
  assert_int_equal(arch_live_call_target((uint64_t)(uintptr_t)old_fn,
                                         (uint64_t)(uintptr_t)to_fn, &stub, &e),
                   0);
  epoch(31);
  set(8, 31, (void *)(uintptr_t)body, (void *)(uintptr_t)stub);
  assert_int_equal(call(8), -want());
  /* Twice in a row: the shadow stack entry was popped. */
  assert_int_equal(call(8), -want());
  epoch(30);
  assert_int_equal(gate_call_regs(arch_live_gate_code(8), 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0),
                   4242);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(routes_by_epoch),
      cmocka_unit_test(fp_return),
      cmocka_unit_test(own_slot),
      cmocka_unit_test(registers_at_route),
      cmocka_unit_test(route_to_body),
      cmocka_unit_test(route_to_call_trampoline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
