/* A process that waits the way ordinary programs do: in scanf("%s"), after
 * malloc ran (its return addresses stay in dead stack slots). For every
 * word read it prints "value=N". With IDLE_CHROOT=DIR in its environment
 * it first chroot()s into DIR, as daemons do after starting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int value_get(void);

/* malloc called at every depth of the stack that scanf will use later:
 * the return addresses into malloc that malloc's own calls leave behind
 * lie in what become scanf's uninitialised locals, as printf's first
 * buffer allocation leaves them in real programs. */
__attribute__((noipa)) static void plant(int depth)
{
  volatile char pad[40];

  pad[0] = (char)depth;
  if (depth > 0)
    plant(depth - 1);
  else
    free(malloc(2000 + (size_t)pad[0])); /* past tcache: calls _int_malloc */
  pad[1] = pad[0];
}

int main(void)
{
  const char *root = getenv("IDLE_CHROOT");
  char word[256];

  for (int d = 0; d < 256; d++)
    plant(d);
  if (root) {
    if (chroot(root) != 0 || chdir("/") != 0) {
      perror("chroot");
      return 1;
    }
  }
  while (scanf("%255s", word) == 1) {
    if (!strcmp(word, "quit"))
      break;
    printf("value=%d\n", value_get());
    fflush(stdout);
  }
  return 0;
}
