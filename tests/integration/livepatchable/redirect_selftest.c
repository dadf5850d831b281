/* Runs the native layout's redirect on real code: normalises the pad of
 * victim() in this process's own text, redirects it to replacement(),
 * re-targets it, restores it, and calls it after each step, directly (the
 * local entry on ppc64le) and through a pointer (the global entry). Built
 * by run.sh with each architecture's compiler and run natively or under
 * qemu-user, so the encodings are checked by executing them, not only by
 * decoding them. Exit 0 when every call returned what it should. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/arch.h"

int victim(int x);
int replacement(int x);
int replacement2(int x);
int call_victim(int x);

int (*volatile victim_ptr)(int) = victim;
static struct pulp_plan plan;
static int failures;

static int window(const struct pulp_arch_layout *l, uint64_t func,
                  uint8_t **win)
{
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)(func - l->pre_len) & ~(uintptr_t)(page - 1);
  uintptr_t end = (uintptr_t)(func + l->post_len);

  *win = (uint8_t *)(uintptr_t)(func - l->pre_len);
  return mprotect((void *)start, end - start,
                  PROT_READ | PROT_WRITE | PROT_EXEC);
}

static void apply(void)
{
  for (uint32_t i = 0; i < plan.nwrites; i++) {
    struct pulp_plan_write *w = &plan.writes[i];
    uint8_t *at = (uint8_t *)(uintptr_t)w->addr;

    if (memcmp(at, w->old, w->len))
      fprintf(stderr, "write %u: old bytes differ\n", i), failures++;
    memcpy(at, w->bytes, w->len);
    __builtin___clear_cache((char *)at, (char *)at + w->len);
  }
  memset(&plan, 0, sizeof(plan));
}

static void expect(const char *what, int want)
{
  int direct = call_victim(7), indirect = victim_ptr(7);

  printf("%s: direct %d, through a pointer %d (want %d)\n", what, direct,
         indirect, want);
  if (direct != want || indirect != want)
    failures++;
}

int main(void)
{
  const struct pulp_arch_layout *l = arch_layout_native();
  uint64_t func = (uint64_t)(uintptr_t)victim;
  struct pulp_pad_info info;
  struct pulp_err e = {0};
  uint8_t *win, orig[128];

  if (window(l, func, &win) < 0)
    return perror("mprotect"), 2;
  if (l->normalise(win, func, &e) < 0)
    return fprintf(stderr, "normalise: %s\n", e.msg), 1;
  memcpy(orig, win, l->pre_len + l->post_len);
  expect("original", 7 + 1);

  if (l->redirect(win, func, (uint64_t)(uintptr_t)replacement, &plan, &e))
    return fprintf(stderr, "redirect: %s\n", e.msg), 1;
  apply();
  expect("redirected", 7 * 100);

  if (l->redirect(win, func, (uint64_t)(uintptr_t)replacement2, &plan, &e))
    return fprintf(stderr, "re-target: %s\n", e.msg), 1;
  apply();
  expect("re-targeted", 7 * 1000);

  if (l->check(win, func, &info, &e) < 0 || info.state != PULP_PAD_REDIRECTED ||
      info.target != (uint64_t)(uintptr_t)replacement2)
    return fprintf(stderr, "check after redirect: %s\n", e.msg), 1;

  if (l->restore(win, func, &plan, &e))
    return fprintf(stderr, "restore: %s\n", e.msg), 1;
  apply();
  expect("restored", 7 + 1);
  /* The original code runs again (checked above) and the pad reads
   * CLEAN; the bytes may differ from the original where a switch that
   * is off leaves an unreachable sequence armed for threads still inside
   * it (ppc64le, s390x: docs/pad-layouts.md). */
  if (l->check(win, func, &info, &e) < 0 || info.state != PULP_PAD_CLEAN)
    fprintf(stderr, "restored pad is not clean\n"), failures++;

  printf("%s: %s\n", l->name, failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
