// C++ target of the exception scenario (tests/integration/abi): the
// patched function throws, its callers here catch.
#include <stdexcept>

extern "C" {
#include "abi_types.h"
}

static int caught_total; // read through the TOC after each catch

// Protected: its callers here call it locally (no TOC restore after).
extern "C" __attribute__((visibility("protected"), noipa)) int
abi_cxx_thrower(int x)
{
  /* A throw here too: GCC would otherwise find it cannot throw and drop
   * the callers' catch clauses. Never taken by the test. */
  if (x < -1000000)
    throw std::runtime_error("far too negative");
  return x + 1;
}

extern "C" int abi_cxx_catch(int x)
{
  try {
    return abi_cxx_thrower(x);
  } catch (const std::runtime_error &) {
    caught_total++;
    return -1;
  }
}

// Through a local call from a deeper frame, with a catch one level up.
static __attribute__((noipa)) int twice(int x)
{
  return abi_cxx_thrower(x) + abi_cxx_thrower(x);
}

extern "C" int abi_cxx_catch_local(int x)
{
  try {
    return twice(x);
  } catch (const std::runtime_error &) {
    caught_total++;
    return -1;
  }
}

extern "C" int abi_cxx_caught(void)
{
  return caught_total;
}
