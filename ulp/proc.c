/* Process access for the tool: /proc/PID/{comm,maps,mem,task},
 * process_vm_readv; and what the ELF images a process has loaded say about
 * themselves, cached per file (see "Images" below). */
#define _GNU_SOURCE
#include "proc.h"

#include "core/build_id.h"
#include "core/elf_file.h"

#include <dirent.h>
#include <elf.h>
#include <pthread.h>
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
  free(p->maps);
  p->maps = NULL;
  p->nmaps = 0;
}

/* One hexadecimal or decimal field; *s moves past it. */
static uint64_t field(const char **s, const char *end, int base)
{
  uint64_t v = 0;

  for (; *s < end; (*s)++) {
    unsigned c = (unsigned char)**s, d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
      d = (c | 0x20) - 'a' + 10;
    else
      break;
    v = v * (unsigned)base + d;
  }
  return v;
}

/* "start-end perms offset major:minor inode   path" (the path may hold
 * spaces, and is absent for anonymous mappings). 0 on a malformed line. */
static int parse_line(const char *s, const char *end, struct proc_map *r,
                      const char **path, size_t *plen)
{
  unsigned maj, min;

  r->start = field(&s, end, 16);
  if (s == end || *s++ != '-')
    return 0;
  r->end = field(&s, end, 16);
  if (end - s < 6 || *s++ != ' ')
    return 0;
  memcpy(r->perms, s, 4);
  r->perms[4] = '\0';
  s += 4;
  if (*s++ != ' ')
    return 0;
  r->offset = field(&s, end, 16);
  if (s == end || *s++ != ' ')
    return 0;
  maj = (unsigned)field(&s, end, 16);
  if (s == end || *s++ != ':')
    return 0;
  min = (unsigned)field(&s, end, 16);
  if (s == end || *s++ != ' ')
    return 0;
  r->dev = makedev(maj, min);
  r->inode = field(&s, end, 10);
  while (s < end && *s == ' ')
    s++;
  *path = s;
  *plen = (size_t)(end - s);
  return 1;
}

int proc_maps_parse(const char *text, size_t len, struct proc_map **maps,
                    size_t *n)
{
  size_t lines = 0, k = 0;
  const char *s, *end = text + len;
  struct proc_map *m;
  char *pool;

  for (s = text; s < end; s++)
    lines += *s == '\n';
  if (len && end[-1] != '\n')
    lines++;
  /* One block: the entries, then their paths (at most the text). */
  m = malloc(lines * sizeof(*m) + len + lines + 1);
  if (!m)
    return -ENOMEM;
  pool = (char *)(m + lines);
  for (s = text; s < end;) {
    const char *nl = memchr(s, '\n', (size_t)(end - s)), *path;
    size_t plen;
    if (!nl)
      nl = end;
    if (parse_line(s, nl, &m[k], &path, &plen)) {
      memcpy(pool, path, plen);
      pool[plen] = '\0';
      m[k++].path = pool;
      pool += plen + 1;
    }
    s = nl + 1;
  }
  *maps = m;
  *n = k;
  return 0;
}

/* A copy of the block of n entries at m, its paths rebased. */
static struct proc_map *maps_copy(const struct proc_map *m, size_t n)
{
  size_t size = n * sizeof(*m);
  struct proc_map *c;

  for (size_t i = 0; i < n; i++)
    if (m[i].path + strlen(m[i].path) + 1 > (const char *)m + size)
      size = (size_t)(m[i].path + strlen(m[i].path) + 1 - (const char *)m);
  if (!(c = malloc(size ? size : 1)))
    return NULL;
  memcpy(c, m, size);
  for (size_t i = 0; i < n; i++)
    c[i].path = (const char *)c + (m[i].path - (const char *)m);
  return c;
}

int proc_maps(struct proc *p, struct proc_map **maps, size_t *n,
              struct pulp_err *e)
{
  char path[96], *text = NULL;
  size_t len = 0, cap = 0;
  ssize_t r;
  int fd, rc;

