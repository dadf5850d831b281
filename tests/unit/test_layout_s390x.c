/* The s390x pad layout (arch/s390x/layout.c), its encodings checked by
 * decoding them with capstone (big-endian). */
#include "layout_harness.h"

#include <elf.h>

extern const struct pulp_arch_layout pulp_layout_s390x;
static const struct pulp_arch_layout *L = &pulp_layout_s390x;

#define WIN_MAX 64

static const uint64_t target = 0x3ffb7e01230ull;

struct fixture {
  uint64_t func, base;
  size_t len;
  uint8_t win[WIN_MAX];
};

static uint64_t get64(const uint8_t *p)
{
  uint64_t v = 0;

  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

/* A pad as GCC emits it with -fpatchable-function-entry=8,8
 * -mhotpatch=0,3: 8 nopr, then brcl 0,0 at the entry. */
static void make_pad(struct fixture *f, uint64_t func)
{
  static const uint8_t brcl0[6] = {0xc0, 0x04, 0, 0, 0, 0};

  memset(f, 0, sizeof(*f));
  f->func = func;
  f->base = func - L->pre_len;
  f->len = L->pre_len + L->post_len;
  for (size_t off = 0; off < L->pre_len; off += 2) {
    f->win[off] = 0x07;
    f->win[off + 1] = 0x00;
  }
  memcpy(f->win + L->pre_len, brcl0, sizeof(brcl0));
}

static enum pulp_pad_state check_state(const struct fixture *f,
                                       struct pulp_pad_info *info)
{
  struct pulp_err e = {0};

  if (L->check(f->win, f->func, info, &e) < 0)
    fail_msg("check: %s", e.msg);
  return info->state;
}

static void redirect_ok(struct fixture *f, uint64_t to)
{
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};

  if (L->redirect(f->win, f->func, to, plan, &e) < 0)
    fail_msg("redirect: %s", e.msg);
  plan_apply(f->win, f->base, f->len, plan);
}

static csh open_cs(void)
{
  return cs_open_detail(CS_ARCH_SYSZ, CS_MODE_BIG_ENDIAN);
}

/* The entry decodes as an unconditional brcl ("jg" in capstone's spelling
 * of mask 15); returns its target. */
static uint64_t entry_branch(csh cs, const struct fixture *f)
{
  cs_insn *i = decode_at(cs, f->win, f->base, f->len, f->func);
  uint64_t to;

  assert_int_equal(i->id, SYSZ_INS_JG);
  assert_int_equal(i->size, 6);
  assert_int_equal(i->detail->sysz.operands[0].type, SYSZ_OP_IMM);
  to = (uint64_t)i->detail->sysz.operands[0].imm;
  cs_free(i, 1);
  return to;
}

static void assert_literal_redirect(const struct fixture *f, uint64_t to)
{
  csh cs = open_cs();
  uint64_t pre = f->func - 16, lit;
  cs_insn *i;

  assert_int_equal(entry_branch(cs, f), pre);

  i = decode_at(cs, f->win, f->base, f->len, pre);
  assert_int_equal(i->id, SYSZ_INS_LGRL);
  assert_int_equal(i->detail->sysz.operands[0].reg, SYSZ_REG_1);
  lit = (uint64_t)i->detail->sysz.operands[1].imm;
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 6);
  assert_string_equal(i->mnemonic, "br");
  assert_int_equal(i->detail->sysz.operands[0].reg, SYSZ_REG_1);
  cs_free(i, 1);

  assert_int_equal(lit % 8, 0);
  assert_true(lit >= pre + 8 && lit + 8 <= f->func);
  assert_int_equal(get64(f->win + (lit - f->base)), to);
  cs_close(&cs);
}

static void redirect_through_an_aligned_literal(void **state)
{
  (void)state;
  for (uint64_t func = 0x1000100; func < 0x1000200; func += 0x48) {
    struct pulp_pad_info info;
    struct fixture f;

    make_pad(&f, func & ~7ull);
    assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
    redirect_ok(&f, target);
    assert_literal_redirect(&f, target);
    assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
    assert_int_equal(info.target, target);
    assert_int_equal(info.site, f.func);
  }
}

