/* The runtime's published state and message log (core/state_abi.h). */
#ifndef PULP_PRELOAD_STATE_H
#define PULP_PRELOAD_STATE_H

#include <stddef.h>

#include "core/state_abi.h"

void state_publish(const struct pulp_state_patch *v, size_t n);

#endif
