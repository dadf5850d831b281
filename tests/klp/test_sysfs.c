// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp's readers of kernel state on prepared trees: live patches, tasks,
 * /proc/modules, labels, the patch store; races simulated by entries that
 * are listed but gone (dangling symlinks).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "labels.h"
#include "livepatch.h"
#include "modules.h"
#include "store.h"
#include "tasks.h"

static int setup(void **state)
{
  *state = tree_new();
  return 0;
}

static int teardown(void **state)
{
  tree_free(*state);
  return 0;
}

static struct klp_ctx ctx_for(const char *root)
{
  struct klp_ctx c = {.root = root, .store = "/store"};

  return c;
}

static void patches_read_objects_and_functions(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_patches p;
  struct klp_err e;

  tree_livepatch(root);
  tree_patch(root, "p1", 1, 0);
  tree_object(root, "p1", "vmlinux", 1);
  tree_func(root, "p1", "vmlinux", "cmdline_proc_show", 1);
  tree_func(root, "p1", "vmlinux", "dup_name", 2);
  tree_object(root, "p1", "ext4", 0);
  tree_func(root, "p1", "ext4", "ext4_fn", 0);
  tree_patch(root, "p2", 0, 1);
  tree_write(root, "sys/kernel/livepatch/p2/replace", "1\n");

  assert_int_equal(klp_patches_read(&ctx, &e, &p, true), 0);
  assert_int_equal(p.n, 2);
  assert_string_equal(p.v[0].name, "p1");
  assert_true(p.v[0].enabled);
  assert_false(p.v[0].transition);
  assert_int_equal(p.v[0].replace, -1);
  assert_int_equal(p.v[0].nobjs, 2);
  assert_string_equal(p.v[0].objs[0].name, "ext4");
  assert_false(p.v[0].objs[0].patched);
  assert_string_equal(p.v[0].objs[1].name, "vmlinux");
  assert_int_equal(p.v[0].objs[1].nfuncs, 2);
  assert_string_equal(p.v[0].objs[1].funcs[1].name, "dup_name");
  assert_int_equal(p.v[0].objs[1].funcs[1].sympos, 2);
  assert_int_equal(p.v[1].replace, 1);
  assert_ptr_equal(klp_patches_transition(&p), &p.v[1]);
  assert_int_equal(klp_patch_target(&p.v[1]), 0);
  klp_patches_free(&p);
}

static void patch_vanishing_while_read_is_left_out(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_patches p;
  struct klp_err e;

  tree_livepatch(root);
  tree_patch(root, "a_kept", 1, 0);
  /* Listed by readdir, gone when read: a patch whose transition ended. */
  tree_symlink(root, "sys/kernel/livepatch/b_gone", "/nonexistent-klp");
  tree_patch(root, "c_kept", 1, 0);
  assert_int_equal(klp_patches_read(&ctx, &e, &p, true), 0);
  assert_int_equal(p.n, 2);
  assert_string_equal(p.v[0].name, "a_kept");
  assert_string_equal(p.v[1].name, "c_kept");
  klp_patches_free(&p);
}

static void malformed_attribute_is_an_error(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_patches p;
  struct klp_err e;

  tree_livepatch(root);
  tree_patch(root, "p1", 1, 0);
  tree_write(root, "sys/kernel/livepatch/p1/transition", "2\n");
  assert_int_equal(klp_patches_read(&ctx, &e, &p, false), -EINVAL);
  assert_int_equal(e.exit, KLP_EXIT_ERROR);
  assert_non_null(strstr(e.what, "/sys/kernel/livepatch/p1/transition"));
  assert_string_equal(e.why, "malformed contents '2' (expected 0 or 1)");
}

static void unsupported_without_livepatch_directory(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_patches p;
  struct klp_err e;

  tree_mkdir(root, "sys/kernel");
  assert_int_not_equal(klp_patches_read(&ctx, &e, &p, false), 0);
  assert_int_equal(e.exit, KLP_EXIT_UNSUPPORTED);
  assert_non_null(strstr(e.why, "not supported by this kernel"));
}