static void offset_is_written_before_the_mask(void **state)
{
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};
  const struct pulp_plan_write *w;
  struct fixture f;
  uint32_t n;

  (void)state;
  make_pad(&f, 0x1000100);
  assert_int_equal(L->redirect(f.win, f.func, target, plan, &e), 0);
  n = plan->nwrites;
  assert_true(n == 3);
  /* Pre-area first: 8 nopr never executed, unreached until the switch. */
  assert_int_equal(plan->writes[0].addr, f.func - 16);
  assert_true(plan->writes[0].flags & PULP_PW_UNREACHED);
  /* Then the offset, the brcl still a NOP (mask 0) whatever its offset:
   * no switch point either. */
  w = &plan->writes[1];
  assert_int_equal(w->addr, f.func + 2);
  assert_int_equal(w->len, 4);
  assert_true(w->flags & PULP_PW_UNREACHED);
  /* Then the mask alone: c0 04 -> c0 f4, one 2-byte store. */
  w = &plan->writes[2];
  assert_int_equal(w->addr, f.func);
  assert_int_equal(w->len, 2);
  assert_true(w->flags & PULP_PW_ATOMIC);
  assert_false(w->flags & PULP_PW_UNREACHED);
  assert_int_equal(w->addr % 2, 0);
  assert_int_equal(w->old[0], 0xc0);
  assert_int_equal(w->old[1], 0x04);
  assert_int_equal(w->bytes[0], 0xc0);
  assert_int_equal(w->bytes[1], 0xf4);
  /* One switch point: the runtime may commit it while threads run. */
  assert_true(plan_is_single_switch(plan));

  /* Applied up to the offset only, the entry still decodes as a NOP. */
  {
    struct pulp_plan partial = *plan;
    csh cs = open_cs();
    cs_insn *i;

    partial.nwrites = 2;
    plan_apply(f.win, f.base, f.len, &partial);
    i = decode_at(cs, f.win, f.base, f.len, f.func);
    assert_int_equal(i->id, SYSZ_INS_BRCL);
    assert_int_equal(i->detail->sysz.operands[0].imm, 0);
    cs_free(i, 1);
    cs_close(&cs);
  }
}

static void retarget_is_one_atomic_literal_store(void **state)
{
  struct pulp_plan *plan;
  struct pulp_err e = {0};
  struct fixture f;

  (void)state;
  make_pad(&f, 0x1000108);
  redirect_ok(&f, target);
  plan = plan_reset();
  assert_int_equal(L->redirect(f.win, f.func, 0x2aa00001000ull, plan, &e), 0);
  assert_int_equal(plan->nwrites, 1);
  assert_int_equal(plan->writes[0].len, 8);
  assert_true(plan->writes[0].flags & PULP_PW_ATOMIC);
  plan_apply(f.win, f.base, f.len, plan);
  assert_literal_redirect(&f, 0x2aa00001000ull);
}

/* An entry whose pre-area is not 8-aligned cannot use lgrl: the brcl goes
 * straight to a near target, and refuses a far one. */
static void unaligned_pad_branches_straight_to_a_near_target(void **state)
{
  (void)state;
  for (uint64_t func = 0x1000102; func < 0x1000108; func += 2) {
    struct pulp_pad_info info;
    struct pulp_plan *plan;
    struct pulp_err e = {0};
    struct fixture f;
    uint8_t orig[WIN_MAX];
    csh cs = open_cs();

    make_pad(&f, func);
    memcpy(orig, f.win, sizeof(orig));
    redirect_ok(&f, 0x2000000);
    assert_int_equal(entry_branch(cs, &f), 0x2000000);
    assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
    assert_int_equal(info.target, 0x2000000);
    /* Re-target: mask off, offset, mask on; guarded. Two switch points:
     * the offset changes under a taken branch, so it is a plain write and
     * the runtime leaves such a plan to the stop-the-world commit. */
    plan = plan_reset();
    assert_int_equal(L->redirect(f.win, f.func, 0x3000000, plan, &e), 0);
    assert_int_equal(plan->nwrites, 3);
    assert_false(plan->writes[1].flags & PULP_PW_UNREACHED);
    assert_false(plan_is_single_switch(plan));
    plan_apply(f.win, f.base, f.len, plan);
    assert_int_equal(entry_branch(cs, &f), 0x3000000);

    plan = plan_reset();
    assert_true(L->redirect(f.win, f.func, target, plan, &e) < 0);
    assert_non_null(strstr(e.msg, "4 GiB"));

    plan = plan_reset();
    assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
    plan_apply(f.win, f.base, f.len, plan);
    /* The mask only: a 'brcl 0' with the old offset, which never
     * branches, and the untouched nopr before it. */
    assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
    assert_int_equal(f.win[17], 0x04);
    assert_memory_equal(f.win, orig, 16);
    cs_close(&cs);
  }
}

