/* What a live process has loaded, seen from the tool without stopping it:
 * the runtime and its published state, and which build of a patch's target
 * library is mapped. */
#ifndef PULP_ULP_TARGET_H
#define PULP_ULP_TARGET_H

#include <stddef.h>

#include "core/state_abi.h"
#include "core/ulp_format.h"
#include "proc.h"

struct target {
  struct proc proc;
  struct proc_map *maps;
  size_t nmaps;
  const char *runtime; /* path of the mapped libpulp.so, or NULL */
};

/* Opens pid and reads its maps. */
int target_open(pid_t pid, struct target *t, struct pulp_err *e);
void target_close(struct target *t);

/* Is the build of u's target mapped? 0 yes; -ENOENT the library is not
 * loaded; -ESTALE another build of it is (message set). */
int target_has_object(struct target *t, const struct ulp_patch *u,
                      struct pulp_err *e);

/* Is the library name (a path, file name or soname: core/libname.h)
 * mapped? */
int target_has_library(struct target *t, const char *name);

/* Calls fn with the path (as the process sees it) of every mapped ELF image
 * built live-patchable (it has __patchable_function_entries). */
void target_each_livepatchable(struct target *t,
                               void (*fn)(const char *path, void *arg),
                               void *arg);

/* Reads the runtime's published state (seqlock; retried while written)
 * into *out, malloc'd. */
/* How an applied patch of the published state relates to u: 1 it is u
 * (same patch object build-id, name and number of functions), -1 the same
 * patch object applied under another description (another .ulp packed
 * from it), 0 unrelated (core/ulp_format.h, ulp_same_patch). */
int target_state_patch_is(const struct pulp_state_patch *sp,
                          const struct ulp_patch *u);

int target_read_state(struct target *t, struct pulp_state **out,
                      struct pulp_err *e);
/* The same without the log (left empty): what decisions need. */
int target_read_state_brief(struct target *t, struct pulp_state **out,
                            struct pulp_err *e);

/* For a scan (with target_each_process): opens pid as target_open does
 * when its map names the runtime. 1 when it is no candidate (no runtime,
 * gone, or a map the tool may not read: another user's process), with
 * nothing open and nothing to say; an error (t->proc.comm set when known)
 * for a candidate that cannot be opened. */
int target_open_scanned(pid_t pid, struct target *t, struct pulp_err *e);

/* Calls fn for every other process whose name matches the shell wildcard
 * pattern (NULL: any), without reading more than its name: the map is
 * read by target_open_scanned, once, in the workers of a fleet. */
int target_each_process(const char *pattern, int (*fn)(pid_t pid, void *arg),
                        void *arg);

/* Calls fn for every other process that has the runtime mapped and whose
 * name matches the shell wildcard pattern (NULL: any); stops early if fn
 * returns non-zero. */
int target_each_runtime_process(const char *pattern,
                                int (*fn)(pid_t pid, void *arg), void *arg);

#endif
