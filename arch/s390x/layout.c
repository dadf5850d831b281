/* s390x pad layout (docs/pad-layouts.md, DESIGN.md section 3). Big-endian.
 *
 * Built with -fpatchable-function-entry=8,8 -mhotpatch=0,3:
 *
 *   func-16 .. func-2   8 x nopr (07 00)          the pre-area
 *   func                brcl 0,0 (c0 04 00000000) a 6-byte NOP: CLEAN
 *
 * GCC emits it in its final form: there is no RAW state, ulp post has
 * nothing to do. Redirected, when the pre-area is 8-aligned (GCC aligns
 * functions, hence the pad, to 8 bytes):
 *
 *   pre+0   lgrl %r1,pre+8     (c4 18 ....)
 *   pre+6   br %r1             (07 f1)
 *   pre+8   8-byte target
 *   func    brcl 15,pre        (c0 f4 fffffff8)
 *
 * %r1 is free at function entry (ELF ABI: volatile, no argument). The
 * target is entered with %r1 = target and every other register as the
 * caller left it. When the pre-area is not 8-aligned (hand-written or
 * oddly aligned code) lgrl cannot load the literal: the entry brcl then
 * branches straight to the target, which must be within +-4 GiB.
 *
 * Writes, as the kernel's ftrace: the pre-area first, then the brcl's
 * 32-bit offset (still a NOP while its mask is 0), both PULP_PW_UNREACHED,
 * then the mask in one aligned 2-byte store (c0 04 -> c0 f4), the one
 * switch (PULP_PW_ATOMIC): a one-function apply is a single-switch plan
 * that the runtime may commit while other threads run. Re-targeting
 * stores the literal (one aligned 8-byte store). Restoring stores only the
 * mask back and leaves the offset and the sequence armed for threads
 * still inside it (docs/pad-layouts.md, "s390x: why one store switches"). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <elf.h>

#include "arch/layout_emit.h"
#include "core/arch.h"

#define S390_PRE_LEN 16 /* 8 nopr before the entry */
#define S390_POST_LEN 6 /* the brcl at the entry */
#define S390_BRCL_LEN 6
#define S390_LIT_OFF 8 /* literal offset in an aligned pre-area */

/* Instruction encodings (z/Architecture Principles of Operation); the
 * pre-area's nops are nopr (bcr 0,%r0: 07 00). */
/* brcl mask,to (RIL-c): 6 bytes at from; the range was checked. */
static void s390_brcl(uint8_t *p, unsigned mask, uint64_t from, uint64_t to)
{
  p[0] = 0xc0;
  p[1] = (uint8_t)(mask << 4 | 0x4);
  put_be32(p + 2, (uint32_t)((int64_t)(to - from) / 2));
}

/* lgrl reg,lit (RIL-b): 6 bytes at from. */
static void s390_lgrl(uint8_t *p, unsigned reg, uint64_t from, uint64_t lit)
{
  p[0] = 0xc4;
  p[1] = (uint8_t)(reg << 4 | 0x8);
  put_be32(p + 2, (uint32_t)((int64_t)(lit - from) / 2));
}

/* br reg (bcr 15,reg): 2 bytes. */
static void s390_br(uint8_t *p, unsigned reg)
{
  p[0] = 0x07;
  p[1] = (uint8_t)(0xf0 | reg);
}

/* Whether a relative-long branch at from reaches to. */
static int s390_ril_reaches(uint64_t from, uint64_t to)
{
  int64_t d = (int64_t)(to - from);

  return d % 2 == 0 && d / 2 >= INT32_MIN && d / 2 <= INT32_MAX;
}

static int s390_pre_aligned(uint64_t func)
{
  return (func - S390_PRE_LEN) % 8 == 0;
}

/* The redirected pre-area (aligned case). */
static void s390_build_pre(uint8_t out[S390_PRE_LEN], uint64_t pre,
                           uint64_t target)
{
  s390_lgrl(out, 1, pre, pre + S390_LIT_OFF);
  s390_br(out + 6, 1);
  put_be64(out + S390_LIT_OFF, target);
}

/* Whether the pre-area holds a redirect sequence (any literal): what a
 * restore leaves "armed" behind a NOP entry, for threads still inside it. */
static int pre_is_armed(const uint8_t *win, uint64_t pre)
{
  uint8_t want[S390_PRE_LEN];

  s390_build_pre(want, pre, get_be64(win + S390_LIT_OFF));
  return s390_pre_aligned(pre + S390_PRE_LEN) &&
         !memcmp(win, want, S390_PRE_LEN);
}

