/* The x86_64 gate stubs themselves (arch/x86_64/gate.S; docs/apply-protocol.md,
 * "Per-patch switch without stopping threads (gates)"): gate i reads slot i
 * only, goes to `from` while slot.gen > epoch and to `to` from the instant
 * the epoch reaches gen, and passes every argument register through
 * untouched (r11 is its only scratch). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arch_live.h"

typedef long (*fn6)(long, long, long, long, long, long);

static long from_fn(long a, long b, long c, long d, long e, long f)
{
  return 1000000 + a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

static long to_fn(long a, long b, long c, long d, long e, long f)
{
  return -from_fn(a, b, c, d, e, f);
}

static long call(size_t i)
{
  fn6 g = (fn6)(uintptr_t)arch_live_gate_code(i);
  return g(1, 2, 3, 4, 5, 6);
}

static void set(size_t i, uint64_t gen)
{
  struct pulp_gate_slot *s = arch_live_gate_slot(i);

  s->gen = gen;
  s->from = (uint64_t)(uintptr_t)from_fn;
  s->to = (uint64_t)(uintptr_t)to_fn;
}

static void routes_by_epoch(void **state)
{
  const long want = 1654321;
  size_t last = arch_live_gate_count() - 1;

  (void)state;
  assert_true(arch_live_gate_count() >= 1024);
  pulp_gate_epoch = 7;
  for (size_t i = 0; i <= last; i += last) {
    set(i, 8); /* gen > epoch: not switched yet */
    assert_int_equal(call(i), want);
    __atomic_store_n(&pulp_gate_epoch, 8, __ATOMIC_SEQ_CST);
    assert_int_equal(call(i), -want); /* the instant */
    __atomic_store_n(&pulp_gate_epoch, 9, __ATOMIC_SEQ_CST);
    assert_int_equal(call(i), -want); /* and ever after */
    pulp_gate_epoch = 7;
  }
}

/* Each gate reads its own slot: gate 1 ignores slot 0 and slot 2. */
static void own_slot(void **state)
{
  struct pulp_gate_slot *s1 = arch_live_gate_slot(1);

  (void)state;
  pulp_gate_epoch = 5;
  set(0, 100);
  set(2, 100);
  set(1, 1); /* switched */
  assert_int_equal(call(1), -1654321);
  s1->to = (uint64_t)(uintptr_t)from_fn;
  assert_int_equal(call(1), 1654321);
  assert_int_equal(call(0), 1654321);
  assert_int_equal(call(2), 1654321);
  /* Gates are 32 bytes apart and distinct. */
  assert_int_equal(arch_live_gate_code(1) - arch_live_gate_code(0), 32);
}

/* The original code goes on after the 2-byte entry. */
static void body_after_entry(void **state)
{
  (void)state;
  assert_int_equal(arch_live_gate_body(0x1000), 0x1002);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(routes_by_epoch),
      cmocka_unit_test(own_slot),
      cmocka_unit_test(body_after_entry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
