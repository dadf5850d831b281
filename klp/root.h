/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the system's files under --root: every path klp reads (sys/...,
 * proc/..., lib/modules/..., the patch store) goes through here, so a unit
 * test can point klp at a prepared tree. Paths are given absolute ("/sys/..")
 * and prefixed with the root.
 */
#ifndef KLP_ROOT_H
#define KLP_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "klp.h"

#define KLP_PATH_MAX 4096

/* Build ROOT + formatted path into buf; -ENAMETOOLONG when it does not fit. */
int klp_path(const struct klp_ctx *ctx, char *buf, size_t n, const char *fmt,
             ...) __attribute__((format(printf, 4, 5)));

/* Read a whole small file (NUL-terminated); length or -errno. */
ssize_t klp_read_file(const char *path, char *buf, size_t n);

/*
 * Read a one-line attribute, trailing newline removed. Errors are recorded in
 * e ("reading PATH") and returned as -errno; -ENOENT is returned too, so that
 * callers can treat an object that vanished as gone.
 */
int klp_read_text(const struct klp_ctx *ctx, struct klp_err *e, char *buf,
                  size_t n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Same, parsed as a decimal integer; malformed contents: KLP_EXIT_ERROR. */
int klp_read_long(const struct klp_ctx *ctx, struct klp_err *e, long *v,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Write a value to an attribute ("writing VALUE to PATH" on failure). */
int klp_write_text(const struct klp_ctx *ctx, struct klp_err *e,
                   const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

bool klp_exists(const struct klp_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sorted entry names of a directory, without "." and "..". */
int klp_list_dir(const struct klp_ctx *ctx, struct klp_err *e, char ***names,
                 size_t *count, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void klp_free_names(char **names, size_t count);

/* Strict decimal parse of a whole string; false when malformed. */
bool klp_parse_long(const char *s, long *v);

/* Release of the running kernel under the root (proc/sys/kernel/osrelease). */
int klp_kernel_release(const struct klp_ctx *ctx, struct klp_err *e, char *buf,
                       size_t n);

/* Copy src into dst[n], truncating; always NUL-terminates. */
void klp_copy(char *dst, size_t n, const char *src);

#endif
