/* The live patch descriptor (.dsc), in the syntax libpulp documents, with
 * Pulp's extensions; see docs/descriptor.md. */
#ifndef PULP_CORE_DESCRIPTOR_H
#define PULP_CORE_DESCRIPTOR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct dsc_func {
  char *old_name, *new_name;
  int line;
};

struct dsc_ref {
  int tls;
  char *target_name, *patch_name;
  int has_offsets;
  uint64_t target_off, patch_off;
  int line;
};

struct dsc_dep {
  char *path; /* resolved against the descriptor's directory */
  int line;
};

struct dsc {
  char *path;
  char *patch_obj; /* resolved path */
  int patch_line;
  char *target; /* resolved path */
  int target_line;
  struct dsc_func *funcs;
  size_t nfuncs;
  struct dsc_ref *refs;
  size_t nrefs;
  char **labels;
  size_t nlabels;
  struct dsc_dep *deps;
  size_t ndeps;
};

/* Parses a descriptor file; errors read "FILE:LINE: what is wrong". */
int dsc_parse(const char *path, struct dsc *d, struct pulp_err *e);
/* Parses descriptor text; dir resolves relative paths. */
int dsc_parse_text(const char *path, const char *dir, const char *text,
                   struct dsc *d, struct pulp_err *e);
void dsc_free(struct dsc *d);

#endif
