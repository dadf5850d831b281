/* Internal to arch/<name>/decode.c: what each architecture's decoder provides.
 */
#ifndef PULP_ARCH_DECODE_IMPL_H
#define PULP_ARCH_DECODE_IMPL_H

#include <capstone/capstone.h>

#include "arch/decode.h"

struct pulp_arch_decode {
  uint16_t machine;
  const struct pulp_arch_layout *layout;
  cs_arch cs_arch;
  cs_mode cs_mode;
  int (*verify)(csh cs, const uint8_t *win, uint64_t func,
                const struct pulp_pad_info *info, pulp_read_fn read, void *arg,
                struct pulp_err *e);
};

/* Capstone is loaded at run time (decode.c), so these are the only ways to
 * reach it. */

/* Decodes the instruction at addr, inside the window [base, base+len):
 * 1 with *insn (release it with decode_free), 0 when capstone cannot. */
int decode_one(csh cs, const uint8_t *win, uint64_t base, size_t len,
               uint64_t addr, cs_insn **insn);
void decode_free(cs_insn *insn);

#endif
