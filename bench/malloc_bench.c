/* malloc/free pairs per second, in 1 and 2 threads: run with and without
 * LD_PRELOAD=libpulp.so (bench/run.sh) to show the runtime costs nothing
 * on the allocator (libpulp's interposition does). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAIRS 20000000L

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *loop(void *arg)
{
  volatile char *sink;
  (void)arg;
  for (long i = 0; i < PAIRS; i++) {
    sink = malloc(32);
    sink[0] = 1;
    free((void *)sink);
  }
  return NULL;
}

int main(void)
{
  pthread_t t;
  double t0 = now(), t1;

  loop(NULL);
  t1 = now();
  printf("malloc/free pair, 1 thread:  %.1f ns\n", (t1 - t0) / PAIRS * 1e9);
  t0 = now();
  pthread_create(&t, NULL, loop, NULL);
  loop(NULL);
  pthread_join(t, NULL);
  t1 = now();
  printf("malloc/free pair, 2 threads: %.1f ns\n", (t1 - t0) / PAIRS * 1e9);
  return 0;
}