  if (!p->maps) {
    snprintf(path, sizeof(path), "%s/maps", p->dir);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return err_sys(e, errno == ENOENT ? -ESRCH : -errno,
                     "reading its memory map");
    do {
      if (len == cap) {
        char *t = realloc(text, cap = cap ? 2 * cap : 16384);
        if (!t) {
          free(text);
          close(fd);
          return err_set(e, -ENOMEM, "out of memory");
        }
        text = t;
      }
      r = read(fd, text + len, cap - len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r > 0)
        len += (size_t)r;
    } while (r > 0 || (r < 0 && errno == EINTR));
    rc = r < 0 ? -errno : 0;
    close(fd);
    if (rc) {
      free(text);
      return err_sys(e, rc == -ESRCH ? -ESRCH : rc, "reading its memory map");
    }
    rc = proc_maps_parse(text, len, &p->maps, &p->nmaps);
    free(text);
    if (rc)
      return err_set(e, rc, "out of memory");
  }
  if (!(*maps = maps_copy(p->maps, p->nmaps)))
    return err_set(e, -ENOMEM, "out of memory");
  *n = p->nmaps;
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

/* ---- Images ----------------------------------------------------------
 *
 * What an ELF image loaded in a live process says about itself (build-id,
 * soname, dynamic symbols), read from the process's memory once per file
 * and kept for the tool's whole run.
 *
 * Why a cache: a wildcard trigger over a fleet meets the same libc and the
 * same libpulp.so in every process, and thread choice alone looks up some
 * 30 names in libc per process. An image is identified by the device and
 * inode of its mapping (a file replaced on disk is another inode; its
 * contents are the same pages in every process that maps it), and what is
 * kept is relative to the image's load base, which differs per process.
 * Reading is in bulk: the ELF and program headers in one read, the dynamic
 * symbol table, its strings and its hash table in one read each, instead
 * of following the hash chains a word at a time through process_vm_readv.
 * Failures are not cached: the next process tries again. */
#define IMAGE_HEAD 4096           /* ELF and program headers, notes */
#define IMAGE_MAX_SYMS (1u << 20) /* sanity bounds of a dynamic table */
#define IMAGE_MAX_STRS (16u << 20)
#define IMAGE_SONAME_MAX 256
#define IMAGE_BUILD_ID_MAX 64

/* A name resolved from the file (.symtab), not from memory. */
struct file_sym {
  struct file_sym *next;
  uint64_t value, size; /* link-time value: address = base + value */
  int rc;               /* 0 found, else why not (negative errno) */
  char name[];
};

struct image {
  struct image *next;
  uint64_t dev, inode;
  /* From the headers (head_ok). Offsets are from the bias (the load base
   * minus the first PT_LOAD's aligned address). */
  int head_ok;
  uint64_t vbase; /* base - bias */
  uint64_t strtab, symtab, gnu_hash, hash, strsz;
  int has_dyn;
  uint8_t build_id[IMAGE_BUILD_ID_MAX];
  size_t build_id_len;
  char soname[IMAGE_SONAME_MAX];
  /* The dynamic symbol table (syms_ok), loaded on the first lookup. */
  int syms_ok;
  Elf64_Sym *syms;
  uint32_t nsyms;
  char *strs;
  uint32_t *gnu;  /* nbuckets, symoffset, bloom size, shift, bloom, buckets,
                     chains from symoffset */
  uint32_t *sysv; /* nbucket, nchain, buckets, chains */
  struct file_sym *file_syms;
};

static pthread_mutex_t images_lock = PTHREAD_MUTEX_INITIALIZER;
static struct image *images;

/* The image of mapping m, created empty on first sight; tmp (not kept:
 * release it with image_done) when it has no identity to key it by or
 * memory is short. Under images_lock. */
static struct image *image_of(const struct proc_map *m, struct image *tmp)
{
  struct image *im;