static int pre_is_nops(const uint8_t *win, struct pulp_err *e)
{
  for (size_t i = 0; i < S390_PRE_LEN; i += 2)
    if (get_be16(win + i) != 0x0700)
      return err_set(e, -ENOEXEC,
                     "pre-area halfword at entry-%zu is 0x%04x, not nopr",
                     S390_PRE_LEN - i, get_be16(win + i));
  return 0;
}

static int check(const uint8_t *win, uint64_t func, struct pulp_pad_info *info,
                 struct pulp_err *e)
{
  const uint8_t *entry = win + S390_PRE_LEN;
  uint64_t pre = func - S390_PRE_LEN, to;
  unsigned mask;

  memset(info, 0, sizeof(*info));
  info->site = func;
  if (func % 2 || func < S390_PRE_LEN)
    return err_set(e, -ENOEXEC, "entry 0x%llx is not an s390x instruction",
                   (unsigned long long)func);
  if (entry[0] != 0xc0 || (entry[1] & 0xf) != 0x4)
    return err_set(e, -ENOEXEC,
                   "no 'brcl 0,0' at the entry (built without "
                   "-mhotpatch=0,3?)");
  mask = entry[1] >> 4;
  to = func + (uint64_t)(int64_t)(int32_t)get_be32(entry + 2) * 2;
  if (mask == 0) {
    /* A 'brcl 0' never branches: after a restore its offset may still
     * name the armed pre-area (or a direct target), which is CLEAN. */
    info->state = PULP_PAD_CLEAN;
    if (to == pre && pre_is_armed(win, pre))
      return 0;
    if (to != func && to != pre && pre_is_nops(win, e) == 0)
      return 0; /* a restored direct redirect */
    if (to != func)
      return err_set(e, -ENOEXEC,
                     "entry 'brcl 0' has offset 0x%08x: a half-written "
                     "redirect",
                     get_be32(entry + 2));
    return pre_is_armed(win, pre) ? 0 : pre_is_nops(win, e);
  }
  if (mask != 15)
    return err_set(e, -ENOEXEC, "entry is a conditional brcl (mask %u)", mask);
  info->state = PULP_PAD_REDIRECTED;
  if (to == pre && s390_pre_aligned(func)) {
    uint8_t want[S390_PRE_LEN];

    info->target = get_be64(win + S390_LIT_OFF);
    s390_build_pre(want, pre, info->target);
    if (memcmp(win, want, S390_PRE_LEN))
      return err_set(e, -ENOEXEC,
                     "entry branches into a pre-area that is not a "
                     "redirect");
    return 0;
  }
  info->target = to;
  return pre_is_nops(win, e);
}

/* The writes that switch the entry brcl to branch to `to`: offset while the
 * mask is 0, then the mask. */
static int switch_entry(const uint8_t *win, uint64_t func, uint64_t to,
                        struct pulp_plan *plan, struct pulp_err *e)
{
  const uint8_t *entry = win + S390_PRE_LEN;
  uint8_t now[S390_BRCL_LEN], want[S390_BRCL_LEN];
  /* A 'brcl 0' never branches whatever its offset: threads execute it as
   * a NOP before and after the offset's store, which is therefore no
   * switch point (UNREACHED). The runtime's commit makes every other CPU
   * serialise after that store and before the mask's, so none fetches the
   * new mask with an old offset. */
  uint32_t disp_flags = PULP_PW_UNREACHED;
  int r = 0;

  memcpy(now, entry, sizeof(now));
  s390_brcl(want, 15, func, to);
  if (now[1] >> 4 != 0) {
    /* A taken brcl (direct re-target): its offset is live, so the offset
     * is a plain write between two switches: stop-the-world. */
    disp_flags = 0;
    /* Direct re-target: back to a NOP first; threads are stopped. */
    r = emit_guard(plan, func, func + S390_BRCL_LEN, e);
    if (r == 0)
      r = emit_write(plan, func, now, (const uint8_t[]){0xc0, 0x04}, 2,
                     PULP_PW_ATOMIC, e);
    now[1] = 0x04;
  }
  if (r == 0 && memcmp(now + 2, want + 2, 4))
    r = emit_write(plan, func + 2, now + 2, want + 2, 4, disp_flags, e);
  if (r == 0)
    r = emit_write(plan, func, now, want, 2, PULP_PW_ATOMIC, e);
  return r;
}

