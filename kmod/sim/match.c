// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - turning a flower match into a masked key, with the checks of
 * mlx5's __parse_cls_flower() (drivers/net/ethernet/mellanox/mlx5/core/
 * en_tc.c). Keys mlx5 knows but the simulator does not model are refused
 * as "not simulated".
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/flow_dissector.h>
#include <net/flow_offload.h>
#include <net/ipv6.h>

#include "sim.h"

/* the keys mlx5 6.1 accepts at all */
#define SIM_MLX5_KEYS (BIT_ULL(FLOW_DISSECTOR_KEY_META) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_CONTROL) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_BASIC) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ETH_ADDRS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_VLAN) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_CVLAN) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_IPV4_ADDRS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_IPV6_ADDRS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_PORTS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_KEYID) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IPV4_ADDRS) |	\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IPV6_ADDRS) |	\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_PORTS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_CONTROL) |	\
		       BIT_ULL(FLOW_DISSECTOR_KEY_TCP) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_IP) |			\
		       BIT_ULL(FLOW_DISSECTOR_KEY_CT) |			\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IP) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ENC_OPTS) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_ICMP) |		\
		       BIT_ULL(FLOW_DISSECTOR_KEY_MPLS))

#define SIM_TUNNEL_KEYS (BIT_ULL(FLOW_DISSECTOR_KEY_ENC_KEYID) |	\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IPV4_ADDRS) |	\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IPV6_ADDRS) |	\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_PORTS) |	\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_CONTROL) |	\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_IP) |		\
			 BIT_ULL(FLOW_DISSECTOR_KEY_ENC_OPTS))

static int sim_match_simulated(u64 used, struct netlink_ext_ack *extack)
{
	if (used & ~SIM_MLX5_KEYS) {
		NL_SET_ERR_MSG_MOD(extack, "Unsupported key");
		return -EOPNOTSUPP;
	}
	if (used & SIM_TUNNEL_KEYS) {
		NL_SET_ERR_MSG_MOD(extack, "Tunnel (enc_*) matches are not simulated");
		return -EOPNOTSUPP;
	}
	if (used & BIT_ULL(FLOW_DISSECTOR_KEY_CVLAN)) {
		NL_SET_ERR_MSG_MOD(extack, "Matching on CVLAN (QinQ) is not simulated");
		return -EOPNOTSUPP;
	}
	if (used & BIT_ULL(FLOW_DISSECTOR_KEY_CT)) {
		NL_SET_ERR_MSG_MOD(extack, "Conntrack (ct_*) matches are not simulated");
		return -EOPNOTSUPP;
	}
	if (used & BIT_ULL(FLOW_DISSECTOR_KEY_ICMP)) {
		NL_SET_ERR_MSG_MOD(extack, "ICMP type/code matches are not simulated");
		return -EOPNOTSUPP;
	}
	if (used & BIT_ULL(FLOW_DISSECTOR_KEY_MPLS)) {
		NL_SET_ERR_MSG_MOD(extack, "MPLS matches are not simulated");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Rules arrive through a port's block and match ingress on that port; an
 * explicit ingress ifindex must name the same representor.
 */
static int sim_match_meta(struct flow_rule *rule, struct sim_port *port,
			  struct netlink_ext_ack *extack)
{
	struct flow_match_meta match;
	struct net_device *dev;
	int err = 0;

	if (!flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_META))
		return 0;
	flow_rule_match_meta(rule, &match);
	if (!match.mask->ingress_ifindex)
		return 0;
	if (match.mask->ingress_ifindex != 0xFFFFFFFF) {
		NL_SET_ERR_MSG_MOD(extack, "Unsupported ingress ifindex mask");
		return -EOPNOTSUPP;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(dev_net(port->rep),
				   match.key->ingress_ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "Can't find the ingress port to match on");
		err = -ENOENT;
	} else if (dev != port->rep) {
		NL_SET_ERR_MSG_MOD(extack, "Can't match on the ingress filter port");
		err = -EOPNOTSUPP;
	}
	rcu_read_unlock();
	return err;
}

static void sim_match_vlan(struct flow_rule *rule, struct sim_rule *r)
{
	struct flow_match_vlan match;

	flow_rule_match_vlan(rule, &match);
	if (!match.mask->vlan_id && !match.mask->vlan_priority &&
	    !match.mask->vlan_tpid)
		return;
	r->used |= SIM_M_VLAN;
	r->mask.tagged = 1;
	r->key.tagged = 1;
	/* the hardware tells an S-tag from a C-tag, nothing finer */
	r->mask.vlan_tpid = htons(0xffff);
	r->key.vlan_tpid = match.key->vlan_tpid == htons(ETH_P_8021AD) ?
			   htons(ETH_P_8021AD) : htons(ETH_P_8021Q);
	r->mask.vlan_id = match.mask->vlan_id & VLAN_VID_MASK;
	r->key.vlan_id = match.key->vlan_id;
	r->mask.vlan_prio = match.mask->vlan_priority & 0x7;
	r->key.vlan_prio = match.key->vlan_priority;
}

static int sim_match_control(struct flow_rule *rule, struct sim_rule *r,
			     u16 *addr_type, struct netlink_ext_ack *extack)
{
	struct flow_match_control match;

	if (!flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_CONTROL))
		return 0;
	flow_rule_match_control(rule, &match);
	*addr_type = match.key->addr_type;
	if (match.mask->flags & FLOW_DIS_FIRST_FRAG) {
		NL_SET_ERR_MSG_MOD(extack, "Match on frag first/later is not supported");
		return -EOPNOTSUPP;
	}
	if (match.mask->flags & ~FLOW_DIS_IS_FRAGMENT) {
		NL_SET_ERR_MSG_MOD(extack, "Unsupported match on control.flags");
		return -EOPNOTSUPP;
	}
	if (match.mask->flags & FLOW_DIS_IS_FRAGMENT) {
		r->used |= SIM_M_FRAG;
		r->mask.frag = 1;
		r->key.frag = !!(match.key->flags & FLOW_DIS_IS_FRAGMENT);
	}
	return 0;
}

