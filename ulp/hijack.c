/* The tool's side of the apply protocol (docs/apply-protocol.md). */
#define _GNU_SOURCE
#include "hijack.h"

#include <elf.h>
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

#include "core/arch_live.h"
#include "core/elf_file.h"
#include "core/plan.h"
#include "core/remote.h"
#include "threads.h"
#include "unsafe_code.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_COMMIT_TIMEOUT_MS 5000
#define DEFAULT_RETRIES 20
#define CHOOSE_ROUNDS 20
#define STALE_DONE_MS 500

#define CTL(field) offsetof(struct pulp_control, field)

/* Address ranges a borrowed thread must not be stopped in. */
struct range {
  uint64_t lo, hi;
};

struct hj {
  struct proc *p;
  struct hijack_opts o;
  uint64_t control; /* address of __pulp_control in the target */
  struct range runtime, ldso;
  struct unsafe_code unsafe; /* libc's allocator and loader entry points */
  pid_t tid; /* borrowed, seized, 0 before */
  struct arch_live_thread *saved;
  struct pulp_plan *plan;
  struct hijack_stats st;
};

static uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_us(unsigned us)
{
  struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};

  nanosleep(&ts, NULL);
}

static void hook(struct hj *h, enum hijack_phase ph)
{
  if (h->o.hook)
    h->o.hook(ph, h->o.hook_arg);
}

static int get32(struct hj *h, size_t off, uint32_t *v, struct pulp_err *e)
{
  return proc_read(h->p, h->control + off, v, sizeof(*v), e);
}

static int put32(struct hj *h, size_t off, uint32_t v, struct pulp_err *e)
{
  return proc_write(h->p, h->control + off, &v, sizeof(v), e);
}

static int in_range(const struct range *r, uint64_t a)
{
  return a >= r->lo && a < r->hi;
}

/* ld.so: the object mapped at the AT_BASE of the process's auxv. */
static void find_ldso(struct hj *h, const struct proc_map *maps, size_t n)
{
  char path[64];
  unsigned long av[2];
  uint64_t at_base = 0, base;
  int fd;

  snprintf(path, sizeof(path), "/proc/%d/auxv", h->p->pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  while (read(fd, av, sizeof(av)) == sizeof(av) && av[0] != AT_NULL)
    if (av[0] == AT_BASE)
      at_base = av[1];
  close(fd);
  for (size_t i = 0; i < n && at_base; i++)
    if (maps[i].start == at_base && maps[i].path[0] == '/') {
      proc_object_range(maps, n, maps[i].path, &base, &h->ldso.lo, &h->ldso.hi);
      return;
    }
}

/* Finds the runtime mapped in the target and its control block. */
static int find_runtime(struct hj *h, struct pulp_err *e)
{
  struct proc *p = h->p;
  struct proc_map *maps;
  const char *rt;
  uint64_t base;
  size_t n;
  int rc = proc_maps(p, &maps, &n, e);

  if (rc)
    return rc;
  rt = proc_find_mapped(maps, n, PULP_RUNTIME_NAME);
  if (!rt) {
    free(maps);
    return err_set(e, -ENOENT, "%s (pid %d) does not have libpulp.so loaded",
                   p->comm, p->pid);
  }
  proc_object_range(maps, n, rt, &base, &h->runtime.lo, &h->runtime.hi);
  find_ldso(h, maps, n);
  unsafe_code_load(p, maps, n, &h->unsafe);
  rc = proc_symbol(p, maps, n, rt, PULP_CONTROL_SYMBOL, &h->control, e);
  free(maps);
  if (rc)
    return err_ctx(e, "%s (pid %d): the runtime (not Pulp's?)", p->comm,
                   p->pid);
  return 0;
}

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
                     "%s (pid %d): runtime from another Pulp build "
                     "(control ABI %u, this tool %u)",
                     h->p->comm, h->p->pid, c->abi_version, PULP_CONTROL_ABI);
    if (!in_range(&h->runtime, c->entry) ||
        !in_range(&h->runtime, c->stack_top - 1))
      return err_set(e, -EPROTO, "%s (pid %d): runtime not initialised",
                     h->p->comm, h->p->pid);
    if (c->state == PULP_RS_IDLE)
      return 0;
    if (c->state != PULP_RS_DONE || !c->tool_pid ||
        kill((pid_t)c->tool_pid, 0) == 0 || errno != ESRCH)
      return err_set(e, -EBUSY,
                     "%s (pid %d): busy: another ulp (pid %u) is driving "
                     "its runtime",
                     h->p->comm, h->p->pid, c->tool_pid);
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

