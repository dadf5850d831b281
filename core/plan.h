/* The plan of writes: what a patch operation changes in the target's code,
 * in order. The runtime produces it (nothing is written yet); the committer
 * (ulp trigger with every thread stopped, or the in-process API) applies it.
 * The layout is a plain C struct in the target's own memory: the tool reads
 * it with process_vm_readv and the tool and runtime are the same build.
 * See docs/apply-protocol.md. */
#ifndef PULP_CORE_PLAN_H
#define PULP_CORE_PLAN_H

#include <stdint.h>

#define PULP_PLAN_WRITE_MAX 16 /* bytes in one write */
#define PULP_PLAN_MAX 4096     /* writes (and guards) in one plan */
/* Functions whose redirect changes in one operation: a backend emits at
 * most 3 writes and 2 guards per function (s390x, x86_64), so a plan of
 * this many always fits. The packer refuses a patch with more functions,
 * the runtime an operation that changes more (docs/limits.md). */
#define PULP_PLAN_MAX_FUNCS 1024

struct pulp_plan_write {
  uint64_t addr;                      /* absolute address in the target */
  uint32_t len;                       /* 1..PULP_PLAN_WRITE_MAX */
  uint32_t flags;                     /* PULP_PW_* */
  uint8_t old[PULP_PLAN_WRITE_MAX];   /* bytes expected before the write */
  uint8_t bytes[PULP_PLAN_WRITE_MAX]; /* bytes to store */
};

/* The write must be a single aligned store (re-targeting a live redirect);
 * no thread needs its PC checked against it. */
#define PULP_PW_ATOMIC 0x1
/* No thread executes these bytes before a later write of the same plan
 * makes them reachable (a pre-area written before its entry). */
#define PULP_PW_UNREACHED 0x2

struct pulp_plan {
  uint32_t nwrites;
  uint32_t reserved;
  /* Ranges that no thread's PC may lie in at commit: the bytes that change
   * and the instruction they belong to (computed by the backend). */
  uint32_t nguards;
  uint32_t reserved2;
  struct {
    uint64_t start, end;
  } guards[PULP_PLAN_MAX];
  struct pulp_plan_write writes[PULP_PLAN_MAX];
};

/* Returns 1 if pc lies in one of the plan's guard ranges. */
int plan_pc_is_guarded(const struct pulp_plan *p, uint64_t pc);

/* Returns 1 if the plan may be written while other threads run
 * (docs/apply-protocol.md, "Committing without stopping"): every write is
 * PULP_PW_UNREACHED or a PULP_PW_ATOMIC naturally aligned store of 2, 4
 * or 8 bytes, and at most one is ATOMIC (one switch point: the whole
 * patch switches at once, as under stop-the-world). */
int plan_is_single_switch(const struct pulp_plan *p);

/* Returns 1 if the plan may be written while other threads run with one
 * switch point per function (docs/apply-protocol.md, "Consistency
 * modes"): every write is PULP_PW_UNREACHED or a PULP_PW_ATOMIC naturally
 * aligned store of 2, 4 or 8 bytes, any number of them ATOMIC, and no two
 * writes overlap (the unreached ones are stored first). A plan with a
 * plain write (a RAW x86_64 entry: two 1-byte NOPs) never qualifies: a
 * thread may sit between its bytes, so every thread must be stopped. */
int plan_is_per_function(const struct pulp_plan *p);

#endif
