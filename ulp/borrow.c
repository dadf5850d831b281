/* Which thread of the target to borrow, and where the runtime is
 * (docs/apply-protocol.md, "Choosing a thread"). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hijack_internal.h"
#include "threads.h"

/* ld.so: the object mapped at the AT_BASE of the process's auxv. */
static void find_ldso(struct hj *h, const struct proc_map *maps, size_t n)
{
  char path[64];
  unsigned long av[128][2]; /* the kernel writes fewer (AT_VECTOR_SIZE) */
  uint64_t at_base = 0, base;
  ssize_t len;
  int fd;

  snprintf(path, sizeof(path), "%s/auxv", h->p->dir);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  len = read(fd, av, sizeof(av)); /* one read: a fleet reads it 1000 times */
  close(fd);
  for (ssize_t i = 0; i < len / (ssize_t)sizeof(av[0]) && av[i][0] != AT_NULL;
       i++)
    if (av[i][0] == AT_BASE)
      at_base = av[i][1];
  for (size_t i = 0; i < n && at_base; i++)
    if (maps[i].start == at_base && maps[i].path[0] == '/') {
      proc_object_range(maps, n, maps[i].path, &base, &h->ldso.lo, &h->ldso.hi);
      return;
    }
}

/* Finds the runtime mapped in the target and its control block. */
int find_runtime(struct hj *h, struct pulp_err *e)
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
    return err_set(e, -ENOENT, "does not have libpulp.so loaded");
  }
  proc_object_range(maps, n, rt, &base, &h->runtime.lo, &h->runtime.hi);
  find_ldso(h, maps, n);
  unsafe_code_load(p, maps, n, &h->unsafe);
  /* The loader's own code on the chain (dlopen's insides, the TLS slow
   * path) holds its locks as well. */
  unsafe_code_add(&h->unsafe, h->ldso.lo, h->ldso.hi, "the loader");
  rc = proc_symbol(p, maps, n, rt, PULP_CONTROL_SYMBOL, &h->control, e);
  free(maps);
  if (rc)
    return err_ctx(e, "the runtime (not Pulp's?)");
  return 0;
}

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
  /* The borrowed thread reports the process's exit while its memory is
   * still there (PTRACE_EVENT_EXIT), so that a process that exits right
   * after the runtime committed by itself is told apart from one that
   * died before (ulp/hijack.c, reap_borrowed). Seccomp is suspended only
   * on it (a stopped tracee): every other thread, the main thread we
   * hold as the lock included, stays filtered. */
  if (rc == 0 &&
      ptrace(PTRACE_SETOPTIONS, tid, 0,
             PTRACE_O_TRACEEXIT |
                 (h->o.suspend_seccomp ? PTRACE_O_SUSPEND_SECCOMP : 0)) < 0)
    rc = errno == EPERM
             ? err_set(e, -EPERM,
                       "--disable-seccomp needs CAP_SYS_ADMIN (and a tool "
                       "without a seccomp filter of its own)")
             : err_sys(e, -errno, "thread %d: PTRACE_O_SUSPEND_SECCOMP", tid);
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
  /* On the hijack stack, the thread runs for the runtime (a patch
   * constructor, its waits in libc): borrowing it would reuse that stack
   * under the frames it returns to. */
  if (in_range(&h->runtime, pc) || in_range(&h->ldso, pc) ||
      in_range(&h->hstack, arch_live_sp(t)) || in_rseq_section(h, tid, pc) ||
      unsafe_code_find(h->p, &h->unsafe, tid, pc, arch_live_link_reg(t),
                       arch_live_sp(t))) {
    arch_live_free(t);
    ptrace(PTRACE_DETACH, tid, 0, 0);
    return 0;
  }
  h->tid = tid;
  h->saved = t;
  return 1;
}

static int choose(struct hj *h, struct pulp_err *e);

/* Is tid blocked in a system call the kernel never restarts after a
 * stop (it returns EINTR to the program)? Borrowing such a thread makes
 * that call fail with EINTR; another thread is preferred (docs/
 * apply-protocol.md, "Which threads may see EINTR"). Read from
 * /proc/PID/task/TID/syscall without stopping it. */
