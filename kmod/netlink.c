// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the generic netlink family "ito": configuration and counters.
 * The contract lives in uapi/linux/ito.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "compat.h"
#include "ito.h"

enum ito_mcgrp {
	ITO_MCGRP_EVENTS_ID,
	ITO_MCGRP_ENDS_ID,
	ITO_MCGRP_XDP_ID,
};

static const struct genl_multicast_group ito_mcgrps[] = {
	/* flow tuples are not for unprivileged eyes */
	[ITO_MCGRP_EVENTS_ID] = { .name = ITO_MCGRP_EVENTS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN },
	[ITO_MCGRP_ENDS_ID] = { .name = ITO_MCGRP_ENDS,
				.flags = GENL_MCAST_CAP_NET_ADMIN },
	[ITO_MCGRP_XDP_ID] = { .name = ITO_MCGRP_XDP,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static const struct nla_policy ito_config_policy[ITO_A_CONFIG_MAX + 1] = {
	[ITO_A_CONFIG_ENABLED]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_MIN_PKTS]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_MIN_RATE]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_TCP_AGEING]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_UDP_AGEING]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_MAX_SESSIONS]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_MAX_UPDATE_RATE]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_SNAPLEN]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_DEFAULT_VERDICT]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_MAX_FLOWS]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_VERDICT_SOURCE]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_CTMARK_MASK]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_CTMARK_OFFLOAD]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_CTMARK_INSPECT]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_CTMARK_BLOCK]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_CTLABEL_OFFLOADED] = { .type = NLA_U32 },
	[ITO_A_CONFIG_CTLABEL_INSPECTED] = { .type = NLA_U32 },
	[ITO_A_CONFIG_CTLABEL_BLOCKED]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_HA_ROLE]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_HA_HOLD]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_COPY_DELAY]	= { .type = NLA_U32 },
};

static const struct nla_policy ito_port_policy[ITO_A_PORT_MAX + 1] = {
	[ITO_A_PORT_IFINDEX]	= { .type = NLA_U32 },
	[ITO_A_PORT_MODE]	= NLA_POLICY_MAX(NLA_U32, ITO_PORT_MODE_MAX),
	[ITO_A_PORT_VLAN]	= NLA_POLICY_MAX(NLA_U16, 4094),
	[ITO_A_PORT_PEER]	= { .type = NLA_U32 },
	[ITO_A_PORT_OFFLOAD]	= NLA_POLICY_MAX(NLA_U32, ITO_PORT_OFFLOAD_MAX),
};

/* What a request may say about a flow: which one, and what to do. */
static const struct nla_policy ito_flow_policy[ITO_A_FLOW_MAX + 1] = {
	[ITO_A_FLOW_ID]		= { .type = NLA_U64 },
	[ITO_A_FLOW_STATE]	= NLA_POLICY_MAX(NLA_U32, ITO_FLOW_STATE_MAX),
	[ITO_A_FLOW_VERDICT]	= NLA_POLICY_RANGE(NLA_U32, ITO_VERDICT_OFFLOAD,
						   ITO_VERDICT_MAX),
	[ITO_A_FLOW_APP]	= { .type = NLA_NUL_STRING,
				    .len = ITO_APP_NAME_LEN - 1 },
};

/* What a request may say about a pool; the rest is only in replies. */
static const struct nla_policy ito_nat_pool_policy[ITO_A_NAT_POOL_MAX + 1] = {
	[ITO_A_NAT_POOL_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	/* IPv6 gets a message of its own (ito_nat_addr()) */
	[ITO_A_NAT_POOL_PRIVATE]	= { .type = NLA_BINARY, .len = 16 },
	[ITO_A_NAT_POOL_PRIVATE_LEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[ITO_A_NAT_POOL_OIF]		= { .type = NLA_U32 },
	[ITO_A_NAT_POOL_PUBLIC_MIN]	= { .type = NLA_BINARY, .len = 16 },
	[ITO_A_NAT_POOL_PUBLIC_MAX]	= { .type = NLA_BINARY, .len = 16 },
	[ITO_A_NAT_POOL_PORT_MIN]	= NLA_POLICY_MIN(NLA_U16, 1),
	[ITO_A_NAT_POOL_PORT_MAX]	= NLA_POLICY_MIN(NLA_U16, 1),
	[ITO_A_NAT_POOL_HOLD]		= { .type = NLA_U32 },	/* nat.c */
	[ITO_A_NAT_POOL_BINDINGS]	= { .type = NLA_REJECT },
	[ITO_A_NAT_POOL_SLOTS]		= { .type = NLA_REJECT },
	[ITO_A_NAT_POOL_EXHAUSTED]	= { .type = NLA_REJECT },
};

/* Requests carry no counters: the attribute is accepted only in replies. */
const struct nla_policy ito_xdp_stat_policy[ITO_A_XDP_STAT_MAX + 1] = {
	[ITO_A_XDP_STAT_ID]	= { .type = NLA_U64 },
	[ITO_A_XDP_STAT_DIR]	= NLA_POLICY_MAX(NLA_U8, IP_CT_DIR_REPLY),
	[ITO_A_XDP_STAT_PKTS]	= { .type = NLA_U64 },
	[ITO_A_XDP_STAT_BYTES]	= { .type = NLA_U64 },
};

static const struct nla_policy ito_policy[ITO_A_MAX + 1] = {
	[ITO_A_CONFIG]		= NLA_POLICY_NESTED(ito_config_policy),
	[ITO_A_COUNTERS]	= { .type = NLA_REJECT },
	[ITO_A_PORT]		= NLA_POLICY_NESTED(ito_port_policy),
	[ITO_A_FLOW]		= NLA_POLICY_NESTED(ito_flow_policy),
	[ITO_A_PACKET]		= { .type = NLA_REJECT },
	[ITO_A_NAT_POOL]	= NLA_POLICY_NESTED(ito_nat_pool_policy),
	[ITO_A_NAT_BINDING]	= { .type = NLA_REJECT },
	[ITO_A_XDP_STAT]	= NLA_POLICY_NESTED(ito_xdp_stat_policy),
};

static struct genl_family ito_family;

/* One object of a dump: a message of @cmd in @skb. */
void *ito_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &ito_family, NLM_F_MULTI, cmd);
}

