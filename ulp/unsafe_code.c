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
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define STACK_SCAN_BYTES 16384

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
  const char *libc = NULL;

  memset(u, 0, sizeof(*u));
  for (size_t i = 0; i < n && !libc; i++)
    if (!strncmp(base_name(maps[i].path), "libc.so", 7))
      libc = maps[i].path;
  if (!libc)
    return;
  for (size_t i = 0; i < sizeof(unsafe_functions) / sizeof(*unsafe_functions);
       i++) {
    uint64_t addr, size;
    if (proc_symbol_sized(p, maps, n, libc, unsafe_functions[i], &addr, &size,
                          NULL) == 0 &&
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
  int tried, ok;
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

static int load_libdw(void)
{
  void *h;

  if (dw.tried)
    return dw.ok;
  dw.tried = 1;
  if (!(h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL)))
    return 0;
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
  return dw.ok; /* the library stays loaded: it is cheap to keep */
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
