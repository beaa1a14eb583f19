// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - port pairs. Port N is a representor, simrepN, that the host
 * stack uses (it carries NETIF_F_HW_TC and accepts offloaded rules), and a
 * wire end, simwireN, that stands for what is plugged into the port and is
 * meant to be moved into a peer namespace. A frame sent on simrepN is
 * received on simwireN; a frame sent on simwireN enters the eswitch
 * (exec.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "sim.h"

static LIST_HEAD(sim_ports);
/* ports removed while still bound to a flow block; freed at unload */
static LIST_HEAD(sim_zombies);
static DEFINE_MUTEX(sim_ports_lock);
static u32 sim_nports;
static u8 sim_switch_id[8];

static const struct net_device_ops sim_rep_ops;

static int sim_ndev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void sim_ndev_destructor(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static void sim_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *s)
{
	netdev_stats_to_stats64(s, &dev->stats);
	dev_fetch_sw_netstats(s, dev->tstats);
}

static netdev_tx_t sim_rep_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sim_netdev *nd = netdev_priv(dev);

	dev_sw_netstats_tx_add(dev, 1, skb->len);
	sim_deliver(nd->port->wire, skb);
	return NETDEV_TX_OK;
}

static netdev_tx_t sim_wire_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sim_netdev *nd = netdev_priv(dev);

	dev_sw_netstats_tx_add(dev, 1, skb->len);
	sim_esw_rx(nd->port, skb);
	return NETDEV_TX_OK;
}

static int sim_rep_parent_id(struct net_device *dev,
			     struct netdev_phys_item_id *ppid)
{
	ppid->id_len = sizeof(sim_switch_id);
	memcpy(ppid->id, sim_switch_id, sizeof(sim_switch_id));
	return 0;
}

static const struct net_device_ops sim_rep_ops = {
	.ndo_init		= sim_ndev_init,
	.ndo_start_xmit		= sim_rep_xmit,
	.ndo_get_stats64	= sim_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_setup_tc		= sim_rep_setup_tc,
	.ndo_get_port_parent_id	= sim_rep_parent_id,
};

static const struct net_device_ops sim_wire_ops = {
	.ndo_init		= sim_ndev_init,
	.ndo_start_xmit		= sim_wire_xmit,
	.ndo_get_stats64	= sim_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/*
 * No checksum, segmentation or VLAN offload on either end: the stack hands
 * over complete frames with correct checksums and in-band VLAN tags, which
 * is what a wire carries.
 */
static void sim_ndev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->needs_free_netdev = true;
	dev->priv_destructor = sim_ndev_destructor;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

static void sim_rep_setup(struct net_device *dev)
{
	sim_ndev_setup(dev);
	dev->netdev_ops = &sim_rep_ops;
	dev->features |= NETIF_F_HW_TC;
	dev->hw_features |= NETIF_F_HW_TC;
}

static void sim_wire_setup(struct net_device *dev)
{
	sim_ndev_setup(dev);
	dev->netdev_ops = &sim_wire_ops;
}

struct sim_port *sim_rep_port(const struct net_device *dev)
{
	struct sim_netdev *nd;

	if (!dev || dev->netdev_ops != &sim_rep_ops)
		return NULL;
	nd = netdev_priv(dev);
	return nd->port;
}

static struct sim_port *sim_port_find(u32 index)
{
	struct sim_port *port;

	lockdep_assert_held(&sim_ports_lock);
	list_for_each_entry(port, &sim_ports, list)
		if (port->index == index)
			return port;
	return NULL;
}

static struct net_device *sim_ndev_alloc(struct sim_port *port,
					 const char *fmt,
					 void (*setup)(struct net_device *))
{
	struct net_device *dev;
	struct sim_netdev *nd;
	char name[IFNAMSIZ];

	snprintf(name, sizeof(name), fmt, port->index);
	dev = alloc_netdev(sizeof(*nd), name, NET_NAME_PREDICTABLE, setup);
	if (!dev)
		return NULL;
	nd = netdev_priv(dev);
	nd->port = port;
	return dev;
}

int sim_port_new(u32 index)
{
	struct sim_port *port;
	int err;

	if (index >= SIM_MAX_PORTS)
		return -EINVAL;

	mutex_lock(&sim_ports_lock);
	if (sim_port_find(index)) {
		err = -EEXIST;
		goto unlock;
	}
	err = -ENOMEM;
	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		goto unlock;
	port->index = index;
	port->rep = sim_ndev_alloc(port, "simrep%u", sim_rep_setup);
	if (!port->rep)
		goto err_free_port;
	port->wire = sim_ndev_alloc(port, "simwire%u", sim_wire_setup);
	if (!port->wire)
		goto err_free_rep;

	/* a failed register leaves the netdev to us to free */
	err = register_netdev(port->wire);
	if (err) {
		free_netdev(port->wire);
		goto err_free_rep;
	}
	err = register_netdev(port->rep);
	if (err) {
		unregister_netdev(port->wire);
		goto err_free_rep;
	}
	list_add_tail(&port->list, &sim_ports);
	sim_nports++;
	mutex_unlock(&sim_ports_lock);
	return 0;

err_free_rep:
	free_netdev(port->rep);
err_free_port:
	kfree(port);
unlock:
	mutex_unlock(&sim_ports_lock);
	return err;
}

/*
 * Removal order: the hardware first forgets every rule that involves the
 * port (after which no frame can be steered to it), then both netdevs go.
 * Unregistering the representor destroys its clsact qdisc, so tc unbinds
 * its block; ito unbinds on NETDEV_UNREGISTER. A port still bound after
 * that is kept (and reported) rather than freed under a flow_block_cb.
 */
static void sim_port_remove(struct sim_port *port)
{
	list_del(&port->list);
	sim_nports--;
	sim_table_flush_port(port);

	rtnl_lock();
	unregister_netdevice(port->rep);
	unregister_netdevice(port->wire);
	rtnl_unlock();

	if (sim_port_bound(port)) {
		pr_err("port %u removed while a flow block is still bound to it\n",
		       port->index);
		list_add_tail(&port->list, &sim_zombies);
		return;
	}
	kfree(port);
}

int sim_port_del(u32 index)
{
	struct sim_port *port;
	int err = 0;

	mutex_lock(&sim_ports_lock);
	port = sim_port_find(index);
	if (port)
		sim_port_remove(port);
	else
		err = -ENOENT;
	mutex_unlock(&sim_ports_lock);
	return err;
}

u32 sim_ports_count(void)
{
	return READ_ONCE(sim_nports);
}

void sim_ports_init(void)
{
	get_random_bytes(sim_switch_id, sizeof(sim_switch_id));
}

void sim_ports_exit(void)
{
	struct sim_port *port, *tmp;

	mutex_lock(&sim_ports_lock);
	list_for_each_entry_safe(port, tmp, &sim_ports, list)
		sim_port_remove(port);
	list_for_each_entry_safe(port, tmp, &sim_zombies, list) {
		list_del(&port->list);
		kfree(port);
	}
	mutex_unlock(&sim_ports_lock);
}
