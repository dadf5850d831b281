// SPDX-License-Identifier: GPL-2.0
/*
 * Cumulative live patch, version 1 of series "klp_test": replaces
 * cmdline_proc_show() so that /proc/cmdline shows it is patched.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int cum1_cmdline_proc_show(struct seq_file *m, void *v)
{
  seq_puts(m, "klp_test: cmdline patched by version 1\n");
  return 0;
}

static struct klp_func funcs[] = {
    {.old_name = "cmdline_proc_show", .new_func = cum1_cmdline_proc_show}, {}};

static struct klp_object objs[] = {{.name = NULL, .funcs = funcs}, {}};

static struct klp_patch patch = {
    .mod = THIS_MODULE,
    .objs = objs,
    .replace = true,
};

static int __init cum1_init(void)
{
  return klp_enable_patch(&patch);
}

static void __exit cum1_exit(void) {}

module_init(cum1_init);
module_exit(cum1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp test: cumulative live patch, version 1");
MODULE_VERSION("1");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(klp_series, "klp_test");
MODULE_INFO(cve, "CVE-2099-0001");
MODULE_INFO(bug, "bsc#1000001");
