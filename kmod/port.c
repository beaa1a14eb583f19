// SPDX-License-Identifier: GPL-2.0
/*
 * ito - enrolled ports. A port is a netdev of the instance's namespace; flows
 * are tracked only when they enter by one. A port leaves with its flows when
 * removed by netlink, when its netdev unregisters, or with the namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/kmod.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "ito.h"

/* Caller holds RTNL and @in->lock. */
static void ito_port_remove(struct ito_net *in, int ifindex,
			    struct ito_port *port)
{
	xa_erase(&in->ports, ifindex);
	ito_fastpath_detach(in, port);
	if (port->mode == ITO_PORT_MODE_VWIRE)
		ito_hook_vwire_disable(in);
	if (xa_empty(&in->ports))
		ito_hook_disable(in);
	/*
	 * Unregistered hooks may still run on other cpus, and a hook that
	 * found the port may still start a flow by it: wait them out. Then
	 * no flow can start behind our back, and the instance may go once
	 * the last port went.
	 */
	synchronize_net();
	ito_flow_end_all(in, ifindex, ITO_END_REASON_PORT_REMOVED);
	ito_hw_port_unbind(in, port);
	kfree_rcu(port, rcu);
}

/*
 * The fast path and the hardware rules write Ethernet headers and keep
 * ETH_ALEN-byte MACs: an L3 tunnel has no MAC to write, and longer link
 * addresses (ip6tnl: 16 bytes, IPoIB: 20) do not fit.
 */
static bool ito_port_dev_ok(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN;
}

int ito_port_add(struct ito_net *in, struct nlattr *const *tb,
		 struct netlink_ext_ack *extack)
{
	struct net_device *dev, *peer = NULL;
	struct ito_port *port;
	u32 mode = ITO_PORT_MODE_L3;
	int err;

	/*
	 * Bridged conntrack may have to be loaded, and loading the bridge
	 * takes RTNL: before we hold it, or modprobe waits for us forever.
	 */
	if (tb[ITO_A_PORT_MODE] &&
	    nla_get_u32(tb[ITO_A_PORT_MODE]) == ITO_PORT_MODE_VWIRE)
		request_module("nf_conntrack_bridge");

	rtnl_lock();
	dev = __dev_get_by_index(in->net, nla_get_u32(tb[ITO_A_PORT_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_IFINDEX],
				    "no such device in this namespace");
		err = -ENODEV;
		goto out;
	}
	if (!ito_port_dev_ok(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_IFINDEX],
				    "not an Ethernet device: a port needs Ethernet framing and 6-byte MAC addresses");
		err = -EOPNOTSUPP;
		goto out;
	}
	if (tb[ITO_A_PORT_MODE])
		mode = nla_get_u32(tb[ITO_A_PORT_MODE]);
	if (mode == ITO_PORT_MODE_VWIRE) {
		if (!tb[ITO_A_PORT_PEER]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_MODE],
					    "a vwire port needs a peer");
			err = -EINVAL;
			goto out;
		}
		peer = __dev_get_by_index(in->net, nla_get_u32(tb[ITO_A_PORT_PEER]));
		if (!peer || peer == dev) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_PEER],
					    "the vwire peer must be another device of this namespace");
			err = -EINVAL;
			goto out;
		}
		if (!ito_port_dev_ok(peer)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_PEER],
					    "the vwire peer is not an Ethernet device");
			err = -EOPNOTSUPP;
			goto out;
		}
	} else if (tb[ITO_A_PORT_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_PEER],
				    "only a vwire port has a peer");
		err = -EINVAL;
		goto out;
	}

	/* A tagged port is a VLAN device, as the slow path routes it. */
	if (tb[ITO_A_PORT_VLAN] && nla_get_u16(tb[ITO_A_PORT_VLAN]) !=
	    (is_vlan_dev(dev) ? vlan_dev_vlan_id(dev) : 0)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_VLAN],
				    "the VLAN is the device's: enrol the VLAN device (e.g. eth0.100)");
		err = -EINVAL;
		goto out;
	}

	/* the requester's: an unprivileged namespace's ports are its own */
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port) {
		err = -ENOMEM;
		goto out;
	}
	port->dev = dev;
	port->mode = mode;
	port->vlan = is_vlan_dev(dev) ? vlan_dev_vlan_id(dev) : 0;
	port->peer_ifindex = peer ? peer->ifindex : 0;
	if (tb[ITO_A_PORT_OFFLOAD])
		port->offload = nla_get_u32(tb[ITO_A_PORT_OFFLOAD]);

	mutex_lock(&in->lock);
	err = ito_hook_enable(in);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot enable conntrack and hooks in this namespace");
		goto out_free;
	}
	if (mode == ITO_PORT_MODE_VWIRE) {
		err = ito_hook_vwire_enable(in);
		if (err) {
			NL_SET_ERR_MSG(extack, "nf_conntrack_bridge is unavailable");
			goto out_unhook;
		}
	}
	err = xa_insert(&in->ports, dev->ifindex, port, GFP_KERNEL_ACCOUNT);
	if (err) {
		if (err == -EBUSY)
			NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_PORT_IFINDEX],
					    "device is already a port");
		goto out_unvwire;
	}
	/* From here on the hooks may find the port and start flows by it. */
	err = ito_fastpath_attach(in, port);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot attach the fast path to this device");
		goto out_erase;
	}
	err = ito_hw_port_bind(in, port, extack);
	if (err) {
		ito_fastpath_detach(in, port);
		goto out_erase;
	}
	mutex_unlock(&in->lock);
	rtnl_unlock();
	return 0;

