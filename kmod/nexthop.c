// SPDX-License-Identifier: GPL-2.0
/*
 * ito - next hops shared by offloaded sessions, and what happens to the
 * sessions when the network under them changes.
 *
 * Every direction of an offloaded session leaves by an egress port towards
 * a next hop. Directions with the same (egress device, next hop) share one
 * struct ito_nh, which holds the next hop's MAC: the fast path reads it
 * from there, so a neighbour's new MAC is one store for all of them, plus
 * one rule replacement per direction in hardware.
 *
 * Two notifiers drive updates, no polling: netevent (a neighbour changed)
 * marks the next hop dirty, the FIB notifier (a route changed) asks for
 * every session's routes to be checked again; both in work items under
 * ito_net.lock. A next hop that became unreachable, or a route that now
 * leads nowhere ito can forward to, returns its sessions to the slow path
 * (state OFFLOAD_PENDING, so they are offloaded again once eligible).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/arp.h>
#include <net/fib_notifier.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/netevent.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/* flows checked against the FIB per hold of the instance mutex */
#define ITO_NH_SCAN_SLICE	256

static const struct rhashtable_params ito_nh_params = {
	.head_offset		= offsetof(struct ito_nh, node),
	.key_offset		= offsetof(struct ito_nh, key),
	.key_len		= sizeof(struct ito_nh_key),
	.automatic_shrinking	= true,
};

static u64 ito_mac_pack(const u8 *mac)
{
	u64 v = 0;

	memcpy(&v, mac, ETH_ALEN);
	return v;
}

/* The next hop's MAC as of now (packet path). */
void ito_nh_mac(const struct ito_nh *nh, u8 *mac)
{
	u64 v = nh ? atomic64_read(&nh->ha) : 0;	/* vWire: none */

	memcpy(mac, &v, ETH_ALEN);
}

static struct neighbour *ito_nh_neigh(struct net_device *dev, u8 family,
				      const union nf_inet_addr *addr)
{
	if (family == NFPROTO_IPV4)
		return __ipv4_neigh_lookup_noref(dev, (__force u32)addr->ip);
	return __ipv6_neigh_lookup_noref(dev, &addr->in6);
}

/*
 * The neighbour's MAC if it has a valid one; otherwise -EAGAIN, with a
 * resolution started when there is an entry to resolve.
 */
static int ito_nh_resolve(struct net_device *dev, u8 family,
			  const union nf_inet_addr *addr, u8 *mac)
{
	struct neighbour *n;
	int err = 0;

	/*
	 * Neighbour tables moved from RCU-bh to plain RCU in 6.2 and Debian's
	 * 6.1 has the change: hold both kinds of reader, for either kernel.
	 */
	local_bh_disable();
	rcu_read_lock();
	n = ito_nh_neigh(dev, family, addr);
	if (!n || n->dead || !(READ_ONCE(n->nud_state) & NUD_VALID)) {
		if (n && !n->dead)
			neigh_event_send(n, NULL);
		err = -EAGAIN;
	} else {
		neigh_ha_snapshot(mac, n, dev);
	}
	rcu_read_unlock();
	local_bh_enable();
	return err;
}

/**
 * ito_nh_get - the next hop towards @addr by @dev, for a direction to use
 * @in: the instance; caller holds @in->lock
 * @dev: the egress port's device
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @addr: the next hop
 *
 * Shares the next hop with the directions using it, creating it (with a
 * resolved MAC) if it is new. The caller links it to a direction
 * (ito_nh_link()) and then puts its own use.
 * Return: the next hop; ERR_PTR(-EAGAIN) while the MAC is not resolved,
 * or -ENOMEM.
 */
struct ito_nh *ito_nh_get(struct ito_net *in, struct net_device *dev,
			  u8 family, const union nf_inet_addr *addr)
{
	struct ito_nh_key key = {
		.ifindex = dev->ifindex,
		.family = family,
		.addr = *addr,
	};
	struct ito_nh *nh, *old;
	u8 mac[ETH_ALEN];
	int err;

	spin_lock_bh(&in->nh_lock);
	nh = rhashtable_lookup_fast(&in->nexthops, &key, ito_nh_params);
	if (nh) {
		nh->users++;
		spin_unlock_bh(&in->nh_lock);
		return nh;
	}
	spin_unlock_bh(&in->nh_lock);

	err = ito_nh_resolve(dev, family, addr, mac);
	if (err)
		return ERR_PTR(err);
	nh = kzalloc(sizeof(*nh), GFP_KERNEL_ACCOUNT);
	if (!nh)
		return ERR_PTR(-ENOMEM);
	nh->key = key;
	nh->dev = dev;
	atomic64_set(&nh->ha, ito_mac_pack(mac));
	INIT_LIST_HEAD(&nh->entries);
	INIT_LIST_HEAD(&nh->dirty);

	spin_lock_bh(&in->nh_lock);
	old = rhashtable_lookup_get_insert_fast(&in->nexthops, &nh->node,
						ito_nh_params);
	if (IS_ERR(old)) {
		spin_unlock_bh(&in->nh_lock);
		kfree(nh);
		return old;
	}
	if (old) {		/* cannot happen under in->lock; be safe */
		kfree(nh);
		nh = old;
	}
	nh->users++;
	spin_unlock_bh(&in->nh_lock);
	return nh;
}

