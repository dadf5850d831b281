/* How long does `ulp trigger` freeze a running process? (DESIGN.md section
 * 8.) Starts itself as a target with the runtime preloaded: its main thread
 * spins reading CLOCK_MONOTONIC and logs every gap between two reads longer
 * than GAP_MIN_NS; a second thread is blocked in read() and is the one
 * borrowed. Then runs N hijacks (PULP_OP_PING: the whole protocol,
 * including the stop-the-world commit, with an empty plan) and prints
 * medians of: the spinner's longest gap overlapping the commit (the
 * freeze), its longest gap anywhere in the hijack (includes being preempted
 * by the tool and the borrowed thread on a 2-vCPU machine), the longest gap
 * in an equal window without a hijack (scheduler noise), the commit window
 * as the tool measured it, and the whole hijack. Not pinned: see DESIGN.md
 * section 8 for why.
 *
 * -t T gives the target T threads in all: the spinner, the borrowed
 * one and T-2 more blocked in read() (how the freeze grows with the
 * process). -t 1 leaves the spinner alone and borrows it: its longest
 * gap during the hijack is then the time the process's only thread spent
 * away from its own work (claim, engine, commit and restore).
 *
 * -P FILE.ulp measures a real patch instead of PING: each round applies
 * FILE.ulp and reverts FILE.rev (the target links libbench and
 * libbench_many, bench/CMakeLists.txt), and prints apply and revert
 * apart. -s forces the tool's stop-the-world commit (hijack_opts
 * stop_world) where the runtime would commit alone, for the comparison;
 * -f asks for per-function consistency (hijack_opts per_function, `ulp
 * trigger --consistency=function`): the runtime commits a multi-function
 * plan itself, each function switching on its own.
 *
 * Each figure is printed as median, min, max and count; -k KEY also
 * prints them as machine lines "FIG<TAB>KEY.phase.figure<TAB>us<TAB>median
 * <TAB>min<TAB>max<TAB>n" for bench/run.sh (bench/lib.sh).
 *
 *   freeze [-n N] [-t THREADS] [-P FILE.ulp] [-s] [-f] [-k KEY]
 *          RUNTIME.so */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "ulp/hijack.h"
#include "ulp/proc.h"

#define GAP_MIN_NS 5000

int bench_add(int x);
int bench_f1(int x);
#define NGAPS 4096

struct shared {
  volatile int ready;
  volatile pid_t blocked_tid;
  volatile uint64_t ngaps; /* gaps logged so far (ring index) */
  volatile uint64_t now;   /* the spinner's last clock read */
  struct {
    uint64_t start, len;
  } gaps[NGAPS];
};

static uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *blocked(void *arg)
{
  struct shared *sh = arg;
  int fd[2];
  char c;

  if (pipe(fd))
    return NULL;
  sh->blocked_tid = (pid_t)syscall(SYS_gettid);
  while (read(fd[0], &c, 1) < 0 && errno == EINTR)
    ;
  return NULL;
}

static void *idle_thread(void *arg)
{
  char c;

  while (read((int)(intptr_t)arg, &c, 1) < 0 && errno == EINTR)
    ;
  return NULL;
}

static int target(int fd, int nthreads)
{
  struct shared *sh =
      mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uint64_t last;
  pthread_t th;

  if (sh == MAP_FAILED)
    return 1;
  if (nthreads == 1) /* the spinner itself is borrowed */
    sh->blocked_tid = (pid_t)syscall(SYS_gettid);
  else if (pthread_create(&th, NULL, blocked, sh))
    return 1;
  while (!sh->blocked_tid)
    usleep(1000);
  if (nthreads > 2) {
    int pfd[2];
    pthread_attr_t a;
    if (pipe(pfd))
      return 1;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 65536);
    for (int i = 2; i < nthreads; i++)
      if (pthread_create(&th, &a, idle_thread, (void *)(intptr_t)pfd[0]))
        return 1;
  }
  /* Both patchable libraries are loaded (-P patches them). */
  sh->ready = bench_add(0) + bench_f1(0) > 0;
  last = now_ns();
  for (;;) { /* killed by the parent */
    uint64_t t = now_ns();
    if (t - last > GAP_MIN_NS) {
      uint64_t i = sh->ngaps;
      sh->gaps[i % NGAPS].start = last;
      sh->gaps[i % NGAPS].len = t - last;
      __atomic_store_n(&sh->ngaps, i + 1, __ATOMIC_RELEASE);
    }
    sh->now = last = t;
  }
}

