/* Is a stopped thread inside the allocator or the loader? Its live call
 * chain comes from a real unwind over the CFI (.eh_frame) of the mapped
 * objects by elfutils' libdwfl, which knows x86_64, ppc64le and s390x. A
 * raw scan of stack words cannot tell live frames from dead ones: a process
 * idle in scanf("%s") keeps, in scanf's frame, a stale return address into
 * malloc left by an earlier printf, and would never be patched. */
#define _GNU_SOURCE
#include "unsafe_code.h"

#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#define STACK_SCAN_BYTES 16384
/* The quick check reads at most this much of a stack: a thread deeper in
 * its stack is unwound. */
#define QUICK_SCAN_BYTES (256 * 1024)

/* Entry points that take the allocator's or the loader's locks. */
static const char *const unsafe_functions[] = {
    "malloc",       "free",           "calloc",         "realloc",
    "reallocarray", "memalign",       "posix_memalign", "aligned_alloc",
    "valloc",       "pvalloc",        "malloc_trim",    "malloc_info",
    "mallinfo",     "mallinfo2",      "malloc_stats",   "dlopen",
    "dlmopen",      "dlclose",        "dlsym",          "dlvsym",
    "dladdr",       "dladdr1",        "dlinfo",         "dl_iterate_phdr",
    "fork",         "_Fork",          "pthread_create", "pthread_exit",
    "exit",         "__cxa_finalize", "__libc_freeres",
};

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

void unsafe_code_add(struct unsafe_code *u, uint64_t lo, uint64_t hi,
                     const char *name)
{
  if (u->n == UNSAFE_CODE_MAX || lo >= hi)
    return;
  u->r[u->n].lo = lo;
  u->r[u->n].hi = hi;
  u->r[u->n].name = name;
  u->n++;
}

void unsafe_code_load(const struct proc *p, const struct proc_map *maps,
                      size_t n, struct unsafe_code *u)
{
  const struct proc_map *libc = NULL;

  memset(u, 0, sizeof(*u));
  for (size_t i = 0; i < n && !libc; i++)
    if (!strncmp(base_name(maps[i].path), "libc.so", 7))
      libc = &maps[i];
  if (!libc)
    return;
  /* proc.c reads libc's symbols once per file for the run (a fleet's
   * processes share one libc): each name is a lookup in memory. */
  for (size_t i = 0; i < sizeof(unsafe_functions) / sizeof(*unsafe_functions);
       i++) {
    uint64_t addr, size;
    if (proc_symbol_sized(p, maps, n, libc->path, unsafe_functions[i], &addr,
                          &size, NULL) == 0 &&
        size)
      unsafe_code_add(u, addr, addr + size, unsafe_functions[i]);
  }
  u->nlibc = u->n;
}

/* The function holding code address a. A return address lies after its
 * call: the call itself is at a - 1 (a noreturn call may end a function,
 * so a may equal its end). */
static const char *lookup_n(const struct unsafe_code *u, size_t n, uint64_t a,
                            int ret)
{
  if (ret) {
    if (!a)
      return NULL;
    a--;
  }
  for (size_t i = 0; i < n; i++)
    if (a >= u->r[i].lo && a < u->r[i].hi)
      return u->r[i].name;
  return NULL;
}

static const char *lookup(const struct unsafe_code *u, uint64_t a, int ret)
{
  return lookup_n(u, u->n, a, ret);
}

/* libdw, loaded when a thread is first checked, so that commands which
 * never borrow a thread (and the tool where libdw1 is not installed) pay
 * nothing. Types come from the header; no symbol is linked. */
static struct {
  int ok;
  __typeof__(dwfl_begin) *begin;
  __typeof__(dwfl_end) *end;
  __typeof__(dwfl_linux_proc_report) *report;
  __typeof__(dwfl_report_end) *report_end;
  __typeof__(dwfl_linux_proc_attach) *attach;
  __typeof__(dwfl_getthread_frames) *frames;
  __typeof__(dwfl_frame_pc) *frame_pc;
  Dwfl_Callbacks cb;
} dw;

/* No separate debug files: .eh_frame of the mapped objects is enough, and
 * a debuginfod lookup would stall the trigger on the network. */
static int no_debuginfo(Dwfl_Module *m, void **ud, const char *name,
                        Dwarf_Addr a, const char *file, const char *dlink,
                        GElf_Word crc, char **path)
{
  (void)m, (void)ud, (void)name, (void)a, (void)file, (void)dlink, (void)crc;
  (void)path;
  return -1;
}

