/* ppc64le register check of the hijack tests (spin.S): GPRs, the 64 VSRs
 * (FPRs and VRs included), FPSCR, VSCR, VRSAVE, CR, XER, CTR, LR and the
 * 288-byte protected zone below r1 (ELFv2: signal handlers and anything
 * else that borrows the thread must leave it alone). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regs.h"

/* Offsets are spin.S's .set lines. */
struct spin_regs {
  uint64_t gpr[32];
  uint8_t vsr[64][16];
  uint8_t vscr[16];
  uint64_t fpscr; /* as mffs leaves it in an FPR */
  uint64_t cr, xer, ctr, lr, vrsave;
  uint64_t zone[36];
};
_Static_assert(offsetof(struct spin_regs, vsr) == 256, "spin.S VSR");
_Static_assert(offsetof(struct spin_regs, vscr) == 1280, "spin.S VSCR");
_Static_assert(offsetof(struct spin_regs, fpscr) == 1296, "spin.S FPSCR");
_Static_assert(offsetof(struct spin_regs, vrsave) == 1336, "spin.S VRSAVE");
_Static_assert(offsetof(struct spin_regs, zone) == 1344, "spin.S ZONE");

struct spin_regs spin_in __attribute__((aligned(16)));
struct spin_regs spin_out __attribute__((aligned(16)));

void spin_regs(void);

/* One spinner checks everything; red_zone names the same check for the
 * test that is about the protected zone. */
static const char *const modes[] = {"vector_registers", "red_zone", NULL};

const char *const *regs_modes(void)
{
  return modes;
}

int regs_prepare(const char *mode, void (**spin)(void), const char **why)
{
  (void)why;
  if (strcmp(mode, "vector_registers") && strcmp(mode, "red_zone") &&
      strcmp(mode, "any"))
    return 2;
  memset(&spin_in, 0, sizeof(spin_in));
  for (int i = 0; i < 32; i++)
    spin_in.gpr[i] = 0x1111111111111111ull * (uint64_t)(i % 15 + 1) ^
                     (uint64_t)i << 56 ^ 0xa5;
  /* r12 is the spinner's pointer to the stop flag; r11 ends holding the
   * flag's value (main sets 1); r1 and r13 are recorded by spin.S. */
  spin_in.gpr[12] = (uint64_t)(uintptr_t)&spin_stop;
  spin_in.gpr[11] = 1;
  for (int i = 0; i < 64 * 16; i++)
    spin_in.vsr[i / 16][i % 16] = (uint8_t)(i * 7 + 3);
  for (int i = 0; i < 4; i++) /* NJ and SAT, in whichever word mtvscr reads */
    memcpy(spin_in.vscr + 4 * i, &(uint32_t){0x00010001}, 4);
  spin_in.fpscr = 0x82000003;  /* FX, XX (sticky inexact), round to -inf */
  spin_in.xer = 0xe000007full; /* SO, OV, CA, string byte count */
  /* cr7 ends as the loop's last compare (1 > 0: GT, plus XER[SO]). */
  spin_in.cr = (0x13579bdfull & ~0xfull) | 0x4 | (spin_in.xer >> 31 & 1);
  spin_in.ctr = 0x0fedcba987654321ull;
  spin_in.lr = 0x00007fff12345678ull;
  spin_in.vrsave = 0xfedc1234;
  for (int i = 0; i < 36; i++)
    spin_in.zone[i] = 0xdeadbeef00000000ull | (uint64_t)i * 0x01010101u;
  *spin = spin_regs;
  return 0;
}

static int cmp(char *msg, size_t len, const char *what, const void *a,
               const void *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (((const uint8_t *)a)[i] != ((const uint8_t *)b)[i]) {
      snprintf(msg, len, "%s differs at byte %zu", what, i);
      return 1;
    }
  return 0;
}

/* mfvscr puts VSCR in one word of the vector, the others are 0. */
static int vscr_ok(const uint8_t *out)
{
  int found = 0;

  for (int i = 0; i < 4; i++) {
    uint32_t w;
    memcpy(&w, out + 4 * i, 4);
    if (w == 0x00010001)
      found++;
    else if (w)
      return 0;
  }
  return found == 1;
}

int regs_compare(const char *mode, char *msg, size_t len)
{
  static const char *const names[] = {"cr", "xer", "ctr", "lr", "vrsave"};
  const uint64_t *in = &spin_in.cr, *out = &spin_out.cr;

  (void)mode;
  for (int i = 0; i < 32; i++)
    if (spin_in.gpr[i] != spin_out.gpr[i]) {
      snprintf(msg, len, "r%d is %#llx, want %#llx", i,
               (unsigned long long)spin_out.gpr[i],
               (unsigned long long)spin_in.gpr[i]);
      return 1;
    }
  for (int i = 0; i < 64; i++) {
    char what[32];
    snprintf(what, sizeof(what), "vs%d", i);
    if (cmp(msg, len, what, spin_in.vsr[i], spin_out.vsr[i], 16))
      return 1;
  }
  for (int i = 0; i < 5; i++)
    if (in[i] != out[i]) {
      snprintf(msg, len, "%s is %#llx, want %#llx", names[i],
               (unsigned long long)out[i], (unsigned long long)in[i]);
      return 1;
    }
  if (spin_in.fpscr != spin_out.fpscr) {
    snprintf(msg, len, "fpscr is %#llx, want %#llx",
             (unsigned long long)spin_out.fpscr,
             (unsigned long long)spin_in.fpscr);
    return 1;
  }
  if (!vscr_ok(spin_out.vscr)) {
    snprintf(msg, len, "vscr lost NJ/SAT");
    return 1;
  }
  return cmp(msg, len, "protected zone below r1", spin_in.zone, spin_out.zone,
             sizeof(spin_in.zone));
}
