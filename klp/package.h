/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The distribution package that owns a file: dpkg's file lists
 * (/var/lib/dpkg/info/PKG.list, read directly so that --root works), else
 * "rpm -qf" when an rpm database exists.
 */
#ifndef KLP_PACKAGE_H
#define KLP_PACKAGE_H

#include <stddef.h>

#include "klp.h"

/* "name version" into buf; -ENOENT when no package manager knows the file. */
int klp_package_owner(const struct klp_ctx *ctx, const char *path, char *buf,
                      size_t n);

#endif
