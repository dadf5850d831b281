/* The architecture boundary, live half (DESIGN.md section 3): what the tool
 * needs to borrow a stopped thread of a traced process (save its whole
 * state, call the runtime's entry, put everything back), and what the
 * runtime's entry trampoline provides. Only the native backend is built;
 * ulp/ and preload/ use this header and never test the architecture.
 * Protocol: docs/apply-protocol.md. */
#ifndef PULP_CORE_ARCH_LIVE_H
#define PULP_CORE_ARCH_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* ---- tool side (arch/<arch>/regs.c) -------------------------------- */

/* Everything of one ptrace-stopped thread that a call could change: general
 * registers, the full FP/vector state, the signal mask. Opaque. */
struct arch_live_thread;

/* Reads the state of tid, which must be in a ptrace stop. */
int arch_live_save(pid_t tid, struct arch_live_thread **out,
                   struct pulp_err *e);
void arch_live_free(struct arch_live_thread *t);

uint64_t arch_live_pc(const struct arch_live_thread *t);
uint64_t arch_live_sp(const struct arch_live_thread *t);

/* The return address a function keeps in a register until its prologue
 * saves it (ppc64le LR, s390x r14), or 0 where a call pushes it on the
 * stack (x86_64). Thread choice treats it like a return address on the
 * stack: a thread stopped in a leaf function the allocator called is
 * inside the allocator. */
uint64_t arch_live_link_reg(const struct arch_live_thread *t);

/* Only the program counter of a stopped thread (cheap: no FP state). */
int arch_live_get_pc(pid_t tid, uint64_t *pc, struct pulp_err *e);

/* Serialises into ctx (at most max bytes, 64-aligned in the target) the
 * context the runtime restores by itself if the tool disappears: the
 * registers as the thread would resume them, an interrupted system call
 * already rewound for restart as the kernel does when no handler runs.
 * Returns the length used, or a negative errno. */
long arch_live_encode_ctx(const struct arch_live_thread *t, void *ctx,
                          size_t max, struct pulp_err *e);

/* Points the stopped thread at entry (the runtime trampoline) on the stack
 * whose 16-aligned top is stack_top, with signals blocked and no system
 * call restart on the way in. Changes the registers, then the signal mask. */
int arch_live_setup_call(pid_t tid, const struct arch_live_thread *t,
                         uint64_t entry, uint64_t stack_top,
                         struct pulp_err *e);

/* Puts back exactly the saved state (registers as saved, so the kernel
 * itself restarts an interrupted system call after the stop; FP/vector
 * state; signal mask). tid must be in a ptrace stop. */
int arch_live_restore(pid_t tid, const struct arch_live_thread *t,
                      struct pulp_err *e);

/* ---- runtime side (arch/<arch>/call_target.c, trampoline.S) -------- */

/* The address the redirected entry of func must branch to so that its
 * calls run new_fn with the calling convention intact: new_fn itself where
 * a plain branch keeps the ABI (x86_64, s390x), or a trampoline the
 * runtime owns (ppc64le: it restores the caller's TOC and return address
 * after the call, docs/pad-layouts.md). Anything it prepares is reachable
 * only once the plan's writes are committed; the same (func, new_fn) pair
 * gets the same target again. Fails only when no trampoline is left. */
int arch_live_call_target(uint64_t func, uint64_t new_fn, uint64_t *target,
                          struct pulp_err *e);

/* The runtime commits while other threads run only if it can make each of
 * them serialise its instruction fetch before it can see a switch
 * (docs/apply-protocol.md): membarrier(PRIVATE_EXPEDITED_SYNC_CORE) does,
 * where the kernel offers it. Returns 1 when the plain
 * membarrier(PRIVATE_EXPEDITED) does as well on this architecture, for
 * kernels without SYNC_CORE here: every thread it reaches returns from an
 * interruption, and a thread not running returns to user mode, through a
 * context-synchronising instruction (s390x LPSWE, POWER rfid; Linux 6.1
 * offers SYNC_CORE on ppc64le but not on s390x). 0 on x86_64, where a
 * return to user mode need not serialise. */
int arch_live_plain_membarrier_serialises(void);

/* ---- runtime side: gates (arch/<arch>/gates.c, docs/apply-protocol.md,
 * "Per-patch switch without stopping threads (gates)") ---------------- */

/* The slot a gate reads: a call entering the gate goes to `from` while
 * gen > pulp_gate_epoch, else to `to`. Every value ever stored in from or
 * to is a whole implementation of the one function the gate belongs to. */
struct pulp_gate_slot {
  uint64_t gen;
  uint64_t from;
  uint64_t to;
};

/* The instant of the per-patch switch: the runtime raises it by one with
 * a single store; it never decreases. */
extern uint64_t pulp_gate_epoch;

/* How many gates the backend has (a fixed pool in the runtime's text,
 * nothing generated at run time); 0: no gates, a multi-function plan in
 * per-patch mode is committed with every thread stopped. */
size_t arch_live_gate_count(void);

/* The code address of gate i (what a redirect points at) and its slot. */
uint64_t arch_live_gate_code(size_t i);
struct pulp_gate_slot *arch_live_gate_slot(size_t i);

/* Where the original code of a function goes on past its switched entry
 * bytes at site (struct pulp_pad_info.site): what its NOP entry falls
 * through to, the route a gate takes to the unpatched function. */
uint64_t arch_live_gate_body(uint64_t site);

/* Where the tool points the borrowed thread: blocks signals, calls
 * pulp_remote_handle() on the hijack stack and, when that returns, restores
 * the context found in pulp_arch_self_ctx and jumps back to the thread's
 * own code. Never executes a trap. */
void pulp_arch_remote_entry(void);

/* Defined by the runtime (preload/remote.c): PULP_CTX_MAX bytes, 64-aligned,
 * hidden. The runtime copies pulp_control.ctx here before it lets go of
 * the control block; the trampoline restores from it. */
extern unsigned char pulp_arch_self_ctx[];

#endif
