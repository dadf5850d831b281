/* The ppc64le pad layout (arch/ppc64le/layout.c), its encodings checked by
 * decoding them with capstone. */
#include "layout_harness.h"

#include <elf.h>

extern const struct pulp_arch_layout pulp_layout_ppc64le;
static const struct pulp_arch_layout *L = &pulp_layout_ppc64le;

#define NOP 0x60000000u
#define MFLR_R0 0x7c0802a6u
#define WIN_MAX 128

static const uint64_t target = 0x7fffb7e01230ull;

struct fixture {
  uint64_t func, base;
  size_t len, site_off;
  uint8_t win[WIN_MAX];
};

static void put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A pad as GCC emits it with -pg -mprofile-kernel
 * -fpatchable-function-entry=16,16, after ulp post (site = nop) or before
 * (site = bl _mcount at mcount). */
static void make_pad(struct fixture *f, uint64_t func, int toc, uint64_t mcount)
{
  size_t off;

  memset(f, 0, sizeof(*f));
  f->func = func;
  f->base = func - L->pre_len;
  f->len = L->pre_len + L->post_len;
  for (off = 0; off < L->pre_len; off += 4)
    put32(f->win + off, NOP);
  if (toc) {
    put32(f->win + off, 0x3c4c0002);     /* addis r2,r12,2 */
    put32(f->win + off + 4, 0x38427720); /* addi r2,r2,30496 */
    off += 8;
  }
  put32(f->win + off, MFLR_R0);
  f->site_off = off + 4;
  if (mcount)
    put32(f->win + f->site_off,
          0x48000001 |
              ((uint32_t)(mcount - (f->base + f->site_off)) & 0x03fffffc));
  else
    put32(f->win + f->site_off, NOP);
  for (off = f->site_off + 4; off < f->len; off += 4)
    put32(f->win + off, 0x7c632214); /* add r3,r3,r4: the body */
}

static int check_state(const struct fixture *f, struct pulp_pad_info *info)
{
  struct pulp_err e = {0};
  int r = L->check(f->win, f->func, info, &e);

  if (r < 0)
    fail_msg("check: %s", e.msg);
  return (int)info->state;
}

/* Asserts the window is a redirect of f->func to to, instruction by
 * instruction as capstone decodes it. */
static void assert_redirect_decodes(const struct fixture *f, uint64_t to)
{
  csh cs = cs_open_detail(CS_ARCH_PPC, CS_MODE_64 | CS_MODE_LITTLE_ENDIAN);
  uint64_t site = f->base + f->site_off, pre, lit;
  cs_insn *i;

  /* The site: b into the pre-area. */
  i = decode_at(cs, f->win, f->base, f->len, site);
  assert_string_equal(i->mnemonic, "b");
  assert_int_equal(i->detail->ppc.operands[0].type, PPC_OP_IMM);
  pre = (uint64_t)i->detail->ppc.operands[0].imm;
  assert_int_equal(pre, f->func - 64);
  cs_free(i, 1);

  /* bcl 20,31,.+4 (capstone 4.0.2 spells this BO=20 form "bdnzl"; the
   * word and the target say what it is). */
  assert_int_equal(get32(f->win + (pre - f->base)), 0x429f0005);
  i = decode_at(cs, f->win, f->base, f->len, pre);
  assert_int_equal(i->detail->ppc.operands[0].imm, pre + 4);
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 4);
  assert_string_equal(i->mnemonic, "mflr");
  assert_int_equal(i->detail->ppc.operands[0].reg, PPC_REG_R12);
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 8);
  assert_string_equal(i->mnemonic, "mtlr");
  assert_int_equal(i->detail->ppc.operands[0].reg, PPC_REG_R0);
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 12);
  assert_string_equal(i->mnemonic, "ld");
  assert_int_equal(i->detail->ppc.operands[0].reg, PPC_REG_R12);
  assert_int_equal(i->detail->ppc.operands[1].type, PPC_OP_MEM);
  assert_int_equal(i->detail->ppc.operands[1].mem.base, PPC_REG_R12);
  lit = pre + 4 + (uint64_t)(int64_t)i->detail->ppc.operands[1].mem.disp;
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 16);
  assert_string_equal(i->mnemonic, "mtctr");
  assert_int_equal(i->detail->ppc.operands[0].reg, PPC_REG_R12);
  cs_free(i, 1);

  i = decode_at(cs, f->win, f->base, f->len, pre + 20);
  assert_string_equal(i->mnemonic, "bctr");
  cs_free(i, 1);

  /* The literal: 8-aligned, inside the pre-area, after the code. */
  assert_int_equal(lit % 8, 0);
  assert_true(lit >= pre + 24 && lit + 8 <= f->func);
  assert_int_equal(get64(f->win + (lit - f->base)), to);
  /* The rest of the pre-area is still nops. */
  for (uint64_t a = pre + 24; a < f->func; a += 4)
    if (a < lit || a >= lit + 8)
      assert_int_equal(get32(f->win + (a - f->base)), NOP);
  cs_close(&cs);
}

