/* Process access for the tool: /proc/PID/{comm,maps,mem,task},
 * process_vm_readv. */
#define _GNU_SOURCE
#include "proc.h"

#include <elf.h>

#include "core/elf_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

int proc_eperm(const char *what, struct pulp_err *e)
{
  char scope[16] = "";
  FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");

  if (f) {
    if (!fgets(scope, sizeof(scope), f))
      scope[0] = '\0';
    fclose(f);
    scope[strcspn(scope, "\n")] = '\0';
  }
  return err_set(e, -EPERM,
                 "%s: permission denied (needs CAP_SYS_PTRACE, "
                 "or the same user with Yama ptrace_scope 0%s%s)",
                 what, scope[0] ? "; ptrace_scope is " : "", scope);
}

/* The scheduler state letter in a /proc/.../stat file, 0 when gone. */
static char stat_state(const char *path)
{
  char buf[512], *rp;
  ssize_t n;
  int fd = open(path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return 0;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  rp = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
  return rp && rp[1] == ' ' ? rp[2] : 0;
}

/* A thread of pid that is not a zombie, 0 if none. */
static pid_t live_thread(pid_t pid)
{
  char path[64];
  struct dirent *d;
  pid_t tid = 0;
  DIR *dir;

  snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
  if (!(dir = opendir(path)))
    return 0;
  while (!tid && (d = readdir(dir))) {
    char st;
    if (d->d_name[0] < '0' || d->d_name[0] > '9')
      continue;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
             atoi(d->d_name));
    st = stat_state(path);
    if (st && st != 'Z' && st != 'X')
      tid = (pid_t)atoi(d->d_name);
  }
  closedir(dir);
  return tid;
}

int proc_open(pid_t pid, struct proc *p, struct pulp_err *e)
{
  char path[96];
  struct stat st;
  ssize_t n;
  char state;
  int fd;

  memset(p, 0, sizeof(*p));
  p->pid = p->tid = pid;
  p->memfd = -1;
  snprintf(p->comm, sizeof(p->comm), "?");
  snprintf(path, sizeof(path), "/proc/%d", (int)pid);
  if (pid <= 0 || stat(path, &st) < 0)
    return err_set(e, -ESRCH, "no such process");
  snprintf(p->dir, sizeof(p->dir), "/proc/%d", (int)pid);
  /* A zombie leader whose threads still run: go through one of them. */
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  state = stat_state(path);
  if (state == 'Z' || state == 'X') {
    if (!(p->tid = live_thread(pid)))
      return err_set(e, -ESRCH, "process exited");
    snprintf(p->dir, sizeof(p->dir), "/proc/%d/task/%d", (int)pid, (int)p->tid);
  }
  snprintf(path, sizeof(path), "%s/comm", p->dir);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return err_set(e, -ESRCH, "no such process");
  n = read(fd, p->comm, sizeof(p->comm) - 1);
  close(fd);
  p->comm[n > 0 ? n : 0] = '\0';
  p->comm[strcspn(p->comm, "\n")] = '\0';
  snprintf(p->root, sizeof(p->root), "%s/root", p->dir);
  snprintf(path, sizeof(path), "%s/mem", p->dir);
  p->memfd = open(path, O_RDWR | O_CLOEXEC);
  if (p->memfd < 0) {
    if (errno == EACCES || errno == EPERM)
      return proc_eperm("opening its memory", e);
    if (errno == ENOENT || errno == ESRCH)
      return err_set(e, -ESRCH, "no such process");
    return err_sys(e, -errno, "opening %s", path);
  }
  return 0;
}

void proc_close(struct proc *p)
{
  if (p->memfd >= 0)
    close(p->memfd);
  p->memfd = -1;
}

int proc_maps(const struct proc *p, struct proc_map **maps, size_t *n,
              struct pulp_err *e)
{
  char path[96], *line = NULL;
  size_t cap = 0, len = 0, lcap = 0;
  struct proc_map *m = NULL;
  FILE *f;

  snprintf(path, sizeof(path), "%s/maps", p->dir);
  f = fopen(path, "re");
  if (!f)
    return err_sys(e, errno == ENOENT ? -ESRCH : -errno,
                   "reading its memory map");
  while (getline(&line, &lcap, f) > 0) {
    struct proc_map *r;
    unsigned long long s, end, off, ino;
    unsigned maj, min;
    int pos = 0;
    if (len == cap) {
      struct proc_map *nm;
      cap = cap ? cap * 2 : 64;
      nm = realloc(m, cap * sizeof(*m));
      if (!nm) {
        free(m);
        free(line);
        fclose(f);
        return err_set(e, -ENOMEM, "out of memory");
      }
      m = nm;
    }
    r = &m[len];
    if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu%n", &s, &end, r->perms,
               &off, &maj, &min, &ino, &pos) < 7)
      continue;
    r->start = s;
    r->end = end;
    r->offset = off;
    r->dev = makedev(maj, min);
    r->inode = ino;
    while (line[pos] == ' ')
      pos++;
    snprintf(r->path, sizeof(r->path), "%s", line + pos);
    r->path[strcspn(r->path, "\n")] = '\0';
    len++;
  }
  free(line);
  fclose(f);
  *maps = m;
  *n = len;
  return 0;
}

