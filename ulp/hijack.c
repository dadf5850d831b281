/* The tool's side of the apply protocol (docs/apply-protocol.md): the
 * call into the runtime on a borrowed thread, the waits, the restore. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hijack_internal.h"
#include "threads.h"

/* Checks the control block is ours, and records its generation: the
 * claim (with every thread stopped) is what decides whether it is free. A
 * block in use by a tool that still traces its borrowed thread is
 * refused at once. */
static int check_control(struct hj *h, struct pulp_control *c,
                         struct pulp_err *e)
{
  int rc = proc_read(h->p, h->control, c, CTL(error), e);

  if (rc)
    return rc;
  if (c->magic != PULP_CONTROL_MAGIC || c->abi_version != PULP_CONTROL_ABI)
    return err_set(e, -EPROTO,
                   "runtime from another Pulp build "
                   "(control ABI %u, this tool %u)",
                   c->abi_version, PULP_CONTROL_ABI);
  if (!in_range(&h->runtime, c->entry) ||
      !in_range(&h->runtime, c->stack_top - 1))
    return err_set(e, -EPROTO, "runtime not initialised");
  h->generation = c->generation;
  h->hstack.lo = c->stack_top - PULP_HIJACK_STACK;
  h->hstack.hi = c->stack_top + 1;
  if (c->state != PULP_RS_IDLE && c->tid && thread_tracer(h->p, (pid_t)c->tid))
    return err_set(e, -EBUSY,
                   "busy: another ulp (pid %u) is driving its runtime",
                   c->tool_pid);
  return 0;
}

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

/* The runtime wrote the plan itself: what was committed is a success,
 * whatever happens to the process next. */
static void note_self_commit(struct hj *h)
{
  h->committed = 1;
  h->st.self_committed = 1;
}

/* The process is exiting and tid, the borrowed thread stopped at its exit,
 * still has the memory: whether the runtime had committed by itself
 * decides success (hijack_run). Then it may go on exiting. */
static void exiting(struct hj *h, pid_t tid)
{
  uint32_t self = 0;
  struct iovec l = {&self, sizeof(self)};
  struct iovec r = {(void *)(uintptr_t)(h->control + CTL(self_committed)),
                    sizeof(self)};

  if (process_vm_readv(tid, &l, 1, &r, 1, 0) == (ssize_t)sizeof(self) && self)
    note_self_commit(h);
  ptrace(PTRACE_CONT, tid, 0, 0);
}

/* Handles a ptrace stop of the borrowed thread while it runs the runtime:
 * signals are blocked there, so only job control can stop it. */
static int reap_borrowed(struct hj *h, struct pulp_err *e)
{
  int status;

  while (waitpid(h->tid, &status, __WALL | WNOHANG) > 0) {
    if (!WIFSTOPPED(status))
      return err_set(e, -ESRCH, "process exited");
    if (thread_exit_stop(status)) {
      exiting(h, h->tid);
      return err_set(e, -ESRCH, "process exited");
    }
    if (status >> 16 == PTRACE_EVENT_STOP) {
      ptrace(PTRACE_LISTEN, h->tid, 0, 0);
      return err_set(e, -EAGAIN,
                     "stopped by job control during the call "
                     "(its runtime aborts and restores the thread once it "
                     "continues)");
    }
    ptrace(PTRACE_CONT, h->tid, 0, (void *)(long)WSTOPSIG(status));
  }
  return 0;
}

/* The state, and whether the runtime has committed the plan itself, in
 * one read: a process may exit right after its own commit (the gated
 * switch reports it at its instant, before re-pointing the pads), and
 * what was committed is a success even if DONE is never seen. */
static int poll_state(struct hj *h, uint32_t *state, struct pulp_err *e)
{
  uint8_t buf[CTL(self_committed) + 4];
  uint32_t self;
  int rc = proc_read(h->p, h->control, buf, sizeof(buf), e);

  if (rc)
    return rc;
  memcpy(state, buf + CTL(state), 4);
  memcpy(&self, buf + CTL(self_committed), 4);
  if (self)
    note_self_commit(h);
  return 0;
}

/* Polls the state until it is one of want (bitmask of 1 << state). The
 * nap grows with the time already waited (an eighth of it, 20..500 us):
 * a quick answer is seen within 20 us, a dlopen of milliseconds costs
 * tens of polls instead of hundreds, which matters when many workers
 * share the CPUs the targets need (bench/fleet.sh). */
