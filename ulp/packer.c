/* ulp packer: descriptor -> .ulp (apply) and .rev (revert). Every name is
 * checked against the ELF files here, so the runtime never meets a patch
 * that names a missing function. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "core/arch.h"
#include "core/descriptor.h"
#include "core/elf_file.h"
#include "core/libpulp_container.h"
#include "core/plan.h"
#include "core/ulp_format.h"
#include "embed.h"
#include "libinfo.h"
#include "pads.h"

#define CMD "packer"

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* OUT without its extension, for the patch's name and the .rev path. */
static char *strip_ext(const char *path, const char *ext)
{
  char *s = strdup(path);
  size_t n = strlen(s), k = strlen(ext);
  if (n > k && strcmp(s + n - k, ext) == 0)
    s[n - k] = '\0';
  return s;
}

static int write_file(const char *path, const uint8_t *buf, size_t len,
                      struct pulp_err *e)
{
  char tmp[PATH_MAX];
  FILE *f;

  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  f = fopen(tmp, "we");
  if (!f)
    return err_sys(e, -errno, "%s", tmp);
  if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
    remove(tmp);
    return err_sys(e, -EIO, "writing %s", path);
  }
  if (rename(tmp, path) != 0)
    return err_sys(e, -errno, "%s", path);
  return 0;
}

struct clone_search {
  const char *name;
  size_t len;
  const struct dsc *d;
  const struct dsc_func *df;
};

/* GCC clones (foo.isra.0, foo.constprop.0, foo.part.0) are separate code
 * that callers may call instead of foo: patching foo does not reach them. */
static int warn_clone(const char *name, const struct elf_sym *sym, void *arg)
{
  const struct clone_search *c = arg;
  static const char *const kinds[] = {".isra.", ".constprop.", ".part.",
                                      ".cold"};

  (void)sym;
  if (strncmp(name, c->name, c->len) != 0)
    return 0;
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (!strncmp(name + c->len, kinds[i], strlen(kinds[i]))) {
      if (i < 3)
        fprintf(stderr,
                "ulp packer: warning: %s:%d: '%s' has a compiler clone '%s' "
                "that is not patched; callers of the clone keep the old "
                "code\n",
                c->d->path, c->df->line, c->name, name);
      return 0;
    }
  return 0;
}

static int check_function(const struct pulp_arch_layout *L, struct libinfo *t,
                          const struct dsc *d, const struct dsc_func *df,
                          struct elf_sym *sym, int *raw_noted,
                          struct pulp_err *e)
{
  uint8_t win[PAD_WIN_MAX]; /* ppc64le: 64 + 16 bytes */
  struct pulp_pad_info info;
  int rc = libinfo_find_symbol(t, df->old_name, sym, e);

  if (rc)
    return err_ctx(e, "%s:%d", d->path, df->line);
  if (sym->type == STT_GNU_IFUNC)
    return err_set(e, -EINVAL,
                   "%s:%d: '%s' is an IFUNC: patching its resolver changes "
                   "nothing once it has run",
                   d->path, df->line, df->old_name);
  if (sym->type != STT_FUNC)
    return err_set(e, -EINVAL, "%s:%d: '%s' in %s is not a function", d->path,
                   df->line, df->old_name, libinfo_path(t));
  if (L->pre_len + L->post_len > sizeof(win) ||
      libinfo_read_window(t, sym->value - L->pre_len, win,
                          L->pre_len + L->post_len) != 0)
    return err_set(e, -EINVAL, "%s:%d: '%s': cannot read its entry in %s",
                   d->path, df->line, df->old_name, libinfo_path(t));
  rc = L->check(win, sym->value, &info, e);
  if (rc)
    return err_ctx(e, "%s:%d: '%s' is not live-patchable", d->path, df->line,
                   df->old_name);
  /* A pad as the compiler left it (a library built elsewhere without
   * 'ulp post'): `ulp trigger` switches it with every thread stopped; the
   * in-process API refuses it (docs/pad-layouts.md). */
  if (info.state == PULP_PAD_RAW && !*raw_noted) {
    *raw_noted = 1;
    fprintf(stderr,
            "ulp packer: note: %s:%d: '%s' has a pad not normalised by 'ulp "
            "post' (%s): 'ulp trigger' stops every thread to switch it; the "
            "in-process API refuses it\n",
            d->path, df->line, df->old_name, libinfo_path(t));
  }
  {
    struct clone_search c = {df->old_name, strcspn(df->old_name, ",@"), d, df};
    libinfo_each_function(t, warn_clone, &c);
  }
  return 0;
}

