#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/descriptor.h"

static void parses_libpulp_syntax(void **state)
{
  struct dsc d;
  struct pulp_err e = {0};
  const char *text = "! fixes CVE-2026-0001 and bsc#1234.\n"
                     "libfoo_livepatch1.so\n"
                     "\n"
                     "@/usr/lib/libfoo.so.1\n"
                     "foo:new_foo\n"
                     "  bar,2:new_bar\n"
                     "#counter:counter_ref\n"
                     "#%tlsvar:tls_ref:1f:2a\n"
                     "*base.ulp\n";
  (void)state;
  assert_int_equal(dsc_parse_text("x.dsc", "/d", text, &d, &e), 0);
  assert_string_equal(d.patch_obj, "/d/libfoo_livepatch1.so");
  assert_string_equal(d.target, "/usr/lib/libfoo.so.1");
  assert_int_equal(d.nfuncs, 2);
  assert_string_equal(d.funcs[0].old_name, "foo");
  assert_string_equal(d.funcs[0].new_name, "new_foo");
  assert_string_equal(d.funcs[1].old_name, "bar,2");
  assert_int_equal(d.funcs[1].line, 6);
  assert_int_equal(d.nrefs, 2);
  assert_false(d.refs[0].tls);
  assert_true(d.refs[1].tls);
  assert_true(d.refs[1].has_offsets);
  assert_int_equal(d.refs[1].target_off, 0x1f);
  assert_int_equal(d.refs[1].patch_off, 0x2a);
  assert_int_equal(d.nlabels, 2);
  assert_string_equal(d.labels[0], "CVE-2026-0001");
  assert_string_equal(d.labels[1], "bsc#1234");
  assert_int_equal(d.ndeps, 1);
  assert_string_equal(d.deps[0].path, "/d/base.ulp");
  dsc_free(&d);
}

/* A placeholder (no function lines) and a data-only patch parse. */
static void parses_patches_without_functions(void **state)
{
  struct dsc d;
  struct pulp_err e = {0};

  (void)state;
  assert_int_equal(dsc_parse_text("x.dsc", "/d", "p.so\n@t.json\n", &d, &e), 0);
  assert_string_equal(d.target, "/d/t.json");
  assert_int_equal(d.nfuncs + d.nrefs, 0);
  dsc_free(&d);
  assert_int_equal(dsc_parse_text("x.dsc", "/d", "p.so\n@t.so\n#v:r\n", &d, &e),
                   0);
  assert_int_equal(d.nfuncs, 0);
  assert_int_equal(d.nrefs, 1);
  dsc_free(&d);
}

static void expect_error(const char *text, const char *msg)
{
  struct dsc d;
  struct pulp_err e = {0};
  assert_int_not_equal(dsc_parse_text("x.dsc", "/d", text, &d, &e), 0);
  assert_non_null(strstr(e.msg, msg));
}

static void reports_file_and_line(void **state)
{
  (void)state;
  expect_error("p.so\n@t.so\nfoo\n",
               "x.dsc:3: expected 'old_function:new_function'");
  expect_error("@t.so\n", "x.dsc:1: the first line must name the patch object");
  expect_error("p.so\nfoo:bar\n", "x.dsc:2: '@target' must come before");
  expect_error("p.so\n@t.so\n#v\n", "x.dsc:3: expected '#VAR:REF'");
  expect_error("p.so\n@t.so\n#v:r:zz:1\n",
               "x.dsc:3: offsets must be hexadecimal");
  expect_error("p.so\n@t.so\na:b\na:c\n",
               "x.dsc:4: 'a' is already replaced on line 3");
  expect_error("p.so\n@t.so\n@u.so\na:b\n", "x.dsc:3: a second @target");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_libpulp_syntax),
      cmocka_unit_test(reports_file_and_line),
      cmocka_unit_test(parses_patches_without_functions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
