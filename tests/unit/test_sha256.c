#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/sha256.h"
#include "core/ulp_format.h"

static void hex_of(const char *msg, size_t len, char *out)
{
  uint8_t d[SHA256_LEN];
  sha256(msg, len, d);
  ulp_hex(d, SHA256_LEN, out);
}

static void sha256_matches_fips_vectors(void **state)
{
  char hex[65];
  static char million[1000000];
  (void)state;
  hex_of("", 0, hex);
  assert_string_equal(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, hex);
  assert_string_equal(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
  assert_string_equal(
      hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  memset(million, 'a', sizeof(million));
  hex_of(million, sizeof(million), hex);
  assert_string_equal(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sha256_matches_fips_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
