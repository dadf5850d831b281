/* ulp extract LIB -o LIB.json: everything `ulp packer` reads of a target
 * library, so that a descriptor's '@LIB.json' target packs the same patch
 * where the library is not installed (libinfo.h). The JSON also carries
 * libpulp's extract layout ("library": name, buildid, symbols with
 * offset/size/st_info/st_other), so libpulp's packer reads it too. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/arch.h"
#include "core/elf_raw.h"
#include "libinfo.h"
#include "pads.h"

#define CMD "extract"

static void hex(const uint8_t *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", b[i]);
  out[2 * n] = '\0';
}

struct ctx {
  struct elf_file *f;
  const struct pulp_arch_layout *L;
  json_object *code, *seen; /* windows, and their addresses (dedup) */
  json_object *lp_symbols;  /* libpulp's view */
};

/* The code window of a function symbol, with its pad's state. */
static void add_window(struct ctx *c, uint64_t value)
{
  uint8_t win[PAD_WIN_MAX];
  char key[32], bytes[2 * PAD_WIN_MAX + 1];
  size_t len = c->L->pre_len + c->L->post_len;
  uint64_t at = value - c->L->pre_len;
  struct pulp_pad_info info;
  struct pulp_err ignore = {0};
  json_object *w;

  snprintf(key, sizeof(key), "%llx", (unsigned long long)at);
  if (len > sizeof(win) || json_object_object_get_ex(c->seen, key, NULL) ||
      elf_file_read_window(c->f, at, win, len) != 0)
    return;
  json_object_object_add(c->seen, key, NULL);
  hex(win, len, bytes);
  w = json_object_new_object();
  json_object_object_add(w, "addr", json_object_new_int64((int64_t)at));
  json_object_object_add(w, "bytes", json_object_new_string(bytes));
  json_object_object_add(
      w, "pad",
      json_object_new_string(c->L->check(win, value, &info, &ignore)
                                 ? "none"
                                 : pad_state_name(info.state)));
  json_object_array_add(c->code, w);
}

/* Every defined symbol of the table of that type, in table order. */
static json_object *table(struct ctx *c, Elf *elf, Elf64_Word type, int code)
{
  GElf_Shdr sh;
  Elf_Scn *scn = elf_section_of_type(elf, type, &sh);
  json_object *a = json_object_new_array();
  Elf_Data *d;

  if (!scn || !(d = elf_getdata(scn, NULL)) || !sh.sh_entsize)
    return a;
  for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
    GElf_Sym sym;
    const char *n;
    json_object *o;
    if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        !(n = elf_strptr(elf, sh.sh_link, sym.st_name)))
      continue;
    o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(n));
    if (type == SHT_DYNSYM) {
      int hidden;
      const char *v = elf_dynsym_version(elf, i, &hidden);
      if (v)
        json_object_object_add(o, "version", json_object_new_string(v));
      if (hidden)
        json_object_object_add(o, "hidden", json_object_new_boolean(1));
    }
    json_object_object_add(o, "value",
                           json_object_new_int64((int64_t)sym.st_value));
    json_object_object_add(o, "size",
                           json_object_new_int64((int64_t)sym.st_size));
    json_object_object_add(o, "type",
                           json_object_new_int(GELF_ST_TYPE(sym.st_info)));
    json_object_object_add(o, "bind",
                           json_object_new_int(GELF_ST_BIND(sym.st_info)));
    json_object_object_add(o, "shndx", json_object_new_int(sym.st_shndx));
    json_object_array_add(a, o);
    if (code && GELF_ST_TYPE(sym.st_info) == STT_FUNC)
      add_window(c, sym.st_value);
    if (c->lp_symbols && *n) {
      json_object *l = json_object_new_object();
      json_object_object_add(l, "name", json_object_new_string(n));
      json_object_object_add(l, "offset",
                             json_object_new_int64((int64_t)sym.st_value));
      json_object_object_add(l, "size",
                             json_object_new_int64((int64_t)sym.st_size));
      json_object_object_add(l, "st_info", json_object_new_int(sym.st_info));
      json_object_object_add(l, "st_other", json_object_new_int(sym.st_other));
      json_object_array_add(c->lp_symbols, l);
    }
  }
  return a;
}