/* A message of @cmd with room for @size bytes of attributes. */
static struct sk_buff *ito_msg_new(size_t size, gfp_t gfp, u32 portid, u32 seq,
				   u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, portid, seq, &ito_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct sk_buff *ito_reply_new(struct genl_info *info, void **hdr)
{
	return ito_msg_new(NLMSG_GOODSIZE, GFP_KERNEL, info->snd_portid,
			   info->snd_seq, info->genlhdr->cmd, hdr);
}

/* Send a reply from ito_reply_new(), or drop it when @err says so. */
static int ito_reply_finish(struct genl_info *info, struct sk_buff *msg,
			    void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A reply of @size bytes of attributes, for a handler outside this file. */
struct sk_buff *ito_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	return ito_msg_new(size, GFP_KERNEL, info->snd_portid, info->snd_seq,
			   info->genlhdr->cmd, hdr);
}

int ito_nl_reply_finish(struct genl_info *info, struct sk_buff *msg,
			void *hdr, int err)
{
	return ito_reply_finish(info, msg, hdr, err);
}

/* Does an XDP backend listen in @in's namespace? */
bool ito_nl_xdp_listening(struct ito_net *in)
{
	return genl_has_listeners(&ito_family, in->net, ITO_MCGRP_XDP_ID);
}

/* A message for the XDP backend: an %ITO_CMD_XDP_SESSION of @size bytes. */
struct sk_buff *ito_nl_xdp_new(size_t size, gfp_t gfp, void **hdr)
{
	return ito_msg_new(size, gfp, 0, 0, ITO_CMD_XDP_SESSION, hdr);
}

void ito_nl_xdp_send(struct ito_net *in, struct sk_buff *msg, gfp_t gfp)
{
	genlmsg_multicast_netns(&ito_family, in->net, msg, 0, ITO_MCGRP_XDP_ID,
				gfp);
}

static int ito_put_config(struct sk_buff *msg, const struct ito_net *in)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, ITO_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++) {
		if (nla_put_u32(msg, i, ito_config_get(in, i))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ito_put_counter(struct sk_buff *msg, const struct ito_net *in,
			   enum ito_counter id)
{
	struct nlattr *entry;

	entry = nla_nest_start(msg, ITO_A_COUNTERS_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	if (nla_put_u32(msg, ITO_A_COUNTER_ID, id) ||
	    nla_put_string(msg, ITO_A_COUNTER_NAME, ito_counter_name(id)) ||
	    nla_put_u64_64bit(msg, ITO_A_COUNTER_VALUE,
			      ito_counter_read(in, id), ITO_A_COUNTER_PAD)) {
		nla_nest_cancel(msg, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, entry);
	return 0;
}

static int ito_put_counters(struct sk_buff *msg, const struct ito_net *in)
{
	struct nlattr *nest;
	int id;

	nest = nla_nest_start(msg, ITO_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (id = 0; id < __ITO_CNT_MAX; id++) {
		if (ito_put_counter(msg, in, id)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ito_reply(struct genl_info *info,
		     int (*fill)(struct sk_buff *msg, const struct ito_net *in))
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = ito_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = fill(msg, in);
	return ito_reply_finish(info, msg, hdr, err);
}

static int ito_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ito_reply(info, ito_put_config);
}

static int ito_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_CONFIG_MAX + 1];
	bool passive;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ITO_A_CONFIG)) {
		NL_SET_ERR_MSG(info->extack, "missing the configuration nest");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ITO_A_CONFIG_MAX, info->attrs[ITO_A_CONFIG],
			       ito_config_policy, info->extack);
	if (err)
		return err;
	passive = ito_config_get(in, ITO_A_CONFIG_HA_ROLE) == ITO_HA_ROLE_PASSIVE;
	err = ito_config_set(in, tb, netlink_capable(skb, CAP_NET_ADMIN),
			     info->extack);
	if (err)
		return err;
	ito_ha_configured(in, passive, tb[ITO_A_CONFIG_HA_ROLE],
			  info->extack);
	if (tb[ITO_A_CONFIG_MAX_SESSIONS])
		ito_offload_resize(in, info->extack);
	if (tb[ITO_A_CONFIG_MAX_FLOWS])
		ito_flow_resize(in, info->extack);
	/* room, budget, enabled or the role may have changed */
	ito_offload_kick(in);
	return 0;
}

static int ito_nl_counters_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ito_reply(info, ito_put_counters);
}

/* Port objects */

static int ito_put_port(struct sk_buff *msg, int ifindex,
			const struct ito_port *port)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, ITO_A_PORT);
	if (!nest ||
	    nla_put_u32(msg, ITO_A_PORT_IFINDEX, ifindex) ||
	    nla_put_string(msg, ITO_A_PORT_IFNAME, port->dev->name) ||
	    nla_put_u32(msg, ITO_A_PORT_MODE, port->mode) ||
	    nla_put_u16(msg, ITO_A_PORT_VLAN, port->vlan) ||
	    nla_put_u32(msg, ITO_A_PORT_PEER, port->peer_ifindex) ||
	    nla_put_u32(msg, ITO_A_PORT_OFFLOAD, port->offload) ||
	    nla_put_u8(msg, ITO_A_PORT_HW, !!port->hw)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ito_parse_port(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ITO_A_PORT)) {
		NL_SET_ERR_MSG(info->extack, "missing the port nest");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ITO_A_PORT_MAX, info->attrs[ITO_A_PORT],
			       ito_port_policy, info->extack);
	if (err)
		return err;
	if (!tb[ITO_A_PORT_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ITO_A_PORT],
				    "missing the port's ifindex");
		return -EINVAL;
	}
	return 0;
}

