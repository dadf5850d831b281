/* x86_64: a return to user mode (SYSRET, or IRET skipped on some paths)
 * need not serialise the instruction fetch: only SYNC_CORE will do
 * (core/arch_live.h). */
#include "core/arch_live.h"

int arch_live_plain_membarrier_serialises(void)
{
  return 0;
}
