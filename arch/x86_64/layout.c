/* x86_64 pad layout (docs/pad-layouts.md):
 * -fpatchable-function-entry=16,14 gives 14 NOP bytes before the symbol and
 * 2 at the entry (after endbr64 when -fcf-protection emitted one). The
 * redirect puts an 8-byte literal and `jmp *lit(%rip)` in the 14-byte
 * pre-area and turns the 2 entry bytes into a short jump back to it:
 *
 *   pre % 8 == 2:  pre+0 jmp *0(%rip)   pre+6 literal       (literal aligned)
 *   otherwise:     pre+0 literal        pre+8 jmp *-14(%rip) (aligned when
 *                                                             pre % 8 == 0)
 *
 * With an aligned literal, re-targeting a live redirect is one aligned
 * 8-byte store. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "arch/layout_emit.h"
#include "core/arch.h"

#define PRE 14
#define ENDBR_LEN 4

static const uint8_t endbr64[ENDBR_LEN] = {0xf3, 0x0f, 0x1e, 0xfa};
static const uint8_t nop2[2] = {0x66, 0x90}; /* normalised entry */
static const uint8_t raw2[2] = {0x90, 0x90}; /* as GCC emits it */

/* ---- instruction writers ---- */

/* jmp rel8 at from, to to. */
static void put_jmp_rel8(uint8_t out[2], uint64_t from, uint64_t to)
{
  out[0] = 0xeb;
  out[1] = (uint8_t)(int8_t)(int64_t)(to - (from + 2));
}

/* jmp *disp32(%rip) at from, reading the literal at lit. */
static void put_jmp_rip_indirect(uint8_t out[6], uint64_t from, uint64_t lit)
{
  int32_t disp = (int32_t)(int64_t)(lit - (from + 6));
  out[0] = 0xff;
  out[1] = 0x25;
  put_le32(out + 2, (uint32_t)disp); /* the tool may run big-endian */
}

/* ---- layout ---- */

/* Offset of the switched entry bytes within the window. Bytes past the
 * entry pair are read only after an endbr64, so a check never reads beyond
 * a short function's own code (it may end a mapping). */
static size_t site_off(const uint8_t *win)
{
  if (win[PRE] != endbr64[0])
    return PRE;
  return memcmp(win + PRE, endbr64, ENDBR_LEN) == 0 ? PRE + ENDBR_LEN : PRE;
}

static int all_nops(const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0x90)
      return 0;
  return 1;
}

/* Where the literal goes for a pre-area at address pre. */
static size_t literal_off(uint64_t pre)
{
  return pre % 8 == 2 ? 6 : 0;
}

/* The redirect's pre-area for a pad at pre: jmp *lit(%rip) and the
 * literal (target), laid out as literal_off() says. */
static void build_pad(uint8_t pad[PRE], uint64_t pre, uint64_t target)
{
  if (literal_off(pre) == 6) {
    put_jmp_rip_indirect(pad, pre, pre + 6);
    put_le64(pad + 6, target);
  } else {
    put_le64(pad, target);
    put_jmp_rip_indirect(pad + 8, pre + 8, pre);
  }
}

/* Whether the pre-area holds a redirect sequence (any literal): what a
 * restore leaves "armed" behind a NOP entry for threads still inside. */
static int pad_is_armed(const uint8_t *win, uint64_t pre)
{
  size_t lit = literal_off(pre);
  uint8_t want[PRE];

  build_pad(want, pre, get_le64(win + lit));
  return memcmp(win, want, PRE) == 0;
}

static int x86_check(const uint8_t *win, uint64_t func,
                     struct pulp_pad_info *info, struct pulp_err *e)
{
  size_t s = site_off(win);
  const uint8_t *entry = win + s;

  memset(info, 0, sizeof(*info));
  info->site = func - PRE + s;
  if (entry[0] == 0xeb) {
    /* Our redirect: the short jump lands on a jmp *lit(%rip) in the pad. */
    int64_t to = (int64_t)s + 2 + (int8_t)entry[1];
    if (to >= 0 && to + 6 <= PRE && win[to] == 0xff && win[to + 1] == 0x25) {
      int32_t disp;
      int64_t lit;
      disp = (int32_t)get_le32(win + to + 2);
      lit = to + 6 + disp;
      if (lit >= 0 && lit + 8 <= PRE) {
        info->state = PULP_PAD_REDIRECTED;
        info->target = get_le64(win + lit);
        return 0;
      }
    }
    return err_set(e, -ENOEXEC, "entry jump at %#llx is not a Pulp redirect",
                   (unsigned long long)info->site);
  }
  if (!all_nops(win, PRE) &&
      !(memcmp(entry, nop2, 2) == 0 && pad_is_armed(win, func - PRE)))
    return err_set(e, -ENOEXEC,
                   "no 14-byte NOP pad before %#llx (not compiled with "
                   "-fpatchable-function-entry=16,14)",
                   (unsigned long long)func);
  if (memcmp(entry, nop2, 2) == 0) {
    info->state = PULP_PAD_CLEAN;
    return 0;
  }
  if (memcmp(entry, raw2, 2) == 0) {
    info->state = PULP_PAD_RAW;
    return 0;
  }
  return err_set(e, -ENOEXEC, "entry at %#llx is not a 2-byte NOP (%02x %02x)",
                 (unsigned long long)info->site, entry[0], entry[1]);
}

