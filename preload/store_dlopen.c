/* dlopen() as the runtime exports it: the loader's own dlopen, then a look
 * at the patch store when the call added images (store.h). Nothing else is
 * interposed (not malloc); what this adds to a dlopen is measured by
 * bench/dlopen_bench.c (docs/patch-store.md).
 *
 * The loader searches a bare file name with the caller's RUNPATH/RPATH and
 * $ORIGIN, the caller being the return address of dlopen; called from here
 * it would see this library instead. So when the caller has a search path
 * of its own, the search is made here, in the loader's order, with the
 * directories the loader reports for the caller (RTLD_DI_SERINFO), and the
 * loader takes over from the cache and the default directories on. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

typedef void *(*dlopen_fn)(const char *, int);

static dlopen_fn real_dlopen;

static void self(void) {}

/* Does the image l carry DT_RPATH or DT_RUNPATH? */
static int has_search_path(const struct link_map *l)
{
  for (const ElfW(Dyn) *d = l->l_ld; d && d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_RPATH || d->d_tag == DT_RUNPATH)
      return 1;
  return 0;
}

/* The loader's search for file on behalf of caller l, up to (not
 * including) the cache and default directories. */
static void *search_as(struct link_map *l, const char *file, int mode)
{
  Dl_serinfo size, *si;
  void *h = NULL;

  if (dlinfo(l, RTLD_DI_SERINFOSIZE, &size) != 0 ||
      !(si = malloc(size.dls_size)))
    return NULL;
  si->dls_size = size.dls_size;
  si->dls_cnt = size.dls_cnt;
  if (dlinfo(l, RTLD_DI_SERINFO, si) == 0)
    for (unsigned i = 0; i < si->dls_cnt && !h; i++) {
      char path[4096];
      if (si->dls_serpath[i].dls_flags & LA_SER_DEFAULT)
        break;
      if (snprintf(path, sizeof(path), "%s/%s", si->dls_serpath[i].dls_name,
                   file) < (int)sizeof(path) &&
          access(path, F_OK) == 0)
        h = real_dlopen(path, mode); /* a wrong-class file: search on */
    }
  free(si);
  return h;
}

static void *open_as_caller(const char *file, int mode, void *caller,
                            int *from_self)
{
  static struct link_map *me;
  struct link_map *l = NULL;
  Dl_info info;
  void *h;

  *from_self = 0;
  if (!me)
    dladdr1((void *)self, &info, (void **)&me, RTLD_DL_LINKMAP);
  if (!dladdr1(caller, &info, (void **)&l, RTLD_DL_LINKMAP) || !l)
    return real_dlopen(file, mode);
  if (l == me) {
    *from_self = 1; /* the engine loading a patch object: by path */
    return real_dlopen(file, mode);
  }
  if (!file || strchr(file, '/') || !has_search_path(l))
    return real_dlopen(file, mode);
  /* The loader first looks for a loaded image of that name. */
  if ((h = real_dlopen(file, mode | RTLD_NOLOAD)))
    return h;
  if ((h = search_as(l, file, mode)))
    return h;
  return real_dlopen(file, mode);
}

__attribute__((visibility("default"))) void *dlopen(const char *file, int mode)
{
  void *caller = __builtin_return_address(0);
  int from_self;
  void *h;

  if (!real_dlopen)
    real_dlopen = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
  if (!real_dlopen)
    return NULL;
  h = open_as_caller(file, mode, caller, &from_self);
  if (h && !from_self)
    store_on_load();
  return h;
}
