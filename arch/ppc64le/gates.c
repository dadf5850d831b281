/* No gates on this architecture yet (docs/apply-protocol.md, "Per-patch
 * switch without stopping threads (gates)"): a multi-function plan in
 * per-patch mode is committed with every thread stopped, as before. (On
 * ppc64le a gate could live inside the call trampoline, future work.) */
#include "core/arch_live.h"

uint64_t pulp_gate_epoch; /* never read: no gate */

size_t arch_live_gate_count(void)
{
  return 0;
}

uint64_t arch_live_gate_code(size_t i)
{
  (void)i;
  return 0;
}

struct pulp_gate_slot *arch_live_gate_slot(size_t i)
{
  (void)i;
  return NULL;
}

uint64_t arch_live_gate_body(uint64_t site)
{
  (void)site;
  return 0;
}
