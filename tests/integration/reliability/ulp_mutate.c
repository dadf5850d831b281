/* Hand-crafts a checksum-valid .ulp with one field changed, with the
 * packer's own encoder (tests of issue 7 item 7: the runtime must refuse
 * what a checksum cannot catch).
 *
 *   ulp_mutate IN.ulp OUT.ulp FIELD INDEX VALUE
 *
 * FIELD: old_off, new_off, new_name (funcs[INDEX]); ref_target_off,
 * ref_patch_off, ref_tls (refs[INDEX]); patch_build_id_from (the patch
 * build-id becomes the target's; a VALUE other than 0 is the new patch
 * path). VALUE: a number (absolute), +N or -N
 * (relative to the current value), "f:K.new_off" (the new_off of
 * funcs[K]), or, for new_name, a string ("f:K" takes funcs[K]'s). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ulp_format.h"

static uint64_t value(const struct ulp_patch *p, const char *v, uint64_t cur)
{
  if (!strncmp(v, "f:", 2)) {
    size_t k = strtoul(v + 2, NULL, 0);
    return k < p->nfuncs ? p->funcs[k].new_off : cur;
  }
  if (v[0] == '+')
    return cur + strtoull(v + 1, NULL, 0);
  if (v[0] == '-')
    return cur - strtoull(v + 1, NULL, 0);
  return strtoull(v, NULL, 0);
}

int main(int argc, char **argv)
{
  struct ulp_patch p;
  struct pulp_err e = {0};
  uint8_t *buf;
  size_t len, i;
  const char *field, *v;
  FILE *f;

  if (argc != 6) {
    fprintf(stderr, "usage: ulp_mutate IN OUT FIELD INDEX VALUE\n");
    return 2;
  }
  if (ulp_read_file(argv[1], &p, &e)) {
    fprintf(stderr, "ulp_mutate: %s\n", e.msg);
    return 1;
  }
  field = argv[3];
  i = strtoul(argv[4], NULL, 0);
  v = argv[5];
  if (!strcmp(field, "patch_build_id_from")) {
    memcpy(p.patch_build_id, p.target_build_id, p.target_build_id_len);
    p.patch_build_id_len = p.target_build_id_len;
    if (strcmp(v, "0")) {
      free(p.patch_path);
      p.patch_path = strdup(v);
    }
  } else if (!strncmp(field, "ref_", 4)) {
    if (i >= p.nrefs)
      return fprintf(stderr, "ulp_mutate: no ref %zu\n", i), 1;
    if (!strcmp(field, "ref_target_off"))
      p.refs[i].target_off = value(&p, v, p.refs[i].target_off);
    else if (!strcmp(field, "ref_patch_off"))
      p.refs[i].patch_off = value(&p, v, p.refs[i].patch_off);
    else if (!strcmp(field, "ref_tls"))
      p.refs[i].tls = atoi(v);
    else
      return fprintf(stderr, "ulp_mutate: unknown field %s\n", field), 2;
  } else {
    if (i >= p.nfuncs)
      return fprintf(stderr, "ulp_mutate: no function %zu\n", i), 1;
    if (!strcmp(field, "old_off"))
      p.funcs[i].old_off = value(&p, v, p.funcs[i].old_off);
    else if (!strcmp(field, "new_off"))
      p.funcs[i].new_off = value(&p, v, p.funcs[i].new_off);
    else if (!strcmp(field, "new_name")) {
      size_t k = strtoul(v + 2, NULL, 0);
      char *n = strdup(
          !strncmp(v, "f:", 2) && k < p.nfuncs ? p.funcs[k].new_name : v);
      free(p.funcs[i].new_name);
      p.funcs[i].new_name = n;
    } else
      return fprintf(stderr, "ulp_mutate: unknown field %s\n", field), 2;
  }
  if (ulp_encode(&p, &buf, &len, &e)) {
    fprintf(stderr, "ulp_mutate: %s\n", e.msg);
    return 1;
  }
  f = fopen(argv[2], "wb");
  if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
    fprintf(stderr, "ulp_mutate: %s: %s\n", argv[2], strerror(errno));
    return 1;
  }
  free(buf);
  ulp_free(&p);
  return 0;
}
