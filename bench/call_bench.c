/* The cost of a patched call: the same function called through its
 * unpatched pad, then redirected (in-process API) to an identical body.
 * Usage: call_bench PATCH.ulp [CALLS] (fewer calls under an emulator) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pulp.h"

int bench_add(int x);

static long calls = 200000000L;

static double per_call(void)
{
  struct timespec a, b;
  volatile int acc = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < calls; i++)
    acc = bench_add(acc);
  clock_gettime(CLOCK_MONOTONIC, &b);
  return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / calls;
}

int main(int argc, char **argv)
{
  char err[512];
  double before, after;

  if (argc != 2 && argc != 3)
    return 2;
  if (argc == 3 && (calls = atol(argv[2])) <= 0)
    return 2;
  before = per_call();
  if (pulp_apply(argv[1], err, sizeof(err))) {
    fprintf(stderr, "call_bench: %s\n", err);
    return 1;
  }
  after = per_call();
  printf("call, unpatched: %.2f ns\ncall, patched:   %.2f ns (+%.2f ns)\n",
         before, after, after - before);
  return 0;
}
