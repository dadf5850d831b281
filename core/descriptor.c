/* Descriptor parser. Syntax (docs/descriptor.md):
 *   first non-comment line   patch object
 *   @TARGET                  library or executable to patch
 *   OLD:NEW                  redirect OLD (in the target) to NEW (patch)
 *   #VAR:REF[:TOFF:POFF]     REF (pointer in the patch) := &VAR (target)
 *   #%VAR:REF[:TOFF:POFF]    REF (tls_index in the patch) := VAR's TLS slot
 *   *PATH                    dependency: the patch PATH must be applied
 *   ! text                   comment; CVE-..., bsc#... labels are kept
 * Function names may be "name,N" (N-th local symbol of that name) or
 * "name@VERSION". */
#include "descriptor.h"
#include "regular_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *grow(void **arr, size_t *n, size_t size)
{
  char *np = realloc(*arr, (*n + 1) * size);
  if (!np)
    return NULL;
  memset(np + *n * size, 0, size);
  *arr = np;
  return np + (*n)++ * size;
}

static char *resolve(const char *dir, const char *p)
{
  char *out;
  if (p[0] == '/' || !dir || !*dir)
    return strdup(p);
  out = malloc(strlen(dir) + strlen(p) + 2);
  if (out)
    sprintf(out, "%s/%s", dir, p);
  return out;
}

static char *trim(char *s)
{
  char *end;
  while (isspace((unsigned char)*s))
    s++;
  end = s + strlen(s);
  while (end > s && isspace((unsigned char)end[-1]))
    *--end = '\0';
  return s;
}

/* A label is CVE-YYYY-NNNN or WORD#ID (bsc#1234, boo#1, gh#org/repo#5). */
static int is_label(const char *t)
{
  const char *h;
  if (strncmp(t, "CVE-", 4) == 0 && isdigit((unsigned char)t[4]))
    return 1;
  h = strchr(t, '#');
  if (!h || h == t || !h[1])
    return 0;
  for (const char *c = t; c < h; c++)
    if (!isalpha((unsigned char)*c))
      return 0;
  return 1;
}

static int add_labels(struct dsc *d, char *text)
{
  char *save = NULL;
  for (char *t = strtok_r(text, " \t,;()[]", &save); t;
       t = strtok_r(NULL, " \t,;()[]", &save)) {
    size_t n = strlen(t);
    char **l;
    while (n && (t[n - 1] == '.' || t[n - 1] == ':'))
      t[--n] = '\0';
    if (!is_label(t))
      continue;
    l = grow((void **)&d->labels, &d->nlabels, sizeof(char *));
    if (!l || !(*l = strdup(t)))
      return -ENOMEM;
  }
  return 0;
}

static int valid_symbol(const char *s)
{
  if (!*s)
    return 0;
  for (; *s; s++)
    if (isspace((unsigned char)*s) || *s == ':')
      return 0;
  return 1;
}

static int parse_hex(const char *s, uint64_t *v)
{
  char *end;
  errno = 0;
  *v = strtoull(s, &end, 16);
  return *s && !*end && !errno;
}

static int parse_ref(struct dsc *d, char *s, int line, struct pulp_err *e,
                     const char *path)
{
  struct dsc_ref *r;
  char *f[4] = {0}; /* -O3 cannot see that n == 4 sets all */
  int n = 0;
  int tls = 0;

  if (*s == '%') {
    tls = 1;
    s++;
  }
  for (char *p = s; n < 4;) {
    char *c = strchr(p, ':');
    f[n++] = p;
    if (!c)
      break;
    *c = '\0';
    p = c + 1;
  }
  if ((n != 2 && n != 4) || !valid_symbol(trim(f[0])) ||
      !valid_symbol(trim(f[1])))
    return err_set(e, -EINVAL,
                   "%s:%d: expected '#%sVAR:REF' or '#%sVAR:REF:TOFF:POFF'",
                   path, line, tls ? "%" : "", tls ? "%" : "");
  r = grow((void **)&d->refs, &d->nrefs, sizeof(*r));
  if (!r)
    return -ENOMEM;
  r->tls = tls;
  r->line = line;
  r->target_name = strdup(trim(f[0]));
  r->patch_name = strdup(trim(f[1]));
  if (n == 4) {
    if (!parse_hex(trim(f[2]), &r->target_off) ||
        !parse_hex(trim(f[3]), &r->patch_off))
      return err_set(e, -EINVAL, "%s:%d: offsets must be hexadecimal", path,
                     line);
    r->has_offsets = 1;
  }
  return 0;
}

static int parse_line(struct dsc *d, const char *dir, char *s, int line,
                      struct pulp_err *e)
{
  const char *path = d->path;

