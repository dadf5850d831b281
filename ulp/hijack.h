/* `ulp trigger`'s side of the apply protocol (docs/apply-protocol.md):
 * borrow one thread of a process that preloads libpulp.so, make it run
 * the runtime's engine, commit the engine's plan of writes with every
 * thread stopped briefly, and return the thread exactly where it was. */
#ifndef PULP_ULP_HIJACK_H
#define PULP_ULP_HIJACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "proc.h"

enum hijack_phase {
  HIJACK_AT_CALL,      /* the borrowed thread was just resumed in the runtime */
  HIJACK_AT_PREPARED,  /* the runtime published its plan */
  HIJACK_AT_WRITING,   /* every thread stopped, first plan write done */
  HIJACK_AT_COMMITTED, /* decision written, every thread resumed */
  HIJACK_AT_DONE,      /* the runtime finished; thread not yet restored */
};

/* The phase called name ("call", "prepared", "writing", "committed",
 * "done": how test drivers and benchmarks name them), or -1. */
int hijack_phase_by_name(const char *name);

struct hijack_opts {
  pid_t tid;                  /* thread to borrow (--tid); 0: choose one */
  unsigned timeout_ms;        /* per wait on the runtime; 0: 10000 */
  unsigned commit_timeout_ms; /* the runtime's wait for our decision and
                                 for our restore; 0: 5000 */
  unsigned retries;           /* commit attempts while a thread's PC is in
                                 a guard range; 0: 20 */
  int stop_world;             /* commit with every thread stopped even
                                 when the runtime could do it alone */
  int per_function;           /* --consistency=function: the runtime may
                                 also commit a multi-function plan alone,
                                 each function switching on its own
                                 (PULP_MODE_FUNCTION); stop_world wins */
  int suspend_seccomp;        /* --disable-seccomp: the borrowed thread
                                 runs the runtime's call outside its
                                 seccomp filter (PTRACE_O_SUSPEND_SECCOMP,
                                 needs CAP_SYS_ADMIN); the kernel restores
                                 the filter when we let the thread go */
  /* Tests only: called at each phase (e.g. to kill the tool there). */
  void (*hook)(enum hijack_phase phase, void *arg);
  void *hook_arg;
};

struct hijack_stats {
  pid_t tid;          /* the thread borrowed */
  unsigned attempts;  /* stop-the-world rounds */
  uint64_t freeze_ns; /* last round: first stop to last resume */
  uint64_t total_ns;  /* whole hijack */
  int self_committed; /* the runtime wrote the plan itself: no thread
                         but the borrowed one was stopped */
  uint64_t switch_ns; /* then: its first switch store to its last */
};

/* Runs operation op (PULP_OP_*) with request req in process p (opened with
 * proc_open) through its runtime. Returns 0 when the runtime reported
 * success (and, if its plan had writes, they were committed), or a
 * negative errno with e set: the runtime's own result and message
 * (control.result/error) when it failed, -ENOENT "does not have libpulp.so
 * loaded", -EBUSY (another tool, or no thread could be borrowed),
 * -ETIMEDOUT, -ESRCH (exited), -EPERM (with a hint). Whatever happens, the
 * process is left running unchanged unless the commit happened.
 * opts and stats may be NULL. */
int hijack_run(struct proc *p, const struct hijack_opts *opts, uint32_t op,
               const void *req, size_t reqlen, struct hijack_stats *stats,
               struct pulp_err *e);

/* Has process pid exited (every thread a zombie, or gone)? Errors met
 * while a process dies (files and memory vanishing) are reported as its
 * exit, not as what they seem. */
int hijack_process_gone(pid_t pid);

#endif