static int ito_nl_port_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ITO_A_PORT_MAX + 1];
	int err;

	err = ito_parse_port(info, tb);
	if (err)
		return err;
	return ito_port_add(ito_net(genl_info_net(info)), tb, info->extack);
}

static int ito_nl_port_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ITO_A_PORT_MAX + 1];
	int err;

	err = ito_parse_port(info, tb);
	if (err)
		return err;
	return ito_port_del(ito_net(genl_info_net(info)),
			    nla_get_u32(tb[ITO_A_PORT_IFINDEX]), info->extack);
}

static int ito_nl_port_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_PORT_MAX + 1];
	struct ito_port *port;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = ito_parse_port(info, tb);
	if (err)
		return err;
	msg = ito_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&in->lock);
	port = xa_load(&in->ports, nla_get_u32(tb[ITO_A_PORT_IFINDEX]));
	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[ITO_A_PORT_IFINDEX],
				    "device is not a port");
		err = -ENOENT;
	} else {
		err = ito_put_port(msg, nla_get_u32(tb[ITO_A_PORT_IFINDEX]), port);
	}
	mutex_unlock(&in->lock);
	return ito_reply_finish(info, msg, hdr, err);
}

static int ito_nl_port_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct ito_net *in = ito_net(sock_net(skb->sk));
	unsigned long ifindex = cb->args[0];
	struct ito_port *port;
	int err = 0;

	mutex_lock(&in->lock);
	xa_for_each_start(&in->ports, ifindex, port, ifindex) {
		void *hdr;

		hdr = ito_nl_dump_put(skb, cb, ITO_CMD_PORT_GET);
		if (!hdr || ito_put_port(skb, ifindex, port)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&in->lock);
	cb->args[0] = ifindex;
	/* a full message resumes at the port that did not fit */
	return err == -EMSGSIZE ? skb->len : 0;
}

/* Flow objects */

/* A flow's tuple, as its attributes say it. */
struct ito_tuple_attrs {
	u8 family, proto, alen;
	u16 sport, dport;
	u32 ct_state;
	const union nf_inet_addr *saddr, *daddr;
};

static void ito_tuple_attrs(const struct nf_conn *ct, struct ito_tuple_attrs *a)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	a->family = t->src.l3num == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	a->alen = t->src.l3num == NFPROTO_IPV6 ? 16 : 4;
	a->proto = t->dst.protonum;
	a->saddr = &t->src.u3;
	a->daddr = &t->dst.u3;
	switch (t->dst.protonum) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		a->sport = ntohs(t->src.u.icmp.id);
		a->dport = t->dst.u.icmp.type << 8 | t->dst.u.icmp.code;
		break;
	default:
		a->sport = ntohs(t->src.u.all);
		a->dport = ntohs(t->dst.u.all);
	}
	a->ct_state = nf_ct_protonum(ct) == IPPROTO_TCP ?
		      READ_ONCE(ct->proto.tcp.state) : 0;
}

static int ito_put_tuple(struct sk_buff *msg, const struct nf_conn *ct)
{
	struct ito_tuple_attrs a;

	ito_tuple_attrs(ct, &a);
	if (nla_put_u8(msg, ITO_A_FLOW_FAMILY, a.family) ||
	    nla_put_u8(msg, ITO_A_FLOW_PROTO, a.proto) ||
	    nla_put(msg, ITO_A_FLOW_SADDR, a.alen, a.saddr) ||
	    nla_put(msg, ITO_A_FLOW_DADDR, a.alen, a.daddr) ||
	    nla_put_u16(msg, ITO_A_FLOW_SPORT, a.sport) ||
	    nla_put_u16(msg, ITO_A_FLOW_DPORT, a.dport) ||
	    nla_put_u32(msg, ITO_A_FLOW_CT_STATE, a.ct_state))
		return -EMSGSIZE;
	return 0;
}

struct ito_flow_snapshot {
	u8 state, verdict, verdict_by;
	u32 copies, rate;
	u64 pkts[IP_CT_DIR_MAX], bytes[IP_CT_DIR_MAX];
	u64 offload_pkts, offload_bytes;
	unsigned long first_seen, last_seen;
};

/* The flow's counters, including those of a session still offloaded. */
static void ito_flow_snapshot(struct ito_flow *flow, struct ito_flow_snapshot *s)
{
	u64 p, b;
	int dir;

	spin_lock_bh(&flow->lock);
	s->state = flow->state;
	s->verdict = flow->verdict;
	s->verdict_by = flow->verdict_by;
	s->copies = flow->copies;
	memcpy(s->pkts, flow->pkts, sizeof(s->pkts));
	memcpy(s->bytes, flow->bytes, sizeof(s->bytes));
	s->offload_pkts = flow->offload_pkts;
	s->offload_bytes = flow->offload_bytes;
	s->first_seen = ito_flow_first_seen(flow);
	s->last_seen = ito_flow_last_seen(flow);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		if (flow->state != ITO_FLOW_STATE_OFFLOADED)
			continue;
		ito_flow_bypassed(flow, dir, &p, &b);
		s->pkts[dir] += p;
		s->bytes[dir] += b;
		s->offload_pkts += p;
		s->offload_bytes += b;
		if (flow->hw && flow->hw->rule[dir].pkts &&
		    time_after(flow->hw->rule[dir].last_used, s->last_seen))
			s->last_seen = flow->hw->rule[dir].last_used;
	}
	spin_unlock_bh(&flow->lock);
	/* the offloaded packets count: last_seen moves with them too */
	s->rate = ito_rate(s->pkts[0] + s->pkts[1], s->first_seen, s->last_seen);
}

