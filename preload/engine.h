/* The runtime's patch engine: turns a request (apply these .ulp files,
 * revert those .rev files, revert everything on a library) into a plan of
 * writes, without writing anything, then records the outcome. Used by the
 * remote protocol (remote.c, driven by `ulp trigger`) and by the in-process
 * API (api.c) alike: one engine. */
#ifndef PULP_PRELOAD_ENGINE_H
#define PULP_PRELOAD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/plan.h"

/* A request is a sequence of NUL-terminated items, applied in order:
 *   "F<path>"  a .ulp (apply) or .rev (revert) file
 *   "R<path>"  revert the patch in this file (trigger --revert: a
 *              container's .ulp.rev, or a .ulp as the revert of itself)
 *   "L<lib>"   revert every patch on library lib (basename or soname) */
#define PULP_REQ_FILE 'F'
#define PULP_REQ_REVERT_FILE 'R'
#define PULP_REQ_REVERT_ALL 'L'

/* OR'ed into engine_prepare's op by a committer that stops every thread and
 * checks their PCs against the plan's guards (the remote protocol: `ulp
 * trigger`). Without it the engine refuses what only that makes safe: pads
 * not normalised by `ulp post` (PULP_PAD_RAW). */
#define PULP_ENGINE_STOPS_WORLD 0x80000000u

/* Builds the plan for req; on success the engine holds the transaction
 * until engine_finish. Takes the engine lock (released by finish). */
int engine_prepare(uint32_t op, const uint8_t *req, size_t len,
                   struct pulp_plan **plan, struct pulp_err *e);

/* Records the transaction as applied (committed != 0) or drops it. */
void engine_finish(int committed);

/* Logs one line to the runtime's message ring (ulp messages). */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
