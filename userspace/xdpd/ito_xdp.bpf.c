// SPDX-License-Identifier: GPL-2.0
/*
 * ito_xdp - ito's XDP fast path: forwards the packets of the sessions the
 * kernel announced on the "xdp" group (ito-xdpd fills the maps), on the
 * lower devices of the ports, before any skb exists.
 *
 * Anything it does not fully handle passes to the stack untouched, where
 * ito's own fast path (or the slow path) takes it: a miss, IPv4 options and
 * fragments, IPv6 extension headers, TCP SYN/FIN/RST (the stack hands the
 * session back on FIN/RST), an expiring TTL, a packet above the path's
 * MTU, a target device the program does not run on. A packet is rewritten
 * only once it is certain to be redirected.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_maps.h"

/* ito-xdpd sizes sessions and counters before loading. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ito_xdp_key);
	__type(value, struct ito_xdp_session);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ito_xdp_counter);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} devices SEC(".maps");

struct vlan_tag {
	__be16 tci;
	__be16 proto;		/* of what follows */
};

#define VLAN_VID_MASK	0x0fff
#define IPV4_FRAGMENT	0x3fff	/* MF and the offset */

/* The fields of a packet a session needs, found by parse(). */
struct packet {
	struct ito_xdp_key key;
	int tagged;
	__u32 l3_len;		/* IP header and payload */
	void *l3;
	void *l4;
};

static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'). Byte order does not matter to
 * a ones' complement sum as long as every word is read the same way, so
 * the packet's words are used as they lie in memory.
 */
static __always_inline __u16 csum_update16(__u16 check, __u16 old, __u16 new)
{
	return (__u16)~fold((__u16)~check + (__u16)~old + (__u32)new);
}

static __always_inline __u16 csum_update32(__u16 check, __u32 old, __u32 new)
{
	check = csum_update16(check, (__u16)(old >> 16), (__u16)(new >> 16));
	return csum_update16(check, (__u16)old, (__u16)new);
}

/* 0 and the tuple of a TCP or UDP packet we may forward, or -1: pass. */
static __always_inline int parse(struct xdp_md *ctx, struct packet *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__be16 proto;
	__u32 len;

	if (l3 > end)
		return -1;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_tag *tag = l3;

		if ((void *)(tag + 1) > end)
			return -1;
		p->key.vlan = bpf_ntohs(tag->tci) & VLAN_VID_MASK;
		p->tagged = 1;
		proto = tag->proto;
		l3 = tag + 1;
	}
	p->l3 = l3;
	p->key.ifindex = ctx->ingress_ifindex;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			return -1;
		if (ip->version != 4 || ip->ihl != 5 ||
		    (ip->frag_off & bpf_htons(IPV4_FRAGMENT)))
			return -1;
		p->key.family = ITO_XDP_AF_INET;
		p->key.proto = ip->protocol;
		__builtin_memcpy(p->key.saddr, &ip->saddr, 4);
		__builtin_memcpy(p->key.daddr, &ip->daddr, 4);
		p->l3_len = bpf_ntohs(ip->tot_len);
		p->l4 = ip + 1;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return -1;
		if (ip6->version != 6)
			return -1;
		/* anything but TCP or UDP next: an extension header, pass */
		p->key.family = ITO_XDP_AF_INET6;
		p->key.proto = ip6->nexthdr;
		__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
		p->l3_len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
		p->l4 = ip6 + 1;
	} else {
		return -1;
	}
	/*
	 * A truncated packet is the stack's to drop. The compiler knows a
	 * byte swap's result fits in 16 bits and would drop the first test;
	 * the verifier of 6.1 does not, and refuses the sum without it.
	 */
	len = p->l3_len;
	asm volatile("" : "+r"(len));
	if (len > 0xffff + sizeof(struct ipv6hdr) ||
	    (void *)((char *)l3 + len) > end)
		return -1;

	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = p->l4;

		if ((void *)(th + 1) > end)
			return -1;
		/* the stack sees connections open and close */
		if (th->syn || th->fin || th->rst)
			return -1;
		p->key.sport = th->source;
		p->key.dport = th->dest;
	} else if (p->key.proto == IPPROTO_UDP) {
		struct udphdr *uh = p->l4;

		if ((void *)(uh + 1) > end)
			return -1;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
	} else {
		return -1;
	}
	return 0;
}

/* The L4 checksum's new value after one of its words changed. */
static __always_inline void l4_update16(struct packet *p, void *end,
					__u16 old, __u16 new)
{
	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = p->l4;

		if ((void *)(th + 1) <= end)
			th->check = csum_update16(th->check, old, new);
	} else {
		struct udphdr *uh = p->l4;

		/* 0: no checksum, and it stays so; a computed 0 is sent as ~0 */
		if ((void *)(uh + 1) <= end && uh->check) {
			uh->check = csum_update16(uh->check, old, new);
			if (!uh->check)
				uh->check = 0xffff;
		}
	}
}

static __always_inline void l4_update32(struct packet *p, void *end,
					__u32 old, __u32 new)
{
	l4_update16(p, end, (__u16)(old >> 16), (__u16)(new >> 16));
	l4_update16(p, end, (__u16)old, (__u16)new);
}

