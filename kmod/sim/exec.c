// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - the data path. A frame sent on a wire end enters the eswitch
 * by that port: it is parsed into a key, looked up, and on a hit the rule
 * runs in the hardware's fixed order (VLAN pop, header rewrites, checksum
 * fix-ups, VLAN push, outputs). A miss, a trap or an accept goes to the
 * port's representor, where the host stack sees it.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "sim.h"

struct sim_counters sim_cnt;

/* a parsed frame; offsets from skb->data, 0 when the header is absent */
struct sim_pkt {
	struct sim_key key;
	bool tagged;
	bool ip;		/* the IPv4 or IPv6 header is there */
	unsigned int l3;
	unsigned int l4;
	unsigned int end;	/* header bytes known to be linear */
};

/* veth-like: the receiving netdev sees the frame from its own namespace */
void sim_deliver(struct net_device *dev, struct sk_buff *skb)
{
	unsigned int len = skb->len;

	if (dev_forward_skb(dev, skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
}

static bool sim_pull(struct sk_buff *skb, struct sim_pkt *p, unsigned int len)
{
	if (!pskb_may_pull(skb, len))
		return false;
	if (len > p->end)
		p->end = len;
	return true;
}

static void sim_parse_l4(struct sk_buff *skb, struct sim_pkt *p)
{
	struct sim_key *k = &p->key;

	if (k->ip_proto == IPPROTO_TCP && sim_pull(skb, p, p->l4 + sizeof(struct tcphdr))) {
		struct tcphdr *th = (struct tcphdr *)(skb->data + p->l4);

		k->sport = th->source;
		k->dport = th->dest;
		k->tcp_flags = get_unaligned((__be16 *)&tcp_flag_word(th)) &
			       htons(0x0fff);
	} else if (k->ip_proto == IPPROTO_UDP &&
		   sim_pull(skb, p, p->l4 + sizeof(struct udphdr))) {
		struct udphdr *uh = (struct udphdr *)(skb->data + p->l4);

		k->sport = uh->source;
		k->dport = uh->dest;
	} else {
		p->l4 = 0;
	}
}

static void sim_parse_ip4(struct sk_buff *skb, struct sim_pkt *p)
{
	struct sim_key *k = &p->key;
	const struct iphdr *iph;
	unsigned int hlen;

	if (!sim_pull(skb, p, p->l3 + sizeof(*iph)))
		return;
	iph = (const struct iphdr *)(skb->data + p->l3);
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph) ||
	    !sim_pull(skb, p, p->l3 + hlen))
		return;
	iph = (const struct iphdr *)(skb->data + p->l3);
	k->ip_proto = iph->protocol;
	k->tos = iph->tos;
	k->ttl = iph->ttl;
	k->v4src = iph->saddr;
	k->v4dst = iph->daddr;
	p->ip = true;
	k->frag = ip_is_fragment(iph);
	if (!(iph->frag_off & htons(IP_OFFSET))) {
		p->l4 = p->l3 + hlen;
		sim_parse_l4(skb, p);
	}
}

static void sim_parse_ip6(struct sk_buff *skb, struct sim_pkt *p)
{
	struct sim_key *k = &p->key;
	const struct ipv6hdr *ip6;
	const struct frag_hdr *fh;

	if (!sim_pull(skb, p, p->l3 + sizeof(*ip6)))
		return;
	ip6 = (const struct ipv6hdr *)(skb->data + p->l3);
	k->ip_proto = ip6->nexthdr;
	k->tos = ipv6_get_dsfield(ip6);
	k->ttl = ip6->hop_limit;
	k->v6src = ip6->saddr;
	k->v6dst = ip6->daddr;
	p->ip = true;
	p->l4 = p->l3 + sizeof(*ip6);
	if (k->ip_proto == NEXTHDR_FRAGMENT) {
		if (!sim_pull(skb, p, p->l4 + sizeof(*fh))) {
			p->l4 = 0;
			return;
		}
		fh = (const struct frag_hdr *)(skb->data + p->l4);
		k->frag = 1;
		k->ip_proto = fh->nexthdr;
		if (fh->frag_off & htons(IP6_OFFSET)) {
			p->l4 = 0;
			return;
		}
		p->l4 += sizeof(*fh);
	}
	sim_parse_l4(skb, p);
}