static int wait_state(struct hj *h, unsigned want, uint32_t *state,
                      struct pulp_err *e)
{
  uint64_t start = now_ns();
  uint64_t until = start + (uint64_t)h->o.timeout_ms * 1000000ull;
  int rc;

  /* No thread of ours is stopped while the runtime works: Ctrl-Z may stop
   * the tool here (the runtime's own timeouts then rescue its thread). */
  threads_release_job_control();
  for (;;) {
    uint64_t nap;
    rc = poll_state(h, state, e);
    if (rc) {
      /* Gone, or going: its exit stop may still say what was committed. */
      struct pulp_err ignore;
      reap_borrowed(h, &ignore);
      break;
    }
    if (want & (1u << *state))
      break;
    if (now_ns() > until) {
      rc = -ETIMEDOUT;
      break;
    }
    rc = reap_borrowed(h, e);
    if (rc)
      break;
    nap = (now_ns() - start) / 8000;
    sleep_us(nap < 20 ? 20 : nap > 500 ? 500 : (unsigned)nap);
  }
  threads_hold_job_control();
  return rc;
}

/* The tool gives up on a thread still running the runtime: detaching lets
 * the runtime notice (TracerPid 0), abort and restore the thread itself. */
static void let_go(struct hj *h)
{
  int group;
  struct pulp_err ignore;

  if (thread_stop(h->tid, &group, &ignore) == 0)
    ptrace(PTRACE_DETACH, h->tid, 0, 0);
  h->tid = 0;
}

/* Puts the borrowed thread back (or only detaches it if the runtime
 * restored it itself) and releases the control block. */
static int restore(struct hj *h, struct pulp_err *e)
{
  uint32_t state;
  int group, rc = thread_stop(h->tid, &group, e);

  if (rc)
    goto out;
  rc = get32(h, CTL(state), &state, e);
  if (rc == 0 && state == PULP_RS_DONE) {
    rc = arch_live_restore(h->tid, h->saved, e);
    if (rc == 0)
      rc = put32(h, CTL(state), PULP_RS_IDLE, e);
  }
  ptrace(PTRACE_DETACH, h->tid, 0, 0);
out:
  h->tid = 0;
  return rc;
}

/* Writes the request and the context, points the borrowed thread at the
 * runtime and sets CALLING: done inside the claim window. */
static int setup_call(struct hj *h, const struct pulp_control *c, uint32_t op,
                      const void *req, size_t reqlen, struct pulp_err *e)
{
  uint8_t ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
  long len;
  int rc;

  /* The context goes into the target before any register changes: from
   * here on the runtime can put the thread back without us. */
  len = arch_live_encode_ctx(h->saved, ctx, sizeof(ctx), e);
  rc = len < 0 ? (int)len : 0;
  if (!rc)
    rc = proc_write(h->p, h->control + CTL(ctx), ctx, (size_t)len, e);
  if (!rc && reqlen)
    rc = proc_write(h->p, h->control + CTL(request), req, reqlen, e);
  if (!rc)
    rc = proc_write(h->p, h->control + CTL(error), "", 1, e);
  if (!rc) {
    uint32_t hdr[] = {op, c->state, 0, h->o.commit_timeout_ms,
                      (uint32_t)reqlen};
    _Static_assert(CTL(request_len) - CTL(op) == 16, "control layout");
    rc = proc_write(h->p, h->control + CTL(op), hdr, sizeof(hdr), e);
  }
  if (!rc)
    rc = put32(h, CTL(tool_pid), (uint32_t)getpid(), e);
  if (!rc)
    rc = put32(h, CTL(tid), (uint32_t)h->tid, e);
  if (!rc)
    rc = put32(h, CTL(writing), 0, e);
  if (!rc) {
    uint32_t mode[] = {h->o.stop_world     ? PULP_MODE_STOP
                       : h->o.per_function ? PULP_MODE_FUNCTION
                                           : PULP_MODE_SELF,
                       0};
    _Static_assert(CTL(self_committed) - CTL(mode) == 4, "control layout");
    rc = proc_write(h->p, h->control + CTL(mode), mode, sizeof(mode), e);
  }
  if (!rc) {
    uint64_t ms = now_ns() / 1000000;
    rc = proc_write(h->p, h->control + CTL(call_ms), &ms, sizeof(ms), e);
  }
  if (!rc)
    rc = arch_live_setup_call(h->tid, h->saved, c->entry, c->stack_top, e);
  /* CALLING last: a tool dying before this leaves a thread that either
   * never left its code or finds no call in the runtime and restores
   * itself, leaving the state alone. */
  if (!rc)
    rc = put32(h, CTL(state), PULP_RS_CALLING, e);
  if (rc) {
    struct pulp_err ignore;
    arch_live_restore(h->tid, h->saved, &ignore);
  }
  return rc;
}