static void redirect_ok(struct fixture *f, uint64_t to)
{
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};

  if (L->redirect(f->win, f->func, to, plan, &e) < 0)
    fail_msg("redirect: %s", e.msg);
  plan_apply(f->win, f->base, f->len, plan);
}

static void redirect_decodes_at_every_alignment(void **state)
{
  (void)state;
  for (uint64_t func = 0x10000100; func < 0x10000110; func += 4)
    for (int toc = 0; toc < 2; toc++) {
      struct pulp_pad_info info;
      struct fixture f;

      make_pad(&f, func, toc, 0);
      assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
      redirect_ok(&f, target);
      assert_redirect_decodes(&f, target);
      assert_int_equal(check_state(&f, &info), PULP_PAD_REDIRECTED);
      assert_int_equal(info.target, target);
      assert_int_equal(info.site, func + (toc ? 12 : 4));
    }
}

static void site_is_switched_last_by_one_atomic_store(void **state)
{
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};
  struct fixture f;
  const struct pulp_plan_write *w;

  (void)state;
  make_pad(&f, 0x10000104, 1, 0);
  assert_int_equal(L->redirect(f.win, f.func, target, plan, &e), 0);
  assert_true(plan->nwrites >= 2);
  w = &plan->writes[plan->nwrites - 1];
  assert_int_equal(w->addr, f.func + 12);
  assert_int_equal(w->len, 4);
  assert_true(w->flags & PULP_PW_ATOMIC);
  for (uint32_t k = 0; k + 1 < plan->nwrites; k++) {
    assert_true(plan->writes[k].addr + plan->writes[k].len <= f.func);
    /* The pre-area is nothing's branch target yet. */
    assert_true(plan->writes[k].flags & PULP_PW_UNREACHED);
  }
  /* One switch point: the runtime may commit it while threads run. */
  assert_true(plan_is_single_switch(plan));
  /* From a RAW pad ('bl _mcount') too: one 4-byte store replaces it. */
  plan = plan_reset();
  make_pad(&f, 0x10000104, 1, 0x10008000);
  assert_int_equal(L->redirect(f.win, f.func, target, plan, &e), 0);
  assert_true(plan_is_single_switch(plan));
}

static void retarget_is_one_atomic_literal_store(void **state)
{
  struct pulp_plan *plan;
  struct pulp_err e = {0};
  struct fixture f;

  (void)state;
  for (uint64_t func = 0x10000100; func < 0x10000108; func += 4) {
    make_pad(&f, func, 0, 0);
    redirect_ok(&f, target);
    plan = plan_reset();
    assert_int_equal(L->redirect(f.win, f.func, 0x123456780ull, plan, &e), 0);
    assert_int_equal(plan->nwrites, 1);
    assert_int_equal(plan->writes[0].len, 8);
    assert_true(plan->writes[0].flags & PULP_PW_ATOMIC);
    plan_apply(f.win, f.base, f.len, plan);
    assert_redirect_decodes(&f, 0x123456780ull);
  }
}

static void
restore_switches_the_site_and_leaves_the_sequence_armed(void **state)
{
  (void)state;
  for (uint64_t func = 0x10000100; func < 0x10000110; func += 4)
    for (int toc = 0; toc < 2; toc++) {
      struct pulp_plan *plan;
      struct pulp_pad_info info;
      struct pulp_err e = {0};
      struct fixture f;
      uint8_t orig[WIN_MAX], armed[WIN_MAX];

      make_pad(&f, func, toc, 0);
      memcpy(orig, f.win, sizeof(orig));
      redirect_ok(&f, target);
      redirect_ok(&f, target + 0x1000);
      memcpy(armed, f.win, sizeof(armed));
      plan = plan_reset();
      assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
      /* One atomic store of the site: a thread still inside the sequence
       * (the in-process commit cannot stop it) finishes its call. */
      assert_int_equal(plan->nwrites, 1);
      assert_int_equal(plan->writes[0].addr, f.base + f.site_off);
      assert_int_equal(plan->writes[0].len, 4);
      plan_apply(f.win, f.base, f.len, plan);
      assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
      /* The function body is the original one again... */
      assert_memory_equal(f.win + L->pre_len, orig + L->pre_len,
                          f.len - L->pre_len);
      /* ...and the unreachable pre-area still holds the last sequence. */
      assert_memory_equal(f.win, armed, L->pre_len);
      /* Restoring a clean pad changes nothing. */
      plan = plan_reset();
      assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
      assert_int_equal(plan->nwrites, 0);
      /* Redirecting an armed pad: the literal, then the site. A thread
       * still inside the sequence loads the old or the new literal, both
       * valid: the literal is no switch point, the site is the one. */
      plan = plan_reset();
      assert_int_equal(L->redirect(f.win, f.func, target + 0x2000, plan, &e),
                       0);
      assert_int_equal(plan->nwrites, 2);
      assert_int_equal(plan->writes[0].len, 8);
      assert_true(plan->writes[0].flags & PULP_PW_UNREACHED);
      assert_true(plan->writes[0].flags & PULP_PW_ATOMIC);
      assert_int_equal(plan->writes[1].addr, f.base + f.site_off);
      assert_true(plan_is_single_switch(plan));
      plan_apply(f.win, f.base, f.len, plan);
      assert_redirect_decodes(&f, target + 0x2000);
    }
}

