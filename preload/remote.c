/* The runtime's side of `ulp trigger` (docs/apply-protocol.md): the tool
 * points one borrowed thread at the arch trampoline, which calls
 * pulp_remote_handle() here on the hijack stack with every signal blocked.
 * We build the plan (writing nothing), publish it, wait for the tool's
 * decision (taken while every thread is stopped), record the outcome and
 * park until the tool puts the thread back. If the tool disappears or
 * stalls, we abort and return, and the trampoline restores the thread
 * itself: the borrowed thread never executes a trap. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/arch_live.h"
#include "core/plan.h"
#include "core/control_abi.h"
#include "engine.h"
#include "gates.h"
#include "local_commit.h"

#define DEFAULT_TIMEOUT_MS 5000

static uint8_t hijack_stack[PULP_HIJACK_STACK] __attribute__((aligned(64)));

__attribute__((visibility("hidden"),
               aligned(64))) unsigned char pulp_arch_self_ctx[PULP_CTX_MAX];

__attribute__((visibility("default"))) struct pulp_control __pulp_control = {
    .magic = PULP_CONTROL_MAGIC,
    .abi_version = PULP_CONTROL_ABI,
    .state = PULP_RS_IDLE,
    .stack_top = (uint64_t)(uintptr_t)(hijack_stack + sizeof(hijack_stack)),
    .entry = (uint64_t)(uintptr_t)pulp_arch_remote_entry,
};

/* The membarrier command that makes every other thread of the process
 * execute a core-serialising instruction before it runs user code again
 * (registered at load; 0: unsupported, the tool commits instead). */
static int sync_cmd;

/* PULP_OP_PING prepares this: nothing to write. */
static struct pulp_plan empty_plan;

__attribute__((visibility("hidden"))) void pulp_remote_handle(void);

static uint32_t load_state(void)
{
  return __atomic_load_n(&__pulp_control.state, __ATOMIC_SEQ_CST);
}

static void store_state(uint32_t s)
{
  __atomic_store_n(&__pulp_control.state, s, __ATOMIC_SEQ_CST);
}

static int cas_state(uint32_t from, uint32_t to)
{
  return __atomic_compare_exchange_n(&__pulp_control.state, &from, to, 0,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(void)
{
  return now_ns() / 1000000;
}

/* Sleeps in rt_sigtimedwait on an empty set: it consumes no signal, and
 * when the tool's PTRACE_INTERRUPT (the commit's stop) hits it, it returns
 * EINTR at once instead of restarting, so the decision is seen without
 * delay. Unlike nanosleep and clock_nanosleep it never touches the thread's
 * restart_block, which may still hold the state of the system call the
 * thread was in when it was borrowed: never call those on this thread. */
static void nap(unsigned iter)
{
  struct timespec ts = {0, iter < 16 ? 100000 : 1000000};
  uint64_t none = 0;

  syscall(SYS_rt_sigtimedwait, &none, NULL, &ts, sizeof(none));
}

/* The tool traces the borrowed thread from the hijack until it has put it
 * back; TracerPid 0 means it died (or gave up and detached). */
static int tool_gone(void)
{
  char buf[1024];
  const char *p;
  ssize_t n;
  int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return 0; /* cannot tell: rely on the timeouts */
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  p = strstr(buf, "TracerPid:");
  return p && atoi(p + 10) == 0;
}

/* A tool that died during its commit may have written part of the plan:
 * put the old bytes back where they differ, last write first, one store
 * each (what the in-process API does while other threads run). */
static void undo_partial(const struct pulp_plan *plan)
{
  int fd = -1;

  for (uint32_t i = plan->nwrites; i-- > 0;) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (!memcmp((const void *)(uintptr_t)w->addr, w->old, w->len))
      continue;
    if (fd < 0)
      fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd < 0 || pwrite(fd, w->old, w->len, (off_t)w->addr) != w->len)
      rt_log("remote: could not undo the write at %#llx",
             (unsigned long long)w->addr);
  }
  if (fd >= 0)
    close(fd);
}

/* Whether this thread may commit the plan alone in mode (PULP_MODE_*):
 * one switch point in either self mode; with PULP_MODE_FUNCTION also one
 * per function (docs/apply-protocol.md, "Consistency modes"). A plan
 * with a plain write qualifies in no mode. */
