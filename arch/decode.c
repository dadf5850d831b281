/* The table of decoders (see decode.h), chosen by ELF machine.
 *
 * Capstone is loaded with dlopen the first time a decoder is opened, not
 * linked: only the commands that decode pads (ulp livepatchable, ulp post)
 * pay for it, and ulp trigger starts without it (DESIGN.md section 2: about
 * 1.3 ms of the tool's startup here). */
#include "arch/decode.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

#include "arch/decode_impl.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define CAPSTONE_SONAME "libcapstone.so." STR(CS_API_MAJOR)

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

/* The capstone entry points in use, resolved once. */
static struct {
  cs_err (*open)(cs_arch, cs_mode, csh *);
  cs_err (*option)(csh, cs_opt_type, size_t);
  size_t (*disasm)(csh, const uint8_t *, size_t, uint64_t, size_t, cs_insn **);
  void (*free)(cs_insn *, size_t);
  cs_err (*close)(csh *);
  const char *(*strerror)(cs_err);
} cs;

static int capstone_load(struct pulp_err *e)
{
  void *h;

  if (cs.open)
    return 0;
  h = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h)
    return err_set(e, -ENOTSUP, "cannot load capstone: %s", dlerror());
  /* POSIX: a data pointer from dlsym converts to a function pointer. */
  *(void **)&cs.option = dlsym(h, "cs_option");
  *(void **)&cs.disasm = dlsym(h, "cs_disasm");
  *(void **)&cs.free = dlsym(h, "cs_free");
  *(void **)&cs.close = dlsym(h, "cs_close");
  *(void **)&cs.strerror = dlsym(h, "cs_strerror");
  *(void **)&cs.open = dlsym(h, "cs_open");
  if (!cs.open || !cs.option || !cs.disasm || !cs.free || !cs.close ||
      !cs.strerror) {
    cs.open = NULL;
    return err_set(e, -ENOTSUP, "%s lacks the capstone API", CAPSTONE_SONAME);
  }
  return 0;
}

int decoder_open(uint16_t machine, struct pulp_decoder **out,
                 struct pulp_err *e)
{
  const struct pulp_arch_decode *arch = NULL;
  struct pulp_decoder *d;
  cs_err ce;
  int r;

  *out = NULL;
  for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
    if (decoders[i]->machine == machine)
      arch = decoders[i];
  if (!arch)
    return err_set(e, -ENOTSUP, "no decoder for ELF machine %u", machine);
  r = capstone_load(e);
  if (r < 0)
    return r;
  d = calloc(1, sizeof(*d));
  if (!d)
    return err_set(e, -ENOMEM, "out of memory");
  ce = cs.open(arch->cs_arch, arch->cs_mode, &d->cs);
  if (ce == CS_ERR_OK)
    ce = cs.option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
  if (ce != CS_ERR_OK) {
    free(d);
    return err_set(e, -ENOTSUP, "capstone (%s): %s", arch->layout->name,
                   cs.strerror(ce));
  }
  d->arch = arch;
  *out = d;
  return 0;
}

void decoder_close(struct pulp_decoder *d)
{
  if (!d)
    return;
  cs.close(&d->cs);
  free(d);
}

int decoder_verify(struct pulp_decoder *d, const uint8_t *win, uint64_t func,
                   const struct pulp_pad_info *info, pulp_read_fn read,
                   void *arg, struct pulp_err *e)
{
  return d->arch->verify(d->cs, win, func, info, read, arg, e);
}

int decode_one(csh h, const uint8_t *win, uint64_t base, size_t len,
               uint64_t addr, cs_insn **insn)
{
  if (addr < base || addr >= base + len)
    return 0;
  return cs.disasm(h, win + (addr - base), len - (addr - base), addr, 1,
                   insn) == 1;
}

void decode_free(cs_insn *insn)
{
  cs.free(insn, 1);
}
