/* The demo's live-patchable library. */
#include "hello.h"

const char *hello_message(void)
{
  return "Hello from version 1";
}
