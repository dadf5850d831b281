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
#include <stdio.h>
#include <unistd.h>

#include "core/arch_live.h"

#define STOP_ROUNDS 100

int thread_seize(const struct proc *p, pid_t tid, struct pulp_err *e)
{
  if (ptrace(PTRACE_SEIZE, tid, 0, 0) == 0)
    return 0;
  if (errno == ESRCH)
    return err_set(e, -ESRCH, "thread %d exited", tid);
  if (errno == EPERM) {
    char path[64], buf[1024];
    FILE *f;
    int tracer = 0;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/status", p->pid, tid);
    f = fopen(path, "re");
    while (f && fgets(buf, sizeof(buf), f))
      if (!strncmp(buf, "TracerPid:", 10))
        tracer = atoi(buf + 10);
    if (f)
      fclose(f);
    if (tracer)
      return err_set(e, -EBUSY, "thread %d is already traced by pid %d", tid,
                     tracer);
    return proc_eperm("attaching with ptrace", e);
  }
  return err_sys(e, -errno, "thread %d: PTRACE_SEIZE", tid);
}

int thread_stop(pid_t tid, int *group_stop, struct pulp_err *e)
{
  if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
    return err_sys(e, errno == ESRCH ? -ESRCH : -errno,
                   "thread %d: PTRACE_INTERRUPT", tid);
  return thread_wait_stop(tid, group_stop, e);
}

int thread_wait_stop(pid_t tid, int *group_stop, struct pulp_err *e)
{
  int status;

  for (;;) {
    if (waitpid(tid, &status, __WALL) < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ECHILD)
        return err_set(e, -ESRCH, "thread %d exited", tid);
      return err_sys(e, -errno, "thread %d: waiting for its stop", tid);
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
    /* A signal-delivery stop: deliver it; the interrupt stays pending and
     * stops the thread right after. */
    if (ptrace(PTRACE_CONT, tid, 0, (void *)(long)WSTOPSIG(status)) < 0)
      return err_sys(e, -errno, "thread %d: re-delivering a signal", tid);
  }
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
      if (!s->stopped || s->kept != kept) {
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
    if (s->kept || s->zombie)
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
