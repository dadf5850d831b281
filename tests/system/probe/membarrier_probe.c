/* Can this kernel make the runtime's own commit visible to every thread?
 * Registers for membarrier exactly as the runtime does when it loads
 * (preload/remote.c, remote_init): PRIVATE_EXPEDITED_SYNC_CORE, or where
 * the kernel lacks it the plain PRIVATE_EXPEDITED on the architectures
 * whose backend says it serialises as well (arch/<arch>/code_sync.c:
 * ppc64le, s390x). Without either the runtime leaves every commit to the
 * tool (every thread stopped). Prints "sync_core yes", "plain expedited
 * yes (no sync_core: ERRNO TEXT)" or "no (ERRNO TEXT)"; exit 0 or 1.
 * Built by tests/system/run.sh with the guest's compiler. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__s390x__) || defined(__powerpc64__)
#define PLAIN_SERIALISES 1
#else
#define PLAIN_SERIALISES 0
#endif

int main(void)
{
  int no_sync_core;

  if (syscall(SYS_membarrier,
              MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0) {
    puts("sync_core yes");
    return 0;
  }
  no_sync_core = errno;
  if (PLAIN_SERIALISES &&
      syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0,
              0) == 0) {
    printf("plain expedited yes (no sync_core: %s)\n", strerror(no_sync_core));
    return 0;
  }
  printf("no (%s)\n", strerror(no_sync_core));
  return 1;
}