static void blocking_tasks_skip_vanished_ones(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_task *t;
  struct klp_err e;
  size_t n;

  tree_livepatch(root);
  tree_task(root, 1, 1, 1, "init");
  tree_task(root, 20, 20, 0, "kworker/0:1");
  tree_task(root, 30, 30, 1, "app");
  tree_task(root, 30, 31, 0, "app-worker");
  tree_task(root, 40, 40, -1, "outside");
  tree_write(root, "proc/self/stat", "not a pid\n");
  /* A process and a thread that exited between listing and reading. */
  tree_symlink(root, "proc/50", "/nonexistent-klp");
  tree_symlink(root, "proc/30/task/32", "/nonexistent-klp");

  assert_int_equal(klp_tasks_blocking(&ctx, &e, 1, &t, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(t[0].tid, 20);
  assert_string_equal(t[0].comm, "kworker/0:1");
  assert_int_equal(t[1].pid, 30);
  assert_int_equal(t[1].tid, 31);
  assert_int_equal(t[1].state, 0);
  free(t);
  /* Unpatching: the tasks already patched are the ones behind. */
  assert_int_equal(klp_tasks_blocking(&ctx, &e, 0, &t, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(t[0].tid, 1);
  assert_int_equal(t[1].tid, 30);
  free(t);
}

static void task_cmdline_spaces_and_kernel_threads(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_task app = {.pid = 7, .tid = 7, .comm = "app"};
  struct klp_task kt = {.pid = 8, .tid = 8, .comm = "kthread"};
  char buf[128];

  tree_write_bin(root, "proc/7/cmdline", "app\0--flag\0x\0", 13);
  tree_write(root, "proc/8/cmdline", "");
  klp_task_cmdline(&ctx, &app, buf, sizeof(buf));
  assert_string_equal(buf, "app --flag x");
  klp_task_cmdline(&ctx, &kt, buf, sizeof(buf));
  assert_string_equal(buf, "[kthread]");
}

static void proc_modules_parsed_with_taint(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct klp_modules m;
  struct klp_err e;

  tree_write(root, "proc/modules",
             "klp_new 16384 1 - Live 0xffffffffc0a00000 (OEK)\n"
             "ext4 1000000 2 mbcache,jbd2, Live 0xffffffffc0900000\n"
             "klp_old 16384 0 - Live 0x0000000000000000 (K)\n");
  assert_int_equal(klp_modules_read(&ctx, &e, &m), 0);
  assert_int_equal(m.n, 3);
  assert_string_equal(m.v[0].name, "klp_new");
  assert_int_equal(m.v[0].refcnt, 1);
  assert_string_equal(m.v[0].taint, "OEK");
  assert_true(klp_module_is_livepatch(&m.v[0]));
  assert_false(klp_module_is_livepatch(klp_modules_find(&m, "ext4")));
  assert_true(klp_module_is_livepatch(klp_modules_find(&m, "klp_old")));
  klp_modules_free(&m);

  tree_write(root, "proc/modules", "ok 1 0 - Live 0x0\nbroken line\n");
  assert_int_equal(klp_modules_read(&ctx, &e, &m), -EINVAL);
  assert_int_equal(e.exit, KLP_EXIT_ERROR);
  assert_string_equal(e.why, "malformed line 2");
}

static void labels_from_modinfo_and_sidecar(void **state)
{
  const char *root = *state;
  struct ko_spec s = {false, false,
                      "name=p\ncve=CVE-1 CVE-2\nbug=bsc#1\ncve=CVE-2,CVE-3",
                      NULL};
  struct klp_modinfo mi;
  struct klp_labels l;
  struct klp_err e;
  char *ko = tree_path(root, "lib/p.ko");

  tree_ko(root, "lib/p.ko", &s);
  tree_write(root, "lib/p.labels",
             "# comment\n\ncve CVE-4\nbug  gh#9, bsc#1\nother x\n");
  assert_int_equal(klp_modinfo_read(ko, &e, &mi), 0);
  assert_int_equal(klp_labels_read(&mi, ko, &l), 0);
  assert_int_equal(l.ncve, 4);
  assert_string_equal(l.cve[0], "CVE-1");
  assert_string_equal(l.cve[2], "CVE-3");
  assert_string_equal(l.cve[3], "CVE-4");
  assert_int_equal(l.nbug, 2);
  assert_string_equal(l.bug[0], "bsc#1");
  assert_string_equal(l.bug[1], "gh#9");
  klp_labels_free(&l);
  klp_modinfo_free(&mi);
  free(ko);
}

static void store_previous_by_version_order(void **state)
{
  const char *root = *state;
  struct klp_ctx ctx = ctx_for(root);
  struct ko_spec s = {false, false, NULL, NULL};
  struct klp_store st;
  struct klp_err e;

  s.modinfo = "name=fix_9\nklp_series=fix\nversion=9";
  tree_ko(root, "store/fix_9.ko", &s);
  s.modinfo = "name=fix_10\nklp_series=fix\nversion=10";
  tree_ko(root, "store/fix_10.ko", &s);
  s.modinfo = "name=fix_2\nklp_series=fix\nversion=2";
  tree_ko(root, "store/fix_2.ko", &s);
  s.modinfo = "name=other_8\nklp_series=other\nversion=8";
  tree_ko(root, "store/other_8.ko", &s);
  tree_write(root, "store/junk.ko", "junk");
  tree_write(root, "store/README", "not a module");

  assert_int_equal(klp_store_read(&ctx, &e, &st), 0);
  assert_int_equal(st.n, 4);
  assert_string_equal(klp_store_previous(&st, "fix", "10")->name, "fix_9");
  assert_string_equal(klp_store_previous(&st, "fix", "9")->name, "fix_2");
  assert_null(klp_store_previous(&st, "fix", "2"));
  assert_null(klp_store_previous(&st, "none", "2"));
  klp_store_free(&st);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(patches_read_objects_and_functions, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(patch_vanishing_while_read_is_left_out,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_attribute_is_an_error, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(unsupported_without_livepatch_directory,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(blocking_tasks_skip_vanished_ones, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(task_cmdline_spaces_and_kernel_threads,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(proc_modules_parsed_with_taint, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(labels_from_modinfo_and_sidecar, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(store_previous_by_version_order, setup,
                                      teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
