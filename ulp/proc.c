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

int proc_open(pid_t pid, struct proc *p, struct pulp_err *e)
{
  char path[64];
  struct stat st;
  ssize_t n;
  int fd;

  memset(p, 0, sizeof(*p));
  p->pid = pid;
  p->memfd = -1;
  snprintf(p->comm, sizeof(p->comm), "?");
  snprintf(path, sizeof(path), "/proc/%d", (int)pid);
  if (pid <= 0 || stat(path, &st) < 0)
    return err_set(e, -ESRCH, "no such process");
  snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return err_set(e, -ESRCH, "no such process");
  n = read(fd, p->comm, sizeof(p->comm) - 1);
  close(fd);
  p->comm[n > 0 ? n : 0] = '\0';
  p->comm[strcspn(p->comm, "\n")] = '\0';
  snprintf(p->root, sizeof(p->root), "/proc/%d/root", (int)pid);
  snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
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
  char path[64], *line = NULL;
  size_t cap = 0, len = 0, lcap = 0;
  struct proc_map *m = NULL;
  FILE *f;

  snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
  f = fopen(path, "re");
  if (!f)
    return err_sys(e, errno == ENOENT ? -ESRCH : -errno,
                   "reading its memory map");
  while (getline(&line, &lcap, f) > 0) {
    struct proc_map *r;
    unsigned long long s, end, off;
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
    if (sscanf(line, "%llx-%llx %4s %llx %*s %*s%n", &s, &end, r->perms, &off,
               &pos) < 4)
      continue;
    r->start = s;
    r->end = end;
    r->offset = off;
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

int proc_symbol(const struct proc *p, const struct proc_map *maps, size_t n,
                const char *path, const char *name, uint64_t *addr,
                struct pulp_err *e)
{
  char file[PATH_MAX + 64];
  struct elf_file *f;
  struct elf_sym sym;
  uint64_t base, lo, hi;
  int rc;

  if (proc_object_range(maps, n, path, &base, &lo, &hi) != 0)
    return err_set(e, -ENOENT, "%s is not mapped", path);
  proc_path(p, path, file, sizeof(file));
  if ((rc = elf_file_open(file, 0, &f, e)))
    return rc;
  rc = elf_file_find_symbol(f, name, &sym, e);
  elf_file_close(f);
  if (rc)
    return rc;
  *addr = base + sym.value;
  return 0;
}

size_t proc_build_id(const struct proc *p, uint64_t base, uint8_t *id,
                     size_t max)
{
  Elf64_Ehdr eh;
  Elf64_Phdr ph[64];
  uint64_t bias = 0;
  int have_load = 0;

  if (proc_read(p, base, &eh, sizeof(eh), NULL) ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64 ||
      proc_read(p, base + eh.e_phoff, ph, eh.e_phnum * sizeof(Elf64_Phdr),
                NULL))
    return 0;
  for (int i = 0; i < eh.e_phnum && !have_load; i++)
    if (ph[i].p_type == PT_LOAD) {
      bias = base - (ph[i].p_vaddr & ~(uint64_t)(ph[i].p_align - 1));
      have_load = 1;
    }
  for (int i = 0; have_load && i < eh.e_phnum; i++) {
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

int proc_read(const struct proc *p, uint64_t addr, void *buf, size_t len,
              struct pulp_err *e)
{
  struct iovec l = {buf, len}, r = {(void *)(uintptr_t)addr, len};
  ssize_t n = process_vm_readv(p->pid, &l, 1, &r, 1, 0);

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
  char path[64], buf[512], *rp;
  ssize_t n;
  int fd;

  snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)p->pid, (int)tid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
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
