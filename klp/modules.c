// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modinfo.h"
#include "modules.h"
#include "root.h"

/* "name size refcnt deps state addr [(taint)]" */
static bool parse_line(char *line, struct klp_module *m)
{
  char *save = NULL, *tok[7] = {0};
  int n = 0;

  for (char *t = strtok_r(line, " \t", &save); t && n < 7;
       t = strtok_r(NULL, " \t", &save))
    tok[n++] = t;
  if (n < 6 || strlen(tok[0]) >= sizeof(m->name) ||
      !klp_parse_long(tok[2], &m->refcnt))
    return false;
  memset(m->name, 0, sizeof(m->name));
  strcpy(m->name, tok[0]);
  snprintf(m->state, sizeof(m->state), "%s", tok[4]);
  m->taint[0] = '\0';
  if (n == 7) {
    size_t len = strlen(tok[6]);

    if (len < 2 || tok[6][0] != '(' || tok[6][len - 1] != ')' ||
        len - 2 >= sizeof(m->taint))
      return false;
    memcpy(m->taint, tok[6] + 1, len - 2);
    m->taint[len - 2] = '\0';
  }
  return true;
}

int klp_modules_read(const struct klp_ctx *ctx, struct klp_err *e,
                     struct klp_modules *out)
{
  char path[KLP_PATH_MAX], line[1024];
  size_t cap = 0, lineno = 0;
  FILE *f;

  memset(out, 0, sizeof(*out));
  if (klp_path(ctx, path, sizeof(path), "/proc/modules") < 0)
    return klp_fail(e, 0, ENAMETOOLONG, "reading /proc/modules");
  f = fopen(path, "re");
  if (!f)
    return klp_fail(e, 0, errno, "reading %s", path);
  while (fgets(line, sizeof(line), f)) {
    struct klp_module m;

    lineno++;
    line[strcspn(line, "\n")] = '\0';
    if (!parse_line(line, &m)) {
      fclose(f);
      klp_modules_free(out);
      klp_fail(e, KLP_EXIT_ERROR, EINVAL, "reading %s", path);
      klp_why(e, "malformed line %zu", lineno);
      return -EINVAL;
    }
    if (out->n == cap) {
      struct klp_module *nv;

      cap = cap ? 2 * cap : 64;
      nv = realloc(out->v, cap * sizeof(*nv));
      if (!nv) {
        fclose(f);
        klp_modules_free(out);
        return klp_fail(e, 0, ENOMEM, "reading %s", path);
      }
      out->v = nv;
    }
    out->v[out->n++] = m;
  }
  fclose(f);
  return 0;
}

void klp_modules_free(struct klp_modules *m)
{
  free(m->v);
  memset(m, 0, sizeof(*m));
}

const struct klp_module *klp_modules_find(const struct klp_modules *m,
                                          const char *name)
{
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->v[i].name, name))
      return &m->v[i];
  return NULL;
}

bool klp_module_is_livepatch(const struct klp_module *m)
{
  return strchr(m->taint, 'K') != NULL;
}

int klp_module_attr(const struct klp_ctx *ctx, const char *name,
                    const char *attr, char *buf, size_t n)
{
  struct klp_err ignored;

  return klp_read_text(ctx, &ignored, buf, n, "/sys/module/%s/%s", name, attr);
}

int klp_module_build_id(const struct klp_ctx *ctx, const char *name, char *hex,
                        size_t n)
{
  char path[KLP_PATH_MAX];
  unsigned char buf[512];
  ssize_t len;

  if (klp_path(ctx, path, sizeof(path),
               "/sys/module/%s/notes/.note.gnu.build-id", name) < 0)
    return -ENAMETOOLONG;
  len = klp_read_file(path, (char *)buf, sizeof(buf));
  if (len < 0)
    return (int)len;
  /* sysfs shows the note in the running kernel's byte order. */
  return klp_note_build_id(buf, (size_t)len,
                           __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, hex, n);
}