static bool sim_parse(struct sk_buff *skb, struct sim_pkt *p, u32 in_port)
{
	struct sim_key *k = &p->key;
	const struct ethhdr *eth;
	__be16 proto;

	memset(p, 0, sizeof(*p));
	k->in_port = in_port;
	if (!sim_pull(skb, p, ETH_HLEN))
		return false;
	eth = (const struct ethhdr *)skb->data;
	ether_addr_copy(k->dst, eth->h_dest);
	ether_addr_copy(k->src, eth->h_source);
	proto = eth->h_proto;
	p->l3 = ETH_HLEN;
	if (eth_type_vlan(proto) && sim_pull(skb, p, VLAN_ETH_HLEN)) {
		const struct vlan_ethhdr *veth = (const struct vlan_ethhdr *)skb->data;
		u16 tci = ntohs(veth->h_vlan_TCI);

		p->tagged = true;
		k->tagged = 1;
		k->vlan_tpid = proto;
		k->vlan_id = tci & VLAN_VID_MASK;
		k->vlan_prio = tci >> VLAN_PRIO_SHIFT;
		proto = veth->h_vlan_encapsulated_proto;
		p->l3 = VLAN_ETH_HLEN;
	}
	k->n_proto = proto;
	if (proto == htons(ETH_P_IP))
		sim_parse_ip4(skb, p);
	else if (proto == htons(ETH_P_IPV6))
		sim_parse_ip6(skb, p);
	return true;
}

static void *sim_field_ptr(struct sk_buff *skb, const struct sim_pkt *p,
			   const struct sim_field *fd)
{
	__be16 proto = p->key.n_proto;
	u8 l4proto = p->key.ip_proto;

	switch (fd->hdr) {
	case SIM_HDR_ETH:
		/* the ethertype is the one after the tag; the VID needs one */
		if (fd->off == 12)
			return skb->data + p->l3 - 2;
		if (fd->off == 14)
			return p->tagged ? skb->data + 14 : NULL;
		return skb->data + fd->off;
	case SIM_HDR_IP4:
		return proto == htons(ETH_P_IP) && p->ip ?
		       skb->data + p->l3 + fd->off : NULL;
	case SIM_HDR_IP6:
		return proto == htons(ETH_P_IPV6) && p->ip ?
		       skb->data + p->l3 + fd->off : NULL;
	case SIM_HDR_TCP:
		return p->l4 && l4proto == IPPROTO_TCP ?
		       skb->data + p->l4 + fd->off : NULL;
	case SIM_HDR_UDP:
		return p->l4 && l4proto == IPPROTO_UDP ?
		       skb->data + p->l4 + fd->off : NULL;
	}
	return NULL;
}

static void sim_fop_apply(struct sk_buff *skb, const struct sim_pkt *p,
			  const struct sim_fop *op)
{
	const struct sim_field *fd = &sim_fields[op->field];
	u8 *ptr = sim_field_ptr(skb, p, fd);
	u32 old, new;

	if (!ptr)
		return;
	if (fd->bits == 32)
		old = get_unaligned_be32(ptr);
	else if (fd->bits == 16)
		old = get_unaligned_be16(ptr);
	else
		old = *ptr;
	new = op->add ? old + op->val : op->val;
	new = (old & ~op->mask) | (new & op->mask);
	if (fd->bits == 32)
		put_unaligned_be32(new, ptr);
	else if (fd->bits == 16)
		put_unaligned_be16(new, ptr);
	else
		*ptr = new;
}

/*
 * What the L4 checksum covers and a rewrite may change: the addresses of
 * the pseudo-header and the transport header (ports, TCP flags).
 */
struct sim_csum_snap {
	u8 addrs[32];
	u8 l4[20];
	unsigned int addr_off;
	unsigned int addr_len;
	unsigned int l4_len;
	unsigned int check_off;
};

static bool sim_csum_snap(struct sk_buff *skb, const struct sim_pkt *p,
			  u32 flags, struct sim_csum_snap *s)
{
	if (!p->l4 || p->key.frag)
		return false;
	if (p->key.ip_proto == IPPROTO_TCP && (flags & TCA_CSUM_UPDATE_FLAG_TCP)) {
		s->l4_len = sizeof(struct tcphdr);
		s->check_off = offsetof(struct tcphdr, check);
	} else if (p->key.ip_proto == IPPROTO_UDP &&
		   (flags & TCA_CSUM_UPDATE_FLAG_UDP)) {
		s->l4_len = sizeof(struct udphdr);
		s->check_off = offsetof(struct udphdr, check);
	} else {
		return false;
	}
	if (p->key.n_proto == htons(ETH_P_IP)) {
		s->addr_off = p->l3 + offsetof(struct iphdr, saddr);
		s->addr_len = 8;
	} else {
		s->addr_off = p->l3 + offsetof(struct ipv6hdr, saddr);
		s->addr_len = 32;
	}
	memcpy(s->addrs, skb->data + s->addr_off, s->addr_len);
	memcpy(s->l4, skb->data + p->l4, s->l4_len);
	return true;
}

static void sim_csum_fix(struct sk_buff *skb, const struct sim_pkt *p,
			 const struct sim_csum_snap *s)
{
	__sum16 *check = (__sum16 *)(skb->data + p->l4 + s->check_off);
	bool udp = p->key.ip_proto == IPPROTO_UDP;
	unsigned int i;

	/* a UDP datagram sent without a checksum keeps none */
	if (udp && !*check)
		return;
	for (i = 0; i < s->addr_len; i += 4) {
		__be32 from, to;

		memcpy(&from, s->addrs + i, 4);
		memcpy(&to, skb->data + s->addr_off + i, 4);
		if (from != to)
			inet_proto_csum_replace4(check, skb, from, to, true);
	}
	for (i = 0; i < s->l4_len; i += 2) {
		__be16 from, to;

		if (i == s->check_off)
			continue;
		memcpy(&from, s->l4 + i, 2);
		memcpy(&to, skb->data + p->l4 + i, 2);
		if (from != to)
			inet_proto_csum_replace2(check, skb, from, to, false);
	}
	if (udp && !*check)
		*check = CSUM_MANGLED_0;
}

