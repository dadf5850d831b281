/* The process of the compat2 tests. A worker thread calls raw_value() in a
 * tight loop and counts any answer that is neither the old (1) nor the new
 * (2) one; the main thread answers each input line:
 *   "x"          value=N data=D calls=C bad=B
 *   "api PATH"   applies PATH with the in-process API (pulp_apply, found in
 *                the preloaded runtime): api=RC err=MESSAGE */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

int raw_value(void);
int raw_data_get(void);

static volatile unsigned long calls, bad;

static void *spin(void *arg)
{
  (void)arg;
  for (;;) {
    int v = raw_value();
    if (v != 1 && v != 2)
      bad++;
    calls++;
  }
  return NULL;
}

int main(void)
{
  char line[4096];
  pthread_t t;

  if (pthread_create(&t, NULL, spin, NULL))
    return 1;
  while (fgets(line, sizeof(line), stdin)) {
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "api ", 4)) {
      int (*apply)(const char *, char *, size_t) =
          (int (*)(const char *, char *, size_t))dlsym(RTLD_DEFAULT,
                                                       "pulp_apply");
      char err[512] = "";
      int rc = apply ? apply(line + 4, err, sizeof(err)) : -1;
      printf("api=%d err=%s\n", rc, apply ? err : "no pulp_apply");
    } else {
      printf("value=%d data=%d calls=%lu bad=%lu\n", raw_value(),
             raw_data_get(), calls, bad);
    }
    fflush(stdout);
  }
  return 0;
}