static void load_libdw_once(void)
{
  void *h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);

  if (!h)
    return;
  dw.begin = (__typeof__(dw.begin))dlsym(h, "dwfl_begin");
  dw.end = (__typeof__(dw.end))dlsym(h, "dwfl_end");
  dw.report = (__typeof__(dw.report))dlsym(h, "dwfl_linux_proc_report");
  dw.report_end = (__typeof__(dw.report_end))dlsym(h, "dwfl_report_end");
  dw.attach = (__typeof__(dw.attach))dlsym(h, "dwfl_linux_proc_attach");
  dw.frames = (__typeof__(dw.frames))dlsym(h, "dwfl_getthread_frames");
  dw.frame_pc = (__typeof__(dw.frame_pc))dlsym(h, "dwfl_frame_pc");
  dw.cb.find_elf =
      (__typeof__(dw.cb.find_elf))dlsym(h, "dwfl_linux_proc_find_elf");
  dw.cb.find_debuginfo = no_debuginfo;
  dw.ok = dw.begin && dw.end && dw.report && dw.report_end && dw.attach &&
          dw.frames && dw.frame_pc && dw.cb.find_elf;
  /* the library stays loaded: it is cheap to keep */
}

/* Once per run, whichever worker of a wildcard trigger asks first: a
 * second worker must wait for the answer, not read a half-filled one
 * (it then fell back to the conservative scan and refused an idle
 * scanf thread: store_install_and_uninstall_in_running_processes). */
static int load_libdw(void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, load_libdw_once);
  return dw.ok;
}

struct unwinder {
  Dwfl *dwfl;
};

/* One session per process: its modules and their CFI are read once, for
 * every thread tried. Our threads are already ptrace-stopped, so libdwfl
 * must not attach them itself (assume_ptrace_stopped). */
static struct unwinder *unwinder_open(pid_t pid)
{
  struct unwinder *w;
  Dwfl *d;

  if (!load_libdw() || !(d = dw.begin(&dw.cb)))
    return NULL;
  if (dw.report(d, pid) != 0 || dw.report_end(d, NULL, NULL) != 0 ||
      dw.attach(d, pid, true) != 0 || !(w = malloc(sizeof(*w)))) {
    dw.end(d);
    return NULL;
  }
  w->dwfl = d;
  return w;
}

struct walk {
  const struct unsafe_code *u;
  const char *hit;
  unsigned frames;
};

static int frame_cb(Dwfl_Frame *f, void *arg)
{
  struct walk *w = arg;
  Dwarf_Addr pc;
  bool activation;

  if (!dw.frame_pc(f, &pc, &activation))
    return DWARF_CB_ABORT;
  w->hit = lookup(w->u, pc, !activation);
  if (w->hit || ++w->frames >= UNSAFE_CODE_MAX_FRAMES)
    return DWARF_CB_ABORT;
  return DWARF_CB_OK;
}

/* 1 unwound (w->hit set if unsafe), 0 could not unwind to the end. */
static int unwind(struct unsafe_code *u, const struct proc *p, pid_t tid,
                  struct walk *w)
{
  int rc;

  if (u->unwind_broken)
    return 0;
  if (!u->uw && !(u->uw = unwinder_open(p->tid))) {
    u->unwind_broken = 1;
    return 0;
  }
  rc = dw.frames(u->uw->dwfl, tid, frame_cb, w);
  /* 0: the outermost frame was reached (its CFI ends the chain). The
   * callback stops early on a hit or at the bound: enough to decide. */
  return rc == 0 || w->hit || w->frames >= UNSAFE_CODE_MAX_FRAMES;
}

/* The conservative scan: any word on the stack that looks like a return
 * address into libc's unsafe functions counts, dead frames included (not
 * the loader's: lazy binding leaves its addresses on every stack). */
static const char *scan(const struct proc *p, const struct unsafe_code *u,
                        uint64_t sp)
{
  uint64_t words[512];
  const char *hit = NULL;

  for (uint64_t at = sp & ~7ull; !hit && at < (sp & ~7ull) + STACK_SCAN_BYTES;
       at += sizeof(words)) {
    /* Stop at the end of the stack mapping (the read fails there). */
    if (proc_read(p, at, words, sizeof(words), NULL) != 0)
      break;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words) && !hit; i++)
      hit = lookup_n(u, u->nlibc, words[i], 1);
  }
  return hit;
}

/* Is the thread perhaps running a signal handler? Then its live chain may
 * continue on another stack (a sigaltstack handler interrupted code on
 * the thread's own stack). A handler runs with its signal blocked (unless
 * SA_NODEFER): a thread with no caught signal blocked is in none. */
