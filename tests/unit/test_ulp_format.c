#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ulp_format.h"

static void sample(struct ulp_patch *p)
{
  static char *labels[] = {"CVE-2026-1", "bsc#2"};
  static struct ulp_func funcs[] = {{"foo", "foo_v2", 0x1100, 0x2200}};
  static struct ulp_ref refs[] = {{.tls = 1,
                                   .target_name = "tv",
                                   .patch_name = "tv_ref",
                                   .target_off = 0x10,
                                   .patch_off = 0x4000},
                                  {.exported = 1,
                                   .target_name = "ev",
                                   .patch_name = "ev_ref",
                                   .target_off = 0x20,
                                   .patch_off = 0x4008}};
  memset(p, 0, sizeof(*p));
  p->kind = ULP_KIND_APPLY;
  p->machine = 62;
  p->name = "foo_p1";
  p->patch_path = "/x/libfoo_p1.so";
  p->target = "libfoo.so.1";
  p->patch_build_id_len = 20;
  memset(p->patch_build_id, 0xab, 20);
  p->target_build_id_len = 20;
  memset(p->target_build_id, 0xcd, 20);
  p->labels = labels;
  p->nlabels = 2;
  p->funcs = funcs;
  p->nfuncs = 1;
  p->refs = refs;
  p->nrefs = 2;
}

static void round_trips(void **state)
{
  struct ulp_patch in, out;
  struct pulp_err e = {0};
  uint8_t *buf;
  size_t len;
  (void)state;
  sample(&in);
  assert_int_equal(ulp_encode(&in, &buf, &len, &e), 0);
  assert_int_equal(ulp_decode(buf, len, &out, &e), 0);
  assert_string_equal(out.name, "foo_p1");
  assert_string_equal(out.target, "libfoo.so.1");
  assert_int_equal(out.machine, 62);
  assert_int_equal(out.nfuncs, 1);
  assert_string_equal(out.funcs[0].new_name, "foo_v2");
  assert_int_equal(out.funcs[0].old_off, 0x1100);
  assert_int_equal(out.refs[0].tls, 1);
  assert_int_equal(out.refs[0].patch_off, 0x4000);
  assert_int_equal(out.refs[0].exported, 0);
  assert_int_equal(out.refs[1].tls, 0);
  assert_int_equal(out.refs[1].exported, 1);
  assert_int_equal(out.nlabels, 2);
  assert_string_equal(out.labels[1], "bsc#2");
  assert_memory_equal(out.target_build_id, in.target_build_id, 20);
  ulp_free(&out);
  free(buf);
}

static void rejects_corruption(void **state)
{
  struct ulp_patch in, out;
  struct pulp_err e = {0};
  uint8_t *buf;
  size_t len;
  (void)state;
  sample(&in);
  assert_int_equal(ulp_encode(&in, &buf, &len, &e), 0);
  /* Every single flipped byte past the magic is caught. */
  for (size_t i = 8; i < len; i++) {
    buf[i] ^= 0x40;
    assert_int_not_equal(ulp_decode(buf, len, &out, &e), 0);
    buf[i] ^= 0x40;
  }
  assert_int_equal(ulp_decode(buf, len - 1, &out, &e), -EBADMSG);
  assert_non_null(strstr(e.msg, "truncated"));
  buf[0] = 'X';
  assert_int_equal(ulp_decode(buf, len, &out, &e), -EBADMSG);
  assert_non_null(strstr(e.msg, "magic"));
  free(buf);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trips),
      cmocka_unit_test(rejects_corruption),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