static int ito_put_flow_state(struct sk_buff *msg, struct ito_net *in,
			      struct ito_flow *flow)
{
	struct ito_flow_snapshot s;
	unsigned long now = jiffies;

	ito_flow_snapshot(flow, &s);
	if (nla_put_u32(msg, ITO_A_FLOW_STATE, s.state) ||
	    nla_put_u32(msg, ITO_A_FLOW_VERDICT, s.verdict) ||
	    nla_put_u32(msg, ITO_A_FLOW_VERDICT_BY, s.verdict_by) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_PKTS_ORIG, s.pkts[0], ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_BYTES_ORIG, s.bytes[0], ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_PKTS_REPLY, s.pkts[1], ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_BYTES_REPLY, s.bytes[1], ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_AGE_MS,
			      jiffies_to_msecs(now - s.first_seen), ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_IDLE_MS,
			      jiffies_to_msecs(now - s.last_seen), ITO_A_FLOW_PAD) ||
	    nla_put_u32(msg, ITO_A_FLOW_RATE, s.rate) ||
	    nla_put_u32(msg, ITO_A_FLOW_COPIES, s.copies) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_OFFLOAD_PKTS, s.offload_pkts,
			      ITO_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_OFFLOAD_BYTES, s.offload_bytes,
			      ITO_A_FLOW_PAD) ||
	    ito_app_put(msg, in, flow))
		return -EMSGSIZE;
	return 0;
}

static int ito_put_flow_attrs(struct sk_buff *msg, struct ito_net *in,
			      struct ito_flow *flow, bool full)
{
	if (nla_put_u64_64bit(msg, ITO_A_FLOW_ID, flow->id, ITO_A_FLOW_PAD) ||
	    ito_put_tuple(msg, flow->ct) ||
	    nla_put_u32(msg, ITO_A_FLOW_IIF, READ_ONCE(flow->iif[IP_CT_DIR_ORIGINAL])))
		return -EMSGSIZE;
	return full ? ito_put_flow_state(msg, in, flow) : 0;
}

/* What one offloaded direction does, copied under the flow's lock. */
struct ito_path {
	struct ito_rule r;
	u64 pkts, bytes;
	u32 where;
};

/**
 * ito_nl_put_path - an %ITO_A_FLOW_PATH nest: one direction's rule
 * @msg: the message
 * @in: the instance
 * @dir: the direction
 * @r: its rule, described under the flow's lock
 * @pkts: its packets so far
 * @bytes: and bytes
 * @where: enum ito_path_where
 *
 * Return: 0, also when a port of the rule is leaving (nothing is put: the
 * flow ends with it); -EMSGSIZE.
 */
