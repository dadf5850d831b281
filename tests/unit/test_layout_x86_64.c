/* The x86_64 pad layout (arch/x86_64/layout.c), its encodings checked by
 * decoding them with capstone. */
#include "layout_harness.h"

#include <elf.h>

extern const struct pulp_arch_layout pulp_layout_x86_64;
static const struct pulp_arch_layout *L = &pulp_layout_x86_64;

#define WIN_MAX 64

static const uint64_t target = 0x7f12b7e01234ull;
static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};

struct fixture {
  uint64_t func, base, site;
  size_t len;
  uint8_t win[WIN_MAX];
};

static uint64_t get64(const uint8_t *p)
{
  uint64_t v = 0;

  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* A pad as GCC emits it with -fpatchable-function-entry=16,14 (raw: the
 * entry is 90 90) or after ulp post (66 90), optionally after endbr64. */
static void make_pad(struct fixture *f, uint64_t func, int endbr, int raw)
{
  size_t off = L->pre_len;

  memset(f, 0, sizeof(*f));
  f->func = func;
  f->base = func - L->pre_len;
  f->len = L->pre_len + L->post_len;
  memset(f->win, 0x90, L->pre_len);
  if (endbr) {
    memcpy(f->win + off, endbr64, 4);
    off += 4;
  }
  f->site = f->base + off;
  f->win[off] = raw ? 0x90 : 0x66;
  f->win[off + 1] = 0x90;
  memset(f->win + off + 2, 0xcc, f->len - off - 2); /* the body */
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

/* Returns the literal's address after checking the decoded chain: entry
 * jmp rel8 -> jmp *disp(%rip) in the pre-area -> literal holding to. */
static uint64_t assert_redirect_decodes(const struct fixture *f, uint64_t to)
{
  csh cs = cs_open_detail(CS_ARCH_X86, CS_MODE_64);
  uint64_t jmp, lit;
  cs_insn *i;

  i = decode_at(cs, f->win, f->base, f->len, f->site);
  assert_int_equal(i->id, X86_INS_JMP);
  assert_int_equal(i->size, 2);
  assert_int_equal(i->detail->x86.operands[0].type, X86_OP_IMM);
  jmp = (uint64_t)i->detail->x86.operands[0].imm;
  assert_true(jmp >= f->base && jmp + 6 <= f->func);
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, jmp);
  assert_int_equal(i->id, X86_INS_JMP);
  assert_int_equal(i->size, 6);
  assert_int_equal(i->detail->x86.operands[0].type, X86_OP_MEM);
  assert_int_equal(i->detail->x86.operands[0].mem.base, X86_REG_RIP);
  assert_int_equal(i->detail->x86.operands[0].size, 8);
  lit = jmp + 6 + (uint64_t)i->detail->x86.operands[0].mem.disp;
  cs_free(i, 1);

  /* The literal lies in the pre-area, clear of the jmp. */
  assert_true(lit >= f->base && lit + 8 <= f->func);
  assert_true(lit + 8 <= jmp || lit >= jmp + 6);
  assert_int_equal(get64(f->win + (lit - f->base)), to);
  /* Kept: endbr64 before the entry. */
  if (f->site != f->func)
    assert_memory_equal(f->win + L->pre_len, endbr64, 4);
  cs_close(&cs);
  return lit;
}

static void redirect_decodes_at_every_alignment(void **state)
{
  (void)state;
  for (uint64_t func = 0x401100; func < 0x401108; func++)
    for (int endbr = 0; endbr < 2; endbr++) {
      struct pulp_pad_info info;
      struct fixture f;
      uint64_t lit;

      make_pad(&f, func, endbr, 0);
      assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
      assert_int_equal(info.site, f.site);
      redirect_ok(&f, target);
      lit = assert_redirect_decodes(&f, target);
      /* 8 + 6 bytes fill the pre-area: the literal is aligned whenever
       * the pre-area starts at 0 or 2 mod 8. */
      if (f.base % 8 == 0 || f.base % 8 == 2)
        assert_int_equal(lit % 8, 0);
      assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
      assert_int_equal(info.target, target);
    }
}

static void entry_is_switched_last_and_guarded(void **state)
{
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};
  const struct pulp_plan_write *w;
  struct fixture f;

  (void)state;
  make_pad(&f, 0x401103, 1, 0);
  assert_int_equal(L->redirect(f.win, f.func, target, plan, &e), 0);
  w = &plan->writes[plan->nwrites - 1];
  assert_int_equal(w->addr, f.site);
  assert_int_equal(w->len, 2);
  for (uint32_t k = 0; k + 1 < plan->nwrites; k++)
    assert_true(plan->writes[k].addr + plan->writes[k].len <= f.func);
  /* A thread between two bytes of a rewritten instruction is refused. */
  assert_true(plan_pc_is_guarded(plan, f.site + 1));
  assert_false(plan_pc_is_guarded(plan, f.site));
}

