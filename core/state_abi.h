/* What the runtime publishes for readers outside the process (`ulp
 * patches`, `ulp messages`), read with process_vm_readv and never by
 * hijacking. A seqlock: the writer makes `generation` odd while it writes;
 * readers retry while it is odd or changed across their read. */
#ifndef PULP_CORE_STATE_ABI_H
#define PULP_CORE_STATE_ABI_H

#include <stdint.h>

#define PULP_STATE_SYMBOL "__pulp_state"
#define PULP_STATE_MAGIC 0x3154415453504c50ull /* "PLPSTAT1" */
#define PULP_STATE_ABI 2
#define PULP_STATE_MAX_PATCHES 64
#define PULP_LOG_SIZE 16384

struct pulp_state_patch {
  char name[64];
  char target[128];
  char patch_path[256];
  char build_id[129]; /* patch object build-id, hex */
  char reserved[7];
  uint32_t nfuncs;
  uint32_t seq;     /* application order */
  char labels[256]; /* comma-separated */
};

struct pulp_state {
  uint64_t magic;
  uint32_t abi_version;
  volatile uint32_t generation;
  uint32_t npatches;
  uint32_t log_head; /* total bytes ever logged; log is a ring */
  struct pulp_state_patch patches[PULP_STATE_MAX_PATCHES];
  char log[PULP_LOG_SIZE];
  /* Non-empty when an operator disabled live patching in this process
   * (LIBPULP_DISABLE_ON_PATH/USERS/GROUPS, libpulp(7)): why. The runtime
   * then refuses every request; the tool skips the process with this. */
  char disabled[256];
};

/* The reason `ulp set_patchable disable` writes into `disabled` (from
 * outside, with process_vm_writev: the runtime honours it at its next
 * request; `ulp set_patchable enable` clears only this one). */
#define PULP_STATE_DISABLED_BY_TOOL "patching disabled by ulp set_patchable"

/* Why live patching is disabled in the process that published s, or NULL. */
static inline const char *pulp_state_disabled(const struct pulp_state *s)
{
  return s->disabled[0] ? s->disabled : (const char *)0;
}

#endif
