// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the software cut-through: a netfilter ingress hook on every
 * enrolled port looks the packet up among the offloaded directions,
 * applies the rewrite (NAT, TTL, MAC) and transmits it on the egress port,
 * skipping conntrack and routing. What it cannot handle it leaves to the
 * slow path untouched: IP options, fragments, TTL about to expire, packets
 * above the egress MTU, and TCP FIN/RST/SYN, where FIN and RST first hand
 * the flow back to conntrack.
 *
 * VLANs: a tagged port is a VLAN device; its hook sits on the device
 * below, and a tagged frame is looked up as entering by the VLAN device of
 * its tag. Sending on a VLAN device tags the frame, so an ingress tag is
 * popped, pushed or rewritten by where the flow enters and leaves.
 *
 * vWire: a bridged flow's frames are addressed to the far host, not to us
 * (PACKET_OTHERHOST). They leave by the peer port with the Ethernet header
 * they came with and their TTL as it was; only the tag follows the ports.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter_netdev.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "compat.h"
#include "ito.h"

struct ito_l4 {
	unsigned int thoff;	/* transport header offset from skb->data */
	u8 proto;
};

/* The ports, and for TCP whether the segment must go the slow way. */
static int ito_fastpath_ports(struct sk_buff *skb, const struct ito_l4 *l4,
			      struct ito_ft_key *key, bool *fin_rst, bool *syn)
{
	if (l4->proto == IPPROTO_TCP) {
		struct tcphdr *th;

		if (!pskb_may_pull(skb, l4->thoff + sizeof(*th)))
			return -1;
		th = (struct tcphdr *)(skb->data + l4->thoff);
		key->sport = th->source;
		key->dport = th->dest;
		*fin_rst = th->fin || th->rst;
		*syn = th->syn;
		return 0;
	}
	if (l4->proto == IPPROTO_UDP) {
		struct udphdr *uh;

		if (!pskb_may_pull(skb, l4->thoff + sizeof(*uh)))
			return -1;
		uh = (struct udphdr *)(skb->data + l4->thoff);
		key->sport = uh->source;
		key->dport = uh->dest;
		return 0;
	}
	return -1;
}

static __sum16 *ito_l4_check(struct sk_buff *skb, const struct ito_l4 *l4)
{
	void *th = skb->data + l4->thoff;

	if (l4->proto == IPPROTO_TCP)
		return &((struct tcphdr *)th)->check;
	return &((struct udphdr *)th)->check;
}

/* A UDP checksum of 0 means "none" and stays so. */
static bool ito_l4_csum_on(struct sk_buff *skb, const struct ito_l4 *l4,
			   __sum16 *check)
{
	return l4->proto == IPPROTO_TCP || *check ||
	       skb->ip_summed == CHECKSUM_PARTIAL;
}

