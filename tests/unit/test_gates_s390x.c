/* The s390x gate stubs themselves (arch/s390x/gate.S; docs/pad-layouts.md,
 * s390x "Gates"): gate i reads slot i only, goes to `from` while slot.gen >
 * epoch (unsigned) and to `to` from the instant the epoch reaches gen,
 * passes every argument through untouched (r2-r6, f0/f2/f4/f6, the stack),
 * keeps %r0 (the static chain) and enters the target with %r1 = its own
 * address, as the pre-area's `lgrl %r1 / br %r1` does; and the pool has
 * unwind information. Runs under qemu-s390x in the cross build's ctest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arch_live.h"

/* Leaf helpers that need exact registers: ret_r0/ret_r1 return what the
 * target found in %r0/%r1; call_r0(code, v) calls code with %r0 = v (its
 * targets are leaves that use no stack, so the save area of our own
 * caller's frame holds %r14/%r15 meanwhile). */
__asm__(".text\n"
        ".balign 8\n"
        ".globl ret_r0\n.hidden ret_r0\n.type ret_r0, @function\n"
        "ret_r0: lgr %r2,%r0\n br %r14\n"
        ".size ret_r0, . - ret_r0\n"
        ".globl ret_r1\n.hidden ret_r1\n.type ret_r1, @function\n"
        "ret_r1: lgr %r2,%r1\n br %r14\n"
        ".size ret_r1, . - ret_r1\n"
        ".globl call_r0\n.hidden call_r0\n.type call_r0, @function\n"
        "call_r0: stmg %r14,%r15,112(%r15)\n"
        " lgr %r0,%r3\n"
        " basr %r14,%r2\n"
        " lmg %r14,%r15,112(%r15)\n"
        " br %r14\n"
        ".size call_r0, . - call_r0\n");
long ret_r0(void);
long ret_r1(void);
long call_r0(uint64_t code, long r0);

/* Five integer arguments in r2-r6, four doubles in f0/f2/f4/f6, two more
 * integers on the caller's stack. */
typedef long (*fn11)(long, long, long, long, long, double, double, double,
                     double, long, long);
/* Five doubles: f0/f2/f4/f6 and one on the stack; the result in f0. */
typedef double (*fnd)(double, double, double, double, double);

static long from_fn(long a, long b, long c, long d, long e, double x, double y,
                    double z, double w, long g, long h)
{
  return 1000000000 + a + 10 * b + 100 * c + 1000 * d + 10000 * e +
         100000 * (long)x + 1000000 * (long)y + 10000000 * (long)z +
         100000000 * (long)w + 3 * g + 7 * h;
}

static long to_fn(long a, long b, long c, long d, long e, double x, double y,
                  double z, double w, long g, long h)
{
  return -from_fn(a, b, c, d, e, x, y, z, w, g, h);
}

static double from_d(double a, double b, double c, double d, double e)
{
  return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 0.25;
}

static double to_d(double a, double b, double c, double d, double e)
{
  return -from_d(a, b, c, d, e);
}

#define WANT                                                                   \
  (1000000000 + 1 + 20 + 300 + 4000 + 50000 + 600000 + 7000000 + 80000000 +    \
   900000000 + 3 * 10 + 7 * 11)

static long call(size_t i)
{
  fn11 g = (fn11)(uintptr_t)arch_live_gate_code(i);
  return g(1, 2, 3, 4, 5, 6.0, 7.0, 8.0, 9.0, 10, 11);
}

static void set(size_t i, uint64_t gen, void *from, void *to)
{
  struct pulp_gate_slot *s = arch_live_gate_slot(i);

  s->gen = gen;
  s->from = (uint64_t)(uintptr_t)from;
  s->to = (uint64_t)(uintptr_t)to;
}

static void set_fn(size_t i, uint64_t gen)
{
  set(i, gen, (void *)from_fn, (void *)to_fn);
}

static void routes_by_epoch(void **state)
{
  size_t last = arch_live_gate_count() - 1;

  (void)state;
  assert_true(arch_live_gate_count() >= 1024);
  for (size_t i = 0; i <= last; i += last) {
    pulp_gate_epoch = 7;
    set_fn(i, 8); /* gen > epoch: not switched yet */
    assert_int_equal(call(i), WANT);
    __atomic_store_n(&pulp_gate_epoch, 8, __ATOMIC_SEQ_CST);
    assert_int_equal(call(i), -WANT); /* the instant */
    __atomic_store_n(&pulp_gate_epoch, 9, __ATOMIC_SEQ_CST);
    assert_int_equal(call(i), -WANT); /* and ever after */
  }
}

