/* Target process of the hijack tests (runs with the test runtime
 * preloaded). Prints "ready TID [ADDR...]" once the thread under test is
 * in place, waits for SIGUSR1 (sent by the test after the hijack), then
 * checks what that thread observed and exits 0 when all is as expected.
 * Architecture-free: the registers are arch/<arch>/ behind regs.h.
 *
 *   regs MODE                a thread running the spinner of MODE (see
 *                            "modes"; "any" is the most complete one):
 *                            every register it may load, the protected
 *                            zone below its stack pointer
 *   selftest MODE            no hijack: the same spinner, stopped by the
 *                            main thread; checks it stores what it loads
 *                            (also runs under qemu-user); exits at once
 *   modes                    prints this architecture's register modes
 *   read                     a thread blocked in read() on a pipe
 *   sleep                    a thread in a relative nanosleep (restart
 *                            through restart_syscall)
 *   data EXPECT              prints the address of a 16-byte array and a
 *                            spinner's code range; checks the array holds
 *                            EXPECT ("ORIGINAL" or "PATCHED")
 *   churn EXPECT             like data, while threads are created and exit
 *                            all the time
 * Exit 0 ok, 1 check failed, 2 usage, 77 the CPU lacks the registers. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "regs.h"

volatile int spin_stop, spin_running;

static volatile pid_t test_tid;
static int pipefd[2];
static ssize_t read_ret = -2;
static int read_errno;
static char read_buf[64];
static int sleep_ret = -2;
static double sleep_secs;

#define PATCH_ORIGINAL "ORIGINAL-BYTES!!"
#define PATCH_PATCHED "PATCHED--BYTES!!"
char patch_me[16] = PATCH_ORIGINAL;

static void *short_lived(void *arg)
{
  return arg;
}

/* Creates and joins threads until spin_stop: the set of threads changes
 * while the tool stops them all. */
static void *churner(void *arg)
{
  (void)arg;
  while (!spin_stop) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
      pthread_create(&t[i], NULL, short_lived, NULL);
    for (int i = 0; i < 4; i++)
      pthread_join(t[i], NULL);
  }
  return NULL;
}

static void *spinner(void *arg)
{
  test_tid = (pid_t)syscall(SYS_gettid);
  ((void (*)(void))arg)();
  return NULL;
}

static void *reader(void *arg)
{
  (void)arg;
  test_tid = (pid_t)syscall(SYS_gettid);
  read_ret = read(pipefd[0], read_buf, sizeof(read_buf));
  read_errno = errno;
  return NULL;
}

static void *sleeper(void *arg)
{
  struct timespec t0, t1, d = {2, 0};

  (void)arg;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  test_tid = (pid_t)syscall(SYS_gettid);
  sleep_ret = nanosleep(&d, NULL) ? errno : 0;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  sleep_secs =
      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  return NULL;
}

static int cmp(const char *what, const void *a, const void *b, size_t n)
{
  if (!memcmp(a, b, n))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (((const uint8_t *)a)[i] != ((const uint8_t *)b)[i]) {
      fprintf(stderr, "hijack_target: %s differs at byte %zu\n", what, i);
      break;
    }
  return 1;
}

static void usage(void)
{
  fprintf(stderr, "usage: hijack_target regs MODE|selftest MODE|modes|read|"
                  "sleep|data EXPECT|churn EXPECT\n");
}

/* Starts the spinner of register mode rmode in a new thread. */
static int start_regs(const char *rmode, pthread_t *th)
{
  void (*fn)(void) = NULL;
  const char *why = "";
  int rc = regs_prepare(rmode, &fn, &why);

  if (rc == 77) {
    printf("skip: %s\n", why);
    return 77;
  }
  if (rc) {
    fprintf(stderr, "hijack_target: unknown register mode %s\n", rmode);
    return 2;
  }
  pthread_create(th, NULL, spinner, (void *)fn);
  while (!spin_running)
    usleep(1000);
  return 0;
}

static int compare_regs(const char *rmode)
{
  char msg[128];

  if (!regs_compare(rmode, msg, sizeof(msg)))
    return 0;
  fprintf(stderr, "hijack_target: %s\n", msg);
  return 1;
}

int main(int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  const char *rmode = argc > 2 ? argv[2] : "any";
  pthread_t th;
  sigset_t set;
  int sig, bad = 0, rc;

  setvbuf(stdout, NULL, _IOLBF, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);

  if (!strcmp(mode, "modes")) {
    for (const char *const *m = regs_modes(); *m; m++)
      printf("%s\n", *m);
    return 0;
  } else if (!strcmp(mode, "selftest")) {
    if ((rc = start_regs(rmode, &th)))
      return rc;
    usleep(20000); /* spinning, with everything loaded */
    spin_stop = 1;
    pthread_join(th, NULL);
    bad = compare_regs(rmode);
    printf("%s\n", bad ? "FAIL" : "ok");
    return bad;
  } else if (!strcmp(mode, "regs")) {
    if ((rc = start_regs(rmode, &th)))
      return rc;
  } else if (!strcmp(mode, "data") || !strcmp(mode, "churn")) {
    pthread_create(&th, NULL, spinner, (void *)guard_spin);
    while (!spin_running)
      usleep(1000);
    if (!strcmp(mode, "churn")) {
      pthread_t ch;
      pthread_create(&ch, NULL, churner, NULL);
      pthread_detach(ch);
    }
  } else if (!strcmp(mode, "read")) {
    if (pipe(pipefd))
      return 2;
    pthread_create(&th, NULL, reader, NULL);
    while (!test_tid)
      usleep(1000);
    usleep(20000); /* let it block in read() */
  } else if (!strcmp(mode, "sleep")) {
    pthread_create(&th, NULL, sleeper, NULL);
    while (!test_tid)
      usleep(1000);
    usleep(20000);
  } else {
    usage();
    return 2;
  }
  if (!strcmp(mode, "data") || !strcmp(mode, "churn"))
    printf("ready %d %p %p %p\n", (int)test_tid, (void *)patch_me,
           (void *)guard_spin, (void *)guard_spin_end);
  else
    printf("ready %d\n", (int)test_tid);
  if (strcmp(mode, "sleep"))
    sigwait(&set, &sig);

  if (!strcmp(mode, "read")) {
    const char msg[] = "pulp-read-ok\n";
    if (write(pipefd[1], msg, sizeof(msg) - 1) != sizeof(msg) - 1)
      return 2;
    pthread_join(th, NULL);
    if (read_ret != (ssize_t)sizeof(msg) - 1 ||
        memcmp(read_buf, msg, sizeof(msg) - 1)) {
      fprintf(stderr, "hijack_target: read() returned %zd (errno %d)\n",
              read_ret, read_ret < 0 ? read_errno : 0);
      bad = 1;
    }
  } else if (!strcmp(mode, "sleep")) {
    pthread_join(th, NULL);
    if (sleep_ret != 0 || sleep_secs < 1.99) {
      fprintf(stderr, "hijack_target: nanosleep: %s after %.3f s\n",
              sleep_ret ? strerror(sleep_ret) : "ok", sleep_secs);
      bad = 1;
    }
  } else {
    spin_stop = 1;
    pthread_join(th, NULL);
    if (!strcmp(mode, "regs")) {
      bad = compare_regs(rmode);
    } else {
      const char *want = argc > 2 && !strcmp(argv[2], "PATCHED")
                             ? PATCH_PATCHED
                             : PATCH_ORIGINAL;
      bad = cmp("patched data", patch_me, want, 16);
    }
  }
  printf("%s\n", bad ? "FAIL" : "ok");
  return bad;
}