  memset(tmp, 0, sizeof(*tmp));
  if (!m->inode)
    return tmp;
  for (im = images; im; im = im->next)
    if (im->dev == m->dev && im->inode == m->inode)
      return im;
  if (!(im = calloc(1, sizeof(*im))))
    return tmp;
  im->dev = m->dev;
  im->inode = m->inode;
  im->next = images;
  images = im;
  return im;
}

static void read_build_id(struct image *im, const uint8_t *notes, size_t len)
{
  im->build_id_len = pulp_notes_build_id(notes, len, pulp_host_big_endian(),
                                         im->build_id, IMAGE_BUILD_ID_MAX);
}

/* The soname string, in small reads: it may end close to the end of its
 * mapping. */
static void read_soname(struct image *im, const struct proc *p, uint64_t at)
{
  size_t got = 0, max = sizeof(im->soname);

  while (got < max - 1) {
    size_t k = max - 1 - got < 32 ? max - 1 - got : 32;
    if (proc_read(p, at + got, im->soname + got, k, NULL)) {
      im->soname[0] = '\0';
      return;
    }
    if (memchr(im->soname + got, '\0', k))
      return;
    got += k;
  }
  im->soname[max - 1] = '\0';
}

static void read_dynamic(struct image *im, const struct proc *p, uint64_t bias,
                         const Elf64_Phdr *ph)
{
  Elf64_Dyn dyn[256];
  size_t len = ph->p_memsz < sizeof(dyn) ? ph->p_memsz : sizeof(dyn);
  uint64_t soname = 0;
  int has_soname = 0;

  if (proc_read(p, bias + ph->p_vaddr, dyn, len, NULL))
    return;
  for (size_t j = 0; j < len / sizeof(*dyn) && dyn[j].d_tag != DT_NULL; j++) {
    /* The loader relocates these in place on most machines; a value
     * below the bias was left as a link-time address. */
    uint64_t v = dyn[j].d_un.d_ptr;
    uint64_t a = (v < bias ? v + bias : v) - bias;
    switch (dyn[j].d_tag) {
    case DT_STRTAB:
      im->strtab = a;
      break;
    case DT_SYMTAB:
      im->symtab = a;
      break;
    case DT_GNU_HASH:
      im->gnu_hash = a;
      break;
    case DT_HASH:
      im->hash = a;
      break;
    case DT_STRSZ:
      im->strsz = v;
      break;
    case DT_SONAME:
      soname = v;
      has_soname = 1;
      break;
    }
  }
  im->has_dyn = im->strtab && im->symtab;
  if (im->has_dyn && has_soname)
    read_soname(im, p, bias + im->strtab + soname);
}

/* The headers of the image at base: bias, dynamic section, build-id,
 * soname. Under images_lock. */
static int load_head(struct image *im, const struct proc *p, uint64_t base)
{
  uint8_t head[IMAGE_HEAD] __attribute__((aligned(8)));
  Elf64_Ehdr eh;
  Elf64_Phdr ph[64];
  uint64_t bias = 0;
  int load = -1;

  if (im->head_ok)
    return 0;
  /* The first page is mapped whenever the image is. */
  if (proc_read(p, base, head, sizeof(head), NULL))
    return -ENOEXEC;
  memcpy(&eh, head, sizeof(eh));
  if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64)
    return -ENOEXEC;
  if (eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) <= sizeof(head))
    memcpy(ph, head + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
  else if (proc_read(p, base + eh.e_phoff, ph, eh.e_phnum * sizeof(Elf64_Phdr),
                     NULL))
    return -ENOEXEC;
  for (int i = 0; i < eh.e_phnum && load < 0; i++)
    if (ph[i].p_type == PT_LOAD)
      load = i;
  if (load < 0)
    return -ENOEXEC;
  im->vbase = ph[load].p_vaddr & ~(uint64_t)(ph[load].p_align - 1);
  bias = base - im->vbase;
  for (int i = 0; i < eh.e_phnum; i++) {
    if (ph[i].p_type == PT_NOTE && !im->build_id_len) {
      uint8_t notes[1024];
      uint64_t off = ph[i].p_vaddr - im->vbase;
      size_t len =
          ph[i].p_filesz < sizeof(notes) ? ph[i].p_filesz : sizeof(notes);
      if (off + len <= sizeof(head))
        read_build_id(im, head + off, len);
      else if (!proc_read(p, bias + ph[i].p_vaddr, notes, len, NULL))
        read_build_id(im, notes, len);
    } else if (ph[i].p_type == PT_DYNAMIC && !im->has_dyn) {
      read_dynamic(im, p, bias, &ph[i]);
    }
  }
  im->head_ok = 1;
  return 0;
}

static void drop_syms(struct image *im)
{
  free(im->syms);
  free(im->strs);
  free(im->gnu);
  free(im->sysv);
  im->syms = NULL;
  im->strs = NULL;
  im->gnu = im->sysv = NULL;
}

static void image_done(struct image *im, struct image *tmp)
{
  if (im == tmp)
    drop_syms(tmp);
}

static void *read_alloc(const struct proc *p, uint64_t addr, size_t len)
{
  void *b = malloc(len ? len : 1);

  if (b && len && proc_read(p, addr, b, len, NULL)) {
    free(b);
    return NULL;
  }
  return b;
}

/* The GNU hash table, and from it the number of dynamic symbols (the
 * highest chain's end). */