out_erase:
	/*
	 * As a removal: once no hook can still be looking at the port, the
	 * flows it started end, and it is freed only then.
	 */
	xa_erase(&in->ports, dev->ifindex);
	synchronize_net();
	ito_flow_end_all(in, dev->ifindex, ITO_END_REASON_PORT_REMOVED);
out_unvwire:
	if (mode == ITO_PORT_MODE_VWIRE)
		ito_hook_vwire_disable(in);
out_unhook:
	if (xa_empty(&in->ports))
		ito_hook_disable(in);
out_free:
	mutex_unlock(&in->lock);
	kfree(port);
out:
	rtnl_unlock();
	return err;
}

int ito_port_del(struct ito_net *in, int ifindex, struct netlink_ext_ack *extack)
{
	struct ito_port *port;
	int err = 0;

	rtnl_lock();
	mutex_lock(&in->lock);
	port = xa_load(&in->ports, ifindex);
	if (port) {
		ito_port_remove(in, ifindex, port);
	} else {
		NL_SET_ERR_MSG(extack, "device is not a port");
		err = -ENOENT;
	}
	mutex_unlock(&in->lock);
	rtnl_unlock();
	return err;
}

/*
 * The port's device, or the device below a VLAN port, where its hook and
 * hardware binding sit: a device moving to another namespace leaves its
 * VLAN devices behind, which must not keep hooks on it.
 */
static bool ito_port_uses(const struct ito_port *port,
			  const struct net_device *dev)
{
	return port->dev == dev || port->ingress.dev == dev;
}

/*
 * Registered on the instance's own namespace, for the instance's lifetime:
 * it never sees a device of another namespace nor an instance torn down.
 */
static int ito_port_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct ito_net *in = container_of(nb, struct ito_net, netdev_nb);
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ito_port *port;
	unsigned long ifindex;
	int err = 0;

	if (event != NETDEV_UNREGISTER && event != NETDEV_PRE_TYPE_CHANGE)
		return NOTIFY_DONE;
	/* ports change under RTNL too: an instance without any needs no lock */
	ASSERT_RTNL();
	if (xa_empty(&in->ports))
		return NOTIFY_DONE;

	mutex_lock(&in->lock);
	xa_for_each(&in->ports, ifindex, port) {
		if (!ito_port_uses(port, dev))
			continue;
		if (event == NETDEV_PRE_TYPE_CHANGE) {
			/* a port stays Ethernet: see ito_port_dev_ok() */
			err = -EBUSY;
			break;
		}
		ito_port_remove(in, ifindex, port);
	}
	mutex_unlock(&in->lock);
	return notifier_from_errno(err);
}

int ito_port_net_init(struct ito_net *in)
{
	in->netdev_nb.notifier_call = ito_port_netdev_event;
	return register_netdevice_notifier_net(in->net, &in->netdev_nb);
}

/*
 * Namespace exit: every port goes, then the notifier, whose unregistration
 * replays NETDEV_UNREGISTER for the devices left and finds no port.
 */
void ito_port_net_uninit(struct ito_net *in)
{
	struct ito_port *port;
	unsigned long ifindex;

	rtnl_lock();
	mutex_lock(&in->lock);
	xa_for_each(&in->ports, ifindex, port)
		ito_port_remove(in, ifindex, port);
	mutex_unlock(&in->lock);
	rtnl_unlock();
	unregister_netdevice_notifier_net(in->net, &in->netdev_nb);
}
