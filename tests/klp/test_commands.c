// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The klp command line on prepared trees (--root): what each command prints
 * and its exit status for no patches, one, stacked, in transition, stalled
 * with blocking tasks, replaced, disabled-but-loaded and forced modules, an
 * unsupported kernel, malformed files, permissions and bad usage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fixture.h"

#define R (const char *)*state

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

static void assert_contains(const char *haystack, const char *needle)
{
  if (!strstr(haystack, needle))
    fail_msg("expected \"%s\" in:\n%s", needle, haystack);
}

static void assert_lacks(const char *haystack, const char *needle)
{
  if (strstr(haystack, needle))
    fail_msg("did not expect \"%s\" in:\n%s", needle, haystack);
}

/* Exactly one line on stderr, as "klp: ...". */
static void assert_one_error_line(const struct klp_run *r, const char *needle)
{
  const char *nl = strchr(r->err, '\n');

  assert_contains(r->err, needle);
  assert_true(strncmp(r->err, "klp: ", 5) == 0);
  assert_non_null(nl);
  assert_true(nl[1] == '\0');
}

/* A loaded livepatch module: /proc/modules line and its /sys/module dir. */
static void module(const char *root, const char *name, int refcnt,
                   const char *version, const char *srcversion)
{
  char line[256], rel[256];
  char *path = tree_path(root, "proc/modules");
  FILE *f = fopen(path, "a");

  assert_non_null(f);
  snprintf(line, sizeof(line), "%s 16384 %d - Live 0x0000000000000000 (OEK)\n",
           name, refcnt);
  fputs(line, f);
  fclose(f);
  free(path);
  if (version) {
    snprintf(rel, sizeof(rel), "sys/module/%s/version", name);
    snprintf(line, sizeof(line), "%s\n", version);
    tree_write(root, rel, line);
  }
  if (srcversion) {
    snprintf(rel, sizeof(rel), "sys/module/%s/srcversion", name);
    snprintf(line, sizeof(line), "%s\n", srcversion);
    tree_write(root, rel, line);
  }
}

static void store_ko(const char *root, const char *name, const char *series,
                     const char *version, const char *extra)
{
  char modinfo[512], rel[256];
  struct ko_spec s = {false, false, modinfo, NULL};

  snprintf(modinfo, sizeof(modinfo),
           "name=%s\nlivepatch=Y\nklp_series=%s\nversion=%s\n"
           "srcversion=SRC%s%s%s",
           name, series, version, version, extra ? "\n" : "",
           extra ? extra : "");
  snprintf(rel, sizeof(rel), "var/lib/klp/patches/%s.ko", name);
  tree_ko(root, rel, &s);
}

/* A plain system: live patching supported, no patches, one process. */
static void base(const char *root)
{
  tree_livepatch(root);
  tree_task(root, 1, 1, -1, "init");
  tree_write(root, "proc/modules", "");
  tree_write(root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
}

static void no_patches(void **state)
{
  struct klp_run r;

  base(R);
  KLP(&r, "klp", "--root", R, "status");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "ready\n");
  assert_string_equal(r.err, "");
  KLP(&r, "klp", "--root", R, "check");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "");
  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "\"patches\": [");
  KLP(&r, "klp", "--root", R, "blocking");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "");
  KLP(&r, "klp", "--root", R, "--json", "status");
  assert_contains(r.out, "\"status\": \"ready\"");
  assert_contains(r.out, "\"transition\": null");
}

