#define _GNU_SOURCE
#include "target.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "core/elf_file.h"
#include "core/libname.h"

int target_open(pid_t pid, struct target *t, struct pulp_err *e)
{
  int rc;

  memset(t, 0, sizeof(*t));
  if ((rc = proc_open(pid, &t->proc, e)))
    return rc;
  if ((rc = proc_maps(&t->proc, &t->maps, &t->nmaps, e))) {
    proc_close(&t->proc);
    return rc;
  }
  t->runtime = proc_find_mapped(t->maps, t->nmaps, PULP_RUNTIME_NAME);
  return 0;
}

void target_close(struct target *t)
{
  free(t->maps);
  proc_close(&t->proc);
  memset(t, 0, sizeof(*t));
}

/* Is the image mapped by m (offset 0) the library name designates? */
static int maps_library(struct target *t, const struct proc_map *m,
                        const char *name)
{
  char soname[256];

  if (pulp_lib_matches(name, m->path, NULL))
    return 1;
  proc_soname(&t->proc, m, soname, sizeof(soname));
  return pulp_lib_matches(name, NULL, soname);
}

/* The first mapping of each mapped ELF file (offset 0). */
static int image_start(const struct target *t, size_t i)
{
  const struct proc_map *m = &t->maps[i];

  return m->path[0] == '/' && m->offset == 0 &&
         !(i > 0 && !strcmp(t->maps[i - 1].path, m->path));
}

int target_has_library(struct target *t, const char *name)
{
  for (size_t i = 0; i < t->nmaps; i++)
    if (image_start(t, i) && maps_library(t, &t->maps[i], name))
      return 1;
  return 0;
}

int target_has_object(struct target *t, const struct ulp_patch *u,
                      struct pulp_err *e)
{
  const char *seen = NULL;
  char other[2 * ULP_BUILD_ID_MAX + 1] = "", want[2 * ULP_BUILD_ID_MAX + 1];

  for (size_t i = 0; i < t->nmaps; i++) {
    const struct proc_map *m = &t->maps[i];
    uint8_t id[ULP_BUILD_ID_MAX];
    size_t n;

    if (!image_start(t, i))
      continue;
    n = proc_build_id(&t->proc, m, id, sizeof(id));
    if (n && n == u->target_build_id_len && !memcmp(id, u->target_build_id, n))
      return 0;
    if (!seen && maps_library(t, m, u->target)) {
      seen = m->path;
      ulp_hex(id, n, other);
    }
  }
  if (!seen)
    return err_set(e, -ENOENT, "does not have %s loaded", u->target);
  ulp_hex(u->target_build_id, u->target_build_id_len, want);
  return err_set(e, -ESTALE,
                 "another build of %s is loaded (build-id %s, the patch is "
                 "for %s)",
                 u->target, other, want);
}

void target_each_livepatchable(struct target *t,
                               void (*fn)(const char *path, void *arg),
                               void *arg)
{
  for (size_t i = 0; i < t->nmaps; i++) {
    const struct proc_map *m = &t->maps[i];
    char path[PATH_MAX + 64];
    struct elf_file *f;
    int yes;

    if (!image_start(t, i))
      continue;
    proc_file_path(&t->proc, m, path, sizeof(path));
    if (elf_file_open(path, 0, &f, NULL))
      continue;
    yes = elf_file_has_section(f, "__patchable_function_entries");
    elf_file_close(f);
    if (yes)
      fn(m->path, arg);
  }
}

/* One consistent copy of the state at addr into s (zeroed by the caller):
 * all of it, or (brief) without the log and the unused patch slots, which
 * are most of its 70 KiB: a fleet trigger reads it from every process. */
static int read_state_at(struct target *t, uint64_t addr, struct pulp_state *s,
                         int brief, struct pulp_err *e)
{
  const size_t head = offsetof(struct pulp_state, patches);
  const size_t dis = offsetof(struct pulp_state, disabled);
  int rc;

  for (int tries = 0; tries < 1000; tries++) {
    uint32_t gen, np;
    if ((rc = proc_read(&t->proc, addr, s, brief ? head : sizeof(*s), e)))
      return rc;
    if (s->magic != PULP_STATE_MAGIC || s->abi_version != PULP_STATE_ABI)
      return err_set(e, -EPROTO, "its runtime is another version of Pulp");
    gen = s->generation;
    np = s->npatches < PULP_STATE_MAX_PATCHES ? s->npatches
                                              : PULP_STATE_MAX_PATCHES;
    if (brief && gen % 2 == 0 && np &&
        (rc = proc_read(&t->proc, addr + head, s->patches,
                        np * sizeof(s->patches[0]), e)))
      return rc;
    if (brief && gen % 2 == 0 &&
        (rc = proc_read(&t->proc, addr + dis, s->disabled, sizeof(s->disabled),
                        e)))
      return rc;
    if (gen % 2 == 0) {
      uint32_t again;
      if ((rc = proc_read(&t->proc,
                          addr + offsetof(struct pulp_state, generation),
                          &again, sizeof(again), e)))
        return rc;
      if (again == gen)
        return 0;
    }
    nanosleep(&(struct timespec){0, 100000}, NULL);
  }
  return err_set(e, -EAGAIN, "its state kept changing while read");
}

