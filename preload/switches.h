/* The operator's switches that turn live patching off in a process, read
 * once when the runtime loads, as libpulp does (libpulp(7)):
 *   LIBPULP_DISABLE_ON_PATH    ':'-separated wildcards over the program's
 *                              path (/proc/self/exe)
 *   LIBPULP_DISABLE_ON_USERS   uids or user-name wildcards (real uid)
 *   LIBPULP_DISABLE_ON_GROUPS  gids or group-name wildcards (real gid)
 * A disabled runtime stays inert: it refuses every request and publishes
 * why, so `ulp trigger` can skip the process without borrowing a thread. */
#ifndef PULP_PRELOAD_SWITCHES_H
#define PULP_PRELOAD_SWITCHES_H

#include "core/err.h"

/* 0, or -EPERM with the reason when live patching is disabled here. */
int switches_refuse(struct pulp_err *e);

#endif
