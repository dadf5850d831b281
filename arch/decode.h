/* The tool-only half of each layout: decodes a pad with capstone and
 * confirms, instruction by instruction, what the layout's byte-pattern
 * check() found (DESIGN.md section 2: the runtime checks pads by byte
 * pattern, the tool by decoding them). Any architecture, whatever the
 * host. Not linked into the runtime. */
#ifndef PULP_ARCH_DECODE_H
#define PULP_ARCH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arch.h"
#include "core/err.h"

struct pulp_decoder;

/* Reads len bytes of the same image at vaddr (0 or negative errno). */
typedef int (*pulp_read_fn)(void *arg, uint64_t vaddr, void *buf, size_t len);

/* A decoder for ELF machine `machine`; -ENOTSUP when there is none. */
int decoder_open(uint16_t machine, struct pulp_decoder **out,
                 struct pulp_err *e);
void decoder_close(struct pulp_decoder *d);

/* Confirms the window of the function at func (as check() classified it in
 * info) by decoding it. read reaches code outside the window (ppc64le: the
 * _mcount stub a RAW pad calls). 0, or negative with the reason in e. */
int decoder_verify(struct pulp_decoder *d, const uint8_t *win, uint64_t func,
                   const struct pulp_pad_info *info, pulp_read_fn read,
                   void *arg, struct pulp_err *e);

#endif
