/* The runtime side of the patch store (store.h, docs/patch-store.md). Every
 * .ulp in the store whose target build is loaded and which is not applied
 * yet goes through the engine and the local commit, one patch per
 * transaction in the store's order (install order: dependencies first), so
 * that one bad entry never keeps the others out. A corrupt, mismatched or
 * untrusted entry is skipped with a log line; nothing here can fail the
 * process. */
#define _GNU_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/control_abi.h"
#include "core/libname.h"
#include "core/state_abi.h"
#include "core/store_dir.h"
#include "core/ulp_format.h"
#include "engine.h"
#include "images.h"
#include "local_commit.h"

extern struct pulp_state __pulp_state;

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long seen_adds; /* loader's dlpi_adds at the last look */
/* Set while this thread scans: a dlopen() under the scan (a patch object's
 * constructor) must not scan again. */
static __thread int scanning;

static int adds_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
  if (size >= offsetof(struct dl_phdr_info, dlpi_subs))
    *(unsigned long long *)arg = info->dlpi_adds;
  return 1; /* the counter is the same in every entry: stop at the first */
}

static unsigned long long loader_adds(void)
{
  unsigned long long adds = 0;

  dl_iterate_phdr(adds_cb, &adds);
  return adds;
}

/* Code is only taken from files that root or this process's user owns and
 * nobody else can write: a store is a way into every process. */
static int trusted(const char *path, int want_dir)
{
  struct stat st;

  if (stat(path, &st) != 0)
    return 0;
  if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
    return 0;
  return (st.st_uid == 0 || st.st_uid == geteuid()) &&
         !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static int applied(const struct ulp_patch *u)
{
  char id[2 * ULP_BUILD_ID_MAX + 1];

  ulp_hex(u->patch_build_id, u->patch_build_id_len, id);
  for (uint32_t i = 0; i < __pulp_state.npatches; i++)
    if (!strcmp(__pulp_state.patches[i].build_id, id))
      return 1;
  return 0;
}

static void apply_one(const char *path, const char *name)
{
  char req[PATH_MAX + 2];
  struct pulp_err e = {0};
  struct pulp_plan *plan;
  int n = snprintf(req, sizeof(req), "%c%s", PULP_REQ_FILE, path);
  int rc;

  /* A `ulp trigger` may hold the engine for a moment: wait for it (up to a
   * second) rather than leave the library unpatched. */
  for (int tries = 0; tries < 100; tries++) {
    rc = engine_prepare(PULP_OP_APPLY, (const uint8_t *)req, (size_t)n + 1,
                        &plan, &e);
    if (rc != -EBUSY)
      break;
    usleep(10000);
  }
  if (!rc) {
    rc = local_commit(plan, &e);
    engine_finish(rc == 0);
  }
  if (rc)
    rt_log("store: %s: skipped: %s", name, e.msg);
  else
    rt_log("store: %s: applied on load", name);
}

/* What a scan needs of an entry, kept while its file is unchanged: a
 * dlopen then costs a stat per entry, not a read and a checksum. */
struct seen {
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  uint8_t target_id[ULP_BUILD_ID_MAX];
  uint32_t target_id_len;
  char target[128];
  int mismatch_logged;
};

static struct seen *cache;
static size_t ncache;

static struct seen *cached(const struct stat *st)
{
  for (size_t i = 0; i < ncache; i++)
    if (cache[i].dev == st->st_dev && cache[i].ino == st->st_ino &&
        cache[i].size == st->st_size &&
        cache[i].mtime.tv_sec == st->st_mtim.tv_sec &&
        cache[i].mtime.tv_nsec == st->st_mtim.tv_nsec)
      return &cache[i];
  return NULL;
}

/* Reads the entry once; NULL (logged) when it is unusable. */
static struct seen *remember(const char *path, const char *file,
                             const struct stat *st)
{
  struct pulp_err e = {0};
  struct ulp_patch u;
  struct seen *c = cached(st), *v;

  if (c)
    return c;
  if (ulp_read_file(path, &u, &e)) {
    rt_log("store: %s: skipped: %s", file, e.msg);
    return NULL;
  }
  if (u.kind != ULP_KIND_APPLY) {
    rt_log("store: %s: skipped: not a patch", file);
    ulp_free(&u);
    return NULL;
  }
  if (!(v = realloc(cache, (ncache + 1) * sizeof(*v)))) {
    ulp_free(&u);
    return NULL;
  }
  cache = v;
  c = &cache[ncache++];
  memset(c, 0, sizeof(*c));
  c->dev = st->st_dev;
  c->ino = st->st_ino;
  c->size = st->st_size;
  c->mtime = st->st_mtim;
  memcpy(c->target_id, u.target_build_id, u.target_build_id_len);
  c->target_id_len = u.target_build_id_len;
  snprintf(c->target, sizeof(c->target), "%s", u.target);
  ulp_free(&u);
  return c;
}

static int name_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
  (void)size;
  return info->dlpi_name && *info->dlpi_name &&
         pulp_lib_matches(arg, info->dlpi_name, NULL);
}

