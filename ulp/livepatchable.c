#include "commands.h"
int cmd_livepatchable(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return ULP_EXIT_USAGE;
}