static int self_qualifies(const struct pulp_plan *plan, uint32_t mode)
{
  if (plan_is_single_switch(plan))
    return 1;
  return mode == PULP_MODE_FUNCTION && plan_is_per_function(plan);
}

/* Commits a plan from this thread while the others run
 * (docs/apply-protocol.md, "Committing without stopping"): the unreached
 * writes first (pre-areas), then a membarrier so that every other CPU
 * serialises after them and before it can see a switch (the executing
 * side of the cross-modifying-code rule: no stale prefetch of a pre-area
 * or of an s390x brcl offset survives), then the switches in plan order,
 * each a single aligned store (one for a single-switch plan, one per
 * function in PULP_MODE_FUNCTION), then a membarrier so that no other
 * thread executes a stale copy of the changed bytes after we report
 * success. *switch_ns gets the time from the first switch store to the
 * last. Returns 1 when committed, 0 when the tool must commit instead
 * (nothing written: the plan does not qualify, stores to code denied,
 * e.g. MemoryDenyWriteExecute, or no membarrier), or a negative errno
 * (everything written undone). */
static int self_commit(const struct pulp_plan *plan, uint32_t mode,
                       uint64_t *switch_ns, struct pulp_err *e)
{
  uint32_t n;
  struct pulp_err ignore;
  uint64_t t0;
  int rc, pre = 0;

  *switch_ns = 0;
  if (!sync_cmd || !self_qualifies(plan, mode))
    return 0;
  if (!plan->nwrites)
    return 1;
  rc = local_plan_current(plan, e);
  if (rc) {
    e->code = -ESTALE; /* as the tool reports it */
    return -ESTALE;
  }
  /* Every page writable first, so that the switches follow each other
   * with no system call between them (the per-function window). */
  if (local_prot(plan, 1, e)) {
    local_prot(plan, 0, &ignore);
    err_clear(e);
    return 0; /* not allowed to store: the tool writes through its mem */
  }
  for (uint32_t i = 0; i < plan->nwrites; i++)
    pre |= !!(plan->writes[i].flags & PULP_PW_UNREACHED);
  local_write(plan, 0, LOCAL_UNREACHED | LOCAL_STORE_ONLY, &n, &ignore);
  if (pre && syscall(SYS_membarrier, sync_cmd, 0, 0))
    rc = err_sys(e, -errno, "membarrier");
  t0 = now_ns();
  if (rc == 0)
    local_write(plan, 0, LOCAL_REACHED | LOCAL_STORE_ONLY, &n, &ignore);
  *switch_ns = now_ns() - t0;
  if (rc == 0)
    rc = local_prot(plan, 0, e);
  if (rc) {
    /* Still writable where the failed mprotect did not reach: put every
     * old byte back, last write first, then protect what we can. */
    local_prot(plan, 1, &ignore);
    local_write(plan, 1, LOCAL_ALL | LOCAL_STORE_ONLY, &n, &ignore);
    local_prot(plan, 0, &ignore);
    return rc;
  }
  if (syscall(SYS_membarrier, sync_cmd, 0, 0))
    rt_log("remote: membarrier failed (%d)", errno);
  return 1;
}

/* Weak: the hijack tests link this file with a stand-in engine and no
 * gates.c (tests/integration/hijack); there the plan is never gated. */
extern __typeof__(gates_commit) gates_commit __attribute__((weak));

/* self_commit in per-function mode, for the gates' plans A and C. */
static int gate_step(const struct pulp_plan *plan, uint64_t *ns,
                     struct pulp_err *e)
{
  return self_commit(plan, PULP_MODE_FUNCTION, ns, e);
}

/* The gated operation is committed from its instant on: say so at once,
 * for a tool that finds the process gone before DONE (a thread that exits
 * as soon as it sees the new code). */
static void gate_instant(void)
{
  __atomic_store_n(&__pulp_control.self_committed, 1, __ATOMIC_SEQ_CST);
}

/* The default per-patch mode with a plan of several switches: where the
 * backend has gates and the plan could be committed one function at a
 * time, commit it at one instant through the gates (gates.c) instead of
 * asking the tool to stop every thread. Same returns as self_commit. A
 * plan with a plain write (a RAW pad) never gets here. */
static int gated_commit(const struct pulp_plan *plan, uint32_t mode,
                        uint64_t *switch_ns, struct pulp_err *e)
{
  *switch_ns = 0;
  if (!sync_cmd || mode != PULP_MODE_SELF || plan_is_single_switch(plan) ||
      !plan_is_per_function(plan) || !gates_commit)
    return 0;
  return gates_commit(gate_step, gate_instant, e);
}