static void one_patch_with_module_labels_and_package(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_1", 1, 0);
  tree_object(R, "fix_1", "vmlinux", 1);
  tree_func(R, "fix_1", "vmlinux", "cmdline_proc_show", 1);
  module(R, "fix_1", 1, "1", "SRC1");
  store_ko(R, "fix_1", "fix", "1", "cve=CVE-2099-1\nbug=bsc#7");
  tree_write(R, "var/lib/klp/patches/fix_1.labels", "cve CVE-2099-9\n");
  tree_write(R, "var/lib/dpkg/info/other.list", "/usr/bin/x\n");
  tree_write(R, "var/lib/dpkg/info/klp-fix:amd64.list",
             "/var/lib/klp\n/var/lib/klp/patches/fix_1.ko\n");
  tree_write(R, "var/lib/dpkg/status",
             "Package: other\nVersion: 9\n\nPackage: klp-fix\n"
             "Architecture: amd64\nVersion: 1.0-1\n");

  KLP(&r, "klp", "--root", R, "patches");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "fix_1\n");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "fix_1\n  state:      enabled\n"
                         "  transition: no\n");
  assert_contains(r.out,
                  "  module:     /var/lib/klp/patches/fix_1.ko (srcversion)\n");
  assert_contains(r.out, "  version:    1 (srcversion SRC1)\n");
  assert_contains(r.out, "  package:    klp-fix:amd64 1.0-1\n");
  assert_contains(r.out, "  cve:        CVE-2099-1 CVE-2099-9\n");
  assert_contains(r.out, "  bug:        bsc#7\n");
  assert_lacks(r.out, "object");
  KLP(&r, "klp", "--root", R, "patches", "-vv");
  assert_contains(r.out, "  object vmlinux: patched\n"
                         "    cmdline_proc_show,1\n");
  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_contains(r.out, "\"identified_by\": \"srcversion\"");
  assert_contains(r.out, "\"CVE-2099-9\"");
  assert_contains(r.out, "\"sympos\": 1");
  assert_contains(r.out, "\"package\": \"klp-fix:amd64 1.0-1\"");
}

static void module_file_from_modules_dep_confirmed_by_build_id(void **state)
{
  struct ko_spec s = {false, false, "name=klp_fix\nlivepatch=Y",
                      "00112233445566778899"};
  struct klp_run r;

  base(R);
  tree_patch(R, "klp_fix", 1, 0);
  module(R, "klp_fix", 1, NULL, NULL);
  tree_ko(R, "lib/modules/6.1.0-test/updates/klp-fix.ko", &s);
  tree_write(R, "lib/modules/6.1.0-test/modules.dep",
             "kernel/fs/ext4.ko: kernel/fs/jbd2.ko\n"
             "updates/klp-fix.ko:\n");
  tree_build_id_note(R, "klp_fix", "00112233445566778899");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "  module:     /lib/modules/6.1.0-test/updates/"
                         "klp-fix.ko (build-id)\n");
  assert_contains(r.out, "  package:    none\n");

  /* Another build of the file: not claimed as the loaded module. */
  tree_build_id_note(R, "klp_fix", "ffffffffffffffffffff");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "  module:     unknown");
}

static void stacked_patches_in_load_order(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "a_second", 1, 0);
  tree_patch(R, "b_first", 1, 0);
  /* /proc/modules lists the newest module first. */
  module(R, "a_second", 1, NULL, NULL);
  module(R, "b_first", 1, NULL, NULL);
  KLP(&r, "klp", "--root", R, "patches");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "b_first\na_second\n");
  KLP(&r, "klp", "--root", R, "status");
  assert_string_equal(r.out, "ready\n");
}

static void transition_in_progress(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_1", 1, 0);
  tree_patch(R, "fix_2", 1, 1);
  tree_task(R, 1, 1, 1, "init");
  tree_task(R, 300, 300, 0, "app");
  KLP(&r, "klp", "--root", R, "status");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "in_progress\n");
  KLP(&r, "klp", "--root", R, "-v", "status");
  assert_string_equal(r.out, "in_progress: fix_2 (patching, 1 task pending)\n");
  KLP(&r, "klp", "--root", R, "check");
  assert_int_equal(r.status, 1);
  assert_string_equal(r.out, "");
  assert_string_equal(r.err, "");
  KLP(&r, "klp", "--root", R, "--json", "status");
  assert_contains(r.out, "\"status\": \"in_progress\"");
  assert_contains(r.out, "\"patch\": \"fix_2\"");
  assert_contains(r.out, "\"target\": \"patched\"");
  assert_contains(r.out, "\"pending_tasks\": 1");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "fix_2\n  state:      enabled\n"
                         "  transition: yes (patching)\n");
}

