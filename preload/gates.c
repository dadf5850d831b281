/* The gated per-patch switch (docs/apply-protocol.md, "Per-patch switch
 * without stopping threads (gates)"). One operation, in the borrowed
 * thread, while every other thread runs:
 *   A. each changing function f gets its gate (kept for f forever) and the
 *      gate's slot {gen = E+1, from = where f's calls go now, to = where
 *      they go after}; its pad is pointed at the gate and the plan of those
 *      writes is committed per function: nothing changes for any caller,
 *      the gates route to `from`;
 *   B. pulp_gate_epoch = E+1, one store: every function switches at once;
 *   C. each pad is pointed straight at its final target (or its entry
 *      restored) and committed per function: gate and direct agree.
 * Nothing is generated at run time: the gates are a pool in the runtime's
 * text (arch/<arch>/gate.S); slots and epoch are plain data. */
#define _GNU_SOURCE
#include "gates.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/arch.h"
#include "core/arch_live.h"
#include "engine.h"

struct change {
  uint64_t func, before, after;
  size_t gate;
};

static struct change changes[PULP_PLAN_MAX_FUNCS];
static size_t nchanges;
static size_t nfilled; /* changes whose slot this operation wrote */

/* Function -> gate, open addressing; a gate is never given back: a thread
 * preempted inside it may jump through its slot at any later time, and
 * every value the slot ever held is a version of that same function. */
#define TABLE 8192 /* > 2 x the largest pool */
static uint64_t table_func[TABLE];
static uint32_t table_gate[TABLE];
static size_t gates_used;

/* Plans A and C (one at a time); large: static, like the engine's. */
static struct pulp_plan plan;

void gates_reset(void)
{
  nchanges = 0;
}

void gates_note(uint64_t func, uint64_t before, uint64_t after)
{
  if (nchanges < PULP_PLAN_MAX_FUNCS)
    changes[nchanges++] =
        (struct change){.func = func, .before = before, .after = after};
}

/* The gate of func, allocated on first use; 0 when the pool is empty. */
static int gate_of(uint64_t func, size_t *gate)
{
  size_t h = (size_t)((func >> 4) * 0x9e3779b97f4a7c15ull >> 51) % TABLE;

  for (;; h = (h + 1) % TABLE) {
    if (table_func[h] == func) {
      *gate = table_gate[h];
      return 1;
    }
    if (!table_func[h])
      break;
  }
  if (gates_used >= arch_live_gate_count() || gates_used >= TABLE / 2)
    return 0;
  table_func[h] = func;
  table_gate[h] = (uint32_t)gates_used;
  *gate = gates_used++;
  return 1;
}

