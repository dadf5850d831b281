/* Stopping the threads of a process with ptrace (PTRACE_SEIZE +
 * PTRACE_INTERRUPT, never SIGSTOP), as briefly as possible: this is the
 * commit window of docs/apply-protocol.md. */
#ifndef PULP_ULP_THREADS_H
#define PULP_ULP_THREADS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "proc.h"

/* No thread is ever waited for (and so no other thread held stopped for
 * its sake) longer than this: a thread that does not reach its stop in
 * time (uninterruptible sleep, vfork parent) fails the operation with
 * -ETIMEDOUT naming it. */
#define THREAD_STOP_MS 1000
void threads_set_stop_limit(unsigned ms); /* 0: THREAD_STOP_MS */
unsigned threads_stop_limit(void);

/* Job control of the tool itself (issue 7, item 11): while the tool
 * holds (nestable, process-wide), SIGTSTP, SIGTTIN and SIGTTOU (Ctrl-Z,
 * background tty access) do not stop it: they are kept and take effect at
 * the last release, so a tool stopped by its terminal never leaves a
 * target thread stopped with it. SIGSTOP cannot be deferred
 * (docs/apply-protocol.md, "The tool stopped by job control"). */
void threads_hold_job_control(void);
void threads_release_job_control(void);

/* The TracerPid of thread tid of p (0: none, or not visible from here). */
int thread_tracer(const struct proc *p, pid_t tid);

/* Seizes tid without stopping it. -EPERM (with the hint of proc_eperm),
 * -EBUSY when another tracer has it, -ESRCH when it is gone. */
int thread_seize(const struct proc *p, pid_t tid, struct pulp_err *e);

/* Interrupts a seized thread and waits for its stop. Signals that arrive
 * meanwhile are delivered, not lost. *group_stop (may be NULL) is set when
 * the thread is in a job-control stop. -ESRCH when it exited. */
int thread_stop(pid_t tid, int *group_stop, struct pulp_err *e);

/* The waiting half of thread_stop, after a PTRACE_INTERRUPT; bounded by
 * the stop limit (-ETIMEDOUT, or -ESRCH "process exited" when the thread
 * is a zombie or gone). */
int thread_wait_stop(pid_t tid, int *group_stop, struct pulp_err *e);

/* Lets a stopped, seized thread run on, still traced. */
int thread_cont(pid_t tid, int group_stop);

/* Whether a waitpid status is the stop at the thread's exit
 * (PTRACE_O_TRACEEXIT, set on the borrowed thread only). */
int thread_exit_stop(int status);

struct thread_stopped {
  pid_t tid;
  int kept;   /* seized by the caller: stays traced after resume */
  int zombie; /* an exited group leader: nothing to stop */
  int stopped;
  int group_stop; /* job-control stopped: stays so after resume */
  int stuck;      /* did not stop within the limit (see THREAD_STOP_MS) */
  int hold;       /* stopped by the caller before: never resumed here */
  uint64_t pc;
};

/* The threads of a process, held for the commit (see hijack.c). */
struct threads {
  struct thread_stopped *t;
  size_t n, cap;
  int statfd; /* /proc/PID/stat: the kernel's thread count */
};

/* Seizes every thread of p not in keep[] (those the caller holds already)
 * without stopping any: done before the commit window. */
int threads_attach(const struct proc *p, const pid_t *keep, size_t nkeep,
                   struct threads *ts, struct pulp_err *e);

/* Stops every thread (interrupt all, then collect the stops), attaching
 * any that appeared meanwhile until the kernel's thread count matches, and
 * reads each one's PC. On failure every thread is resumed again. */
int threads_stop_all(const struct proc *p, const pid_t *keep, size_t nkeep,
                     struct threads *ts, struct pulp_err *e);

/* Lets them run: still attached (detach 0: another round follows), or
 * detached except the kept ones (detach 1: the end of the window). */
void threads_resume_all(struct threads *ts, int detach);

/* Detaches whatever is still attached and frees ts. */
void threads_release(struct threads *ts);

#endif