static int add_dep(struct ulp_patch *p, const struct dsc *d,
                   const struct dsc_dep *dd, struct pulp_err *e)
{
  struct ulp_dep *dep;
  struct ulp_patch dp;
  struct pulp_err ignore;

  dep = realloc(p->deps, (p->ndeps + 1) * sizeof(*dep));
  if (!dep)
    return err_set(e, -ENOMEM, "out of memory");
  p->deps = dep;
  dep = &p->deps[p->ndeps];
  memset(dep, 0, sizeof(*dep));
  if (ulp_read_file(dd->path, &dp, &ignore) == 0) {
    dep->name = strdup(dp.name);
    memcpy(dep->build_id, dp.patch_build_id, dp.patch_build_id_len);
    dep->build_id_len = dp.patch_build_id_len;
    ulp_free(&dp);
  } else {
    struct elf_file *f;
    if (elf_file_open(dd->path, 0, &f, e))
      return err_ctx(e, "%s:%d: dependency", d->path, dd->line);
    dep->build_id_len =
        (uint32_t)elf_file_build_id(f, dep->build_id, sizeof(dep->build_id));
    elf_file_close(f);
    dep->name = strip_ext(base_name(dd->path), ".so");
    if (!dep->build_id_len)
      return err_set(e, -EINVAL, "%s:%d: dependency %s has no build-id",
                     d->path, dd->line, dd->path);
  }
  p->ndeps++;
  return 0;
}

