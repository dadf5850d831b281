#include "plan.h"

int plan_pc_is_guarded(const struct pulp_plan *p, uint64_t pc)
{
  for (uint32_t i = 0; i < p->nguards; i++)
    if (pc >= p->guards[i].start && pc < p->guards[i].end)
      return 1;
  return 0;
}

int plan_is_single_switch(const struct pulp_plan *p)
{
  unsigned switches = 0;

  for (uint32_t i = 0; i < p->nwrites; i++) {
    const struct pulp_plan_write *w = &p->writes[i];
    if (w->flags & PULP_PW_UNREACHED)
      continue;
    if (!(w->flags & PULP_PW_ATOMIC) ||
        (w->len != 2 && w->len != 4 && w->len != 8) || w->addr % w->len ||
        ++switches > 1)
      return 0;
  }
  return 1;
}
