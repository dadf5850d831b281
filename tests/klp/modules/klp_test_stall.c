// SPDX-License-Identifier: GPL-2.0
/*
 * Live patch of the module object "klp_test_target" (loaded before or after
 * the patch). Its transition stalls while klp_test_target's hold is 1: the
 * kthread then sleeps inside the function being replaced. Its own hold
 * parameter keeps the kthread inside the new function, which stalls the
 * reverse transition (unpatching) instead.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "1: the kthread sleeps inside the new function");

static const char *stall_target_value(void)
{
  return "patched";
}

static void stall_target_wait(void)
{
  do
    schedule_timeout_idle(HZ / 10);
  while (READ_ONCE(hold));
}

static struct klp_func funcs[] = {
    {.old_name = "klp_test_target_value", .new_func = stall_target_value},
    {.old_name = "klp_test_target_wait", .new_func = stall_target_wait},
    {}};

static struct klp_object objs[] = {{.name = "klp_test_target", .funcs = funcs},
                                   {}};

static struct klp_patch patch = {
    .mod = THIS_MODULE,
    .objs = objs,
};

static int __init stall_init(void)
{
  return klp_enable_patch(&patch);
}

static void __exit stall_exit(void) {}

module_init(stall_init);
module_exit(stall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp test: live patch of module klp_test_target");
MODULE_VERSION("1");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(cve, "CVE-2099-0100");
