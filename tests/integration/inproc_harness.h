/* What the in-process scenario programs share (inproc_test.c,
 * abi/abi_test.c): CHECK, applying a patch of the test's output directory
 * through the in-process API, and a main that runs one named scenario.
 * Each program includes it once and defines its scenarios table. */
#ifndef PULP_TESTS_INPROC_HARNESS_H
#define PULP_TESTS_INPROC_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "pulp.h"

struct scenario {
  const char *name;
  void (*fn)(void);
};

static const char *dir;
static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* pulp_apply of DIR/file; 0 or the API's error, printed. */
static inline int run(const char *file)
{
  char path[4096], err[512];
  int rc;

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  rc = pulp_apply(path, err, sizeof(err));
  if (rc)
    fprintf(stderr, "pulp_apply %s: %s\n", file, err);
  return rc;
}

/* argv: SCENARIO DIR. Exit 0 when every check held, 1 if not, 2 on usage. */
static inline int run_scenario(int argc, char **argv, const struct scenario *s,
                               size_t n)
{
  if (argc != 3) {
    fprintf(stderr, "usage: %s SCENARIO DIR\n", argv[0]);
    return 2;
  }
  dir = argv[2];
  for (size_t i = 0; i < n; i++)
    if (!strcmp(argv[1], s[i].name)) {
      s[i].fn();
      printf("%s: %s\n", argv[1], failures ? "FAILED" : "ok");
      if (failures)
        fprintf(stderr, "%s: %d checks failed\n", argv[1], failures);
      return failures ? 1 : 0;
    }
  fprintf(stderr, "unknown scenario %s\n", argv[1]);
  return 2;
}

#endif