static void retarget_is_one_literal_store(void **state)
{
  (void)state;
  for (uint64_t func = 0x401100; func < 0x401108; func++) {
    struct pulp_plan *plan;
    struct pulp_err e = {0};
    struct fixture f;
    uint64_t lit;

    make_pad(&f, func, 0, 0);
    redirect_ok(&f, target);
    plan = plan_reset();
    assert_int_equal(L->redirect(f.win, f.func, 0x5555deadbee0ull, plan, &e),
                     0);
    assert_int_equal(plan->nwrites, 1);
    assert_int_equal(plan->writes[0].len, 8);
    plan_apply(f.win, f.base, f.len, plan);
    lit = assert_redirect_decodes(&f, 0x5555deadbee0ull);
    if (lit % 8 == 0)
      assert_true(plan->writes[0].flags & PULP_PW_ATOMIC);
  }
}

static void restore_switches_the_entry_and_leaves_the_pad_armed(void **state)
{
  (void)state;
  for (uint64_t func = 0x401100; func < 0x401108; func++)
    for (int endbr = 0; endbr < 2; endbr++) {
      struct pulp_plan *plan;
      struct pulp_err e = {0};
      struct fixture f;
      uint8_t orig[WIN_MAX];

      struct pulp_pad_info info;
      uint8_t armed[WIN_MAX];

      make_pad(&f, func, endbr, 0);
      memcpy(orig, f.win, sizeof(orig));
      redirect_ok(&f, target);
      memcpy(armed, f.win, sizeof(armed));
      plan = plan_reset();
      assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
      /* Only the entry: a thread that took the short jump finishes its
       * call through the pad, which stays (the in-process commit cannot
       * stop it). */
      assert_int_equal(plan->nwrites, 1);
      assert_int_equal(plan->writes[0].addr, f.site);
      assert_int_equal(!!(plan->writes[0].flags & PULP_PW_ATOMIC),
                       f.site % 2 == 0);
      assert_true(plan_pc_is_guarded(plan, f.site + 1));
      plan_apply(f.win, f.base, f.len, plan);
      assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
      assert_memory_equal(f.win + 14, orig + 14, f.len - 14);
      assert_memory_equal(f.win, armed, 14);
      plan = plan_reset();
      assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
      assert_int_equal(plan->nwrites, 0);
      /* Redirecting an armed pad: the literal, then the entry. */
      redirect_ok(&f, target + 0x100);
      assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
      assert_int_equal(info.target, target + 0x100);
    }
}

