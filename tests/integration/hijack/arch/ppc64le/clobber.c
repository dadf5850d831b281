/* ppc64le register clobber of the hijack test runtime (regs.h):
 * non-volatile GPRs, FPRs and VRs, CR fields, CTR, XER, FPSCR rounding,
 * VSCR and VRSAVE. */
#include "regs.h"

void regs_clobber(void)
{
  __asm__ volatile("li 14, -1\n\tli 31, -1\n\t"
                   "xxlxor 14, 14, 14\n\txxlxor 63, 63, 63\n\t"
                   "xxlxor 0, 0, 0\n\txxlxor 40, 40, 40\n\t"
                   "mtfsfi 7, 0\n\tvspltisw 0, 0\n\tmtvscr 0\n\t"
                   "li 0, 0\n\tmtxer 0\n\tmtctr 0\n\tmtspr 256, 0\n\t"
                   "mtcrf 0xff, 0" ::
                       : "r0", "r14", "r31", "fr14", "vs0", "v8", "v31", "cr0",
                         "cr1", "cr2", "cr3", "cr4", "cr5", "cr6", "cr7", "ctr",
                         "xer", "memory");
}