/* Drop a use; the last one frees the next hop. Holds nh_lock. */
static void __ito_nh_put(struct ito_net *in, struct ito_nh *nh)
{
	if (--nh->users)
		return;
	rhashtable_remove_fast(&in->nexthops, &nh->node, ito_nh_params);
	list_del_init(&nh->dirty);
	kfree_rcu(nh, rcu);
}

/* The use ito_nh_get() gave the caller. Any context. */
void ito_nh_put(struct ito_net *in, struct ito_nh *nh)
{
	spin_lock_bh(&in->nh_lock);
	__ito_nh_put(in, nh);
	spin_unlock_bh(&in->nh_lock);
}

/*
 * @d goes by @nh from now on (a use of its own). The fast path sees the
 * new next hop or the old one, never a mix: the pointer is the whole of
 * where a direction goes. The route's next hop, in @nh's key from now on,
 * gives its bytes to the list node. Caller holds the flow's lock, under
 * which the slow path learns routes.
 */
void ito_nh_link(struct ito_net *in, struct ito_flow_dir *d, struct ito_nh *nh)
{
	lockdep_assert_held(&ito_dir_flow(d)->lock);
	spin_lock_bh(&in->nh_lock);
	nh->users++;
	list_add(&d->nh_node, &nh->entries);
	d->linked = true;
	WRITE_ONCE(d->nh, nh);
	spin_unlock_bh(&in->nh_lock);
}

/*
 * @d leaves its next hop (any context; caller holds the flow's lock); the
 * last user frees it.
 * @d->nh stays as it is: the fast path may still read it through an entry
 * it found before @d was unpublished, and the next hop outlives that
 * reader (freed after RCU).
 */
void ito_nh_unlink(struct ito_net *in, struct ito_flow_dir *d)
{
	struct ito_nh *nh = d->nh;

	lockdep_assert_held(&ito_dir_flow(d)->lock);
	if (!d->linked)
		return;
	spin_lock_bh(&in->nh_lock);
	list_del(&d->nh_node);
	d->linked = false;
	/* the route's next hop again, for the slow path and another offload */
	d->nexthop = nh->key.addr;
	__ito_nh_put(in, nh);
	spin_unlock_bh(&in->nh_lock);
}

/* A direction of a flow that uses a next hop, collected for an update. */
struct ito_nh_user {
	struct ito_flow *flow;
	u8 dir;
};

