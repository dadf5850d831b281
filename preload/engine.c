/* The patch engine; see engine.h. A transaction computes, for every
 * function it touches, the redirect before and after (the newest applied
 * patch that replaces a function wins) and asks the layout backend for the
 * writes between the two. Nothing is written here. */
#define _GNU_SOURCE
#include "engine.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arch.h"
#include "core/arch_live.h"
#include "core/libname.h"
#include "core/state_abi.h"
#include "core/ulp_format.h"
#include "gates.h"
#include "images.h"
#include "state.h"
#include "switches.h"

struct rt_func {
  uintptr_t addr;     /* function in the target */
  uintptr_t new_addr; /* its replacement */
};

struct rt_patch {
  struct ulp_patch ulp;
  struct rt_image target;
  uintptr_t patch_base;
  void *handle; /* dlopen handle of the patch object */
  int fd;       /* the verified file it was loaded from (-1: none) */
  struct rt_func *funcs;
  size_t nfuncs;
  uint32_t seq;
};

struct patch_list {
  struct rt_patch **v;
  size_t n;
};

static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct patch_list applied;
static uint32_t next_seq = 1;

static struct {
  struct patch_list next;  /* applied list if the transaction commits */
  struct patch_list added; /* records created by this transaction */
  struct pulp_plan plan;
  uintptr_t planned[PULP_PLAN_MAX_FUNCS]; /* functions already planned */
  size_t nplanned;
  int stops_world; /* PULP_ENGINE_STOPS_WORLD: RAW pads may be switched */
} txn;

static int list_push(struct patch_list *l, struct rt_patch *p)
{
  struct rt_patch **v = realloc(l->v, (l->n + 1) * sizeof(*v));
  if (!v)
    return -ENOMEM;
  v[l->n++] = p;
  l->v = v;
  return 0;
}

static void list_remove_at(struct patch_list *l, size_t i)
{
  memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
  l->n--;
}

static int list_contains(const struct patch_list *l, const struct rt_patch *p)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i] == p)
      return 1;
  return 0;
}

static struct rt_patch *list_find_build_id(const struct patch_list *l,
                                           const uint8_t *id, size_t len)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i]->ulp.patch_build_id_len == len &&
        memcmp(l->v[i]->ulp.patch_build_id, id, len) == 0)
      return l->v[i];
  return NULL;
}

static void patch_free(struct rt_patch *p)
{
  /* The patch object stays loaded: a thread may still run its code. Its
   * fd stays open too: the link map calls it /proc/self/fd/N, and the
   * loader matches later dlopen() calls by that name. */
  ulp_free(&p->ulp);
  free(p->funcs);
  free(p);
}

/* The effective replacement of addr in list l: the newest patch wins. */
static uintptr_t effective(const struct patch_list *l, uintptr_t addr)
{
  for (size_t i = l->n; i-- > 0;)
    for (size_t j = 0; j < l->v[i]->nfuncs; j++)
      if (l->v[i]->funcs[j].addr == addr)
        return l->v[i]->funcs[j].new_addr;
  return 0;
}

static int check_pads(const struct pulp_arch_layout *L, struct rt_patch *p,
                      struct pulp_err *e)
{
  for (size_t i = 0; i < p->nfuncs; i++) {
    uint64_t off = p->ulp.funcs[i].old_off;
    /* The window is read below and written at commit: it must lie in
     * the target's code, or reading it could fault. */
    if (off < L->pre_len ||
        !images_holds(&p->target, off - L->pre_len, L->pre_len + L->post_len,
                      RT_SEG_EXEC))
      return err_set(e, -ENOEXEC,
                     "%s: %s: offset %#llx is not in the code of %s",
                     p->ulp.name, p->ulp.funcs[i].old_name,
                     (unsigned long long)off, p->ulp.target);
  }
  for (size_t i = 0; i < p->nfuncs; i++) {
    struct pulp_pad_info info;
    const uint8_t *win = (const uint8_t *)p->funcs[i].addr - L->pre_len;
    int rc = L->check(win, p->funcs[i].addr, &info, e);
    if (rc)
      return err_ctx(e, "%s: %s", p->ulp.target, p->ulp.funcs[i].old_name);
    /* A compiler's pad (no 'ulp post') may need every thread stopped to
     * switch (x86_64: a thread between its two NOPs); only `ulp trigger`
     * can do that. */
    if (info.state == PULP_PAD_RAW && !txn.stops_world)
      return err_set(e, -ENOEXEC,
                     "%s: %s: pad not normalised by 'ulp post': switching it "
                     "needs every thread stopped, which only 'ulp trigger' "
                     "does; the in-process API cannot",
                     p->ulp.target, p->ulp.funcs[i].old_name);
  }
  return 0;
}

