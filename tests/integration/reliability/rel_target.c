/* The process the reliability tests patch (docs/apply-protocol.md): like
 * the fixture app, it answers every line on stdin with one line of
 * results, "value=V name=N gap=MS bad=B", where gap is the longest stall
 * (ms) a heartbeat thread saw since the previous line and bad counts
 * forked children that found themselves inconsistent. Environment:
 *   REL_VFORK=S        a thread sits in vfork() while its child lives S s
 *   REL_EXIT_ON_PATCH  a thread exits the process as soon as foo_value
 *                      returns the patched result
 *   REL_MAIN_EXIT      the main thread calls pthread_exit; a worker reads
 *   REL_FORKER         a thread forks without pause; each child checks
 *                      that its control block is free and that its code
 *                      agrees with its published state, then exits
 *   REL_MDWE           the process forbids itself writable executable
 *                      memory as systemd's MemoryDenyWriteExecute=yes does
 *                      (a seccomp filter: mprotect and pkey_mprotect with
 *                      PROT_EXEC, mmap with PROT_WRITE and PROT_EXEC fail
 *                      with EPERM), before any thread starts */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "foo.h"
#include "pulp.h"

static long max_gap_ms;
static long bad_children;

static long now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *heartbeat(void *arg)
{
  long last = now_ms();

  (void)arg;
  for (;;) {
    struct timespec ts = {0, 5000000};
    long t;
    nanosleep(&ts, NULL);
    t = now_ms();
    if (t - last > __atomic_load_n(&max_gap_ms, __ATOMIC_RELAXED))
      __atomic_store_n(&max_gap_ms, t - last, __ATOMIC_RELAXED);
    last = t;
  }
  return NULL;
}

static void *vforker(void *arg)
{
  unsigned secs = (unsigned)atoi(arg);

  for (;;) {
    pid_t c = vfork();
    if (c == 0) {
      struct timespec ts = {secs, 0};
      /* Dies with the process: no orphan outlives the test. */
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      nanosleep(&ts, NULL); /* the parent waits in the kernel, state D */
      _exit(0);
    }
    if (c > 0)
      waitpid(c, NULL, 0);
  }
  return NULL;
}

static void *exit_on_patch(void *arg)
{
  (void)arg;
  while (foo_value(1) == 2)
    for (volatile int i = 0; i < 20000; i++)
      ;
  _exit(0);
}

/* In the child: a free control block, and code that agrees with the
 * state `ulp check` reads (patched name <=> one patch published). */
static int child_consistent(void)
{
  const struct pulp_control *c = dlsym(RTLD_DEFAULT, PULP_CONTROL_SYMBOL);
  int patched = !strcmp(foo_name(), "patched-1");

  if (!c || c->state != PULP_RS_IDLE)
    return 0;
  return patched == (pulp_patch_count() > 0);
}

static void *forker(void *arg)
{
  (void)arg;
  for (;;) {
    int st;
    pid_t c = fork();
    if (c == 0)
      _exit(child_consistent() ? 0 : 1);
    if (c > 0 && waitpid(c, &st, 0) == c &&
        (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
      __atomic_add_fetch(&bad_children, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void *reader(void *arg)
{
  char line[256];
  ssize_t n;

  (void)arg;
  while ((n = read(0, line, sizeof(line) - 1)) > 0) {
    line[n] = '\0';
    if (!strncmp(line, "quit", 4))
      exit(0);
    printf("value=%d name=%s gap=%ld bad=%ld\n", foo_value(1), foo_name(),
           __atomic_exchange_n(&max_gap_ms, 0, __ATOMIC_RELAXED),
           __atomic_load_n(&bad_children, __ATOMIC_RELAXED));
    fflush(stdout);
  }
  exit(0);
}

/* systemd's MemoryDenyWriteExecute=yes, on this machine's native
 * architecture only (the test runs natively). */
static int deny_write_execute(void)
{
#if defined(__x86_64__)
#define REL_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__powerpc64__)
#define REL_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define REL_AUDIT_ARCH AUDIT_ARCH_S390X
#endif
#define ARG2 (offsetof(struct seccomp_data, args[2]))
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, REL_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pkey_mprotect, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 2, 5),
      /* mprotect, pkey_mprotect: PROT_EXEC at all */
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG2),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 4, 3),
      /* mmap: PROT_WRITE and PROT_EXEC together */
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG2),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_WRITE, 0, 1),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
  };
  struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

int main(void)
{
  pthread_t t;

  if (getenv("REL_MDWE") && deny_write_execute()) {
    perror("rel_target: seccomp");
    return 2;
  }
  pthread_create(&t, NULL, heartbeat, NULL);
  if (getenv("REL_VFORK"))
    pthread_create(&t, NULL, vforker, getenv("REL_VFORK"));
  if (getenv("REL_EXIT_ON_PATCH"))
    pthread_create(&t, NULL, exit_on_patch, NULL);
  if (getenv("REL_FORKER"))
    pthread_create(&t, NULL, forker, NULL);
  if (getenv("REL_MAIN_EXIT")) {
    pthread_create(&t, NULL, reader, NULL);
    pthread_exit(NULL);
  }
  reader(NULL);
  return 0;
}
