/* arch/decode.c and arch/<arch>/decode.c: capstone confirms clean, raw and
 * redirected pads of every architecture, and refuses what check() was
 * wrongly told. */
#include "layout_harness.h"

#include <elf.h>

#include "arch/decode.h"

struct arch_case {
  uint16_t machine;
  uint64_t func;
  const uint8_t *entry; /* the CLEAN entry bytes from func on */
  size_t entry_len;
  uint8_t nop[4]; /* one pre-area NOP */
  size_t nop_len;
};

/* ppc64le: addis r2,r12,2; addi r2,r2,..; mflr r0; nop */
static const uint8_t ppc_entry[] = {0x02, 0x00, 0x4c, 0x3c, 0x20, 0x77,
                                    0x42, 0x38, 0xa6, 0x02, 0x08, 0x7c,
                                    0x00, 0x00, 0x00, 0x60};
static const uint8_t s390_entry[] = {0xc0, 0x04, 0, 0, 0, 0};
static const uint8_t x86_entry[] = {0xf3, 0x0f, 0x1e, 0xfa, 0x66, 0x90};

static const struct arch_case cases[] = {
    {EM_X86_64, 0x401122, x86_entry, sizeof(x86_entry), {0x90}, 1},
    {EM_PPC64, 0x10000140, ppc_entry, sizeof(ppc_entry), {0, 0, 0, 0x60}, 4},
    {EM_S390, 0x1000100, s390_entry, sizeof(s390_entry), {0x07, 0x00}, 2},
};

static void make_clean(const struct arch_case *c,
                       const struct pulp_arch_layout *l, uint8_t *win)
{
  for (size_t i = 0; i < l->pre_len; i += c->nop_len)
    memcpy(win + i, c->nop, c->nop_len);
  memset(win + l->pre_len, 0, l->post_len);
  memcpy(win + l->pre_len, c->entry, c->entry_len);
}

static int no_read(void *arg, uint64_t vaddr, void *buf, size_t len)
{
  (void)arg;
  (void)vaddr;
  (void)buf;
  (void)len;
  return -14;
}

static void clean_and_redirected_pads_decode(void **state)
{
  (void)state;
  for (size_t k = 0; k < 3 * 16; k++) {
    const struct arch_case *c = &cases[k / 16];
    const struct pulp_arch_layout *l = arch_layout(c->machine);
    uint64_t func = c->func + k % 16 / c->nop_len * c->nop_len;
    uint64_t base = func - l->pre_len, target = func + 0x100000;
    struct pulp_decoder *d = NULL;
    struct pulp_pad_info info;
    struct pulp_err e = {0};
    uint8_t win[128];

    assert_non_null(l);
    if (decoder_open(c->machine, &d, &e) < 0)
      fail_msg("%s", e.msg);
    make_clean(c, l, win);
    assert_int_equal(l->check(win, func, &info, &e), 0);
    assert_int_equal(info.state, PULP_PAD_CLEAN);
    if (decoder_verify(d, win, func, &info, no_read, NULL, &e) < 0)
      fail_msg("%s clean: %s", l->name, e.msg);

    assert_int_equal(l->redirect(win, func, target, plan_reset(), &e), 0);
    plan_apply(win, base, l->pre_len + l->post_len, &harness_plan);
    assert_int_equal(l->check(win, func, &info, &e), 0);
    assert_int_equal(info.state, PULP_PAD_REDIRECTED);
    if (decoder_verify(d, win, func, &info, no_read, NULL, &e) < 0)
      fail_msg("%s redirected: %s", l->name, e.msg);

    /* Told another target than the literal holds: refused. */
    info.target += 0x10;
    assert_true(decoder_verify(d, win, func, &info, no_read, NULL, &e) < 0);
    /* Told the pad is clean: refused. */
    info.state = PULP_PAD_CLEAN;
    assert_true(decoder_verify(d, win, func, &info, no_read, NULL, &e) < 0);
    decoder_close(d);
  }
}

/* A RAW ppc64le pad is accepted only if its bl reaches Pulp's stub. */
static const uint8_t stub[16] = {0xa6, 0x02, 0x88, 0x7d, 0xa6, 0x03,
                                 0x89, 0x7d, 0xa6, 0x03, 0x08, 0x7c,
                                 0x20, 0x04, 0x80, 0x4e};
static const uint8_t not_stub[16] = {0x18, 0x00, 0x41, 0xf8, 0x20, 0x00,
                                     0x80, 0x4e, 0,    0,    0,    0x60,
                                     0,    0,    0,    0x60};

static int read_code(void *arg, uint64_t vaddr, void *buf, size_t len)
{
  (void)vaddr;
  memcpy(buf, arg, len);
  return 0;
}

static void ppc64le_raw_pad_must_call_the_stub(void **state)
{
  const struct pulp_arch_layout *l = arch_layout(EM_PPC64);
  uint64_t func = 0x10000140, site = func + 12, mcount = 0x10000800;
  struct pulp_decoder *d = NULL;
  struct pulp_pad_info info;
  struct pulp_err e = {0};
  uint8_t win[128];
  uint32_t bl = 0x48000001 | (uint32_t)(mcount - site);

  (void)state;
  make_clean(&cases[1], l, win);
  for (int i = 0; i < 4; i++)
    win[l->pre_len + 12 + i] = (uint8_t)(bl >> (8 * i));
  assert_int_equal(l->check(win, func, &info, &e), 0);
  assert_int_equal(info.state, PULP_PAD_RAW);
  assert_int_equal(info.target, mcount);
  assert_int_equal(decoder_open(EM_PPC64, &d, &e), 0);
  assert_int_equal(
      decoder_verify(d, win, func, &info, read_code, (void *)stub, &e), 0);
  assert_true(
      decoder_verify(d, win, func, &info, read_code, (void *)not_stub, &e) < 0);
  assert_non_null(strstr(e.msg, "mcount_stub.o"));
  assert_true(decoder_verify(d, win, func, &info, no_read, NULL, &e) < 0);
  decoder_close(d);
}

static void unknown_machine_has_no_decoder(void **state)
{
  struct pulp_decoder *d = NULL;
  struct pulp_err e = {0};

  (void)state;
  assert_true(decoder_open(EM_AARCH64, &d, &e) < 0);
  assert_null(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(clean_and_redirected_pads_decode),
      cmocka_unit_test(ppc64le_raw_pad_must_call_the_stub),
      cmocka_unit_test(unknown_machine_has_no_decoder),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