/* The flows using @nh; they stay valid while the caller holds in->lock. */
static struct ito_nh_user *ito_nh_users(struct ito_net *in, struct ito_nh *nh,
					unsigned int *n)
{
	struct ito_nh_user *u;
	struct ito_flow_dir *d;
	unsigned int max, i = 0;

	spin_lock_bh(&in->nh_lock);
	max = nh->users;
	spin_unlock_bh(&in->nh_lock);
	u = kvmalloc_array(max, sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	spin_lock_bh(&in->nh_lock);
	list_for_each_entry(d, &nh->entries, nh_node) {
		if (i == max)
			break;
		u[i].flow = ito_dir_flow(d);
		u[i].dir = d->dir;
		i++;
	}
	spin_unlock_bh(&in->nh_lock);
	*n = i;
	return u;
}

/* Has this direction a rule in hardware? */
static bool ito_nh_in_hw(struct ito_flow *flow, int dir)
{
	bool hw;

	spin_lock_bh(&flow->lock);
	hw = flow->state == ITO_FLOW_STATE_OFFLOADED && flow->hw &&
	     flow->hw->rule[dir].hd;
	spin_unlock_bh(&flow->lock);
	return hw;
}

/* The XDP backend forwards the session: its MAC is in the backend's maps. */
static bool ito_nh_in_xdp(struct ito_net *in, struct ito_flow *flow)
{
	bool xdp;

	spin_lock_bh(&flow->lock);
	xdp = ito_xdp_holds(in, flow);
	spin_unlock_bh(&flow->lock);
	return xdp;
}

/* A neighbour behind @nh changed: new MAC, or gone. Holds in->lock. */
static void ito_nh_refresh(struct ito_net *in, struct ito_nh *nh)
{
	struct net_device *dev;
	struct ito_nh_user *u;
	unsigned int i, n = 0;
	u8 mac[ETH_ALEN], cur[ETH_ALEN];
	int err;

	/* no RTNL here: the device is looked up and used under RCU */
	rcu_read_lock();
	dev = dev_get_by_index_rcu(in->net, nh->key.ifindex);
	err = dev ? ito_nh_resolve(dev, nh->key.family, &nh->key.addr, mac) :
		    -ENODEV;
	rcu_read_unlock();
	ito_nh_mac(nh, cur);
	if (!err && ether_addr_equal(mac, cur))
		return;

	u = ito_nh_users(in, nh, &n);
	if (!u)
		return;
	if (err) {
		/* unreachable now: every session using it goes back */
		for (i = 0; i < n; i++)
			ito_offload_fall_back(in, u[i].flow);
		ito_hw_reap(in);
		kvfree(u);
		return;
	}

	/*
	 * Software: one store, seen by every direction at its next packet.
	 * Hardware: each rule carries the MAC and is replaced, within the
	 * update budget (update.c); until then it sends to the old MAC.
	 */
	atomic64_set(&nh->ha, ito_mac_pack(mac));
	for (i = 0; i < n; i++) {
		if (!ito_nh_in_hw(u[i].flow, u[i].dir) &&
		    !ito_nh_in_xdp(in, u[i].flow)) {
			ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE);
			continue;
		}
		if (ito_update_add(in, u[i].flow, u[i].dir, ITO_UPDATE_MAC))
			ito_offload_fall_back(in, u[i].flow);
	}
	ito_hw_reap(in);
	kvfree(u);
	ito_update_kick(in);
}

static void ito_nh_work(struct work_struct *work)
{
	struct ito_net *in = container_of(work, struct ito_net, nh_work);
	struct ito_nh *nh;

	mutex_lock(&in->lock);
	for (;;) {
		spin_lock_bh(&in->nh_lock);
		nh = list_first_entry_or_null(&in->nh_dirty, struct ito_nh, dirty);
		if (nh) {
			list_del_init(&nh->dirty);
			nh->users++;	/* keep it across the refresh */
		}
		spin_unlock_bh(&in->nh_lock);
		if (!nh)
			break;
		ito_nh_refresh(in, nh);

		spin_lock_bh(&in->nh_lock);
		if (!--nh->users) {
			rhashtable_remove_fast(&in->nexthops, &nh->node, ito_nh_params);
			list_del_init(&nh->dirty);
			kfree_rcu(nh, rcu);
		}
		spin_unlock_bh(&in->nh_lock);
	}
	mutex_unlock(&in->lock);
}

/* netevent: atomic context. Mark the next hop, leave the rest to work. */
static int ito_nh_netevent(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct ito_nh_key key = {};
	struct neighbour *n = ptr;
	struct ito_net *in;
	struct ito_nh *nh;

	if (event != NETEVENT_NEIGH_UPDATE || !n->dev)
		return NOTIFY_DONE;
	if (n->tbl->family == AF_INET) {
		key.family = NFPROTO_IPV4;
		memcpy(&key.addr.ip, n->primary_key, sizeof(key.addr.ip));
	} else if (n->tbl->family == AF_INET6) {
		key.family = NFPROTO_IPV6;
		memcpy(&key.addr.in6, n->primary_key, sizeof(key.addr.in6));
	} else {
		return NOTIFY_DONE;
	}
	key.ifindex = n->dev->ifindex;
	in = ito_net(dev_net(n->dev));
	if (!READ_ONCE(in->nh_ready))
		return NOTIFY_DONE;

	spin_lock_bh(&in->nh_lock);
	nh = rhashtable_lookup_fast(&in->nexthops, &key, ito_nh_params);
	if (nh && list_empty(&nh->dirty)) {
		list_add_tail(&nh->dirty, &in->nh_dirty);
		queue_work(system_wq, &in->nh_work);
	}
	spin_unlock_bh(&in->nh_lock);
	return NOTIFY_DONE;
}

