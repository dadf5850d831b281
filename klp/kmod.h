/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading and removing modules: finit_module(2) and delete_module(2). */
#ifndef KLP_KMOD_H
#define KLP_KMOD_H

#include "klp.h"

/*
 * Load the module file; -EBUSY (another transition is running) is returned
 * with e filled so that the caller may retry.
 */
int klp_kmod_load(const char *path, const char *name, struct klp_err *e);

/* Remove a module that is no longer in use (never waits). */
int klp_kmod_unload(const char *name, struct klp_err *e);

#endif
