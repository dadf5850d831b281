/* Applies a plan from inside the process: the in-process API (the only way
 * under qemu-user) and the runtime's own commit of a plan whose switches
 * are single stores (docs/apply-protocol.md, "Committing without
 * stopping" and "Consistency modes"). Other threads
 * keep running: the pages are made RWX only around the stores, so they
 * never fault, and each redirect switches with one store. */
#include "local_commit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int set_prot(uintptr_t start, uintptr_t end, int prot)
{
  return mprotect((void *)start, end - start, prot) ? -errno : 0;
}

/* One store when the write is a naturally aligned 2, 4 or 8 bytes (what
 * PULP_PW_ATOMIC promises), then this CPU's instruction cache is made
 * coherent (icbi/isync on POWER; nothing on x86_64 and s390x). */
static void store(const struct pulp_plan_write *w, const uint8_t *bytes)
{
  void *at = (void *)(uintptr_t)w->addr;

  if (w->len == 8 && (w->addr & 7) == 0) {
    uint64_t v;
    memcpy(&v, bytes, 8);
    __atomic_store_n((uint64_t *)at, v, __ATOMIC_SEQ_CST);
  } else if (w->len == 2 && (w->addr & 1) == 0) {
    uint16_t v;
    memcpy(&v, bytes, 2);
    __atomic_store_n((uint16_t *)at, v, __ATOMIC_SEQ_CST);
  } else if (w->len == 4 && (w->addr & 3) == 0) {
    uint32_t v;
    memcpy(&v, bytes, 4);
    __atomic_store_n((uint32_t *)at, v, __ATOMIC_SEQ_CST);
  } else {
    memcpy(at, bytes, w->len);
  }
  __builtin___clear_cache((char *)at, (char *)at + w->len);
}

/* Whether write w belongs to the part asked for. */
static int in_part(const struct pulp_plan_write *w, int part)
{
  part &= ~LOCAL_STORE_ONLY;
  if (part == LOCAL_ALL)
    return 1;
  return !!(w->flags & PULP_PW_UNREACHED) == (part == LOCAL_UNREACHED);
}

int local_write(const struct pulp_plan *plan, int old, int part, uint32_t *done,
                struct pulp_err *e)
{
  uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
  uint32_t n = plan->nwrites;

  *done = 0;
  for (uint32_t i = 0; i < n;) {
    const struct pulp_plan_write *w = &plan->writes[old ? n - 1 - i : i];
    uintptr_t start = (uintptr_t)w->addr & ~(pg - 1);
    uintptr_t end = ((uintptr_t)w->addr + w->len + pg - 1) & ~(pg - 1);
    uint32_t j = i;
    int rc;

    if (!in_part(w, part)) {
      i++;
      continue;
    }
    if (!(part & LOCAL_STORE_ONLY)) {
      rc = set_prot(start, end, PROT_READ | PROT_WRITE | PROT_EXEC);
      if (rc)
        return err_sys(e, rc, "mprotect %#llx", (unsigned long long)w->addr);
    }
    /* The following writes on the same pages share the one mprotect. */
    do {
      const struct pulp_plan_write *x = &plan->writes[old ? n - 1 - j : j];
      if ((uintptr_t)x->addr < start || (uintptr_t)x->addr + x->len > end)
        break;
      if (in_part(x, part)) {
        store(x, old ? x->old : x->bytes);
        ++*done;
      }
      j++;
    } while (j < n);
    i = j;
    if (part & LOCAL_STORE_ONLY)
      continue;
    rc = set_prot(start, end, PROT_READ | PROT_EXEC);
    if (rc)
      return err_sys(e, rc, "mprotect %#llx", (unsigned long long)w->addr);
  }
  return 0;
}

int local_prot(const struct pulp_plan *plan, int writable, struct pulp_err *e)
{
  uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
  int prot = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);

  for (uint32_t i = 0; i < plan->nwrites;) {
    const struct pulp_plan_write *w = &plan->writes[i];
    uintptr_t start = (uintptr_t)w->addr & ~(pg - 1);
    uintptr_t end = ((uintptr_t)w->addr + w->len + pg - 1) & ~(pg - 1);
    int rc;

    /* One call for the following writes on the same pages. */
    while (++i < plan->nwrites && (uintptr_t)plan->writes[i].addr >= start &&
           (uintptr_t)plan->writes[i].addr + plan->writes[i].len <= end)
      ;
    rc = set_prot(start, end, prot);
    if (rc)
      return err_sys(e, rc, "mprotect %#llx", (unsigned long long)w->addr);
  }
  return 0;
}

int local_plan_current(const struct pulp_plan *plan, struct pulp_err *e)
{
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (memcmp((const void *)(uintptr_t)w->addr, w->old, w->len) != 0)
      return err_set(e, -EAGAIN, "code at %#llx changed under the patch",
                     (unsigned long long)w->addr);
  }
  return 0;
}

/* Marks in inside[] the writes of plan that lie within the mapping
 * [lo, hi); returns -1 when one lies there but the mapping is not
 * executable, else 0. */
static int mark_writes(const struct pulp_plan *plan, unsigned long long lo,
                       unsigned long long hi, int exec, uint8_t *inside)
{
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (w->addr >= lo && w->addr + w->len <= hi) {
      if (!exec)
        return -1;
      inside[i] = 1;
    }
  }
  return 0;
}

/* 1 when every write of the plan lies within one executable mapping of
 * this process, read once from /proc/self/maps; 0 otherwise or when it
 * cannot tell. */
int local_plan_in_code(const struct pulp_plan *plan)
{
  char buf[8192];
  size_t have = 0;
  ssize_t n;
  int fd, ok = 1;
  uint8_t *inside = calloc(plan->nwrites ? plan->nwrites : 1, 1);

  if (!inside)
    return 0;
  fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    free(inside);
    return 0;
  }
  while (ok && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
    char *line = buf, *nl;
    have += (size_t)n;
    buf[have] = '\0';
    while (ok && (nl = strchr(line, '\n'))) {
      unsigned long long lo, hi;
      char perms[8];
      *nl = '\0';
      if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) == 3 &&
          mark_writes(plan, lo, hi, perms[2] == 'x', inside) < 0)
        ok = 0;
      line = nl + 1;
    }
    have = (size_t)(buf + have - line);
    memmove(buf, line, have);
    if (have == sizeof(buf) - 1)
      have = 0; /* an absurd line: skip it */
  }
  close(fd);
  for (uint32_t i = 0; ok && i < plan->nwrites; i++)
    ok = inside[i];
  free(inside);
  return ok;
}

int local_plan_written(const struct pulp_plan *plan)
{
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (memcmp((const void *)(uintptr_t)w->addr, w->bytes, w->len) != 0)
      return 0;
  }
  return 1;
}

int local_commit(const struct pulp_plan *plan, struct pulp_err *e)
{
  uint32_t done;
  /* Verify everything before writing anything. */
  int rc = local_plan_current(plan, e);

  return rc ? rc : local_write(plan, 0, LOCAL_ALL, &done, e);
}
