// Patch of libabicxx: throws through the call trampoline.
#include <stdexcept>

extern "C" int abi_cxx_thrower_v2(int x)
{
  if (x < 0)
    throw std::runtime_error("negative");
  return x + 2;
}