int ito_nl_put_path(struct sk_buff *msg, struct ito_net *in, int dir,
		    const struct ito_rule *r, u64 pkts, u64 bytes, u32 where)
{
	const struct ito_ft_key *key = &r->key;
	const struct ito_rewrite *rw = &r->rw;
	struct ito_port *ip = ito_port_lookup(in, key->iif);
	struct ito_port *op = ito_port_lookup(in, rw->out_dev->ifindex);
	int alen = key->family == NFPROTO_IPV4 ? 4 : 16;
	struct net_device *idev, *odev;
	struct nlattr *nest;

	if (!ip || !op)
		return 0;	/* a port going away; the flow ends with it */
	/* the rule lives on the device below a VLAN port */
	idev = ip->hw ? ip->hw->dev : ip->dev;
	odev = op->hw ? op->hw->dev : op->dev;
	if (is_vlan_dev(idev))
		idev = vlan_dev_real_dev(idev);
	if (is_vlan_dev(odev))
		odev = vlan_dev_real_dev(odev);

	nest = nla_nest_start(msg, ITO_A_FLOW_PATH);
	if (!nest ||
	    nla_put_u8(msg, ITO_A_PATH_DIR, dir) ||
	    nla_put_u32(msg, ITO_A_PATH_WHERE, where) ||
	    nla_put_u32(msg, ITO_A_PATH_IN_IFINDEX, idev->ifindex) ||
	    nla_put_u16(msg, ITO_A_PATH_IN_VLAN, ip->vlan) ||
	    nla_put_u32(msg, ITO_A_PATH_OUT_IFINDEX, odev->ifindex) ||
	    nla_put_u16(msg, ITO_A_PATH_OUT_VLAN, op->vlan) ||
	    nla_put(msg, ITO_A_PATH_SADDR, alen, &key->saddr) ||
	    nla_put(msg, ITO_A_PATH_DADDR, alen, &key->daddr) ||
	    nla_put_u16(msg, ITO_A_PATH_SPORT, ntohs(key->sport)) ||
	    nla_put_u16(msg, ITO_A_PATH_DPORT, ntohs(key->dport)) ||
	    (!nf_inet_addr_cmp(&rw->saddr, &key->saddr) &&
	     nla_put(msg, ITO_A_PATH_NAT_SADDR, alen, &rw->saddr)) ||
	    (!nf_inet_addr_cmp(&rw->daddr, &key->daddr) &&
	     nla_put(msg, ITO_A_PATH_NAT_DADDR, alen, &rw->daddr)) ||
	    (rw->sport != key->sport &&
	     nla_put_u16(msg, ITO_A_PATH_NAT_SPORT, ntohs(rw->sport))) ||
	    (rw->dport != key->dport &&
	     nla_put_u16(msg, ITO_A_PATH_NAT_DPORT, ntohs(rw->dport))) ||
	    (!rw->vwire &&
	     (nla_put(msg, ITO_A_PATH_ETH_DST, ETH_ALEN, r->h_dest) ||
	      nla_put(msg, ITO_A_PATH_ETH_SRC, ETH_ALEN, rw->h_source))) ||
	    nla_put_u64_64bit(msg, ITO_A_PATH_PKTS, pkts, ITO_A_PATH_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_PATH_BYTES, bytes, ITO_A_PATH_PAD) ||
	    (rw->vwire && nla_put_u8(msg, ITO_A_PATH_VWIRE, 1)) ||
	    nla_put_u32(msg, ITO_A_PATH_MTU, rw->mtu)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The rules of an offloaded flow. Caller holds @in->lock. */
static int ito_put_paths(struct sk_buff *msg, struct ito_net *in,
			 struct ito_flow *flow)
{
	struct ito_path p[IP_CT_DIR_MAX];
	bool offloaded;
	int dir;

	spin_lock_bh(&flow->lock);
	offloaded = flow->state == ITO_FLOW_STATE_OFFLOADED;
	for (dir = 0; offloaded && dir < IP_CT_DIR_MAX; dir++) {
		ito_rule_describe(flow, dir, &p[dir].r);
		p[dir].where = flow->hw ? ITO_PATH_HW :
			       ito_xdp_holds(in, flow) ? ITO_PATH_XDP :
			       ITO_PATH_SW;
		ito_flow_bypassed(flow, dir, &p[dir].pkts, &p[dir].bytes);
	}
	spin_unlock_bh(&flow->lock);

	for (dir = 0; offloaded && dir < IP_CT_DIR_MAX; dir++)
		if (ito_nl_put_path(msg, in, dir, &p[dir].r, p[dir].pkts,
				    p[dir].bytes, p[dir].where))
			return -EMSGSIZE;
	return 0;
}

/**
 * ito_nl_put_flow - a flow nest: the tuple, and with @full its state
 * @msg: the message
 * @type: ITO_A_FLOW, or ITO_A_PACKET_FLOW inside a packet copy
 * @in: the flow's instance (only read with @full)
 * @flow: the flow, kept alive by the caller
 * @full: add state, verdict and counters (takes the flow's lock)
 */
int ito_nl_put_flow(struct sk_buff *msg, int type, struct ito_net *in,
		    struct ito_flow *flow, bool full)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	if (ito_put_flow_attrs(msg, in, flow, full)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The most a flow event takes: an IPv6 tuple, every state attribute and
 * an end reason. Sized, not NLMSG_GOODSIZE: with a listener there are two
 * events per flow (new and verdict), and at thousands of new flows a
 * second a page each was most of what the listener cost.
 */
static size_t ito_flow_event_size(void)
{
	return nla_total_size(0) +			/* ITO_A_FLOW */
	       nla_total_size_64bit(sizeof(u64)) +	/* ID */
	       2 * nla_total_size(sizeof(u8)) +		/* FAMILY, PROTO */
	       2 * nla_total_size(16) +			/* SADDR, DADDR */
	       2 * nla_total_size(sizeof(u16)) +	/* SPORT, DPORT */
	       nla_total_size(sizeof(u32)) +		/* CT_STATE */
	       nla_total_size(sizeof(u32)) +		/* IIF */
	       3 * nla_total_size(sizeof(u32)) +	/* STATE, VERDICT, _BY */
	       8 * nla_total_size_64bit(sizeof(u64)) +	/* counters, age, idle */
	       2 * nla_total_size(sizeof(u32)) +	/* RATE, COPIES */
	       nla_total_size(ITO_APP_NAME_LEN) +	/* APP */
	       2 * nla_total_size(sizeof(u32));		/* EVENT, END_REASON */
}

/*
 * Send @event about @flow to the events group, and an end also to the ends
 * group, to those that listen. An agent that only forgets ended flows
 * listens to ends: the packet path then builds no event for it.
 */
void ito_nl_flow_event(struct ito_net *in, struct ito_flow *flow, u32 event,
		       u32 reason, gfp_t gfp)
{
	bool all, ends;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	all = genl_has_listeners(&ito_family, in->net, ITO_MCGRP_EVENTS_ID);
	ends = event == ITO_FLOW_EVENT_END &&
	       genl_has_listeners(&ito_family, in->net, ITO_MCGRP_ENDS_ID);
	if (!all && !ends)
		return;
	msg = ito_msg_new(ito_flow_event_size(), gfp, 0, 0, ITO_CMD_FLOW_NTF,
			  &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, ITO_A_FLOW);
	if (!nest || ito_put_flow_attrs(msg, in, flow, true) ||
	    nla_put_u32(msg, ITO_A_FLOW_EVENT, event) ||
	    (reason && nla_put_u32(msg, ITO_A_FLOW_END_REASON, reason))) {
		WARN_ON_ONCE(1);	/* ito_flow_event_size() is short */
		goto free;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	/* one message for both groups: a shared skb is cloned per listener */
	if (all && ends)
		genlmsg_multicast_netns(&ito_family, in->net, skb_get(msg), 0,
					ITO_MCGRP_EVENTS_ID, gfp);
	genlmsg_multicast_netns(&ito_family, in->net, msg, 0,
				ends ? ITO_MCGRP_ENDS_ID : ITO_MCGRP_EVENTS_ID,
				gfp);
	return;
free:
	nlmsg_free(msg);
}

/*
 * The packet copy, the one message the packet path makes for each flow,
 * is written in place after one check of the room: no call per attribute
 * (reserve, pad, copy). Its bytes are those the nla_put_*() calls would
 * make, in the same order: ito_nl_put_flow()'s tuple (not its state),
 * then the packet's attributes.
 */

/* An attribute of @len bytes at *@pos, its padding zeroed. */
static __always_inline void *ito_attr(void **pos, int type, int len)
{
	struct nlattr *nla = *pos;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	*pos = (u8 *)nla + nla_total_size(len);
	return nla_data(nla);
}

static __always_inline void ito_attr_u8(void **pos, int type, u8 v)
{
	*(u8 *)ito_attr(pos, type, sizeof(v)) = v;
}

static __always_inline void ito_attr_u16(void **pos, int type, u16 v)
{
	*(u16 *)ito_attr(pos, type, sizeof(v)) = v;
}

static __always_inline void ito_attr_u32(void **pos, int type, u32 v)
{
	*(u32 *)ito_attr(pos, type, sizeof(v)) = v;
}

/* As nla_put_u64_64bit(): a pad attribute first where 8 bytes must align. */
static __always_inline void ito_attr_u64(void **pos, int type, u64 v,
					 int padtype)
{
	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	    IS_ALIGNED((unsigned long)*pos, 8))
		ito_attr(pos, padtype, 0);
	put_unaligned(v, (u64 *)ito_attr(pos, type, sizeof(v)));
}

static __always_inline struct nlattr *ito_attr_nest(void **pos, int type)
{
	struct nlattr *nest = *pos;

	ito_attr(pos, type | NLA_F_NESTED, 0);
	return nest;
}

static __always_inline void ito_attr_nest_end(void *pos, struct nlattr *nest)
{
	nest->nla_len = (u8 *)pos - (u8 *)nest;
}

/* A copy's attributes but its data, at their largest. */
#define ITO_COPY_ATTRS_SIZE						\
	(2 * nla_total_size(0) +			/* nests */	\
	 nla_total_size_64bit(sizeof(u64)) +		/* id */	\
	 2 * nla_total_size(sizeof(u8)) +	/* family, proto */	\
	 2 * nla_total_size(sizeof(struct in6_addr)) +			\
	 2 * nla_total_size(sizeof(u16)) +		/* ports */	\
	 2 * nla_total_size(sizeof(u32)) +	/* ct state, iif */	\
	 nla_total_size(sizeof(u8)) +			/* dir */	\
	 3 * nla_total_size(sizeof(u32)) +	/* ifindex, seq, len */	\
	 nla_total_size(0))				/* data */

/*
 * The copy's nest says its length in 16 bits, so the data stops short of
 * 64 KiB by the other attributes: a GRO packet can be longer than that.
 */
static unsigned int ito_copy_snap(unsigned int snap)
{
	return min_t(unsigned int, snap,
		     round_down(U16_MAX - ITO_COPY_ATTRS_SIZE, NLA_ALIGNTO));
}

/* The most a copy of @snap bytes of packet takes. */
size_t ito_nl_copy_size(unsigned int snap)
{
	return NLMSG_HDRLEN + GENL_HDRLEN + ITO_COPY_ATTRS_SIZE +
	       NLA_ALIGN(ito_copy_snap(snap));
}

/**
 * ito_nl_put_copy - append an %ITO_CMD_PACKET message to @msg
 * @msg: the datagram
 * @flow: the packet's flow
 * @skb: the packet, data at the network header
 * @dir: its direction
 * @ifindex: the port it came in by
 * @seq: the copy's number within the flow
 * @snap: bytes of @skb to copy, at most its length; fewer are copied
 *	where the nest's 16-bit length could not say them
 *
 * Return: 0, or -EMSGSIZE with @msg unchanged.
 */
int ito_nl_put_copy(struct sk_buff *msg, const struct ito_flow *flow,
		    const struct sk_buff *skb, int dir, int ifindex, u32 seq,
		    unsigned int snap)
{
	void *start = skb_tail_pointer(msg), *pos = start;
	struct nlattr *packet, *nest;
	struct ito_tuple_attrs a;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	void *data;

	if (skb_tailroom(msg) < ito_nl_copy_size(snap))
		return -EMSGSIZE;
	snap = ito_copy_snap(snap);
	ito_tuple_attrs(flow->ct, &a);

	nlh = pos;
	nlh->nlmsg_type = ito_family.id;
	nlh->nlmsg_flags = 0;
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	genl = nlmsg_data(nlh);
	genl->cmd = ITO_CMD_PACKET;
	genl->version = ito_family.version;
	genl->reserved = 0;
	pos = (u8 *)genl + GENL_HDRLEN;

	packet = ito_attr_nest(&pos, ITO_A_PACKET);
	nest = ito_attr_nest(&pos, ITO_A_PACKET_FLOW);
	ito_attr_u64(&pos, ITO_A_FLOW_ID, flow->id, ITO_A_FLOW_PAD);
	ito_attr_u8(&pos, ITO_A_FLOW_FAMILY, a.family);
	ito_attr_u8(&pos, ITO_A_FLOW_PROTO, a.proto);
	if (a.alen == 4) {
		memcpy(ito_attr(&pos, ITO_A_FLOW_SADDR, 4), a.saddr, 4);
		memcpy(ito_attr(&pos, ITO_A_FLOW_DADDR, 4), a.daddr, 4);
	} else {
		memcpy(ito_attr(&pos, ITO_A_FLOW_SADDR, 16), a.saddr, 16);
		memcpy(ito_attr(&pos, ITO_A_FLOW_DADDR, 16), a.daddr, 16);
	}
	ito_attr_u16(&pos, ITO_A_FLOW_SPORT, a.sport);
	ito_attr_u16(&pos, ITO_A_FLOW_DPORT, a.dport);
	ito_attr_u32(&pos, ITO_A_FLOW_CT_STATE, a.ct_state);
	ito_attr_u32(&pos, ITO_A_FLOW_IIF,
		     READ_ONCE(flow->iif[IP_CT_DIR_ORIGINAL]));
	ito_attr_nest_end(pos, nest);

	ito_attr_u8(&pos, ITO_A_PACKET_DIR, dir);
	ito_attr_u32(&pos, ITO_A_PACKET_IFINDEX, ifindex);
	ito_attr_u32(&pos, ITO_A_PACKET_SEQ, seq);
	ito_attr_u32(&pos, ITO_A_PACKET_LEN, skb->len);
	data = (u8 *)pos + NLA_HDRLEN;
	if (skb_copy_bits(skb, 0, data, snap))
		return -EMSGSIZE;
	ito_attr(&pos, ITO_A_PACKET_DATA, snap);
	ito_attr_nest_end(pos, packet);

	nlh->nlmsg_len = (u8 *)pos - (u8 *)start;
	skb_put(msg, nlh->nlmsg_len);
	return 0;
}

/* Non-blocking: a full receiver costs the message (freed), not a wait. */
int ito_nl_unicast(struct ito_net *in, struct sk_buff *msg, u32 portid)
{
	return genlmsg_unicast(in->net, msg, portid);
}

static int ito_parse_flow(struct genl_info *info, const struct nlattr *attr,
			  struct nlattr **tb, bool need_id)
{
	int err;

	err = nla_parse_nested(tb, ITO_A_FLOW_MAX, attr, ito_flow_policy,
			       info->extack);
	if (err)
		return err;
	if (need_id && !tb[ITO_A_FLOW_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "missing the flow id");
		return -EINVAL;
	}
	return 0;
}

/* Caller holds @in->lock, which keeps the flow from being ended. */
static struct ito_flow *ito_find_flow(struct ito_net *in, struct genl_info *info,
				      struct nlattr *id_attr)
{
	struct ito_flow *flow;

	lockdep_assert_held(&in->lock);
	flow = xa_load(&in->flow_ids, nla_get_u64(id_attr));
	if (!flow) {
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_INVALID_SESSION);
		NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
				    "no flow with this id (never was, or ended)");
	}
	return flow;
}

static int ito_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_FLOW_MAX + 1];
	struct ito_flow *flow;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ITO_A_FLOW)) {
		NL_SET_ERR_MSG(info->extack, "missing the flow nest");
		return -EINVAL;
	}
	err = ito_parse_flow(info, info->attrs[ITO_A_FLOW], tb, true);
	if (err)
		return err;
	msg = ito_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&in->lock);
	flow = ito_find_flow(in, info, tb[ITO_A_FLOW_ID]);
	err = -ENOENT;
	if (flow) {
		struct nlattr *nest;

		/* the GC polls the device rarely: ask it now, for this one */
		ito_offload_refresh(in, flow);
		nest = nla_nest_start(msg, ITO_A_FLOW);

		err = -EMSGSIZE;
		if (nest && !ito_put_flow_attrs(msg, in, flow, true) &&
		    !ito_put_paths(msg, in, flow)) {
			nla_nest_end(msg, nest);
			err = 0;
		}
	}
	mutex_unlock(&in->lock);
	return ito_reply_finish(info, msg, hdr, err);
}

