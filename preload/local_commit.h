#ifndef PULP_PRELOAD_LOCAL_COMMIT_H
#define PULP_PRELOAD_LOCAL_COMMIT_H

#include "core/err.h"
#include "core/plan.h"

/* Writes the plan into this process's own code, in order. */
int local_commit(const struct pulp_plan *plan, struct pulp_err *e);

/* -EAGAIN unless every write's old bytes are in memory. */
int local_plan_current(const struct pulp_plan *plan, struct pulp_err *e);

/* 1 when memory holds every write's new bytes (the plan was committed). */
int local_plan_written(const struct pulp_plan *plan);

/* 1 when every write of the plan lies in executable memory. */
int local_plan_in_code(const struct pulp_plan *plan);

/* Which writes local_write stores: all, only the PULP_PW_UNREACHED ones,
 * or only the others (the switch of a single-switch plan). */
enum { LOCAL_ALL, LOCAL_UNREACHED, LOCAL_REACHED };

/* Stores the plan's bytes of the writes in part, in order, or (old) their
 * old bytes in reverse order; *done counts the writes stored. An error of
 * mprotect (-EPERM or -EACCES under MemoryDenyWriteExecute) leaves the rest
 * unwritten. */
int local_write(const struct pulp_plan *plan, int old, int part, uint32_t *done,
                struct pulp_err *e);

#endif