static int load_gnu(struct image *im, const struct proc *p, uint64_t bias)
{
  uint64_t at = bias + im->gnu_hash;
  uint32_t hdr[4], top = 0, n;
  size_t head;

  if (proc_read(p, at, hdr, sizeof(hdr), NULL) || !hdr[0] ||
      hdr[0] > IMAGE_MAX_SYMS || hdr[2] > IMAGE_MAX_SYMS)
    return -ENOENT;
  head = 4 + (size_t)hdr[2] * 2 + hdr[0]; /* words: header, bloom, buckets */
  if (!(im->gnu = read_alloc(p, at, head * 4)))
    return -EFAULT;
  for (uint32_t b = 0; b < hdr[0]; b++)
    if (im->gnu[4 + (size_t)hdr[2] * 2 + b] > top)
      top = im->gnu[4 + (size_t)hdr[2] * 2 + b];
  n = hdr[1];
  if (top >= hdr[1]) {
    /* Walk the last chain to its end, a page at a time (word by word
     * where a page would cross the end of the mapping). */
    uint32_t chunk[1024], from = 0, have = 0;
    for (n = top;; n++) {
      if (n - hdr[1] >= IMAGE_MAX_SYMS)
        return -ENOENT;
      if (n >= from + have) {
        uint64_t a = at + (head + n - hdr[1]) * 4;
        from = n;
        have = 1024;
        if (proc_read(p, a, chunk, sizeof(chunk), NULL)) {
          have = 1;
          if (proc_read(p, a, chunk, 4, NULL))
            return -EFAULT;
        }
      }
      if (chunk[n - from] & 1)
        break;
    }
    n++;
  }
  free(im->gnu);
  if (!(im->gnu = read_alloc(p, at, (head + n - hdr[1]) * 4)))
    return -EFAULT;
  im->nsyms = n;
  return 0;
}

static int load_sysv(struct image *im, const struct proc *p, uint64_t bias)
{
  uint64_t at = bias + im->hash;
  uint32_t hdr[2];

  if (proc_read(p, at, hdr, sizeof(hdr), NULL) || !hdr[0] ||
      hdr[0] > IMAGE_MAX_SYMS || hdr[1] > IMAGE_MAX_SYMS)
    return -ENOENT;
  if (!(im->sysv = read_alloc(p, at, (2 + (size_t)hdr[0] + hdr[1]) * 4)))
    return -EFAULT;
  if (!im->nsyms || hdr[1] > im->nsyms)
    im->nsyms = hdr[1];
  return 0;
}

/* The dynamic symbol table, its strings and hash tables. Under the lock. */
static int load_syms(struct image *im, const struct proc *p, uint64_t base)
{
  uint64_t bias = base - im->vbase;

  if (im->syms_ok)
    return 0;
  if (!im->has_dyn || !im->strsz || im->strsz > IMAGE_MAX_STRS)
    return -ENOENT;
  if ((im->gnu_hash && load_gnu(im, p, bias)) ||
      (im->hash && load_sysv(im, p, bias)) || !im->nsyms ||
      !(im->syms = read_alloc(p, bias + im->symtab,
                              (size_t)im->nsyms * sizeof(Elf64_Sym))) ||
      !(im->strs = read_alloc(p, bias + im->strtab, im->strsz))) {
    drop_syms(im);
    im->nsyms = 0;
    return -ENOENT;
  }
  im->syms_ok = 1;
  return 0;
}

/* Is the defined symbol at index i named name? */
static int sym_is(const struct image *im, uint32_t i, const char *name)
{
  const Elf64_Sym *s;
  size_t n = strlen(name) + 1;

  if (i >= im->nsyms)
    return 0;
  s = &im->syms[i];
  if (s->st_shndx == SHN_UNDEF || !s->st_value || s->st_name >= im->strsz ||
      im->strsz - s->st_name < n)
    return 0;
  return !memcmp(im->strs + s->st_name, name, n);
}

static const Elf64_Sym *gnu_lookup(const struct image *im, const char *name)
{
  const uint32_t *g = im->gnu;
  uint32_t h = 5381, nb, off, i;
  const uint32_t *buckets, *chains;

  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    h = h * 33 + *c;
  nb = g[0];
  off = g[1];
  buckets = g + 4 + (size_t)g[2] * 2;
  chains = buckets + nb;
  i = buckets[h % nb];
  if (i < off)
    return NULL;
  for (; i < im->nsyms; i++) {
    uint32_t ch = chains[i - off];
    if ((ch | 1) == (h | 1) && sym_is(im, i, name))
      return &im->syms[i];
    if (ch & 1)
      return NULL;
  }
  return NULL;
}

static const Elf64_Sym *sysv_lookup(const struct image *im, const char *name)
{
  const uint32_t *t = im->sysv;
  uint32_t h = 0, g, nb = t[0], nc = t[1], i;

  for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
    h = (h << 4) + *c;
    g = h & 0xf0000000u;
    h ^= g >> 24;
    h &= ~g;
  }
  i = t[2 + h % nb];
  for (uint32_t guard = 0; i && i < nc && guard < nc; guard++) {
    if (sym_is(im, i, name))
      return &im->syms[i];
    i = t[2 + nb + i];
  }
  return NULL;
}