int proc_object_range(const struct proc_map *maps, size_t n, const char *path,
                      uint64_t *base, uint64_t *lo, uint64_t *hi)
{
  int found = 0;

  *base = *lo = UINT64_MAX;
  *hi = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(maps[i].path, path))
      continue;
    found = 1;
    if (maps[i].offset == 0 && maps[i].start < *base)
      *base = maps[i].start;
    if (maps[i].start < *lo)
      *lo = maps[i].start;
    if (maps[i].end > *hi)
      *hi = maps[i].end;
  }
  /* Its .bss beyond the file: the anonymous mapping right after. */
  for (size_t i = 0; found && i < n; i++)
    if (maps[i].start == *hi && maps[i].path[0] == '\0')
      *hi = maps[i].end;
  return found && *base != UINT64_MAX ? 0 : -ENOENT;
}

const char *proc_find_mapped(const struct proc_map *maps, size_t n,
                             const char *prefix)
{
  for (size_t i = 0; i < n; i++) {
    const char *b = strrchr(maps[i].path, '/');
    if (maps[i].path[0] == '/' && b && !strncmp(b + 1, prefix, strlen(prefix)))
      return maps[i].path;
  }
  return NULL;
}

/* The first PT_LOAD's bias and the program headers of the image at base. */
static int image_phdrs(const struct proc *p, uint64_t base, Elf64_Phdr *ph,
                       int *nph, uint64_t *bias)
{
  Elf64_Ehdr eh;

  if (proc_read(p, base, &eh, sizeof(eh), NULL) ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64 ||
      proc_read(p, base + eh.e_phoff, ph, eh.e_phnum * sizeof(Elf64_Phdr),
                NULL))
    return -ENOEXEC;
  *nph = eh.e_phnum;
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_LOAD) {
      *bias = base - (ph[i].p_vaddr & ~(uint64_t)(ph[i].p_align - 1));
      return 0;
    }
  return -ENOEXEC;
}

/* What the dynamic section of a loaded image says, addresses in p. */
struct dyn {
  uint64_t strtab, symtab, gnu_hash, hash, soname;
  int has_soname;
};

static int read_dyn(const struct proc *p, uint64_t base, struct dyn *d)
{
  Elf64_Phdr ph[64];
  Elf64_Dyn dyn[256];
  uint64_t bias = 0;
  int nph = 0;

  memset(d, 0, sizeof(*d));
  if (image_phdrs(p, base, ph, &nph, &bias))
    return -ENOEXEC;
  for (int i = 0; i < nph; i++) {
    size_t len;
    if (ph[i].p_type != PT_DYNAMIC)
      continue;
    len = ph[i].p_memsz < sizeof(dyn) ? ph[i].p_memsz : sizeof(dyn);
    if (proc_read(p, bias + ph[i].p_vaddr, dyn, len, NULL))
      return -EFAULT;
    for (size_t j = 0; j < len / sizeof(*dyn) && dyn[j].d_tag != DT_NULL; j++) {
      /* The loader relocates these in place on most machines; a value
       * below the bias was left as a link-time address. */
      uint64_t v = dyn[j].d_un.d_ptr;
      uint64_t a = v < bias ? v + bias : v;
      switch (dyn[j].d_tag) {
      case DT_STRTAB:
        d->strtab = a;
        break;
      case DT_SYMTAB:
        d->symtab = a;
        break;
      case DT_GNU_HASH:
        d->gnu_hash = a;
        break;
      case DT_HASH:
        d->hash = a;
        break;
      case DT_SONAME:
        d->soname = v;
        d->has_soname = 1;
        break;
      }
    }
    return d->strtab && d->symtab ? 0 : -ENOENT;
  }
  return -ENOENT;
}

/* Is the defined symbol at index i named name? */
static int sym_is(const struct proc *p, const struct dyn *d, uint32_t i,
                  const char *name, Elf64_Sym *s)
{
  char buf[256];
  size_t n = strlen(name) + 1;

  if (n > sizeof(buf) ||
      proc_read(p, d->symtab + (uint64_t)i * sizeof(*s), s, sizeof(*s), NULL))
    return 0;
  if (s->st_shndx == SHN_UNDEF || !s->st_value)
    return 0;
  /* Read name and its NUL; a shorter string fails the comparison. */
  if (proc_read(p, d->strtab + s->st_name, buf, n, NULL))
    return 0;
  return !memcmp(buf, name, n);
}