/* The claim proper, once this tool excludes every other one (see
 * claim_and_call): the block must not have changed since our first look,
 * and one left in use by a dead tool is reset, unless the runtime still
 * runs on its last borrowed thread (in_runtime: that thread's PC is in the
 * runtime, the runtime aborts and restores it by itself: wait). */
static int claim_locked(struct hj *h, int in_runtime, uint32_t op,
                        const void *req, size_t reqlen, struct pulp_err *e)
{
  struct pulp_control c;
  int rc = proc_read(h->p, h->control, &c, CTL(error), e);

  if (rc == 0 && c.generation != h->generation)
    rc = err_set(e, -EBUSY,
                 "busy: another ulp (pid %u) operated on the process "
                 "meanwhile",
                 c.tool_pid);
  if (rc == 0 && c.state != PULP_RS_IDLE && in_runtime) {
    /* The tool that started it is gone (nothing traces that thread): say
     * what still runs and for how long, never that tool's pid. */
    uint64_t now = now_ns() / 1000000;
    unsigned s = c.call_ms && now >= c.call_ms
                     ? (unsigned)((now - c.call_ms + 500) / 1000)
                     : 0;
    /* ABORT: the tool that gave up said so; the load still runs. */
    if (c.state == PULP_RS_CALLING || c.state == PULP_RS_ABORT)
      rc = err_set(e, -EAGAIN,
                   "busy: the runtime is still loading a patch on thread %u "
                   "(for %u s: a constructor of the patch object may be "
                   "blocking it)",
                   c.tid, s);
    else
      rc = err_set(e, -EAGAIN,
                   "busy: the runtime is still finishing an operation on "
                   "thread %u (for %u s)",
                   c.tid, s);
  }
  if (rc == 0) {
    /* IDLE, or left over by a dead tool with nothing running it. */
    c.state = PULP_RS_IDLE;
    rc = put32(h, CTL(state), PULP_RS_IDLE, e);
    if (rc == 0)
      rc = put32(h, CTL(generation), c.generation + 1, e);
    if (rc == 0)
      rc = setup_call(h, &c, op, req, reqlen, e);
  }
  return rc;
}

/* "Another tracer holds a thread": busy when the block is in use, else two
 * tools crossing (-EAGAIN: retry). */
static int crossing(struct hj *h, struct pulp_err *e)
{
  uint32_t state = PULP_RS_IDLE;
  struct pulp_err ignore;
  char why[sizeof(e->msg)];

  snprintf(why, sizeof(why), "%s", e->msg);
  if (get32(h, CTL(state), &state, &ignore) == 0 && state != PULP_RS_IDLE)
    return err_set(e, -EBUSY, "busy: another ulp is driving its runtime (%s)",
                   why);
  return -EAGAIN;
}

/* Does a thread stopped at pc with stack pointer sp run for the runtime?
 * Its PC may be anywhere (a patch object's constructor, libc under
 * dlopen): its stack is the hijack stack whatever code it runs. */
static int runs_runtime(const struct hj *h, const struct pulp_control *c,
                        uint64_t pc, uint64_t sp)
{
  (void)c;
  return in_range(&h->runtime, pc) || in_range(&h->hstack, sp);
}

/* The claim with every thread stopped: used when the leader cannot be
 * seized (it exited: a zombie cannot be traced). A zombie leader still
 * traced by another tool is that tool's lock: it may be in its claim. */
