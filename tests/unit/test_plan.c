/* Which plans the runtime may commit while other threads run
 * (core/plan.c; docs/apply-protocol.md, "Consistency modes"): a write a
 * running thread could see half done (plain, unaligned, odd-sized) keeps
 * every plan on the stop-the-world path, in both modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/plan.h"

static struct pulp_plan plan;

static void add(uint64_t addr, uint32_t len, uint32_t flags)
{
  struct pulp_plan_write *w = &plan.writes[plan.nwrites++];

  memset(w, 0, sizeof(*w));
  w->addr = addr;
  w->len = len;
  w->flags = flags;
}

static int setup(void **state)
{
  (void)state;
  memset(&plan, 0, sizeof(plan));
  return 0;
}

/* A first apply of one function: pre-area, then the entry switch. */
static void one_function_is_single_switch(void **state)
{
  (void)state;
  add(0x1000 - 14, 14, PULP_PW_UNREACHED);
  add(0x1000, 2, PULP_PW_ATOMIC);
  assert_true(plan_is_single_switch(&plan));
  assert_true(plan_is_per_function(&plan));
}

/* Two functions: two switch points, per-function only. */
static void two_functions_need_function_mode(void **state)
{
  (void)state;
  add(0x1000 - 14, 14, PULP_PW_UNREACHED);
  add(0x1000, 2, PULP_PW_ATOMIC);
  add(0x2000 - 8, 8, PULP_PW_ATOMIC); /* re-target of a live redirect */
  assert_false(plan_is_single_switch(&plan));
  assert_true(plan_is_per_function(&plan));
}

/* libpulp's trap: a RAW pad's two 1-byte NOPs replaced by a plain write. */
static void plain_write_qualifies_for_nothing(void **state)
{
  (void)state;
  add(0x1000 - 14, 14, PULP_PW_UNREACHED);
  add(0x1000, 2, 0);
  assert_false(plan_is_single_switch(&plan));
  assert_false(plan_is_per_function(&plan));
}

static void unaligned_or_odd_atomic_qualifies_for_nothing(void **state)
{
  (void)state;
  add(0x1001, 2, PULP_PW_ATOMIC);
  assert_false(plan_is_single_switch(&plan));
  assert_false(plan_is_per_function(&plan));
  setup(NULL);
  add(0x1000, 3, PULP_PW_ATOMIC);
  assert_false(plan_is_single_switch(&plan));
  assert_false(plan_is_per_function(&plan));
  setup(NULL);
  add(0x1004, 8, PULP_PW_ATOMIC);
  assert_false(plan_is_per_function(&plan));
}

/* A revert and a re-apply of one function in one operation: the second
 * write expects the first one's bytes, so the plan cannot be reordered
 * (pre-areas first) and stays with the tool. */
static void overlapping_writes_are_not_per_function(void **state)
{
  (void)state;
  add(0x1000, 2, PULP_PW_ATOMIC);
  add(0x2000, 2, PULP_PW_ATOMIC);
  add(0x1000, 2, PULP_PW_ATOMIC);
  assert_false(plan_is_per_function(&plan));
}

static void empty_plan_qualifies(void **state)
{
  (void)state;
  assert_true(plan_is_single_switch(&plan));
  assert_true(plan_is_per_function(&plan));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(one_function_is_single_switch, setup),
      cmocka_unit_test_setup(two_functions_need_function_mode, setup),
      cmocka_unit_test_setup(plain_write_qualifies_for_nothing, setup),
      cmocka_unit_test_setup(unaligned_or_odd_atomic_qualifies_for_nothing,
                             setup),
      cmocka_unit_test_setup(overlapping_writes_are_not_per_function, setup),
      cmocka_unit_test_setup(empty_plan_qualifies, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
