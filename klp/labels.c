// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "root.h"

static int add(char ***v, size_t *n, const char *s, size_t len)
{
  char **nv;

  for (size_t i = 0; i < *n; i++)
    if (strlen((*v)[i]) == len && !strncmp((*v)[i], s, len))
      return 0;
  nv = realloc(*v, (*n + 1) * sizeof(**v));
  if (!nv)
    return -ENOMEM;
  *v = nv;
  if (!(nv[*n] = strndup(s, len)))
    return -ENOMEM;
  (*n)++;
  return 0;
}

static int add_all(char ***v, size_t *n, const char *value)
{
  const char *sep = " \t,";

  while (*value) {
    size_t skip = strspn(value, sep), len;

    value += skip;
    len = strcspn(value, sep);
    if (len) {
      int r = add(v, n, value, len);

      if (r < 0)
        return r;
    }
    value += len;
  }
  return 0;
}

static int read_sidecar(const char *ko_path, struct klp_labels *out)
{
  char path[KLP_PATH_MAX], line[512];
  size_t len = strlen(ko_path);
  int r = 0;
  FILE *f;

  if (len < 3 || strcmp(ko_path + len - 3, ".ko") ||
      len - 3 + sizeof(".labels") > sizeof(path))
    return 0;
  snprintf(path, sizeof(path), "%.*s.labels", (int)(len - 3), ko_path);
  f = fopen(path, "re");
  if (!f)
    return 0;
  while (r == 0 && fgets(line, sizeof(line), f)) {
    char *p = line + strspn(line, " \t");

    p[strcspn(p, "\r\n")] = '\0';
    if (!*p || *p == '#')
      continue;
    if (!strncmp(p, "cve", 3) && (p[3] == ' ' || p[3] == '\t'))
      r = add_all(&out->cve, &out->ncve, p + 4);
    else if (!strncmp(p, "bug", 3) && (p[3] == ' ' || p[3] == '\t'))
      r = add_all(&out->bug, &out->nbug, p + 4);
    /* Other keys are reserved for later use and ignored. */
  }
  fclose(f);
  return r;
}

int klp_labels_read(const struct klp_modinfo *mi, const char *ko_path,
                    struct klp_labels *out)
{
  const char *v;
  int r = 0;

  memset(out, 0, sizeof(*out));
  for (v = klp_modinfo_get(mi, "cve"); v && r == 0;
       v = klp_modinfo_next(mi, "cve", v))
    r = add_all(&out->cve, &out->ncve, v);
  for (v = klp_modinfo_get(mi, "bug"); v && r == 0;
       v = klp_modinfo_next(mi, "bug", v))
    r = add_all(&out->bug, &out->nbug, v);
  if (r == 0 && ko_path)
    r = read_sidecar(ko_path, out);
  if (r < 0)
    klp_labels_free(out);
  return r;
}

void klp_labels_free(struct klp_labels *l)
{
  for (size_t i = 0; i < l->ncve; i++)
    free(l->cve[i]);
  for (size_t i = 0; i < l->nbug; i++)
    free(l->bug[i]);
  free(l->cve);
  free(l->bug);
  memset(l, 0, sizeof(*l));
}