static void ito_l4_mangle_done(const struct ito_l4 *l4, __sum16 *check)
{
	if (l4->proto == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
}

/*
 * The packet leaves looking like the inverse of the other direction's
 * tuple (@r): its destination is our new source, its source our new
 * destination.
 */
static void ito_nat_v4(struct sk_buff *skb, const struct ito_l4 *l4, u8 nat,
		       const struct nf_conntrack_tuple *r)
{
	struct iphdr *iph = ip_hdr(skb);
	__sum16 *check = ito_l4_check(skb, l4);
	bool csum = ito_l4_csum_on(skb, l4, check);
	__be16 *ports = (__be16 *)(skb->data + l4->thoff);

	if (nat & ITO_NAT_SRC) {
		if (csum) {
			inet_proto_csum_replace4(check, skb, iph->saddr, r->dst.u3.ip, true);
			inet_proto_csum_replace2(check, skb, ports[0], r->dst.u.all, false);
		}
		csum_replace4(&iph->check, iph->saddr, r->dst.u3.ip);
		iph->saddr = r->dst.u3.ip;
		ports[0] = r->dst.u.all;
	}
	if (nat & ITO_NAT_DST) {
		if (csum) {
			inet_proto_csum_replace4(check, skb, iph->daddr, r->src.u3.ip, true);
			inet_proto_csum_replace2(check, skb, ports[1], r->src.u.all, false);
		}
		csum_replace4(&iph->check, iph->daddr, r->src.u3.ip);
		iph->daddr = r->src.u3.ip;
		ports[1] = r->src.u.all;
	}
	if (csum)
		ito_l4_mangle_done(l4, check);
}

static bool ito_fits_mtu(const struct sk_buff *skb, u32 mtu)
{
	if (skb->len <= mtu)
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

static void ito_fastpath_count(struct ito_net *in, struct ito_flow *flow,
			       int dir, const struct sk_buff *skb)
{
	u32 now = (u32)jiffies;
	u64 ft;

	ft = atomic64_add_return(ITO_FT_PKT + skb->len, &flow->ft[dir]);
	if (unlikely(ft & ITO_FT_FULL)) {
		spin_lock(&flow->lock);
		if (flow->state == ITO_FLOW_STATE_OFFLOADED)
			ito_ft_fold(flow);
		spin_unlock(&flow->lock);
	}
	/* racing the slow path's write under the lock: both write "now" */
	if (READ_ONCE(flow->last_seen) != now)
		WRITE_ONCE(flow->last_seen, now);
	ito_counter_inc(in, ITO_CNT_FASTPATH_PKTS);
}

/* What the packet must not carry from its ingress to its egress. */
static void ito_fastpath_scrub(struct sk_buff *skb)
{
	skb_forward_csum(skb);
	/* the egress port, a VLAN device if tagged, adds its own tag */
	__vlan_hwaccel_clear_tag(skb);
	/*
	 * A receive timestamp is wall-clock time; the egress qdisc would
	 * take it for a departure time (sch_fq drops it as beyond its
	 * horizon), as the forwarding stack knows.
	 */
	skb_clear_tstamp(skb);
}

/* Account, rewrite and send: the packet is ours from here on. */
static void ito_fastpath_xmit(struct ito_net *in, struct ito_flow *flow,
			      const struct ito_flow_dir *d,
			      struct sk_buff *skb, const struct ito_l4 *l4,
			      __be16 proto)
{
	/* one read: the next hop (device and MAC) of before or after a move */
	const struct ito_nh *nh = READ_ONCE(d->nh);
	struct ethhdr *eth;

	ito_fastpath_count(in, flow, d->dir, skb);

	if (proto == htons(ETH_P_IP)) {
		if (d->nat)
			ito_nat_v4(skb, l4, d->nat,
				   &flow->ct->tuplehash[!d->dir].tuple);
		ip_decrease_ttl(ip_hdr(skb));
	} else {
		ipv6_hdr(skb)->hop_limit--;
	}

	ito_fastpath_scrub(skb);
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ito_nh_mac(nh, eth->h_dest);	/* shared: follows the neighbour */
	ether_addr_copy(eth->h_source, nh->dev->dev_addr);
	eth->h_proto = proto;
	skb->dev = nh->dev;
	skb->protocol = proto;
	dev_queue_xmit(skb);
}

/*
 * Account, NAT and send a vWire packet: the Ethernet header it arrived
 * with is still in front of the network header (the caller checked), tag
 * aside.
 */
static void ito_fastpath_xmit_vwire(struct ito_net *in, struct ito_flow *flow,
				    const struct ito_flow_dir *d,
				    struct sk_buff *skb, const struct ito_l4 *l4)
{
	ito_fastpath_count(in, flow, d->dir, skb);
	/* only IPv4 directions have NAT (ito_rule_build()) */
	if (d->nat)
		ito_nat_v4(skb, l4, d->nat, &flow->ct->tuplehash[!d->dir].tuple);
	ito_fastpath_scrub(skb);
	skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	skb->dev = d->out_dev;
	dev_queue_xmit(skb);
}

/*
 * Does conntrack no longer want the session (an IDS revoked its bypass,
 * the ruleset changed the mark)? A hint, read without the flow's lock.
 */
static bool ito_fastpath_revoked(struct ito_net *in, struct ito_flow *flow)
{
	u8 by = ITO_VERDICT_BY_NONE, verdict, to;

	verdict = ito_ctv_read(in, flow->ct, &by);
	return ito_ctv_change(flow, verdict, by, &to) &&
	       to != ITO_VERDICT_OFFLOAD;
}

static unsigned int ito_fastpath_hook(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct ito_net *in = priv;
	struct ito_ft_key key = {};
	struct ito_flow_dir *d;
	struct ito_flow *flow;
	bool fin_rst = false, syn = false;
	struct ito_l4 l4;
	u32 len;

	struct net_device *in_dev = state->in;

	/* to us (routed), or to a host behind a vwire peer (bridged) */
	if (skb->pkt_type != PACKET_HOST && skb->pkt_type != PACKET_OTHERHOST)
		return NF_ACCEPT;
	/*
	 * A tagged frame belongs to the VLAN device on top, the port. That
	 * device may live in another namespace, where its ifindex means
	 * nothing to this instance's table: such frames are not ours.
	 */
	if (skb_vlan_tag_present(skb)) {
		in_dev = __vlan_find_dev_deep_rcu(skb->dev, skb->vlan_proto,
						  skb_vlan_tag_get_id(skb));
		if (!in_dev || !net_eq(dev_net(in_dev), in->net))
			return NF_ACCEPT;
	}

	switch (skb->protocol) {
	case htons(ETH_P_IP): {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return NF_ACCEPT;
		iph = ip_hdr(skb);
		if (iph->ihl != 5 || iph->version != 4 || ip_is_fragment(iph) ||
		    iph->ttl <= 1)
			return NF_ACCEPT;
		len = ito_ip_totlen(skb, iph);	/* 0 in BIG TCP packets */
		key.family = NFPROTO_IPV4;
		key.saddr.ip = iph->saddr;
		key.daddr.ip = iph->daddr;
		l4.thoff = sizeof(*iph);
		l4.proto = iph->protocol;
		break;
	}
	case htons(ETH_P_IPV6): {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return NF_ACCEPT;
		ip6h = ipv6_hdr(skb);
		/* extension headers (fragments among them) go the slow way */
		if (ip6h->hop_limit <= 1)
			return NF_ACCEPT;
		len = ntohs(ip6h->payload_len) + sizeof(*ip6h);
		key.family = NFPROTO_IPV6;
		key.saddr.in6 = ip6h->saddr;
		key.daddr.in6 = ip6h->daddr;
		l4.thoff = sizeof(*ip6h);
		l4.proto = ip6h->nexthdr;
		break;
	}
	default:
		return NF_ACCEPT;
	}
	if (len > skb->len)
		return NF_ACCEPT;	/* truncated: let the stack drop it */
	key.proto = l4.proto;
	key.iif = in_dev->ifindex;
	if (ito_fastpath_ports(skb, &l4, &key, &fin_rst, &syn))
		return NF_ACCEPT;

	d = ito_offload_lookup(in, &key);
	if (!d)
		return NF_ACCEPT;
	flow = ito_dir_flow(d);
	/* a routed entry takes frames to us, a vWire entry the others */
	if (d->vwire ? skb->pkt_type != PACKET_OTHERHOST :
		       skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (unlikely(fin_rst)) {
		/* conntrack must be ready for this packet before it sees it */
		if (ito_offload_teardown(in, flow))
			ito_counter_inc(in, ITO_CNT_FASTPATH_TEARDOWN_FIN_RST);
		return NF_ACCEPT;
	}
	if (unlikely(nf_ct_is_dying(flow->ct))) {
		/*
		 * Deleted from conntrack (conntrack -D, -F): the stack makes a
		 * new entry; the GC ends this flow when it next looks.
		 */
		if (ito_offload_teardown(in, flow))
			ito_counter_inc(in, ITO_CNT_FASTPATH_TEARDOWN_DELETED);
		return NF_ACCEPT;
	}
	if (unlikely(ito_ctv_on(in)) && ito_fastpath_revoked(in, flow)) {
		/* the slow path applies conntrack's new verdict */
		ito_offload_teardown(in, flow);
		return NF_ACCEPT;
	}
	if (unlikely(syn) ||
	    !ito_fits_mtu(skb, READ_ONCE(d->mtu)))
		return NF_ACCEPT;
	/* Ethernet padding of short frames is not part of the packet */
	if (skb->len > len && pskb_trim_rcsum(skb, len))
		return NF_ACCEPT;
	if (skb_ensure_writable(skb, l4.thoff + (l4.proto == IPPROTO_TCP ?
			sizeof(struct tcphdr) : sizeof(struct udphdr))) ||
	    skb_cow_head(skb, ETH_HLEN))
		return NF_ACCEPT;

	if (d->vwire) {
		if (skb_mac_offset(skb) != -ETH_HLEN)
			return NF_ACCEPT;
		ito_fastpath_xmit_vwire(in, flow, d, skb, &l4);
		return NF_STOLEN;
	}
	ito_fastpath_xmit(in, flow, d, skb, &l4, skb->protocol);
	return NF_STOLEN;
}

/* Caller holds RTNL and @in->lock. */
int ito_fastpath_attach(struct ito_net *in, struct ito_port *port)
{
	struct nf_hook_ops *ops = &port->ingress;
	struct net_device *dev = port->dev;

	/* tags are stripped below the VLAN device: hook the device there */
	if (is_vlan_dev(dev))
		dev = vlan_dev_real_dev(dev);

	ops->hook = ito_fastpath_hook;
	ops->pf = NFPROTO_NETDEV;
	ops->hooknum = NF_NETDEV_INGRESS;
	ops->priority = 0;
	ops->dev = dev;
	ops->priv = in;
	return nf_register_net_hook(in->net, ops);
}

/* Caller holds RTNL and @in->lock. Returns after the last packet left. */
void ito_fastpath_detach(struct ito_net *in, struct ito_port *port)
{
	nf_unregister_net_hook(in->net, &port->ingress);
}
