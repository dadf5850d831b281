/* The ppc64le call trampoline (docs/pad-layouts.md, "ppc64le call
 * trampoline"): constants shared by call_target.c (C) and call_tramp.S.
 *
 * A redirected pad enters stub i of a pool assembled into libpulp's text;
 * the stub turns r12 into the address of slot i and branches to the common
 * trampoline, which keeps the caller's LR, TOC (r2) and r31 on a per-thread
 * shadow stack while the new function runs. */
#ifndef PULP_ARCH_PPC64LE_CALL_TRAMP_H
#define PULP_ARCH_PPC64LE_CALL_TRAMP_H

#define PPC_CALL_STUBS 4096 /* (func, new_fn) pairs a process can redirect */
#define PPC_STUB_LEN 12     /* addis, addi, b */

/* Slot i (in .bss, written before the redirect is committed). */
#define PPC_SLOT_NEW 0    /* the new function's global entry */
#define PPC_SLOT_CONT 8   /* func's body after the redirect branch */
#define PPC_SLOT_TPOFF 16 /* shadow stack address minus the thread pointer */
#define PPC_SLOT_RET 24   /* the trampoline's return label */
#define PPC_SLOT_LEN 32

/* The shadow stack: static TLS (initial-exec), zero in every new thread. */
#define PPC_SHADOW_DEPTH 512 /* nested patched calls per thread */
#define PPC_SH_OFF 0         /* bytes of e[] in use (a multiple of ENT_LEN) */
#define PPC_SH_HDR 32        /* e[0] */
#define PPC_ENT_KEY 0        /* ~r1 at the call; 0 = free or being filled */
#define PPC_ENT_LR 8         /* the caller's return address */
#define PPC_ENT_TOC 16       /* the caller's r2 */
#define PPC_ENT_R31 24       /* the caller's r31 (the trampoline uses r31) */
#define PPC_ENT_BASE 32      /* the shadow stack's address (for the pop) */
#define PPC_ENT_LEN 40

#endif