static int claim_stopping_all(struct hj *h, uint32_t op, const void *req,
                              size_t reqlen, struct pulp_err *e)
{
  struct threads ts = {0};
  struct pulp_control c;
  int in_runtime = 0, tracer;
  int rc = threads_attach(h->p, &h->tid, 1, &ts, e);

  for (size_t i = 0; rc == 0 && i < ts.n; i++)
    if (ts.t[i].tid == h->tid) {
      ts.t[i].stopped = ts.t[i].hold = 1; /* by choose_thread */
      ts.t[i].pc = arch_live_pc(h->saved);
    }
  if (rc == 0)
    rc = threads_stop_all(h->p, &h->tid, 1, &ts, e);
  if (rc == 0 && (tracer = thread_tracer(h->p, h->p->pid)) &&
      tracer != getpid())
    rc = err_set(e, -EBUSY, "thread %d is already traced by pid %d", h->p->pid,
                 tracer);
  if (rc == -EBUSY)
    rc = crossing(h, e);
  if (rc == 0)
    rc = proc_read(h->p, h->control, &c, CTL(error), e);
  for (size_t i = 0; rc == 0 && i < ts.n; i++) {
    struct arch_live_thread *t;
    if (c.tid && ts.t[i].tid == (pid_t)c.tid && ts.t[i].tid != h->tid &&
        ts.t[i].stopped && arch_live_save(ts.t[i].tid, &t, e) == 0) {
      in_runtime = runs_runtime(h, &c, ts.t[i].pc, arch_live_sp(t));
      arch_live_free(t);
    }
  }
  if (rc == 0)
    rc = claim_locked(h, in_runtime, op, req, reqlen, e);
  for (size_t i = 0; i < ts.n; i++)
    if (ts.t[i].tid == h->tid)
      ts.t[i].hold = rc != 0; /* success: resumed into the runtime */
  threads_resume_all(&ts, 1);
  threads_release(&ts);
  return rc;
}

/* The lock on the leader: a helper thread seizes the group leader without
 * stopping it, and exits to let go (the kernel detaches the tracees of a
 * tracer thread that exits; PTRACE_DETACH would need the leader stopped). */
struct leader_lock {
  const struct proc *p;
  sem_t ready, release;
  int rc, want_pc; /* want_pc: stop the leader once and read its PC */
  uint64_t pc, sp;
  struct pulp_err e;
};

static void *leader_lock_main(void *arg)
{
  struct leader_lock *l = arg;

  l->rc = thread_seize(l->p, l->p->pid, &l->e);
  sem_post(&l->ready);
  while (l->rc == 0) {
    int group = 0;
    while (sem_wait(&l->release) && errno == EINTR)
      ;
    if (!l->want_pc)
      break;
    /* Only this thread may stop its tracee (still_in_runtime). */
    l->want_pc = 0;
    l->rc = thread_stop(l->p->pid, &group, &l->e);
    if (l->rc == 0) {
      struct arch_live_thread *t;
      l->rc = arch_live_save(l->p->pid, &t, &l->e);
      if (l->rc == 0) {
        l->pc = arch_live_pc(t);
        l->sp = arch_live_sp(t);
        arch_live_free(t);
      }
      thread_cont(l->p->pid, group);
    }
    sem_post(&l->ready);
  }
  return NULL;
}

/* Was the last borrowed thread (tid), left by a tool that is gone, still
 * in the runtime? Only that thread is stopped to look. */
static int still_in_runtime(struct hj *h, const struct pulp_control *c,
                            struct leader_lock *l, pid_t tid,
                            struct pulp_err *e)
{
  struct arch_live_thread *t;
  uint64_t pc = 0, sp = 0;
  int group = 0, rc;

  if (tid == h->p->pid) { /* the leader: our lock's thread traces it */
    l->want_pc = 1;
    sem_post(&l->release);
    while (sem_wait(&l->ready) && errno == EINTR)
      ;
    if (l->rc) {
      *e = l->e;
      return l->rc == -ESRCH ? 0 : l->rc;
    }
    return runs_runtime(h, c, l->pc, l->sp);
  }
  rc = thread_seize(h->p, tid, e);

  if (rc == -ESRCH)
    return 0;
  if (rc)
    return rc;
  rc = thread_stop(tid, &group, e);
  if (rc == 0) {
    rc = arch_live_save(tid, &t, e);
    if (rc == 0) {
      pc = arch_live_pc(t);
      sp = arch_live_sp(t);
      arch_live_free(t);
    }
    ptrace(PTRACE_DETACH, tid, 0, 0);
  }
  if (rc == -ESRCH)
    return 0;
  return rc ? rc : runs_runtime(h, c, pc, sp);
}

