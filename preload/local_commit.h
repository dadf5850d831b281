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
 * or only the others (the switches); or'ed with LOCAL_STORE_ONLY, it
 * leaves the protection alone (the pages were made writable by
 * local_prot), so the stores follow each other without a system call. */
enum { LOCAL_ALL, LOCAL_UNREACHED, LOCAL_REACHED, LOCAL_STORE_ONLY = 0x10 };

/* Makes the pages of every write of the plan writable (RWX) or not (RX).
 * Other threads keep executing them: they never fault. */
int local_prot(const struct pulp_plan *plan, int writable, struct pulp_err *e);

/* Stores the plan's bytes of the writes in part, in order, or (old) their
 * old bytes in reverse order; *done counts the writes stored. An error of
 * mprotect (-EPERM or -EACCES under MemoryDenyWriteExecute) leaves the rest
 * unwritten. */
int local_write(const struct pulp_plan *plan, int old, int part, uint32_t *done,
                struct pulp_err *e);

#endif
