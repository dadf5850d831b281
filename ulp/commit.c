/* Writing the runtime's plan into the target with every thread stopped,
 * and the COMMIT/ABORT decision (docs/apply-protocol.md, "Why the commit
 * and the runtime's timeout cannot cross"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
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
  /* The header, then only the guards and writes in use (the struct is
   * sized for PULP_PLAN_MAX: 260 KiB, a one-function plan uses 100 B). */
  rc = proc_read(h->p, addr, h->plan, offsetof(struct pulp_plan, guards), e);
  if (rc)
    return err_ctx(e, "reading the runtime's plan");
  if (h->plan->nwrites > PULP_PLAN_MAX || h->plan->nguards > PULP_PLAN_MAX)
    return err_set(e, -EPROTO, "runtime's plan is malformed");
  if (h->plan->nguards)
    rc = proc_read(h->p, addr + offsetof(struct pulp_plan, guards),
                   h->plan->guards,
                   h->plan->nguards * sizeof(h->plan->guards[0]), e);
  if (rc == 0 && h->plan->nwrites)
    rc = proc_read(h->p, addr + offsetof(struct pulp_plan, writes),
                   h->plan->writes,
                   h->plan->nwrites * sizeof(h->plan->writes[0]), e);
  if (rc)
    return err_ctx(e, "reading the runtime's plan");
  for (uint32_t i = 0; i < h->plan->nwrites; i++)
    if (!h->plan->writes[i].len || h->plan->writes[i].len > PULP_PLAN_WRITE_MAX)
      return err_set(e, -EPROTO, "runtime's plan is malformed");
  return 0;
}

/* The plan's writes merged into spans of nearby bytes, so that a big
 * patch is read, checked and written with a few system calls inside the
 * freeze (issue 9: one pwrite of /proc/PID/mem costs microseconds, a
 * 1000-function patch has 2000-3000 writes). Writes closer than
 * SPAN_GAP_MAX bytes share a span; the bytes between are rewritten with
 * their own value while every thread is stopped. A span crosses at most
 * into the next page, which then holds a write itself, so it is mapped. */
#define SPAN_GAP_MAX 64

struct span {
  uint64_t addr;
  uint32_t len, off; /* off: where it starts in cur/img */
};

struct spans {
  struct span *s;
  size_t n;
  uint32_t *of; /* span of each write */
  uint8_t *cur; /* the spans as read (what an undo writes back) */
  uint8_t *img; /* the spans with the plan applied */
};

static void spans_free(struct spans *sp)
{
  free(sp->s);
  free(sp->of);
  free(sp->cur);
  free(sp->img);
  memset(sp, 0, sizeof(*sp));
}

static int by_addr(const void *a, const void *b, void *plan)
{
  const struct pulp_plan *pl = plan;
  const struct pulp_plan_write *x = &pl->writes[*(const uint32_t *)a],
                               *y = &pl->writes[*(const uint32_t *)b];

  if (x->addr != y->addr)
    return x->addr < y->addr ? -1 : 1;
  return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int spans_build(const struct pulp_plan *pl, struct spans *sp,
                       struct pulp_err *e)
{
  uint32_t n = pl->nwrites, *ix = calloc(n ? n : 1, sizeof(*ix));
  size_t total = 0;

  memset(sp, 0, sizeof(*sp));
  sp->s = calloc(n ? n : 1, sizeof(*sp->s));
  sp->of = calloc(n ? n : 1, sizeof(*sp->of));
  if (!ix || !sp->s || !sp->of) {
    free(ix);
    return err_set(e, -ENOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < n; i++)
    ix[i] = i;
  qsort_r(ix, n, sizeof(*ix), by_addr, (void *)pl);
  for (uint32_t k = 0; k < n; k++) {
    const struct pulp_plan_write *w = &pl->writes[ix[k]];
    struct span *last = sp->n ? &sp->s[sp->n - 1] : NULL;
    if (last && w->addr <= last->addr + last->len + SPAN_GAP_MAX) {
      uint64_t end = w->addr + w->len;
      if (end > last->addr + last->len)
        last->len = (uint32_t)(end - last->addr);
    } else {
      sp->s[sp->n].addr = w->addr;
      sp->s[sp->n++].len = w->len;
    }
    sp->of[ix[k]] = (uint32_t)(sp->n - 1);
  }
  free(ix);
  for (size_t i = 0; i < sp->n; i++) {
    sp->s[i].off = (uint32_t)total;
    total += sp->s[i].len;
  }
  sp->cur = malloc(total ? total : 1);
  sp->img = malloc(total ? total : 1);
  if (!sp->cur || !sp->img)
    return err_set(e, -ENOMEM, "out of memory");
  return 0;
}

/* Reads the spans and applies the plan to a copy, in the plan's order:
 * every write must find its old bytes (-ESTALE otherwise, "the code
 * changed under the patch"). */
static int spans_read(struct hj *h, struct spans *sp, struct pulp_err *e)
{
  const struct pulp_plan *pl = h->plan;

  for (size_t i = 0; i < sp->n; i++) {
    int rc =
        proc_read(h->p, sp->s[i].addr, sp->cur + sp->s[i].off, sp->s[i].len, e);
    if (rc)
      return rc;
  }
  if (sp->n)
    memcpy(sp->img, sp->cur,
           sp->s[sp->n - 1].off + (size_t)sp->s[sp->n - 1].len);
  for (uint32_t i = 0; i < pl->nwrites; i++) {
    const struct pulp_plan_write *w = &pl->writes[i];
    const struct span *s = &sp->s[sp->of[i]];
    uint8_t *at = sp->img + s->off + (w->addr - s->addr);
    if (memcmp(at, w->old, w->len))
      return err_set(e, -ESTALE, "code at %#llx changed under the patch",
                     (unsigned long long)w->addr);
    memcpy(at, w->bytes, w->len);
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
  struct spans sp = {0};
  /* Seizing does not stop: done before the window, as the spans. */
  int rc = spans_build(h->plan, &sp, e);

  if (rc == 0)
    rc = threads_attach(h->p, &h->tid, 1, &ts, e);

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
    /* The borrowed thread resumes at its saved PC: not inside a guard
     * either (an x86_64 entry never normalised: between its two NOPs). */
    if (rc == 0 && h->saved)
      busy |= plan_pc_is_guarded(h->plan, arch_live_pc(h->saved));
    if (rc == 0 && !busy)
      rc = spans_read(h, &sp, e);
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
    for (; rc == 0 && written < sp.n; written++) {
      const struct span *s = &sp.s[written];
      rc = proc_write(h->p, s->addr, sp.img + s->off, s->len, e);
      if (written == 0)
        hook(h, HIJACK_AT_WRITING);
    }
    if (rc && state == PULP_RS_PREPARED) {
      /* Put back what we wrote (the failed span too: it may be half
       * written) before telling the runtime to abort. */
      struct pulp_err ignore;
      while (written-- > 0)
        proc_write(h->p, sp.s[written].addr, sp.cur + sp.s[written].off,
                   sp.s[written].len, &ignore);
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
  spans_free(&sp);
  return rc;
}
