/* A process to patch in bench/run.sh: keeps calling the patchable
 * function until killed. With "idle" it only waits (bench/fleet.sh, the
 * memory figures). Built twice: spin_target links libbench only,
 * many_target (BENCH_MANY) libbench_many too, for `ulp trigger` of the
 * many-function patches. */
#include <string.h>
#include <unistd.h>

int bench_add(int x);
#ifdef BENCH_MANY
int bench_f1(int x);
#define CALL(x) (bench_add(x) + bench_f1(x))
#else
#define CALL(x) bench_add(x)
#endif

int main(int argc, char **argv)
{
  volatile int acc = 0;

  if (argc > 1 && !strcmp(argv[1], "idle")) {
    acc = CALL(acc);
    for (;;)
      pause();
  }
  for (;;) {
    for (int i = 0; i < 1000; i++)
      acc = CALL(acc);
    usleep(100);
  }
}