/* The definition of name (name@version or name@@version) in handle. */
static void *lookup_in(void *handle, const char *name)
{
  char base[256];
  const char *at = strchr(name, '@');
  size_t n = at ? (size_t)(at - name) : strlen(name);

  if (n >= sizeof(base))
    return NULL;
  memcpy(base, name, n);
  base[n] = '\0';
  if (at)
    return dlvsym(handle, base, at + 1 + (at[1] == '@'));
  return dlsym(handle, base);
}

/* The definition of name the loader's global scope binds to. */
static void *lookup_global(const char *name)
{
  return lookup_in(RTLD_DEFAULT, name);
}

/* Every offset of the .ulp that the runtime acts on, against the loaded
 * images, before anything is written: new functions in the patch
 * object's code and equal to the symbols they name, reference slots in
 * its writable data, referenced variables in the target (TLS: in its
 * block). A checksum only proves the file is what the packer wrote. */
static int check_patch(const struct pulp_arch_layout *L, struct rt_patch *p,
                       const struct rt_image *img, struct pulp_err *e)
{
  uint64_t tls = images_tls_size(&p->target);

  for (size_t i = 0; i < p->nfuncs; i++) {
    const struct ulp_func *f = &p->ulp.funcs[i];
    void *sym;
    if (!images_holds(img, f->new_off, 1, RT_SEG_EXEC))
      return err_set(e, -ENOEXEC,
                     "%s: %s: new function offset %#llx is not in the code "
                     "of %s",
                     p->ulp.name, f->new_name, (unsigned long long)f->new_off,
                     p->ulp.patch_path);
    sym = lookup_in(p->handle, f->new_name);
    dlerror();
    if (sym && (uintptr_t)sym != p->patch_base + f->new_off)
      return err_set(e, -ENOEXEC,
                     "%s: %s: new function offset %#llx is not where %s "
                     "defines it (%#llx)",
                     p->ulp.name, f->new_name, (unsigned long long)f->new_off,
                     p->ulp.patch_path,
                     (unsigned long long)((uintptr_t)sym - p->patch_base));
  }
  for (size_t i = 0; i < p->ulp.nrefs; i++) {
    const struct ulp_ref *r = &p->ulp.refs[i];
    uint8_t ti[16];
    void *sym;
    uint64_t len = r->tls ? L->tls_ref(p->target.tls_modid, r->target_off, ti)
                          : sizeof(uintptr_t);
    if (!images_holds(img, r->patch_off, len, RT_SEG_DATA))
      return err_set(e, -ENOEXEC,
                     "%s: reference %s: offset %#llx is not in the writable "
                     "data of %s",
                     p->ulp.name, r->patch_name,
                     (unsigned long long)r->patch_off, p->ulp.patch_path);
    /* Like a new function, the slot is where the patch object defines the
     * reference (found by tests/fuzz: any other writable word, e.g. the
     * object's __dso_handle, was overwritten, and its unloading crashed). */
    sym = lookup_in(p->handle, r->patch_name);
    dlerror();
    if (sym && (uintptr_t)sym != p->patch_base + r->patch_off)
      return err_set(e, -ENOEXEC,
                     "%s: reference %s: offset %#llx is not where %s "
                     "defines it (%#llx)",
                     p->ulp.name, r->patch_name,
                     (unsigned long long)r->patch_off, p->ulp.patch_path,
                     (unsigned long long)((uintptr_t)sym - p->patch_base));
    if (r->tls ? !p->target.tls_modid || r->target_off >= tls
               : !images_holds(&p->target, r->target_off, 1, RT_SEG_ANY))
      return err_set(
          e, -ENOEXEC, "%s: reference %s: offset %#llx is not in the %s of %s",
          p->ulp.name, r->target_name, (unsigned long long)r->target_off,
          r->tls ? "TLS block" : "image", p->ulp.target);
  }
  return 0;
}

