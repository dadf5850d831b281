/* ppc64le pad layout (docs/pad-layouts.md, DESIGN.md section 3).
 *
 * GCC 12 miscompiles -fpatchable-function-entry=N,M with N>M on ppc64le
 * (PR target/99888), so libraries are built with
 *   -pg -mprofile-kernel -fpatchable-function-entry=16,16
 * and link a hidden _mcount stub (mcount_stub.S). A function then reads:
 *
 *   func-64 .. func-4   16 x nop                  the pre-area
 *   func                addis r2,r12,..; addi r2,r2,..   (global entry, only
 *                                                 when the function uses r2)
 *   local               mflr r0
 *   site = local+4      bl _mcount                RAW (as linked)
 *                       nop                       CLEAN (after ulp post)
 *                       b func-64                 REDIRECTED
 *
 * Redirected, the pre-area holds (pre = func-64):
 *
 *   pre+0   bcl 20,31,pre+4    LR = pre+4 (the form that keeps the return
 *                              address predictor balanced)
 *   pre+4   mflr r12
 *   pre+8   mtlr r0            LR = the caller's return address again
 *   pre+12  ld r12,D(r12)      the literal
 *   pre+16  mtctr r12
 *   pre+20  bctr
 *   L       8-byte target      L = pre+24 or pre+28, whichever is 8-aligned
 *
 * Registers: at the site r0 = LR (the mflr r0 the compiler put there), so
 * the sequence may clobber LR and restore it from r0. It clobbers only r12
 * and CTR, which carry nothing at a function entry (r12 holds the global
 * entry address only up to the TOC setup; r11, the static chain of nested
 * functions, is left alone). The target is entered with r12 = CTR = target
 * (its own global entry convention), LR = r0 = the caller's return address,
 * r2 = the old function's TOC, r1 untouched.
 *
 * Writes: the pre-area first (PULP_PW_UNREACHED: unreachable while the site
 * is not a branch), then the site in one aligned 4-byte store, the plan's
 * one switch point. Re-targeting stores the literal (8-aligned, one store).
 * Restoring turns only the site back into a nop and leaves the sequence armed
 * in the pre-area for threads still inside it; such a pad is CLEAN, not RAW
 * (nothing needs _mcount). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <elf.h>

#include "arch/layout_emit.h"
#include "core/arch.h"

#define PPC_PRE_LEN 64  /* 16 nops before the global entry */
#define PPC_POST_LEN 16 /* TOC setup (8), mflr r0, the site */
#define PPC_CODE_LEN 24 /* the redirect sequence, 6 instructions */

/* The _mcount stub object a library links (ldflags). The build defines the
 * installed path; this default is where a Debian package puts it. */
#ifndef PULP_PPC64LE_MCOUNT_STUB
#define PULP_PPC64LE_MCOUNT_STUB                                               \
  "/usr/lib/powerpc64le-linux-gnu/pulp/mcount_stub.o"
#endif

/* Instruction encodings (Power ISA 3.0, book I). */
static uint32_t ppc_nop(void)
{
  return 0x60000000; /* ori r0,r0,0 */
}

static uint32_t ppc_mflr(unsigned rt)
{
  return 0x7c0802a6 | rt << 21;
}

static uint32_t ppc_mtlr(unsigned rs)
{
  return 0x7c0803a6 | rs << 21;
}

static uint32_t ppc_mtctr(unsigned rs)
{
  return 0x7c0903a6 | rs << 21;
}

static uint32_t ppc_bctr(void)
{
  return 0x4e800420;
}

/* bcl 20,31,.+4: the idiom to read the PC. */
static uint32_t ppc_bcl_next(void)
{
  return 0x429f0005;
}

static uint32_t ppc_ld(unsigned rt, int16_t ds, unsigned ra)
{
  return 58u << 26 | rt << 21 | ra << 16 | ((uint16_t)ds & 0xfffc);
}

static uint32_t ppc_b(uint64_t from, uint64_t to)
{
  return 18u << 26 | ((uint32_t)(to - from) & 0x03fffffc);
}

/* I-form branch (b/bl, relative): 1 and its target in *to, else 0. */
static int ppc_decode_b(uint32_t insn, uint64_t pc, int *link, uint64_t *to)
{
  int64_t disp;

  if (insn >> 26 != 18 || insn & 2)
    return 0;
  disp = (int64_t)(int32_t)((insn & 0x03fffffc) << 6) >> 6;
  *to = pc + (uint64_t)disp;
  *link = insn & 1;
  return 1;
}

