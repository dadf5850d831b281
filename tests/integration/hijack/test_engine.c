/* Test-only engine for the private runtime of the hijack tests (never part
 * of libpulp.so). PULP_OP_APPLY here takes a struct test_write_req and
 * plans one write (plus an optional guard range), so the commit path can
 * be tested without .ulp files. Every call also clobbers the general and
 * vector registers (arch/<arch>/clobber.c), so that a test of register
 * preservation can fail. */
#include <errno.h>
#include <string.h>

#include "core/control_abi.h"
#include "preload/engine.h"
#include "regs.h"
#include "test_engine.h"

static struct pulp_plan plan;
int test_engine_finished = -1;

int engine_prepare(uint32_t op, const uint8_t *req, size_t len,
                   struct pulp_plan **out, struct pulp_err *e)
{
  struct test_write_req r;

  regs_clobber();
  if ((op & ~PULP_ENGINE_STOPS_WORLD) != PULP_OP_APPLY || len != sizeof(r))
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
  regs_clobber();
  test_engine_finished = committed;
}

void rt_log(const char *fmt, ...)
{
  (void)fmt;
}
