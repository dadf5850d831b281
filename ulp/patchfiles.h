/* The patch files of a `ulp trigger` command line, as libpulp's users type
 * them: files, globs, directories of patches (--recursive), optionally
 * installed under another root (-R PREFIX), optionally to be reverted
 * (--revert). */
#ifndef PULP_ULP_PATCHFILES_H
#define PULP_ULP_PATCHFILES_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ulp_format.h"

struct patch_files_opts {
  uint32_t want;    /* 0: as the file states it; ULP_KIND_REVERT: --revert */
  int recursive;    /* descend into subdirectories */
  const char *root; /* -R: absolute arguments and patch objects live here */
  int verbose;      /* mention the files of a directory that were passed */
};

struct patch_files {
  char **paths;              /* what the runtime is asked to open */
  struct ulp_patch *patches; /* decoded, patches[i] from paths[i] */
  size_t n, cap;
  int expanded;          /* a glob or a directory was given */
  char tmpdir[PATH_MAX]; /* re-encoded .ulp files of -R; "" if none */
};

/* Reads every patch that args name. A file named explicitly must be a
 * patch; in a directory or a glob, .ulp files and patch containers are
 * taken and other files (patch objects, .rev files, anything else) passed
 * over. Returns 0, or -errno with e filled (a bad or missing file, a glob
 * or directory with no patch). */
int patch_files_load(char *const *args, size_t nargs,
                     const struct patch_files_opts *o, struct patch_files *pf,
                     struct pulp_err *e);

void patch_files_free(struct patch_files *pf);

#endif
