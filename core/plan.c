#include "plan.h"

int plan_pc_is_guarded(const struct pulp_plan *p, uint64_t pc)
{
  for (uint32_t i = 0; i < p->nguards; i++)
    if (pc >= p->guards[i].start && pc < p->guards[i].end)
      return 1;
  return 0;
}