/* Longest logged gap since index from that overlaps [a, b). */
static uint64_t longest(const struct shared *sh, uint64_t from, uint64_t a,
                        uint64_t b)
{
  uint64_t to = __atomic_load_n(&sh->ngaps, __ATOMIC_ACQUIRE), best = 0;

  if (to - from > NGAPS)
    from = to - NGAPS;
  for (uint64_t i = from; i < to; i++) {
    uint64_t s = sh->gaps[i % NGAPS].start, l = sh->gaps[i % NGAPS].len;
    if (s < b && s + l > a && l > best)
      best = l;
  }
  return best;
}

static uint64_t t_phase[8];

static void on_phase(enum hijack_phase ph, void *arg)
{
  (void)arg;
  t_phase[ph] = now_ns();
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return x < y ? -1 : x > y;
}

/* The lower median, min and max of n samples (ns) in us; with a key, the
 * machine line too (bench/lib.sh). */
static void report(const char *key, const char *phase, const char *name,
                   const char *what, uint64_t *v, int n)
{
  double med, min, max;

  qsort(v, (size_t)n, sizeof(*v), cmp_u64);
  med = (double)v[(n - 1) / 2] / 1e3;
  min = (double)v[0] / 1e3;
  max = (double)v[n - 1] / 1e3;
  printf("  %-40s %8.1f us (min %.1f, max %.1f, n %d)\n", what, med, min, max,
         n);
  if (key)
    printf("FIG\t%s.%s.%s\tus\t%.1f\t%.1f\t%.1f\t%d\n", key, phase, name, med,
           min, max, n);
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

  nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
  uint64_t *gap, *claim, *any, *idle, *freeze, *total, *sw;
  struct shared *sh;
  int n = 50, nthreads = 2, fd, status, stop_world = 0, c;
  int per_function = 0, nself[2] = {0, 0};
  char fdarg[16], targ[16];
  const char *rt, *ulp = NULL, *key = NULL;
  char req[2][PATH_MAX + 2];
  size_t reqlen[2] = {0, 0};
  struct proc p;
  struct pulp_err e = {0};
  pid_t pid;

  if (argc == 4 && !strcmp(argv[1], "--target"))
    return target(atoi(argv[2]), atoi(argv[3]));
  while ((c = getopt(argc, argv, "+n:t:P:sfk:")) != -1)
    switch (c) {
    case 'n':
      n = atoi(optarg);
      break;
    case 't':
      nthreads = atoi(optarg);
      break;
    case 'P':
      ulp = optarg;
      break;
    case 's':
      stop_world = 1;
      break;
    case 'f':
      per_function = 1;
      break;
    case 'k':
      key = optarg;
      break;
    default:
      n = 0;
    }
  if (optind != argc - 1 || n < 1 || nthreads < 1) {
    fprintf(stderr, "usage: freeze [-n N] [-t THREADS] [-P FILE.ulp] [-s] "
                    "[-f] [-k KEY] RUNTIME.so\n");
    return 2;
  }
  if (ulp) {
    char abs[PATH_MAX];
    size_t l;
    if (!realpath(ulp, abs) || (l = strlen(abs)) < 4 ||
        strcmp(abs + l - 4, ".ulp"))
      return fprintf(stderr, "freeze: %s: not a .ulp file\n", ulp), 2;
    reqlen[0] = (size_t)snprintf(req[0], sizeof(req[0]), "F%s", abs) + 1;
    memcpy(abs + l - 4, ".rev", 4);
    reqlen[1] = (size_t)snprintf(req[1], sizeof(req[1]), "F%s", abs) + 1;
  }
  rt = argv[optind];
  fd = memfd_create("freeze", 0);
  if (fd < 0 || ftruncate(fd, sizeof(*sh)))
    return perror("memfd"), 1;
  sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (sh == MAP_FAILED)
    return perror("mmap"), 1;
  snprintf(fdarg, sizeof(fdarg), "%d", fd);
  snprintf(targ, sizeof(targ), "%d", nthreads);
  pid = fork();
  if (pid == 0) {
    setenv("LD_PRELOAD", rt, 1);
    execl("/proc/self/exe", argv[0], "--target", fdarg, targ, (char *)NULL);
    _exit(127);
  }
  while (!sh->ready)
    if (waitpid(pid, &status, WNOHANG) == pid)
      return fprintf(stderr, "freeze: target died\n"), 1;
    else
      sleep_ms(1);
  sleep_ms(50);
  if (proc_open(pid, &p, &e))
    return fprintf(stderr, "freeze: %s\n", e.msg), 1;

  int phases = ulp ? 2 : 1;
  size_t cnt = (size_t)n * 2;
  gap = calloc(cnt, sizeof(*gap));
  claim = calloc(cnt, sizeof(*claim));
  any = calloc(cnt, sizeof(*any));
  idle = calloc(cnt, sizeof(*idle));
  freeze = calloc(cnt, sizeof(*freeze));
  total = calloc(cnt, sizeof(*total));
  sw = calloc(cnt, sizeof(*sw));
  for (int i = 0; i < n; i++)
    for (int ph = 0; ph < phases; ph++) {
      struct hijack_opts o = {.tid = sh->blocked_tid,
                              .hook = on_phase,
                              .stop_world = stop_world,
                              .per_function = per_function};
      struct hijack_stats st;
      uint64_t mark = sh->ngaps, t0 = now_ns(), t1;
      int k = ph * n + i;

      /* A window without a hijack: what the scheduler costs. */
      sleep_ms(2);
      idle[k] = longest(sh, mark, t0, now_ns());
      mark = sh->ngaps;
      memset(t_phase, 0, sizeof(t_phase));
      t0 = now_ns();
      if (hijack_run(&p, &o, ulp ? PULP_OP_APPLY : PULP_OP_PING,
                     ulp ? req[ph] : NULL, reqlen[ph], &st, &e)) {
        fprintf(stderr, "freeze: %s\n", e.msg);
        kill(pid, SIGKILL);
        return 1;
      }
      t1 = now_ns();
      /* Let the spinner run past the end and log its last gap (it may
       * wait for a CPU on a busy machine). */
      for (int w = 0; w < 1000 && sh->now <= t1; w++)
        sleep_ms(1);
      /* The claim: from the start to the borrowed thread's resume; the
       * commit: from then until the runtime is done (by the tool with
       * every thread stopped, or by the runtime itself: then the spinner
       * is never stopped and only the CPU it shares can delay it). */
      claim[k] = longest(sh, mark, t0, t_phase[HIJACK_AT_CALL]);
      gap[k] = longest(sh, mark, t_phase[HIJACK_AT_CALL] + 1,
                       t_phase[HIJACK_AT_DONE]);
      any[k] = longest(sh, mark, t0, t1);
      freeze[k] = st.freeze_ns;
      total[k] = st.total_ns;
      sw[k] = st.switch_ns;
      nself[ph] += st.self_committed != 0;
    }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  proc_close(&p);

  for (int ph = 0; ph < phases; ph++) {
    const char *phase = ulp ? (ph ? "revert" : "apply") : "ping";
    int k = ph * n;
    if (ulp)
      printf("freeze: %s %s, %d times in a %d-thread process (%d by the "
             "runtime's own commit%s); median, min, max\n",
             phase, ulp, n, nthreads, nself[ph],
             per_function ? ", per-function consistency" : "");
    else
      printf("freeze: %d hijacks of a %d-thread process (%s); median, min, "
             "max\n",
             n, nthreads,
             nthreads == 1 ? "the spinner is borrowed"
                           : "spinner + thread blocked in read, the one "
                             "borrowed, + others blocked");
    report(key, phase, "frozen_by_claim", "spinner frozen by the claim",
           claim + k, n);
    report(key, phase, "frozen_by_commit", "spinner frozen by the commit",
           gap + k, n);
    report(key, phase, "frozen_in_hijack",
           "spinner's longest gap during the hijack", any + k, n);
    report(key, phase, "noise_2ms", "spinner's longest gap, 2 ms without",
           idle + k, n);
    report(key, phase, "commit_window",
           "commit window (tool: stop all..resume)", freeze + k, n);
    report(key, phase, "switch_window", "runtime's commit, first..last switch",
           sw + k, n);
    report(key, phase, "hijack", "whole hijack (tool)", total + k, n);
  }
  free(gap);
  free(claim);
  free(any);
  free(idle);
  free(freeze);
  free(total);
  free(sw);
  return 0;
}
