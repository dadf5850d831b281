/* x86_64 register check of the hijack tests (spin.S): GPRs, 32 zmm / 16 ymm
 * registers, the opmask registers, MXCSR, the x87 control word and the
 * 128-byte red zone below the spinner's stack pointer. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regs.h"

uint64_t spin_gpr_in[15], spin_gpr_out[15];
uint64_t spin_rz_in[16], spin_rz_out[16];
uint8_t spin_vec_in[32 * 64] __attribute__((aligned(64)));
uint8_t spin_vec_out[32 * 64] __attribute__((aligned(64)));
uint64_t spin_k_in[8], spin_k_out[8];
uint32_t spin_mxcsr_in = 0x3f80, spin_mxcsr_out; /* round down, masked */
uint16_t spin_fcw_in = 0x0c7f, spin_fcw_out;     /* round toward zero */
uint64_t spin_rsp_in, spin_rsp_out;

void spin_avx512(void);
void spin_avx(void);

/* zmm_registers: AVX-512 state; ymm_registers and red_zone: AVX state
 * (the red zone is checked by every mode). */
static const char *const modes[] = {"zmm_registers", "ymm_registers",
                                    "red_zone", NULL};

const char *const *regs_modes(void)
{
  return modes;
}

static int has_avx512(void)
{
  unsigned a, b, c, d;

  if (!__builtin_cpu_supports("avx512f"))
    return 0;
  __cpuid(1, a, b, c, d);
  if (!(c & bit_OSXSAVE))
    return 0;
  __asm__("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
  return (a & 0xe6) == 0xe6; /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
}

static int is_avx512(const char *mode)
{
  return !strcmp(mode, "zmm_registers");
}

int regs_prepare(const char *mode, void (**spin)(void), const char **why)
{
  if (is_avx512(mode)) {
    if (!has_avx512()) {
      *why = "no AVX-512";
      return 77;
    }
    *spin = spin_avx512;
  } else if (!strcmp(mode, "ymm_registers") || !strcmp(mode, "red_zone") ||
             !strcmp(mode, "any")) {
    if (!__builtin_cpu_supports("avx")) {
      *why = "no AVX";
      return 77;
    }
    *spin = spin_avx;
  } else {
    return 2;
  }
  for (int i = 0; i < 15; i++)
    spin_gpr_in[i] = 0x1111111111111111ull * (uint64_t)(i + 1) ^ 0xa5;
  for (int i = 0; i < 16; i++)
    spin_rz_in[i] = 0xdeadbeef00000000ull | (uint64_t)i * 0x01010101u;
  for (int i = 0; i < 32 * 64; i++)
    spin_vec_in[i] = (uint8_t)(i * 7 + 3);
  for (int i = 0; i < 8; i++)
    spin_k_in[i] = 0x0123456789abcdefull ^ ((uint64_t)i << 56);
  spin_k_in[0] = 0x8000000000000001ull;
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

int regs_compare(const char *mode, char *msg, size_t len)
{
  int avx512 = is_avx512(mode), nvec = avx512 ? 32 : 16;
  size_t veclen = avx512 ? 64 : 32;

  if (cmp(msg, len, "general registers", spin_gpr_in, spin_gpr_out,
          sizeof(spin_gpr_in)) ||
      cmp(msg, len, "red zone", spin_rz_in, spin_rz_out, sizeof(spin_rz_in)) ||
      cmp(msg, len, "rsp", &spin_rsp_in, &spin_rsp_out, 8) ||
      cmp(msg, len, "mxcsr", &spin_mxcsr_in, &spin_mxcsr_out, 4) ||
      cmp(msg, len, "x87 control word", &spin_fcw_in, &spin_fcw_out, 2))
    return 1;
  for (int i = 0; i < nvec; i++) {
    char what[32];
    snprintf(what, sizeof(what), "vector register %d", i);
    if (cmp(msg, len, what, spin_vec_in + 64 * i, spin_vec_out + 64 * i,
            veclen))
      return 1;
  }
  if (avx512 && cmp(msg, len, "opmask registers", spin_k_in, spin_k_out,
                    sizeof(spin_k_in)))
    return 1;
  return 0;
}
