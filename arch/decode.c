/* The table of decoders (see decode.h), chosen by ELF machine. */
#include "arch/decode.h"

#include <errno.h>
#include <stdlib.h>

#include "arch/decode_impl.h"

extern const struct pulp_arch_decode pulp_decode_x86_64;
extern const struct pulp_arch_decode pulp_decode_ppc64le;
extern const struct pulp_arch_decode pulp_decode_s390x;

static const struct pulp_arch_decode *const decoders[] = {
    &pulp_decode_x86_64,
    &pulp_decode_ppc64le,
    &pulp_decode_s390x,
};

struct pulp_decoder {
  const struct pulp_arch_decode *arch;
  csh cs;
};

int decoder_open(uint16_t machine, struct pulp_decoder **out,
                 struct pulp_err *e)
{
  const struct pulp_arch_decode *arch = NULL;
  struct pulp_decoder *d;
  cs_err ce;

  for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
    if (decoders[i]->machine == machine)
      arch = decoders[i];
  if (!arch)
    return err_set(e, -ENOTSUP, "no decoder for ELF machine %u", machine);
  d = calloc(1, sizeof(*d));
  if (!d)
    return err_set(e, -ENOMEM, "out of memory");
  ce = cs_open(arch->cs_arch, arch->cs_mode, &d->cs);
  if (ce == CS_ERR_OK)
    ce = cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
  if (ce != CS_ERR_OK) {
    free(d);
    return err_set(e, -ENOTSUP, "capstone (%s): %s", arch->layout->name,
                   cs_strerror(ce));
  }
  d->arch = arch;
  *out = d;
  return 0;
}

void decoder_close(struct pulp_decoder *d)
{
  if (!d)
    return;
  cs_close(&d->cs);
  free(d);
}

int decoder_verify(struct pulp_decoder *d, const uint8_t *win, uint64_t func,
                   const struct pulp_pad_info *info, pulp_read_fn read,
                   void *arg, struct pulp_err *e)
{
  return d->arch->verify(d->cs, win, func, info, read, arg, e);
}

int decode_one(csh cs, const uint8_t *win, uint64_t base, size_t len,
               uint64_t addr, cs_insn **insn)
{
  if (addr < base || addr >= base + len)
    return 0;
  return cs_disasm(cs, win + (addr - base), len - (addr - base), addr, 1,
                   insn) == 1;
}