static int maybe_in_handler(const struct proc *p, pid_t tid)
{
  char path[96], buf[2048], *s;
  unsigned long long blk = ~0ull, cgt = ~0ull;
  uint64_t mask = ~0ull;
  ssize_t n;
  int fd;

  /* The thread is in a ptrace stop: its mask without reading a file. */
  if (ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(mask), &mask) == 0 && !mask)
    return 0;

  snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)p->pid,
           (int)tid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    return 1;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 1;
  buf[n] = '\0';
  if ((s = strstr(buf, "\nSigBlk:")))
    blk = strtoull(s + 8, NULL, 16);
  if ((s = strstr(buf, "\nSigCgt:")))
    cgt = strtoull(s + 8, NULL, 16);
  return (blk & cgt) != 0;
}

/* The mapping holding sp when it is the thread's own stack: the main
 * thread's [stack], or for another thread an anonymous writable mapping
 * right above a guard page (how the C library allocates thread stacks).
 * NULL otherwise (a sigaltstack, a coroutine's stack, a map we did not
 * read: the caller unwinds). */
static const struct proc_map *own_stack(const struct proc *p, pid_t tid,
                                        uint64_t sp)
{
  for (size_t i = 0; i < p->nmaps; i++) {
    const struct proc_map *m = &p->maps[i];
    if (sp < m->start || sp >= m->end)
      continue;
    if (tid == p->pid)
      return !strcmp(m->path, "[stack]") ? m : NULL;
    if (i == 0 || m->path[0] || strncmp(m->perms, "rw", 2) ||
        p->maps[i - 1].end != m->start ||
        strncmp(p->maps[i - 1].perms, "---", 3))
      return NULL;
    return m;
  }
  return NULL;
}

/* Is a in an executable mapping? The loader's range holds its data as
 * well: a pointer to its data is no return address. */
static int in_code(const struct proc *p, uint64_t a)
{
  for (size_t i = 0; i < p->nmaps; i++)
    if (a >= p->maps[i].start && a < p->maps[i].end)
      return p->maps[i].perms[2] == 'x';
  return 1; /* not in the map we read: suspect */
}

/* The quick check (no unwind): 1 when no live frame of the thread can be
 * in unsafe code, 0 when that is not sure. A live return address is a word
 * of the stack between sp and the stack's end; when no word there points
 * into unsafe code (as a return address would), no live frame is there.
 * Dead words may be suspects too: the unwind then decides. */
static int surely_safe(const struct proc *p, const struct unsafe_code *u,
                       pid_t tid, uint64_t sp)
{
  const struct proc_map *m = own_stack(p, tid, sp);
  uint64_t lo = UINT64_MAX, hi = 0, at = sp & ~7ull, *words;
  size_t len, n;
  int clean = 1;

  if (!m || m->end - at > QUICK_SCAN_BYTES || maybe_in_handler(p, tid))
    return 0;
  for (size_t i = 0; i < u->n; i++) {
    lo = u->r[i].lo < lo ? u->r[i].lo : lo;
    hi = u->r[i].hi > hi ? u->r[i].hi : hi;
  }
  len = (size_t)(m->end - at);
  if (!(words = malloc(len ? len : 1)))
    return 0;
  if (proc_read(p, at, words, len, NULL)) {
    free(words);
    return 0;
  }
  n = len / sizeof(*words);
  for (size_t i = 0; i < n && clean; i++)
    if (words[i] > lo && words[i] <= hi && lookup(u, words[i], 1))
      clean = !in_code(p, words[i] - 1);
  free(words);
  return clean;
}

const char *unsafe_code_find(const struct proc *p, struct unsafe_code *u,
                             pid_t tid, uint64_t pc, uint64_t link, uint64_t sp)
{
  struct walk w = {u, NULL, 0};
  const char *hit = lookup(u, pc, 0);

  /* A leaf function's return address is in the link register; the CFI
   * says so too, but a stale value there is cheap to be careful about. */
  if (!hit && link)
    hit = lookup(u, link, 1);
  if (hit)
    return hit;
  /* Most threads (idle in a system call) have no suspect word at all:
   * no need to load libdw and the CFI of every module for them. */
  if (surely_safe(p, u, tid, sp))
    return NULL;
  if (unwind(u, p, tid, &w))
    return w.hit;
  /* No libdw, or a frame without CFI (JIT code, hand-written assembly):
   * fall back to the scan, which may refuse a thread that is safe. */
  return scan(p, u, sp);
}

void unsafe_code_release(struct unsafe_code *u)
{
  if (u->uw) {
    dw.end(u->uw->dwfl);
    free(u->uw);
  }
  u->uw = NULL;
  u->unwind_broken = 0;
}