/* After the tool wrote the plan through /proc/PID/mem, stores the same
 * bytes again from this thread, through the process's own mapping. The
 * code is already right, so this changes nothing on hardware (the tool's
 * writes are visible once each stopped thread resumes); but an emulator
 * that caches translated code may miss a write the kernel made into a page
 * it has already translated (seen with QEMU's s390x TCG: a function called
 * before the commit kept running its old code until the process stored
 * into the page itself). Best effort: where stores to code are denied
 * (MemoryDenyWriteExecute) the tool's write stands alone. */
static void restore_through_own_mapping(const struct pulp_plan *plan)
{
  struct pulp_err ignore;
  uint32_t n;

  /* Only bytes the tool has already written: nothing new is stored. */
  if (plan->nwrites && local_plan_written(plan) && local_plan_in_code(plan))
    local_write(plan, 0, LOCAL_ALL, &n, &ignore);
}

/* Waits in PREPARED for the tool's COMMIT or ABORT. The tool decides only
 * while this thread is stopped, and we leave PREPARED only by one atomic
 * compare-and-swap, so a commit and our timeout cannot both happen.
 * Returns 1 when committed. */
static int wait_decision(uint32_t timeout_ms, struct pulp_err *e)
{
  uint64_t deadline = now_ms() + timeout_ms;

  for (unsigned i = 0;; i++) {
    uint32_t s = load_state();
    int gone;
    if (s == PULP_RS_COMMIT)
      return 1;
    if (s == PULP_RS_ABORT) {
      err_set(e, -ECANCELED, "aborted by the tool");
      return 0;
    }
    if (s != PULP_RS_PREPARED) {
      err_set(e, -EPROTO, "control block in unexpected state %u", s);
      return 0;
    }
    /* `writing` is set only while every thread is stopped, and a live
     * tool writes COMMIT, or clears it before ABORT, before this thread
     * runs again: set in PREPARED, the tool died mid-commit and the
     * other threads already run the half-written plan. Undo at once, not
     * at the next look at TracerPid (issue 7, item 11). */
    gone = __atomic_load_n(&__pulp_control.writing, __ATOMIC_SEQ_CST) ||
           ((i & 15) == 15 && tool_gone());
    if (gone || now_ms() >= deadline) {
      if (cas_state(PULP_RS_PREPARED, PULP_RS_ABORT)) {
        if (gone)
          err_set(e, -ECANCELED, "the tool disappeared before committing");
        else
          err_set(e, -ETIMEDOUT, "no commit within %u ms", timeout_ms);
        return 0;
      }
      continue; /* the tool decided meanwhile */
    }
    nap(i);
  }
}

/* Parks the finished thread until the tool restores it (then this never
 * returns); returns when the thread must restore itself. */
static void park(uint32_t timeout_ms)
{
  uint64_t deadline = now_ms() + timeout_ms;

  for (unsigned i = 0;; i++) {
    if (((i & 15) == 15 && tool_gone()) || now_ms() >= deadline)
      return;
    nap(i);
  }
}

