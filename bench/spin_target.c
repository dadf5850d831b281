/* A process to patch in bench/run.sh: keeps calling the patchable
 * function until killed. With "idle" it only waits (bench/fleet.sh). */
#include <string.h>
#include <unistd.h>

int bench_add(int x);

int main(int argc, char **argv)
{
  volatile int acc = 0;

  if (argc > 1 && !strcmp(argv[1], "idle")) {
    acc = bench_add(acc);
    for (;;)
      pause();
  }
  for (;;) {
    for (int i = 0; i < 1000; i++)
      acc = bench_add(acc);
    usleep(100);
  }
}
