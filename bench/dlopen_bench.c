/* What the runtime's dlopen (preload/store_dlopen.c: the loader's dlopen,
 * then a look at the patch store when images were added) costs a dlopen.
 * Run with and without LD_PRELOAD=libpulp.so (bench/run.sh). Prints
 * nanoseconds per call for:
 *   new image:    dlopen + dlclose of a library by path (loaded, relocated,
 *                 unloaded every time: the store is looked at each time)
 *   loaded, path: dlopen of a library already loaded, by path
 *   loaded, name: the same by bare soname, searched through this program's
 *                 RUNPATH (the runtime searches as the caller would)
 * Usage: dlopen_bench LIBRARY-PATH SONAME */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *must(void *h)
{
  if (!h) {
    fprintf(stderr, "dlopen_bench: %s\n", dlerror());
    exit(1);
  }
  return h;
}

int main(int argc, char **argv)
{
  const long churn = 2000, hot = 200000;
  void *keep;
  double t;

  if (argc != 3) {
    fprintf(stderr, "usage: dlopen_bench LIBRARY-PATH SONAME\n");
    return 2;
  }
  t = now();
  for (long i = 0; i < churn; i++)
    dlclose(must(dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)));
  printf("new image %8.0f ns", (now() - t) / churn);
  keep = must(dlopen(argv[1], RTLD_NOW | RTLD_LOCAL));
  t = now();
  for (long i = 0; i < hot; i++)
    dlclose(must(dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)));
  printf("   loaded, path %6.0f ns", (now() - t) / hot);
  t = now();
  for (long i = 0; i < hot; i++)
    dlclose(must(dlopen(argv[2], RTLD_NOW | RTLD_LOCAL)));
  printf("   loaded, name %6.0f ns\n", (now() - t) / hot);
  dlclose(keep);
  return 0;
}
