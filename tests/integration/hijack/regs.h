/* Per-architecture half of the hijack tests (arch/<arch>/): a spinner in
 * assembly (spin.S) that loads known values into every register it may,
 * spins until spin_stop is set, then stores what it holds; and the C side
 * (regs.c) that chooses the values and compares. hijack_target.c uses only
 * this interface, so it has no architecture code. */
#ifndef PULP_HIJACK_REGS_H
#define PULP_HIJACK_REGS_H

#include <stddef.h>

/* Shared with the spinners (hijack_target.c defines them). */
extern volatile int spin_stop, spin_running;

/* The register modes of this architecture, NULL-terminated. Each names a
 * test trigger_preserves_<mode> (tests/integration/hijack/CMakeLists.txt);
 * "any" is always accepted and means the most complete mode. */
const char *const *regs_modes(void);

/* Fills the values the spinner of mode loads and returns it in *spin.
 * Returns 0, 77 when this CPU lacks the registers of mode (*why says
 * what), or 2 for an unknown mode. */
int regs_prepare(const char *mode, void (**spin)(void), const char **why);

/* After the spinner returned: 0 when it stored what it loaded, else 1 with
 * the first difference described in msg. */
int regs_compare(const char *mode, char *msg, size_t len);

/* A plain spinner (also until spin_stop) whose code range the commit tests
 * use as a guard. */
void guard_spin(void);
extern char guard_spin_end[];

/* Test runtime only (arch/<arch>/clobber.c): changes the general, FP and
 * vector registers and the FP control state, so that a hijack that failed
 * to restore them is seen. */
void regs_clobber(void);

#endif
