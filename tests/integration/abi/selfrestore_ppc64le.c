/* ppc64le only: the runtime's self-restore (arch/ppc64le/trampoline.S)
 * over the context arch_live_encode_ctx builds (regs.c), in one process,
 * so it runs under qemu-user (no ptrace there). The state comes from
 * getcontext() instead of ptrace, with CTR, LR, a vector, an FP register
 * and the signal mask set to values the thread did not have: after
 * rt_sigreturn the thread must resume right after getcontext() with
 * exactly those. Also the system-call restart rules of encode_ctx.
 *
 * qemu-user's rt_sigreturn reads the frame at r1 + 144 (the layout of its
 * own signal frames), the kernel at r1 (arch/powerpc/kernel/signal_64.c):
 * the restore itself only runs on a kernel (a qemu-system guest, real
 * POWER). Under qemu-user (PULP_QEMU_USER=1, set by ctest in a cross
 * build) the test checks the restart rules and exits 77 (skipped). */
#define _GNU_SOURCE
#include "arch/ppc64le/regs.c" /* struct arch_live_thread, resume_regs */

#include <stdio.h>
#include <ucontext.h>

unsigned char pulp_arch_self_ctx[8192] __attribute__((aligned(64)));
static unsigned char stack[65536] __attribute__((aligned(16)));
static unsigned char altstack[65536];
static ucontext_t uc;
static struct arch_live_thread th;
static volatile int pass;
static int failures;

#define MAGIC_CTR 0x1234567887654321ull
#define MAGIC_LR 0x0fedcba987654321ull
#define MAGIC_F31 6.125

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* What the trampoline calls; returning means "restore yourself". */
void pulp_remote_handle(void);
void pulp_remote_handle(void)
{
  struct pulp_err e;

  if (arch_live_encode_ctx(&th, pulp_arch_self_ctx, sizeof(pulp_arch_self_ctx),
                           &e) != PPC_UC_SIZE)
    abort();
}

static void restart_rules(void)
{
  struct pt_regs in = {0}, out;

  in.nip = 0x1000;
  in.orig_gpr3 = 77;
  in.trap = TRAP_SC;
  in.ccr = CR0_SO;
  in.gpr[0] = 162;
  in.gpr[3] = ERESTARTSYS;
  resume_regs(&in, &out);
  CHECK(out.nip == 0xffc && out.gpr[3] == 77 && out.gpr[0] == 162);
  in.gpr[3] = ERESTART_RESTARTBLOCK;
  resume_regs(&in, &out);
  CHECK(out.nip == 0xffc && out.gpr[0] == NR_RESTART_SYSCALL);
  in.ccr = 0; /* a successful call that returned 512 bytes */
  in.gpr[3] = ERESTARTSYS;
  resume_regs(&in, &out);
  CHECK(out.nip == 0x1000 && out.gpr[3] == ERESTARTSYS);
  in.trap = TRAP_SCV;
  in.gpr[3] = (uint64_t)-ERESTARTNOHAND;
  resume_regs(&in, &out);
  CHECK(out.nip == 0xffc && out.gpr[3] == 77);
  in.trap = TRAP_SC | TRAP_NORESTART;
  in.ccr = CR0_SO;
  in.gpr[3] = ERESTARTNOINTR;
  resume_regs(&in, &out);
  CHECK(out.nip == 0x1000);
  in.trap = 0x900; /* an interrupt, not a system call */
  resume_regs(&in, &out);
  CHECK(out.nip == 0x1000);
}

int main(void)
{
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)}, now;
  uint64_t ctr, lr;
  double f31;
  __vector unsigned int v31;
  sigset_t set;

  restart_rules();
  if (getenv("PULP_QEMU_USER")) {
    fprintf(stderr, "qemu-user: restart rules checked; the rt_sigreturn "
                    "restore needs a kernel (run this in a guest)\n");
    return failures ? 1 : 77;
  }
  CHECK(sigaltstack(&ss, NULL) == 0);
  sigemptyset(&set);
  sigprocmask(SIG_SETMASK, &set, NULL);
  getcontext(&uc);
  __asm__ volatile("mfctr %0; mflr %1; fmr %2, 31; vor %3, 31, 31"
                   : "=r"(ctr), "=r"(lr), "=d"(f31), "=v"(v31));
  if (pass == 0) {
    pass = 1;
    memcpy(&th.regs, uc.uc_mcontext.gp_regs, sizeof(th.regs));
    th.regs.msr = PPC_MSR_LE;
    th.regs.trap = 0;
    th.regs.ctr = MAGIC_CTR;
    th.regs.link = MAGIC_LR;
    memcpy(th.fpr, uc.uc_mcontext.fp_regs, sizeof(th.fpr));
    memcpy(&th.fpr[31], &(double){MAGIC_F31}, 8);
    memcpy(th.vmx, uc.uc_mcontext.v_regs, PPC_VMX_LEN);
    for (int i = 0; i < 4; i++)
      memcpy(th.vmx + 31 * 16 + 4 * i, &(uint32_t){0xc0de0000u + i}, 4);
    th.has_vmx = th.has_vsx = 1;
    th.sigmask = 1ull << (SIGUSR1 - 1);
    __asm__ volatile("mr 1, %0; mr 12, %1; mtctr 12; bctr"
                     :
                     : "r"(stack + sizeof(stack) - 32),
                       "r"(pulp_arch_remote_entry)
                     : "memory");
    __builtin_unreachable();
  }
  CHECK(ctr == MAGIC_CTR);
  CHECK(lr == MAGIC_LR);
  CHECK(f31 == MAGIC_F31);
  for (int i = 0; i < 4; i++)
    CHECK(v31[i] == 0xc0de0000u + i);
  sigprocmask(SIG_SETMASK, NULL, &set);
  CHECK(sigismember(&set, SIGUSR1) && !sigismember(&set, SIGUSR2));
  CHECK(sigaltstack(NULL, &now) == 0);
  CHECK(now.ss_sp == altstack && now.ss_size == sizeof(altstack));
  if (failures)
    fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}
