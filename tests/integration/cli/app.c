/* Reads words; answers "value=N" with N from the fixture library. With
 * CLI_SECCOMP=1 it first installs a seccomp filter that denies openat
 * (EPERM), as a sandboxed daemon might: the runtime cannot load a patch
 * object then, unless the tool suspends the filter (--disable-seccomp). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int CLI_GET(void);

static void deny_openat(void)
{
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof(f) / sizeof(*f), f};

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
    perror("seccomp");
    exit(2);
  }
}

int main(void)
{
  const char *sc = getenv("CLI_SECCOMP");
  char word[64];

  if (sc && !strcmp(sc, "1"))
    deny_openat();
  while (scanf("%63s", word) == 1) {
    if (!strcmp(word, "quit"))
      break;
    printf("value=%d\n", CLI_GET());
    fflush(stdout);
  }
  return 0;
}
