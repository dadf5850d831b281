/* The gated per-patch switch (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"): a multi-function plan committed by
 * the runtime while every other thread runs, switching every function of
 * the operation at one instant (one store to pulp_gate_epoch). */
#ifndef PULP_PRELOAD_GATES_H
#define PULP_PRELOAD_GATES_H

#include <stdint.h>

#include "core/err.h"
#include "core/plan.h"

/* The engine's record of one operation (engine.c): forget the functions
 * of the previous one; then, for each function whose redirect changes,
 * its effective replacement before and after (0: the original). */
void gates_reset(void);
void gates_note(uint64_t func, uint64_t before, uint64_t after);

/* Commits a plan while the other threads run (remote.c's self_commit in
 * per-function mode): 1 committed, 0 not committed and nothing written,
 * negative errno (everything written undone). */
typedef int (*gates_commit_fn)(const struct pulp_plan *plan, uint64_t *ns,
                               struct pulp_err *e);

/* Switches every noted function at once through its gate, committing with
 * commit. Returns 1 when the operation is committed (its switch is one
 * store of the epoch: no window to measure), 0 when gates cannot take it and
 * nothing was written (no gates on this architecture, disabled with
 * PULP_GATES=0 in the environment, pool exhausted, a plan that does not
 * qualify, stores to code denied): the caller commits the direct plan as
 * before; or a negative errno (nothing left changed). at_instant runs
 * right after the instant: from there on the operation is committed, even
 * if the process exits before step C ends. */
int gates_commit(gates_commit_fn commit, void (*at_instant)(void),
                 struct pulp_err *e);

#endif
