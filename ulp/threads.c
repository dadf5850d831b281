/* Stop-the-world over ptrace for the commit of a plan. */
#define _GNU_SOURCE
#include "threads.h"

#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "core/arch_live.h"

#define STOP_ROUNDS 100

static unsigned stop_limit_ms = THREAD_STOP_MS;

/* The TracerPid of thread tid of p (0: none, or not visible from here). */
int thread_tracer(const struct proc *p, pid_t tid)
{
  char path[64], buf[4096], *s;
  ssize_t n;
  int fd;

  snprintf(path, sizeof(path), "/proc/%d/task/%d/status", p->pid, tid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    return 0;
  n = read(fd, buf, sizeof(buf) - 1); /* one read: it is ~1.5 KiB */
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  s = strstr(buf, "\nTracerPid:");
  return s ? atoi(s + 11) : 0;
}

/* The holds and the stop signal kept meanwhile (0: none). */
static int jc_depth, jc_pending;
static pthread_once_t jc_once = PTHREAD_ONCE_INIT;
static const int jc_sigs[] = {SIGTSTP, SIGTTIN, SIGTTOU};

static void jc_handler(int sig);

/* Stops the tool now, as the default action of sig would have. */
static void jc_stop_now(int sig)
{
  struct sigaction dfl = {.sa_handler = SIG_DFL}, mine = {0};
  sigset_t one;

  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, &mine);
  raise(sig); /* pending: blocked while its handler runs */
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL); /* stops here until SIGCONT */
  sigaction(sig, &mine, NULL);
}

static void jc_handler(int sig)
{
  int saved = errno;

  if (__atomic_load_n(&jc_depth, __ATOMIC_SEQ_CST) > 0) {
    __atomic_store_n(&jc_pending, sig, __ATOMIC_SEQ_CST);
    /* The last hold may have gone meanwhile, without seeing it. */
    if (__atomic_load_n(&jc_depth, __ATOMIC_SEQ_CST) > 0 ||
        !__atomic_exchange_n(&jc_pending, 0, __ATOMIC_SEQ_CST)) {
      errno = saved;
      return;
    }
  }
  jc_stop_now(sig);
  errno = saved;
}

/* Only where the signals have their default action (a caller that
 * ignores or handles them knows better). */
static void jc_install(void)
{
  for (size_t i = 0; i < sizeof(jc_sigs) / sizeof(jc_sigs[0]); i++) {
    struct sigaction old,
        sa = {.sa_handler = jc_handler, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (sigaction(jc_sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO))
      sigaction(jc_sigs[i], &sa, NULL);
  }
}

void threads_hold_job_control(void)
{
  pthread_once(&jc_once, jc_install);
  __atomic_add_fetch(&jc_depth, 1, __ATOMIC_SEQ_CST);
}

void threads_release_job_control(void)
{
  int sig;

  if (__atomic_sub_fetch(&jc_depth, 1, __ATOMIC_SEQ_CST) == 0 &&
      (sig = __atomic_exchange_n(&jc_pending, 0, __ATOMIC_SEQ_CST)))
    raise(sig); /* the handler stops the tool now */
}

int thread_seize(const struct proc *p, pid_t tid, struct pulp_err *e)
{
  /* EPERM with no tracer to show: another tool is detaching (or exiting)
   * between our try and our look; try again for up to 10 ms before
   * blaming permissions. */
  int err = 0, tracer = 0;

  for (int i = 0; i < 20; i++) {
    struct timespec ts = {0, 500000};
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) == 0)
      return 0;
    err = errno;
    if (err != EPERM || (tracer = thread_tracer(p, tid)))
      break;
    nanosleep(&ts, NULL);
  }
  if (err == ESRCH)
    return err_set(e, -ESRCH, "thread %d exited", tid);
  if (err == EPERM) {
    if (tracer)
      return err_set(e, -EBUSY, "thread %d is already traced by pid %d", tid,
                     tracer);
    return proc_eperm("attaching with ptrace", e);
  }
  errno = err;
  return err_sys(e, -err, "thread %d: PTRACE_SEIZE", tid);
}

