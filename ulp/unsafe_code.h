/* Code that a borrowed thread must not be inside: the runtime's call runs
 * malloc and dlopen on that thread, which would deadlock on (or corrupt) a
 * lock the thread already holds. A stopped thread is refused when its live
 * call chain (PC, link register, return addresses found by unwinding its
 * stack over the CFI) passes through the allocator or the loader's entry
 * points of libc, or through the loader itself. */
#ifndef PULP_ULP_UNSAFE_CODE_H
#define PULP_ULP_UNSAFE_CODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

#define UNSAFE_CODE_MAX 48
/* Frames unwound per thread: deeper chains are checked by the scan. */
#define UNSAFE_CODE_MAX_FRAMES 256

struct unwinder;

struct unsafe_code {
  struct {
    uint64_t lo, hi;
    const char *name;
  } r[UNSAFE_CODE_MAX];
  size_t n;
  size_t nlibc; /* the first nlibc are libc's (the scan checks only those) */
  /* The libdw session of this process, opened on first use (NULL before);
   * unwind_broken: libdw missing or the process cannot be unwound, the
   * conservative scan is used. */
  struct unwinder *uw;
  int unwind_broken;
};

/* Collects the ranges from the libc mapped in p (through its .dynsym, which
 * Debian's stripped libc keeps), resolved once per libc file for the
 * tool's run. No libc: nothing to avoid. Thread-safe. */
void unsafe_code_load(const struct proc *p, const struct proc_map *maps,
                      size_t n, struct unsafe_code *u);

/* Adds [lo, hi) as unsafe under name (the loader: ld.so). */
void unsafe_code_add(struct unsafe_code *u, uint64_t lo, uint64_t hi,
                     const char *name);

/* The name of the unsafe function the thread tid, stopped by the caller
 * under ptrace, is inside, or NULL. pc, link and sp are its registers; link
 * is the return address a leaf function keeps in a register
 * (arch_live_link_reg), 0 if none. First a quick check without unwinding:
 * when sp lies in the thread's own stack (the main thread's [stack], or an
 * anonymous mapping above a guard page), the thread runs no signal handler
 * (no caught signal blocked), and no word of the stack from sp to the end
 * of that mapping (at most 256 KiB) points into unsafe code as a return
 * address would, no live frame can be there: safe. Otherwise the thread's
 * stack is unwound over the CFI of its modules (libdw, loaded on first
 * use), which tells live frames from dead words (a process idle in
 * scanf); when that fails the stack is scanned conservatively: a false hit
 * only makes the tool try another thread or wait. Uses p->maps (the map
 * read by proc_maps). */
const char *unsafe_code_find(const struct proc *p, struct unsafe_code *u,
                             pid_t tid, uint64_t pc, uint64_t link,
                             uint64_t sp);

/* Ends the libdw session (the next find opens a new one). */
void unsafe_code_release(struct unsafe_code *u);

#endif