static struct notifier_block ito_nh_netevent_nb = {
	.notifier_call = ito_nh_netevent,
};

/*
 * Where the FIB sends one direction now: its device and next hop. The
 * device by ifindex: no RTNL is held, the device is only safe to touch
 * under RCU, and an enrolled port is what the caller wants anyway.
 */
static int ito_nh_route4(struct ito_net *in, const struct ito_ft_key *k,
			 const struct ito_rewrite *rw, int *ifindex,
			 union nf_inet_addr *gw, u32 *mtu)
{
	struct flowi4 fl4 = {
		.flowi4_iif = k->iif,
		.flowi4_proto = k->proto,
		.daddr = rw->daddr.ip,
		.saddr = k->saddr.ip,
	};
	struct fib_nh_common *nhc;
	struct fib_result res;
	int err;

	rcu_read_lock();
	err = fib_lookup(in->net, &fl4, &res, 0);
	nhc = err ? NULL : res.nhc;
	if (!nhc || res.type != RTN_UNICAST || !nhc->nhc_dev ||
	    (nhc->nhc_gw_family && nhc->nhc_gw_family != AF_INET)) {
		rcu_read_unlock();
		return -ENETUNREACH;
	}
	*ifindex = nhc->nhc_dev->ifindex;
	memset(gw, 0, sizeof(*gw));
	gw->ip = nhc->nhc_gw_family ? nhc->nhc_gw.ipv4 : rw->daddr.ip;
	*mtu = READ_ONCE(nhc->nhc_dev->mtu);
	rcu_read_unlock();
	return 0;
}

static int ito_nh_route6(struct ito_net *in, const struct ito_ft_key *k,
			 const struct ito_rewrite *rw, int *ifindex,
			 union nf_inet_addr *gw, u32 *mtu)
{
	struct flowi6 fl6 = {
		.flowi6_proto = k->proto,
		.daddr = rw->daddr.in6,
		.saddr = k->saddr.in6,
	};
	struct dst_entry *dst;
	int err;

	dst = ip6_route_output(in->net, NULL, &fl6);
	err = dst->error;
	if (!err && (!dst->dev || (dst->dev->flags & IFF_LOOPBACK)))
		err = -ENETUNREACH;
	if (!err) {
		*ifindex = dst->dev->ifindex;
		gw->in6 = *rt6_nexthop((struct rt6_info *)dst, &fl6.daddr);
		*mtu = dst_mtu(dst);
	}
	dst_release(dst);
	return err;
}

/*
 * Where the FIB sends one direction of an offloaded flow now. Return: 1 if
 * that changed (@port, @gw and @mtu say where to; @port NULL when it is
 * nowhere ito forwards to), 0 if not.
 */
static int ito_nh_route_check(struct ito_net *in, struct ito_flow *flow,
			      int dir, struct ito_port **port,
			      union nf_inet_addr *gw, u32 *mtu)
{
	union nf_inet_addr cur_gw;
	struct ito_rule snap;
	int ifindex = 0;
	int err;

	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED || flow->dirs[dir].vwire) {
		spin_unlock_bh(&flow->lock);
		return 0;
	}
	ito_rule_describe(flow, dir, &snap);
	cur_gw = flow->dirs[dir].nh->key.addr;
	spin_unlock_bh(&flow->lock);

	if (snap.key.family == NFPROTO_IPV4)
		err = ito_nh_route4(in, &snap.key, &snap.rw, &ifindex, gw, mtu);
	else
		err = ito_nh_route6(in, &snap.key, &snap.rw, &ifindex, gw, mtu);
	/* out_dev is an enrolled port: it stays while we hold in->lock */
	if (!err && ifindex == snap.rw.out_dev->ifindex &&
	    nf_inet_addr_cmp(gw, &cur_gw))
		return 0;
	*port = err ? NULL : ito_port_lookup(in, ifindex);
	return 1;
}

/**
 * ito_nh_update - bring one direction of an offloaded flow up to date
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @dir: the direction
 * @what: ITO_UPDATE_ROUTE: move it where the FIB now sends it (or back to
 *	the slow path when that is nowhere ito forwards to);
 *	ITO_UPDATE_MAC: replace its hardware rule, for its next hop's MAC
 *
 * A move or a replacement takes an update token; a return to the slow
 * path is a removal, never refused.
 * Return: 0, or -EAGAIN when the budget has no token for it now.
 */