int thread_stop(pid_t tid, int *group_stop, struct pulp_err *e)
{
  if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
    return err_sys(e, errno == ESRCH ? -ESRCH : -errno,
                   "thread %d: PTRACE_INTERRUPT", tid);
  return thread_wait_stop(tid, group_stop, e);
}

static uint64_t mono_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void threads_set_stop_limit(unsigned ms)
{
  stop_limit_ms = ms ? ms : THREAD_STOP_MS;
}

unsigned threads_stop_limit(void)
{
  return stop_limit_ms;
}

/* The scheduler state of a thread by its tid alone, and where it sleeps
 * (wchan, when the kernel shows it): 0 when the thread is gone. */
static char tid_state(pid_t tid, char *wchan, size_t max)
{
  char path[64], buf[512], *rp;
  ssize_t n;
  int fd;

  if (wchan && max)
    wchan[0] = '\0';
  snprintf(path, sizeof(path), "/proc/%d/stat", tid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  rp = strrchr(buf, ')');
  if (!rp || !rp[1] || !rp[2])
    return 0;
  if (wchan && max) {
    snprintf(path, sizeof(path), "/proc/%d/wchan", tid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      n = read(fd, wchan, max - 1);
      wchan[n > 0 ? n : 0] = '\0';
      if (!strcmp(wchan, "0"))
        wchan[0] = '\0';
      close(fd);
    }
  }
  return rp[2];
}

/* Why tid did not stop in time, as the error of the operation. */
static int not_stopped(pid_t tid, struct pulp_err *e)
{
  char wchan[64];
  char st = tid_state(tid, wchan, sizeof(wchan));

  if (st == 0 || st == 'Z' || st == 'X')
    return err_set(e, -ESRCH, "process exited");
  if (st == 'D')
    return err_set(e, -ETIMEDOUT,
                   "thread %d did not stop within %u ms: it is in "
                   "uninterruptible sleep (%s%s)",
                   tid, stop_limit_ms, wchan[0] ? "in " : "vfork or I/O",
                   wchan);
  return err_set(e, -ETIMEDOUT,
                 "thread %d did not stop within %u ms (state %c)", tid,
                 stop_limit_ms, st);
}

/* Bounded: a thread that cannot stop (vfork parent, D state) or a zombie
 * we trace (a group leader whose threads live on) never makes us wait
 * longer than stop_limit_ms. */
int thread_wait_stop(pid_t tid, int *group_stop, struct pulp_err *e)
{
  uint64_t until = 0;
  int status;

  for (unsigned i = 0;; i++) {
    pid_t r = waitpid(tid, &status, __WALL | WNOHANG);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ECHILD)
        return err_set(e, -ESRCH, "thread %d exited", tid);
      return err_sys(e, -errno, "thread %d: waiting for its stop", tid);
    }
    if (r == 0) {
      uint64_t now = mono_ns();
      struct timespec ts = {0, i < 100 ? 20000 : 500000};
      if (!until)
        until = now + (uint64_t)stop_limit_ms * 1000000ull;
      else if (now > until)
        return not_stopped(tid, e);
      if (i < 20)
        sched_yield(); /* the usual stop takes microseconds */
      else
        nanosleep(&ts, NULL);
      continue;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status))
      return err_set(e, -ESRCH, "thread %d exited", tid);
    if (!WIFSTOPPED(status))
      continue;
    if (status >> 16 == PTRACE_EVENT_STOP) {
      int sig = WSTOPSIG(status);
      if (group_stop)
        *group_stop = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
                      sig == SIGTTOU;
      return 0;
    }
    /* The borrowed thread stopped at the process's exit
     * (PTRACE_O_TRACEEXIT): let it go on exiting. */
    if (thread_exit_stop(status)) {
      ptrace(PTRACE_CONT, tid, 0, 0);
      return err_set(e, -ESRCH, "thread %d exited", tid);
    }
    /* A signal-delivery stop: deliver it; the interrupt stays pending and
     * stops the thread right after. */
    if (ptrace(PTRACE_CONT, tid, 0, (void *)(long)WSTOPSIG(status)) < 0)
      return err_sys(e, -errno, "thread %d: re-delivering a signal", tid);
  }
}

