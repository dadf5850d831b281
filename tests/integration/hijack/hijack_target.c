/* Target process of the hijack tests (runs with the test runtime
 * preloaded). Prints "ready TID [ADDR...]" once the thread under test is
 * in place, waits for SIGUSR1 (sent by the test after the hijack), then
 * checks what that thread observed and exits 0 when all is as expected.
 *
 *   regs-avx512 | regs-avx   GPRs, vector registers, MXCSR, x87 control
 *                            word, red zone of a spinning thread
 *   read                     a thread blocked in read() on a pipe
 *   sleep                    a thread in a relative nanosleep (restart
 *                            through restart_syscall)
 *   data EXPECT              prints the address of a 16-byte array and a
 *                            spinner's code range; checks the array holds
 *                            EXPECT ("ORIGINAL" or "PATCHED")
 *   churn EXPECT             like data, while threads are created and exit
 *                            all the time */
#define _GNU_SOURCE
#include <cpuid.h>
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

uint64_t spin_gpr_in[15], spin_gpr_out[15];
uint64_t spin_rz_in[16], spin_rz_out[16];
uint8_t spin_vec_in[32 * 64] __attribute__((aligned(64)));
uint8_t spin_vec_out[32 * 64] __attribute__((aligned(64)));
uint64_t spin_k_in[8], spin_k_out[8];
uint32_t spin_mxcsr_in = 0x3f80, spin_mxcsr_out; /* round down, masked */
uint16_t spin_fcw_in = 0x0c7f, spin_fcw_out;     /* round toward zero */
uint64_t spin_rsp_in, spin_rsp_out;
volatile int spin_stop, spin_running;

void spin_avx512(void);
void spin_avx(void);
void guard_spin(void);
extern char guard_spin_end[];

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

static int has_avx512(void)
{
  unsigned a, b, c, d;

  if (!__builtin_cpu_supports("avx512f"))
    return 0;
  __cpuid(1, a, b, c, d);
  if (!(c & bit_OSXSAVE))
    return 0;
  __asm__("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
  return (a & 0xe6) == 0xe6; /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
}

static void fill_patterns(void)
{
  for (int i = 0; i < 15; i++)
    spin_gpr_in[i] = 0x1111111111111111ull * (uint64_t)(i + 1) ^ 0xa5;
  for (int i = 0; i < 16; i++)
    spin_rz_in[i] = 0xdeadbeef00000000ull | (uint64_t)i * 0x01010101u;
  for (int i = 0; i < 32 * 64; i++)
    spin_vec_in[i] = (uint8_t)(i * 7 + 3);
  for (int i = 0; i < 8; i++)
    spin_k_in[i] = 0x0123456789abcdefull ^ ((uint64_t)i << 56);
  spin_k_in[0] = 0x8000000000000001ull;
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

static int check_regs(int nvec, size_t veclen, int kregs)
{
  int bad = 0;

  bad |=
      cmp("general registers", spin_gpr_in, spin_gpr_out, sizeof(spin_gpr_in));
  bad |= cmp("red zone", spin_rz_in, spin_rz_out, sizeof(spin_rz_in));
  bad |= cmp("rsp", &spin_rsp_in, &spin_rsp_out, 8);
  bad |= cmp("mxcsr", &spin_mxcsr_in, &spin_mxcsr_out, 4);
  bad |= cmp("x87 control word", &spin_fcw_in, &spin_fcw_out, 2);
  for (int i = 0; i < nvec; i++) {
    char what[32];
    snprintf(what, sizeof(what), "vector register %d", i);
    bad |= cmp(what, spin_vec_in + 64 * i, spin_vec_out + 64 * i, veclen);
  }
  if (kregs)
    bad |= cmp("opmask registers", spin_k_in, spin_k_out, sizeof(spin_k_in));
  return bad;
}

int main(int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  pthread_t th;
  sigset_t set;
  int sig, bad = 0;
  void (*fn)(void) = NULL;

  setvbuf(stdout, NULL, _IOLBF, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  fill_patterns();

  if (!strcmp(mode, "regs-avx512")) {
    if (!has_avx512()) {
      printf("skip: no AVX-512\n");
      return 77;
    }
    fn = spin_avx512;
  } else if (!strcmp(mode, "regs-avx")) {
    if (!__builtin_cpu_supports("avx")) {
      printf("skip: no AVX\n");
      return 77;
    }
    fn = spin_avx;
  } else if (!strcmp(mode, "data") || !strcmp(mode, "churn")) {
    fn = guard_spin;
  }
  if (fn) {
    pthread_create(&th, NULL, spinner, (void *)fn);
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
    fprintf(stderr, "usage: hijack_target regs-avx512|regs-avx|read|sleep|"
                    "data EXPECT\n");
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
    if (!strcmp(mode, "regs-avx512"))
      bad = check_regs(32, 64, 1);
    else if (!strcmp(mode, "regs-avx"))
      bad = check_regs(16, 32, 0);
    else {
      const char *want = argc > 2 && !strcmp(argv[2], "PATCHED")
                             ? PATCH_PATCHED
                             : PATCH_ORIGINAL;
      bad = cmp("patched data", patch_me, want, 16);
    }
  }
  printf("%s\n", bad ? "FAIL" : "ok");
  return bad;
}
