/* Applies and reverts the packed cross-packaging patch in-process
 * (pulp.h), under qemu-user for a foreign architecture:
 *   cp_main FILE.ulp FILE.rev
 * The replacement reaches the target's static cp_counter and its TLS
 * cp_tls (in this thread and in one created after the patch). */
#include <pthread.h>
#include <stdio.h>

#include "cp.h"
#include "pulp.h"

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "cp_main:%d: check failed: %s\n", __LINE__, #cond);      \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void *tls_in_thread(void *arg)
{
  *(int *)arg = cp_tls_value();
  return NULL;
}

static int apply(const char *path)
{
  char err[512];
  int rc = pulp_apply(path, err, sizeof(err));

  if (rc)
    fprintf(stderr, "cp_main: pulp_apply %s: %s\n", path, err);
  return rc;
}

int main(int argc, char **argv)
{
  pthread_t th;
  int in_thread = 0;

  if (argc != 3) {
    fprintf(stderr, "usage: cp_main FILE.ulp FILE.rev\n");
    return 2;
  }
  CHECK(cp_value(1) == 8);
  CHECK(cp_tls_value() == 5);
  CHECK(apply(argv[1]) == 0);
  CHECK(cp_value(1) == 107);
  CHECK(cp_bump() == 8); /* not patched: the same static the patch reads */
  CHECK(cp_value(2) == 208);
  CHECK(cp_tls_value() == 5000);
  pthread_create(&th, NULL, tls_in_thread, &in_thread);
  pthread_join(th, NULL);
  CHECK(in_thread == 5000);
  CHECK(apply(argv[2]) == 0);
  CHECK(cp_value(1) == 9);
  CHECK(cp_tls_value() == 5);
  printf("%s\n", failures ? "FAIL" : "ok");
  return failures != 0;
}