static Elf *open_elf(const char *path, int *fd)
{
  Elf *elf;

  elf_version(EV_CURRENT);
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0)
    return NULL;
  elf = elf_begin(*fd, ELF_C_READ, NULL);
  if (!elf) {
    close(*fd);
    *fd = -1;
  }
  return elf;
}

/* The separate debug file, found as core/elf_file.c finds it. */
static Elf *open_debug(const uint8_t *id, size_t n, int *fd)
{
  const char *root = getenv("PULP_DEBUG_ROOT");
  char path[512];
  int off;

  *fd = -1;
  if (n < 2)
    return NULL;
  off = snprintf(path, sizeof(path), "%s/.build-id/%02x/",
                 root ? root : "/usr/lib/debug", id[0]);
  for (size_t i = 1; i < n && off < (int)sizeof(path) - 8; i++)
    off += snprintf(path + off, sizeof(path) - off, "%02x", id[i]);
  snprintf(path + off, sizeof(path) - off, ".debug");
  return open_elf(path, fd);
}

static json_object *tls_block(Elf *elf)
{
  size_t n = 0;

  if (elf_getphdrnum(elf, &n) != 0)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_TLS) {
      json_object *o = json_object_new_object();
      json_object_object_add(o, "vaddr",
                             json_object_new_int64((int64_t)ph.p_vaddr));
      json_object_object_add(o, "filesz",
                             json_object_new_int64((int64_t)ph.p_filesz));
      json_object_object_add(o, "memsz",
                             json_object_new_int64((int64_t)ph.p_memsz));
      json_object_object_add(o, "align",
                             json_object_new_int64((int64_t)ph.p_align));
      return o;
    }
  }
  return NULL;
}

int libinfo_extract(const char *path, FILE *out, struct pulp_err *e)
{
  struct ctx c = {0};
  uint8_t id[PULP_BUILD_ID_MAX];
  char idhex[2 * PULP_BUILD_ID_MAX + 1];
  size_t idlen;
  json_object *root, *pulp, *lib, *lps;
  Elf *elf = NULL, *dbg = NULL;
  int fd = -1, dfd = -1, rc;
  char *real = realpath(path, NULL);

  if ((rc = elf_file_open(path, 0, &c.f, e)))
    goto out;
  c.L = arch_layout(elf_file_machine(c.f));
  if (!c.L) {
    rc = err_set(e, -ENOEXEC, "%s: unsupported ELF machine %u", path,
                 elf_file_machine(c.f));
    goto out;
  }
  idlen = elf_file_build_id(c.f, id, sizeof(id));
  if (!idlen) {
    rc = err_set(e, -EINVAL, "%s has no build-id (link with --build-id)", path);
    goto out;
  }
  if (!(elf = open_elf(path, &fd))) {
    rc = err_sys(e, -EIO, "%s", path);
    goto out;
  }
  hex(id, idlen, idhex);
  root = json_object_new_object();
  pulp = json_object_new_object();
  lib = json_object_new_object();
  c.code = json_object_new_array();
  c.seen = json_object_new_object();
  c.lp_symbols = json_object_new_array();

  json_object_object_add(pulp, "format", json_object_new_int(LIBINFO_FORMAT));
  json_object_object_add(pulp, "path",
                         json_object_new_string(real ? real : path));
  json_object_object_add(pulp, "arch", json_object_new_string(c.L->name));
  json_object_object_add(pulp, "machine",
                         json_object_new_int(elf_file_machine(c.f)));
  json_object_object_add(pulp, "type", json_object_new_int(elf_file_type(c.f)));
  json_object_object_add(pulp, "executable",
                         json_object_new_boolean(elf_file_is_executable(c.f)));
  json_object_object_add(pulp, "soname",
                         elf_file_soname(c.f)
                             ? json_object_new_string(elf_file_soname(c.f))
                             : NULL);
  json_object_object_add(pulp, "build_id", json_object_new_string(idhex));
  json_object_object_add(pulp, "pre_len",
                         json_object_new_int((int)c.L->pre_len));
  json_object_object_add(pulp, "post_len",
                         json_object_new_int((int)c.L->post_len));
  json_object_object_add(pulp, "live_patchable",
                         json_object_new_boolean(elf_file_has_section(
                             c.f, "__patchable_function_entries")));
  json_object_object_add(pulp, "tls", tls_block(elf));
  json_object_object_add(pulp, "dynsym", table(&c, elf, SHT_DYNSYM, 1));
  json_object_object_add(pulp, "symtab", table(&c, elf, SHT_SYMTAB, 1));
  lps = c.lp_symbols;
  if ((dbg = open_debug(id, idlen, &dfd))) {
    c.lp_symbols = NULL; /* libpulp lists the library's own tables */
    json_object_object_add(pulp, "debug_symtab", table(&c, dbg, SHT_SYMTAB, 1));
  }
  json_object_object_add(pulp, "code", c.code);

  /* libpulp's extract layout (its packer reads "library"). */
  json_object_object_add(lib, "name",
                         json_object_new_string(strrchr(path, '/')
                                                    ? strrchr(path, '/') + 1
                                                    : path));
  json_object_object_add(lib, "buildid", json_object_new_string(idhex));
  json_object_object_add(lib, "symbols", lps);
  json_object_object_add(root, "library", lib);
  json_object_object_add(root, "pulp", pulp);
  if (fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                     JSON_C_TO_STRING_SPACED),
            out) < 0 ||
      fputc('\n', out) < 0)
    rc = err_sys(e, -EIO, "writing the extract");
  json_object_put(root);
  json_object_put(c.seen);
