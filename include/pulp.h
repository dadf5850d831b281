/* pulp.h - the in-process API of libpulp.so.
 *
 * A program that preloads or links libpulp.so can patch itself with the same
 * engine that `ulp trigger` drives from outside. Unlike `ulp trigger`, the
 * in-process API cannot stop the other threads: each function's redirect is
 * switched atomically, but a multi-function patch is not atomic as a whole.
 * See libpulp(7).
 *
 * Every function returns 0 on success or a negative errno value, and on
 * failure writes a one-line reason into err (when err is not NULL). */
#ifndef PULP_H
#define PULP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Applies a .ulp file, or reverts the patch named by a .rev file. */
int pulp_apply(const char *path, char *err, size_t errlen);

/* Reverts every patch applied to library lib (basename or soname). */
int pulp_revert_all(const char *lib, char *err, size_t errlen);

/* One operation: first revert everything on revert_all_lib (may be NULL),
 * then apply/revert each of the n files, all committed together. */
int pulp_run(const char *revert_all_lib, const char *const *files, size_t n,
             char *err, size_t errlen);

/* Number of applied patches, and the name of the i-th (oldest first). */
int pulp_patch_count(void);
const char *pulp_patch_name(int i);

#ifdef __cplusplus
}
#endif

#endif