static int redirect(const uint8_t *win, uint64_t func, uint64_t target,
                    struct pulp_plan *plan, struct pulp_err *e)
{
  uint64_t pre = func - S390_PRE_LEN;
  struct pulp_pad_info info;
  uint8_t want[S390_PRE_LEN];
  int r;

  r = check(win, func, &info, e);
  if (r < 0)
    return r;
  if (target % 2)
    return err_set(e, -EINVAL, "target 0x%llx is odd",
                   (unsigned long long)target);

  if (s390_pre_aligned(func)) {
    s390_build_pre(want, pre, target);
    if (info.state == PULP_PAD_REDIRECTED) {
      if (memcmp(win, want, S390_LIT_OFF))
        return err_set(e, -EINVAL, "entry branches straight to 0x%llx",
                       (unsigned long long)info.target);
      if (info.target == target)
        return 0;
      return emit_write(plan, pre + S390_LIT_OFF, win + S390_LIT_OFF,
                        want + S390_LIT_OFF, 8, PULP_PW_ATOMIC, e);
    }
    if (pre_is_armed(win, pre)) {
      /* Left by a restore: threads may still be inside it and read the
       * old or the new literal (lgrl: one doubleword-concurrent fetch),
       * both complete targets. None enters it anew before the mask's
       * store: UNREACHED too, so a re-apply is still one switch. */
      if (memcmp(win + S390_LIT_OFF, want + S390_LIT_OFF, 8))
        r = emit_write(plan, pre + S390_LIT_OFF, win + S390_LIT_OFF,
                       want + S390_LIT_OFF, 8,
                       PULP_PW_ATOMIC | PULP_PW_UNREACHED, e);
      return r < 0 ? r : switch_entry(win, func, pre, plan, e);
    }
    /* The nopr before a NOP entry are never executed: unreachable until
     * the entry's mask is stored. */
    r = emit_guard(plan, pre, pre + S390_PRE_LEN, e);
    if (r == 0)
      r = emit_range(plan, pre, win, want, S390_PRE_LEN, PULP_PW_UNREACHED, e);
    return r < 0 ? r : switch_entry(win, func, pre, plan, e);
  }

  if (!s390_ril_reaches(func, target))
    return err_set(e, -ERANGE,
                   "pre-area at 0x%llx is not 8-aligned and the target "
                   "0x%llx is beyond brcl's +-4 GiB",
                   (unsigned long long)pre, (unsigned long long)target);
  if (info.state == PULP_PAD_REDIRECTED && info.target == target)
    return 0;
  return switch_entry(win, func, target, plan, e);
}

static int restore(const uint8_t *win, uint64_t func, struct pulp_plan *plan,
                   struct pulp_err *e)
{
  const uint8_t *entry = win + S390_PRE_LEN;
  struct pulp_pad_info info;
  int r;

  r = check(win, func, &info, e);
  if (r < 0 || info.state != PULP_PAD_REDIRECTED)
    return r;
  /* Only the mask, in one aligned 2-byte store: the entry is a NOP again.
   * The offset and the pre-area stay ("armed"): a thread between lgrl and
   * br when the mask changes (the in-process commit cannot stop threads
   * to check) finishes its call instead of running half-erased code. */
  return emit_write(plan, func, entry, (const uint8_t[]){0xc0, 0x04}, 2,
                    PULP_PW_ATOMIC, e);
}

static int normalise(uint8_t *win, uint64_t func, struct pulp_err *e)
{
  struct pulp_pad_info info;
  int r;

  r = check(win, func, &info, e);
  return r < 0 ? r : 1;
}

/* A big-endian tls_index {module, offset} (unbiased). s390x code reaches
 * TLS through __tls_get_offset (docs/pad-layouts.md). */
static size_t tls_ref(uint64_t modid, uint64_t off, uint8_t out[16])
{
  put_be64(out, modid);
  put_be64(out + 8, off);
  return 16;
}

const struct pulp_arch_layout pulp_layout_s390x = {
    .name = "s390x",
    .machine = EM_S390,
    .big_endian = 1,
    .pre_len = S390_PRE_LEN,
    .post_len = S390_POST_LEN,
    .cflags = "-fpatchable-function-entry=8,8 -mhotpatch=0,3",
    .ldflags = "",
    .reloc_relative = 12, /* R_390_RELATIVE */
    .check = check,
    .redirect = redirect,
    .restore = restore,
    .normalise = normalise,
    .tls_ref = tls_ref,
};
