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

	in->net = net;
	ito_config_init(in);
	return ito_counters_init(in);
}

static void __net_exit ito_net_exit(struct net *net)
{
	ito_counters_uninit(ito_net(net));
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

	err = register_pernet_subsys(&ito_net_ops);
	if (err)
		return err;

	/* Last: once the family is visible, requests may arrive. */
	err = ito_netlink_init();
	if (err)
		goto err_pernet;

	pr_info("version %s loaded\n", ITO_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&ito_net_ops);
	return err;
}

static void __exit ito_exit(void)
{
	ito_netlink_uninit();
	unregister_pernet_subsys(&ito_net_ops);
}

module_init(ito_init);
module_exit(ito_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Intelligent Traffic Offload: inspect, then offload, conntrack flows");
MODULE_AUTHOR("The ito authors");
MODULE_VERSION(ITO_VERSION);