/* No thread may be in the middle of an instruction we rewrite: anywhere in
 * the pre-area but its first byte, or between the two entry bytes. */
static int guard_pad(struct pulp_plan *plan, uint64_t pre, uint64_t site,
                     struct pulp_err *e)
{
  int rc = emit_guard(plan, pre + 1, pre + PRE, e);
  return rc ? rc : emit_guard(plan, site + 1, site + 2, e);
}

static int x86_redirect(const uint8_t *win, uint64_t func, uint64_t target,
                        struct pulp_plan *plan, struct pulp_err *e)
{
  struct pulp_pad_info info;
  uint64_t pre = func - PRE;
  size_t lit = literal_off(pre), s;
  uint8_t pad[PRE], entry[2];
  int rc = x86_check(win, func, &info, e);

  if (rc)
    return rc;
  s = info.site - pre;
  if (info.state == PULP_PAD_REDIRECTED) {
    /* Re-target: only the literal changes. */
    size_t at = (size_t)(((int64_t)s + 2 + (int8_t)win[s + 1]) + 6);
    int32_t disp;
    uint8_t v[8];
    disp = (int32_t)get_le32(win + at - 4);
    at += (size_t)(int64_t)disp;
    put_le64(v, target);
    return emit_write(plan, pre + at, win + at, v, 8,
                      (pre + at) % 8 == 0 ? PULP_PW_ATOMIC : 0, e);
  }
  build_pad(pad, pre, target);
  put_jmp_rel8(entry, info.site, lit == 6 ? pre : pre + 8);
  if (!all_nops(win, PRE)) {
    /* Armed by a restore: a thread still inside reads the old or the new
     * literal (one store when aligned), both complete targets. */
    if (memcmp(win + lit, pad + lit, 8) &&
        (rc = emit_write(
             plan, pre + lit, win + lit, pad + lit, 8,
             (pre + lit) % 8 ? 0 : PULP_PW_ATOMIC | PULP_PW_UNREACHED, e)))
      return rc;
    if ((rc = emit_write(plan, info.site, win + s, entry, 2,
                         info.site % 2 ? 0 : PULP_PW_ATOMIC, e)))
      return rc;
    return emit_guard(plan, info.site + 1, info.site + 2, e);
  }
  /* The pad first (unreachable until the entry changes), then the entry.
   * A CLEAN entry is one instruction: its aligned 2-byte store is the
   * switch, safe while threads run. A RAW entry (no 'ulp post': two 1-byte
   * NOPs) may hold a thread between its bytes, which would then run the
   * jump's displacement as an opcode: its write is no atomic switch, so
   * only a committer that stops every thread takes the plan, and the
   * guard on site+1 makes it wait until no thread is there. */
  if ((rc = emit_write(plan, pre, win, pad, PRE, PULP_PW_UNREACHED, e)) ||
      (rc = emit_write(
           plan, info.site, win + s, entry, 2,
           info.site % 2 || info.state == PULP_PAD_RAW ? 0 : PULP_PW_ATOMIC,
           e)))
    return rc;
  return guard_pad(plan, pre, info.site, e);
}

static int x86_restore(const uint8_t *win, uint64_t func,
                       struct pulp_plan *plan, struct pulp_err *e)
{
  struct pulp_pad_info info;
  uint64_t pre = func - PRE;
  int rc = x86_check(win, func, &info, e);

  if (rc)
    return rc;
  if (info.state != PULP_PAD_REDIRECTED)
    return 0;
  /* Only the entry, in one store where aligned: new calls run the
   * original. The sequence stays ("armed") for a thread that already took
   * the short jump (the in-process commit cannot stop it); erasing it
   * under that thread made it jump through a half-erased literal. */
  if ((rc = emit_write(plan, info.site, win + (info.site - pre), nop2, 2,
                       info.site % 2 ? 0 : PULP_PW_ATOMIC, e)))
    return rc;
  return emit_guard(plan, info.site + 1, info.site + 2, e);
}

static int x86_normalise(uint8_t *win, uint64_t func, struct pulp_err *e)
{
  struct pulp_pad_info info;
  int rc = x86_check(win, func, &info, e);

  if (rc)
    return rc;
  if (info.state != PULP_PAD_RAW)
    return 1;
  memcpy(win + (info.site - (func - PRE)), nop2, 2);
  return 0;
}

/* A tls_index {module, offset} for __tls_get_addr (TLS_DTV_OFFSET 0). */
static size_t x86_tls_ref(uint64_t modid, uint64_t off, uint8_t out[16])
{
  put_le64(out, modid);
  put_le64(out + 8, off);
  return 16;
}

const struct pulp_arch_layout pulp_layout_x86_64 = {
    .name = "x86_64",
    .machine = EM_X86_64,
    .big_endian = 0,
    .pre_len = PRE,
    .post_len = ENDBR_LEN + 2,
    .cflags = "-fpatchable-function-entry=16,14",
    .ldflags = "",
    .reloc_relative = 8, /* R_X86_64_RELATIVE */
    .check = x86_check,
    .redirect = x86_redirect,
    .restore = x86_restore,
    .normalise = x86_normalise,
    .tls_ref = x86_tls_ref,
};
