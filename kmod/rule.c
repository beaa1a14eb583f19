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

/**
 * ito_rule_key - the fast path's key of one direction
 * @flow: the flow
 * @dir: the direction
 * @key: filled in whole
 *
 * Any context. Valid for a flow whose conntrack entry is confirmed (its
 * tuples no longer change) and whose input port of @dir is known (set
 * once): an offloaded flow.
 */
void ito_rule_key(const struct ito_flow *flow, int dir, struct ito_ft_key *key)
{
	const struct nf_conntrack_tuple *t = &flow->ct->tuplehash[dir].tuple;

	memset(key, 0, sizeof(*key));
	key->family = t->src.l3num;
	key->proto = t->dst.protonum;
	key->saddr = t->src.u3;
	key->daddr = t->dst.u3;
	key->sport = t->src.u.all;
	key->dport = t->dst.u.all;
	key->iif = READ_ONCE(flow->iif[dir]);
}

/* What a packet of @dir looks like once NATed: the inverse of the other
 * direction's tuple.
 */
static void ito_rule_nat(const struct ito_flow *flow, int dir,
			 struct ito_rewrite *rw)
{
	const struct nf_conntrack_tuple *r = &flow->ct->tuplehash[!dir].tuple;

	rw->saddr = r->dst.u3;
	rw->daddr = r->src.u3;
	rw->sport = r->dst.u.all;
	rw->dport = r->src.u.all;
}

/**
 * ito_rule_describe - spell out one direction of an offloaded flow
 * @flow: the flow, offloaded; caller holds its lock
 * @dir: the direction
 * @r: filled in: key, rewrite, next hop's MAC and @flow
 *
 * For what is built after the lock is dropped (hardware rules, whose
 * driver callbacks may sleep) or shown (netlink).
 */
void ito_rule_describe(const struct ito_flow *flow, int dir,
		       struct ito_rule *r)
{
	const struct ito_flow_dir *d = &flow->dirs[dir];
	struct ito_rewrite *rw = &r->rw;

	lockdep_assert_held(&flow->lock);
	memset(r, 0, sizeof(*r));
	ito_rule_key(flow, dir, &r->key);
	ito_rule_nat(flow, dir, rw);
	rw->nat = d->nat;
	rw->mtu = flow->dirs[dir].mtu;
	rw->vwire = d->vwire;
	if (d->vwire) {
		rw->out_dev = d->out_dev;
	} else {
		rw->out_dev = d->nh->dev;
		ether_addr_copy(rw->h_source, rw->out_dev->dev_addr);
		ito_nh_mac(d->nh, r->h_dest);
	}
	r->flow = (struct ito_flow *)flow;
}

/*
 * A vWire direction leaves by the peer of the port it entered by, as it
 * arrived but for the NAT a pool gave it (ito_nat_bridged()): no next
 * hop, no MAC or TTL change. The egress port, a VLAN device or not, sets
 * the tag.
 */
static int ito_rule_vwire(struct ito_net *in, int iif,
			  const struct ito_port *out, struct ito_flow_dir *d)
{
	const struct ito_port *ip = ito_port_lookup(in, iif);

	if (!ip || ip->mode != ITO_PORT_MODE_VWIRE ||
	    ip->peer_ifindex != out->dev->ifindex) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED);
		return -EOPNOTSUPP;
	}
	d->out_dev = out->dev;
	return 0;
}

/**
 * ito_rule_build - make one direction of a flow ready for the fast path
 * @in: the instance
 * @flow: the flow, with both directions' routes captured
 * @dir: the direction
 *
 * Fills @flow->dirs[@dir], not published yet: its NAT, and where it goes
 * (the next hop, shared, or the vWire peer).
 * Caller holds @in->lock (and with it RTNL-free stability of the ports).
 * Return: 0; -EAGAIN when the next hop is not resolved yet; -EOPNOTSUPP
 * when this direction cannot be offloaded at all.
 */
int ito_rule_build(struct ito_net *in, struct ito_flow *flow, int dir)
{
	const struct nf_conntrack_tuple *t = &flow->ct->tuplehash[dir].tuple;
	struct ito_flow_dir *d = &flow->dirs[dir];
	union nf_inet_addr nexthop;
	struct ito_rewrite rw = {};
	struct ito_port *port;
	struct ito_nh *nh;
	int iif, out;
	bool vwire;

	/* the packet path writes these under the lock: no torn route */
	spin_lock_bh(&flow->lock);
	out = d->out_ifindex;
	nexthop = d->nexthop;
	iif = flow->iif[dir];
	vwire = flow->vwire;
	spin_unlock_bh(&flow->lock);

	/*
	 * The same for every session of a flow: a packet still using the
	 * direction as a session left it never reads the union the wrong way.
	 */
	d->vwire = vwire;
	ito_rule_nat(flow, dir, &rw);
	d->nat = 0;
	if (!nf_inet_addr_cmp(&rw.saddr, &t->src.u3) || rw.sport != t->src.u.all)
		d->nat |= ITO_NAT_SRC;
	if (!nf_inet_addr_cmp(&rw.daddr, &t->dst.u3) || rw.dport != t->dst.u.all)
		d->nat |= ITO_NAT_DST;

	port = ito_port_lookup(in, out);
	if (!iif || !ito_port_lookup(in, iif) || !port ||
	    (d->nat && t->src.l3num != NFPROTO_IPV4)) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED);
		return -EOPNOTSUPP;
	}
	if (vwire)
		return ito_rule_vwire(in, iif, port, d);

	nh = ito_nh_get(in, port->dev, t->src.l3num, &nexthop);
	if (IS_ERR(nh)) {
		if (PTR_ERR(nh) == -EAGAIN)
			ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_NO_NEIGH);
		return PTR_ERR(nh);
	}
	spin_lock_bh(&flow->lock);
	ito_nh_link(in, d, nh);
	spin_unlock_bh(&flow->lock);
	ito_nh_put(in, nh);
	return 0;
}
