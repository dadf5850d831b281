/* s390x pads decoded with capstone (see arch/decode.h and the layout in
 * layout.c): 8 x nopr, then brcl 0,0 (CLEAN) or an unconditional brcl
 * (capstone: jg) to lgrl %r1,literal; br %r1 in the pre-area, or straight to
 * a near target (REDIRECTED). */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "arch/decode_impl.h"
#include "arch/layout_emit.h"

extern const struct pulp_arch_layout pulp_layout_s390x;

/* Decodes one instruction: its id, and its last immediate operand. */
static unsigned insn_at(csh cs, const uint8_t *win, uint64_t base, size_t len,
                        uint64_t a, int64_t *imm, int64_t *first)
{
  cs_insn *i;
  unsigned id;

  if (!decode_one(cs, win, base, len, a, &i))
    return SYSZ_INS_INVALID;
  id = i->id;
  if (i->detail->sysz.op_count) {
    const cs_sysz *s = &i->detail->sysz;

    *imm = s->operands[s->op_count - 1].type == SYSZ_OP_REG
               ? s->operands[s->op_count - 1].reg
               : s->operands[s->op_count - 1].imm;
    *first = s->operands[0].type == SYSZ_OP_REG ? s->operands[0].reg
                                                : s->operands[0].imm;
  }
  decode_free(i);
  return id;
}

static int verify(csh cs, const uint8_t *win, uint64_t func,
                  const struct pulp_pad_info *info, pulp_read_fn read,
                  void *arg, struct pulp_err *e)
{
  const struct pulp_arch_layout *l = &pulp_layout_s390x;
  uint64_t base = func - l->pre_len, pre = base;
  size_t len = l->pre_len + l->post_len;
  int64_t v = 0, first = -1;
  unsigned id;

  (void)read;
  (void)arg;
  id = insn_at(cs, win, base, len, func, &v, &first);
  if (info->state == PULP_PAD_CLEAN) {
    if (id != SYSZ_INS_BRCL || first != 0 || (uint64_t)v != func)
      return err_set(e, -ENOEXEC, "entry is not 'brcl 0,0'");
  } else if (id != SYSZ_INS_JG) {
    return err_set(e, -ENOEXEC, "entry is not an unconditional brcl");
  } else if ((uint64_t)v == pre && info->target != pre) {
    uint64_t lit;

    if (insn_at(cs, win, base, len, pre, &v, &first) != SYSZ_INS_LGRL ||
        first != SYSZ_REG_1)
      return err_set(e, -ENOEXEC, "pre-area is not 'lgrl %%r1'");
    lit = (uint64_t)v;
    if (insn_at(cs, win, base, len, pre + 6, &v, &first) != SYSZ_INS_BR ||
        first != SYSZ_REG_1)
      return err_set(e, -ENOEXEC, "pre-area is not 'br %%r1'");
    if (lit % 8 || lit < pre + 8 || lit + 8 > func ||
        get_be64(win + (lit - base)) != info->target)
      return err_set(e, -ENOEXEC, "redirect literal does not hold %#llx",
                     (unsigned long long)info->target);
    return 0;
  } else if ((uint64_t)v != info->target) {
    return err_set(e, -ENOEXEC, "entry does not branch to %#llx",
                   (unsigned long long)info->target);
  }
  for (uint64_t a = base; a < func; a += 2)
    if (insn_at(cs, win, base, len, a, &v, &first) != SYSZ_INS_BCR ||
        first != 0)
      return err_set(e, -ENOEXEC, "pad halfword at %#llx is not nopr",
                     (unsigned long long)a);
  return 0;
}

const struct pulp_arch_decode pulp_decode_s390x = {
    .machine = EM_S390,
    .layout = &pulp_layout_s390x,
    .cs_arch = CS_ARCH_SYSZ,
    .cs_mode = CS_MODE_BIG_ENDIAN,
    .verify = verify,
};