static int pack(const struct dsc *d, struct ulp_patch *p, struct pulp_err *e)
{
  struct libinfo *t = NULL;
  struct elf_file *po = NULL;
  int raw_noted = 0;
  const struct pulp_arch_layout *L;
  char real[PATH_MAX];
  int rc;

  if ((rc = libinfo_open(d->target, &t, e))) {
    err_ctx(e, "%s:%d: target", d->path, d->target_line);
    goto out;
  }
  if ((rc = elf_file_open(d->patch_obj, 0, &po, e))) {
    err_ctx(e, "%s:%d: patch object", d->path, d->patch_line);
    goto out;
  }
  L = arch_layout(libinfo_machine(t));
  if (!L) {
    rc = err_set(e, -ENOEXEC, "%s: unsupported ELF machine %u", d->target,
                 libinfo_machine(t));
    goto out;
  }
  if (elf_file_machine(po) != libinfo_machine(t)) {
    rc = err_set(e, -ENOEXEC,
                 "%s: patch object is for another architecture "
                 "than %s",
                 d->patch_obj, d->target);
    goto out;
  }
  p->machine = libinfo_machine(t);
  p->target_build_id_len = (uint32_t)libinfo_build_id(
      t, p->target_build_id, sizeof(p->target_build_id));
  p->patch_build_id_len = (uint32_t)elf_file_build_id(
      po, p->patch_build_id, sizeof(p->patch_build_id));
  if (!p->target_build_id_len || !p->patch_build_id_len) {
    rc = err_set(e, -EINVAL, "%s has no build-id (link with --build-id)",
                 p->target_build_id_len ? d->patch_obj : d->target);
    goto out;
  }
  /* Its constructors run in the target when the runtime loads it,
   * before any decision: a crash, exit() or a wait there is the target's
   * (docs/limits.md, "Patch object constructors"). */
  {
    char names[256];
    int n = elf_file_constructors(po, names, sizeof(names));
    if (n > 0)
      fprintf(stderr,
              "ulp packer: warning: %s has %d constructor%s (%s): %s run%s "
              "in every target process when the patch is loaded, before "
              "it is committed; if %s crashes, exits or blocks, so does "
              "the target\n",
              d->patch_obj, n, n > 1 ? "s" : "", names, n > 1 ? "they" : "it",
              n > 1 ? "" : "s", n > 1 ? "one" : "it");
  }
  /* A patch object that is the target redirects every function to
   * itself: each call would then jump to its own entry forever. */
  {
    struct stat ts, ps;
    if ((libinfo_elf(t) && stat(d->target, &ts) == 0 &&
         stat(d->patch_obj, &ps) == 0 && ts.st_dev == ps.st_dev &&
         ts.st_ino == ps.st_ino) ||
        (p->target_build_id_len == p->patch_build_id_len &&
         !memcmp(p->target_build_id, p->patch_build_id,
                 p->patch_build_id_len))) {
      rc = err_set(e, -EINVAL,
                   "%s:%d: the patch object %s is the target %s itself "
                   "(same file or build-id)",
                   d->path, d->patch_line, d->patch_obj, d->target);
      goto out;
    }
  }
  if (d->nfuncs > PULP_PLAN_MAX_FUNCS) {
    rc = err_set(e, -E2BIG,
                 "%s: %zu functions, more than the limit of %d in one patch "
                 "(split it into several patches)",
                 d->path, (size_t)d->nfuncs, PULP_PLAN_MAX_FUNCS);
    goto out;
  }
  p->target_is_exec = libinfo_is_executable(t);
  p->target =
      strdup(libinfo_soname(t) ? libinfo_soname(t) : libinfo_file_name(t));
  p->patch_path = strdup(realpath(d->patch_obj, real) ? real : d->patch_obj);

  p->funcs = calloc(d->nfuncs ? d->nfuncs : 1, sizeof(*p->funcs));
  p->refs = calloc(d->nrefs ? d->nrefs : 1, sizeof(*p->refs));
  for (size_t i = 0; i < d->nfuncs; i++) {
    const struct dsc_func *df = &d->funcs[i];
    struct elf_sym os, ns;
    if ((rc = check_function(L, t, d, df, &os, &raw_noted, e)))
      goto out;
    if ((rc = elf_file_find_symbol(po, df->new_name, &ns, e))) {
      err_ctx(e, "%s:%d", d->path, df->line);
      goto out;
    }
    if (ns.type != STT_FUNC) {
      rc = err_set(e, -EINVAL, "%s:%d: '%s' in %s is not a function", d->path,
                   df->line, df->new_name, d->patch_obj);
      goto out;
    }
    p->funcs[i] = (struct ulp_func){strdup(df->old_name), strdup(df->new_name),
                                    os.value, ns.value};
    p->nfuncs++;
  }
  for (size_t i = 0; i < d->nrefs; i++) {
    const struct dsc_ref *dr = &d->refs[i];
    struct ulp_ref *r = &p->refs[p->nrefs];
    r->tls = dr->tls;
    r->target_name = strdup(dr->target_name);
    r->patch_name = strdup(dr->patch_name);
    p->nrefs++;
    if (dr->has_offsets) {
      r->target_off = dr->target_off;
      r->patch_off = dr->patch_off;
      continue;
    }
    {
      struct elf_sym ts, ps;
      if ((rc = libinfo_find_symbol(t, dr->target_name, &ts, e)) ||
          (rc = elf_file_find_symbol(po, dr->patch_name, &ps, e))) {
        err_ctx(e, "%s:%d", d->path, dr->line);
        goto out;
      }
      if (dr->tls != (ts.type == STT_TLS)) {
        rc = err_set(e, -EINVAL,
                     dr->tls ? "%s:%d: '%s' is not a TLS variable"
                             : "%s:%d: '%s' is a TLS variable: write '#%%%s'",
                     d->path, dr->line, dr->target_name, dr->target_name);
        goto out;
      }
      r->target_off = ts.value;
      r->patch_off = ps.value;
      r->exported = ts.dynamic && !dr->tls;
    }
  }
  for (size_t i = 0; i < d->nlabels; i++) {
    char **l = realloc(p->labels, (p->nlabels + 1) * sizeof(*l));
    if (!l) {
      rc = err_set(e, -ENOMEM, "out of memory");
      goto out;
    }
    p->labels = l;
    p->labels[p->nlabels++] = strdup(d->labels[i]);
  }
  for (size_t i = 0; i < d->ndeps; i++)
    if ((rc = add_dep(p, d, &d->deps[i], e)))
      goto out;
  rc = 0;
out:
  libinfo_close(t);
  elf_file_close(po);
  return rc;
}

