/* The architecture boundary, layout half (DESIGN.md section 3): pure
 * functions over byte buffers, compiled into every build for all three
 * architectures and chosen by the ELF machine. Core code asks the backend;
 * it never tests the architecture itself. Pad layouts: docs/pad-layouts.md.
 *
 * A "window" is the code bytes [func - pre_len, func + post_len) around a
 * function's symbol address func, as found in the file or in memory. */
#ifndef PULP_CORE_ARCH_H
#define PULP_CORE_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"

enum pulp_pad_state {
  PULP_PAD_CLEAN = 0,      /* untouched, normalised pad */
  PULP_PAD_RAW = 1,        /* compiler's pad, not yet normalised (ulp post) */
  PULP_PAD_REDIRECTED = 2, /* holds our redirect; target is valid */
};

struct pulp_pad_info {
  enum pulp_pad_state state;
  uint64_t target; /* current redirect target when REDIRECTED */
  uint64_t site;   /* address of the entry bytes that are switched */
};

struct pulp_arch_layout {
  const char *name; /* "x86_64", "ppc64le", "s390x" */
  uint16_t machine; /* EM_* */
  int big_endian;
  size_t pre_len;  /* window bytes before the symbol address */
  size_t post_len; /* window bytes from the symbol address on */
  /* Flags that make a library live-patchable with this arch's compiler. */
  const char *cflags;
  const char *ldflags;
  /* RELATIVE relocation type (R_*_RELATIVE): how a PIC object's
   * __patchable_function_entries holds its addresses. */
  uint32_t reloc_relative;

  /* Classifies the pad of the function at func; a negative return means
   * "not a live-patchable entry" with the reason in e. */
  int (*check)(const uint8_t *win, uint64_t func, struct pulp_pad_info *info,
               struct pulp_err *e);
  /* Appends to plan the writes (in order) that send calls of func to
   * target, from the current window (clean or already redirected). */
  int (*redirect)(const uint8_t *win, uint64_t func, uint64_t target,
                  struct pulp_plan *plan, struct pulp_err *e);
  /* Appends the writes that restore the original entry. */
  int (*restore)(const uint8_t *win, uint64_t func, struct pulp_plan *plan,
                 struct pulp_err *e);
  /* ulp post: turns a RAW pad into a CLEAN one, in place; 0 if changed,
   * 1 if already clean, negative if not a pad. */
  int (*normalise)(uint8_t *win, uint64_t func, struct pulp_err *e);
  /* The bytes the runtime stores at a patch's TLS reference (a '#%' line
   * of a descriptor) for the variable at offset off in the TLS block of
   * module modid (dlpi_tls_modid), in the form the patch object's code
   * passes to this ABI's TLS resolver (docs/pad-layouts.md). Returns the
   * length written to out, at most 16. */
  size_t (*tls_ref)(uint64_t modid, uint64_t off, uint8_t out[16]);
};

/* The backend for an ELF machine, or NULL. */
const struct pulp_arch_layout *arch_layout(uint16_t machine);
/* The backend of the machine this code was compiled for. */
const struct pulp_arch_layout *arch_layout_native(void);

#endif
