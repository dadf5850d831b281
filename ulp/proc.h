/* Access to a live process from the tool: identity, memory map, memory,
 * threads. Reading never stops the process. */
#ifndef PULP_ULP_PROC_H
#define PULP_ULP_PROC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

struct proc {
  pid_t pid;
  /* The thread the process is accessed through: pid, or a live thread
   * when the leader is a zombie (the main thread called pthread_exit:
   * its mem, maps and root are empty or gone, process_vm_readv(pid)
   * fails). dir is "/proc/PID" or "/proc/PID/task/TID". */
  pid_t tid;
  char dir[48];
  char comm[64];
  char root[64]; /* dir + "/root": paths of its mount namespace */
  int memfd;     /* dir + "/mem", read-write */
  /* The memory map as first read (proc_maps): read once per proc_open,
   * shared by every step of one operation. */
  struct proc_map *maps;
  size_t nmaps;
};

struct proc_map {
  uint64_t start, end, offset;
  uint64_t dev, inode; /* of the mapped file (dev as makedev()) */
  char perms[5];       /* "r-xp" */
  const char *path;    /* "" for anonymous mappings; lives in the same
                          allocation as the array */
};

/* Opens pid: -ESRCH "no such process", -EPERM with a hint about
 * CAP_SYS_PTRACE and Yama's ptrace_scope. When the leader is a zombie,
 * through a live thread; -ESRCH "process exited" when there is none. */
int proc_open(pid_t pid, struct proc *p, struct pulp_err *e);
void proc_close(struct proc *p);

/* The memory map of p (/proc/PID/maps) into *maps, malloc'd as one block
 * (free(*maps) frees the paths too). Read on the first call after
 * proc_open; later calls return a copy of that reading, so that the
 * checks, the thread choice and the call see one map and parse it once. */
int proc_maps(struct proc *p, struct proc_map **maps, size_t *n,
              struct pulp_err *e);

/* Parses the text of a maps file (len bytes) into *maps as above. */
int proc_maps_parse(const char *text, size_t len, struct proc_map **maps,
                    size_t *n);

/* The load base of the ELF file mapped from path (the lowest mapping of
 * that file with file offset 0) and the extent [*lo, *hi) of all its
 * mappings (with the anonymous .bss mapping that follows). -ENOENT when the
 * file is not mapped. */
int proc_object_range(const struct proc_map *maps, size_t n, const char *path,
                      uint64_t *base, uint64_t *lo, uint64_t *hi);

/* Path of the first mapped file whose basename starts with prefix, or
 * NULL. */
const char *proc_find_mapped(const struct proc_map *maps, size_t n,
                             const char *prefix);

/* The address, in p, of symbol name of the ELF file mapped from path: load
 * base + st_value. Read from the image's dynamic symbol table in p's
 * memory, so a process that chroot()ed or lives in another mount namespace
 * is read the same way; symbols only in the file's .symtab are read from
 * the file (proc_file_path). What an image says is read once per file
 * (device and inode of its mapping) for the tool's whole run and kept
 * relative to the load base (proc_image.c): a fleet of processes sharing
 * one libc resolves its names once. Thread-safe. */
int proc_symbol(const struct proc *p, const struct proc_map *maps, size_t n,
                const char *path, const char *name, uint64_t *addr,
                struct pulp_err *e);
/* The same, with the symbol's size (0 when unknown). */
int proc_symbol_sized(const struct proc *p, const struct proc_map *maps,
                      size_t n, const char *path, const char *name,
                      uint64_t *addr, uint64_t *size, struct pulp_err *e);

/* The DT_SONAME of the ELF image loaded at m (its mapping with file offset
 * 0), read from p's memory, into out; "" when it has none. */
void proc_soname(const struct proc *p, const struct proc_map *m, char *out,
                 size_t max);

/* The GNU build-id of the ELF image loaded at m (the mapping with file
 * offset 0), read from the process's memory: the loaded image is the truth
 * even when its file was replaced on disk (a replaced file is another
 * inode). Returns its length, 0 if none. */
size_t proc_build_id(const struct proc *p, const struct proc_map *m,
                     uint8_t *id, size_t max);

/* path (as seen by the process) prefixed with its /proc/PID/root. */
void proc_path(const struct proc *p, const char *path, char *out, size_t max);

/* A path the tool can open to read the file behind mapping m: the mapped
 * file itself (same device and inode), found through /proc/PID/root, then
 * /proc/PID/map_files (needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE), then
 * the path as the tool sees it (/proc/PID/maps names it from the reader's
 * root: right for a process that chroot()ed after mapping it). */
void proc_file_path(const struct proc *p, const struct proc_map *m, char *out,
                    size_t max);

int proc_read(const struct proc *p, uint64_t addr, void *buf, size_t len,
              struct pulp_err *e);
/* Writes through /proc/PID/mem: works on read-only text too. */
int proc_write(const struct proc *p, uint64_t addr, const void *buf, size_t len,
               struct pulp_err *e);

/* The thread ids in /proc/PID/task (malloc'd). */
int proc_threads(const struct proc *p, pid_t **tids, size_t *n,
                 struct pulp_err *e);

/* The scheduler state letter of a thread ('R', 'S', 'T', 't', 'Z', ...),
 * or 0 when it is gone. */
char proc_thread_state(const struct proc *p, pid_t tid);

/* Fills e with the permission error for operation what, with a hint
 * (CAP_SYS_PTRACE, Yama ptrace_scope). Returns -EPERM. */
int proc_eperm(const char *what, struct pulp_err *e);

#endif
