/* ppc64le live half, runtime side: the per-function call trampolines
 * (call_tramp.S, docs/pad-layouts.md). A redirect branches to stub i of a
 * fixed pool; slot i tells the common trampoline which new function to
 * call and where the old body continues. Slots are written here, while
 * the plan is prepared and before anything can reach them, and never
 * rewritten: one per (func, new_fn) pair for the life of the process. */
#include "core/arch_live.h"

#include <errno.h>

#include "call_tramp.h"

#define PPC_MFLR_R0 0x7c0802a6u

struct ppc_slot {
  uint64_t new_fn, cont, tpoff, ret;
};

struct ppc_shadow {
  uint64_t off;
  uint64_t pad[3];
  struct {
    uint64_t key, lr, toc, r31, base;
  } e[PPC_SHADOW_DEPTH];
};

_Static_assert(sizeof(struct ppc_slot) == PPC_SLOT_LEN, "slot layout");
_Static_assert(__builtin_offsetof(struct ppc_shadow, e) == PPC_SH_HDR,
               "shadow layout");
_Static_assert(sizeof(((struct ppc_shadow *)0)->e[0]) == PPC_ENT_LEN,
               "entry layout");

/* Read by the stubs through r12: hidden, in this object's .bss. */
__attribute__((
    visibility("hidden"))) struct ppc_slot pulp_ppc_call_slots[PPC_CALL_STUBS];
extern const char pulp_ppc_call_stubs[] __attribute__((visibility("hidden")));
extern const char pulp_ppc_call_tramp_ret[]
    __attribute__((visibility("hidden")));

/* Initial-exec: one thread-pointer-relative offset for every thread, known
 * before the thread exists, and no __tls_get_addr in the trampoline. The
 * runtime is preloaded (or linked), so its TLS is in the static block. */
static __thread struct ppc_shadow shadow
    __attribute__((tls_model("initial-exec")));

/* r13 (GCC 12 has no __builtin_thread_pointer for POWER). */
static char *thread_pointer(void)
{
  char *tp;

  __asm__("mr %0, 13" : "=r"(tp));
  return tp;
}

/* (func, new_fn) of each slot in use; only the engine's (serialised)
 * prepare step touches these. */
static struct {
  uint64_t func, new_fn;
} pairs[PPC_CALL_STUBS];
static unsigned nslots;

/* The old body after the redirect branch: local entry (after the TOC
 * setup, if any) + 'mflr r0' + the site. */
static int old_body(uint64_t func, uint64_t *cont, struct pulp_err *e)
{
  const uint32_t *w = (const uint32_t *)(uintptr_t)func;
  uint64_t local = func;

  if (((w[0] & 0xffff0000) == 0x3c4c0000 ||
       (w[0] & 0xffff0000) == 0x3c400000) &&
      (w[1] & 0xffff0000) == 0x38420000)
    local += 8;
  if (*(const uint32_t *)(uintptr_t)local != PPC_MFLR_R0)
    return err_set(e, -ENOEXEC, "no 'mflr r0' at the local entry of %#llx",
                   (unsigned long long)func);
  *cont = local + 8;
  return 0;
}

int arch_live_call_target(uint64_t func, uint64_t new_fn, uint64_t *target,
                          struct pulp_err *e)
{
  struct ppc_slot *s;
  uint64_t cont = 0;
  unsigned i;
  int rc;

  for (i = 0; i < nslots; i++)
    if (pairs[i].func == func && pairs[i].new_fn == new_fn)
      goto found;
  if (nslots == PPC_CALL_STUBS)
    return err_set(e, -ENOSPC,
                   "all %d call trampolines are in use (one per patched "
                   "function and replacement, for the life of the process)",
                   PPC_CALL_STUBS);
  rc = old_body(func, &cont, e);
  if (rc)
    return rc;
  i = nslots;
  s = &pulp_ppc_call_slots[i];
  s->new_fn = new_fn;
  s->cont = cont;
  s->tpoff = (uint64_t)((char *)&shadow - thread_pointer());
  s->ret = (uint64_t)(uintptr_t)pulp_ppc_call_tramp_ret;
  pairs[i].func = func;
  pairs[i].new_fn = new_fn;
  nslots++;
  /* The slot is visible before any redirect that leads to it. */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
found:
  *target = (uint64_t)(uintptr_t)(pulp_ppc_call_stubs + i * PPC_STUB_LEN);
  return 0;
}