/* A thread in uninterruptible sleep (a vfork parent waiting for its
 * child, I/O on a hung mount) would not answer PTRACE_INTERRUPT: wait up
 * to the stop limit for it to wake before stopping anyone, so that no
 * thread is held stopped for its sake. */
static int wait_interruptible(const struct threads *ts, struct pulp_err *e)
{
  uint64_t until = mono_ns() + (uint64_t)stop_limit_ms * 1000000ull;

  for (size_t i = 0; i < ts->n; i++) {
    const struct thread_stopped *s = &ts->t[i];
    if (s->stopped || s->zombie)
      continue;
    while (tid_state(s->tid, NULL, 0) == 'D') {
      struct timespec t = {0, 1000000};
      if (mono_ns() > until)
        return not_stopped(s->tid, e);
      nanosleep(&t, NULL);
    }
  }
  return 0;
}

int thread_exit_stop(int status)
{
  return WIFSTOPPED(status) &&
         status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8);
}

int thread_cont(pid_t tid, int group_stop)
{
  if (ptrace(group_stop ? PTRACE_LISTEN : PTRACE_CONT, tid, 0, 0) < 0)
    return -errno;
  return 0;
}

static int is_kept(pid_t tid, const pid_t *keep, size_t nkeep)
{
  for (size_t i = 0; i < nkeep; i++)
    if (keep[i] == tid)
      return 1;
  return 0;
}

static int known(const struct threads *ts, pid_t tid)
{
  for (size_t i = 0; i < ts->n; i++)
    if (ts->t[i].tid == tid)
      return 1;
  return 0;
}

static void drop(struct threads *ts, size_t i)
{
  ts->t[i] = ts->t[--ts->n];
}

int threads_attach(const struct proc *p, const pid_t *keep, size_t nkeep,
                   struct threads *ts, struct pulp_err *e)
{
  pid_t *tids;
  size_t n;
  int rc;

  if (!ts->statfd) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", p->pid);
    ts->statfd = open(path, O_RDONLY | O_CLOEXEC);
    if (ts->statfd < 0) {
      ts->statfd = 0;
      return err_set(e, -ESRCH, "process exited");
    }
  }
  rc = proc_threads(p, &tids, &n, e);
  if (rc)
    return rc;
  for (size_t i = 0; i < n; i++) {
    struct thread_stopped *s;
    if (known(ts, tids[i]))
      continue;
    if (ts->n == ts->cap) {
      size_t cap = ts->cap ? ts->cap * 2 : 16;
      void *nt = realloc(ts->t, cap * sizeof(*ts->t));
      if (!nt) {
        free(tids);
        return err_set(e, -ENOMEM, "out of memory");
      }
      ts->t = nt;
      ts->cap = cap;
    }
    s = &ts->t[ts->n];
    memset(s, 0, sizeof(*s));
    s->tid = tids[i];
    s->kept = is_kept(tids[i], keep, nkeep);
    if (!s->kept) {
      /* A group leader that exited before its threads stays a zombie
       * that cannot be traced; it runs no code. */
      if (proc_thread_state(p, s->tid) == 'Z') {
        s->zombie = 1;
        ts->n++;
        continue;
      }
      rc = thread_seize(p, s->tid, e);
      if (rc == -ESRCH)
        continue;
      if (rc) {
        free(tids);
        return rc;
      }
    }
    ts->n++;
  }
  free(tids);
  return 0;
}

