/* Shared by tests/unit/test_layout_<arch>.c: applies a plan to a window
 * buffer (checking each write's expected old bytes, as the committer does)
 * and decodes instructions with capstone, so every encoding a layout emits
 * is checked against an independent decoder. */
#ifndef PULP_TESTS_LAYOUT_HARNESS_H
#define PULP_TESTS_LAYOUT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#include <cmocka.h>

#include "core/arch.h"

static struct pulp_plan harness_plan;

static inline struct pulp_plan *plan_reset(void)
{
  memset(&harness_plan, 0, sizeof(harness_plan));
  return &harness_plan;
}

/* Applies plan to win (the window starting at address base, len bytes).
 * Every write must lie inside the window and find its old bytes there; an
 * atomic write must be one naturally aligned store. */
static inline void plan_apply(uint8_t *win, uint64_t base, size_t len,
                              const struct pulp_plan *plan)
{
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];

    assert_true(w->len >= 1 && w->len <= PULP_PLAN_WRITE_MAX);
    assert_true(w->addr >= base && w->addr + w->len <= base + len);
    assert_memory_equal(win + (w->addr - base), w->old, w->len);
    if (w->flags & PULP_PW_ATOMIC) {
      assert_true(w->len == 2 || w->len == 4 || w->len == 8);
      assert_int_equal(w->addr % w->len, 0);
    }
    memcpy(win + (w->addr - base), w->bytes, w->len);
  }
}

/* Decodes the one instruction at addr (inside the window) with detail. */
static inline cs_insn *decode_at(csh cs, const uint8_t *win, uint64_t base,
                                 size_t len, uint64_t addr)
{
  cs_insn *insn = NULL;
  size_t n;

  assert_true(addr >= base && addr < base + len);
  n = cs_disasm(cs, win + (addr - base), len - (addr - base), addr, 1, &insn);
  if (n != 1)
    fail_msg("capstone cannot decode the instruction at 0x%llx",
             (unsigned long long)addr);
  return insn;
}

static inline csh cs_open_detail(cs_arch arch, cs_mode mode)
{
  csh cs;

  assert_int_equal(cs_open(arch, mode, &cs), CS_ERR_OK);
  assert_int_equal(cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON), CS_ERR_OK);
  return cs;
}

#endif