/* Is an image of that name loaded (its link-map name, without the
 * soname and symlink resolution of images_find_by_name: this runs on every
 * dlopen that adds images, and only decides a log line)? */
static int loaded_by_name(const char *name)
{
  return dl_iterate_phdr(name_cb, (void *)name);
}

static void consider(const char *dir, const char *file)
{
  char path[PATH_MAX];
  struct pulp_err e = {0};
  struct ulp_patch u;
  struct rt_image img;
  struct stat st;
  struct seen *c;

  if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
    return;
  if (!trusted(path, 0) || stat(path, &st) != 0) {
    rt_log("store: %s: skipped: not a regular file owned by root (or this "
           "user) and writable only by its owner",
           file);
    return;
  }
  if (!(c = remember(path, file, &st)))
    return;
  if (images_find_by_build_id(c->target_id, c->target_id_len, &img) != 0) {
    if (!c->mismatch_logged && loaded_by_name(c->target)) {
      rt_log("store: %s: skipped: another build of %s is loaded", file,
             c->target);
      c->mismatch_logged = 1;
    }
    return;
  }
  /* Its target is loaded: now read it whole, as the engine will. */
  if (ulp_read_file(path, &u, &e)) {
    rt_log("store: %s: skipped: %s", file, e.msg);
    return;
  }
  if (applied(&u))
    ;
  else if (trusted(u.patch_path, 0))
    apply_one(path, file);
  else
    rt_log("store: %s: skipped: patch object %s is missing or not owned by "
           "root (or this user) and writable only by its owner",
           file, u.patch_path);
  ulp_free(&u);
}

static int is_ulp(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".ulp");
}

/* Called with store_lock held. */
static void scan(void)
{
  const char *dir = pulp_store_dir();
  struct dirent **ents;
  int n;

  if (pulp_state_disabled(&__pulp_state) || access(dir, F_OK) != 0)
    return;
  if (!trusted(dir, 1)) {
    rt_log("store %s: ignored: not a directory owned by root (or this user) "
           "and writable only by its owner",
           dir);
    return;
  }
  n = scandir(dir, &ents, is_ulp, alphasort);
  for (int i = 0; i < n; i++) {
    consider(dir, ents[i]->d_name);
    free(ents[i]);
  }
  if (n >= 0)
    free(ents);
}

void store_on_load(void)
{
  unsigned long long adds = loader_adds();

  if (scanning || adds == __atomic_load_n(&seen_adds, __ATOMIC_RELAXED))
    return;
  pthread_mutex_lock(&store_lock);
  scanning = 1;
  /* Remember the count from before the scan, not after: an image another
   * thread adds meanwhile is then looked at by the next call. The scan's
   * own patch objects cost one redundant look. */
  adds = loader_adds();
  if (adds != seen_adds) {
    __atomic_store_n(&seen_adds, adds, __ATOMIC_RELAXED);
    scan();
  }
  scanning = 0;
  pthread_mutex_unlock(&store_lock);
}

/* After switches.c's constructor (link order in preload/CMakeLists.txt):
 * a disabled runtime does not even open the store. At this point no other
 * thread of the program exists yet in the usual case, and none has called
 * into a library that its own constructor has not reached. */
__attribute__((constructor)) static void store_init(void)
{
  store_on_load();
}