static void stalled_transition_names_blocking_tasks(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_1", 0, 1); /* being disabled: target unpatched */
  tree_task(R, 1, 1, 0, "init");
  tree_task(R, 77, 77, 1, "klp_kt");
  tree_write(R, "proc/77/cmdline", "");
  tree_write(R, "proc/77/task/77/stack",
             "[<0>] klp_target_wait+0x1/0x2 [target]\n[<0>] kthread+0x3\n");
  tree_task(R, 90, 90, 0, "app");
  tree_task(R, 90, 91, 1, "app-worker");
  tree_write_bin(R, "proc/90/cmdline", "/usr/bin/app\0-x\0", 16);

  KLP(&r, "klp", "--root", R, "blocking");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "77 klp_kt\n91 app-worker\n");
  KLP(&r, "klp", "--root", R, "-v", "blocking");
  assert_string_equal(r.out, "77 klp_kt pid=77 [klp_kt]\n"
                             "91 app-worker pid=90 /usr/bin/app -x\n");
  assert_string_equal(r.err, "klp: fix_1: unpatching, 2 tasks pending\n");
  KLP(&r, "klp", "--root", R, "-vv", "blocking");
  assert_contains(r.out, "77 klp_kt pid=77 [klp_kt]\n"
                         "    [<0>] klp_target_wait+0x1/0x2 [target]\n"
                         "    [<0>] kthread+0x3\n");
  KLP(&r, "klp", "--root", R, "--json", "blocking");
  assert_contains(r.out, "\"target\": \"unpatched\"");
  assert_contains(r.out, "\"tid\": 91");
  assert_contains(r.out, "\"cmdline\": \"/usr/bin/app -x\"");
  KLP(&r, "klp", "--root", R, "-v", "status");
  assert_string_equal(r.out,
                      "in_progress: fix_1 (unpatching, 2 tasks pending)\n");
}

static void replaced_module_still_loaded(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_2", 1, 0);
  module(R, "fix_2", 1, "2", "SRC2");
  module(R, "fix_1", 0, "1", "SRC1");
  store_ko(R, "fix_1", "fix", "1", NULL);
  store_ko(R, "fix_2", "fix", "2", NULL);
  KLP(&r, "klp", "--root", R, "patches");
  assert_string_equal(r.out, "fix_2\n");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "fix_1 (inactive module)\n"
                         "  state:      replaced by fix_2 (module still "
                         "loaded)\n");
  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_contains(r.out, "\"state\": \"replaced\"");
  assert_contains(r.out, "\"replaced_by\": \"fix_2\"");
}

static void disabled_module_left_loaded(void **state)
{
  struct klp_run r;

  base(R);
  module(R, "old_fix", 0, NULL, NULL);
  /* An ordinary module (no K taint) is not a live patch. */
  tree_write(R, "proc/modules",
             "old_fix 16384 0 - Live 0x0 (OEK)\next4 100 1 - Live 0x0\n");
  KLP(&r, "klp", "--root", R, "patches");
  assert_string_equal(r.out, "");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "old_fix (inactive module)\n"
                         "  state:      disabled or replaced (module still "
                         "loaded)\n");
  assert_lacks(r.out, "ext4");
  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_contains(r.out, "\"state\": \"disabled\"");
}

static void forced_module_cannot_be_released(void **state)
{
  struct klp_run r;

  base(R);
  tree_write(R, "proc/modules", "forced_fix 16384 1 - Live 0x0 (OEK)\n");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_contains(r.out, "forced_fix (inactive module)\n"
                         "  state:      forced: disabled, but the kernel never "
                         "releases a forced patch module\n");
  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_contains(r.out, "\"state\": \"forced\"");
}