/* Opens the patch object and checks, from the file's bytes, that it is
 * the one the .ulp names, before anything of it is loaded or run. The fd
 * is kept: the object is then loaded from /proc/self/fd/N, the very file
 * that was checked, whatever happens to the path meanwhile. */
static int open_patch_object(struct rt_patch *p, char *name, size_t max,
                             struct pulp_err *e)
{
  uint8_t id[ULP_BUILD_ID_MAX];
  size_t n;
  int fd = open(p->ulp.patch_path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return err_sys(e, -errno, "%s: opening %s", p->ulp.name, p->ulp.patch_path);
  n = images_file_build_id(fd, id, sizeof(id));
  if (n != p->ulp.patch_build_id_len || memcmp(id, p->ulp.patch_build_id, n)) {
    close(fd);
    return err_set(e, -ESTALE,
                   "%s: %s is not the patch object this patch was packed "
                   "with (build-id differs); nothing was loaded",
                   p->ulp.name, p->ulp.patch_path);
  }
  p->fd = fd;
  snprintf(name, max, "/proc/self/fd/%d", fd);
  /* No /proc (a chroot): load by path; the build-id of what was loaded
   * is checked again below. */
  if (access(name, F_OK) != 0)
    snprintf(name, max, "%s", p->ulp.patch_path);
  return 0;
}

/* Undoes a dlopen of a refused patch object; its fd is closed only when
 * the object is really gone (its name must stay unique while loaded). */
static void unload_patch_object(struct rt_patch *p)
{
  char name[PATH_MAX + 32];

  snprintf(name, sizeof(name), "/proc/self/fd/%d", p->fd);
  if (p->fd < 0 || access(name, F_OK) != 0)
    snprintf(name, sizeof(name), "%s", p->ulp.patch_path);
  if (p->handle) {
    dlclose(p->handle);
    p->handle = NULL;
    if (p->fd >= 0 && dlopen(name, RTLD_NOLOAD | RTLD_LAZY)) {
      p->fd = -1; /* still loaded (and now referenced once more): keep */
      return;
    }
  }
  if (p->fd >= 0)
    close(p->fd);
  p->fd = -1;
}

static int fill_refs(const struct pulp_arch_layout *L, struct rt_patch *p)
{
  for (size_t i = 0; i < p->ulp.nrefs; i++) {
    const struct ulp_ref *r = &p->ulp.refs[i];
    void *at = (void *)(p->patch_base + r->patch_off);
    if (r->tls) {
      /* What the patch passes to the ABI's TLS resolver. */
      uint8_t ti[16];
      memcpy(at, ti, L->tls_ref(p->target.tls_modid, r->target_off, ti));
    } else {
      uintptr_t v = p->target.base + r->target_off;
      /* An exported variable may live elsewhere: a PIE executable that uses
       * it holds a copy (copy relocation) and the library's own code uses
       * that copy, as the global lookup finds it. */
      void *live = r->exported ? lookup_global(r->target_name) : NULL;
      if (live)
        v = (uintptr_t)live;
      memcpy(at, &v, sizeof(v));
    }
  }
  return 0;
}

/* Loads a .ulp into a new record appended to txn.next. */
static int load_patch(const struct pulp_arch_layout *L, struct ulp_patch *u,
                      struct pulp_err *e)
{
  struct rt_patch *p;
  struct rt_image patch_img;
  struct link_map *lm;
  char objname[PATH_MAX + 32];
  void *h;
  int rc;

