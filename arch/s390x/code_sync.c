/* s390x: the IPI of a plain expedited membarrier is an interruption, and
 * the return to user mode is LPSWE; both serialise the CPU (z/Architecture
 * Principles of Operation, "Serialization"), which discards prefetched
 * instructions. Linux 6.1 does not offer SYNC_CORE on s390 (it lists the
 * same argument in Documentation/features/sched/membarrier-sync-core). */
#include "core/arch_live.h"

int arch_live_plain_membarrier_serialises(void)
{
  return 1;
}
