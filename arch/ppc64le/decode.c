/* ppc64le pads decoded with capstone (see arch/decode.h and the layout in
 * layout.c). A RAW pad calls _mcount: the call must reach the library's own
 * stub (mcount_stub.S), never glibc's _mcount through a PLT stub. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "arch/decode_impl.h"
#include "arch/layout_emit.h"

extern const struct pulp_arch_layout pulp_layout_ppc64le;

/* Decodes one instruction; 1 if its mnemonic is mn and its first operand,
 * when reg is not PPC_REG_INVALID, is that register. */
static int is(csh cs, const uint8_t *win, uint64_t base, size_t len, uint64_t a,
              const char *mn, ppc_reg reg, int64_t *imm)
{
  cs_insn *i;
  int ok;

  if (!decode_one(cs, win, base, len, a, &i))
    return 0;
  ok = !strcmp(i->mnemonic, mn);
  if (ok && reg != PPC_REG_INVALID)
    ok = i->detail->ppc.op_count > 0 &&
         i->detail->ppc.operands[0].type == PPC_OP_REG &&
         i->detail->ppc.operands[0].reg == reg;
  if (ok && imm) {
    const cs_ppc *p = &i->detail->ppc;
    const cs_ppc_op *o = &p->operands[p->op_count ? p->op_count - 1 : 0];

    *imm = o->type == PPC_OP_MEM ? o->mem.disp : o->imm;
  }
  decode_free(i);
  return ok;
}

/* The _mcount stub at stub: mflr rX; mtctr rX; mtlr r0; bctr. */
static int verify_stub(csh cs, uint64_t stub, pulp_read_fn read, void *arg,
                       struct pulp_err *e)
{
  uint8_t code[16];
  cs_insn *i[4] = {NULL};
  int ok = 1;

  if (!read || read(arg, stub, code, sizeof(code)) < 0)
    return err_set(e, -ENOEXEC,
                   "'bl _mcount' calls %#llx, outside the library: link "
                   "mcount_stub.o (glibc's _mcount does not follow "
                   "-mprofile-kernel)",
                   (unsigned long long)stub);
  for (int k = 0; k < 4; k++)
    ok = ok && decode_one(cs, code, stub, sizeof(code), stub + 4 * k, &i[k]);
  ok = ok && !strcmp(i[0]->mnemonic, "mflr") &&
       !strcmp(i[1]->mnemonic, "mtctr") &&
       i[0]->detail->ppc.operands[0].reg == i[1]->detail->ppc.operands[0].reg &&
       !strcmp(i[2]->mnemonic, "mtlr") &&
       i[2]->detail->ppc.operands[0].reg == PPC_REG_R0 &&
       !strcmp(i[3]->mnemonic, "bctr");
  for (int k = 0; k < 4; k++)
    if (i[k])
      decode_free(i[k]);
  if (!ok)
    return err_set(e, -ENOEXEC,
                   "'bl _mcount' calls %#llx, which is not Pulp's _mcount "
                   "stub: link mcount_stub.o (an undefined _mcount binds to "
                   "glibc's, which does not follow -mprofile-kernel)",
                   (unsigned long long)stub);
  return 0;
}

static int verify(csh cs, const uint8_t *win, uint64_t func,
                  const struct pulp_pad_info *info, pulp_read_fn read,
                  void *arg, struct pulp_err *e)
{
  const struct pulp_arch_layout *l = &pulp_layout_ppc64le;
  uint64_t base = func - l->pre_len, pre = base;
  size_t len = l->pre_len + l->post_len;
  int64_t v, d;

  if (info->site != func + 4 &&
      !(info->site == func + 12 &&
        is(cs, win, base, len, func, "addis", PPC_REG_R2, NULL) &&
        is(cs, win, base, len, func + 4, "addi", PPC_REG_R2, NULL)))
    return err_set(e, -ENOEXEC, "global entry is not the TOC setup");
  if (!is(cs, win, base, len, info->site - 4, "mflr", PPC_REG_R0, NULL))
    return err_set(e, -ENOEXEC, "local entry is not 'mflr r0'");

  switch (info->state) {
  case PULP_PAD_CLEAN:
  case PULP_PAD_RAW:
    for (uint64_t a = base; a < func; a += 4)
      if (!is(cs, win, base, len, a, "nop", PPC_REG_INVALID, NULL))
        return err_set(e, -ENOEXEC, "pad word at %#llx is not a nop",
                       (unsigned long long)a);
    if (info->state == PULP_PAD_CLEAN)
      return is(cs, win, base, len, info->site, "nop", PPC_REG_INVALID, NULL)
                 ? 0
                 : err_set(e, -ENOEXEC, "site is not a nop");
    if (!is(cs, win, base, len, info->site, "bl", PPC_REG_INVALID, &v) ||
        (uint64_t)v != info->target)
      return err_set(e, -ENOEXEC, "site is not 'bl _mcount'");
    return verify_stub(cs, info->target, read, arg, e);
  case PULP_PAD_REDIRECTED:
    break;
  }
  /* b pre; pre: bcl 20,31,.+4 (capstone 4 names it bdnzl); mflr r12;
   * mtlr r0; ld r12,D(r12); mtctr r12; bctr; literal at pre+4+D. */
  if (!is(cs, win, base, len, info->site, "b", PPC_REG_INVALID, &v) ||
      (uint64_t)v != pre || get_le32(win) != 0x429f0005 ||
      !is(cs, win, base, len, pre + 4, "mflr", PPC_REG_R12, NULL) ||
      !is(cs, win, base, len, pre + 8, "mtlr", PPC_REG_R0, NULL) ||
      !is(cs, win, base, len, pre + 12, "ld", PPC_REG_R12, &d) ||
      !is(cs, win, base, len, pre + 16, "mtctr", PPC_REG_R12, NULL) ||
      !is(cs, win, base, len, pre + 20, "bctr", PPC_REG_INVALID, NULL))
    return err_set(e, -ENOEXEC, "pre-area is not Pulp's redirect");
  if (d + 4 < 24 || (uint64_t)d + 4 + 8 > l->pre_len ||
      get_le64(win + 4 + d) != info->target)
    return err_set(e, -ENOEXEC, "redirect literal does not hold %#llx",
                   (unsigned long long)info->target);
  return 0;
}

const struct pulp_arch_decode pulp_decode_ppc64le = {
    .machine = EM_PPC64,
    .layout = &pulp_layout_ppc64le,
    .cs_arch = CS_ARCH_PPC,
    .cs_mode = CS_MODE_64 | CS_MODE_LITTLE_ENDIAN,
    .verify = verify,
};
