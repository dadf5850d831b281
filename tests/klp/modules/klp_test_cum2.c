// SPDX-License-Identifier: GPL-2.0
/*
 * Cumulative live patch, version 2 of series "klp_test": keeps version 1's
 * fix and adds one to version_proc_show(). Loading it replaces version 1
 * atomically (.replace). More labels come from klp_test_cum2.labels.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int cum2_cmdline_proc_show(struct seq_file *m, void *v)
{
  seq_puts(m, "klp_test: cmdline patched by version 2\n");
  return 0;
}

static int cum2_version_proc_show(struct seq_file *m, void *v)
{
  seq_puts(m, "klp_test: version patched by version 2\n");
  return 0;
}

static struct klp_func funcs[] = {
    {.old_name = "cmdline_proc_show", .new_func = cum2_cmdline_proc_show},
    {.old_name = "version_proc_show", .new_func = cum2_version_proc_show},
    {}};

static struct klp_object objs[] = {{.name = NULL, .funcs = funcs}, {}};

static struct klp_patch patch = {
    .mod = THIS_MODULE,
    .objs = objs,
    .replace = true,
};

static int __init cum2_init(void)
{
  return klp_enable_patch(&patch);
}

static void __exit cum2_exit(void) {}

module_init(cum2_init);
module_exit(cum2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp test: cumulative live patch, version 2");
MODULE_VERSION("2");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(klp_series, "klp_test");
MODULE_INFO(cve, "CVE-2099-0001 CVE-2099-0002");
MODULE_INFO(bug, "bsc#1000001");
