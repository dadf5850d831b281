/* Writing the runtime's plan into the target with every thread stopped,
 * and the COMMIT/ABORT decision (docs/apply-protocol.md, "Why the commit
 * and the runtime's timeout cannot cross"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "hijack_internal.h"
#include "threads.h"

int read_plan(struct hj *h, struct pulp_err *e)
{
  uint64_t addr;
  int rc = proc_read(h->p, h->control + CTL(plan_addr), &addr, 8, e);

  if (rc)
    return rc;
  h->plan = malloc(sizeof(*h->plan));
  if (!h->plan)
    return err_set(e, -ENOMEM, "out of memory");
  rc = proc_read(h->p, addr, h->plan, sizeof(*h->plan), e);
  if (rc)
    return err_ctx(e, "reading the runtime's plan");
  if (h->plan->nwrites > PULP_PLAN_MAX || h->plan->nguards > PULP_PLAN_MAX)
    return err_set(e, -EPROTO, "runtime's plan is malformed");
  for (uint32_t i = 0; i < h->plan->nwrites; i++)
    if (!h->plan->writes[i].len || h->plan->writes[i].len > PULP_PLAN_WRITE_MAX)
      return err_set(e, -EPROTO, "runtime's plan is malformed");
  return 0;
}

/* The code still holds what the plan expects to replace. */
static int plan_current(struct hj *h, struct pulp_err *e)
{
  for (uint32_t i = 0; i < h->plan->nwrites; i++) {
    const struct pulp_plan_write *w = &h->plan->writes[i];
    uint8_t now[PULP_PLAN_WRITE_MAX];
    int rc = proc_read(h->p, w->addr, now, w->len, e);
    if (rc)
      return rc;
    if (memcmp(now, w->old, w->len))
      return err_set(e, -ESTALE, "code at %#llx changed under the patch",
                     (unsigned long long)w->addr);
  }
  return 0;
}

/* Is pc anywhere in the bytes of a write that is not one atomic store,
 * its first byte included? Stricter than the guards: a thread parked at
 * the start of a pre-area being restored would otherwise still be there
 * when a later commit, made while threads run, rewrites that pre-area as
 * unreachable (docs/apply-protocol.md, "Committing without stopping"). */
static int in_plain_write(const struct pulp_plan *plan, uint64_t pc)
{
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (!(w->flags & PULP_PW_ATOMIC) && pc >= w->addr && pc < w->addr + w->len)
      return 1;
  }
  return 0;
}

/* Decides COMMIT or ABORT, only while every thread (the borrowed one
 * included) is stopped: the runtime leaves PREPARED by one atomic CAS, so
 * its timeout and our decision cannot cross. */
int commit(struct hj *h, struct pulp_err *e)
{
  struct threads ts = {0};
  /* Seizing does not stop: done before the window. */
  int rc = threads_attach(h->p, &h->tid, 1, &ts, e);

  for (unsigned attempt = 0;; attempt++) {
    uint64_t t0 = now_ns();
    uint32_t state = 0, written = 0;
    int busy = 0;

    h->st.attempts = attempt + 1;
    if (rc == 0)
      rc = threads_stop_all(h->p, &h->tid, 1, &ts, e);
    if (rc == -EBUSY && attempt + 1 < h->o.retries) {
      /* Another tool holds a thread while it tries to claim the block
       * (and fails: we hold it): it lets go within milliseconds. */
      threads_release(&ts);
      sleep_us(1000u << (attempt < 5 ? attempt : 5));
      rc = threads_attach(h->p, &h->tid, 1, &ts, e);
      continue;
    }
    if (rc) {
      /* Cannot commit; abort with just the borrowed thread stopped. */
      struct pulp_err ignore;
      int group;
      if (thread_stop(h->tid, &group, &ignore) == 0) {
        if (get32(h, CTL(state), &state, &ignore) == 0 &&
            state == PULP_RS_PREPARED)
          put32(h, CTL(state), PULP_RS_ABORT, &ignore);
        thread_cont(h->tid, group);
      }
      break;
    }
    rc = get32(h, CTL(state), &state, e);
    if (rc == 0 && state != PULP_RS_PREPARED)
      rc = err_set(e, -ETIMEDOUT, "the runtime gave up waiting for the commit");
    for (size_t i = 0; rc == 0 && i < ts.n; i++)
      busy |= plan_pc_is_guarded(h->plan, ts.t[i].pc) ||
              in_plain_write(h->plan, ts.t[i].pc);
    if (rc == 0 && !busy)
      rc = plan_current(h, e);
    if (rc == 0 && busy && attempt + 1 >= h->o.retries)
      rc = err_set(e, -EBUSY,
                   "a thread kept executing the code to be "
                   "changed (%u attempts)",
                   attempt + 1);
    if (rc == 0 && busy) {
      threads_resume_all(&ts, 0);
      sleep_us(1000u << (attempt < 5 ? attempt : 5));
      continue;
    }
    if (rc == 0 && h->plan->nwrites)
      rc = put32(h, CTL(writing), 1, e);
    for (; rc == 0 && written < h->plan->nwrites; written++) {
      const struct pulp_plan_write *w = &h->plan->writes[written];
      rc = proc_write(h->p, w->addr, w->bytes, w->len, e);
      if (written == 0)
        hook(h, HIJACK_AT_WRITING);
    }
    if (rc && state == PULP_RS_PREPARED) {
      /* Put back what we wrote before telling the runtime to abort. */
      struct pulp_err ignore;
      while (written-- > 0)
        proc_write(h->p, h->plan->writes[written].addr,
                   h->plan->writes[written].old, h->plan->writes[written].len,
                   &ignore);
      put32(h, CTL(writing), 0, &ignore);
      put32(h, CTL(state), PULP_RS_ABORT, &ignore);
    } else if (rc == 0) {
      rc = put32(h, CTL(state), PULP_RS_COMMIT, e);
    }
    threads_resume_all(&ts, 1);
    h->st.freeze_ns = now_ns() - t0;
    hook(h, HIJACK_AT_COMMITTED);
    break;
  }
  threads_release(&ts);
  return rc;
}
