// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static void die(const char *what)
{
  perror(what);
  abort();
}

char *tree_new(void)
{
  const char *tmp = getenv("TMPDIR");
  char *root;

  if (asprintf(&root, "%s/klp-test-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
    die("asprintf");
  if (!mkdtemp(root))
    die("mkdtemp");
  chmod(root, 0755);
  return root;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void tree_free(char *root)
{
  nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(root);
}

char *tree_path(const char *root, const char *rel)
{
  char *p;

  if (asprintf(&p, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel) < 0)
    die("asprintf");
  return p;
}

static void mkdirs(char *path)
{
  for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
      die(path);
    *s = '/';
  }
}

void tree_write_bin(const char *root, const char *rel, const void *data,
                    size_t len)
{
  char *p = tree_path(root, rel);
  FILE *f;

  mkdirs(p);
  if (!(f = fopen(p, "w")))
    die(p);
  if (len && fwrite(data, 1, len, f) != len)
    die(p);
  fclose(f);
  free(p);
}

void tree_write(const char *root, const char *rel, const char *content)
{
  tree_write_bin(root, rel, content, strlen(content));
}

void tree_mkdir(const char *root, const char *rel)
{
  char *p = tree_path(root, rel);

  mkdirs(p);
  if (mkdir(p, 0755) < 0 && errno != EEXIST)
    die(p);
  free(p);
}

void tree_symlink(const char *root, const char *rel, const char *target)
{
  char *p = tree_path(root, rel);

  mkdirs(p);
  if (symlink(target, p) < 0)
    die(p);
  free(p);
}

void tree_chmod(const char *root, const char *rel, unsigned mode)
{
  char *p = tree_path(root, rel);

  if (chmod(p, mode) < 0)
    die(p);
  free(p);
}

static void writef(const char *root, const char *content, const char *fmt, ...)
{
  char rel[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(rel, sizeof(rel), fmt, ap);
  va_end(ap);
  tree_write(root, rel, content);
}

void tree_livepatch(const char *root)
{
  tree_mkdir(root, "sys/kernel/livepatch");
  tree_mkdir(root, "proc");
}

void tree_patch(const char *root, const char *name, int enabled, int transition)
{
  writef(root, enabled ? "1\n" : "0\n", "sys/kernel/livepatch/%s/enabled",
         name);
  writef(root, transition ? "1\n" : "0\n", "sys/kernel/livepatch/%s/transition",
         name);
  writef(root, "", "sys/kernel/livepatch/%s/force", name);
}

void tree_object(const char *root, const char *patch, const char *obj,
                 int patched)
{
  writef(root, patched ? "1\n" : "0\n", "sys/kernel/livepatch/%s/%s/patched",
         patch, obj);
}

void tree_func(const char *root, const char *patch, const char *obj,
               const char *func, int sympos)
{
  char rel[1024];

  snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/%s/%s,%d", patch, obj,
           func, sympos);
  tree_mkdir(root, rel);
}

void tree_task(const char *root, int pid, int tid, int state, const char *comm)
{
  char v[32];

  snprintf(v, sizeof(v), "%d\n", state);
  writef(root, v, "proc/%d/task/%d/patch_state", pid, tid);
  snprintf(v, sizeof(v), "%s\n", comm);
  writef(root, v, "proc/%d/task/%d/comm", pid, tid);
}

/* ELF writer: the few fields klp reads, in the chosen byte order. */
static void wr(unsigned char *p, size_t size, uint64_t v, bool be)
{
  for (size_t i = 0; i < size; i++)
    p[be ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

#define PUT(base, type, field, v, be)                                          \
  wr((base) + offsetof(type, field), sizeof(((type *)0)->field), v, be)

static size_t hex_bytes(const char *hex, unsigned char *out)
{
  size_t n = 0;

  for (; hex[0] && hex[1]; hex += 2) {
    unsigned v;

    sscanf(hex, "%2x", &v);
    out[n++] = (unsigned char)v;
  }
  return n;
}

static size_t build_note(const char *hex, bool be, unsigned char *out)
{
  unsigned char id[64];
  size_t n = hex_bytes(hex, id);

  wr(out, 4, 4, be);
  wr(out + 4, 4, n, be);
  wr(out + 8, 4, NT_GNU_BUILD_ID, be);
  memcpy(out + 12, "GNU", 4);
  memcpy(out + 16, id, n);
  return 16 + ((n + 3) & ~(size_t)3);
}

size_t ko_image(const struct ko_spec *s, unsigned char *buf, size_t n)
{
  static const char names[] = "\0.modinfo\0.note.gnu.build-id\0.shstrtab";
  size_t ehsize = s->elf32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
  size_t shsize = s->elf32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
  size_t off = ehsize, mi_off, mi_len, note_off, note_len = 0, str_off, sh_off;
  const uint32_t name_off[4] = {0, 1, 10, 29};
  bool be = s->big_endian;

  memset(buf, 0, n);
  /* .modinfo: '\n' separators become NULs, with a padding NUL pair. */
  mi_off = off;
  mi_len = strlen(s->modinfo) + 1;
  memcpy(buf + off, s->modinfo, mi_len);
  for (size_t i = 0; i < mi_len; i++)
    if (buf[off + i] == '\n')
      buf[off + i] = '\0';
  off += mi_len + 1;
  off = (off + 3) & ~(size_t)3;
  note_off = off;
  if (s->build_id)
    note_len = build_note(s->build_id, be, buf + off);
  off += note_len;
  str_off = off;
  memcpy(buf + off, names, sizeof(names));
  off += sizeof(names);
  sh_off = (off + 7) & ~(size_t)7;

  memcpy(buf, ELFMAG, SELFMAG);
  buf[EI_CLASS] = s->elf32 ? ELFCLASS32 : ELFCLASS64;
  buf[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
  buf[EI_VERSION] = EV_CURRENT;
  const size_t offs[4] = {0, mi_off, note_off, str_off};
  const size_t lens[4] = {0, mi_len + 1, note_len, sizeof(names)};
  const uint32_t types[4] = {SHT_NULL, SHT_PROGBITS, SHT_NOTE, SHT_STRTAB};
  if (s->elf32) {
    PUT(buf, Elf32_Ehdr, e_type, ET_REL, be);
    PUT(buf, Elf32_Ehdr, e_shoff, sh_off, be);
    PUT(buf, Elf32_Ehdr, e_shentsize, shsize, be);
    PUT(buf, Elf32_Ehdr, e_shnum, 4, be);
    PUT(buf, Elf32_Ehdr, e_shstrndx, 3, be);
  } else {
    PUT(buf, Elf64_Ehdr, e_type, ET_REL, be);
    PUT(buf, Elf64_Ehdr, e_shoff, sh_off, be);
    PUT(buf, Elf64_Ehdr, e_shentsize, shsize, be);
    PUT(buf, Elf64_Ehdr, e_shnum, 4, be);
    PUT(buf, Elf64_Ehdr, e_shstrndx, 3, be);
  }
  for (int i = 0; i < 4; i++) {
    unsigned char *h = buf + sh_off + i * shsize;

    if (s->elf32) {
      PUT(h, Elf32_Shdr, sh_name, name_off[i], be);
      PUT(h, Elf32_Shdr, sh_type, types[i], be);
      PUT(h, Elf32_Shdr, sh_offset, offs[i], be);
      PUT(h, Elf32_Shdr, sh_size, lens[i], be);
    } else {
      PUT(h, Elf64_Shdr, sh_name, name_off[i], be);
      PUT(h, Elf64_Shdr, sh_type, types[i], be);
      PUT(h, Elf64_Shdr, sh_offset, offs[i], be);
      PUT(h, Elf64_Shdr, sh_size, lens[i], be);
    }
  }
  (void)n;
  return sh_off + 4 * shsize;
}

void tree_ko(const char *root, const char *rel, const struct ko_spec *s)
{
  unsigned char buf[8192];
  size_t len = ko_image(s, buf, sizeof(buf));

  tree_write_bin(root, rel, buf, len);
}

void tree_build_id_note(const char *root, const char *module, const char *hex)
{
  unsigned char buf[128];
  char rel[512];
  size_t len = build_note(hex, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, buf);

  snprintf(rel, sizeof(rel), "sys/module/%s/notes/.note.gnu.build-id", module);
  tree_write_bin(root, rel, buf, len);
}

static void slurp(int fd, char *buf, size_t n)
{
  ssize_t len = pread(fd, buf, n - 1, 0);

  buf[len > 0 ? len : 0] = '\0';
  close(fd);
}

static void run(struct klp_run *r, const char *const *argv, bool nobody)
{
  char outp[] = "/tmp/klp-out-XXXXXX", errp[] = "/tmp/klp-err-XXXXXX";
  int out = mkstemp(outp), err = mkstemp(errp), status;
  pid_t pid;

  if (out < 0 || err < 0)
    die("mkstemp");
  unlink(outp);
  unlink(errp);
  fflush(NULL);
  pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    /* Opened before dropping privileges: the build tree may sit under a
     * directory nobody cannot search (/root in a fresh CI checkout). */
    int bin = open(KLP_BIN, O_RDONLY | O_CLOEXEC);

    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (nobody && geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
      _exit(126);
    fexecve(bin, (char *const *)argv, environ);
    _exit(127);
  }
  if (waitpid(pid, &status, 0) < 0)
    die("waitpid");
  r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  slurp(out, r->out, sizeof(r->out));
  slurp(err, r->err, sizeof(r->err));
}

void klp_run(struct klp_run *r, const char *const *argv)
{
  run(r, argv, false);
}

void klp_run_as_nobody(struct klp_run *r, const char *const *argv)
{
  run(r, argv, true);
}
