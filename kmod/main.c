// SPDX-License-Identifier: GPL-2.0
/*
 * ito - Intelligent Traffic Offload: module entry and per-namespace
 * instances.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "ito.h"
#include "version.h"

unsigned int ito_net_id __read_mostly;

static int __net_init ito_net_init(struct net *net)
{
	struct ito_net *in = ito_net(net);
	int err;

	in->net = net;
	ito_config_init(in);
	ito_ctv_net_init(in);
	ito_ha_net_init(in);
	mutex_init(&in->lock);
	xa_init(&in->ports);
	err = ito_counters_init(in);
	if (err)
		return err;
	err = ito_agent_net_init(in);
	if (err)
		goto err_counters;
	err = ito_flow_net_init(in);
	if (err)
		goto err_agent;
	err = ito_nat_net_init(in);
	if (err)
		goto err_flow;
	/* last: from here on, devices going away take their ports along */
	err = ito_port_net_init(in);
	if (err)
		goto err_nat;
	return 0;

err_nat:
	ito_nat_net_uninit(in);
err_flow:
	ito_flow_net_uninit(in);
err_agent:
	ito_agent_net_uninit(in);
err_counters:
	ito_counters_uninit(in);
	return err;
}

/*
 * Ports first (that unhooks us from the packet path), then the flows, whose
 * end events may still count.
 */
static void __net_exit ito_net_exit(struct net *net)
{
	struct ito_net *in = ito_net(net);

	ito_port_net_uninit(in);
	WRITE_ONCE(in->agent_portid, 0);
	ito_agent_net_uninit(in);
	ito_flow_net_uninit(in);
	ito_nat_net_uninit(in);
	ito_ctv_net_uninit(in);
	WARN_ON(!xa_empty(&in->ports));
	ito_counters_uninit(in);
}

static struct pernet_operations ito_net_ops = {
	.init	= ito_net_init,
	.exit	= ito_net_exit,
	.id	= &ito_net_id,
	.size	= sizeof(struct ito_net),
};

static int __init ito_init(void)
{
	int err;

	err = ito_flow_init();
	if (err)
		return err;
	err = register_pernet_subsys(&ito_net_ops);
	if (err)
		goto err_flow;
	err = ito_agent_init();
	if (err)
		goto err_pernet;
	err = ito_nh_init();
	if (err)
		goto err_agent;
	err = ito_nat_init();
	if (err)
		goto err_nh_only;

	/* Last: once the family is visible, requests may arrive. */
	err = ito_netlink_init();
	if (err)
		goto err_nat;

	pr_info("version %s loaded\n", ITO_VERSION);
	return 0;

err_nat:
	ito_nat_uninit();
err_nh_only:
	ito_nh_uninit();
err_agent:
	ito_agent_uninit();
err_pernet:
	unregister_pernet_subsys(&ito_net_ops);
err_flow:
	ito_flow_uninit();
	return err;
}

/*
 * The reverse of ito_init(). No request can arrive once the family is
 * gone; the global notifiers go before the instances they look up; each
 * instance removes its ports and flows and then its own netdev notifier
 * (ito_net_exit()). Last, the RCU callbacks the teardown queued (the
 * flows' frees, which also drop their conntrack references) run before
 * their code and their cache go.
 */
static void __exit ito_exit(void)
{
	ito_netlink_uninit();
	ito_nh_uninit();
	ito_agent_uninit();
	unregister_pernet_subsys(&ito_net_ops);
	rcu_barrier();
	ito_nat_uninit();
	ito_flow_uninit();
}

module_init(ito_init);
module_exit(ito_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Intelligent Traffic Offload: inspect, then offload, conntrack flows");
MODULE_AUTHOR("The ito authors");
MODULE_VERSION(ITO_VERSION);