static int ito_nl_flow_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct nlattr **attrs = ito_dump_attrs(cb);
	struct ito_net *in = ito_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct ito_flow *flow;
	int state = -1;
	int err = 0;

	if (attrs[ITO_A_FLOW]) {
		struct nlattr *tb[ITO_A_FLOW_MAX + 1];

		err = nla_parse_nested(tb, ITO_A_FLOW_MAX, attrs[ITO_A_FLOW],
				       ito_flow_policy, cb->extack);
		if (err)
			return err;
		if (tb[ITO_A_FLOW_STATE])
			state = nla_get_u32(tb[ITO_A_FLOW_STATE]);
	}

	mutex_lock(&in->lock);
	xa_for_each_start(&in->flow_ids, id, flow, id) {
		void *hdr;

		if (state >= 0 && READ_ONCE(flow->state) != state)
			continue;
		hdr = ito_nl_dump_put(skb, cb, ITO_CMD_FLOW_GET);
		if (!hdr || ito_nl_put_flow(skb, ITO_A_FLOW, in, flow, true)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&in->lock);
	cb->args[0] = id;
	return err == -EMSGSIZE ? skb->len : 0;
}

static int ito_nl_flow_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_FLOW_MAX + 1];
	struct ito_flow *flow;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ITO_A_FLOW)) {
		NL_SET_ERR_MSG(info->extack, "missing the flow nest");
		return -EINVAL;
	}
	err = ito_parse_flow(info, info->attrs[ITO_A_FLOW], tb, true);
	if (err)
		return err;
	mutex_lock(&in->lock);
	flow = ito_find_flow(in, info, tb[ITO_A_FLOW_ID]);
	if (flow)
		ito_flow_end(in, flow, ITO_END_REASON_DELETED);
	mutex_unlock(&in->lock);
	return flow ? 0 : -ENOENT;
}

