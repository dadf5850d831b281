/* ulp/proc.c: the maps parser, and the per-file image cache against what
 * the loader of this very process says (dlsym, dl_iterate_phdr). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "ulp/proc.h"

static const char maps_text[] =
    "55d0c0a00000-55d0c0a01000 r--p 00000000 fe:01 1234567                    "
    "/usr/bin/app\n"
    "7f1e2c000000-7f1e2c021000 rw-p 00000000 00:00 0 \n"
    "7f1e2c200000-7f1e2c228000 r-xp 00028000 103:0a 42         "
    "/opt/my dir/libx.so.1 (deleted)\n"
    "this line is not a mapping\n"
    "7ffd9577e000-7ffd9579f000 rw-p 00000000 00:00 0                          "
    "[stack]\n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  "
    "[vsyscall]";

static void maps_are_parsed_by_hand(void **state)
{
  struct proc_map *m;
  size_t n;

  (void)state;
  assert_int_equal(proc_maps_parse(maps_text, strlen(maps_text), &m, &n), 0);
  assert_int_equal(n, 5);
  assert_int_equal(m[0].start, 0x55d0c0a00000ull);
  assert_int_equal(m[0].end, 0x55d0c0a01000ull);
  assert_string_equal(m[0].perms, "r--p");
  assert_int_equal(m[0].dev, makedev(0xfe, 0x01));
  assert_int_equal(m[0].inode, 1234567);
  assert_string_equal(m[0].path, "/usr/bin/app");
  assert_string_equal(m[1].path, "");
  assert_int_equal(m[1].inode, 0);
  /* Hexadecimal device numbers, spaces in the path. */
  assert_int_equal(m[2].offset, 0x28000);
  assert_int_equal(m[2].dev, makedev(0x103, 0x0a));
  assert_string_equal(m[2].path, "/opt/my dir/libx.so.1 (deleted)");
  assert_string_equal(m[3].path, "[stack]");
  /* The last line without its newline. */
  assert_int_equal(m[4].start, 0xffffffffff600000ull);
  assert_string_equal(m[4].perms, "--xp");
  assert_string_equal(m[4].path, "[vsyscall]");
  free(m);
}

static struct proc self;

static int open_self(void **state)
{
  struct pulp_err e = {0};
  uint64_t v;

  (void)state;
  /* No process access or no process_vm_readv (qemu-user): the tests on
   * this process are skipped. */
  if (proc_open(getpid(), &self, &e) ||
      proc_read(&self, (uint64_t)(uintptr_t)&self, &v, sizeof(v), &e))
    self.pid = 0;
  return 0;
}

static int close_self(void **state)
{
  (void)state;
  proc_close(&self);
  return 0;
}

/* The path of libc as mapped here. */
static const char *libc_path(const struct proc_map *m, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const char *b = strrchr(m[i].path, '/');
    if (b && !strncmp(b + 1, "libc.so", 7))
      return m[i].path;
  }
  return NULL;
}

static void maps_are_read_once_and_copied(void **state)
{
  struct proc_map *a, *b;
  size_t na, nb;
  struct pulp_err e = {0};

  (void)state;
  if (!self.pid)
    skip();
  assert_int_equal(proc_maps(&self, &a, &na, &e), 0);
  /* A mapping made after the first reading is not seen: one map per
   * operation. */
  void *extra = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_ptr_not_equal(extra, MAP_FAILED);
  assert_int_equal(proc_maps(&self, &b, &nb, &e), 0);
  assert_int_equal(na, nb);
  assert_ptr_not_equal(a, b);
  for (size_t i = 0; i < na; i++) {
    assert_int_equal(a[i].start, b[i].start);
    assert_string_equal(a[i].path, b[i].path);
    /* Each copy owns its paths. */
    assert_true(b[i].path >= (const char *)b);
  }
  free(a);
  assert_non_null(libc_path(b, nb));
  free(b);
  munmap(extra, 4096);
}

static void symbols_match_the_loader(void **state)
{
  static const char *const names[] = {"malloc", "free", "dlopen",
                                      "pthread_create", "printf"};
  struct proc_map *m;
  size_t n;
  struct pulp_err e = {0};
  const char *libc;

  (void)state;
  if (!self.pid)
    skip();
  assert_int_equal(proc_maps(&self, &m, &n, &e), 0);
  libc = libc_path(m, n);
  assert_non_null(libc);
  /* Twice: the second answer comes from the cache. */
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
      uint64_t addr = 0, size = 0;
      void *h = dlopen(libc, RTLD_NOW | RTLD_NOLOAD);
      void *want = h ? dlsym(h, names[i]) : NULL;
      assert_non_null(want);
      assert_int_equal(
          proc_symbol_sized(&self, m, n, libc, names[i], &addr, &size, &e), 0);
      assert_int_equal(addr, (uint64_t)(uintptr_t)want);
      assert_true(size > 0);
      dlclose(h);
    }
  {
    uint64_t addr;
    assert_int_not_equal(
        proc_symbol(&self, m, n, libc, "no_such_symbol_in_libc", &addr, &e), 0);
  }
  free(m);
}

static int find_soname(struct dl_phdr_info *info, size_t size, void *arg)
{
  uint64_t *base = arg;

  (void)size;
  if (strstr(info->dlpi_name, "libc.so"))
    *base = info->dlpi_addr;
  return 0;
}

static void build_id_and_soname_of_libc(void **state)
{
  struct proc_map *m;
  size_t n;
  struct pulp_err e = {0};
  uint8_t id1[64], id2[64];
  char soname[64];
  uint64_t base = 0;
  size_t l1, l2;

  (void)state;
  if (!self.pid)
    skip();
  dl_iterate_phdr(find_soname, &base);
  assert_int_equal(proc_maps(&self, &m, &n, &e), 0);
  for (size_t i = 0; i < n; i++) {
    if (m[i].start != base || m[i].offset)
      continue;
    proc_soname(&self, &m[i], soname, sizeof(soname));
    assert_string_equal(soname, "libc.so.6");
    l1 = proc_build_id(&self, &m[i], id1, sizeof(id1));
    l2 = proc_build_id(&self, &m[i], id2, sizeof(id2));
    assert_true(l1 > 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(id1, id2, l1);
    free(m);
    return;
  }
  free(m);
  fail_msg("libc's first mapping not found at %#llx", (unsigned long long)base);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(maps_are_parsed_by_hand),
      cmocka_unit_test(maps_are_read_once_and_copied),
      cmocka_unit_test(symbols_match_the_loader),
      cmocka_unit_test(build_id_and_soname_of_libc),
  };
  return cmocka_run_group_tests(tests, open_self, close_self);
}