static void unsupported_kernel(void **state)
{
  struct ko_spec s = {false, false, "name=fix\nlivepatch=Y", NULL};
  const char *cmds[] = {"status", "patches", "blocking"};
  struct klp_run r;

  tree_mkdir(R, "sys/kernel");
  tree_ko(R, "fix.ko", &s);
  for (size_t i = 0; i < 3; i++) {
    KLP(&r, "klp", "--root", R, cmds[i]);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_one_error_line(&r, "not supported by this kernel");
  }
  KLP(&r, "klp", "--root", R, "check");
  assert_int_equal(r.status, 3);
  assert_string_equal(r.err, "");
  KLP(&r, "klp", "--root", R, "--json", "status");
  assert_int_equal(r.status, 3);
  assert_contains(r.out, "\"status\": \"unsupported\"");
  char *ko = tree_path(R, "fix.ko");
  KLP(&r, "klp", "--root", R, "load", ko);
  free(ko);
  assert_int_equal(r.status, 3);
  KLP(&r, "klp", "--root", R, "unload", "fix");
  assert_int_equal(r.status, 3);
}

static void malformed_files(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "p1", 1, 0);
  tree_write(R, "sys/kernel/livepatch/p1/enabled", "maybe\n");
  KLP(&r, "klp", "--root", R, "status");
  assert_int_equal(r.status, 6);
  assert_one_error_line(&r, "/sys/kernel/livepatch/p1/enabled: malformed "
                            "contents 'maybe'");
  KLP(&r, "klp", "--root", R, "check");
  assert_int_equal(r.status, 6);

  tree_write(R, "sys/kernel/livepatch/p1/enabled", "1\n");
  tree_object(R, "p1", "vmlinux", 1);
  tree_mkdir(R, "sys/kernel/livepatch/p1/vmlinux/no_sympos");
  KLP(&r, "klp", "--root", R, "-vv", "patches");
  assert_int_equal(r.status, 6);
  assert_one_error_line(&r, "malformed function entry 'no_sympos'");

  tree_free(tree_path(R, "sys/kernel/livepatch/p1/vmlinux"));
  tree_write(R, "proc/modules", "garbage\n");
  KLP(&r, "klp", "--root", R, "-v", "patches");
  assert_int_equal(r.status, 6);
  assert_one_error_line(&r, "/proc/modules: malformed line 1");

  tree_write(R, "proc/modules", "");
  tree_patch(R, "p2", 1, 1);
  tree_write(R, "proc/1/task/1/patch_state", "x\n");
  KLP(&r, "klp", "--root", R, "blocking");
  assert_int_equal(r.status, 6);
  assert_one_error_line(&r, "patch_state: malformed contents 'x'");
}

static void permission_denied_is_explained(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "p1", 1, 1);
  tree_task(R, 5, 5, 0, "app");
  tree_chmod(R, "proc/5/task/5/patch_state", 0);
  /* As root klp runs as nobody here; as a user the mode does it. */
  klp_run_as_nobody(
      &r, (const char *const[]){"klp", "--root", R, "blocking", NULL});
  assert_int_equal(r.status, 4);
  assert_one_error_line(&r, "patch_state: permission denied (tasks' "
                            "patch_state is readable by root only)");
  /* status still answers, without the count. */
  klp_run_as_nobody(
      &r, (const char *const[]){"klp", "--root", R, "-v", "status", NULL});
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "in_progress: p1 (patching)\n");
}

static void usage_errors(void **state)
{
  const char *cmds[] = {"status", "check",  "patches",  "blocking",
                        "load",   "unload", "downgrade"};
  struct klp_run r;

  (void)state;
  KLP(&r, "klp");
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "Usage: klp");
  KLP(&r, "klp", "frobnicate");
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "klp: unknown command 'frobnicate'\n");
  KLP(&r, "klp", "--bogus", "status");
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "invalid option '--bogus'");
  KLP(&r, "klp", "--root", "/nonexistent-klp", "status");
  assert_int_equal(r.status, 2);
  KLP(&r, "klp", "status", "extra");
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "klp: status: unexpected argument 'extra'");
  KLP(&r, "klp", "load");
  assert_int_equal(r.status, 2);
  KLP(&r, "klp", "load", "--timeout", "soon", "x.ko");
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "invalid timeout 'soon'");
  KLP(&r, "klp", "unload", "../etc");
  assert_int_equal(r.status, 2);
  KLP(&r, "klp", "--help");
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "downgrade");
  for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
    KLP(&r, "klp", cmds[i], "--help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage: klp");
    assert_contains(r.out, cmds[i]);
    assert_contains(r.out, "Exit status");
  }
}

