// SPDX-License-Identifier: GPL-2.0
/*
 * An ordinary module to be live patched. Its kthread "klp_test_kt" sleeps
 * inside klp_test_target_wait() while the parameter hold is 1, which holds
 * back any transition that patches that function. /proc/klp_test_target
 * shows what klp_test_target_value() returns.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "1: the kthread sleeps inside klp_test_target_wait()");

static struct task_struct *kt;

noinline const char *klp_test_target_value(void)
{
  return "original";
}

noinline void klp_test_target_wait(void)
{
  /* TASK_IDLE: livepatch's fake signals do not wake it. */
  while (READ_ONCE(hold) && !kthread_should_stop())
    schedule_timeout_idle(HZ / 10);
}

static int klp_test_kthread(void *unused)
{
  while (!kthread_should_stop()) {
    klp_test_target_wait();
    schedule_timeout_idle(HZ / 10);
  }
  return 0;
}

static int klp_test_proc_show(struct seq_file *m, void *v)
{
  seq_printf(m, "%s\n", klp_test_target_value());
  return 0;
}

static int __init klp_test_target_init(void)
{
  if (!proc_create_single("klp_test_target", 0444, NULL, klp_test_proc_show))
    return -ENOMEM;
  kt = kthread_run(klp_test_kthread, NULL, "klp_test_kt");
  if (IS_ERR(kt)) {
    remove_proc_entry("klp_test_target", NULL);
    return PTR_ERR(kt);
  }
  return 0;
}

static void __exit klp_test_target_exit(void)
{
  kthread_stop(kt);
  remove_proc_entry("klp_test_target", NULL);
}

module_init(klp_test_target_init);
module_exit(klp_test_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp test: a module to patch, with a kthread that can "
                   "hold a transition back");
