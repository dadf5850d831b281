/* See pads.h. */
#include "ulp/pads.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/decode.h"

struct sym_name {
  uint64_t value;
  char *name;
};

struct sym_list {
  struct sym_name *v;
  size_t n, cap;
};

static int collect(const char *name, const struct elf_sym *sym, void *arg)
{
  struct sym_list *l = arg;

  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 256;
    struct sym_name *v = realloc(l->v, cap * sizeof(*v));

    if (!v)
      return -ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n].value = sym->value;
  l->v[l->n].name = strdup(name);
  if (!l->v[l->n].name)
    return -ENOMEM;
  l->n++;
  return 0;
}

/* By address; among equal addresses the first collected (.symtab) wins. */
static int by_value(const void *a, const void *b)
{
  const struct sym_name *x = a, *y = b;

  if (x->value != y->value)
    return x->value < y->value ? -1 : 1;
  return x < y ? -1 : x > y;
}

static const char *name_at(const struct sym_list *l, uint64_t value)
{
  size_t lo = 0, hi = l->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (l->v[mid].value < value)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < l->n && l->v[lo].value == value ? l->v[lo].name : NULL;
}

static void mark_bad(struct pad_set *s, struct pad *p, int rc, const char *why)
{
  if (p->rc == 0)
    s->nbad++;
  p->rc = rc;
  snprintf(p->why, sizeof(p->why), "%s", why);
}

int pads_load(struct elf_file *f, const struct pulp_arch_layout *layout,
              struct pad_set *s, struct pulp_err *e)
{
  size_t len = layout->pre_len + layout->post_len;
  struct sym_list syms = {0};
  uint64_t *entries;
  size_t n;
  int r;

  memset(s, 0, sizeof(*s));
  s->file = f;
  s->layout = layout;
  /* EM_PPC64 also names big-endian ELFv1 ppc64, which Pulp does not do. */
  if (layout->big_endian != elf_file_big_endian(f))
    return err_set(e, -ENOTSUP, "%s-endian ELF for %s is not supported",
                   elf_file_big_endian(f) ? "big" : "little", layout->name);
  if (len > PAD_WIN_MAX)
    return err_set(e, -EINVAL, "%s window of %zu bytes", layout->name, len);
  r = elf_file_patchable_entries(f, &entries, &n, e);
  if (r < 0)
    return r;
  r = elf_file_each_function(f, collect, &syms);
  if (r < 0) {
    free(entries);
    for (size_t i = 0; i < syms.n; i++)
      free(syms.v[i].name);
    free(syms.v);
    return err_set(e, r, "%s: reading symbols: out of memory",
                   elf_file_path(f));
  }
  qsort(syms.v, syms.n, sizeof(*syms.v), by_value);
  /* The names stay owned by the set; the array goes. */
  s->names = malloc((syms.n ? syms.n : 1) * sizeof(*s->names));
  s->pads = calloc(n ? n : 1, sizeof(*s->pads));
  if (!s->names || !s->pads) {
    for (size_t i = 0; i < syms.n; i++)
      free(syms.v[i].name);
    free(entries);
    free(syms.v);
    return err_set(e, -ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < syms.n; i++)
    s->names[i] = syms.v[i].name;
  s->nnames = syms.n;

  for (size_t i = 0; i < n; i++) {
    struct pad *p = &s->pads[s->n++];
    struct pulp_err pe = {0};

    p->func = entries[i] + layout->pre_len;
    p->name = name_at(&syms, p->func);
    if (elf_file_read_window(f, entries[i], p->win, len) < 0) {
      mark_bad(s, p, -EFAULT, "pad is not in the file's sections");
      continue;
    }
    r = layout->check(p->win, p->func, &p->info, &pe);
    if (r < 0)
      mark_bad(s, p, r, pe.msg);
  }
  free(entries);
  free(syms.v);
  return 0;
}

static int read_image(void *arg, uint64_t vaddr, void *buf, size_t len)
{
  return elf_file_read(arg, vaddr, buf, len);
}

int pads_verify(struct pad_set *s, unsigned flags, struct pulp_err *e)
{
  struct pulp_decoder *dec = NULL;
  struct pulp_plan *plan = NULL;
  int r = 0;

  if (flags & PADS_DECODE) {
    r = decoder_open(s->layout->machine, &dec, e);
    if (r < 0)
      return r;
  }
  if (flags & PADS_REDIRECT) {
    plan = malloc(sizeof(*plan));
    if (!plan) {
      decoder_close(dec);
      return err_set(e, -ENOMEM, "out of memory");
    }
  }
  for (size_t i = 0; i < s->n; i++) {
    struct pad *p = &s->pads[i];
    struct pulp_err pe = {0};

    if (p->rc < 0)
      continue;
    if (dec) {
      r = decoder_verify(dec, p->win, p->func, &p->info, read_image, s->file,
                         &pe);
      if (r < 0) {
        mark_bad(s, p, r, pe.msg);
        continue;
      }
    }
    if (plan) {
      /* A trial redirect to the function itself: what the runtime will
       * be asked to do, minus the target. */
      memset(plan, 0, offsetof(struct pulp_plan, guards));
      r = s->layout->redirect(p->win, p->func, p->func, plan, &pe);
      if (r < 0)
        mark_bad(s, p, r, pe.msg);
    }
  }
  free(plan);
  decoder_close(dec);
  return 0;
}

int pads_write(struct pad_set *s, const struct pad *p, struct pulp_err *e)
{
  size_t len = s->layout->pre_len + s->layout->post_len, lo = 0, hi;
  uint64_t at = p->func - s->layout->pre_len;
  uint8_t cur[PAD_WIN_MAX];
  int r;

  /* Write only the span that changed: the window may reach past the end of
   * the section (read as zeros). */
  r = elf_file_read_window(s->file, at, cur, len);
  if (r == 0) {
    hi = len;
    while (lo < len && cur[lo] == p->win[lo])
      lo++;
    while (hi > lo && cur[hi - 1] == p->win[hi - 1])
      hi--;
    r = lo == hi ? 0 : elf_file_write(s->file, at + lo, p->win + lo, hi - lo);
  }

  if (r < 0)
    return err_sys(e, r, "%s: writing the pad of %s", elf_file_path(s->file),
                   p->name ? p->name : "?");
  return 0;
}

void pads_free(struct pad_set *s)
{
  for (size_t i = 0; i < s->nnames; i++)
    free(s->names[i]);
  free(s->names);
  free(s->pads);
  memset(s, 0, sizeof(*s));
}

const char *pad_state_name(enum pulp_pad_state state)
{
  switch (state) {
  case PULP_PAD_CLEAN:
    return "clean";
  case PULP_PAD_RAW:
    return "raw";
  case PULP_PAD_REDIRECTED:
    return "redirected";
  }
  return "?";
}