int ito_nh_update(struct ito_net *in, struct ito_flow *flow, int dir, u8 what)
{
	struct ito_port *port;
	bool hw;
	union nf_inet_addr gw;
	u32 mtu = 0;

	lockdep_assert_held(&in->lock);
	if ((what & ITO_UPDATE_ROUTE) && !READ_ONCE(flow->vwire) &&
	    ito_nh_route_check(in, flow, dir, &port, &gw, &mtu)) {
		if (!port) {
			ito_offload_fall_back(in, flow);
			return 0;
		}
		if (!ito_offload_token(in))
			return -EAGAIN;
		/* the move replaces the hardware rule too, MAC included */
		if (ito_offload_move(in, flow, dir, port, &gw, mtu))
			ito_offload_fall_back(in, flow);
		return 0;
	}
	if (!(what & ITO_UPDATE_MAC))
		return 0;
	hw = ito_nh_in_hw(flow, dir);
	if (!hw && !ito_nh_in_xdp(in, flow))
		return 0;
	if (!ito_offload_token(in))
		return -EAGAIN;
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE);
	if (!hw) {
		/* until the backend replaces it, it sends to the old MAC */
		ito_xdp_update(in, flow);
		return 0;
	}
	if (ito_hw_update(in, flow, dir))
		ito_offload_fall_back(in, flow);
	return 0;
}

/*
 * After a FIB change: every routed offloaded direction whose route moved
 * waits for its update (update.c), fastest flow first. Checked in slices,
 * so that verdicts and admission get the instance lock in between.
 */
static void ito_nh_route_work(struct work_struct *work)
{
	struct ito_net *in = container_of(work, struct ito_net, route_work);
	struct ito_port *port;
	union nf_inet_addr gw;
	struct ito_flow *flow;
	unsigned long id = 0;
	unsigned int n;
	u32 mtu;
	int dir;

	do {
		n = 0;
		mutex_lock(&in->lock);
		xa_for_each_start(&in->flow_ids, id, flow, id) {
			/* vWire sessions are not routed */
			if (READ_ONCE(flow->state) == ITO_FLOW_STATE_OFFLOADED &&
			    !READ_ONCE(flow->vwire)) {
				for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
					if (!ito_nh_route_check(in, flow, dir,
								&port, &gw, &mtu))
						continue;
					if (ito_update_add(in, flow, dir,
							   ITO_UPDATE_ROUTE))
						ito_offload_fall_back(in, flow);
				}
			}
			if (++n == ITO_NH_SCAN_SLICE)
				break;
		}
		ito_hw_reap(in);
		mutex_unlock(&in->lock);
		cond_resched();
	} while (n == ITO_NH_SCAN_SLICE && ++id);
	ito_update_kick(in);
}

/* FIB notifier: RTNL or atomic context. Only sessions care. */
static int ito_nh_fib_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct ito_net *in = container_of(nb, struct ito_net, fib_nb);

	switch (event) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
	case FIB_EVENT_RULE_ADD:
	case FIB_EVENT_RULE_DEL:
	case FIB_EVENT_NH_DEL:
		if (READ_ONCE(in->nsessions))
			queue_work(system_wq, &in->route_work);
		break;
	}
	return NOTIFY_DONE;
}

int ito_nh_net_init(struct ito_net *in)
{
	int err;

	spin_lock_init(&in->nh_lock);
	INIT_LIST_HEAD(&in->nh_dirty);
	ito_update_net_init(in);
	INIT_WORK(&in->nh_work, ito_nh_work);
	INIT_WORK(&in->route_work, ito_nh_route_work);
	err = rhashtable_init(&in->nexthops, &ito_nh_params);
	if (err)
		return err;
	in->fib_nb.notifier_call = ito_nh_fib_event;
	err = register_fib_notifier(in->net, &in->fib_nb, NULL, NULL);
	if (err) {
		rhashtable_destroy(&in->nexthops);
		return err;
	}
	WRITE_ONCE(in->nh_ready, true);
	return 0;
}

/* Every session has ended. */
void ito_nh_net_uninit(struct ito_net *in)
{
	WRITE_ONCE(in->nh_ready, false);
	unregister_fib_notifier(in->net, &in->fib_nb);
	cancel_work_sync(&in->route_work);
	cancel_work_sync(&in->nh_work);
	ito_update_net_uninit(in);
	WARN_ON(atomic_read(&in->nexthops.nelems));
	rhashtable_destroy(&in->nexthops);
}

int __init ito_nh_init(void)
{
	return register_netevent_notifier(&ito_nh_netevent_nb);
}

void ito_nh_uninit(void)
{
	unregister_netevent_notifier(&ito_nh_netevent_nb);
}
