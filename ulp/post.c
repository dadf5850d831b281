/* ulp post FILE: normalises every pad of FILE in place after linking, so
 * that each entry the runtime switches is one instruction (DESIGN.md
 * section 3): x86_64 "90 90" -> "66 90"; ppc64le "bl _mcount" -> nop (only
 * when it calls the library's own stub); s390x pads are emitted final.
 * Idempotent. Exit status: 0 done (or nothing to do), 2 error (usage, bad
 * file, a pad that is not one; then nothing is written). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/arch.h"
#include "core/elf_file.h"
#include "ulp/commands.h"
#include "ulp/pads.h"

#define CMD "post"

static void usage(FILE *out)
{
  fprintf(out, "usage: ulp post [-v|-q] FILE\n"
               "Normalises the live-patching pads of FILE in place, after "
               "linking.\n"
               "  -v, --verbose  name every function whose pad changes\n"
               "  -q, --quiet    print nothing unless something fails\n"
               "  -h, --help     show this help\n"
               "Exit status: 0 done, 2 error (nothing written).\n");
}

int cmd_post(int argc, char **argv)
{
  static const struct option opts[] = {
      {"verbose", no_argument, NULL, 'v'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const struct pulp_arch_layout *layout;
  struct pulp_err e = {0};
  struct elf_file *f = NULL;
  struct pad_set s = {0};
  size_t changed = 0, clean = 0;
  int verbose = 0, quiet = 0, c, r, status = ULP_EXIT_USAGE;
  const char *path;

  optind = 1;
  while ((c = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      verbose = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    ulp_error(CMD, "expected one FILE");
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  path = argv[optind];

  if (elf_file_open(path, 1, &f, &e) < 0) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  layout = arch_layout(elf_file_machine(f));
  if (!layout) {
    ulp_error(CMD, "%s: ELF machine %u is not supported", path,
              elf_file_machine(f));
    goto out;
  }
  r = pads_load(f, layout, &s, &e);
  if (r == 0)
    r = pads_verify(&s, PADS_DECODE, &e);
  if (r < 0) {
    ulp_error(CMD, "%s", e.msg);
    goto out;
  }
  if (s.nbad) {
    for (size_t i = 0; i < s.n; i++)
      if (s.pads[i].rc < 0)
        ulp_error(CMD, "%s: %s at %#" PRIx64 ": %s", path,
                  s.pads[i].name ? s.pads[i].name : "?", s.pads[i].func,
                  s.pads[i].why);
    ulp_error(CMD, "%s: %zu of %zu pads are not %s pads; nothing written", path,
              s.nbad, s.n, layout->name);
    goto out;
  }
  for (size_t i = 0; i < s.n; i++) {
    struct pad *p = &s.pads[i];

    r = layout->normalise(p->win, p->func, &e);
    if (r == 1) {
      clean++;
      continue;
    }
    if (r == 0)
      r = pads_write(&s, p, &e);
    if (r < 0) {
      ulp_error(CMD, "%s: %s", path, e.msg);
      goto out;
    }
    changed++;
    if (verbose)
      printf("  %#" PRIx64 " %s: normalised\n", p->func,
             p->name ? p->name : "?");
  }
  if (!quiet)
    printf("%s: %zu pads normalised, %zu already clean (%s)\n", path, changed,
           clean, layout->name);
  status = ULP_EXIT_OK;
out:
  pads_free(&s);
  elf_file_close(f);
  return status;
}