/* The kernel's count of the process's threads (field 20 of its stat). */
static long thread_count(const struct threads *ts)
{
  char buf[1024], *rp;
  ssize_t n = pread(ts->statfd, buf, sizeof(buf) - 1, 0);
  long v = -1;

  if (n <= 0)
    return -1;
  buf[n] = '\0';
  rp = strrchr(buf, ')');
  if (!rp || sscanf(rp + 2,
                    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                    "%*u %*u %*d %*d %*d %*d %ld",
                    &v) != 1)
    return -1;
  return v;
}

int threads_stop_all(const struct proc *p, const pid_t *keep, size_t nkeep,
                     struct threads *ts, struct pulp_err *e)
{
  int rc = 0;

  for (int round = 0; round < STOP_ROUNDS; round++) {
    rc = wait_interruptible(ts, e);
    if (rc)
      goto fail;
    /* Interrupt everyone, then collect the stops: the threads stop nearly
     * together and the window stays short. */
    for (size_t i = 0; i < ts->n; i++) {
      struct thread_stopped *s = &ts->t[i];
      if (s->stopped || s->zombie)
        continue;
      if (ptrace(PTRACE_INTERRUPT, s->tid, 0, 0) < 0 && errno != ESRCH) {
        rc = err_sys(e, -errno, "thread %d: PTRACE_INTERRUPT", s->tid);
        goto fail;
      }
    }
    for (size_t i = 0; i < ts->n;) {
      struct thread_stopped *s = &ts->t[i];
      if (s->stopped || s->zombie) {
        i++;
        continue;
      }
      rc = thread_wait_stop(s->tid, &s->group_stop, e);
      if (rc == 0) {
        s->stopped = 1;
        rc = arch_live_get_pc(s->tid, &s->pc, e);
      }
      if (rc == -ESRCH && !s->kept) {
        drop(ts, i);
        continue;
      }
      if (rc == -ETIMEDOUT)
        s->stuck = 1;
      if (rc)
        goto fail;
      i++;
    }
    /* Stable when the kernel counts no thread we do not hold. */
    if (thread_count(ts) == (long)ts->n)
      return 0;
    rc = threads_attach(p, keep, nkeep, ts, e);
    if (rc)
      goto fail;
  }
  rc = err_set(e, -EAGAIN, "threads keep appearing");
fail:
  threads_resume_all(ts, 0);
  return rc;
}

void threads_resume_all(struct threads *ts, int detach)
{
  /* The threads we release first, the kept ones (the borrowed thread)
   * last: the process's own threads get the CPUs first. */
  for (int kept = 0; kept < 2; kept++)
    for (size_t i = 0; i < ts->n;) {
      struct thread_stopped *s = &ts->t[i];
      if (!s->stopped || s->kept != kept || s->hold) {
        i++;
      } else if (detach && !kept) {
        ptrace(PTRACE_DETACH, s->tid, 0, 0);
        drop(ts, i);
      } else {
        thread_cont(s->tid, s->group_stop);
        s->stopped = 0;
        i++;
      }
    }
}

void threads_release(struct threads *ts)
{
  for (size_t i = 0; i < ts->n; i++) {
    struct thread_stopped *s = &ts->t[i];
    /* A thread that never reached its stop keeps the interrupt pending: it
     * stays traced (and stops when it wakes) until this tool exits and the
     * kernel detaches it; waiting for it again would hold us. */
    if (s->kept || s->zombie || s->stuck)
      continue;
    if (s->stopped) {
      ptrace(PTRACE_DETACH, s->tid, 0, 0);
      continue;
    }
    /* Detaching needs a stop: only on error paths, threads_resume_all
     * detaches on the way out of the commit window. */
    {
      struct pulp_err ignore;
      int group;
      if (thread_stop(s->tid, &group, &ignore) == 0)
        ptrace(PTRACE_DETACH, s->tid, 0, 0);
    }
  }
  if (ts->statfd > 0)
    close(ts->statfd);
  free(ts->t);
  memset(ts, 0, sizeof(*ts));
}
