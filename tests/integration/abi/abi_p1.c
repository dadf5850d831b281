/* Patch of libabi: its own TOC and globals, calls back into libabi. */
#include <setjmp.h>

#include "abi_types.h"

#define W 3
#define SIG(name) abi_##name##_v2
#include "abi_sigs.h"

static int own_global = 1000; /* read through the patch's own TOC */

/* Calls libabi (through the patch's PLT: needs the patch's TOC) and reads
 * globals of both objects. */
int abi_callee_v2(int x)
{
  return abi_helper(x) + abi_global_b + own_global;
}

int abi_jumper_v2(jmp_buf *jb, int x)
{
  if (x < 0)
    longjmp(*jb, 7);
  return x + own_global;
}

int abi_value_v2(void)
{
  return 2;
}

/* Each level goes back through libabi's patched entry. */
long abi_depth_v2(long n)
{
  return n <= 0 ? 0 : own_global + abi_depth(n - 1);
}
