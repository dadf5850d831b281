/* The .ulp / .rev file format (docs/ulp-format.md): versioned, fixed
 * little-endian byte order, SHA-256 checksummed, TLV records so that newer
 * readers skip what they do not know. The decoder works on a memory buffer
 * and uses libc only: the runtime shares it. */
#ifndef PULP_CORE_ULP_FORMAT_H
#define PULP_CORE_ULP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ULP_MAGIC "PULPULP" /* 8 bytes with the NUL */
#define ULP_FORMAT_VERSION 1
#define ULP_HEADER_LEN 48 /* magic 8, version 4, length 4, sha256 32 */
#define ULP_BUILD_ID_MAX 64
#define ULP_MAX_FILE (16u << 20)
#define ULP_MAX_CONTAINER (256u << 20) /* a patch .so carrying metadata */

enum ulp_kind { ULP_KIND_APPLY = 1, ULP_KIND_REVERT = 2 };

struct ulp_func {
  char *old_name;   /* descriptor spelling in the target */
  char *new_name;   /* in the patch object */
  uint64_t old_off; /* st_value in the target (offset from its load base) */
  uint64_t new_off; /* st_value in the patch object */
};

struct ulp_ref {
  int tls;             /* #%: ref receives a tls_index for var */
  int exported;        /* var is in the target's .dynsym: resolve it through
                          the loader (a copy relocation may have moved it) */
  char *target_name;   /* variable in the target */
  char *patch_name;    /* pointer (or tls_index) in the patch object */
  uint64_t target_off; /* offset in the target (TLS: offset in its block) */
  uint64_t patch_off;  /* offset of the ref in the patch object */
};

struct ulp_dep {
  char *name;
  uint8_t build_id[ULP_BUILD_ID_MAX];
  uint32_t build_id_len;
};

struct ulp_patch {
  uint32_t kind;    /* enum ulp_kind */
  uint32_t machine; /* EM_* of target and patch */
  char *name;       /* human name, e.g. "foo_livepatch1" */
  char *patch_path; /* absolute path of the patch object */
  uint8_t patch_build_id[ULP_BUILD_ID_MAX];
  uint32_t patch_build_id_len;
  char *target; /* library (basename/soname) or executable path */
  int target_is_exec;
  uint8_t target_build_id[ULP_BUILD_ID_MAX];
  uint32_t target_build_id_len;
  char **labels;
  size_t nlabels;
  struct ulp_dep *deps;
  size_t ndeps;
  struct ulp_func *funcs;
  size_t nfuncs;
  struct ulp_ref *refs;
  size_t nrefs;
};

/* Serialises p into a malloc'd buffer. */
int ulp_encode(const struct ulp_patch *p, uint8_t **out, size_t *len,
               struct pulp_err *e);

/* Verifies and parses buf into p (strings are malloc'd; ulp_free). -EBADMSG
 * for a corrupt or truncated file, -EPROTO for an unknown major version. */
int ulp_decode(const uint8_t *buf, size_t len, struct ulp_patch *p,
               struct pulp_err *e);

/* Reads and decodes a file: a .ulp/.rev, or a patch container (a patch
 * .so carrying its metadata: libpulp_container.h), which is then its own
 * patch object (patch_path is the container's absolute path). */
int ulp_read_file(const char *path, struct ulp_patch *p, struct pulp_err *e);

/* The same, choosing the half: want 0 reads the patch as the file states
 * it; ULP_KIND_REVERT its revert (a container's .ulp.rev, or any patch
 * turned into the revert of itself: a revert needs only the patch's
 * build-id). For `ulp trigger --revert FILE`. */
int ulp_read_file_kind(const char *path, uint32_t want, struct ulp_patch *p,
                       struct pulp_err *e);

/* The same, telling which kind of file it was (*container: enum
 * ulp_container of libpulp_container.h; may be NULL). */
int ulp_read_file_ex(const char *path, uint32_t want, struct ulp_patch *p,
                     int *container, struct pulp_err *e);

void ulp_free(struct ulp_patch *p);

/* Whether a and b describe the same patch: a patch is known by its patch
 * object's build-id, and two descriptions of one object (two .ulp files
 * packed from it with other names or functions) are not the same patch:
 * applying the second while the first is applied is refused, not taken
 * for "already applied". Compares the name and every function. */
int ulp_same_patch(const struct ulp_patch *a, const struct ulp_patch *b);

/* Formats a build-id as lowercase hex into out (2*len+1 bytes). */
void ulp_hex(const uint8_t *id, size_t len, char *out);

#endif
