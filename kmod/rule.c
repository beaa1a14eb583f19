// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the rewrite descriptor of one direction of a flow, built from the
 * conntrack tuples (NAT), the route the slow path used (egress port, next
 * hop, MTU) and the shared next hop (nexthop.c), which holds its MAC.
 *
 * A packet of direction d arrives looking like tuplehash[d] and must leave
 * looking like the inverse of tuplehash[!d]: the difference is the NAT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/*
 * A vWire direction leaves by the peer of the port it entered by, exactly
 * as it arrived: no next hop, no MAC or TTL change, no NAT. The egress
 * port, a VLAN device or not, sets the tag.
 */
static int ito_rule_vwire(struct ito_net *in, int iif,
			  const struct ito_port *out, struct ito_rewrite *rw)
{
	const struct ito_port *ip = ito_port_lookup(in, iif);

	if (rw->nat || !ip || ip->mode != ITO_PORT_MODE_VWIRE ||
	    ip->peer_ifindex != out->dev->ifindex) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED);
		return -EOPNOTSUPP;
	}
	rw->vwire = true;
	return 0;
}

/**
 * ito_rule_build - the key and the rewrite of one direction
 * @in: the instance
 * @flow: the flow, with both directions' routes captured
 * @dir: the direction
 * @e: the entry to fill
 *
 * Caller holds @in->lock (and with it RTNL-free stability of the ports).
 * Return: 0; -EAGAIN when the next hop is not resolved yet; -EOPNOTSUPP
 * when this direction cannot be offloaded at all.
 */
int ito_rule_build(struct ito_net *in, struct ito_flow *flow, int dir,
		   struct ito_ft_entry *e)
{
	const struct nf_conntrack_tuple *t = &flow->ct->tuplehash[dir].tuple;
	const struct nf_conntrack_tuple *r = &flow->ct->tuplehash[!dir].tuple;
	struct ito_rewrite *rw = &e->rw;
	struct ito_route route;
	struct ito_port *port;
	bool vwire;
	int iif;
	int err;

	/* the packet path writes these under the lock: no torn route */
	spin_lock_bh(&flow->lock);
	route = flow->route[dir];
	iif = flow->iif[dir];
	vwire = flow->vwire;
	spin_unlock_bh(&flow->lock);

	memset(&e->key, 0, sizeof(e->key));
	e->key.family = t->src.l3num;
	e->key.proto = t->dst.protonum;
	e->key.saddr = t->src.u3;
	e->key.daddr = t->dst.u3;
	e->key.sport = t->src.u.all;
	e->key.dport = t->dst.u.all;
	e->key.iif = iif;
	e->flow = flow;
	e->dir = dir;
	e->last_used = jiffies;

	rw->saddr = r->dst.u3;
	rw->daddr = r->src.u3;
	rw->sport = r->dst.u.all;
	rw->dport = r->src.u.all;
	rw->nat = 0;
	if (!nf_inet_addr_cmp(&rw->saddr, &t->src.u3) || rw->sport != t->src.u.all)
		rw->nat |= ITO_NAT_SRC;
	if (!nf_inet_addr_cmp(&rw->daddr, &t->dst.u3) || rw->dport != t->dst.u.all)
		rw->nat |= ITO_NAT_DST;
	rw->mtu = route.mtu;

	port = ito_port_lookup(in, route.out_ifindex);
	if (!e->key.iif || !ito_port_lookup(in, e->key.iif) || !port ||
	    (rw->nat && e->key.family != NFPROTO_IPV4)) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED);
		return -EOPNOTSUPP;
	}
	rw->out_dev = port->dev;
	if (vwire)
		return ito_rule_vwire(in, e->key.iif, port, rw);

	ether_addr_copy(rw->h_source, rw->out_dev->dev_addr);
	err = ito_nh_attach(in, e, rw->out_dev, e->key.family, &route.nexthop);
	if (err == -EAGAIN)
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_NO_NEIGH);
	return err;
}
