// SPDX-License-Identifier: GPL-2.0
/*
 * A path as a tc flower rule. The order of matches and actions mirrors the
 * flow_rule the kernel builds (kmod/hw.c, ito_hw_match_fill() and
 * ito_hw_actions_fill()), so "tc filter show" of a hand-made rule and this
 * one compare line by line.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "addr.h"
#include "tcrule.h"

/* An snprintf() that appends, and counts what did not fit. */
struct rule_buf {
	char *s;
	size_t len;
	size_t used;		/* what the whole rule needs, NUL excluded */
};

static void rb_printf(struct rule_buf *rb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rb_printf(struct rule_buf *rb, const char *fmt, ...)
{
	size_t room = rb->used < rb->len ? rb->len - rb->used : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? rb->s + rb->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		rb->used += n;
}

static void rb_addr(struct rule_buf *rb, const uint8_t *addr, uint8_t len)
{
	char a[INET6_ADDRSTRLEN];

	rb_printf(rb, "%s", ito_addr_str(addr, len, a));
}

static void rb_mac(struct rule_buf *rb, const uint8_t *mac)
{
	rb_printf(rb, "%02x:%02x:%02x:%02x:%02x:%02x",
		  mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* flower's word for the L4 protocol, NULL for one without ports. */
static const char *l4_word(uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		return "tcp";
	if (proto == IPPROTO_UDP)
		return "udp";
	return NULL;
}

/* What the rule matches: the tuple entering @in_dev, fragments excluded. */
static void rule_match(struct rule_buf *rb, const struct ito_path *path,
		       uint8_t proto, const char *in_dev)
{
	const char *ethtype = path->addr_len == 4 ? "ip" : "ipv6";
	const char *l4 = l4_word(proto);

	rb_printf(rb, "tc filter add dev %s ingress protocol %s prio 1 flower",
		  in_dev, path->in_vlan ? "802.1Q" : ethtype);
	if (path->where == ITO_PATH_HW)
		rb_printf(rb, " skip_sw");
	if (path->in_vlan)
		rb_printf(rb, " vlan_id %u vlan_ethtype %s", path->in_vlan,
			  ethtype);
	if (l4)
		rb_printf(rb, " ip_proto %s", l4);
	else
		rb_printf(rb, " ip_proto %u", proto);
	rb_printf(rb, " src_ip ");
	rb_addr(rb, path->saddr, path->addr_len);
	rb_printf(rb, " dst_ip ");
	rb_addr(rb, path->daddr, path->addr_len);
	if (l4)
		rb_printf(rb, " src_port %u dst_port %u", path->sport,
			  path->dport);
	rb_printf(rb, " ip_flags nofrag");
	/* FIN, SYN and RST change conntrack's state: the host sees them. */
	if (proto == IPPROTO_TCP)
		rb_printf(rb, " tcp_flags 0x0/0x7");
}

/* The pedit action: MACs, TTL or hop limit, then NAT. */
static void rule_pedit(struct rule_buf *rb, const struct ito_path *path,
		       uint8_t proto)
{
	const char *ip = path->addr_len == 4 ? "ip" : "ip6";
	const char *l4 = l4_word(proto);

	rb_printf(rb, " action pedit ex munge eth dst set ");
	rb_mac(rb, path->eth_dst);
	rb_printf(rb, " munge eth src set ");
	rb_mac(rb, path->eth_src);
	if (path->addr_len == 4)
		rb_printf(rb, " munge ip ttl add 0xff");
	else
		rb_printf(rb, " munge ip6 hoplimit add 0xff");
	if (ito_path_has(path, ITO_A_PATH_NAT_SADDR)) {
		rb_printf(rb, " munge %s src set ", ip);
		rb_addr(rb, path->nat_saddr, path->addr_len);
	}
	if (ito_path_has(path, ITO_A_PATH_NAT_DADDR)) {
		rb_printf(rb, " munge %s dst set ", ip);
		rb_addr(rb, path->nat_daddr, path->addr_len);
	}
	if (l4 && ito_path_has(path, ITO_A_PATH_NAT_SPORT))
		rb_printf(rb, " munge %s sport set %u", l4, path->nat_sport);
	if (l4 && ito_path_has(path, ITO_A_PATH_NAT_DPORT))
		rb_printf(rb, " munge %s dport set %u", l4, path->nat_dport);
	rb_printf(rb, " pipe");
}

size_t tc_rule_format(char *buf, size_t len, const struct ito_path *path,
		      uint8_t proto, const char *in_dev, const char *out_dev)
{
	struct rule_buf rb = { buf, len, 0 };
	const char *l4 = l4_word(proto);

	if (len)
		buf[0] = '\0';
	rule_match(&rb, path, proto, in_dev);

	/* VLAN first: the tag comes off (or changes) before the rewrite. */
	if (path->in_vlan && !path->out_vlan)
		rb_printf(&rb, " action vlan pop pipe");
	else if (path->in_vlan && path->out_vlan != path->in_vlan)
		rb_printf(&rb, " action vlan modify id %u pipe", path->out_vlan);

	/* a vWire direction leaves as it came, but for its tag */
	if (!path->vwire)
		rule_pedit(&rb, path, proto);
	/* IPv6 has no header checksum, and ito does no IPv6 NAT. */
	if (path->addr_len == 4 && !path->vwire) {
		rb_printf(&rb, " action csum iph");
		if (l4)
			rb_printf(&rb, " and %s", l4);
		rb_printf(&rb, " pipe");
	}
	if (path->out_vlan && !path->in_vlan)
		rb_printf(&rb, " action vlan push id %u pipe", path->out_vlan);
	rb_printf(&rb, " action mirred egress redirect dev %s", out_dev);
	return rb.used;
}
