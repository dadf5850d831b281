#include "commands.h"
int cmd_check(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return ULP_EXIT_USAGE;
}