  if ((p = list_find_build_id(&txn.next, u->patch_build_id,
                              u->patch_build_id_len))) {
    if (!ulp_same_patch(&p->ulp, u)) {
      rc = err_set(e, -EEXIST,
                   "%s: its patch object is applied as %s, another "
                   "description of it; revert %s first",
                   u->name, p->ulp.name, p->ulp.name);
      ulp_free(u);
      return rc;
    }
    rt_log("%s: already applied", u->name);
    ulp_free(u);
    return 0;
  }
  if (txn.next.n >= PULP_STATE_MAX_PATCHES) {
    rc = err_set(e, -E2BIG,
                 "%s: %zu patches are applied, the limit "
                 "(PULP_STATE_MAX_PATCHES); revert one first",
                 u->name, txn.next.n);
    ulp_free(u);
    return rc;
  }
  if (u->nfuncs > PULP_PLAN_MAX_FUNCS) {
    rc = err_set(e, -E2BIG,
                 "%s: %zu functions, more than the limit of %d in one patch",
                 u->name, u->nfuncs, PULP_PLAN_MAX_FUNCS);
    ulp_free(u);
    return rc;
  }
  p = calloc(1, sizeof(*p));
  if (!p)
    return err_set(e, -ENOMEM, "out of memory");
  p->fd = -1;
  p->ulp = *u;
  memset(u, 0, sizeof(*u));
  if (images_find_by_build_id(p->ulp.target_build_id,
                              p->ulp.target_build_id_len, &p->target) != 0) {
    struct rt_image other;
    rc = images_find_by_name(p->ulp.target, &other) == 0
             ? err_set(e, -ESTALE, "%s: another build of %s is loaded",
                       p->ulp.name, p->ulp.target)
             : err_set(e, -ENOENT, "%s: %s is not loaded", p->ulp.name,
                       p->ulp.target);
    goto fail;
  }
  if (p->ulp.patch_build_id_len == p->target.build_id_len &&
      !memcmp(p->ulp.patch_build_id, p->target.build_id,
              p->target.build_id_len)) {
    rc = err_set(e, -EINVAL, "%s: the patch object %s is the target %s itself",
                 p->ulp.name, p->ulp.patch_path, p->ulp.target);
    goto fail;
  }
  for (size_t i = 0; i < p->ulp.ndeps; i++)
    if (!list_find_build_id(&txn.next, p->ulp.deps[i].build_id,
                            p->ulp.deps[i].build_id_len)) {
      rc = err_set(e, -ENOPKG, "%s: depends on patch %s, which is not applied",
                   p->ulp.name, p->ulp.deps[i].name);
      goto fail;
    }
  p->nfuncs = p->ulp.nfuncs;
  p->funcs = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*p->funcs));
  if (!p->funcs) {
    rc = err_set(e, -ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < p->nfuncs; i++)
    p->funcs[i].addr = p->target.base + p->ulp.funcs[i].old_off;
  if ((rc = check_pads(L, p, e)))
    goto fail;
  /* Everything checkable is checked: only now load the patch object,
   * from the file whose build-id was just read. */
  if ((rc = open_patch_object(p, objname, sizeof(objname), e)))
    goto fail;
  h = p->handle = dlopen(objname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *m = dlerror();
    rc = err_set(e, -ELIBBAD, "%s: loading %s: %s", p->ulp.name,
                 p->ulp.patch_path, m ? m : "dlopen failed");
    goto fail;
  }
  /* The handle's object must have that build-id (it has, unless the file
   * changed under a path load, or an older object holds the name). Another
   * copy of the same object may be loaded too (a staged or single-file
   * patch applied again): this one is used. */
  if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 ||
      images_find_by_base(lm->l_addr, &patch_img) != 0 ||
      patch_img.build_id_len != p->ulp.patch_build_id_len ||
      memcmp(patch_img.build_id, p->ulp.patch_build_id,
             patch_img.build_id_len)) {
    rc = err_set(e, -ESTALE,
                 "%s: %s is not the patch object this patch was "
                 "packed with (build-id differs)",
                 p->ulp.name, p->ulp.patch_path);
    goto fail;
  }
  p->patch_base = patch_img.base;
  if ((rc = check_patch(L, p, &patch_img, e)))
    goto fail;
  for (size_t i = 0; i < p->nfuncs; i++)
    p->funcs[i].new_addr = p->patch_base + p->ulp.funcs[i].new_off;
  /* Pin the target so it cannot be unloaded under a patch. */
  if (*p->target.name)
    dlopen(p->target.name, RTLD_NOLOAD | RTLD_NODELETE | RTLD_LAZY);
  fill_refs(L, p);
  p->seq = next_seq++;
  if ((rc = list_push(&txn.next, p)) || (rc = list_push(&txn.added, p))) {
    err_set(e, rc, "out of memory");
    goto fail;
  }
  rt_log("%s: prepared (%zu functions on %s)", p->ulp.name, p->nfuncs,
         p->ulp.target);
  return 0;
fail:
  if (list_contains(&txn.next, p))
    list_remove_at(&txn.next, txn.next.n - 1);
  unload_patch_object(p);
  patch_free(p);
  return rc;
}

