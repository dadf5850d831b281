// SPDX-License-Identifier: GPL-2.0-or-later
/* klp's .ko reader: modinfo strings and build-id, any ELF class and order. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "klp.h"
#include "modinfo.h"

static const char *const fields = "license=GPL\nname=klp_fix\nversion=3\n"
                                  "cve=CVE-2024-1\nlivepatch=Y\ncve=CVE-2024-2";
static const char *const build_id = "0123456789abcdef0011223344556677deadbeef";

static void check_parse(bool be, bool elf32)
{
  struct ko_spec s = {be, elf32, fields, build_id};
  unsigned char img[8192];
  size_t len = ko_image(&s, img, sizeof(img));
  struct klp_modinfo mi;
  struct klp_err e;
  const char *v;

  assert_int_equal(klp_modinfo_parse(img, len, "x.ko", &e, &mi), 0);
  assert_string_equal(klp_modinfo_get(&mi, "name"), "klp_fix");
  assert_string_equal(klp_modinfo_get(&mi, "version"), "3");
  assert_string_equal(klp_modinfo_get(&mi, "livepatch"), "Y");
  assert_null(klp_modinfo_get(&mi, "nam"));
  assert_null(klp_modinfo_get(&mi, "srcversion"));
  v = klp_modinfo_get(&mi, "cve");
  assert_string_equal(v, "CVE-2024-1");
  v = klp_modinfo_next(&mi, "cve", v);
  assert_string_equal(v, "CVE-2024-2");
  assert_null(klp_modinfo_next(&mi, "cve", v));
  assert_string_equal(mi.build_id, build_id);
  klp_modinfo_free(&mi);
}

static void modinfo_reads_elf64_little_endian(void **state)
{
  (void)state;
  check_parse(false, false);
}

static void modinfo_reads_elf64_big_endian(void **state)
{
  (void)state;
  check_parse(true, false);
}

static void modinfo_reads_elf32_both_orders(void **state)
{
  (void)state;
  check_parse(false, true);
  check_parse(true, true);
}

static void expect_malformed(const unsigned char *img, size_t len,
                             const char *why)
{
  struct klp_modinfo mi;
  struct klp_err e;

  assert_int_equal(klp_modinfo_parse(img, len, "bad.ko", &e, &mi), -EINVAL);
  assert_int_equal(e.exit, KLP_EXIT_USAGE);
  assert_non_null(strstr(e.why, why));
  assert_string_equal(e.what, "reading bad.ko");
  assert_null(mi.data);
}

static void modinfo_rejects_malformed_files(void **state)
{
  struct ko_spec s = {false, false, fields, NULL};
  unsigned char img[8192], bad[8192];
  size_t len = ko_image(&s, img, sizeof(img));

  (void)state;
  expect_malformed((const unsigned char *)"hello", 5, "not an ELF file");
  expect_malformed((const unsigned char *)"\xfd"
                                          "7zXZ\0\0",
                   8, "compressed module");
  expect_malformed((const unsigned char *)"\x28\xb5\x2f\xfd\0", 5,
                   "compressed module");
  expect_malformed(img, 20, "truncated ELF header");
  /* Section headers cut off. */
  expect_malformed(img, len - 8, "malformed ELF section headers");
  /* A section pointing past the end of the file. */
  memcpy(bad, img, len);
  bad[len - 64 + 24 + 7] = 0x7f; /* .shstrtab sh_offset (LE, 64-bit) */
  expect_malformed(bad, len, "malformed ELF section headers");
  /* Not relocatable: an executable. */
  memcpy(bad, img, len);
  bad[16] = ET_EXEC;
  expect_malformed(bad, len, "not a kernel module");
  /* Bad class byte. */
  memcpy(bad, img, len);
  bad[EI_CLASS] = 9;
  expect_malformed(bad, len, "class");
}

static void modinfo_requires_a_modinfo_section(void **state)
{
  struct ko_spec s = {false, false, fields, NULL};
  unsigned char img[8192];
  size_t len = ko_image(&s, img, sizeof(img));
  unsigned char *p = memmem(img, len, ".modinfo", 8);

  (void)state;
  assert_non_null(p);
  p[1] = 'X'; /* rename the section */
  expect_malformed(img, len, "no .modinfo section");
}

static void modinfo_read_reports_missing_files(void **state)
{
  struct klp_modinfo mi;
  struct klp_err e;

  (void)state;
  assert_int_equal(klp_modinfo_read("/nonexistent/x.ko", &e, &mi), -ENOENT);
  assert_int_equal(e.exit, KLP_EXIT_USAGE);
  assert_string_equal(e.what, "reading /nonexistent/x.ko");
  assert_int_equal(klp_modinfo_read("/", &e, &mi), -EISDIR);
}

static void build_id_note_in_either_order(void **state)
{
  unsigned char note[] = {0, 0, 0,   4,   0,   0, 0,    2,    0, 0,
                          0, 3, 'G', 'N', 'U', 0, 0xab, 0xcd, 0, 0};
  char hex[16];

  (void)state;
  assert_int_equal(
      klp_note_build_id(note, sizeof(note), true, hex, sizeof(hex)), 0);
  assert_string_equal(hex, "abcd");
  /* Read in the wrong order the sizes are absurd: rejected, no overrun. */
  assert_int_not_equal(
      klp_note_build_id(note, sizeof(note), false, hex, sizeof(hex)), 0);
  /* Truncated descriptor. */
  assert_int_equal(klp_note_build_id(note, 17, true, hex, sizeof(hex)),
                   -EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(modinfo_reads_elf64_little_endian),
      cmocka_unit_test(modinfo_reads_elf64_big_endian),
      cmocka_unit_test(modinfo_reads_elf32_both_orders),
      cmocka_unit_test(modinfo_rejects_malformed_files),
      cmocka_unit_test(modinfo_requires_a_modinfo_section),
      cmocka_unit_test(modinfo_read_reports_missing_files),
      cmocka_unit_test(build_id_note_in_either_order),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