static void load_checks_the_module_file_first(void **state)
{
  struct ko_spec plain = {false, false, "name=ext9\nlicense=GPL", NULL};
  struct ko_spec lp = {true, false, "name=fix\nlivepatch=Y", NULL};
  struct klp_run r;
  char *p;

  base(R);
  tree_ko(R, "plain.ko", &plain);
  tree_ko(R, "lp.ko", &lp);
  tree_write(R, "junk.ko", "junk");
  p = tree_path(R, "plain.ko");
  KLP(&r, "klp", "--root", R, "load", p);
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "not a live patch module");
  free(p);
  p = tree_path(R, "junk.ko");
  KLP(&r, "klp", "--root", R, "load", p);
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "not an ELF file");
  free(p);
  KLP(&r, "klp", "--root", R, "load", "/nonexistent-klp.ko");
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "No such file or directory");
  /* A big-endian live patch passes the checks; --root stops the action. */
  p = tree_path(R, "lp.ko");
  KLP(&r, "klp", "--root", R, "load", p);
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "not possible with --root");
  free(p);
  /* Already loaded. */
  tree_patch(R, "fix", 1, 0);
  module(R, "fix", 1, NULL, NULL);
  p = tree_path(R, "lp.ko");
  KLP(&r, "klp", "--root", R, "load", p);
  assert_int_equal(r.status, 1);
  assert_one_error_line(&r, "live patch fix is already loaded");
  free(p);
  KLP(&r, "klp", "--root", R, "unload", "nothere");
  assert_int_equal(r.status, 1);
  assert_one_error_line(&r, "klp: unloading nothere: no such live patch");
}

static void downgrade_plans_from_the_store(void **state)
{
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_10", 1, 0);
  module(R, "fix_10", 1, "10", "SRC10");
  module(R, "fix_9", 0, "9", "SRC9");
  store_ko(R, "fix_10", "fix", "10", NULL);
  store_ko(R, "fix_9", "fix", "9", NULL);
  store_ko(R, "fix_2", "fix", "2", NULL);

  KLP(&r, "klp", "--root", R, "downgrade");
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "would replace fix_10 10 by fix_9 9; standard "
                            "input is not a terminal to confirm: use -n");
  KLP(&r, "klp", "--root", R, "downgrade", "-n");
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "klp: downgrade: acts on the running kernel");
  KLP(&r, "klp", "--root", R, "downgrade", "-n", "other");
  assert_int_equal(r.status, 1);
  assert_one_error_line(&r, "no active live patch of series other");

  /* The store holds nothing older than the active version. */
  char *store = tree_path(R, "var/lib/klp/patches");
  (void)store;
  free(store);
  KLP(&r, "klp", "--root", R, "--store", "/elsewhere", "downgrade", "-n");
  assert_int_equal(r.status, 1);
  assert_contains(r.err, "downgrade: no active live patch belongs to a series");

  store_ko(R, "other_1", "other", "1", NULL);
  tree_patch(R, "other_1", 1, 0);
  module(R, "other_1", 1, "1", "SRC1");
  KLP(&r, "klp", "--root", R, "downgrade", "-n");
  assert_int_equal(r.status, 2);
  assert_one_error_line(&r, "patches of several series are active");
  KLP(&r, "klp", "--root", R, "downgrade", "-n", "other");
  assert_int_equal(r.status, 1);
  assert_one_error_line(&r, "no version of series other older than 1 in the "
                            "patch store /var/lib/klp/patches");
}

/* The value at a path of object keys and array indexes ("patches.0.name"). */
static struct json_object *json_at(struct json_object *o, const char *path)
{
  char buf[256], *save = NULL;

  snprintf(buf, sizeof(buf), "%s", path);
  for (char *k = strtok_r(buf, ".", &save); k && o;
       k = strtok_r(NULL, ".", &save)) {
    if (json_object_is_type(o, json_type_array))
      o = json_object_array_get_idx(o, (size_t)atoi(k));
    else if (!json_object_object_get_ex(o, k, &o))
      o = NULL;
  }
  return o;
}