static void raw_entry_is_normalised_or_switched_stopped(void **state)
{
  struct pulp_pad_info info;
  struct pulp_plan *plan;
  struct pulp_err e = {0};
  struct fixture f, clean;
  csh cs = cs_open_detail(CS_ARCH_X86, CS_MODE_64);
  cs_insn *i;

  (void)state;
  for (int endbr = 0; endbr < 2; endbr++) {
    make_pad(&f, 0x401105, endbr, 1);
    assert_int_equal(check_state(&f, &info), PULP_PAD_RAW);
    /* Redirected as it is: the pre-area unreached, then the entry in a
     * write that is no atomic switch (a thread may sit between the two
     * NOPs), guarded at site+1: only stop-the-world commits it. */
    plan = plan_reset();
    assert_int_equal(L->redirect(f.win, f.func, target, plan, &e), 0);
    assert_int_equal(plan->nwrites, 2);
    assert_int_equal(plan->writes[0].flags, PULP_PW_UNREACHED);
    assert_int_equal(plan->writes[1].addr, f.site);
    assert_int_equal(plan->writes[1].len, 2);
    assert_int_equal(plan->writes[1].flags & PULP_PW_ATOMIC, 0);
    assert_true(plan_pc_is_guarded(plan, f.site + 1));
    assert_false(plan_is_single_switch(plan));
    {
      struct fixture r = f;
      plan_apply(r.win, r.base, r.len, plan);
      assert_int_equal(assert_redirect_decodes(&r, target) != 0, 1);
      /* Restored, the entry is the normalised one-instruction NOP. */
      plan = plan_reset();
      assert_int_equal(L->restore(r.win, r.func, plan, &e), 0);
      plan_apply(r.win, r.base, r.len, plan);
      make_pad(&clean, 0x401105, endbr, 0);
      assert_int_equal(check_state(&r, &info), PULP_PAD_CLEAN);
      assert_memory_equal(r.win + 14, clean.win + 14, r.len - 14);
    }

    assert_int_equal(L->normalise(f.win, f.func, &e), 0);
    make_pad(&clean, 0x401105, endbr, 0);
    assert_memory_equal(f.win, clean.win, f.len);
    assert_int_equal(L->normalise(f.win, f.func, &e), 1);
    assert_memory_equal(f.win, clean.win, f.len);

    /* One 2-byte instruction: no thread can stop between its bytes. */
    i = decode_at(cs, f.win, f.base, f.len, f.site);
    assert_int_equal(i->id, X86_INS_NOP);
    assert_int_equal(i->size, 2);
    cs_free(i, 1);
  }
  cs_close(&cs);
}

static void assert_rejected(const struct fixture *f, const char *why)
{
  struct pulp_pad_info info;
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};
  uint8_t copy[WIN_MAX];

  assert_true(L->check(f->win, f->func, &info, &e) < 0);
  if (why && !strstr(e.msg, why))
    fail_msg("reason '%s' lacks '%s'", e.msg, why);
  assert_true(L->redirect(f->win, f->func, target, plan, &e) < 0);
  assert_int_equal(plan->nwrites, 0);
  memcpy(copy, f->win, sizeof(copy));
  assert_true(L->normalise(copy, f->func, &e) < 0);
}

static void check_rejects_garbage_with_a_reason(void **state)
{
  struct fixture f;

  (void)state;
  make_pad(&f, 0x401100, 0, 0);
  f.win[3] = 0xc3; /* ret in the pre-area */
  assert_rejected(&f, "pad");

  make_pad(&f, 0x401100, 1, 0);
  f.win[L->pre_len + 4] = 0x55; /* push %rbp at the entry */
  assert_rejected(&f, "NOP");

  make_pad(&f, 0x401100, 0, 0);
  f.win[L->pre_len] = 0xeb; /* a jump that is not ours */
  f.win[L->pre_len + 1] = 0x10;
  assert_rejected(&f, "redirect");
}

static void flags_are_the_patchable_entry_scheme(void **state)
{
  (void)state;
  assert_int_equal(L->machine, EM_X86_64);
  assert_int_equal(L->pre_len, 14);
  assert_int_equal(L->reloc_relative, 8);
  assert_non_null(strstr(L->cflags, "-fpatchable-function-entry=16,14"));
  assert_ptr_equal(arch_layout(EM_X86_64), L);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(redirect_decodes_at_every_alignment),
      cmocka_unit_test(entry_is_switched_last_and_guarded),
      cmocka_unit_test(retarget_is_one_literal_store),
      cmocka_unit_test(restore_switches_the_entry_and_leaves_the_pad_armed),
      cmocka_unit_test(raw_entry_is_normalised_or_switched_stopped),
      cmocka_unit_test(check_rejects_garbage_with_a_reason),
      cmocka_unit_test(flags_are_the_patchable_entry_scheme),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
