/* Can this kernel make the runtime's own commit visible to every thread?
 * Registers for membarrier(PRIVATE_EXPEDITED_SYNC_CORE) exactly as the
 * runtime does when it loads (preload/remote.c, remote_init): without it
 * the runtime leaves every commit to the tool (every thread stopped).
 * Prints "sync_core yes" or "sync_core no (ERRNO TEXT)"; exit 0 or 1.
 * Built by tests/system/run.sh with the guest's compiler. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
  if (syscall(SYS_membarrier,
              MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0) {
    puts("sync_core yes");
    return 0;
  }
  printf("sync_core no (%s)\n", strerror(errno));
  return 1;
}