static void sim_match_addrs(struct flow_rule *rule, struct sim_rule *r,
			    u16 addr_type)
{
	if (addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
		struct flow_match_ipv4_addrs match;

		flow_rule_match_ipv4_addrs(rule, &match);
		r->mask.v4src = match.mask->src;
		r->key.v4src = match.key->src;
		r->mask.v4dst = match.mask->dst;
		r->key.v4dst = match.key->dst;
		if (match.mask->src || match.mask->dst)
			r->used |= SIM_M_IPV4;
	} else if (addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
		struct flow_match_ipv6_addrs match;

		flow_rule_match_ipv6_addrs(rule, &match);
		r->mask.v6src = match.mask->src;
		r->key.v6src = match.key->src;
		r->mask.v6dst = match.mask->dst;
		r->key.v6dst = match.key->dst;
		if (!ipv6_addr_any(&match.mask->src) ||
		    !ipv6_addr_any(&match.mask->dst))
			r->used |= SIM_M_IPV6;
	}
}

static int sim_match_l4(struct flow_rule *rule, struct sim_rule *r,
			struct netlink_ext_ack *extack)
{
	u8 ip_proto = r->key.ip_proto & r->mask.ip_proto;

	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_PORTS)) {
		struct flow_match_ports match;

		flow_rule_match_ports(rule, &match);
		if (ip_proto != IPPROTO_TCP && ip_proto != IPPROTO_UDP) {
			NL_SET_ERR_MSG_MOD(extack,
					   "Only UDP and TCP transports are supported for L4 matching");
			return -EINVAL;
		}
		r->mask.sport = match.mask->src;
		r->key.sport = match.key->src;
		r->mask.dport = match.mask->dst;
		r->key.dport = match.key->dst;
		if (match.mask->src || match.mask->dst)
			r->used |= SIM_M_PORTS;
	}
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_TCP)) {
		struct flow_match_tcp match;

		flow_rule_match_tcp(rule, &match);
		r->mask.tcp_flags = match.mask->flags & htons(0x0fff);
		r->key.tcp_flags = match.key->flags;
		if (r->mask.tcp_flags)
			r->used |= SIM_M_TCP;
	}
	return 0;
}

int sim_match_parse(struct sim_rule *r, struct flow_cls_offload *f,
		    struct sim_port *port)
{
	struct flow_rule *rule = flow_cls_offload_flow_rule(f);
	struct netlink_ext_ack *extack = f->common.extack;
	u64 used = rule->match.dissector->used_keys;
	bool l2_matched = false;
	u16 addr_type = 0;
	int err;

	err = sim_match_simulated(used, extack);
	if (err)
		return err;
	err = sim_match_meta(rule, port, extack);
	if (err)
		return err;

	r->mask.in_port = U32_MAX;
	r->key.in_port = port->index;

	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_BASIC)) {
		struct flow_match_basic match;

		flow_rule_match_basic(rule, &match);
		r->mask.n_proto = match.mask->n_proto;
		r->key.n_proto = match.key->n_proto;
		if (match.mask->n_proto) {
			r->used |= SIM_M_PROTO;
			l2_matched = true;
		}
	}
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_VLAN)) {
		sim_match_vlan(rule, r);
	} else if (l2_matched) {
		/*
		 * mlx5 sets cvlan_tag in the criteria and clears it in the
		 * value: a rule that names an ethertype but no VLAN matches
		 * untagged frames only.
		 */
		r->used |= SIM_M_UNTAGGED;
		r->mask.tagged = 1;
		r->key.tagged = 0;
	}
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_ETH_ADDRS)) {
		struct flow_match_eth_addrs match;

		flow_rule_match_eth_addrs(rule, &match);
		ether_addr_copy(r->mask.dst, match.mask->dst);
		ether_addr_copy(r->key.dst, match.key->dst);
		ether_addr_copy(r->mask.src, match.mask->src);
		ether_addr_copy(r->key.src, match.key->src);
		if (!is_zero_ether_addr(match.mask->dst) ||
		    !is_zero_ether_addr(match.mask->src))
			r->used |= SIM_M_ETH;
	}
	err = sim_match_control(rule, r, &addr_type, extack);
	if (err)
		return err;
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_BASIC)) {
		struct flow_match_basic match;

		flow_rule_match_basic(rule, &match);
		r->mask.ip_proto = match.mask->ip_proto;
		r->key.ip_proto = match.key->ip_proto;
		if (match.mask->ip_proto)
			r->used |= SIM_M_IPPROTO;
	}
	/* as on mlx5, addresses count only with control's addr_type */
	sim_match_addrs(rule, r, addr_type);
	if (flow_rule_match_key(rule, FLOW_DISSECTOR_KEY_IP)) {
		struct flow_match_ip match;

		flow_rule_match_ip(rule, &match);
		r->mask.tos = match.mask->tos;
		r->key.tos = match.key->tos;
		r->mask.ttl = match.mask->ttl;
		r->key.ttl = match.key->ttl;
		if (match.mask->tos || match.mask->ttl)
			r->used |= SIM_M_IP;
	}
	err = sim_match_l4(rule, r, extack);
	if (err)
		return err;
	return 0;
}