out:
  if (dbg)
    elf_end(dbg);
  if (dfd >= 0)
    close(dfd);
  if (elf)
    elf_end(elf);
  if (fd >= 0)
    close(fd);
  elf_file_close(c.f);
  free(real);
  return rc;
}

static void usage(FILE *f)
{
  fprintf(f, "Usage: ulp extract LIB [-o LIB.json]\n"
             "Writes what 'ulp packer' reads of a target library (build-id,\n"
             "machine, soname, symbols, the code around each function's\n"
             "entry), so that a descriptor's '@LIB.json' packs the same\n"
             "patch where LIB is not installed. Default output: stdout.\n"
             "  -o, --output FILE   where to write it\n"
             "  -h, --help          this help\n");
}

int cmd_extract(int argc, char **argv)
{
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *outp = NULL;
  struct pulp_err e = {0};
  char tmp[4096];
  FILE *f = stdout;
  int c, rc;

  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    if (c == 'o') {
      outp = optarg;
    } else if (c == 'h') {
      usage(stdout);
      return ULP_EXIT_OK;
    } else {
      usage(stderr);
      return ULP_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return ULP_EXIT_USAGE;
  }
  if (outp && strcmp(outp, "-")) {
    snprintf(tmp, sizeof(tmp), "%s.tmp", outp);
    if (!(f = fopen(tmp, "we"))) {
      ulp_error(CMD, "%s: %s", tmp, strerror(errno));
      return ULP_EXIT_FAILED;
    }
  }
  rc = libinfo_extract(argv[optind], f, &e);
  if (f != stdout) {
    if (fclose(f) != 0 && !rc)
      rc = err_sys(&e, -EIO, "writing %s", outp);
    if (rc)
      remove(tmp);
    else if (rename(tmp, outp) != 0)
      rc = err_sys(&e, -errno, "%s", outp);
  }
  if (rc) {
    ulp_error(CMD, "%s", e.msg);
    return ULP_EXIT_USAGE;
  }
  return ULP_EXIT_OK;
}