static int read_state(struct target *t, struct pulp_state **out, int brief,
                      struct pulp_err *e)
{
  struct pulp_state *s;
  uint64_t addr;
  int rc;

  if (!t->runtime)
    return err_set(e, -ENOENT, "does not have libpulp.so loaded");
  if ((rc = proc_symbol(&t->proc, t->maps, t->nmaps, t->runtime,
                        PULP_STATE_SYMBOL, &addr, e)))
    return rc;
  if (!(s = calloc(1, sizeof(*s))))
    return err_set(e, -ENOMEM, "out of memory");
  if ((rc = read_state_at(t, addr, s, brief, e))) {
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int target_read_state(struct target *t, struct pulp_state **out,
                      struct pulp_err *e)
{
  return read_state(t, out, 0, e);
}

int target_read_state_brief(struct target *t, struct pulp_state **out,
                            struct pulp_err *e)
{
  return read_state(t, out, 1, e);
}

/* Reads up to max - 1 bytes of a /proc file into buf (NUL-ended); the
 * length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t max)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = read(fd, buf, max - 1);
  close(fd);
  buf[n > 0 ? n : 0] = '\0';
  return n;
}

static int name_matches(pid_t pid, const char *pattern)
{
  char path[64], comm[64] = "";

  if (!pattern)
    return 1;
  snprintf(path, sizeof(path), "/proc/%d/comm", pid);
  if (read_small(path, comm, sizeof(comm)) > 0)
    comm[strcspn(comm, "\n")] = '\0';
  return fnmatch(pattern, comm, 0) == 0;
}

/* Is there, in the len bytes at s, a path whose base name starts with
 * name ("/libpulp.so": no '/' after it on its line)? */
static int names_runtime(const char *s, size_t len, const char *name,
                         size_t nlen)
{
  const char *end = s + len, *q;

  while ((q = memmem(s, (size_t)(end - s), name, nlen))) {
    const char *eol = memchr(q + 1, '\n', (size_t)(end - q - 1));
    if (!memchr(q + 1, '/', (size_t)((eol ? eol : end) - q - 1)))
      return 1;
    s = q + 1;
  }
  return 0;
}

/* Does the maps file at path name the runtime (a mapped file whose base
 * name starts with PULP_RUNTIME_NAME)? Read in large pieces: the kernel
 * formats the whole map for every reader. */
static int maps_runtime(const char *path)
{
  static const char name[] = "/" PULP_RUNTIME_NAME;
  char buf[16384 + sizeof(name)];
  size_t keep = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC), has = 0;
  ssize_t n;

  if (fd < 0)
    return 0;
  while (!has && (n = read(fd, buf + keep, sizeof(buf) - 1 - keep)) > 0) {
    size_t len = keep + (size_t)n;
    buf[len] = '\0';
    has = names_runtime(buf, len, name, sizeof(name) - 1);
    /* A name cut by the end of this piece: keep its start. */
    keep = len < sizeof(name) ? len : sizeof(name) - 1;
    memmove(buf, buf + len - keep, keep);
  }
  close(fd);
  return has;
}

int target_open_scanned(pid_t pid, struct target *t, struct pulp_err *e)
{
  char path[64];
  int rc = target_open(pid, t, e);

  if (rc == 0 && t->runtime)
    return 0;
  if (rc == 0) {
    target_close(t);
    return 1;
  }
  /* Not open: mentioned only when its map names the runtime (a map the
   * tool may not read is another user's process: not a candidate). */
  snprintf(path, sizeof(path), "/proc/%d/maps", pid);
  return maps_runtime(path) ? rc : 1;
}

int target_each_process(const char *pattern, int (*fn)(pid_t pid, void *arg),
                        void *arg)
{
  DIR *d = opendir("/proc");
  struct dirent *de;
  int r = 0;

  if (!d)
    return -errno;
  while (!r && (de = readdir(d))) {
    pid_t pid;

    if (!isdigit((unsigned char)de->d_name[0]))
      continue;
    pid = (pid_t)atoi(de->d_name);
    if (pid != getpid() && name_matches(pid, pattern))
      r = fn(pid, arg);
  }
  closedir(d);
  return r;
}

struct runtime_filter {
  int (*fn)(pid_t pid, void *arg);
  void *arg;
};

static int if_runtime(pid_t pid, void *arg)
{
  const struct runtime_filter *f = arg;
  char path[64];

  snprintf(path, sizeof(path), "/proc/%d/maps", pid);
  return maps_runtime(path) ? f->fn(pid, f->arg) : 0;
}

int target_each_runtime_process(const char *pattern,
                                int (*fn)(pid_t pid, void *arg), void *arg)
{
  struct runtime_filter f = {fn, arg};

  return target_each_process(pattern, if_runtime, &f);
}

int target_state_patch_is(const struct pulp_state_patch *sp,
                          const struct ulp_patch *u)
{
  char id[2 * ULP_BUILD_ID_MAX + 1];

  ulp_hex(u->patch_build_id, u->patch_build_id_len, id);
  if (strcmp(sp->build_id, id))
    return 0;
  /* The state keeps the name's first bytes only. */
  return strncmp(sp->name, u->name, sizeof(sp->name) - 1) == 0 &&
                 sp->nfuncs == u->nfuncs
             ? 1
             : -1;
}