/* The exclusion between tools, in the target itself: the block is
 * claimed only while this tool traces the thread group leader, seized
 * without stopping it (or borrowed). A thread has one tracer at most, so
 * two tools never claim at once, whatever mount or pid namespace each
 * runs in, and a tool that dies releases the leader (the kernel detaches
 * it). No thread but the borrowed one is stopped. A block found in use
 * while its borrowed thread has no tracer is left over by a dead tool and
 * is taken over once the runtime no longer runs on that thread. A zombie
 * leader cannot be traced: then the claim stops every thread
 * (claim_stopping_all). Returns -EAGAIN when another tracer holds the
 * leader while the block is idle (two tools crossing): retry. On success
 * the borrowed thread runs the runtime; on failure it is still stopped
 * with its registers intact. */
static int claim_and_call(struct hj *h, uint32_t op, const void *req,
                          size_t reqlen, struct pulp_err *e)
{
  struct leader_lock l = {.p = h->p};
  struct pulp_control c;
  pthread_t th;
  int rc, in_runtime = 0;

  if (h->tid != h->p->pid) {
    char st = proc_thread_state(h->p, h->p->pid);
    if (st == 'Z' || st == 'X' || st == 0)
      return claim_stopping_all(h, op, req, reqlen, e);
    sem_init(&l.ready, 0, 0);
    sem_init(&l.release, 0, 0);
    if (pthread_create(&th, NULL, leader_lock_main, &l))
      return err_set(e, -EAGAIN, "cannot start a thread");
    while (sem_wait(&l.ready) && errno == EINTR)
      ;
    rc = l.rc;
    if (rc == -EBUSY || rc == -ESRCH) {
      if (rc == -ESRCH) /* the leader exited meanwhile: look again */
        err_set(&l.e, -EBUSY, "the leader exited");
      *e = l.e;
      rc = crossing(h, e);
    } else if (rc) {
      *e = l.e;
    }
    if (rc)
      goto out;
  }
  rc = proc_read(h->p, h->control, &c, CTL(error), e);
  if (rc == 0 && c.state != PULP_RS_IDLE && c.tid && (pid_t)c.tid != h->tid) {
    /* Our lock traces the leader: no other tool can. */
    int tracer =
        (pid_t)c.tid == h->p->pid ? 0 : thread_tracer(h->p, (pid_t)c.tid);
    if (tracer)
      rc = err_set(e, -EBUSY,
                   "busy: another ulp (pid %u) is driving its "
                   "runtime",
                   c.tool_pid);
    else
      in_runtime = still_in_runtime(h, &c, &l, (pid_t)c.tid, e);
    if (in_runtime < 0)
      rc = in_runtime;
  }
  if (rc == 0)
    rc = claim_locked(h, in_runtime, op, req, reqlen, e);
  if (rc == 0 && ptrace(PTRACE_CONT, h->tid, 0, 0))
    rc = err_sys(e, -errno, "thread %d: PTRACE_CONT", h->tid);
out:
  if (h->tid != h->p->pid) {
    l.want_pc = 0;
    sem_post(&l.release);
    pthread_join(th, NULL);
    sem_destroy(&l.ready);
    sem_destroy(&l.release);
  }
  return rc;
}

/* Gives back a borrowed thread that is stopped and unchanged. */
static void unborrow(struct hj *h)
{
  ptrace(PTRACE_DETACH, h->tid, 0, 0);
  arch_live_free(h->saved);
  h->saved = NULL;
  h->tid = 0;
}

/* The runtime committed the plan itself: record it and its switch
 * window (for bench/freeze). */
static void self_done(struct hj *h)
{
  struct pulp_err ignore;

  note_self_commit(h);
  if (proc_read(h->p, h->control + CTL(switch_ns), &h->st.switch_ns,
                sizeof(h->st.switch_ns), &ignore))
    h->st.switch_ns = 0;
}

static int call(struct hj *h, uint32_t op, const void *req, size_t reqlen,
                struct pulp_err *e)
{
  uint64_t until = now_ns() + (uint64_t)h->o.timeout_ms * 1000000ull;
  struct pulp_control c;
  uint32_t state;
  int32_t result;
  int rc;