void pulp_remote_handle(void)
{
  struct pulp_control *c = &__pulp_control;
  uint32_t timeout =
      c->commit_timeout_ms ? c->commit_timeout_ms : DEFAULT_TIMEOUT_MS;
  struct pulp_plan *plan = NULL;
  struct pulp_err e;
  int rc, held = 0, committed = 0;

  err_clear(&e);
  if (load_state() != PULP_RS_CALLING) {
    rc = err_set(&e, -EPROTO, "entered without a call");
    goto done;
  }
  if (c->request_len > PULP_REQUEST_MAX) {
    rc = err_set(&e, -EINVAL, "request too long");
    goto done;
  }
  if (c->op == PULP_OP_PING) {
    plan = &empty_plan;
    rc = 0;
  } else {
    rc = engine_prepare(c->op | PULP_ENGINE_STOPS_WORLD, c->request,
                        c->request_len, &plan, &e);
    held = rc == 0;
  }
  if (rc)
    goto done;
  c->switch_ns = 0;
  if (c->mode == PULP_MODE_SELF || c->mode == PULP_MODE_FUNCTION) {
    uint64_t window;
    int self;
    /* A tool that gave up (its timeout, e.g. behind a constructor that
     * blocked) wrote ABORT: it reported a failure, so nothing may be
     * committed after it. */
    if (!cas_state(PULP_RS_CALLING, PULP_RS_SELF)) {
      rc = err_set(&e, -ECANCELED, "aborted by the tool");
      if (held)
        engine_finish(0);
      goto done;
    }
    self = gated_commit(plan, c->mode, &window, &e);
    if (!self)
      self = self_commit(plan, c->mode, &window, &e);
    if (self) {
      c->switch_ns = window;
      committed = self > 0;
      rc = self < 0 ? self : 0;
      c->self_committed = (uint32_t)committed;
      if (held)
        engine_finish(committed);
      goto done;
    }
  }
  c->plan_addr = (uint64_t)(uintptr_t)plan;
  if (!cas_state(PULP_RS_CALLING, PULP_RS_PREPARED) &&
      !cas_state(PULP_RS_SELF, PULP_RS_PREPARED)) {
    rc = err_set(&e, -ECANCELED, "aborted by the tool");
    if (held)
      engine_finish(0);
    goto done;
  }
  committed = wait_decision(timeout, &e);
  if (committed)
    restore_through_own_mapping(plan);
  if (!committed) {
    /* Set only when the tool died between its first write and COMMIT: a
     * live tool undoes its own writes before ABORT, and writes nothing
     * once we have aborted. */
    if (__atomic_load_n(&c->writing, __ATOMIC_SEQ_CST))
      undo_partial(plan);
    rc = e.code;
  }
  if (held)
    engine_finish(committed);
done:
  c->result = rc;
  snprintf(c->error, sizeof(c->error), "%s", rc ? e.msg : "");
  store_state(PULP_RS_DONE);
  park(timeout);
  /* Copy the context before releasing the block: a new tool may reuse it
   * as soon as it reads IDLE. */
  memcpy(pulp_arch_self_ctx, c->ctx, PULP_CTX_MAX);
  if (!cas_state(PULP_RS_DONE, PULP_RS_IDLE))
    rt_log("remote: control block changed under a self-restore");
}

/* fork() while a trigger is in flight (docs/apply-protocol.md, "fork"):
 * between CALLING and DONE the engine's lock is held by the borrowed
 * thread and, after COMMIT, the code is patched while the published state
 * is not yet updated. A child forked then would inherit a lock nobody
 * releases and a state that disagrees with its code. So fork waits here,
 * in the parent, until the operation has finished (bounded: the runtime's
 * own waits are bounded by the commit timeout; a prepare that never ends
 * is given up on after FORK_WAIT_MS and the child is reset anyway). */
#define FORK_WAIT_MS 30000

static int in_flight(uint32_t s)
{
  return s == PULP_RS_CALLING || s == PULP_RS_PREPARED || s == PULP_RS_COMMIT ||
         s == PULP_RS_ABORT || s == PULP_RS_SELF;
}

static void fork_prepare(void)
{
  uint64_t deadline = now_ms() + FORK_WAIT_MS;
  struct timespec ts = {0, 200000};

  while (in_flight(load_state()) && now_ms() < deadline)
    nanosleep(&ts, NULL); /* never the borrowed thread: it runs no fork */
}

/* The child is a new process that no tool has touched: its block is free
 * (the borrowed thread, if any, was not copied). */
static void fork_child(void)
{
  struct pulp_control *c = &__pulp_control;

  if (load_state() != PULP_RS_IDLE) {
    c->tid = 0;
    c->tool_pid = 0;
    __atomic_store_n(&c->writing, 0, __ATOMIC_SEQ_CST);
    store_state(PULP_RS_IDLE);
  }
}

__attribute__((constructor)) static void remote_init(void)
{
  pthread_atfork(fork_prepare, NULL, fork_child);
  /* Registered now, while the process is most likely single-threaded
   * (the kernel then skips a grace period); SYNC_CORE is what makes
   * other threads refetch changed code on x86_64 (an interrupt may return
   * without serialising) and it is what ppc64le needs after icbi. */
  if (syscall(SYS_membarrier,
              MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0)
    sync_cmd = MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE;
  /* A kernel without SYNC_CORE here (s390x on Linux 6.1): the plain
   * command, where the backend says it serialises as well. */
  else if (arch_live_plain_membarrier_serialises() &&
           syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0,
                   0) == 0)
    sync_cmd = MEMBARRIER_CMD_PRIVATE_EXPEDITED;
}
