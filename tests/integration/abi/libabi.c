/* Target library of the ABI scenarios (tests/integration/abi). */
#include <setjmp.h>

#include "abi_types.h"

#define W 1
#define SIG(name) abi_##name
#include "abi_sigs.h"

/* Reached through the TOC: read in abi_local_caller right after a local
 * call, so a wrong r2 after that call reads garbage or faults. */
static volatile int global_a = 11; /* volatile: GCC would fold it */
int abi_global_b = 22;

/* Protected: exported (patchable, callable by the patch) but bound
 * locally, so abi_local_caller's call is a local 'bl' with no TOC restore
 * after it, the case the ppc64le trampoline exists for. */
__attribute__((visibility("protected"), noipa)) int abi_callee(int x)
{
  return x + 1;
}

int abi_local_caller(int x)
{
  int r = abi_callee(x);

  return r + global_a;
}

int abi_helper(int x)
{
  return x * 2 + global_a;
}

int abi_jumper(jmp_buf *jb, int x)
{
  (void)jb;
  return x + 1;
}

int abi_value(void)
{
  return 1;
}

__attribute__((visibility("protected"), noipa)) long abi_depth(long n)
{
  return n <= 0 ? 0 : 1 + abi_depth(n - 1);
}

/* The same recursion entered from inside the library. */
long abi_depth_local(long n)
{
  return abi_depth(n) + global_a - 11;
}
