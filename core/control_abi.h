/* The control block through which `ulp trigger` drives the runtime in a
 * live process (see docs/apply-protocol.md). It lives in libpulp.so's data,
 * exported as PULP_CONTROL_SYMBOL; the tool finds it through the ELF file of
 * the mapped runtime plus its load base, and reads/writes it with
 * process_vm_readv / /proc/PID/mem. Tool and runtime must be the same build:
 * the tool refuses a control block whose abi_version differs. */
#ifndef PULP_CORE_CONTROL_ABI_H
#define PULP_CORE_CONTROL_ABI_H

#include <stdint.h>

#define PULP_RUNTIME_NAME "libpulp.so" /* file name prefix of the runtime */
#define PULP_CONTROL_SYMBOL "__pulp_control"
#define PULP_CONTROL_MAGIC 0x314e4f43504c5550ull /* "PULPCON1" little end */
#define PULP_CONTROL_ABI                                                       \
  7 /* 3: plans of PULP_PLAN_MAX 4096; 4: mode;                                \
       5: call_ms; 6: SELF; 7: FUNCTION, switch_ns */

#define PULP_REQUEST_MAX 8192
#define PULP_CTX_MAX 8192 /* saved register context, arch-defined layout */
#define PULP_HIJACK_STACK 262144 /* dlopen + the engine run on it */

enum pulp_remote_state {
  PULP_RS_IDLE = 0,     /* nobody is using the block */
  PULP_RS_CALLING = 1,  /* tool set up a request and resumed the thread */
  PULP_RS_PREPARED = 2, /* runtime: plan ready at plan_addr, waiting */
  PULP_RS_COMMIT = 3,   /* tool: plan written, every thread was stopped */
  PULP_RS_ABORT = 4,    /* tool or runtime timeout: nothing was written */
  PULP_RS_DONE = 5,     /* runtime: finished; result/error valid; the
                           borrowed thread is parked for the tool to restore */
  PULP_RS_SELF = 6,     /* runtime: commits a single-switch plan itself;
                           entered from CALLING by compare-and-swap only, so
                           a tool that wrote ABORT (with the thread stopped)
                           after giving up is never overridden */
};
/* The runtime also moves DONE -> IDLE itself when it restores the borrowed
 * thread on its own (tool gone or too slow); a tool that then finds IDLE
 * only detaches. */

/* How the plan may be committed (docs/apply-protocol.md). */
enum pulp_remote_mode {
  PULP_MODE_STOP = 0,     /* always by the tool, with every thread stopped */
  PULP_MODE_SELF = 1,     /* by the runtime itself when the plan has one
                             switch point (plan_is_single_switch) and it can
                             store to code; else as PULP_MODE_STOP */
  PULP_MODE_FUNCTION = 2, /* as PULP_MODE_SELF, and also a plan with
                             several switch points when every write is
                             unreached or an aligned atomic store
                             (plan_is_per_function): each function
                             switches on its own, not the patch as one */
};

enum pulp_remote_op {
  PULP_OP_PING = 1,  /* no-op: tests the hijack path */
  PULP_OP_APPLY = 2, /* request: see engine.h, a list of ops */
};

struct pulp_control {
  uint64_t magic;
  uint32_t abi_version;
  uint32_t op;
  volatile uint32_t state;    /* enum pulp_remote_state */
  int32_t result;             /* 0 or negative errno */
  uint32_t commit_timeout_ms; /* runtime waits this long in PREPARED */
  uint32_t request_len;
  uint64_t plan_addr;      /* struct pulp_plan *, valid in PREPARED */
  uint64_t stack_top;      /* 16-aligned top of the hijack stack */
  uint64_t entry;          /* address of the arch entry trampoline */
  uint32_t tool_pid;       /* pid of the driving tool, in its own pid
                              namespace: diagnostics only. Tool death is seen
                              through the borrowed thread's TracerPid */
  uint32_t tid;            /* the borrowed thread */
  uint32_t writing;        /* tool: set (every thread stopped) before the
                              first plan write; a runtime that aborts on
                              its own finds it set only if the tool died
                              mid-commit, and then undoes the writes */
  uint32_t generation;     /* tool: +1 by each tool that claims the block
                              (every thread stopped); a tool that finds it
                              changed since its first look lost the race */
  uint32_t mode;           /* tool: PULP_MODE_* */
  uint32_t self_committed; /* runtime: it wrote the plan itself (set
                              before DONE) */
  uint64_t call_ms;        /* tool: CLOCK_MONOTONIC (ms) when it set CALLING:
                              how long a runtime still running on tid has run
                              (messages only) */
  uint64_t switch_ns;      /* runtime: its own commit, from the first switch
                              store to the last (the window in which a thread
                              may see some functions switched and others not);
                              0 when it did not commit itself */
  char error[512];
  uint8_t request[PULP_REQUEST_MAX];
  uint8_t ctx[PULP_CTX_MAX] __attribute__((aligned(64)));
};

#endif