/* Is the stopped thread inside an rseq critical section? Borrowing it
 * would make the kernel forget the section (the PC it sees on the way out
 * is the trampoline's), and the thread would resume mid-section without
 * the abort rseq promises. */
static int in_rseq_section(struct hj *h, pid_t tid, uint64_t pc)
{
  struct {
    uint64_t rseq_abi_pointer;
    uint32_t rseq_abi_size, signature, flags, pad;
  } conf = {0};
  struct {
    uint32_t version, flags;
    uint64_t start_ip, post_commit_offset, abort_ip;
  } cs;
  struct pulp_err ignore;
  uint64_t cs_addr;

  if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, (void *)sizeof(conf), &conf) <=
          0 ||
      !conf.rseq_abi_pointer)
    return 0;
  /* struct rseq: cpu_id_start, cpu_id, then the rseq_cs pointer. */
  if (proc_read(h->p, conf.rseq_abi_pointer + 8, &cs_addr, 8, &ignore) ||
      !cs_addr)
    return 0;
  if (proc_read(h->p, cs_addr, &cs, sizeof(cs), &ignore))
    return 0;
  return pc >= cs.start_ip && pc - cs.start_ip < cs.post_commit_offset;
}

/* Seizes and stops tid and saves its state if it is safe to borrow.
 * Returns 1 when taken, 0 when busy (released again), or an error. */
static int try_thread(struct hj *h, pid_t tid, struct pulp_err *e)
{
  struct arch_live_thread *t;
  char st = proc_thread_state(h->p, tid);
  int rc, group = 0;
  uint64_t pc;

  if (st == 0 || st == 'Z' || st == 'X')
    return 0;
  if (st == 'T' || st == 't')
    return 0; /* job-stopped or traced: it would not run our call */
  rc = thread_seize(h->p, tid, e);
  if (rc == -ESRCH || (rc == -EBUSY && !h->o.tid))
    return 0;
  if (rc)
    return rc;
  rc = thread_stop(tid, &group, e);
  if (rc == -ESRCH)
    return 0;
  if (rc == 0 && group) {
    ptrace(PTRACE_DETACH, tid, 0, 0);
    return 0;
  }
  if (rc == 0)
    rc = arch_live_save(tid, &t, e);
  if (rc) {
    ptrace(PTRACE_DETACH, tid, 0, 0);
    return rc;
  }
  pc = arch_live_pc(t);
  if (in_range(&h->runtime, pc) || in_range(&h->ldso, pc) ||
      in_rseq_section(h, tid, pc) ||
      unsafe_code_find(h->p, &h->unsafe, pc, arch_live_sp(t))) {
    arch_live_free(t);
    ptrace(PTRACE_DETACH, tid, 0, 0);
    return 0;
  }
  h->tid = tid;
  h->saved = t;
  return 1;
}

/* Chooses the thread to borrow: --tid, or the first that is safe, with a
 * bounded backoff while every candidate is busy. */
