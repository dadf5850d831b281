/* The process the stress tests patch (tests/stress/run.sh): 8 threads call
 * the functions of libfoo that foo_p1 replaces, in tight loops, and check
 * every result: each call must return the original function's result or
 * the patched one, never anything else (a torn redirect, a call that lands
 * in the middle of a pad, arguments passed in the wrong place all show as
 * another value or a crash). Checked: foo_name ("original" / "patched-1"),
 * foo_mix (ten integers and ten doubles: 110 / 1320), foo_fact(5) (through
 * its patched entry recursively: 120 / 240).
 *
 *   stress_target wait         answers lines on stdin: "s" prints the
 *                              counts, "q" prints them and exits
 *   stress_target api N A R    the main thread applies .ulp A and reverts
 *                              with .rev R N times through the in-process
 *                              API (pulp_apply) while the workers run
 *
 * Counts line: "calls=C bad=B old=O new=N applied=P". Exit status 0 only
 * if no call returned anything else (bad=0). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "foo.h"
#include "pulp.h"

#define WORKERS 8

static volatile int stop;
static struct counts {
  unsigned long calls, bad, old, new_;
  char pad[64]; /* one cache line each: the counters are not shared */
} counts[WORKERS];

static void check(struct counts *c, int is_old, int is_new)
{
  c->calls++;
  if (is_old)
    c->old++;
  else if (is_new)
    c->new_++;
  else
    c->bad++;
}

static void *worker(void *arg)
{
  struct counts *c = arg;

  while (!stop) {
    const char *n = foo_name();
    double m = foo_mix(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.0, 2.0, 3.0, 4.0, 5.0,
                       6.0, 7.0, 8.0, 9.0, 10.0);
    long f = foo_fact(5);
    check(c, !strcmp(n, "original"), !strcmp(n, "patched-1"));
    check(c, m == 110.0, m == 1320.0);
    check(c, f == 120, f == 240);
  }
  return NULL;
}

static void report(void)
{
  unsigned long calls = 0, bad = 0, old = 0, new_ = 0;

  for (int i = 0; i < WORKERS; i++) {
    calls += __atomic_load_n(&counts[i].calls, __ATOMIC_RELAXED);
    bad += __atomic_load_n(&counts[i].bad, __ATOMIC_RELAXED);
    old += __atomic_load_n(&counts[i].old, __ATOMIC_RELAXED);
    new_ += __atomic_load_n(&counts[i].new_, __ATOMIC_RELAXED);
  }
  printf("calls=%lu bad=%lu old=%lu new=%lu applied=%d\n", calls, bad, old,
         new_, pulp_patch_count());
  fflush(stdout);
}

static unsigned long total_bad(void)
{
  unsigned long bad = 0;

  for (int i = 0; i < WORKERS; i++)
    bad += counts[i].bad;
  return bad;
}

int main(int argc, char **argv)
{
  pthread_t t[WORKERS];
  char line[64];
  int rc = 0;

  if (argc < 2 ||
      (strcmp(argv[1], "wait") && (strcmp(argv[1], "api") || argc != 5))) {
    fprintf(stderr, "usage: stress_target wait | api N FILE.ulp FILE.rev\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 0; i < WORKERS; i++)
    if (pthread_create(&t[i], NULL, worker, &counts[i])) {
      perror("pthread_create");
      return 2;
    }
  printf("ready %d\n", getpid());
  if (!strcmp(argv[1], "api")) {
    long n = atol(argv[2]);
    char err[256];
    for (long i = 0; i < n && rc == 0; i++) {
      if (pulp_apply(argv[3], err, sizeof(err)) != 0 ||
          pulp_patch_count() != 1) {
        printf("cycle %ld: apply failed: %s\n", i, err);
        rc = 1;
      } else if (pulp_apply(argv[4], err, sizeof(err)) != 0 ||
                 pulp_patch_count() != 0) {
        printf("cycle %ld: revert failed: %s\n", i, err);
        rc = 1;
      }
    }
    printf("cycles=%ld\n", n);
    /* Let the workers see the final state a while. */
    usleep(100000);
  } else {
    while (fgets(line, sizeof(line), stdin) && line[0] != 'q')
      report();
  }
  stop = 1;
  for (int i = 0; i < WORKERS; i++)
    pthread_join(t[i], NULL);
  report();
  return rc || total_bad() ? 1 : 0;
}
