/* Code that a borrowed thread must not be inside: the runtime's call runs
 * malloc and dlopen on that thread, which would deadlock on (or corrupt) a
 * lock the thread already holds. A stopped thread is refused when its PC,
 * or a return address on its stack, lies in the allocator or the loader's
 * entry points of libc. */
#ifndef PULP_ULP_UNSAFE_CODE_H
#define PULP_ULP_UNSAFE_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"

#define UNSAFE_CODE_MAX 48

struct unsafe_code {
  struct {
    uint64_t lo, hi;
    const char *name;
  } r[UNSAFE_CODE_MAX];
  size_t n;
};

/* Collects the ranges from the libc mapped in p (through its .dynsym, which
 * Debian's stripped libc keeps). No libc: nothing to avoid. */
void unsafe_code_load(const struct proc *p, const struct proc_map *maps,
                      size_t n, struct unsafe_code *u);

/* The name of the unsafe function the thread (pc, link, sp) is inside, or
 * NULL; link is the return address a leaf function keeps in a register
 * (arch_live_link_reg), 0 if none. Scans the live stack conservatively: a
 * false hit only makes the tool try another thread or wait. */
const char *unsafe_code_find(const struct proc *p, const struct unsafe_code *u,
                             uint64_t pc, uint64_t link, uint64_t sp);

#endif
