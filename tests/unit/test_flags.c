/* The flags the build system hands to packagers (cmake/PulpFlags.cmake,
 * libpulp.pc) are the layout backends' own (arch/<arch>/layout.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>

#include "core/arch.h"

static void flags_match_layouts(void **state)
{
  (void)state;
  assert_string_equal(arch_layout(EM_X86_64)->cflags, FLAGS_x86_64_CFLAGS);
  assert_string_equal(arch_layout(EM_X86_64)->ldflags, FLAGS_x86_64_LDFLAGS);
  assert_string_equal(arch_layout(EM_PPC64)->cflags, FLAGS_ppc64le_CFLAGS);
  assert_string_equal(arch_layout(EM_PPC64)->ldflags, MCOUNT_STUB_PATH);
  assert_string_equal(arch_layout(EM_S390)->cflags, FLAGS_s390x_CFLAGS);
  assert_string_equal(arch_layout(EM_S390)->ldflags, FLAGS_s390x_LDFLAGS);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(flags_match_layouts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