/* The comparison is unsigned: a gen with the top bit set is still above a
 * small epoch (a signed compare would call it negative and switch). */
static void compares_unsigned(void **state)
{
  (void)state;
  pulp_gate_epoch = 5;
  set_fn(3, 1ull << 63);
  assert_int_equal(call(3), WANT);
  pulp_gate_epoch = (1ull << 63) - 1;
  assert_int_equal(call(3), WANT);
  pulp_gate_epoch = 1ull << 63;
  assert_int_equal(call(3), -WANT);
  pulp_gate_epoch = ~0ull;
  assert_int_equal(call(3), -WANT);
}

/* Each gate reads its own slot: gate 1 ignores slots 0 and 2. */
static void own_slot(void **state)
{
  struct pulp_gate_slot *s1 = arch_live_gate_slot(1);

  (void)state;
  pulp_gate_epoch = 5;
  set_fn(0, 100);
  set_fn(2, 100);
  set_fn(1, 1); /* switched */
  assert_int_equal(call(1), -WANT);
  s1->to = (uint64_t)(uintptr_t)from_fn;
  assert_int_equal(call(1), WANT);
  assert_int_equal(call(0), WANT);
  assert_int_equal(call(2), WANT);
  set_fn(2, 1);
  assert_int_equal(call(2), -WANT);
  assert_int_equal(call(0), WANT);
  /* Gates are 32 bytes apart and distinct; the pool is 8-aligned. */
  assert_int_equal(arch_live_gate_code(1) - arch_live_gate_code(0), 32);
  assert_int_equal(arch_live_gate_code(0) % 8, 0);
}

/* Floating-point arguments (registers and stack) and a result in f0. */
static void doubles_pass(void **state)
{
  fnd g = (fnd)(uintptr_t)arch_live_gate_code(4);
  const double want = 1 + 20 + 300 + 4000 + 50000 + 0.25;

  (void)state;
  pulp_gate_epoch = 10;
  set(4, 11, (void *)from_d, (void *)to_d);
  assert_true(g(1, 2, 3, 4, 5) == want);
  pulp_gate_epoch = 11;
  assert_true(g(1, 2, 3, 4, 5) == -want);
}

/* %r0 (GCC's static chain) reaches the target; %r1 holds the target's own
 * address, as when the pre-area branches to it directly. */
static void r0_kept_r1_is_target(void **state)
{
  uint64_t gate = arch_live_gate_code(5);

  (void)state;
  pulp_gate_epoch = 1;
  set(5, 2, (void *)ret_r0, (void *)ret_r1);
  assert_int_equal(call_r0(gate, 0x5a5a1234), 0x5a5a1234);
  assert_int_equal(call_r0(gate, -77), -77);
  pulp_gate_epoch = 2;
  assert_int_equal(call_r0(gate, 0), (long)(uintptr_t)ret_r1);
  set(5, 3, (void *)ret_r1, (void *)ret_r0);
  assert_int_equal(call_r0(gate, 0), (long)(uintptr_t)ret_r1);
}

/* libgcc's unwinder finds one FDE for the whole pool (gate.S's CFI
 * range): a signal taken inside any gate unwinds to the caller. */
struct dwarf_eh_bases {
  void *tbase, *dbase, *func;
};
const void *_Unwind_Find_FDE(void *pc, struct dwarf_eh_bases *bases);

static void pool_has_unwind_info(void **state)
{
  struct dwarf_eh_bases b;
  size_t last = arch_live_gate_count() - 1;

  (void)state;
  memset(&b, 0, sizeof(b));
  assert_non_null(
      _Unwind_Find_FDE((void *)(uintptr_t)(arch_live_gate_code(0) + 6), &b));
  assert_ptr_equal(b.func, (void *)(uintptr_t)arch_live_gate_code(0));
  memset(&b, 0, sizeof(b));
  assert_non_null(_Unwind_Find_FDE(
      (void *)(uintptr_t)(arch_live_gate_code(last) + 30), &b));
  assert_ptr_equal(b.func, (void *)(uintptr_t)arch_live_gate_code(0));
}

/* The original code goes on after the 6-byte entry brcl. */
static void body_after_entry(void **state)
{
  (void)state;
  assert_int_equal(arch_live_gate_body(0x1000), 0x1006);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(routes_by_epoch),
      cmocka_unit_test(compares_unsigned),
      cmocka_unit_test(own_slot),
      cmocka_unit_test(doubles_pass),
      cmocka_unit_test(r0_kept_r1_is_target),
      cmocka_unit_test(pool_has_unwind_info),
      cmocka_unit_test(body_after_entry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
