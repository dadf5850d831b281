/* The tool's side of the apply protocol (docs/apply-protocol.md): the
 * call into the runtime on a borrowed thread, the waits, the restore. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hijack_internal.h"
#include "threads.h"

/* Checks the control block is ours and free; reclaims one left in DONE by
 * a tool that died after restoring its thread. */
static int check_control(struct hj *h, struct pulp_control *c,
                         struct pulp_err *e)
{
  uint64_t until = now_ns() + STALE_DONE_MS * 1000000ull;
  int rc;

  for (;;) {
    rc = proc_read(h->p, h->control, c, CTL(error), e);
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
    if (c->state == PULP_RS_IDLE)
      return 0;
    if (c->state != PULP_RS_DONE || !c->tool_pid ||
        kill((pid_t)c->tool_pid, 0) == 0 || errno != ESRCH)
      return err_set(e, -EBUSY,
                     "busy: another ulp (pid %u) is driving "
                     "its runtime",
                     c->tool_pid);
    /* DONE with a dead tool: a parked thread restores itself within
     * milliseconds; a block still DONE afterwards is stale. */
    if (now_ns() > until)
      return put32(h, CTL(state), PULP_RS_IDLE, e);
    sleep_us(10000);
  }
}

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

/* Handles a ptrace stop of the borrowed thread while it runs the runtime:
 * signals are blocked there, so only job control can stop it. */
static int reap_borrowed(struct hj *h, struct pulp_err *e)
{
  int status;

  while (waitpid(h->tid, &status, __WALL | WNOHANG) > 0) {
    if (!WIFSTOPPED(status))
      return err_set(e, -ESRCH, "process exited");
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

/* Polls the state until it is one of want (bitmask of 1 << state). */
static int wait_state(struct hj *h, unsigned want, uint32_t *state,
                      struct pulp_err *e)
{
  uint64_t until = now_ns() + (uint64_t)h->o.timeout_ms * 1000000ull;

  for (unsigned i = 0;; i++) {
    int rc = get32(h, CTL(state), state, e);
    if (rc)
      return rc;
    if (want & (1u << *state))
      return 0;
    if (now_ns() > until)
      return -ETIMEDOUT;
    rc = reap_borrowed(h, e);
    if (rc)
      return rc;
    sleep_us(i < 100 ? 20 : 500);
  }
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

static int call(struct hj *h, uint32_t op, const void *req, size_t reqlen,
                struct pulp_err *e)
{
  static uint8_t ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
  struct pulp_control c;
  uint32_t state;
  int32_t result;
  long len;
  int rc;

  if (reqlen > PULP_REQUEST_MAX)
    return err_set(e, -E2BIG, "request of %zu bytes is too long", reqlen);
  rc = check_control(h, &c, e);
  if (rc)
    return rc;
  rc = choose_thread(h, e);
  if (rc)
    return rc;
  h->st.tid = h->tid;
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
    uint32_t hdr[] = {op, PULP_RS_IDLE, 0, h->o.commit_timeout_ms,
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
  if (!rc)
    rc = arch_live_setup_call(h->tid, h->saved, c.entry, c.stack_top, e);
  /* CALLING last: a tool dying before this leaves a thread that either
   * never left its code or finds no call in the runtime and restores
   * itself; never a block stuck in CALLING. */
  if (!rc)
    rc = put32(h, CTL(state), PULP_RS_CALLING, e);
  if (rc) {
    struct pulp_err ignore;
    arch_live_restore(h->tid, h->saved, &ignore);
    put32(h, CTL(state), PULP_RS_IDLE, &ignore);
    ptrace(PTRACE_DETACH, h->tid, 0, 0);
    h->tid = 0;
    return rc;
  }
  if (ptrace(PTRACE_CONT, h->tid, 0, 0) < 0) {
    rc = err_sys(e, -errno, "thread %d: PTRACE_CONT", h->tid);
    let_go(h);
    return rc;
  }
  hook(h, HIJACK_AT_CALL);

  rc = wait_state(h, 1u << PULP_RS_PREPARED | 1u << PULP_RS_DONE, &state, e);
  if (rc == 0 && state == PULP_RS_PREPARED) {
    hook(h, HIJACK_AT_PREPARED);
    rc = read_plan(h, e);
    if (rc == 0)
      rc = commit(h, e);
    else {
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
    let_go(h);
    return err_set(e, rc,
                   "the runtime did not answer within %u ms "
                   "(it aborts and restores the thread by itself)",
                   h->o.timeout_ms);
  } else if (rc) {
    let_go(h);
    return rc;
  }
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

/* One tool at a time per process: an advisory lock on a file named after
 * the pid (the control block cannot be claimed atomically from outside). */
static int lock_target(const struct proc *p, struct pulp_err *e)
{
  const char *dir = access("/run/lock", W_OK) == 0 ? "/run/lock" : "/tmp";
  char path[64];
  int fd;

  snprintf(path, sizeof(path), "%s/pulp-%d.lock", dir, (int)p->pid);
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return err_sys(e, -errno, "creating %s", path);
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    int rc = errno == EWOULDBLOCK ? err_set(e, -EBUSY,
                                            "busy: another ulp is driving its "
                                            "runtime")
                                  : err_sys(e, -errno, "locking %s", path);
    close(fd);
    return rc;
  }
  return fd;
}

static void unlock_target(const struct proc *p, int fd)
{
  char path[64];

  snprintf(path, sizeof(path), "%s/pulp-%d.lock",
           access("/run/lock", W_OK) == 0 ? "/run/lock" : "/tmp", (int)p->pid);
  unlink(path);
  close(fd);
}

int hijack_run(struct proc *p, const struct hijack_opts *opts, uint32_t op,
               const void *req, size_t reqlen, struct hijack_stats *stats,
               struct pulp_err *e)
{
  struct hj h = {.p = p};
  uint64_t t0 = now_ns();
  int rc, lock = -1;

  if (opts)
    h.o = *opts;
  if (!h.o.timeout_ms)
    h.o.timeout_ms = DEFAULT_TIMEOUT_MS;
  if (!h.o.commit_timeout_ms)
    h.o.commit_timeout_ms = DEFAULT_COMMIT_TIMEOUT_MS;
  if (!h.o.retries)
    h.o.retries = DEFAULT_RETRIES;
  rc = find_runtime(&h, e);
  if (rc == 0)
    rc = lock = lock_target(p, e);
  if (rc >= 0 && lock >= 0) {
    rc = call(&h, op, req, reqlen, e);
    unlock_target(p, lock);
  }
  arch_live_free(h.saved);
  free(h.plan);
  h.st.total_ns = now_ns() - t0;
  if (stats)
    *stats = h.st;
  return rc;
}