/* --embed: the patch object, copied to out (default: over itself), with
 * the .ulp in its .pulp section; readers take the container as its own
 * patch object (core/libpulp_container.h). */
static int pack_embedded(struct dsc *d, const char *out, int quiet)
{
  struct pulp_err e = {0};
  struct ulp_patch p = {0};
  const char *dst = out ? out : d->patch_obj;
  char *stem = strip_ext(dst, ".so");
  uint8_t *buf = NULL;
  size_t len = 0;
  int rc;

  p.kind = ULP_KIND_APPLY;
  p.name = strdup(base_name(stem));
  rc = pack(d, &p, &e);
  if (!rc)
    rc = ulp_encode(&p, &buf, &len, &e);
  if (!rc)
    rc = embed_section(d->patch_obj, dst, PULP_SECTION, buf, len, &e);
  if (rc)
    ulp_error(CMD, "%s", e.msg);
  else if (!quiet)
    printf("%s: %zu function%s, %zu reference%s on %s; wrote %s "
           "(single-file patch)\n",
           p.name, p.nfuncs, p.nfuncs == 1 ? "" : "s", p.nrefs,
           p.nrefs == 1 ? "" : "s", p.target, dst);
  free(buf);
  free(stem);
  ulp_free(&p);
  dsc_free(d);
  return rc ? ULP_EXIT_USAGE : ULP_EXIT_OK;
}

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: ulp packer [-o OUT.ulp] FILE.dsc\n"
          "       ulp packer --embed [-o OUT.so] FILE.dsc\n"
          "Builds OUT.ulp (default: FILE.ulp) and its reverse OUT.rev.\n"
          "With --embed, writes a single-file patch instead: the patch\n"
          "object carrying the patch in a " PULP_SECTION " section (default:\n"
          "the descriptor's patch object itself, updated in place).\n"
          "  -o, --output OUT        where to write the patch\n"
          "  -e, --embed             single-file patch (see above)\n"
          "  -q, --quiet            print nothing on success\n"
          "  -h, --help             this help\n");
}

int cmd_packer(int argc, char **argv)
{
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"embed", no_argument, 0, 'e'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *out = NULL;
  struct pulp_err e = {0};
  struct ulp_patch p = {0};
  struct dsc d;
  char *stem = NULL, *ulp_path = NULL, *rev_path = NULL;
  uint8_t *buf = NULL;
  size_t len;
  int c, quiet = 0, embed = 0, rc;

  optind = 1;
  while ((c = getopt_long(argc, argv, "o:eqh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case 'e':
      embed = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      usage(stdout);
      return ULP_EXIT_OK;
    default:
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (dsc_parse(argv[optind], &d, &e)) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  if (embed)
    return pack_embedded(&d, out, quiet);
  stem = strip_ext(out ? out : argv[optind], out ? ".ulp" : ".dsc");
  ulp_path = malloc(strlen(stem) + 5);
  rev_path = malloc(strlen(stem) + 5);
  sprintf(ulp_path, "%s.ulp", stem);
  sprintf(rev_path, "%s.rev", stem);
  p.kind = ULP_KIND_APPLY;
  p.name = strdup(base_name(stem));
  rc = pack(&d, &p, &e);
  if (!rc && !(rc = ulp_encode(&p, &buf, &len, &e)))
    rc = write_file(ulp_path, buf, len, &e);
  free(buf);
  buf = NULL;
  p.kind = ULP_KIND_REVERT;
  if (!rc && !(rc = ulp_encode(&p, &buf, &len, &e)))
    rc = write_file(rev_path, buf, len, &e);
  if (rc)
    ulp_error(CMD, "%s", e.msg);
  else if (!quiet)
    printf("%s: %zu function%s, %zu reference%s on %s; wrote %s and %s\n",
           p.name, p.nfuncs, p.nfuncs == 1 ? "" : "s", p.nrefs,
           p.nrefs == 1 ? "" : "s", p.target, ulp_path, rev_path);
  free(buf);
  free(stem);
  free(ulp_path);
  free(rev_path);
  ulp_free(&p);
  dsc_free(&d);
  return rc ? ULP_EXIT_USAGE : ULP_EXIT_OK;
}