static void assert_json_str(struct json_object *o, const char *path,
                            const char *want)
{
  struct json_object *v = json_at(o, path);

  if (!v || !json_object_is_type(v, json_type_string) ||
      strcmp(json_object_get_string(v), want))
    fail_msg("%s: expected \"%s\", got %s", path, want,
             v ? json_object_to_json_string(v) : "nothing");
}

static void json_output_parses_with_every_field(void **state)
{
  struct json_object *o;
  struct klp_run r;

  base(R);
  tree_patch(R, "fix_2", 1, 1);
  tree_object(R, "fix_2", "vmlinux", 1);
  tree_func(R, "fix_2", "vmlinux", "cmdline_proc_show", 1);
  tree_object(R, "fix_2", "ext4", 0);
  module(R, "fix_2", 1, "2", "SRC2");
  module(R, "fix_1", 0, "1", "SRC1");
  store_ko(R, "fix_1", "fix", "1", NULL);
  store_ko(R, "fix_2", "fix", "2", "cve=CVE-2099-2\nbug=bsc#2");
  tree_task(R, 1, 1, 1, "init");
  tree_task(R, 9, 9, 0, "quote\"d");

  KLP(&r, "klp", "--root", R, "--json", "patches");
  assert_int_equal(r.status, 0);
  assert_non_null(o = json_tokener_parse(r.out));
  assert_json_str(o, "patches.0.name", "fix_2");
  assert_json_str(o, "patches.0.state", "enabled");
  assert_true(json_object_get_boolean(json_at(o, "patches.0.transition")));
  assert_null(json_at(o, "patches.0.replace"));
  assert_json_str(o, "patches.0.module.file", "/var/lib/klp/patches/fix_2.ko");
  assert_json_str(o, "patches.0.module.version", "2");
  assert_int_equal(json_object_get_int(json_at(o, "patches.0.module.refcnt")),
                   1);
  assert_json_str(o, "patches.0.cve.0", "CVE-2099-2");
  assert_json_str(o, "patches.0.bug.0", "bsc#2");
  assert_json_str(o, "patches.0.objects.0.name", "ext4");
  assert_false(
      json_object_get_boolean(json_at(o, "patches.0.objects.0.patched")));
  assert_json_str(o, "patches.0.objects.1.functions.0.name",
                  "cmdline_proc_show");
  assert_json_str(o, "inactive_modules.0.name", "fix_1");
  assert_json_str(o, "inactive_modules.0.state", "replaced");
  assert_json_str(o, "inactive_modules.0.replaced_by", "fix_2");
  json_object_put(o);

  KLP(&r, "klp", "--root", R, "--json", "blocking");
  assert_int_equal(r.status, 0);
  assert_non_null(o = json_tokener_parse(r.out));
  assert_json_str(o, "transition.patch", "fix_2");
  assert_json_str(o, "tasks.0.comm", "quote\"d");
  assert_json_str(o, "tasks.0.cmdline", "[quote\"d]");
  assert_int_equal(json_object_array_length(json_at(o, "tasks")), 1);
  json_object_put(o);

  KLP(&r, "klp", "--root", R, "--json", "status");
  assert_non_null(o = json_tokener_parse(r.out));
  assert_json_str(o, "status", "in_progress");
  assert_json_str(o, "transition.target", "patched");
  json_object_put(o);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(no_patches),
      T(one_patch_with_module_labels_and_package),
      T(module_file_from_modules_dep_confirmed_by_build_id),
      T(stacked_patches_in_load_order),
      T(transition_in_progress),
      T(stalled_transition_names_blocking_tasks),
      T(replaced_module_still_loaded),
      T(disabled_module_left_loaded),
      T(forced_module_cannot_be_released),
      T(unsupported_kernel),
      T(malformed_files),
      T(permission_denied_is_explained),
      T(usage_errors),
      T(load_checks_the_module_file_first),
      T(downgrade_plans_from_the_store),
      T(json_output_parses_with_every_field),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
