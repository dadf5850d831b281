#ifndef PULP_PRELOAD_LOCAL_COMMIT_H
#define PULP_PRELOAD_LOCAL_COMMIT_H

#include "core/err.h"
#include "core/plan.h"

/* Writes the plan into this process's own code, in order. */
int local_commit(const struct pulp_plan *plan, struct pulp_err *e);

#endif