static int choose_thread(struct hj *h, struct pulp_err *e)
{
  char st = proc_thread_state(h->p, h->p->pid);

  /* The leader's state is the process's job-control state. */
  if (st == 'T')
    return err_set(e, -EBUSY,
                   "%s (pid %d): no thread can be borrowed: the process is "
                   "stopped (job control)",
                   h->p->comm, h->p->pid);
  for (unsigned round = 0; round < CHOOSE_ROUNDS; round++) {
    pid_t *tids, one = h->o.tid;
    size_t n;
    int rc;

    if (one) {
      tids = &one;
      n = 1;
    } else {
      rc = proc_threads(h->p, &tids, &n, e);
      if (rc)
        return rc;
    }
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
      rc = try_thread(h, tids[i], e);
    if (!one)
      free(tids);
    if (rc < 0)
      return rc;
    if (rc == 1)
      return 0;
    if (one && proc_thread_state(h->p, one) == 0)
      return err_set(e, -ESRCH, "%s (pid %d): no thread %d", h->p->comm,
                     h->p->pid, one);
    sleep_us(1000u << (round < 6 ? round : 6));
  }
  if (h->o.tid)
    return err_set(e, -EBUSY,
                   "%s (pid %d): thread %d stays stopped or inside the "
                   "allocator, the loader or the runtime",
                   h->p->comm, h->p->pid, h->o.tid);
  return err_set(e, -EBUSY,
                 "%s (pid %d): no thread can be borrowed (all stopped or "
                 "inside the allocator, the loader or the runtime)",
                 h->p->comm, h->p->pid);
}

/* Handles a ptrace stop of the borrowed thread while it runs the runtime:
 * signals are blocked there, so only job control can stop it. */
static int reap_borrowed(struct hj *h, struct pulp_err *e)
{
  int status;

  while (waitpid(h->tid, &status, __WALL | WNOHANG) > 0) {
    if (!WIFSTOPPED(status))
      return err_set(e, -ESRCH, "%s (pid %d): process exited", h->p->comm,
                     h->p->pid);
    if (status >> 16 == PTRACE_EVENT_STOP) {
      ptrace(PTRACE_LISTEN, h->tid, 0, 0);
      return err_set(e, -EAGAIN,
                     "%s (pid %d): stopped by job control during the call "
                     "(its runtime aborts and restores the thread once it "
                     "continues)",
                     h->p->comm, h->p->pid);
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

static int read_plan(struct hj *h, struct pulp_err *e)
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
      return err_set(e, -ESTALE,
                     "%s (pid %d): code at %#llx changed under the patch",
                     h->p->comm, h->p->pid, (unsigned long long)w->addr);
  }
  return 0;
}

/* Decides COMMIT or ABORT, only while every thread (the borrowed one
 * included) is stopped: the runtime leaves PREPARED by one atomic CAS, so
 * its timeout and our decision cannot cross. */
static int commit(struct hj *h, struct pulp_err *e)
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
      rc = err_set(e, -ETIMEDOUT,
                   "%s (pid %d): the runtime gave up waiting for the commit",
                   h->p->comm, h->p->pid);
    for (size_t i = 0; rc == 0 && i < ts.n; i++)
      busy |= plan_pc_is_guarded(h->plan, ts.t[i].pc);
    if (rc == 0 && !busy)
      rc = plan_current(h, e);
    if (rc == 0 && busy && attempt + 1 >= h->o.retries)
      rc = err_set(e, -EBUSY,
                   "%s (pid %d): a thread kept executing the code to be "
                   "changed (%u attempts)",
                   h->p->comm, h->p->pid, attempt + 1);
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
        rc = wrc == -ETIMEDOUT
                 ? err_set(e, wrc,
                           "%s (pid %d): the runtime did not finish within "
                           "%u ms",
                           h->p->comm, h->p->pid, h->o.timeout_ms)
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
                   "%s (pid %d): the runtime did not answer within %u ms "
                   "(it aborts and restores the thread by itself)",
                   h->p->comm, h->p->pid, h->o.timeout_ms);
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
    return err_sys(e, -errno, "%s (pid %d): creating %s", p->comm, p->pid,
                   path);
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    int rc = errno == EWOULDBLOCK
                 ? err_set(e, -EBUSY,
                           "%s (pid %d): busy: another ulp is driving its "
                           "runtime",
                           p->comm, p->pid)
                 : err_sys(e, -errno, "%s (pid %d): locking %s", p->comm,
                           p->pid, path);
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
