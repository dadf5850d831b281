#include "sym_match.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

void sym_match_begin(struct sym_match *m, const struct elf_sym_spec *s,
                     int dynamic)
{
  memset(m, 0, sizeof(*m));
  m->spec = s;
  m->dynamic = dynamic;
}

/* name is s's name, bare or (in .symtab) with @VER / @@VER as asked. */
static int name_matches(const struct elf_sym_spec *s, const char *name,
                        int dynamic)
{
  size_t len = strlen(s->name);
  const char *at = name + len;

  if (strncmp(name, s->name, len) != 0)
    return 0;
  if (dynamic || !s->version)
    return *at == '\0';
  if (*at++ != '@')
    return 0;
  if (*at == '@')
    at++;
  return strcmp(at, s->version) == 0;
}

int sym_match_next(struct sym_match *m, size_t i, const char *name, int local,
                   sym_version_fn *version, void *ctx)
{
  const struct elf_sym_spec *s = m->spec;

  if (!name || !name_matches(s, name, m->dynamic))
    return 0;
  if (m->dynamic) {
    int hidden = 0;
    const char *v = version ? version(ctx, i, &hidden) : NULL;
    if (s->version)
      return v && strcmp(v, s->version) == 0;
    /* Unversioned: the default version (what a new link binds to). */
    return !hidden;
  }
  if (!local)
    return !s->pos;
  m->nlocal++;
  if (s->pos)
    return m->nlocal == s->pos;
  if (!m->has_first) {
    m->first = i;
    m->has_first = 1;
  }
  return 0;
}

int sym_match_end(const struct sym_match *m, const char *path, size_t *i,
                  struct pulp_err *e)
{
  const struct elf_sym_spec *s = m->spec;

  if (s->pos)
    return m->nlocal
               ? err_set(e, -ENOENT, "%s: only %d local symbols named '%s'",
                         path, m->nlocal, s->name)
               : 0;
  if (m->nlocal > 1)
    return err_set(e, -EEXIST,
                   "%s: %d local symbols named '%s': write '%s,N' to choose",
                   path, m->nlocal, s->name, s->name);
  if (!m->has_first)
    return 0;
  *i = m->first;
  return 1;
}
