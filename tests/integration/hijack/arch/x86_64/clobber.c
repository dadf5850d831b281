/* x86_64 register clobber of the hijack test runtime (regs.h): SSE, AVX2
 * and AVX-512 registers where present, MXCSR and callee-saved GPRs. */
#include "regs.h"

__attribute__((target("avx2"), noinline)) static void clobber_avx2(void)
{
  __asm__ volatile("vpcmpeqb %%ymm2, %%ymm2, %%ymm2\n\t"
                   "vmovdqa %%ymm2, %%ymm3\n\tvmovdqa %%ymm2, %%ymm14" ::
                       : "xmm2", "xmm3", "xmm14");
}

__attribute__((target("avx512f"), noinline)) static void clobber_avx512(void)
{
  __asm__ volatile("vpternlogd $0xff, %%zmm4, %%zmm4, %%zmm4\n\t"
                   "vmovdqa64 %%zmm4, %%zmm20\n\tvmovdqa64 %%zmm4, %%zmm31\n\t"
                   "kxnorw %%k1, %%k1, %%k1\n\tkxnorw %%k7, %%k7, %%k7" ::
                       : "xmm4", "xmm20", "xmm31", "k1", "k7");
}

void regs_clobber(void)
{
  __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpcmpeqb %%xmm1, %%xmm1\n\t"
                   "movdqa %%xmm1, %%xmm15\n\tmovdqa %%xmm1, %%xmm7\n\t"
                   "ldmxcsr %0" ::"m"((unsigned){0x1f80})
                   : "xmm0", "xmm1", "xmm7", "xmm15");
  if (__builtin_cpu_supports("avx2"))
    clobber_avx2();
  if (__builtin_cpu_supports("avx512f"))
    clobber_avx512();
  __asm__ volatile("mov $-1, %%rbx\n\tmov $-1, %%r12\n\tmov $-1, %%r15" ::
                       : "rbx", "r12", "r15");
}
