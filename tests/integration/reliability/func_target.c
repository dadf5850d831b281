/* The process of the consistency-mode tests (docs/apply-protocol.md,
 * "Consistency modes"). WORKERS threads call bench_f1 .. bench_fN of
 * libbench_many (bench/CMakeLists.txt: bench_fI(x) is x + I, its patched
 * version x - I) in a loop and check every result: the old or the new
 * function's, never anything else. The workers make no system call, so
 * their voluntary context switches (/proc/PID/task/TID/status) move only
 * if a tracer stops them: a ptrace stop is a voluntary switch. Beside
 * them: a thread blocked in read() on a pipe nobody writes, a thread in
 * epoll_wait() on an empty set (which a ptrace stop ends with EINTR, never
 * restarted: counted), and a thread that naps (the one the tests borrow
 * with --tid). The main thread answers each line on stdin with
 *
 *   calls=C bad=B old=O new=N fnew=K eintr=E reader=T epoll=T sleeper=T
 *   workers=T,T,T
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

static struct counts {
  unsigned long calls, bad, old, new_;
  char pad[64]; /* one cache line each */
} counts[WORKERS];

static pid_t gettid_(void)
{
  return (pid_t)syscall(SYS_gettid);
}

static void *worker(void *arg)
{
  struct counts *c = arg;

  __atomic_store_n(&worker_tid[c - counts], gettid_(), __ATOMIC_RELEASE);
  for (;;)
    for (int i = 1; i <= nfn; i++) {
      int v = fn[i](X);
      if (v == X + i)
        __atomic_store_n(&c->old, c->old + 1, __ATOMIC_RELAXED);
      else if (v == X - i)
        __atomic_store_n(&c->new_, c->new_ + 1, __ATOMIC_RELAXED);
      else
        __atomic_store_n(&c->bad, c->bad + 1, __ATOMIC_RELAXED);
      __atomic_store_n(&c->calls, c->calls + 1, __ATOMIC_RELAXED);
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
  printf("calls=%lu bad=%lu old=%lu new=%lu fnew=%d eintr=%lu reader=%d "
         "epoll=%d sleeper=%d workers=",
         sum(offsetof(struct counts, calls)), sum(offsetof(struct counts, bad)),
         sum(offsetof(struct counts, old)), sum(offsetof(struct counts, new_)),
         fnew, __atomic_load_n(&eintr, __ATOMIC_RELAXED), (int)reader_tid,
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
  while (fgets(line, sizeof(line), stdin) && strncmp(line, "quit", 4))
    answer();
  return 0;
}