static int ito_nl_flow_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));

	mutex_lock(&in->lock);
	ito_flow_end_all(in, 0, ITO_END_REASON_FLUSHED);
	mutex_unlock(&in->lock);
	return 0;
}

/* Every ITO_A_FLOW nest is one verdict; applied in order until a bad one. */
static int ito_nl_flow_verdict_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	const struct nlattr *attr;
	int rem, n = 0, err = 0;

	if (!(ito_config_get(in, ITO_A_CONFIG_VERDICT_SOURCE) &
	      ITO_VERDICT_SOURCE_AGENT)) {
		NL_SET_ERR_MSG(info->extack,
			       "the agent is not a verdict source (verdict_source)");
		return -EOPNOTSUPP;
	}
	mutex_lock(&in->lock);
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		struct nlattr *tb[ITO_A_FLOW_MAX + 1];
		struct ito_flow *flow;
		u32 verdict;

		if (nla_type(attr) != ITO_A_FLOW)
			continue;
		err = ito_parse_flow(info, attr, tb, true);
		if (err)
			break;
		if (!tb[ITO_A_FLOW_VERDICT]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "missing the verdict");
			err = -EINVAL;
			break;
		}
		flow = ito_find_flow(in, info, tb[ITO_A_FLOW_ID]);
		if (!flow) {
			err = -ENOENT;
			break;
		}
		verdict = nla_get_u32(tb[ITO_A_FLOW_VERDICT]);
		/*
		 * Before the verdict, whose event shows it; kept if the verdict
		 * is overruled. Out of memory, the verdict goes on without it.
		 */
		if (tb[ITO_A_FLOW_APP])
			ito_app_set(in, flow, nla_data(tb[ITO_A_FLOW_APP]));
		/* not an error: the agent's batch goes on */
		if (ito_ctv_admits(flow, verdict))
			ito_flow_set_verdict(in, flow, verdict,
					     ITO_VERDICT_BY_AGENT);
		else if (verdict != flow->verdict)
			ito_counter_inc(in, ITO_CNT_VERDICT_OVERRULED);
		n++;
	}
	mutex_unlock(&in->lock);
	if (!err && !n) {
		NL_SET_ERR_MSG(info->extack, "no flow nest in the request");
		err = -EINVAL;
	}
	return err;
}

