/* Shared by the files of the tool's side of the apply protocol: hijack.c
 * (the call and the restore), borrow.c (which thread, and finding the
 * runtime) and commit.c (writing the plan with every thread stopped). Not
 * an interface for anything else: use hijack.h. */
#ifndef PULP_ULP_HIJACK_INTERNAL_H
#define PULP_ULP_HIJACK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arch_live.h"
#include "core/plan.h"
#include "core/control_abi.h"
#include "hijack.h"
#include "proc.h"
#include "unsafe_code.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_COMMIT_TIMEOUT_MS 5000
#define DEFAULT_RETRIES 20
#define CHOOSE_ROUNDS 20

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
  struct range hstack; /* the runtime's hijack stack: a thread whose SP is
                          there runs for the runtime, whatever its PC */
  struct unsafe_code unsafe; /* libc's allocator and loader entry points */
  pid_t tid;                 /* borrowed, seized, 0 before */
  struct arch_live_thread *saved;
  struct pulp_plan *plan;
  struct hijack_stats st;
  uint32_t generation; /* the block's, at our first look */
  int committed;       /* we wrote COMMIT: the patch took effect */
};

static inline uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void sleep_us(unsigned us)
{
  struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};

  nanosleep(&ts, NULL);
}

static inline void hook(struct hj *h, enum hijack_phase ph)
{
  if (h->o.hook)
    h->o.hook(ph, h->o.hook_arg);
}

static inline int get32(struct hj *h, size_t off, uint32_t *v,
                        struct pulp_err *e)
{
  return proc_read(h->p, h->control + off, v, sizeof(*v), e);
}

static inline int put32(struct hj *h, size_t off, uint32_t v,
                        struct pulp_err *e)
{
  return proc_write(h->p, h->control + off, &v, sizeof(v), e);
}

static inline int in_range(const struct range *r, uint64_t a)
{
  return a >= r->lo && a < r->hi;
}

/* borrow.c */
/* Finds the runtime mapped in the target, its control block, ld.so and
 * the code a borrowed thread must not be in. */
int find_runtime(struct hj *h, struct pulp_err *e);
/* Chooses, seizes and saves the thread to borrow (h->tid, h->saved). */
int choose_thread(struct hj *h, struct pulp_err *e);

/* commit.c */
/* Reads the runtime's plan into h->plan. */
int read_plan(struct hj *h, struct pulp_err *e);
/* Decides COMMIT or ABORT, writing the plan, with every thread stopped. */
int commit(struct hj *h, struct pulp_err *e);

#endif