static uint64_t load64(const uint64_t *p)
{
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store64(uint64_t *p, uint64_t v)
{
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Before A changed anything the callers see (or after A was undone):
 * the gates route to where the calls go now, whatever the epoch. */
static void slots_undo(void)
{
  for (size_t i = 0; i < nfilled; i++) {
    struct pulp_gate_slot *s = arch_live_gate_slot(changes[i].gate);
    store64(&s->to, load64(&s->from));
  }
}

static void plan_clear(void)
{
  plan.nwrites = 0;
  plan.nguards = 0;
}

/* Fills each slot and plans A: every pad to its gate. 0, or negative
 * (nothing the callers see changed; the slots route to the current code). */
static int prepare_a(const struct pulp_arch_layout *L, uint64_t epoch,
                     struct pulp_err *e)
{
  nfilled = 0;
  for (size_t i = 0; i < nchanges; i++)
    if (!gate_of(changes[i].func, &changes[i].gate))
      return err_set(e, -ENOSPC, "no gate left (%zu used)", gates_used);
  plan_clear();
  for (size_t i = 0; i < nchanges; i++) {
    struct change *c = &changes[i];
    const uint8_t *win = (const uint8_t *)(uintptr_t)(c->func - L->pre_len);
    uint64_t gate = arch_live_gate_code(c->gate), now, body, to;
    struct pulp_gate_slot *s = arch_live_gate_slot(c->gate);
    struct pulp_pad_info info;
    int rc = L->check(win, c->func, &info, e);

    if (!rc && info.state == PULP_PAD_RAW)
      rc = err_set(e, -EINVAL, "raw pad: never gated");
    if (rc)
      return rc;
    /* Where the calls go now: the redirect's target, or the original
     * code past the entry (which the backend knows). */
    body = arch_live_gate_body(info.site);
    now = info.state == PULP_PAD_REDIRECTED ? info.target : body;
    to = body;
    if (c->after && (rc = arch_live_call_target(c->func, c->after, &to, e)))
      return rc;
    /* A pad left on its gate (a step C that failed): the gate's current
     * route is where the calls go. */
    if (now == gate)
      now = load64(&s->to);
    /* `from` first: while gen <= epoch the gate still takes `to`, the
     * route of the last operation, so `from` is free to change; set to
     * the current route, it is right before gen makes the gate take it.
     * `to`, the future, last. A thread already inside the gate reads
     * values that are each a whole version of this function (the
     * residual case is in the docs). x86_64 keeps the order of these
     * stores (TSO); the release stores keep it elsewhere. */
    store64(&s->from, now);
    store64(&s->gen, epoch + 1);
    store64(&s->to, to);
    nfilled = i + 1;
    if ((rc = L->redirect(win, c->func, gate, &plan, e)))
      return rc;
  }
  return 0;
}

/* Plans C: every pad straight to its final target, or its entry restored
 * (the pre-area stays armed on the gate, which routes to the body). */
static int prepare_c(const struct pulp_arch_layout *L, struct pulp_err *e)
{
  plan_clear();
  for (size_t i = 0; i < nchanges; i++) {
    const struct change *c = &changes[i];
    const uint8_t *win = (const uint8_t *)(uintptr_t)(c->func - L->pre_len);
    uint64_t target;
    int rc =
        c->after ? arch_live_call_target(c->func, c->after, &target, e) : 0;
    if (!rc)
      rc = c->after ? L->redirect(win, c->func, target, &plan, e)
                    : L->restore(win, c->func, &plan, e);
    if (rc)
      return rc;
  }
  return 0;
}

static int disabled(void)
{
  const char *v = getenv("PULP_GATES");

  return v && !strcmp(v, "0");
}

int gates_commit(gates_commit_fn commit, void (*at_instant)(void),
                 struct pulp_err *e)
{
  const struct pulp_arch_layout *L = arch_layout_native();
  uint64_t epoch = load64(&pulp_gate_epoch), ns;
  struct pulp_err ignore;
  int rc;

  if (nchanges < 2 || !arch_live_gate_count() || disabled())
    return 0;
  rc = prepare_a(L, epoch, &ignore);
  if (rc) {
    slots_undo();
    return 0;
  }
  /* commit qualifies the plans itself (per function, never a plain
   * write): 0 and nothing written when A does not, or C does not. */
  rc = commit(&plan, &ns, e);
  if (rc <= 0) {
    /* Nothing written, or everything written undone by commit. */
    slots_undo();
    return rc;
  }
  /* B: the instant. A thread whose load of the epoch sees E+1 at one
   * gate sees it at every later gate (one location, coherent), so in
   * each thread, once one function of the operation runs its new
   * version, every later call of any of them does too. */
  __atomic_store_n(&pulp_gate_epoch, epoch + 1, __ATOMIC_SEQ_CST);
  at_instant();
  /* C. Failing here changes nothing the callers see: every pad still
   * on its gate goes to the gate's `to`, the right version, for as long
   * as it stays there (the next operation re-points it). */
  for (int attempt = 0; attempt < 2; attempt++) {
    err_clear(&ignore);
    rc = prepare_c(L, &ignore);
    if (!rc)
      rc = commit(&plan, &ns, &ignore);
    if (rc > 0)
      return 1;
  }
  rt_log("gates: switched, but the pads stay on their gates (%s)",
         ignore.msg[0] ? ignore.msg : "could not re-point them");
  return 1;
}
