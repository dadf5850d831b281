/* x86_64 pads decoded with capstone (see arch/decode.h and the layout in
 * layout.c): NOPs before the entry, endbr64 kept, then a 2-byte NOP
 * (CLEAN), two 1-byte NOPs (RAW) or jmp rel8 -> jmp *lit(%rip) (REDIRECTED). */
#include <elf.h>
#include <errno.h>

#include "arch/decode_impl.h"
#include "arch/layout_emit.h"

extern const struct pulp_arch_layout pulp_layout_x86_64;

static int verify(csh cs, const uint8_t *win, uint64_t func,
                  const struct pulp_pad_info *info, pulp_read_fn read,
                  void *arg, struct pulp_err *e)
{
  const struct pulp_arch_layout *l = &pulp_layout_x86_64;
  uint64_t base = func - l->pre_len, a = base, to, lit;
  size_t len = l->pre_len + l->post_len;
  cs_insn *i = NULL;
  int ok;

  (void)read;
  (void)arg;
  /* Everything before the entry decodes as NOPs (or our redirect, below). */
  while (info->state != PULP_PAD_REDIRECTED && a < func) {
    if (!decode_one(cs, win, base, len, a, &i))
      return err_set(e, -ENOEXEC, "pad byte at %#llx does not decode",
                     (unsigned long long)a);
    ok = i->id == X86_INS_NOP;
    a += i->size;
    decode_free(i);
    if (!ok)
      return err_set(e, -ENOEXEC, "pad at %#llx holds a non-NOP",
                     (unsigned long long)(a - 1));
  }
  if (info->site != func) {
    if (!decode_one(cs, win, base, len, func, &i))
      return err_set(e, -ENOEXEC, "entry does not decode");
    ok = i->id == X86_INS_ENDBR64 && func + i->size == info->site;
    decode_free(i);
    if (!ok)
      return err_set(e, -ENOEXEC, "entry is not endbr64 before the pad");
  }
  if (!decode_one(cs, win, base, len, info->site, &i))
    return err_set(e, -ENOEXEC, "entry pad does not decode");
  switch (info->state) {
  case PULP_PAD_CLEAN:
  case PULP_PAD_RAW:
    ok = i->id == X86_INS_NOP &&
         i->size == (info->state == PULP_PAD_CLEAN ? 2 : 1);
    decode_free(i);
    return ok ? 0 : err_set(e, -ENOEXEC, "entry is not the expected NOP");
  case PULP_PAD_REDIRECTED:
    break;
  }
  ok = i->id == X86_INS_JMP && i->size == 2 &&
       i->detail->x86.operands[0].type == X86_OP_IMM;
  to = ok ? (uint64_t)i->detail->x86.operands[0].imm : 0;
  decode_free(i);
  if (!ok || !decode_one(cs, win, base, len, to, &i))
    return err_set(e, -ENOEXEC, "entry is not a short jump into the pad");
  ok = i->id == X86_INS_JMP && i->detail->x86.operands[0].type == X86_OP_MEM &&
       i->detail->x86.operands[0].mem.base == X86_REG_RIP;
  lit = to + i->size + (uint64_t)i->detail->x86.operands[0].mem.disp;
  decode_free(i);
  if (!ok || lit < base || lit + 8 > func ||
      get_le64(win + (lit - base)) != info->target)
    return err_set(e, -ENOEXEC, "pad is not jmp *literal(%%rip) to %#llx",
                   (unsigned long long)info->target);
  return 0;
}

const struct pulp_arch_decode pulp_decode_x86_64 = {
    .machine = EM_X86_64,
    .layout = &pulp_layout_x86_64,
    .cs_arch = CS_ARCH_X86,
    .cs_mode = CS_MODE_64,
    .verify = verify,
};
