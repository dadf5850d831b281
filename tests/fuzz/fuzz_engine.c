/* libFuzzer target: the runtime's validation of a request (preload/
 * engine.c, engine_prepare), the code that stands between a .ulp file and
 * the writes into a live process. The input is a .ulp (its header
 * rewritten to match its body: fuzz_common.h) or a patch container; the
 * harness writes it to a memfd and asks the real engine, in this process,
 * to plan applying it ("F") and reverting it ("R") against the images
 * loaded here: the test libraries libfoo.so.1 and libbar.so.1 of a native
 * build, so that the build's foo_p1.ulp etc. (the seeds) name loaded
 * targets and every check of engine.c (target build-id, pads, new
 * functions in the patch object, reference slots and variables) is
 * reached. Every plan is then dropped (engine_finish(0)): nothing is ever
 * committed, so inputs stay independent. A validation gap shows as an
 * ASan report (a read or write outside the images) or a crash.
 *
 * Environment: FUZZ_FIXTURES = <native build>/tests/integration. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "core/state_abi.h"
#include "core/elf_file.h"
#include "core/libpulp_container.h"
#include "fuzz_common.h"
#include "preload/engine.h"
#include "preload/gates.h"

/* The engine's neighbours in libpulp.so, reduced to what a harness needs:
 * the message ring, the published state, the operator's switches, the
 * gates' record of what changes (used only by a commit, never here). */
void rt_log(const char *fmt, ...)
{
  (void)fmt;
}

void state_publish(const struct pulp_state_patch *v, size_t n)
{
  (void)v;
  (void)n;
}

int switches_refuse(struct pulp_err *e)
{
  (void)e;
  return 0;
}

void gates_reset(void)
{
}

void gates_note(uint64_t func, uint64_t before, uint64_t after)
{
  (void)func;
  (void)before;
  (void)after;
}

static int fd = -1;
static char item[80];

static void load(const char *dir, const char *lib)
{
  char p[4096];

  snprintf(p, sizeof(p), "%s/%s", dir, lib);
  if (!dlopen(p, RTLD_NOW | RTLD_GLOBAL)) {
    fprintf(stderr, "fuzz_engine: %s\n", dlerror());
    exit(2);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *dir = getenv("FUZZ_FIXTURES");

  (void)argc;
  (void)argv;
  if (!dir) {
    fprintf(stderr,
            "fuzz_engine: set FUZZ_FIXTURES=<build>/tests/integration\n");
    exit(2);
  }
  load(dir, "libfoo.so.1");
  load(dir, "libbar.so.1");
  fd = memfd_create("fuzz_engine.ulp", MFD_CLOEXEC);
  if (fd < 0)
    abort();
  return 0;
}

static void run(char kind, const uint8_t *data, size_t size)
{
  struct pulp_err e = {0};
  struct pulp_plan *plan;
  size_t len;

  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  len =
      (size_t)snprintf(item, sizeof(item), "%c/proc/self/fd/%d", kind, fd) + 1;
  if (engine_prepare(PULP_OP_APPLY, (const uint8_t *)item, len, &plan, &e) == 0)
    engine_finish(0);
  else if (!e.msg[0])
    abort(); /* every refusal names its reason */
}

/* Whether every reference of the .ulp names a symbol its patch object
 * exports. The runtime checks such a slot against the symbol; one it
 * cannot look up it can only check to be in the patch object's writable
 * data (docs/bad-input.md, "What the runtime cannot check"), and a forged
 * slot there may be any word of that data: the harness leaves those
 * inputs out rather than report what the contract allows. */
static int refs_checkable(const uint8_t *data, size_t size)
{
  struct pulp_err e = {0};
  struct ulp_patch p;
  struct elf_file *f = NULL;
  int ok = 1;

  if (ulp_decode(data, size, &p, &e) != 0)
    return 1; /* refused before any reference is looked at */
  if (p.nrefs && elf_file_open(p.patch_path, 0, &f, &e) != 0)
    f = NULL;
  for (size_t i = 0; ok && i < p.nrefs; i++) {
    struct elf_sym sym;
    ok = f && elf_file_find_symbol(f, p.refs[i].patch_name, &sym, &e) == 0 &&
         sym.dynamic;
  }
  if (f)
    elf_file_close(f);
  ulp_free(&p);
  return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *fixed = fuzz_fix_ulp(data, size);
  const uint8_t *in = fixed ? fixed : data;

  /* A patch container is its own patch object: the engine would dlopen the
   * mutated ELF file and run its code, which proves nothing about the
   * engine (what the loader runs is trusted: docs/bad-input.md). fuzz_ulp
   * covers the container reader. */
  if (ulp_is_elf(data, size) || !refs_checkable(in, size)) {
    free(fixed);
    return 0;
  }

  run(PULP_REQ_FILE, in, size);
  run(PULP_REQ_REVERT_FILE, in, size);
  free(fixed);
  return 0;
}