static void
restore_switches_the_mask_and_leaves_the_sequence_armed(void **state)
{
  struct pulp_plan *plan;
  struct pulp_pad_info info;
  struct pulp_err e = {0};
  struct fixture f;
  uint8_t armed[WIN_MAX];

  (void)state;
  make_pad(&f, 0x1000110);
  redirect_ok(&f, target);
  memcpy(armed, f.win, sizeof(armed));
  plan = plan_reset();
  assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
  /* One aligned 2-byte store of the mask: a thread between lgrl and br
   * (the in-process commit cannot stop it) finishes its call. */
  assert_int_equal(plan->nwrites, 1);
  assert_int_equal(plan->writes[0].addr, f.func);
  assert_int_equal(plan->writes[0].len, 2);
  assert_int_equal(plan->writes[0].bytes[1], 0x04);
  assert_true(plan->writes[0].flags & PULP_PW_ATOMIC);
  assert_true(plan_is_single_switch(plan));
  plan_apply(f.win, f.base, f.len, plan);
  assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
  assert_memory_equal(f.win, armed, 16); /* the sequence stays */

  plan = plan_reset();
  assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
  assert_int_equal(plan->nwrites, 0);

  /* Redirecting the armed pad: the literal, then the mask. */
  redirect_ok(&f, target + 0x1000);
  assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
  assert_int_equal(info.target, target + 0x1000);
}

/* A one-function apply, its revert and a re-apply, aligned pre-area or
 * not: each plan has exactly one switch point (the mask's aligned 2-byte
 * store), every other write unreached, so the runtime commits each one
 * itself (docs/pad-layouts.md, "s390x: why one store switches"). */
static void apply_revert_reapply_are_single_switch(void **state)
{
  static const uint64_t funcs[] = {0x1000100, 0x1000102, 0x1000104, 0x1000106};

  (void)state;
  for (size_t k = 0; k < sizeof(funcs) / sizeof(funcs[0]); k++) {
    uint64_t to = funcs[k] % 8 ? 0x2000000 : target;
    struct pulp_pad_info info;
    struct pulp_plan *plan;
    struct pulp_err e = {0};
    struct fixture f;

    make_pad(&f, funcs[k]);
    for (int round = 0; round < 2; round++) {
      uint32_t switches = 0;

      plan = plan_reset();
      assert_int_equal(L->redirect(f.win, f.func, to + 0x100 * round, plan, &e),
                       0);
      assert_true(plan->nwrites >= 2);
      for (uint32_t i = 0; i < plan->nwrites; i++) {
        const struct pulp_plan_write *w = &plan->writes[i];
        if (w->flags & PULP_PW_UNREACHED)
          continue;
        /* The switch: the mask, the last write. */
        switches++;
        assert_int_equal(i, plan->nwrites - 1);
        assert_int_equal(w->addr, f.func);
        assert_int_equal(w->len, 2);
        assert_true(w->flags & PULP_PW_ATOMIC);
        assert_int_equal(w->bytes[1], 0xf4);
      }
      assert_int_equal(switches, 1);
      assert_true(plan_is_single_switch(plan));
      plan_apply(f.win, f.base, f.len, plan);
      assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
      assert_int_equal(info.target, to + 0x100 * round);

      plan = plan_reset();
      assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
      assert_int_equal(plan->nwrites, 1);
      assert_true(plan_is_single_switch(plan));
      plan_apply(f.win, f.base, f.len, plan);
      assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
    }
  }
}