static int ppc_is_toc_setup(uint32_t i0, uint32_t i1)
{
  /* addis r2,r12,hi (or lis r2,hi once ld made it absolute); addi r2,r2,lo */
  return ((i0 & 0xffff0000) == 0x3c4c0000 || (i0 & 0xffff0000) == 0x3c400000) &&
         (i1 & 0xffff0000) == 0x38420000;
}

static uint64_t ppc_literal_addr(uint64_t pre)
{
  return (pre + PPC_CODE_LEN + 7) & ~(uint64_t)7;
}

/* The redirected pre-area for a pad starting at pre. */
static void ppc_build_pre(uint8_t out[PPC_PRE_LEN], uint64_t pre,
                          uint64_t target)
{
  uint64_t lit = ppc_literal_addr(pre);
  const uint32_t code[PPC_CODE_LEN / 4] = {
      ppc_bcl_next(), ppc_mflr(12),
      ppc_mtlr(0),    ppc_ld(12, (int16_t)(lit - (pre + 4)), 12),
      ppc_mtctr(12),  ppc_bctr(),
  };

  for (size_t i = 0; i < PPC_PRE_LEN; i += 4)
    put_le32(out + i, ppc_nop());
  for (size_t i = 0; i < PPC_CODE_LEN / 4; i++)
    put_le32(out + 4 * i, code[i]);
  put_le64(out + (lit - pre), target);
}

struct ppc_pad {
  uint64_t pre;    /* func - 64 */
  size_t site_off; /* offset of the site in the window */
  size_t lit_off;  /* offset of the literal in the window */
  uint32_t site;   /* the instruction at the site */
  int armed;       /* CLEAN with a redirect sequence left in the pre-area */
};

static int ppc_check(const uint8_t *win, uint64_t func,
                     struct pulp_pad_info *info, struct pulp_err *e,
                     struct ppc_pad *p)
{
  const uint8_t *entry = win + PPC_PRE_LEN;
  size_t local_off = PPC_PRE_LEN;
  uint64_t to;
  int link;

  memset(info, 0, sizeof(*info));
  if (func % 4 || func < PPC_PRE_LEN)
    return err_set(e, -ENOEXEC, "entry 0x%llx is not a ppc64 instruction",
                   (unsigned long long)func);
  if (ppc_is_toc_setup(get_le32(entry), get_le32(entry + 4)))
    local_off += 8;
  if (get_le32(win + local_off) != ppc_mflr(0))
    return err_set(e, -ENOEXEC,
                   "no 'mflr r0' at the local entry (built without -pg "
                   "-mprofile-kernel?)");
  p->pre = func - PPC_PRE_LEN;
  p->site_off = local_off + 4;
  p->lit_off = ppc_literal_addr(p->pre) - p->pre;
  p->site = get_le32(win + p->site_off);
  info->site = func - PPC_PRE_LEN + p->site_off;

  p->armed = 0;
  if (p->site == ppc_nop()) {
    uint8_t want[PPC_PRE_LEN];

    info->state = PULP_PAD_CLEAN;
    ppc_build_pre(want, p->pre, get_le64(win + p->lit_off));
    if (!memcmp(win, want, PPC_PRE_LEN)) {
      p->armed = 1; /* restored in-process: unreachable code, see restore */
      return 0;
    }
  } else if (ppc_decode_b(p->site, info->site, &link, &to) && link) {
    /* RAW: the target is the profiler hook the caller must check is the
     * library's own _mcount stub. */
    info->state = PULP_PAD_RAW;
    info->target = to;
  } else if (ppc_decode_b(p->site, info->site, &link, &to) && to == p->pre) {
    uint8_t want[PPC_PRE_LEN];

    info->state = PULP_PAD_REDIRECTED;
    info->target = get_le64(win + p->lit_off);
    ppc_build_pre(want, p->pre, info->target);
    if (memcmp(win, want, PPC_PRE_LEN))
      return err_set(e, -ENOEXEC,
                     "site branches into a pre-area that is not a redirect");
    return 0;
  } else {
    return err_set(e, -ENOEXEC,
                   "instruction 0x%08x after 'mflr r0' is neither 'bl "
                   "_mcount', nop, nor a redirect",
                   p->site);
  }
  for (size_t i = 0; i < PPC_PRE_LEN; i += 4)
    if (get_le32(win + i) != ppc_nop())
      return err_set(e, -ENOEXEC,
                     "pre-area word at entry-%zu is 0x%08x, not a nop",
                     PPC_PRE_LEN - i, get_le32(win + i));
  return 0;
}

static int check(const uint8_t *win, uint64_t func, struct pulp_pad_info *info,
                 struct pulp_err *e)
{
  struct ppc_pad p;

  return ppc_check(win, func, info, e, &p);
}

