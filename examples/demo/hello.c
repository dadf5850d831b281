/* The demo program: keeps printing what the library says. */
#include <stdio.h>
#include <unistd.h>

#include "hello.h"

int main(void)
{
  for (int i = 1;; i++) {
    printf("[%d] %s\n", i, hello_message());
    fflush(stdout);
    usleep(400 * 1000);
  }
}
