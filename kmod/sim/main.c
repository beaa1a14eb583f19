// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - a simulated mlx5-like switchdev eswitch for testing ito's
 * hardware offload without hardware. Module set-up and the debugfs back
 * door: /sys/kernel/debug/ito_sim/{new_port,del_port,capacity,rate,rules,
 * stats}, and the fault knobs fail_{replace,stats,destroy,unbind} and
 * ft_rtnl.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "sim.h"

static unsigned int ports;
module_param(ports, uint, 0444);
MODULE_PARM_DESC(ports, "port pairs created at load (0..N-1)");

static struct dentry *sim_dir;

/* fail every Nth call of a kind (1: all of them), 0: none */
u32 sim_fail_every[SIM_FAULT_NUM];
static atomic64_t sim_fault_calls[SIM_FAULT_NUM];
/* flow table binders are told the callbacks need RTNL */
u32 sim_ft_rtnl;

/*
 * Counted only while the knob is set, so that "every Nth" is exact from
 * the moment a test sets it.
 */
bool sim_fault(enum sim_fault fault)
{
	u32 every = READ_ONCE(sim_fail_every[fault]);

	if (!every || atomic64_inc_return(&sim_fault_calls[fault]) % every)
		return false;
	atomic64_inc(&sim_cnt.injected[fault]);
	return true;
}

static ssize_t sim_port_write(const char __user *buf, size_t count,
			      int (*op)(u32 index))
{
	u32 index;
	int err;

	err = kstrtou32_from_user(buf, count, 0, &index);
	if (err)
		return err;
	err = op(index);
	return err ? err : count;
}

static ssize_t sim_new_port_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	return sim_port_write(buf, count, sim_port_new);
}

static ssize_t sim_del_port_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	return sim_port_write(buf, count, sim_port_del);
}

static const struct file_operations sim_new_port_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_new_port_write,
	.llseek = noop_llseek,
};

static const struct file_operations sim_del_port_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_del_port_write,
	.llseek = noop_llseek,
};

static int sim_rules_show(struct seq_file *m, void *v)
{
	return sim_table_show(m);
}
DEFINE_SHOW_ATTRIBUTE(sim_rules);

static int sim_stats_show(struct seq_file *m, void *v)
{
	const struct {
		const char *name;
		atomic64_t *val;
	} c[] = {
		{ "replace_ok", &sim_cnt.replace_ok },
		{ "replace_refused_unsupported", &sim_cnt.refused_unsupported },
		{ "replace_refused_capacity", &sim_cnt.refused_capacity },
		{ "replace_refused_rate", &sim_cnt.refused_rate },
		{ "destroy", &sim_cnt.destroy },
		{ "stats_queries", &sim_cnt.stats_queries },
		{ "hits", &sim_cnt.hits },
		{ "misses", &sim_cnt.misses },
		{ "drops", &sim_cnt.drops },
		{ "replace_refused_exists", &sim_cnt.refused_exists },
		{ "injected_replace", &sim_cnt.injected[SIM_FAULT_REPLACE] },
		{ "injected_stats", &sim_cnt.injected[SIM_FAULT_STATS] },
		{ "injected_destroy", &sim_cnt.injected[SIM_FAULT_DESTROY] },
		{ "injected_unbind", &sim_cnt.injected[SIM_FAULT_UNBIND] },
		{ "rtnl_missing", &sim_cnt.rtnl_missing },
	};
	int i;

	seq_printf(m, "ports %u\n", sim_ports_count());
	seq_printf(m, "rules %u\n", sim_table_count());
	for (i = 0; i < ARRAY_SIZE(c); i++)
		seq_printf(m, "%s %lld\n", c[i].name, atomic64_read(c[i].val));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_stats);

static void sim_debugfs_init(void)
{
	sim_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("new_port", 0200, sim_dir, NULL,
			    &sim_new_port_fops);
	debugfs_create_file("del_port", 0200, sim_dir, NULL,
			    &sim_del_port_fops);
	debugfs_create_u32("capacity", 0600, sim_dir, &sim_capacity);
	debugfs_create_u32("rate", 0600, sim_dir, &sim_rate);
	debugfs_create_u32("fail_replace", 0600, sim_dir,
			   &sim_fail_every[SIM_FAULT_REPLACE]);
	debugfs_create_u32("fail_stats", 0600, sim_dir,
			   &sim_fail_every[SIM_FAULT_STATS]);
	debugfs_create_u32("fail_destroy", 0600, sim_dir,
			   &sim_fail_every[SIM_FAULT_DESTROY]);
	debugfs_create_u32("fail_unbind", 0600, sim_dir,
			   &sim_fail_every[SIM_FAULT_UNBIND]);
	debugfs_create_u32("ft_rtnl", 0600, sim_dir, &sim_ft_rtnl);
	debugfs_create_file("rules", 0400, sim_dir, NULL, &sim_rules_fops);
	debugfs_create_file("stats", 0400, sim_dir, NULL, &sim_stats_fops);
}

static int __init sim_init(void)
{
	unsigned int i;
	int err;

	err = sim_table_init();
	if (err)
		return err;
	sim_ports_init();
	for (i = 0; i < ports; i++) {
		err = sim_port_new(i);
		if (err) {
			pr_err("cannot create port %u: %d\n", i, err);
			sim_ports_exit();
			sim_table_exit();
			return err;
		}
	}
	/* last: userspace cannot poke at a half-built module */
	sim_debugfs_init();
	return 0;
}

/* debugfs first, so no port comes or goes while the ports are removed */
static void __exit sim_exit(void)
{
	debugfs_remove_recursive(sim_dir);
	sim_ports_exit();
	sim_blocks_exit();
	sim_table_exit();
}

module_init(sim_init);
module_exit(sim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ito_sim: simulated mlx5-like switchdev eswitch for testing ito");
