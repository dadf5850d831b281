/* Applies a plan from inside the process (the in-process API; the only way
 * under qemu-user). Other threads keep running: the page is made RWX only
 * for the store, so they never fault, and each redirect switches with one
 * store. */
#include "local_commit.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int set_prot(uint64_t addr, size_t len, int prot)
{
  uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)addr & ~(pg - 1);
  uintptr_t end = ((uintptr_t)addr + len + pg - 1) & ~(pg - 1);
  return mprotect((void *)start, end - start, prot) ? -errno : 0;
}

int local_commit(const struct pulp_plan *plan, struct pulp_err *e)
{
  /* Verify everything before writing anything. */
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    if (memcmp((const void *)(uintptr_t)w->addr, w->old, w->len) != 0)
      return err_set(e, -EAGAIN, "code at %#llx changed under the patch",
                     (unsigned long long)w->addr);
  }
  for (uint32_t i = 0; i < plan->nwrites; i++) {
    const struct pulp_plan_write *w = &plan->writes[i];
    void *at = (void *)(uintptr_t)w->addr;
    int rc = set_prot(w->addr, w->len, PROT_READ | PROT_WRITE | PROT_EXEC);
    if (rc)
      return err_sys(e, rc, "mprotect %#llx", (unsigned long long)w->addr);
    if (w->len == 8 && (w->addr & 7) == 0) {
      uint64_t v;
      memcpy(&v, w->bytes, 8);
      __atomic_store_n((uint64_t *)at, v, __ATOMIC_SEQ_CST);
    } else if (w->len == 2 && (w->addr & 1) == 0) {
      uint16_t v;
      memcpy(&v, w->bytes, 2);
      __atomic_store_n((uint16_t *)at, v, __ATOMIC_SEQ_CST);
    } else if (w->len == 4 && (w->addr & 3) == 0) {
      uint32_t v;
      memcpy(&v, w->bytes, 4);
      __atomic_store_n((uint32_t *)at, v, __ATOMIC_SEQ_CST);
    } else {
      memcpy(at, w->bytes, w->len);
    }
    __builtin___clear_cache((char *)at, (char *)at + w->len);
    rc = set_prot(w->addr, w->len, PROT_READ | PROT_EXEC);
    if (rc)
      return err_sys(e, rc, "mprotect %#llx", (unsigned long long)w->addr);
  }
  return 0;
}
