/* Test-only engine for the private runtime of the hijack tests (never part
 * of libpulp.so). PULP_OP_APPLY here takes a struct test_write_req and
 * plans one write (plus an optional guard range), so the commit path can
 * be tested without .ulp files. Every call also clobbers the general and
 * vector registers, so that a test of register preservation can fail. */
#include <errno.h>
#include <string.h>

#include "core/control_abi.h"
#include "preload/engine.h"
#include "test_engine.h"

static struct pulp_plan plan;
int test_engine_finished = -1;

__attribute__((target("avx2"), noinline)) static void clobber_avx2(void)
{
  __asm__ volatile("vpcmpeqb %%ymm2, %%ymm2, %%ymm2\n\t"
                   "vmovdqa %%ymm2, %%ymm3\n\tvmovdqa %%ymm2, %%ymm14" ::
                       : "xmm2", "xmm3", "xmm14");
}

__attribute__((target("avx512f"), noinline)) static void clobber_avx512(void)
{
  __asm__ volatile("vpternlogd $0xff, %%zmm4, %%zmm4, %%zmm4\n\t"
                   "vmovdqa64 %%zmm4, %%zmm20\n\tvmovdqa64 %%zmm4, %%zmm31\n\t"
                   "kxnorw %%k1, %%k1, %%k1\n\tkxnorw %%k7, %%k7, %%k7" ::
                       : "xmm4", "xmm20", "xmm31", "k1", "k7");
}

static void clobber(void)
{
  __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpcmpeqb %%xmm1, %%xmm1\n\t"
                   "movdqa %%xmm1, %%xmm15\n\tmovdqa %%xmm1, %%xmm7\n\t"
                   "ldmxcsr %0" ::"m"((unsigned){0x1f80})
                   : "xmm0", "xmm1", "xmm7", "xmm15");
  if (__builtin_cpu_supports("avx2"))
    clobber_avx2();
  if (__builtin_cpu_supports("avx512f"))
    clobber_avx512();
  __asm__ volatile("mov $-1, %%rbx\n\tmov $-1, %%r12\n\tmov $-1, %%r15" ::
                       : "rbx", "r12", "r15");
}

int engine_prepare(uint32_t op, const uint8_t *req, size_t len,
                   struct pulp_plan **out, struct pulp_err *e)
{
  struct test_write_req r;

  clobber();
  if (op != PULP_OP_APPLY || len != sizeof(r))
    return err_set(e, -EINVAL, "test engine: bad request");
  memcpy(&r, req, sizeof(r));
  if (r.len == 0 || r.len > PULP_PLAN_WRITE_MAX)
    return err_set(e, -EINVAL, "test engine: bad length");
  memset(&plan, 0, sizeof(plan));
  plan.nwrites = 1;
  plan.writes[0].addr = r.addr;
  plan.writes[0].len = r.len;
  memcpy(plan.writes[0].old, r.old, r.len);
  memcpy(plan.writes[0].bytes, r.bytes, r.len);
  plan.guards[0].start = r.addr;
  plan.guards[0].end = r.addr + r.len;
  plan.nguards = 1;
  if (r.guard_end) {
    plan.guards[1].start = r.guard_start;
    plan.guards[1].end = r.guard_end;
    plan.nguards = 2;
  }
  *out = &plan;
  return 0;
}

void engine_finish(int committed)
{
  clobber();
  test_engine_finished = committed;
}

void rt_log(const char *fmt, ...)
{
  (void)fmt;
}