static int revert_patch(struct ulp_patch *u, struct pulp_err *e)
{
  for (size_t i = 0; i < txn.next.n; i++) {
    struct rt_patch *p = txn.next.v[i];
    if (p->ulp.patch_build_id_len != u->patch_build_id_len ||
        memcmp(p->ulp.patch_build_id, u->patch_build_id, u->patch_build_id_len))
      continue;
    for (size_t j = 0; j < txn.next.n; j++)
      for (size_t k = 0; k < txn.next.v[j]->ulp.ndeps; k++)
        if (j != i &&
            txn.next.v[j]->ulp.deps[k].build_id_len == u->patch_build_id_len &&
            !memcmp(txn.next.v[j]->ulp.deps[k].build_id, u->patch_build_id,
                    u->patch_build_id_len))
          return err_set(e, -EBUSY, "%s: patch %s depends on it", u->name,
                         txn.next.v[j]->ulp.name);
    list_remove_at(&txn.next, i);
    rt_log("%s: revert prepared", u->name);
    return 0;
  }
  return err_set(e, -ENOENT, "%s: patch is not applied", u->name);
}

/* lib as the user wrote it: the patch's target name, or any name of the
 * loaded library it patches (core/libname.h), as `ulp trigger` matched. */
static void revert_all(const char *lib)
{
  for (size_t i = txn.next.n; i-- > 0;) {
    struct rt_patch *p = txn.next.v[i];
    if (pulp_lib_matches(lib, p->ulp.target, NULL) ||
        images_matches(&p->target, lib))
      list_remove_at(&txn.next, i);
  }
  rt_log("revert-all %s prepared", lib);
}

static int do_item(const struct pulp_arch_layout *L, const char *item,
                   struct pulp_err *e)
{
  struct ulp_patch u;
  int rc;

  if (item[0] == PULP_REQ_REVERT_ALL) {
    revert_all(item + 1);
    return 0;
  }
  if (item[0] != PULP_REQ_FILE && item[0] != PULP_REQ_REVERT_FILE)
    return err_set(e, -EINVAL, "bad request item");
  if ((rc = ulp_read_file_kind(
           item + 1, item[0] == PULP_REQ_REVERT_FILE ? ULP_KIND_REVERT : 0, &u,
           e)))
    return rc;
  if (u.machine != L->machine) {
    ulp_free(&u);
    return err_set(e, -ENOEXEC, "%s: patch is for another architecture",
                   item + 1);
  }
  if (u.kind == ULP_KIND_REVERT) {
    rc = revert_patch(&u, e);
    ulp_free(&u);
    return rc;
  }
  return load_patch(L, &u, e);
}

/* Plans the writes between `applied` and `txn.next` for one function. */
static int plan_function(const struct pulp_arch_layout *L, uintptr_t addr,
                         struct pulp_err *e)
{
  uintptr_t before = effective(&applied, addr);
  uintptr_t after = effective(&txn.next, addr);
  const uint8_t *win = (const uint8_t *)addr - L->pre_len;
  uint64_t target;
  int rc;

  if (before == after)
    return 0;
  for (size_t i = 0; i < txn.nplanned; i++)
    if (txn.planned[i] == addr)
      return 0;
  if (txn.nplanned == PULP_PLAN_MAX_FUNCS)
    return err_set(e, -E2BIG,
                   "more than %d functions change in one operation, the "
                   "limit (PULP_PLAN_MAX_FUNCS)",
                   PULP_PLAN_MAX_FUNCS);
  txn.planned[txn.nplanned++] = addr;
  /* For a per-patch commit through gates (gates.c). */
  gates_note(addr, before, after);
  if (!after)
    return L->restore(win, addr, &txn.plan, e);
  rc = arch_live_call_target(addr, after, &target, e);
  return rc ? rc : L->redirect(win, addr, target, &txn.plan, e);
}

static int plan_list(const struct pulp_arch_layout *L,
                     const struct patch_list *l, struct pulp_err *e)
{
  for (size_t i = 0; i < l->n; i++)
    for (size_t j = 0; j < l->v[i]->nfuncs; j++) {
      int rc = plan_function(L, l->v[i]->funcs[j].addr, e);
      if (rc)
        return err_ctx(e, "%s", l->v[i]->ulp.funcs[j].old_name);
    }
  return 0;
}