  if (*s == '!')
    return add_labels(d, s + 1);
  if (!d->patch_obj) {
    if (*s == '@' || *s == '#' || *s == '*' || strchr(s, ':'))
      return err_set(e, -EINVAL,
                     "%s:%d: the first line must name the patch object", path,
                     line);
    d->patch_obj = resolve(dir, s);
    d->patch_line = line;
    return d->patch_obj ? 0 : -ENOMEM;
  }
  if (*s == '@') {
    if (d->target)
      return err_set(e, -EINVAL, "%s:%d: a second @target (first on line %d)",
                     path, line, d->target_line);
    s = trim(s + 1);
    if (!*s)
      return err_set(e, -EINVAL, "%s:%d: '@' without a target", path, line);
    d->target = resolve(dir, s);
    d->target_line = line;
    return d->target ? 0 : -ENOMEM;
  }
  if (*s == '*') {
    struct dsc_dep *dep = grow((void **)&d->deps, &d->ndeps, sizeof(*dep));
    s = trim(s + 1);
    if (!dep)
      return -ENOMEM;
    if (!*s)
      return err_set(e, -EINVAL, "%s:%d: '*' without a dependency", path, line);
    dep->path = resolve(dir, s);
    dep->line = line;
    return 0;
  }
  if (!d->target)
    return err_set(e, -EINVAL, "%s:%d: '@target' must come before this line",
                   path, line);
  if (*s == '#')
    return parse_ref(d, s + 1, line, e, path);
  {
    char *c = strchr(s, ':');
    struct dsc_func *f;
    if (!c)
      return err_set(e, -EINVAL, "%s:%d: expected 'old_function:new_function'",
                     path, line);
    *c = '\0';
    if (!valid_symbol(trim(s)) || !valid_symbol(trim(c + 1)))
      return err_set(e, -EINVAL, "%s:%d: expected 'old_function:new_function'",
                     path, line);
    for (size_t i = 0; i < d->nfuncs; i++)
      if (strcmp(d->funcs[i].old_name, trim(s)) == 0)
        return err_set(e, -EINVAL, "%s:%d: '%s' is already replaced on line %d",
                       path, line, trim(s), d->funcs[i].line);
    f = grow((void **)&d->funcs, &d->nfuncs, sizeof(*f));
    if (!f)
      return -ENOMEM;
    f->old_name = strdup(trim(s));
    f->new_name = strdup(trim(c + 1));
    f->line = line;
  }
  return 0;
}

int dsc_parse_text(const char *path, const char *dir, const char *text,
                   struct dsc *d, struct pulp_err *e)
{
  char *copy = strdup(text), *ln;
  int line = 0, rc = 0;

  memset(d, 0, sizeof(*d));
  d->path = strdup(path);
  if (!copy || !d->path) {
    free(copy);
    return err_set(e, -ENOMEM, "out of memory");
  }
  ln = copy;
  while (ln && rc == 0) {
    char *nl = strchr(ln, '\n');
    char *s;
    if (nl)
      *nl = '\0';
    line++;
    s = trim(ln);
    if (*s)
      rc = parse_line(d, dir, s, line, e);
    ln = nl ? nl + 1 : NULL;
  }
  free(copy);
  if (rc == -ENOMEM)
    err_set(e, rc, "%s: out of memory", path);
  if (!rc && !d->patch_obj)
    rc = err_set(e, -EINVAL, "%s:%d: no patch object named", path, line);
  if (!rc && !d->target)
    rc = err_set(e, -EINVAL, "%s:%d: no '@target' line", path, line);
  /* No function lines is a patch too: one that only carries data
   * references, or a placeholder that loads its object (libpulp packs
   * both). */
  if (rc)
    dsc_free(d);
  return rc;
}

int dsc_parse(const char *path, struct dsc *d, struct pulp_err *e)
{
  int fd = open_regular(path, O_RDONLY);
  FILE *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
  char *text = NULL, *dir, *slash;
  size_t cap = 0;
  ssize_t n;
  int rc;

  if (fd == -EINVAL)
    return err_set(e, -EINVAL, "%s: not a regular file", path);
  if (fd < 0)
    errno = -fd;
  if (!fp) {
    rc = err_sys(e, -errno, "%s", path);
    if (fd >= 0)
      close(fd);
    return rc;
  }
  n = getdelim(&text, &cap, '\0', fp);
  fclose(fp);
  if (n < 0) {
    free(text);
    text = strdup("");
  }
  dir = strdup(path);
  slash = dir ? strrchr(dir, '/') : NULL;
  if (slash)
    *slash = '\0';
  else if (dir)
    strcpy(dir, ".");
  rc = dsc_parse_text(path, dir, text ? text : "", d, e);
  free(dir);
  free(text);
  return rc;
}

void dsc_free(struct dsc *d)
{
  free(d->path);
  free(d->patch_obj);
  free(d->target);
  for (size_t i = 0; i < d->nfuncs; i++) {
    free(d->funcs[i].old_name);
    free(d->funcs[i].new_name);
  }
  free(d->funcs);
  for (size_t i = 0; i < d->nrefs; i++) {
    free(d->refs[i].target_name);
    free(d->refs[i].patch_name);
  }
  free(d->refs);
  for (size_t i = 0; i < d->nlabels; i++)
    free(d->labels[i]);
  free(d->labels);
  for (size_t i = 0; i < d->ndeps; i++)
    free(d->deps[i].path);
  free(d->deps);
  memset(d, 0, sizeof(*d));
}