/* The addresses' and ports' words are in the pseudo-header sum too. */
static __always_inline void nat44(struct packet *p, void *end,
				  const struct ito_xdp_session *s)
{
	struct iphdr *ip = p->l3;
	__be16 *ports = p->l4;	/* source, dest: the same in TCP and UDP */

	if ((void *)(ip + 1) > end || (void *)(ports + 2) > end)
		return;
	if (s->flags & ITO_XDP_NAT_SADDR) {
		ip->check = csum_update32(ip->check, ip->saddr, s->nat_saddr);
		l4_update32(p, end, ip->saddr, s->nat_saddr);
		ip->saddr = s->nat_saddr;
	}
	if (s->flags & ITO_XDP_NAT_DADDR) {
		ip->check = csum_update32(ip->check, ip->daddr, s->nat_daddr);
		l4_update32(p, end, ip->daddr, s->nat_daddr);
		ip->daddr = s->nat_daddr;
	}
	if (s->flags & ITO_XDP_NAT_SPORT) {
		l4_update16(p, end, ports[0], s->nat_sport);
		ports[0] = s->nat_sport;
	}
	if (s->flags & ITO_XDP_NAT_DPORT) {
		l4_update16(p, end, ports[1], s->nat_dport);
		ports[1] = s->nat_dport;
	}
}

/* TTL and protocol share a checksummed word; the hop limit has none. */
static __always_inline void decrement_ttl(struct packet *p, void *end)
{
	if (p->key.family == ITO_XDP_AF_INET) {
		struct iphdr *ip = p->l3;
		__u16 old, new;

		if ((void *)(ip + 1) > end)
			return;
		old = *(__u16 *)&ip->ttl;
		ip->ttl--;
		new = *(__u16 *)&ip->ttl;
		ip->check = csum_update16(ip->check, old, new);
	} else {
		struct ipv6hdr *ip6 = p->l3;

		if ((void *)(ip6 + 1) <= end)
			ip6->hop_limit--;
	}
}

static __always_inline int ttl_of(const struct packet *p, void *end)
{
	if (p->key.family == ITO_XDP_AF_INET) {
		const struct iphdr *ip = p->l3;

		return (void *)(ip + 1) <= end ? ip->ttl : 0;
	} else {
		const struct ipv6hdr *ip6 = p->l3;

		return (void *)(ip6 + 1) <= end ? ip6->hop_limit : 0;
	}
}

/*
 * Make room for the link header the target wants: a tag for out_vlan or
 * none. Nothing is written yet, so a refusal leaves the packet as it came.
 */
static __always_inline int resize_link_header(struct xdp_md *ctx, int tagged,
					      __u16 out_vlan)
{
	if (tagged && !out_vlan)
		return bpf_xdp_adjust_head(ctx, (int)sizeof(struct vlan_tag));
	if (!tagged && out_vlan)
		return bpf_xdp_adjust_head(ctx, -(int)sizeof(struct vlan_tag));
	return 0;
}

/* @macs (destination, source), then out_vlan's tag (keeping its PCP). */
static __always_inline int write_link_header(void *data, void *end, int tagged,
					     const __u8 *macs, __u16 out_vlan)
{
	struct ethhdr *eth = data;
	struct vlan_tag *tag = (void *)(eth + 1);
	__u16 pcp;

	if ((void *)(eth + 1) > end)
		return -1;
	__builtin_memcpy(eth, macs, 2 * ETH_ALEN);
	if (!out_vlan)
		return 0;
	if ((void *)(tag + 1) > end)
		return -1;
	/* a pushed tag: the ethertype after it is the packet's own, in place */
	pcp = tagged ? bpf_ntohs(tag->tci) & ~VLAN_VID_MASK : 0;
	eth->h_proto = bpf_htons(ETH_P_8021Q);
	tag->tci = bpf_htons(pcp | (out_vlan & VLAN_VID_MASK));
	return 0;
}

SEC("xdp")
int ito_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ito_xdp_session *s;
	struct ito_xdp_counter *c;
	struct packet p = {};
	__u8 macs[2 * ETH_ALEN];
	__u32 out, l3_off;

	if (parse(ctx, &p))
		return XDP_PASS;
	s = bpf_map_lookup_elem(&sessions, &p.key);
	if (!s)
		return XDP_PASS;
	if (p.l3_len > s->mtu)
		return XDP_PASS;
	if (!(s->flags & ITO_XDP_VWIRE) && ttl_of(&p, end) <= 1)
		return XDP_PASS;
	out = s->out_ifindex;
	/* a redirect that could fail would drop a rewritten packet */
	if (!bpf_map_lookup_elem(&devices, &out))
		return XDP_PASS;
	c = bpf_map_lookup_elem(&counters, &s->slot);
	if (!c)
		return XDP_PASS;
	if (s->flags & ITO_XDP_VWIRE) {
		if (data + sizeof(macs) > end)
			return XDP_PASS;
		__builtin_memcpy(macs, data, sizeof(macs));
	} else {
		__builtin_memcpy(macs, s->eth_dst, ETH_ALEN);
		__builtin_memcpy(macs + ETH_ALEN, s->eth_src, ETH_ALEN);
	}

	if (resize_link_header(ctx, p.tagged, s->out_vlan))
		return XDP_PASS;
	/* the head moved: find the headers again where they are now */
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	l3_off = ETH_HLEN + (s->out_vlan ? sizeof(struct vlan_tag) : 0);
	p.l3 = data + l3_off;
	p.l4 = data + l3_off + (p.key.family == ITO_XDP_AF_INET ?
				sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	/* from here on the packet is changed: it goes out, or nowhere */
	if (write_link_header(data, end, p.tagged, macs, s->out_vlan))
		return XDP_DROP;
	/* NAT on a vWire too: a source NAT pool translates bridged flows */
	if (p.key.family == ITO_XDP_AF_INET)
		nat44(&p, end, s);
	if (!(s->flags & ITO_XDP_VWIRE))
		decrement_ttl(&p, end);

	__sync_fetch_and_add(&c->pkts, 1);
	__sync_fetch_and_add(&c->bytes, p.l3_len);
	return bpf_redirect_map(&devices, out, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
