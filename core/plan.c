#include "plan.h"

#include <stdlib.h>

int plan_pc_is_guarded(const struct pulp_plan *p, uint64_t pc)
{
  for (uint32_t i = 0; i < p->nguards; i++)
    if (pc >= p->guards[i].start && pc < p->guards[i].end)
      return 1;
  return 0;
}

/* The switch points of the plan (its PULP_PW_ATOMIC writes that are not
 * PULP_PW_UNREACHED), or -1 when a write is neither unreached nor a
 * naturally aligned atomic store of 2, 4 or 8 bytes: that write could be
 * seen half done by a running thread. */
static long plan_switches(const struct pulp_plan *p)
{
  long switches = 0;

  for (uint32_t i = 0; i < p->nwrites; i++) {
    const struct pulp_plan_write *w = &p->writes[i];
    if (w->flags & PULP_PW_UNREACHED)
      continue;
    if (!(w->flags & PULP_PW_ATOMIC) ||
        (w->len != 2 && w->len != 4 && w->len != 8) || w->addr % w->len)
      return -1;
    switches++;
  }
  return switches;
}

int plan_is_single_switch(const struct pulp_plan *p)
{
  long n = plan_switches(p);

  return n >= 0 && n <= 1;
}

static int by_addr(const void *a, const void *b)
{
  const uint64_t *x = a, *y = b;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* 1 when no two writes touch the same byte. A plan whose later write
 * expects what an earlier one stored (a revert and a re-apply of one
 * function in one operation) cannot be reordered, unreached writes
 * first, nor checked up front against memory. */
static int plan_disjoint(const struct pulp_plan *p)
{
  uint64_t(*r)[2] = malloc((p->nwrites ? p->nwrites : 1) * sizeof(*r));
  int ok = 1;

  if (!r)
    return 0;
  for (uint32_t i = 0; i < p->nwrites; i++) {
    r[i][0] = p->writes[i].addr;
    r[i][1] = p->writes[i].addr + p->writes[i].len;
  }
  qsort(r, p->nwrites, sizeof(*r), by_addr);
  for (uint32_t i = 1; ok && i < p->nwrites; i++)
    ok = r[i][0] >= r[i - 1][1];
  free(r);
  return ok;
}

int plan_is_per_function(const struct pulp_plan *p)
{
  return plan_switches(p) >= 0 && plan_disjoint(p);
}