static void txn_drop(void)
{
  /* Nothing of an aborted patch ever ran but its constructors: unload. */
  for (size_t i = 0; i < txn.added.n; i++) {
    unload_patch_object(txn.added.v[i]);
    patch_free(txn.added.v[i]);
  }
  free(txn.added.v);
  free(txn.next.v);
  memset(&txn.added, 0, sizeof(txn.added));
  memset(&txn.next, 0, sizeof(txn.next));
}

/* Publishes the applied list for `ulp patches` (state_abi.h). */
static void publish(void)
{
  static struct pulp_state_patch v[PULP_STATE_MAX_PATCHES];
  size_t n =
      applied.n < PULP_STATE_MAX_PATCHES ? applied.n : PULP_STATE_MAX_PATCHES;

  memset(v, 0, sizeof(v));
  for (size_t i = 0; i < n; i++) {
    const struct rt_patch *p = applied.v[i];
    size_t off = 0;
    snprintf(v[i].name, sizeof(v[i].name), "%s", p->ulp.name);
    snprintf(v[i].target, sizeof(v[i].target), "%s", p->ulp.target);
    snprintf(v[i].patch_path, sizeof(v[i].patch_path), "%s", p->ulp.patch_path);
    ulp_hex(p->ulp.patch_build_id,
            p->ulp.patch_build_id_len < 64 ? p->ulp.patch_build_id_len : 64,
            v[i].build_id);
    v[i].nfuncs = (uint32_t)p->nfuncs;
    v[i].seq = p->seq;
    for (size_t j = 0; j < p->ulp.nlabels && off < sizeof(v[i].labels); j++)
      off += (size_t)snprintf(v[i].labels + off, sizeof(v[i].labels) - off,
                              "%s%s", j ? "," : "", p->ulp.labels[j]);
  }
  state_publish(v, n);
}

int engine_prepare(uint32_t op, const uint8_t *req, size_t len,
                   struct pulp_plan **plan, struct pulp_err *e)
{
  const struct pulp_arch_layout *L = arch_layout_native();
  size_t off = 0;
  int rc = 0;

  if ((rc = switches_refuse(e))) {
    rt_log("refused: %s", e->msg);
    return rc;
  }
  if (pthread_mutex_trylock(&engine_lock) != 0)
    return err_set(e, -EBUSY, "another patch operation is in progress");
  txn.stops_world = !!(op & PULP_ENGINE_STOPS_WORLD);
  memset(&txn.plan, 0, sizeof(txn.plan));
  txn.nplanned = 0;
  gates_reset();
  txn.next.v = malloc((applied.n + 1) * sizeof(*txn.next.v));
  if (!txn.next.v) {
    pthread_mutex_unlock(&engine_lock);
    return err_set(e, -ENOMEM, "out of memory");
  }
  if (applied.n)
    memcpy(txn.next.v, applied.v, applied.n * sizeof(*applied.v));
  txn.next.n = applied.n;
  while (off < len && rc == 0) {
    const char *item = (const char *)req + off;
    size_t n = strnlen(item, len - off);
    if (n == len - off) {
      rc = err_set(e, -EINVAL, "unterminated request");
      break;
    }
    if (n)
      rc = do_item(L, item, e);
    off += n + 1;
  }
  /* Functions whose patch set changed: those of removed and added patches. */
  if (!rc)
    rc = plan_list(L, &applied, e);
  if (!rc)
    rc = plan_list(L, &txn.added, e);
  if (rc) {
    rt_log("failed: %s", e->msg);
    txn_drop();
    pthread_mutex_unlock(&engine_lock);
    return rc;
  }
  *plan = &txn.plan;
  return 0;
}

void engine_finish(int committed)
{
  if (committed) {
    for (size_t i = 0; i < applied.n; i++)
      if (!list_contains(&txn.next, applied.v[i])) {
        rt_log("%s: reverted", applied.v[i]->ulp.name);
        patch_free(applied.v[i]);
      }
    for (size_t i = 0; i < txn.added.n; i++)
      rt_log("%s: applied", txn.added.v[i]->ulp.name);
    free(applied.v);
    applied = txn.next;
    free(txn.added.v);
    memset(&txn.added, 0, sizeof(txn.added));
    memset(&txn.next, 0, sizeof(txn.next));
    publish();
  } else {
    rt_log("aborted: nothing was changed");
    txn_drop();
  }
  pthread_mutex_unlock(&engine_lock);
}