/* The offset-0 mapping of path, with the base and extent of the file. */
static const struct proc_map *object(const struct proc_map *maps, size_t n,
                                     const char *path, uint64_t *base)
{
  uint64_t lo, hi;

  if (proc_object_range(maps, n, path, base, &lo, &hi))
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (maps[i].start == *base && !strcmp(maps[i].path, path))
      return &maps[i];
  return NULL;
}

/* name from the file behind the mapping (symbols only in .symtab, or
 * versioned names), remembered per image. */
static int file_symbol(const struct proc *p, const struct proc_map *maps,
                       size_t n, const char *path, struct image *im,
                       const char *name, uint64_t *value, uint64_t *size,
                       struct pulp_err *e)
{
  char file[PATH_MAX + 64];
  struct elf_file *f;
  struct elf_sym sym;
  struct file_sym *fs;
  int rc;

  pthread_mutex_lock(&images_lock);
  for (fs = im ? im->file_syms : NULL; fs; fs = fs->next)
    if (!strcmp(fs->name, name))
      break;
  if (fs && !fs->rc) {
    *value = fs->value;
    *size = fs->size;
  }
  pthread_mutex_unlock(&images_lock);
  if (fs && !fs->rc)
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
    return rc; /* not remembered: the message names this process's file */
  *value = sym.value;
  *size = sym.size;
  pthread_mutex_lock(&images_lock);
  if (im && (fs = malloc(sizeof(*fs) + strlen(name) + 1))) {
    strcpy(fs->name, name);
    fs->value = sym.value;
    fs->size = sym.size;
    fs->rc = 0;
    fs->next = im->file_syms;
    im->file_syms = fs;
  }
  pthread_mutex_unlock(&images_lock);
  return 0;
}

int proc_symbol_sized(const struct proc *p, const struct proc_map *maps,
                      size_t n, const char *path, const char *name,
                      uint64_t *addr, uint64_t *size, struct pulp_err *e)
{
  const struct proc_map *m;
  struct image *im, tmp;
  uint64_t base, value = 0;
  int rc = -ENOENT;

  if (!(m = object(maps, n, path, &base)))
    return err_set(e, -ENOENT, "%s is not mapped", path);
  pthread_mutex_lock(&images_lock);
  im = image_of(m, &tmp);
  if (!strchr(name, '@') && !load_head(im, p, base) &&
      !load_syms(im, p, base)) {
    const Elf64_Sym *s = NULL;
    if (im->gnu)
      s = gnu_lookup(im, name);
    if (!s && im->sysv)
      s = sysv_lookup(im, name);
    if (s) {
      *addr = base - im->vbase + s->st_value;
      *size = s->st_size;
      rc = 0;
    }
  }
  image_done(im, &tmp);
  pthread_mutex_unlock(&images_lock);
  if (rc == 0)
    return 0;
  if ((rc = file_symbol(p, maps, n, path, im == &tmp ? NULL : im, name, &value,
                        size, e)))
    return rc;
  /* st_value is a link-time address: the load base is its bias only for
   * objects linked at 0, which is what the tool patches (PIC). */
  *addr = base + value;
  return 0;
}

int proc_symbol(const struct proc *p, const struct proc_map *maps, size_t n,
                const char *path, const char *name, uint64_t *addr,
                struct pulp_err *e)
{
  uint64_t size;

  return proc_symbol_sized(p, maps, n, path, name, addr, &size, e);
}

void proc_soname(const struct proc *p, const struct proc_map *m, char *out,
                 size_t max)
{
  struct image *im, tmp;

  if (!max)
    return;
  out[0] = '\0';
  pthread_mutex_lock(&images_lock);
  if (!load_head(im = image_of(m, &tmp), p, m->start))
    snprintf(out, max, "%s", im->soname);
  image_done(im, &tmp);
  pthread_mutex_unlock(&images_lock);
}

size_t proc_build_id(const struct proc *p, const struct proc_map *m,
                     uint8_t *id, size_t max)
{
  struct image *im, tmp;
  size_t n = 0;

  pthread_mutex_lock(&images_lock);
  if (!load_head(im = image_of(m, &tmp), p, m->start)) {
    n = im->build_id_len < max ? im->build_id_len : max;
    memcpy(id, im->build_id, n);
  }
  image_done(im, &tmp);
  pthread_mutex_unlock(&images_lock);
  return n;
}