  if (reqlen > PULP_REQUEST_MAX)
    return err_set(e, -E2BIG, "request of %zu bytes is too long", reqlen);
  rc = check_control(h, &c, e);
  if (rc)
    return rc;
  for (unsigned round = 0;; round++) {
    rc = choose_thread(h, e);
    if (rc)
      return rc;
    h->st.tid = h->tid;
    rc = claim_and_call(h, op, req, reqlen, e);
    if (rc == 0)
      break;
    unborrow(h);
    if (rc != -EAGAIN)
      return rc;
    if (now_ns() > until) {
      char why[sizeof(e->msg)]; /* err_set must not read what it writes */
      snprintf(why, sizeof(why), "%s",
               e->msg[0] ? e->msg : "busy: another tracer holds a thread");
      return err_set(e, -EBUSY, "%s", why);
    }
    /* Two tools crossing: random backoff, the other one wins. */
    sleep_us(1000u + (unsigned)(random() % (2000u << (round < 4 ? round : 4))));
    err_clear(e);
  }
  hook(h, HIJACK_AT_CALL);

  rc = wait_state(h, 1u << PULP_RS_PREPARED | 1u << PULP_RS_DONE, &state, e);
  if (rc == 0 && state == PULP_RS_DONE) {
    /* The runtime committed a single-switch plan itself (or failed). */
    uint32_t self = 0;
    struct pulp_err ignore;
    if (get32(h, CTL(self_committed), &self, &ignore) == 0 && self)
      self_done(h);
  }
  if (rc == 0 && state == PULP_RS_PREPARED) {
    hook(h, HIJACK_AT_PREPARED);
    rc = read_plan(h, e);
    if (rc == 0) {
      rc = commit(h, e);
      /* COMMIT is written: the patch took effect and the runtime reports
       * success whatever happens next (see hijack_run). */
      h->committed = rc == 0;
    } else {
      struct pulp_err ignore;
      int group;
      if (thread_stop(h->tid, &group, &ignore) == 0) {
        put32(h, CTL(state), PULP_RS_ABORT, &ignore);
        thread_cont(h->tid, group);
      }
    }
    {
      struct pulp_err werr;
      int wrc =
          wait_state(h, 1u << PULP_RS_DONE | 1u << PULP_RS_IDLE, &state, &werr);
      if (wrc && !rc) {
        rc = wrc == -ETIMEDOUT ? err_set(e, wrc,
                                         "the runtime did not finish within "
                                         "%u ms",
                                         h->o.timeout_ms)
                               : err_set(e, wrc, "%s", werr.msg);
      }
      if (wrc) {
        let_go(h);
        return rc;
      }
    }
  } else if (rc == -ETIMEDOUT) {
    struct pulp_err ignore;
    uint32_t now = 0;
    int group;
    /* Say ABORT while the thread is stopped: the runtime enters its own
     * commit only by a compare-and-swap from CALLING, so once this is
     * written nothing is applied after we report the failure. */
    if (thread_stop(h->tid, &group, &ignore) == 0) {
      if (get32(h, CTL(state), &now, &ignore) == 0 && now == PULP_RS_CALLING)
        put32(h, CTL(state), PULP_RS_ABORT, &ignore);
      thread_cont(h->tid, group);
    }
    if (now == PULP_RS_SELF || now == PULP_RS_DONE) {
      /* It was committing when we looked: wait for its result. */
      rc = wait_state(h, 1u << PULP_RS_DONE, &state, e);
      if (rc == 0) {
        uint32_t self = 0;
        if (get32(h, CTL(self_committed), &self, &ignore) == 0 && self)
          self_done(h);
        goto finished;
      }
    }
    let_go(h);
    return err_set(e, rc,
                   "the runtime did not answer within %u ms "
                   "(it aborts and restores the thread by itself)",
                   h->o.timeout_ms);
  } else if (rc) {
    let_go(h);
    return rc;
  }
finished:
  hook(h, HIJACK_AT_DONE);
  {
    int rrc = restore(h, rc ? &(struct pulp_err){0} : e);
    if (!rc)
      rc = rrc;
  }
  if (rc)
    return rc;
  rc = proc_read(h->p, h->control + CTL(result), &result, 4, e);
  if (rc)
    return rc;
  if (result < 0) {
    char msg[sizeof(c.error)];
    if (proc_read(h->p, h->control + CTL(error), msg, sizeof(msg), e))
      snprintf(msg, sizeof(msg), "error %d", result);
    msg[sizeof(msg) - 1] = '\0';
    return err_set(e, result, "%s", msg);
  }
  return 0;
}

