/* s390x register check of the hijack tests (spin.S): r0..r15, the access
 * registers (a0/a1 as the thread pointer left them, a2..a15 loaded), the
 * FPC and the 32 vector registers (the FPRs are their left halves). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "regs.h"

#ifndef HWCAP_S390_VX
#define HWCAP_S390_VX 2048
#endif

/* Offsets are spin.S's .set lines. */
struct spin_regs {
  uint64_t gpr[16];
  uint32_t acr[16];
  uint32_t fpc, pad[3];
  uint8_t vr[32][16];
};
_Static_assert(offsetof(struct spin_regs, acr) == 128, "spin.S ACR");
_Static_assert(offsetof(struct spin_regs, fpc) == 192, "spin.S FPC");
_Static_assert(offsetof(struct spin_regs, vr) == 208, "spin.S VR");

struct spin_regs spin_in __attribute__((aligned(16)));
struct spin_regs spin_out __attribute__((aligned(16)));

void spin_regs(void);

static const char *const modes[] = {"vector_registers", NULL};

const char *const *regs_modes(void)
{
  return modes;
}

int regs_prepare(const char *mode, void (**spin)(void), const char **why)
{
  if (strcmp(mode, "vector_registers") && strcmp(mode, "any"))
    return 2;
  if (!(getauxval(AT_HWCAP) & HWCAP_S390_VX)) {
    *why = "no vector facility";
    return 77;
  }
  memset(&spin_in, 0, sizeof(spin_in));
  for (int i = 0; i < 16; i++)
    spin_in.gpr[i] = 0x1111111111111111ull * (uint64_t)(i + 1) ^ 0xa5;
  spin_in.gpr[1] = (uint64_t)(uintptr_t)&spin_stop; /* the loop's base */
  for (int i = 2; i < 16; i++)
    spin_in.acr[i] = 0xacc00000u | (uint32_t)i * 0x111;
  spin_in.fpc = 0x00f80003; /* all five flags, round toward -inf */
  for (int i = 0; i < 32 * 16; i++)
    spin_in.vr[i / 16][i % 16] = (uint8_t)(i * 7 + 3);
  *spin = spin_regs;
  return 0;
}

static int differ(char *msg, size_t len, const char *what, int i, uint64_t got,
                  uint64_t want)
{
  snprintf(msg, len, "%s%d is %#llx, want %#llx", what, i,
           (unsigned long long)got, (unsigned long long)want);
  return 1;
}

int regs_compare(const char *mode, char *msg, size_t len)
{
  (void)mode;
  for (int i = 0; i < 16; i++)
    if (spin_in.gpr[i] != spin_out.gpr[i])
      return differ(msg, len, "r", i, spin_out.gpr[i], spin_in.gpr[i]);
  for (int i = 0; i < 16; i++)
    if (spin_in.acr[i] != spin_out.acr[i])
      return differ(msg, len, "a", i, spin_out.acr[i], spin_in.acr[i]);
  if (spin_in.fpc != spin_out.fpc)
    return differ(msg, len, "fpc", 0, spin_out.fpc, spin_in.fpc);
  for (int i = 0; i < 32; i++)
    if (memcmp(spin_in.vr[i], spin_out.vr[i], 16)) {
      snprintf(msg, len, "v%d differs", i);
      return 1;
    }
  return 0;
}
