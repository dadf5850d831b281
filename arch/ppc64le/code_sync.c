/* ppc64le: the IPI of a plain expedited membarrier, and every return to
 * user mode, end with rfid, which is context-synchronising: like isync,
 * it discards prefetched instructions (Power ISA Book III; the kernel
 * relies on it for its own SYNC_CORE, arch/powerpc/include/asm/
 * membarrier.h). */
#include "core/arch_live.h"

int arch_live_plain_membarrier_serialises(void)
{
  return 1;
}
