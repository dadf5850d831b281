/* A process to patch in bench/run.sh: keeps calling the patchable
 * function until killed. */
#include <unistd.h>

int bench_add(int x);

int main(void)
{
  volatile int acc = 0;
  for (;;) {
    for (int i = 0; i < 1000; i++)
      acc = bench_add(acc);
    usleep(100);
  }
}
