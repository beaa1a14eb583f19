// SPDX-License-Identifier: GPL-2.0
/* translate - ITO_A_FLOW with its paths into sessions map entries. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "translate.h"

_Static_assert(ITO_XDP_AF_INET == AF_INET, "the program's AF_INET");
_Static_assert(ITO_XDP_AF_INET6 == AF_INET6, "the program's AF_INET6");

#define VLAN_VID_MAX	4095

#define NAT_ATTRS \
	((1u << ITO_A_PATH_NAT_SADDR) | (1u << ITO_A_PATH_NAT_DADDR) | \
	 (1u << ITO_A_PATH_NAT_SPORT) | (1u << ITO_A_PATH_NAT_DPORT))

static int check_path(const struct ito_flow *flow, const struct ito_path *p,
		      const char **why)
{
	uint8_t alen = flow->family == AF_INET ? 4 : 16;

	if (p->where != ITO_PATH_XDP)
		*why = "a path not for XDP";
	else if (p->dir > 1)
		*why = "a path's direction is neither 0 nor 1";
	else if (p->addr_len != alen)
		*why = "a path's addresses are not of the flow's family";
	else if (!ito_path_has(p, ITO_A_PATH_MTU) || !p->mtu)
		*why = "a path without MTU";
	else if (p->in_vlan > VLAN_VID_MAX || p->out_vlan > VLAN_VID_MAX)
		*why = "a VLAN id above 4095";
	else if (flow->family == AF_INET6 && (p->present & NAT_ATTRS))
		*why = "NAT on IPv6";
	else
		return 0;
	return -EPROTO;
}

static void fill_key(const struct ito_flow *flow, const struct ito_path *p,
		     struct ito_xdp_key *k)
{
	memset(k, 0, sizeof(*k));	/* padding and unused address bytes */
	k->ifindex = p->in_ifindex;
	k->vlan = p->in_vlan;
	k->family = flow->family;
	k->proto = flow->proto;
	memcpy(k->saddr, p->saddr, p->addr_len);
	memcpy(k->daddr, p->daddr, p->addr_len);
	k->sport = htons(p->sport);
	k->dport = htons(p->dport);
}

static void fill_nat(const struct ito_path *p, struct ito_xdp_session *v)
{
	if (ito_path_has(p, ITO_A_PATH_NAT_SADDR)) {
		v->flags |= ITO_XDP_NAT_SADDR;
		memcpy(&v->nat_saddr, p->nat_saddr, 4);
	}
	if (ito_path_has(p, ITO_A_PATH_NAT_DADDR)) {
		v->flags |= ITO_XDP_NAT_DADDR;
		memcpy(&v->nat_daddr, p->nat_daddr, 4);
	}
	if (ito_path_has(p, ITO_A_PATH_NAT_SPORT)) {
		v->flags |= ITO_XDP_NAT_SPORT;
		v->nat_sport = htons(p->nat_sport);
	}
	if (ito_path_has(p, ITO_A_PATH_NAT_DPORT)) {
		v->flags |= ITO_XDP_NAT_DPORT;
		v->nat_dport = htons(p->nat_dport);
	}
}

static void fill_value(const struct ito_path *p, struct ito_xdp_session *v)
{
	memset(v, 0, sizeof(*v));
	v->out_ifindex = p->out_ifindex;
	v->mtu = p->mtu;
	v->out_vlan = p->out_vlan;
	if (p->vwire) {
		/*
		 * A bridged direction keeps MACs and TTL; a source NAT pool
		 * may still translate it (ito_nat_bridged() in the module).
		 */
		v->flags = ITO_XDP_VWIRE;
	} else {
		memcpy(v->eth_dst, p->eth_dst, sizeof(v->eth_dst));
		memcpy(v->eth_src, p->eth_src, sizeof(v->eth_src));
	}
	fill_nat(p, v);
}

int translate_flow(const struct ito_flow *flow, struct xdp_announce *a,
		   const char **why)
{
	bool seen[2] = { false, false };
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (!ito_flow_has(flow, ITO_A_FLOW_ID)) {
		*why = "no flow id";
		return -EPROTO;
	}
	a->id = flow->id;
	if (!ito_flow_has(flow, ITO_A_FLOW_FAMILY) ||
	    (flow->family != AF_INET && flow->family != AF_INET6)) {
		*why = "no family, or neither IPv4 nor IPv6";
		return -EPROTO;
	}
	if (flow->proto != IPPROTO_TCP && flow->proto != IPPROTO_UDP) {
		*why = "neither TCP nor UDP";
		return -EPROTO;
	}
	if (flow->n_paths != 2) {
		*why = "not one path per direction";
		return -EPROTO;
	}
	for (i = 0; i < flow->n_paths; i++) {
		const struct ito_path *p = &flow->path[i];

		if (check_path(flow, p, why))
			return -EPROTO;
		if (seen[p->dir]) {
			*why = "two paths for one direction";
			return -EPROTO;
		}
		seen[p->dir] = true;
		fill_key(flow, p, &a->dir[p->dir].key);
		fill_value(p, &a->dir[p->dir].value);
	}
	return 0;
}