static void raw_pad_calls_mcount_and_normalises_to_nop(void **state)
{
  struct pulp_pad_info info;
  struct pulp_err e = {0};
  struct fixture f, clean;
  uint64_t mcount = 0x10008000;

  (void)state;
  make_pad(&f, 0x10000100, 1, mcount);
  assert_int_equal(check_state(&f, &info), PULP_PAD_RAW);
  assert_int_equal(info.target, mcount);
  assert_int_equal(L->normalise(f.win, f.func, &e), 0);
  make_pad(&clean, 0x10000100, 1, 0);
  assert_memory_equal(f.win, clean.win, f.len);
  assert_int_equal(L->normalise(f.win, f.func, &e), 1);
  assert_memory_equal(f.win, clean.win, f.len);
}

static void raw_pad_redirects_and_restores_clean(void **state)
{
  struct pulp_plan *plan;
  struct pulp_pad_info info;
  struct pulp_err e = {0};
  struct fixture f, clean;

  (void)state;
  make_pad(&f, 0x10000108, 0, 0x10000000);
  redirect_ok(&f, target);
  assert_redirect_decodes(&f, target);
  plan = plan_reset();
  assert_int_equal(L->restore(f.win, f.func, plan, &e), 0);
  plan_apply(f.win, f.base, f.len, plan);
  assert_int_equal(check_state(&f, &info), PULP_PAD_CLEAN);
  /* The body is the normalised one (nop at the site, not bl _mcount). */
  make_pad(&clean, 0x10000108, 0, 0);
  assert_memory_equal(f.win + L->pre_len, clean.win + L->pre_len,
                      f.len - L->pre_len);
}

static void assert_rejected(const struct fixture *f, const char *why)
{
  struct pulp_pad_info info;
  struct pulp_plan *plan = plan_reset();
  struct pulp_err e = {0};

  assert_true(L->check(f->win, f->func, &info, &e) < 0);
  if (!strstr(e.msg, why))
    fail_msg("reason '%s' lacks '%s'", e.msg, why);
  assert_true(L->redirect(f->win, f->func, target, plan, &e) < 0);
  assert_int_equal(plan->nwrites, 0);
}

static void check_rejects_garbage_with_a_reason(void **state)
{
  struct fixture f;

  (void)state;
  make_pad(&f, 0x10000100, 0, 0);
  put32(f.win + L->pre_len, 0x7c632214); /* no mflr r0 */
  assert_rejected(&f, "mflr r0");

  make_pad(&f, 0x10000100, 1, 0);
  put32(f.win + 8, 0x38600000); /* li r3,0 in the pre-area */
  assert_rejected(&f, "not a nop");

  make_pad(&f, 0x10000100, 1, 0);
  put32(f.win + f.site_off, 0x38600000);
  assert_rejected(&f, "neither");

  make_pad(&f, 0x10000100, 0, 0);
  put32(f.win + f.site_off, 0x4bffffb0); /* b elsewhere in the pad */
  assert_rejected(&f, "neither");

  make_pad(&f, 0x10000100, 0, 0);
  redirect_ok(&f, target);
  put32(f.win + 16, NOP); /* mtctr erased */
  assert_rejected(&f, "not a redirect");
}

static void flags_are_the_mprofile_kernel_scheme(void **state)
{
  (void)state;
  assert_int_equal(L->machine, EM_PPC64);
  assert_false(L->big_endian);
  assert_int_equal(L->pre_len, 64);
  assert_int_equal(L->reloc_relative, 22);
  assert_non_null(strstr(L->cflags, "-mprofile-kernel"));
  assert_non_null(strstr(L->cflags, "-fpatchable-function-entry=16,16"));
  assert_non_null(strstr(L->ldflags, "mcount_stub"));
  assert_null(strstr(L->ldflags, "-pg"));
  assert_ptr_equal(arch_layout(EM_PPC64), L);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(redirect_decodes_at_every_alignment),
      cmocka_unit_test(site_is_switched_last_by_one_atomic_store),
      cmocka_unit_test(retarget_is_one_atomic_literal_store),
      cmocka_unit_test(restore_switches_the_site_and_leaves_the_sequence_armed),
      cmocka_unit_test(raw_pad_calls_mcount_and_normalises_to_nop),
      cmocka_unit_test(raw_pad_redirects_and_restores_clean),
      cmocka_unit_test(check_rejects_garbage_with_a_reason),
      cmocka_unit_test(flags_are_the_mprofile_kernel_scheme),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