static int gnu_lookup(const struct proc *p, const struct dyn *d,
                      const char *name, Elf64_Sym *s)
{
  uint32_t h = 5381, hdr[4], i, ch;
  uint64_t buckets;

  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    h = h * 33 + *c;
  if (proc_read(p, d->gnu_hash, hdr, sizeof(hdr), NULL) || !hdr[0])
    return 0;
  buckets = d->gnu_hash + sizeof(hdr) + (uint64_t)hdr[2] * 8;
  if (proc_read(p, buckets + (uint64_t)(h % hdr[0]) * 4, &i, 4, NULL) ||
      i < hdr[1])
    return 0;
  for (unsigned guard = 0; guard < 100000; guard++, i++) {
    if (proc_read(p,
                  buckets + (uint64_t)hdr[0] * 4 + (uint64_t)(i - hdr[1]) * 4,
                  &ch, 4, NULL))
      return 0;
    if ((ch | 1) == (h | 1) && sym_is(p, d, i, name, s))
      return 1;
    if (ch & 1)
      return 0;
  }
  return 0;
}

static int sysv_lookup(const struct proc *p, const struct dyn *d,
                       const char *name, Elf64_Sym *s)
{
  uint32_t h = 0, g, hdr[2], i;

  for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
    h = (h << 4) + *c;
    g = h & 0xf0000000u;
    h ^= g >> 24;
    h &= ~g;
  }
  if (proc_read(p, d->hash, hdr, sizeof(hdr), NULL) || !hdr[0])
    return 0;
  if (proc_read(p, d->hash + 8 + (uint64_t)(h % hdr[0]) * 4, &i, 4, NULL))
    return 0;
  for (unsigned guard = 0; i && i < hdr[1] && guard < hdr[1]; guard++) {
    if (sym_is(p, d, i, name, s))
      return 1;
    if (proc_read(p, d->hash + 8 + (uint64_t)(hdr[0] + i) * 4, &i, 4, NULL))
      return 0;
  }
  return 0;
}

/* name in the dynamic symbol table of the image at base, from memory. */
static int mem_symbol(const struct proc *p, uint64_t base, const char *name,
                      uint64_t *addr, uint64_t *size)
{
  struct dyn d;
  Elf64_Sym s;
  uint64_t bias = 0;
  Elf64_Phdr ph[64];
  int nph;

  if (strchr(name, '@') || read_dyn(p, base, &d) ||
      image_phdrs(p, base, ph, &nph, &bias))
    return -ENOENT;
  if (!(d.gnu_hash && gnu_lookup(p, &d, name, &s)) &&
      !(d.hash && sysv_lookup(p, &d, name, &s)))
    return -ENOENT;
  *addr = bias + s.st_value;
  *size = s.st_size;
  return 0;
}

int proc_symbol_sized(const struct proc *p, const struct proc_map *maps,
                      size_t n, const char *path, const char *name,
                      uint64_t *addr, uint64_t *size, struct pulp_err *e)
{
  char file[PATH_MAX + 64];
  struct elf_file *f;
  struct elf_sym sym;
  uint64_t base, lo, hi;
  int rc;

  if (proc_object_range(maps, n, path, &base, &lo, &hi) != 0)
    return err_set(e, -ENOENT, "%s is not mapped", path);
  if (mem_symbol(p, base, name, addr, size) == 0)
    return 0;
  file[0] = '\0';
  for (size_t i = 0; i < n && !file[0]; i++)
    if (!strcmp(maps[i].path, path))
      proc_file_path(p, &maps[i], file, sizeof(file));
  if ((rc = elf_file_open(file, 0, &f, e)))
    return rc;
  rc = elf_file_find_symbol(f, name, &sym, e);
  elf_file_close(f);
  if (rc)
    return rc;
  /* st_value is a link-time address: the load base is its bias only for
   * objects linked at 0, which is what the tool patches (PIC). */
  *addr = base + sym.value;
  *size = sym.size;
  return 0;
}

int proc_symbol(const struct proc *p, const struct proc_map *maps, size_t n,
                const char *path, const char *name, uint64_t *addr,
                struct pulp_err *e)
{
  uint64_t size;

  return proc_symbol_sized(p, maps, n, path, name, addr, &size, e);
}

