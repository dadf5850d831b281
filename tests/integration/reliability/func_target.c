/* The process of the consistency tests (docs/apply-protocol.md,
 * "Consistency modes" and "Per-patch switch without stopping threads").
 * WORKERS threads call bench_f1 .. bench_fN of libbench_many
 * (bench/CMakeLists.txt: bench_fI(x) is x + I, its patched version x - I)
 * in a loop and check every result: the old or the new function's, never
 * anything else. The workers make no system call, so their voluntary
 * context switches (/proc/PID/task/TID/status) move only if a tracer stops
 * them: a ptrace stop is a voluntary switch. Beside them: a thread blocked
 * in read() on a pipe nobody writes, a thread in epoll_wait() on an empty
 * set (which a ptrace stop ends with EINTR, never restarted: counted), and
 * a thread that naps (the one the tests borrow with --tid).
 *
 * Each worker also checks the per-patch property: during an apply, once
 * one of its calls returned the new result, no later call of that thread
 * may return an old one (the reverse during a revert). A thread that calls
 * f before the instant and g after it legitimately sees old then new; only
 * new then old (apply) is a violation, which a per-function commit can
 * produce (f1 switched, f2 not yet) and a per-patch one cannot. stdin
 * lines: "apply" or "revert" set the direction checked from now on; any
 * other line is answered with
 *
 *   calls=C bad=B viol=V old=O new=N fnew=K eintr=E reader=T epoll=T
 *   sleeper=T workers=T,T,T
 *
 * where fnew counts the functions that return the new result right now
 * and each T is a thread id. Usage: func_target [N] (default 250). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 3
#define MAXF 1000
#define X 1000

int bench_f1(int x); /* libbench_many: linked, so dlsym finds the rest */

static int (*fn[MAXF + 1])(int);
static int nfn;
static pid_t reader_tid, epoll_tid, sleeper_tid, worker_tid[WORKERS];
static unsigned long eintr;
/* Direction checked: 1 apply (old -> new only), 2 revert; with a sequence
 * number so that a worker forgets what it saw before a change. */
static unsigned phase, phase_seq;

static struct counts {
  unsigned long calls, bad, viol, old, new_;
  char pad[64]; /* one cache line each */
} counts[WORKERS];

static pid_t gettid_(void)
{
  return (pid_t)syscall(SYS_gettid);
}

static void bump(unsigned long *v)
{
  __atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
  struct counts *c = arg;
  unsigned seen = ~0u, dir = 0;
  int last = 0; /* 0 nothing yet, 1 old, 2 new */

  __atomic_store_n(&worker_tid[c - counts], gettid_(), __ATOMIC_RELEASE);
  for (;;)
    for (int i = 1; i <= nfn; i++) {
      unsigned s = __atomic_load_n(&phase_seq, __ATOMIC_ACQUIRE);
      int v, now;
      if (s != seen) {
        seen = s;
        dir = __atomic_load_n(&phase, __ATOMIC_ACQUIRE);
        last = 0;
      }
      v = fn[i](X);
      if (v == X + i) {
        now = 1;
        bump(&c->old);
      } else if (v == X - i) {
        now = 2;
        bump(&c->new_);
      } else {
        now = 0;
        bump(&c->bad);
      }
      bump(&c->calls);
      /* The direction changed during the call (the thread was preempted
       * across a phase change): this call belongs to no phase. */
      if (__atomic_load_n(&phase_seq, __ATOMIC_ACQUIRE) != seen) {
        last = 0;
        continue;
      }
      /* apply: new then old is a step back; revert: old then new. */
      if (dir && now && last && now != last && (dir == 1) == (now == 1))
        bump(&c->viol);
      if (now)
        last = now;
    }
  return NULL;
}

static void *reader(void *arg)
{
  int fd[2];
  char ch;

  (void)arg;
  if (pipe(fd))
    return NULL;
  __atomic_store_n(&reader_tid, gettid_(), __ATOMIC_RELEASE);
  for (;;) /* a pipe read is restarted after a stop: only switches show */
    if (read(fd[0], &ch, 1) >= 0 || errno != EINTR)
      return NULL;
}

static void *poller(void *arg)
{
  struct epoll_event ev;
  int ep = epoll_create1(0);

  (void)arg;
  __atomic_store_n(&epoll_tid, gettid_(), __ATOMIC_RELEASE);
  for (;;)
    if (epoll_wait(ep, &ev, 1, -1) < 0 && errno == EINTR)
      __atomic_add_fetch(&eintr, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void *sleeper(void *arg)
{
  (void)arg;
  __atomic_store_n(&sleeper_tid, gettid_(), __ATOMIC_RELEASE);
  for (;;) {
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

static unsigned long sum(size_t field)
{
  unsigned long s = 0;

  for (int i = 0; i < WORKERS; i++)
    s += __atomic_load_n((unsigned long *)((char *)&counts[i] + field),
                         __ATOMIC_RELAXED);
  return s;
}

static void answer(void)
{
  int fnew = 0;

  for (int i = 1; i <= nfn; i++)
    fnew += fn[i](X) == X - i;
  printf("calls=%lu bad=%lu viol=%lu old=%lu new=%lu fnew=%d eintr=%lu "
         "reader=%d epoll=%d sleeper=%d workers=",
         sum(offsetof(struct counts, calls)), sum(offsetof(struct counts, bad)),
         sum(offsetof(struct counts, viol)), sum(offsetof(struct counts, old)),
         sum(offsetof(struct counts, new_)), fnew,
         __atomic_load_n(&eintr, __ATOMIC_RELAXED), (int)reader_tid,
         (int)epoll_tid, (int)sleeper_tid);
  for (int i = 0; i < WORKERS; i++)
    printf("%s%d", i ? "," : "", (int)worker_tid[i]);
  printf("\n");
  fflush(stdout);
}

int main(int argc, char **argv)
{
  char line[256];
  pthread_t t;

  nfn = argc > 1 ? atoi(argv[1]) : 250;
  if (nfn < 1 || nfn > MAXF)
    return 2;
  fn[1] = bench_f1;
  for (int i = 2; i <= nfn; i++) {
    char name[32];
    snprintf(name, sizeof(name), "bench_f%d", i);
    if (!(fn[i] = (int (*)(int))dlsym(RTLD_DEFAULT, name))) {
      fprintf(stderr, "func_target: no %s\n", name);
      return 2;
    }
  }
  if (pthread_create(&t, NULL, reader, NULL) ||
      pthread_create(&t, NULL, poller, NULL) ||
      pthread_create(&t, NULL, sleeper, NULL))
    return 2;
  for (int i = 0; i < WORKERS; i++)
    if (pthread_create(&t, NULL, worker, &counts[i]))
      return 2;
  for (int i = 0; i < WORKERS; i++)
    while (!__atomic_load_n(&worker_tid[i], __ATOMIC_ACQUIRE))
      usleep(1000);
  while (!__atomic_load_n(&reader_tid, __ATOMIC_ACQUIRE) ||
         !__atomic_load_n(&epoll_tid, __ATOMIC_ACQUIRE) ||
         !__atomic_load_n(&sleeper_tid, __ATOMIC_ACQUIRE))
    usleep(1000);
  while (fgets(line, sizeof(line), stdin) && strncmp(line, "quit", 4)) {
    if (!strncmp(line, "apply", 5) || !strncmp(line, "revert", 6)) {
      __atomic_store_n(&phase, line[0] == 'a' ? 1u : 2u, __ATOMIC_RELEASE);
      __atomic_add_fetch(&phase_seq, 1, __ATOMIC_RELEASE);
    }
    answer();
  }
  return 0;
}
