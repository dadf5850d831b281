/* The process the degraded-behaviour tests patch (issue 7, item 11). It
 * answers every line on stdin with one line,
 *   "name=N gap=MS eintr=E many=K mixed_us=U mixed=M patches=P"
 * name: foo_name(); gap: the longest stall (ms) a heartbeat thread saw
 * since the previous line; eintr: how many times the epoll thread's
 * epoll_wait (on a pipe nobody writes, no timeout) returned EINTR; many:
 * how many of the 256 functions of libmany run their patched code (in
 * one sweep); mixed_us: the longest time (us) during which the sweeps of
 * the checker thread saw some but not all of them patched since the
 * previous line; mixed: the number of such sweeps; patches: how many
 * patches the runtime (linked, not preloaded) has applied.
 * DEG_EPOLL_MAIN: the main thread (the group leader, first in
 * /proc/PID/task) sits in epoll_wait and another thread reads stdin. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "foo.h"
#include "many.h"
#include "pulp.h"

static long max_gap_ms, eintr, max_mixed_us, mixed;

static long now_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *heartbeat(void *arg)
{
  long last = now_us();

  (void)arg;
  for (;;) {
    struct timespec ts = {0, 5000000};
    long t;
    nanosleep(&ts, NULL);
    t = now_us();
    if ((t - last) / 1000 > __atomic_load_n(&max_gap_ms, __ATOMIC_RELAXED))
      __atomic_store_n(&max_gap_ms, (t - last) / 1000, __ATOMIC_RELAXED);
    last = t;
  }
  return NULL;
}

static void *epoller(void *arg)
{
  int p[2], ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};

  (void)arg;
  if (ep < 0 || pipe(p))
    abort();
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  for (;;)
    if (epoll_wait(ep, &ev, 1, -1) < 0 && errno == EINTR)
      __atomic_add_fetch(&eintr, 1, __ATOMIC_RELAXED);
  return NULL;
}

static int sweep(void)
{
  int k = 0;

  for (int i = 0; i < MANY_N; i++)
    k += many_fn[i]() & 1; /* odd: the patched code */
  return k;
}

static void *checker(void *arg)
{
  long since = 0;

  (void)arg;
  for (;;) {
    int k = sweep();
    if (k > 0 && k < MANY_N) {
      long t = now_us();
      __atomic_add_fetch(&mixed, 1, __ATOMIC_RELAXED);
      if (!since)
        since = t;
      if (t - since > __atomic_load_n(&max_mixed_us, __ATOMIC_RELAXED))
        __atomic_store_n(&max_mixed_us, t - since, __ATOMIC_RELAXED);
    } else {
      since = 0;
    }
  }
  return NULL;
}

static void *reader(void *arg)
{
  char line[256];

  (void)arg;
  while (fgets(line, sizeof(line), stdin)) {
    if (!strncmp(line, "quit", 4))
      exit(0);
    printf("name=%s gap=%ld eintr=%ld many=%d mixed_us=%ld mixed=%ld "
           "patches=%d\n",
           foo_name(), __atomic_exchange_n(&max_gap_ms, 0, __ATOMIC_RELAXED),
           __atomic_load_n(&eintr, __ATOMIC_RELAXED), sweep(),
           __atomic_exchange_n(&max_mixed_us, 0, __ATOMIC_RELAXED),
           __atomic_exchange_n(&mixed, 0, __ATOMIC_RELAXED),
           pulp_patch_count());
    fflush(stdout);
  }
  exit(0);
}

int main(void)
{
  pthread_t t;

  pthread_create(&t, NULL, heartbeat, NULL);
  if (getenv("DEG_CHECKER"))
    pthread_create(&t, NULL, checker, NULL);
  if (getenv("DEG_EPOLL_MAIN")) {
    pthread_create(&t, NULL, reader, NULL);
    epoller(NULL);
  }
  pthread_create(&t, NULL, epoller, NULL);
  reader(NULL);
  return 0;
}