void proc_soname(const struct proc *p, uint64_t base, char *out, size_t max)
{
  struct dyn d;
  size_t got = 0;

  out[0] = '\0';
  if (max < 2 || read_dyn(p, base, &d) || !d.has_soname)
    return;
  /* Small reads: the string may end close to the end of its mapping. */
  while (got < max - 1) {
    size_t k = max - 1 - got < 32 ? max - 1 - got : 32;
    if (proc_read(p, d.strtab + d.soname + got, out + got, k, NULL)) {
      out[0] = '\0';
      return;
    }
    if (memchr(out + got, '\0', k))
      return;
    got += k;
  }
  out[max - 1] = '\0';
}

size_t proc_build_id(const struct proc *p, uint64_t base, uint8_t *id,
                     size_t max)
{
  Elf64_Phdr ph[64];
  uint64_t bias = 0;
  int nph = 0;

  if (image_phdrs(p, base, ph, &nph, &bias))
    return 0;
  for (int i = 0; i < nph; i++) {
    uint8_t notes[1024];
    size_t len =
        ph[i].p_filesz < sizeof(notes) ? ph[i].p_filesz : sizeof(notes);
    size_t off = 0;
    if (ph[i].p_type != PT_NOTE ||
        proc_read(p, bias + ph[i].p_vaddr, notes, len, NULL))
      continue;
    while (off + sizeof(Elf64_Nhdr) <= len) {
      Elf64_Nhdr nh;
      size_t name = off + sizeof(nh), desc;
      memcpy(&nh, notes + off, sizeof(nh));
      desc = name + ((nh.n_namesz + 3) & ~3u);
      if (desc + nh.n_descsz > len)
        break;
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
          !memcmp(notes + name, "GNU", 4)) {
        size_t n = nh.n_descsz < max ? nh.n_descsz : max;
        memcpy(id, notes + desc, n);
        return n;
      }
      off = desc + ((nh.n_descsz + 3) & ~3u);
    }
  }
  return 0;
}

void proc_path(const struct proc *p, const char *path, char *out, size_t max)
{
  snprintf(out, max, "%s%s", p->root, path);
}

static int same_file(const char *path, const struct proc_map *m)
{
  struct stat st;

  return stat(path, &st) == 0 && st.st_ino == m->inode && st.st_dev == m->dev;
}

void proc_file_path(const struct proc *p, const struct proc_map *m, char *out,
                    size_t max)
{
  proc_path(p, m->path, out, max);
  if (same_file(out, m))
    return;
  snprintf(out, max, "/proc/%d/map_files/%llx-%llx", (int)p->tid,
           (unsigned long long)m->start, (unsigned long long)m->end);
  if (access(out, R_OK) == 0)
    return;
  if (same_file(m->path, m)) {
    snprintf(out, max, "%s", m->path);
    return;
  }
  proc_path(p, m->path, out, max); /* its error names the usual path */
}

int proc_read(const struct proc *p, uint64_t addr, void *buf, size_t len,
              struct pulp_err *e)
{
  struct iovec l = {buf, len}, r = {(void *)(uintptr_t)addr, len};
  ssize_t n = process_vm_readv(p->tid, &l, 1, &r, 1, 0);

  if (n == (ssize_t)len)
    return 0;
  if (n < 0 && errno == EPERM)
    return proc_eperm("reading its memory", e);
  if (n < 0 && errno == ESRCH)
    return err_set(e, -ESRCH, "process exited");
  return err_sys(e, n < 0 ? -errno : -EFAULT, "reading %zu bytes at %#llx", len,
                 (unsigned long long)addr);
}

int proc_write(const struct proc *p, uint64_t addr, const void *buf, size_t len,
               struct pulp_err *e)
{
  ssize_t n = pwrite(p->memfd, buf, len, (off_t)addr);

  if (n == (ssize_t)len)
    return 0;
  return err_sys(e, n < 0 ? -errno : -EIO, "writing %zu bytes at %#llx", len,
                 (unsigned long long)addr);
}

int proc_threads(const struct proc *p, pid_t **tids, size_t *n,
                 struct pulp_err *e)
{
  char path[64];
  struct dirent *d;
  size_t len = 0, cap = 16;
  pid_t *t = malloc(cap * sizeof(*t));
  DIR *dir;

  snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
  dir = opendir(path);
  if (!dir || !t) {
    free(t);
    if (dir)
      closedir(dir);
    return err_set(e, -ESRCH, "process exited");
  }
  while ((d = readdir(dir))) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9')
      continue;
    if (len == cap) {
      pid_t *nt = realloc(t, (cap *= 2) * sizeof(*t));
      if (!nt) {
        free(t);
        closedir(dir);
        return err_set(e, -ENOMEM, "out of memory");
      }
      t = nt;
    }
    t[len++] = (pid_t)atoi(d->d_name);
  }
  closedir(dir);
  *tids = t;
  *n = len;
  return 0;
}

char proc_thread_state(const struct proc *p, pid_t tid)
{
  char path[64];

  snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)p->pid, (int)tid);
  return stat_state(path);
}
