/* The pads of an ELF file: every entry of __patchable_function_entries,
 * classified by the layout of the file's architecture and, for the
 * commands that ask, confirmed by decoding it with capstone. Shared by
 * ulp livepatchable and ulp post. */
#ifndef PULP_ULP_PADS_H
#define PULP_ULP_PADS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arch.h"
#include "core/elf_file.h"
#include "core/err.h"

#define PAD_WIN_MAX 128

struct pad {
  uint64_t func;    /* the symbol address: pad address + layout pre_len */
  const char *name; /* a function symbol at func, or NULL (stripped) */
  int rc;           /* 0, or negative: not a usable pad, see why */
  char why[PULP_ERR_MSG_MAX];
  struct pulp_pad_info info;
  uint8_t win[PAD_WIN_MAX]; /* [func - pre_len, func + post_len) */
};

struct pad_set {
  struct elf_file *file;
  const struct pulp_arch_layout *layout;
  struct pad *pads;
  size_t n;
  size_t nbad; /* pads with rc < 0 */
  char **names;
  size_t nnames;
};

/* Reads and classifies (check()) every pad of f. -ENODATA when f has no
 * __patchable_function_entries, -ENOTSUP when its byte order is not the
 * layout's (big-endian ppc64). */
int pads_load(struct elf_file *f, const struct pulp_arch_layout *layout,
              struct pad_set *s, struct pulp_err *e);

#define PADS_DECODE 0x1   /* confirm each pad with capstone */
#define PADS_REDIRECT 0x2 /* and that the layout can redirect it */

/* Marks the pads that fail the checks in flags as bad (rc, why). */
int pads_verify(struct pad_set *s, unsigned flags, struct pulp_err *e);

/* Writes back the window of pad p (after an in-place edit). */
int pads_write(struct pad_set *s, const struct pad *p, struct pulp_err *e);

void pads_free(struct pad_set *s);

const char *pad_state_name(enum pulp_pad_state state);

#endif