/* The agent */

static int ito_nl_agent_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ito_agent_register(ito_net(genl_info_net(info)), info->snd_portid,
				  info->extack);
}

static int ito_nl_agent_unregister_doit(struct sk_buff *skb,
					struct genl_info *info)
{
	return ito_agent_unregister(ito_net(genl_info_net(info)),
				    info->snd_portid, info->extack);
}

/* NAT pools and bindings (nat.c) */

static int ito_parse_nat_pool(struct genl_info *info, struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, ITO_A_NAT_POOL)) {
		NL_SET_ERR_MSG(info->extack, "missing the pool nest");
		return -EINVAL;
	}
	return nla_parse_nested(tb, ITO_A_NAT_POOL_MAX,
				info->attrs[ITO_A_NAT_POOL],
				ito_nat_pool_policy, info->extack);
}

static int ito_nl_nat_pool_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ITO_A_NAT_POOL_MAX + 1];
	int err;

	err = ito_parse_nat_pool(info, tb);
	if (err)
		return err;
	return ito_nat_pool_add(ito_net(genl_info_net(info)), tb, info->extack);
}

static int ito_nl_nat_pool_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ITO_A_NAT_POOL_MAX + 1];
	int err;

	err = ito_parse_nat_pool(info, tb);
	if (err)
		return err;
	if (!tb[ITO_A_NAT_POOL_ID]) {
		NL_SET_ERR_MSG(info->extack, "missing the pool's id");
		return -EINVAL;
	}
	return ito_nat_pool_del(ito_net(genl_info_net(info)),
				nla_get_u32(tb[ITO_A_NAT_POOL_ID]),
				info->extack);
}

static int ito_nl_nat_pool_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct nlattr *tb[ITO_A_NAT_POOL_MAX + 1];
	struct nlattr *nest = ito_dump_attrs(cb)[ITO_A_NAT_POOL];
	u32 id = 0;

	if (nest) {
		if (nla_parse_nested(tb, ITO_A_NAT_POOL_MAX, nest,
				     ito_nat_pool_policy, cb->extack))
			return -EINVAL;
		if (tb[ITO_A_NAT_POOL_ID])
			id = nla_get_u32(tb[ITO_A_NAT_POOL_ID]);
	}
	return ito_nat_pool_dump(ito_net(sock_net(skb->sk)), skb, cb, id);
}

static int ito_nl_nat_binding_get_dumpit(struct sk_buff *skb,
					 struct netlink_callback *cb)
{
	return ito_nat_binding_dump(ito_net(sock_net(skb->sk)), skb, cb);
}

static const struct genl_ops ito_ops[] = {
	{
		.cmd	= ITO_CMD_CONFIG_GET,
		.doit	= ito_nl_config_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_CONFIG_SET,
		.doit	= ito_nl_config_set_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_COUNTERS_GET,
		.doit	= ito_nl_counters_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_PORT_ADD,
		.doit	= ito_nl_port_add_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_PORT_DEL,
		.doit	= ito_nl_port_del_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_PORT_GET,
		.doit	= ito_nl_port_get_doit,
		.dumpit	= ito_nl_port_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_AGENT_REGISTER,
		.doit	= ito_nl_agent_register_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_AGENT_UNREGISTER,
		.doit	= ito_nl_agent_unregister_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_FLOW_GET,
		.doit	= ito_nl_flow_get_doit,
		.dumpit	= ito_nl_flow_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_FLOW_DEL,
		.doit	= ito_nl_flow_del_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_FLOW_FLUSH,
		.doit	= ito_nl_flow_flush_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_FLOW_VERDICT,
		.doit	= ito_nl_flow_verdict_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_NAT_POOL_ADD,
		.doit	= ito_nl_nat_pool_add_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_NAT_POOL_DEL,
		.doit	= ito_nl_nat_pool_del_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_NAT_POOL_GET,
		.dumpit	= ito_nl_nat_pool_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_NAT_BINDING_GET,
		.dumpit	= ito_nl_nat_binding_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_XDP_SESSION,
		.dumpit	= ito_xdp_session_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_XDP_REPORT,
		.doit	= ito_xdp_report_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ito_family __ro_after_init = {
	.name		= ITO_FAMILY_NAME,
	.version	= ITO_FAMILY_VERSION,
	.maxattr	= ITO_A_MAX,
	.policy		= ito_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= ito_ops,
	.n_ops		= ARRAY_SIZE(ito_ops),
	.mcgrps		= ito_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ito_mcgrps),
	/* commands from here on get strict header checks: all of ours */
	.resv_start_op	= ITO_CMD_CONFIG_GET,
};

int __init ito_netlink_init(void)
{
	return genl_register_family(&ito_family);
}

void ito_netlink_uninit(void)
{
	genl_unregister_family(&ito_family);
}

/* Let a request for the family load the module. */
MODULE_ALIAS_GENL_FAMILY(ITO_FAMILY_NAME);
