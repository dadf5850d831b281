// SPDX-License-Identifier: GPL-2.0-or-later
#include "klp.h"

int main(int argc, char **argv)
{
  return klp_main(argc, argv);
}