static int in_unrestarted_call(const struct hj *h, pid_t tid)
{
  static const long nrs[] = {
#ifdef SYS_epoll_wait
      SYS_epoll_wait,
#endif
#ifdef SYS_epoll_pwait
      SYS_epoll_pwait,
#endif
#ifdef SYS_epoll_pwait2
      SYS_epoll_pwait2,
#endif
#ifdef SYS_semop
      SYS_semop,
#endif
#ifdef SYS_semtimedop
      SYS_semtimedop,
#endif
#ifdef SYS_io_uring_enter
      SYS_io_uring_enter,
#endif
#ifdef SYS_io_getevents
      SYS_io_getevents,
#endif
#ifdef SYS_rt_sigtimedwait
      SYS_rt_sigtimedwait,
#endif
      -1};
  char path[96], buf[64];
  long nr;
  ssize_t n;
  int fd;

  snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", h->p->pid, tid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  if (sscanf(buf, "%ld", &nr) != 1 || nr < 0)
    return 0; /* running, or not in a system call */
  for (size_t i = 0; nrs[i] >= 0; i++)
    if (nrs[i] == nr)
      return 1;
  return 0;
}

/* Chooses the thread to borrow: --tid, or the first that is safe, with a
 * bounded backoff while every candidate is busy. The unwinding session
 * lives as long as the choice. */
int choose_thread(struct hj *h, struct pulp_err *e)
{
  int rc = choose(h, e);

  unsafe_code_release(&h->unsafe);
  return rc;
}

/* The command name of process pid ("?" when unknown). */
static void tracer_comm(pid_t pid, char *comm, size_t max)
{
  char path[64];
  FILE *f;

  snprintf(path, sizeof(path), "/proc/%d/comm", pid);
  if ((f = fopen(path, "re"))) {
    if (fgets(comm, (int)max, f))
      comm[strcspn(comm, "\n")] = '\0';
    fclose(f);
  }
}

static int choose(struct hj *h, struct pulp_err *e)
{
  char st = proc_thread_state(h->p, h->p->pid), comm[64] = "?";
  int tracer;

  /* The leader's state is the process's job-control state. */
  if (st == 'T')
    return err_set(e, -EBUSY,
                   "no thread can be borrowed: the process is "
                   "stopped (job control): resume it with kill -CONT %d",
                   h->p->pid);
  /* A debugger or tracer (gdb, strace) on the leader keeps every tool
   * out for as long as it stays: say who, at once. Another tool like
   * this one holds it only for its claim (milliseconds): that is retried
   * and reported as busy. */
  tracer = thread_tracer(h->p, h->p->pid);
  if (tracer && tracer != getpid() &&
      (tracer_comm(tracer, comm, sizeof(comm)),
       strncmp(comm, program_invocation_short_name, 15)))
    return err_set(e, -EBUSY,
                   "traced by %d (%s): ulp needs ptrace, and a process has "
                   "one tracer; detach it first",
                   tracer, comm);
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
    /* First the threads a stop does not make fail with EINTR. */
    for (int pass = one ? 1 : 0; pass < 2 && rc == 0; pass++)
      for (size_t i = 0; i < n && rc == 0; i++)
        if (one || in_unrestarted_call(h, tids[i]) == pass)
          rc = try_thread(h, tids[i], e);
    if (!one)
      free(tids);
    if (rc < 0)
      return rc;
    if (rc == 1)
      return 0;
    if (one && proc_thread_state(h->p, one) == 0)
      return err_set(e, -ESRCH, "no thread %d", one);
    sleep_us(1000u << (round < 6 ? round : 6));
  }
  if (h->o.tid)
    return err_set(e, -EBUSY,
                   "thread %d stays stopped or inside the "
                   "allocator, the loader or the runtime",
                   h->o.tid);
  return err_set(e, -EBUSY,
                 "no thread can be borrowed (all stopped or "
                 "inside the allocator, the loader or the runtime)");
}
