/* Files of a trigger request that the target cannot open: a daemon that
 * chroot()ed after starting sees only its new root, where the .ulp, .rev
 * and patch objects named by the tool's paths do not exist. They are copied
 * into a private directory inside its root for the duration of the
 * operation (docs/chroot.md explains why this and not /proc/1/root). */
#ifndef PULP_ULP_STAGE_H
#define PULP_ULP_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ulp_format.h"
#include "proc.h"

struct stage {
  char dir[PATH_MAX]; /* the tool's path of the directory; "" if none */
  uint8_t *req;       /* the request for this process; NULL: use yours */
  size_t len;
};

/* Can p open path (as the tool names it) in its own root? */
int stage_reaches(const struct proc *p, const char *path);

/* Prepares the request for p: files[i] (absolute, decoded in patches[i])
 * as they are when p reaches them, else staged copies (a .ulp staged is
 * re-encoded to name its staged patch object). revert_all may be NULL;
 * "target" reverts each file's own target first (libpulp's
 * --revert-all=target). item is the request item of a file: 'F', or 'R'
 * to revert it (trigger --revert).
 * s->req stays NULL when nothing needed staging. */
int stage_request(const struct proc *p, const char *revert_all, char item,
                  char *const *files, const struct ulp_patch *patches, size_t n,
                  struct stage *s, struct pulp_err *e);

/* Removes the staged copies: a loaded patch object stays mapped. */
void stage_release(struct stage *s);

#endif