static void clean_pad_decodes_and_needs_no_normalising(void **state)
{
  struct pulp_err e = {0};
  struct fixture f;
  uint8_t orig[WIN_MAX];
  csh cs = open_cs();
  cs_insn *i;

  (void)state;
  make_pad(&f, 0x1000100);
  for (uint64_t a = f.base; a < f.func; a += 2) {
    i = decode_at(cs, f.win, f.base, f.len, a);
    assert_int_equal(i->id, SYSZ_INS_BCR);
    assert_int_equal(i->detail->sysz.operands[0].imm, 0);
    cs_free(i, 1);
  }
  i = decode_at(cs, f.win, f.base, f.len, f.func);
  assert_int_equal(i->id, SYSZ_INS_BRCL);
  assert_int_equal(i->detail->sysz.operands[0].imm, 0);
  cs_free(i, 1);
  cs_close(&cs);

  memcpy(orig, f.win, sizeof(orig));
  assert_int_equal(L->normalise(f.win, f.func, &e), 1);
  assert_memory_equal(f.win, orig, f.len);
}

static void assert_rejected(const struct fixture *f, const char *why)
{
  struct pulp_pad_info info;
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};
  uint8_t copy[WIN_MAX];

  assert_true(L->check(f->win, f->func, &info, &e) < 0);
  if (!strstr(e.msg, why))
    fail_msg("reason '%s' lacks '%s'", e.msg, why);
  assert_true(L->redirect(f->win, f->func, target, plan, &e) < 0);
  assert_int_equal(plan->nwrites, 0);
  memcpy(copy, f->win, sizeof(copy));
  assert_true(L->normalise(copy, f->func, &e) < 0);
}

static void check_rejects_garbage_with_a_reason(void **state)
{
  struct pulp_pad_info info;
  struct fixture f;

  (void)state;
  make_pad(&f, 0x1000100);
  f.win[16] = 0xeb; /* stmg: no hotpatch brcl */
  assert_rejected(&f, "mhotpatch");

  make_pad(&f, 0x1000100);
  f.win[3] = 0xf1; /* br %r1 in the pre-area */
  assert_rejected(&f, "not nopr");

  make_pad(&f, 0x1000100);
  f.win[17] = 0x84; /* brcl 8: conditional */
  assert_rejected(&f, "conditional");

  make_pad(&f, 0x1000100);
  f.win[21] = 0x08; /* brcl 0 with an offset: never taken, so CLEAN */
  assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);

  make_pad(&f, 0x1000100);
  redirect_ok(&f, target);
  f.win[7] = 0xf2; /* br %r2 */
  assert_rejected(&f, "not a redirect");
}

static void flags_are_the_hotpatch_scheme(void **state)
{
  (void)state;
  assert_int_equal(L->machine, EM_S390);
  assert_true(L->big_endian);
  assert_int_equal(L->pre_len, 16);
  assert_int_equal(L->post_len, 6);
  assert_non_null(strstr(L->cflags, "-fpatchable-function-entry=8,8"));
  assert_non_null(strstr(L->cflags, "-mhotpatch=0,3"));
  assert_ptr_equal(arch_layout(EM_S390), L);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(redirect_through_an_aligned_literal),
      cmocka_unit_test(offset_is_written_before_the_mask),
      cmocka_unit_test(retarget_is_one_atomic_literal_store),
      cmocka_unit_test(unaligned_pad_branches_straight_to_a_near_target),
      cmocka_unit_test(restore_switches_the_mask_and_leaves_the_sequence_armed),
      cmocka_unit_test(apply_revert_reapply_are_single_switch),
      cmocka_unit_test(clean_pad_decodes_and_needs_no_normalising),
      cmocka_unit_test(check_rejects_garbage_with_a_reason),
      cmocka_unit_test(flags_are_the_hotpatch_scheme),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