static void sim_vlan_pop(struct sk_buff *skb, struct sim_pkt *p)
{
	if (!p->tagged)
		return;
	memmove(skb->data + VLAN_HLEN, skb->data, 2 * ETH_ALEN);
	__skb_pull(skb, VLAN_HLEN);
	p->tagged = false;
	p->l3 -= VLAN_HLEN;
	if (p->l4)
		p->l4 -= VLAN_HLEN;
	p->end -= VLAN_HLEN;
}

static int sim_vlan_push(struct sk_buff *skb, const struct sim_rule *r)
{
	struct vlan_ethhdr *veth;

	if (skb_cow_head(skb, VLAN_HLEN))
		return -ENOMEM;
	__skb_push(skb, VLAN_HLEN);
	memmove(skb->data, skb->data + VLAN_HLEN, 2 * ETH_ALEN);
	veth = (struct vlan_ethhdr *)skb->data;
	veth->h_vlan_proto = r->push_proto;
	veth->h_vlan_TCI = htons(r->push_tci);
	return 0;
}

/* Rewrites the frame in place; false when it had to be dropped. */
static bool sim_modify(struct sk_buff *skb, struct sim_pkt *p,
		       const struct sim_rule *r)
{
	struct sim_csum_snap snap;
	bool fix_l4;
	int i;

	if (!r->vlan_pop && !r->nfops && !r->vlan_push)
		return true;
	if (skb_ensure_writable(skb, p->end))
		return false;
	if (r->vlan_pop)
		sim_vlan_pop(skb, p);
	fix_l4 = sim_csum_snap(skb, p, r->csum, &snap);
	for (i = 0; i < r->nfops; i++)
		sim_fop_apply(skb, p, &r->fops[i]);
	if ((r->csum & TCA_CSUM_UPDATE_FLAG_IPV4HDR) &&
	    p->key.n_proto == htons(ETH_P_IP) && p->ip)
		ip_send_check((struct iphdr *)(skb->data + p->l3));
	if (fix_l4)
		sim_csum_fix(skb, p, &snap);
	if (r->vlan_push && sim_vlan_push(skb, r))
		return false;
	return true;
}

static void sim_output(struct sim_port *port, struct sk_buff *skb, bool last)
{
	if (!last) {
		skb = skb_clone(skb, GFP_ATOMIC);
		if (!skb) {
			atomic64_inc(&sim_cnt.drops);
			return;
		}
	}
	sim_deliver(port->wire, skb);
}

static void sim_rule_count(struct sim_rule *r, unsigned int len)
{
	atomic64_inc(&r->packets);
	atomic64_add(len, &r->bytes);
	/* one store a tick: the cache line stays shared between cpus */
	if (time_after(jiffies, READ_ONCE(r->lastused)))
		WRITE_ONCE(r->lastused, jiffies);
}

static void sim_execute(struct sim_port *in, struct sk_buff *skb,
			struct sim_pkt *p, struct sim_rule *r)
{
	int i;

	if (r->drop) {
		atomic64_inc(&sim_cnt.drops);
		kfree_skb(skb);
		return;
	}
	for (i = 0; i < r->split; i++)
		sim_output(r->out[i], skb, false);
	if (r->split == r->nout && !r->to_host) {
		consume_skb(skb);
		return;
	}
	if (!sim_modify(skb, p, r)) {
		atomic64_inc(&sim_cnt.drops);
		kfree_skb(skb);
		return;
	}
	for (i = r->split; i < r->nout; i++)
		sim_output(r->out[i], skb, i == r->nout - 1 && !r->to_host);
	if (r->to_host)
		sim_deliver(in->rep, skb);
}

/* Called from the wire end's ndo_start_xmit. */
void sim_esw_rx(struct sim_port *port, struct sk_buff *skb)
{
	struct sim_rule *r;
	struct sim_pkt p;

	/* what would be on the wire: the tag in the frame, checksums done */
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			goto dropped;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		kfree_skb(skb);
		goto dropped;
	}

	rcu_read_lock();
	r = sim_parse(skb, &p, port->index) ? sim_table_lookup(&p.key) : NULL;
	if (r) {
		atomic64_inc(&sim_cnt.hits);
		sim_rule_count(r, skb->len);
		sim_execute(port, skb, &p, r);
	} else {
		atomic64_inc(&sim_cnt.misses);
		sim_deliver(port->rep, skb);
	}
	rcu_read_unlock();
	return;

dropped:
	atomic64_inc(&sim_cnt.drops);
}
