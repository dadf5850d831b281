/* s390x register clobber of the hijack test runtime (regs.h): callee-saved
 * GPRs, FPRs and vector registers, access register a2, the FPC. */
#include <sys/auxv.h>

#include "regs.h"

#ifndef HWCAP_S390_VX
#define HWCAP_S390_VX 2048
#endif

__attribute__((target("arch=z13"), noinline)) static void clobber_vx(void)
{
  __asm__ volatile("vone %%v16\n\tvone %%v31\n\tvzero %%v0\n\tvone %%v8" ::
                       : "v0", "v8", "v16", "v31");
}

void regs_clobber(void)
{
  __asm__ volatile("lghi %%r6, -1\n\tlghi %%r13, -1\n\tlzdr %%f8\n\t"
                   "lhi %%r0, 0\n\tsar %%a2, %%r0\n\tsfpc %%r0" ::
                       : "r0", "r6", "r13", "f8", "memory");
  if (getauxval(AT_HWCAP) & HWCAP_S390_VX)
    clobber_vx();
}