static int redirect(const uint8_t *win, uint64_t func, uint64_t target,
                    struct pulp_plan *plan, struct pulp_err *e)
{
  struct pulp_pad_info info;
  uint8_t pre[PPC_PRE_LEN], site[4];
  struct ppc_pad p;
  int r;

  r = ppc_check(win, func, &info, e, &p);
  if (r < 0)
    return r;
  if (target % 4)
    return err_set(e, -EINVAL, "target 0x%llx is not 4-aligned",
                   (unsigned long long)target);
  ppc_build_pre(pre, p.pre, target);
  if (info.state == PULP_PAD_REDIRECTED)
    return emit_write(plan, p.pre + p.lit_off, win + p.lit_off, pre + p.lit_off,
                      8, PULP_PW_ATOMIC, e);
  if (p.armed) {
    /* The sequence is in place: a thread still in it from before the
     * restore reads the old or the new literal with its one 8-byte load,
     * both valid targets, so the literal's store is no switch point
     * (UNREACHED): the site alone switches, and a one-function re-apply
     * is committed without stopping (docs/apply-protocol.md). */
    if (memcmp(win + p.lit_off, pre + p.lit_off, 8))
      r = emit_write(plan, p.pre + p.lit_off, win + p.lit_off, pre + p.lit_off,
                     8, PULP_PW_ATOMIC | PULP_PW_UNREACHED, e);
    put_le32(site, ppc_b(info.site, p.pre));
    return r < 0 ? r
                 : emit_write(plan, info.site, win + p.site_off, site, 4,
                              PULP_PW_ATOMIC, e);
  }

  /* Nothing branches into a pre-area of nops (the site is a nop or 'bl
   * _mcount'): it is unreachable until the site's store. */
  r = emit_guard(plan, p.pre, p.pre + PPC_PRE_LEN, e);
  if (r == 0)
    r = emit_range(plan, p.pre, win, pre, PPC_PRE_LEN, PULP_PW_UNREACHED, e);
  if (r < 0)
    return r;
  put_le32(site, ppc_b(info.site, p.pre));
  return emit_write(plan, info.site, win + p.site_off, site, 4, PULP_PW_ATOMIC,
                    e);
}

static int restore(const uint8_t *win, uint64_t func, struct pulp_plan *plan,
                   struct pulp_err *e)
{
  struct pulp_pad_info info;
  uint8_t nops[PPC_PRE_LEN];
  struct ppc_pad p;
  int r;

  r = ppc_check(win, func, &info, e, &p);
  if (r < 0 || info.state != PULP_PAD_REDIRECTED)
    return r;
  for (size_t i = 0; i < PPC_PRE_LEN; i += 4)
    put_le32(nops + i, ppc_nop());
  /* Only the site: the sequence before it stays, unreachable (armed). A
   * thread may be inside it for any time, and erasing it would make such
   * a thread fall into the global entry with LR = pre+4; the in-process
   * commit cannot stop threads to check. */
  return emit_write(plan, info.site, win + p.site_off, nops, 4, PULP_PW_ATOMIC,
                    e);
}

/* Turns 'bl _mcount' into a nop. The layout cannot see what the bl calls:
 * the caller checks first that check()'s info.target is the library's own
 * _mcount stub. */
static int normalise(uint8_t *win, uint64_t func, struct pulp_err *e)
{
  struct pulp_pad_info info;
  struct ppc_pad p;
  int r;

  r = ppc_check(win, func, &info, e, &p);
  if (r < 0)
    return r;
  if (info.state != PULP_PAD_RAW)
    return 1;
  put_le32(win + p.site_off, ppc_nop());
  return 0;
}

/* A tls_index {module, offset - TLS_DTV_OFFSET} for __tls_get_addr: the
 * ppc64 ABI biases DTV pointers by 0x8000. */
static size_t tls_ref(uint64_t modid, uint64_t off, uint8_t out[16])
{
  put_le64(out, modid);
  put_le64(out + 8, off - 0x8000);
  return 16;
}

const struct pulp_arch_layout pulp_layout_ppc64le = {
    .name = "ppc64le",
    .machine = EM_PPC64,
    .big_endian = 0,
    .pre_len = PPC_PRE_LEN,
    .post_len = PPC_POST_LEN,
    /* -pg only at compile time: on a link line GCC adds gcrt1.o. */
    .cflags = "-pg -mprofile-kernel -fpatchable-function-entry=16,16",
    .ldflags = PULP_PPC64LE_MCOUNT_STUB,
    .reloc_relative = 22, /* R_PPC64_RELATIVE */
    .check = check,
    .redirect = redirect,
    .restore = restore,
    .normalise = normalise,
    .tls_ref = tls_ref,
};