/* Has the whole process exited (every thread a zombie, or gone)? A
 * zombie group leader alone is not an exit: its threads may live on. */
static int all_zombies(pid_t pid)
{
  struct proc q = {.pid = pid};
  struct pulp_err ignore;
  pid_t *tids;
  size_t n;
  int gone = 1;

  if (proc_threads(&q, &tids, &n, &ignore))
    return 1;
  for (size_t i = 0; i < n && gone; i++) {
    char st = proc_thread_state(&q, tids[i]);
    gone = st == 0 || st == 'Z' || st == 'X';
  }
  free(tids);
  return gone;
}

/* After a failure: the borrowed thread, still traced because the detach
 * failed under an exit that was killing it, waits in its exit stop
 * (PTRACE_O_TRACEEXIT) and holds the whole process back from exiting.
 * Note what the runtime had committed and let it go. Returns at once when
 * the thread is no longer ours. */
static void release_exit_stop(struct hj *h, pid_t tid)
{
  for (int i = 0; tid && i < 50; i++) {
    int status;
    pid_t r = waitpid(tid, &status, __WALL | WNOHANG);
    if (r < 0 || (r == tid && !WIFSTOPPED(status)))
      return; /* not our tracee any more, or gone */
    if (r == tid && thread_exit_stop(status)) {
      exiting(h, tid);
      return;
    }
    if (r == tid) /* any other stop: let it run on to its exit */
      ptrace(PTRACE_CONT, tid, 0, 0);
    sleep_us(1000);
  }
}

int hijack_phase_by_name(const char *name)
{
  static const char *const names[] = {"call", "prepared", "writing",
                                      "committed", "done"};

  for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
    if (!strcmp(name, names[i]))
      return i;
  return -1;
}

int hijack_process_gone(pid_t pid)
{
  /* A process being killed takes a moment to be all zombies: only error
   * paths ask, so waiting up to 200 ms for it costs nothing otherwise. */
  for (int i = 0; i < 20; i++) {
    if (all_zombies(pid))
      return 1;
    sleep_us(10000);
  }
  return 0;
}

int hijack_run(struct proc *p, const struct hijack_opts *opts, uint32_t op,
               const void *req, size_t reqlen, struct hijack_stats *stats,
               struct pulp_err *e)
{
  struct hj h = {.p = p};
  uint64_t t0 = now_ns();
  int rc;

  if (opts)
    h.o = *opts;
  if (!h.o.timeout_ms)
    h.o.timeout_ms = DEFAULT_TIMEOUT_MS;
  if (!h.o.commit_timeout_ms)
    h.o.commit_timeout_ms = DEFAULT_COMMIT_TIMEOUT_MS;
  if (!h.o.retries)
    h.o.retries = DEFAULT_RETRIES;
  srandom((unsigned)(getpid() ^ t0 ^ (t0 >> 32)));
  threads_set_stop_limit(h.o.timeout_ms / 2 < THREAD_STOP_MS
                             ? h.o.timeout_ms / 2
                             : THREAD_STOP_MS);
  /* Job control stops the tool only where no target thread is stopped
   * (threads.h): deferred from here on, except in wait_state. */
  threads_hold_job_control();
  rc = find_runtime(&h, e);
  if (rc == 0)
    rc = call(&h, op, req, reqlen, e);
  threads_release_job_control();
  if (rc && rc != -EBUSY)
    release_exit_stop(&h, h.st.tid);
  /* Success is what was committed, not what we could read afterwards;
   * any failure of a process that is gone is its exit (the errors met on
   * the way, from files and memory that vanished, would mislead). */
  if (rc && rc != -EBUSY && hijack_process_gone(p->pid)) {
    if (h.committed)
      rc = 0;
    else
      rc = err_set(e, -ESRCH, "process exited");
  }
  arch_live_free(h.saved);
  free(h.plan);
  h.st.total_ns = now_ns() - t0;
  if (stats)
    *stats = h.st;
  return rc;
}
