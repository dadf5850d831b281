/* A one-function patch of libfoo with a constructor that misbehaves on
 * request of the target's environment: DEG_CTOR=exit calls exit(3),
 * DEG_CTOR=crash dereferences NULL, DEG_CTOR_HOLD=FILE sleeps while FILE
 * exists (at most 120 s). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *foo_name_ctor(void)
{
  return "ctor";
}

__attribute__((constructor)) static void misbehave(void)
{
  const char *how = getenv("DEG_CTOR"), *hold = getenv("DEG_CTOR_HOLD");

  if (how && !strcmp(how, "exit"))
    exit(3);
  if (how && !strcmp(how, "crash"))
    *(volatile int *)0 = 1;
  for (int i = 0; hold && i < 12000 && access(hold, F_OK) == 0; i++)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
}
