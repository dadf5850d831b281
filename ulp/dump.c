/* ulp dump: prints a .ulp or .rev file, or the patch a container carries
 * (a libpulp patch .so, a Pulp single-file patch), as text or JSON. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core/arch.h"
#include "core/libpulp_container.h"
#include "core/ulp_format.h"

#define CMD "dump"

static const char *machine_name(uint32_t m)
{
  const struct pulp_arch_layout *L = arch_layout((uint16_t)m);
  return L ? L->name : "unknown";
}

static const char *format_name(int container)
{
  switch (container) {
  case ULP_CONTAINER_PULP:
    return "single-file patch (" PULP_SECTION " section)";
  case ULP_CONTAINER_LIBPULP:
    return "libpulp container (" LIBPULP_SECTION " sections)";
  default:
    return "Pulp patch file";
  }
}

static void print_text(const struct ulp_patch *p, int container)
{
  char hex[2 * ULP_BUILD_ID_MAX + 1];

  printf("patch:        %s (%s)\n", p->name,
         p->kind == ULP_KIND_APPLY ? "apply" : "revert");
  printf("format:       %s\n", format_name(container));
  printf("architecture: %s\n", machine_name(p->machine));
  printf("patch object: %s\n", p->patch_path);
  ulp_hex(p->patch_build_id, p->patch_build_id_len, hex);
  printf("  build-id:   %s\n", hex);
  printf("target:       %s%s\n", p->target,
         p->target_is_exec ? " (executable)" : "");
  ulp_hex(p->target_build_id, p->target_build_id_len, hex);
  printf("  build-id:   %s\n", hex);
  for (size_t i = 0; i < p->nlabels; i++)
    printf("label:        %s\n", p->labels[i]);
  for (size_t i = 0; i < p->ndeps; i++)
    printf("depends on:   %s\n", p->deps[i].name);
  for (size_t i = 0; i < p->nfuncs; i++)
    printf("function:     %s -> %s (%#llx -> %#llx)\n", p->funcs[i].old_name,
           p->funcs[i].new_name, (unsigned long long)p->funcs[i].old_off,
           (unsigned long long)p->funcs[i].new_off);
  for (size_t i = 0; i < p->nrefs; i++)
    printf("reference:    %s%s -> %s (%#llx -> %#llx)\n",
           p->refs[i].tls ? "TLS " : "", p->refs[i].target_name,
           p->refs[i].patch_name, (unsigned long long)p->refs[i].target_off,
           (unsigned long long)p->refs[i].patch_off);
}

static json_object *hex_obj(const uint8_t *id, size_t len)
{
  char hex[2 * ULP_BUILD_ID_MAX + 1];
  ulp_hex(id, len, hex);
  return json_object_new_string(hex);
}

static void print_json(const struct ulp_patch *p, int container)
{
  static const char *const fmt[] = {"ulp", "pulp-single-file", "libpulp"};
  json_object *o = json_object_new_object(), *a;

  json_object_object_add(o, "name", json_object_new_string(p->name));
  json_object_object_add(o, "format",
                         json_object_new_string(fmt[container % 3]));
  json_object_object_add(
      o, "kind",
      json_object_new_string(p->kind == ULP_KIND_APPLY ? "apply" : "revert"));
  json_object_object_add(o, "architecture",
                         json_object_new_string(machine_name(p->machine)));
  json_object_object_add(o, "patch_object",
                         json_object_new_string(p->patch_path));
  json_object_object_add(o, "patch_build_id",
                         hex_obj(p->patch_build_id, p->patch_build_id_len));
  json_object_object_add(o, "target", json_object_new_string(p->target));
  json_object_object_add(o, "target_is_executable",
                         json_object_new_boolean(p->target_is_exec));
  json_object_object_add(o, "target_build_id",
                         hex_obj(p->target_build_id, p->target_build_id_len));
  a = json_object_new_array();
  for (size_t i = 0; i < p->nlabels; i++)
    json_object_array_add(a, json_object_new_string(p->labels[i]));
  json_object_object_add(o, "labels", a);
  a = json_object_new_array();
  for (size_t i = 0; i < p->ndeps; i++) {
    json_object *d = json_object_new_object();
    json_object_object_add(d, "name", json_object_new_string(p->deps[i].name));
    json_object_object_add(
        d, "build_id", hex_obj(p->deps[i].build_id, p->deps[i].build_id_len));
    json_object_array_add(a, d);
  }
  json_object_object_add(o, "dependencies", a);
  a = json_object_new_array();
  for (size_t i = 0; i < p->nfuncs; i++) {
    json_object *f = json_object_new_object();
    json_object_object_add(f, "old",
                           json_object_new_string(p->funcs[i].old_name));
    json_object_object_add(f, "new",
                           json_object_new_string(p->funcs[i].new_name));
    json_object_object_add(f, "old_offset",
                           json_object_new_int64((int64_t)p->funcs[i].old_off));
    json_object_object_add(f, "new_offset",
                           json_object_new_int64((int64_t)p->funcs[i].new_off));
    json_object_array_add(a, f);
  }
  json_object_object_add(o, "functions", a);
  a = json_object_new_array();
  for (size_t i = 0; i < p->nrefs; i++) {
    json_object *r = json_object_new_object();
    json_object_object_add(r, "tls", json_object_new_boolean(p->refs[i].tls));
    json_object_object_add(r, "exported",
                           json_object_new_boolean(p->refs[i].exported));
    json_object_object_add(r, "target",
                           json_object_new_string(p->refs[i].target_name));
    json_object_object_add(r, "patch",
                           json_object_new_string(p->refs[i].patch_name));
    json_object_object_add(
        r, "target_offset",
        json_object_new_int64((int64_t)p->refs[i].target_off));
    json_object_object_add(
        r, "patch_offset",
        json_object_new_int64((int64_t)p->refs[i].patch_off));
    json_object_array_add(a, r);
  }
  json_object_object_add(o, "references", a);
  printf("%s\n",
         json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
}

int cmd_dump(int argc, char **argv)
{
  static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                       {"revert", no_argument, 0, 'r'},
                                       /* libpulp's: dump always prints
                                        * the build-ids */
                                       {"buildid", no_argument, 0, 'b'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"verbose", no_argument, 0, 'v'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  struct pulp_err e = {0};
  struct ulp_patch p;
  int c, json = 0, container = 0, revert = 0;

  optind = 1;
  while ((c = getopt_long(argc, argv, "jrbqvh", opts, NULL)) != -1) {
    if (c == 'j') {
      json = 1;
    } else if (c == 'r') {
      revert = 1;
    } else if (c == 'b' || c == 'q' || c == 'v') {
      /* accepted for libpulp's users */
    } else if (c == 'h') {
      printf("Usage: ulp dump [--json] [--revert] FILE.ulp|FILE.rev|PATCH.so\n"
             "  --revert  a container's revert half (.ulp.rev)\n");
      return ULP_EXIT_OK;
    } else {
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr,
            "Usage: ulp dump [--json] [--revert] FILE.ulp|FILE.rev|PATCH.so\n");
    return ULP_EXIT_USAGE;
  }
  if (ulp_read_file_ex(argv[optind], revert ? ULP_KIND_REVERT : 0, &p,
                       &container, &e)) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  if (json)
    print_json(&p, container);
  else
    print_text(&p, container);
  ulp_free(&p);
  return ULP_EXIT_OK;
}
