// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the XDP backend's feed. Software sessions whose ports let XDP
 * carry them (offload xdp, or auto where no hardware does) are announced
 * on the "xdp" group, where an XDP program's keeper in userspace
 * (ito-xdpd) listens: it forwards their packets at the driver, before an
 * skb exists. The module stays the sessions' owner: it admits them within
 * the budget, updates them (route and next-hop changes) and ends them.
 * The skb fast path keeps every entry meanwhile, so what XDP leaves to the
 * stack (a FIN, a packet too long), and all of it once the backend is
 * gone, is forwarded there as before.
 *
 * The backend reports what it forwarded: those counts join the flow and
 * conntrack, and move the session's last use, as the fast path's own
 * packets do.
 *
 * A session's install and its removal are both sent under the flow's
 * lock: the backend never gets a removal before the install it undoes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

static bool ito_xdp_port(struct ito_net *in, int ifindex)
{
	const struct ito_port *port = ito_port_lookup(in, ifindex);

	return port && (port->offload == ITO_PORT_OFFLOAD_XDP ||
			port->offload == ITO_PORT_OFFLOAD_AUTO);
}

/* Both ports of the flow let XDP carry it. Caller holds the flow's lock. */
static bool ito_xdp_ports(struct ito_net *in, const struct ito_flow *flow)
{
	return ito_xdp_port(in, flow->iif[IP_CT_DIR_ORIGINAL]) &&
	       ito_xdp_port(in, flow->iif[IP_CT_DIR_REPLY]);
}

/**
 * ito_xdp_holds - is this session the XDP backend's to forward?
 * @in: the instance
 * @flow: the flow; caller holds its lock
 *
 * Return: true for a session offloaded in software on XDP ports while a
 * backend listens.
 */
bool ito_xdp_holds(struct ito_net *in, const struct ito_flow *flow)
{
	return flow->state == ITO_FLOW_STATE_OFFLOADED && !flow->hw &&
	       ito_xdp_ports(in, flow) && ito_nl_xdp_listening(in);
}

/* The largest session message: two IPv6 paths with every attribute. */
static size_t ito_xdp_msg_size(void)
{
	size_t path = nla_total_size(0) +
		      2 * nla_total_size(sizeof(u8)) +	/* DIR, VWIRE */
		      4 * nla_total_size(sizeof(u32)) +	/* WHERE, IFINDEXes, MTU */
		      6 * nla_total_size(sizeof(u16)) +	/* VLANs, ports, NAT ports */
		      4 * nla_total_size(16) +		/* addresses, NAT's */
		      2 * nla_total_size(ETH_ALEN) +
		      2 * nla_total_size_64bit(sizeof(u64));

	return nla_total_size(0) +			/* ITO_A_FLOW */
	       nla_total_size_64bit(sizeof(u64)) +	/* ID */
	       2 * nla_total_size(sizeof(u8)) +		/* FAMILY, PROTO */
	       nla_total_size(sizeof(u32)) +		/* EVENT */
	       IP_CT_DIR_MAX * path;
}

/* The flow nest of a session message; @r NULL for a removal. */
static int ito_xdp_put(struct sk_buff *msg, struct ito_net *in,
		       const struct ito_flow *flow, const struct ito_rule *r)
{
	struct nlattr *nest;
	int dir;

	nest = nla_nest_start(msg, ITO_A_FLOW);
	if (!nest ||
	    nla_put_u64_64bit(msg, ITO_A_FLOW_ID, flow->id, ITO_A_FLOW_PAD) ||
	    nla_put_u8(msg, ITO_A_FLOW_FAMILY,
		       nf_ct_l3num(flow->ct) == NFPROTO_IPV6 ? AF_INET6 : AF_INET) ||
	    nla_put_u8(msg, ITO_A_FLOW_PROTO, nf_ct_protonum(flow->ct)) ||
	    nla_put_u32(msg, ITO_A_FLOW_EVENT,
			r ? ITO_FLOW_EVENT_OFFLOADED : ITO_FLOW_EVENT_END))
		goto cancel;
	for (dir = 0; r && dir < IP_CT_DIR_MAX; dir++)
		if (ito_nl_put_path(msg, in, dir, &r[dir], 0, 0, ITO_PATH_XDP))
			goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* Tell the backend; caller holds the flow's lock (the messages' order). */
static void ito_xdp_send(struct ito_net *in, const struct ito_flow *flow,
			 const struct ito_rule *r)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ito_nl_xdp_new(ito_xdp_msg_size(), GFP_ATOMIC, &hdr);
	if (!msg) {
		ito_counter_inc(in, ITO_CNT_XDP_ANNOUNCE_FAILED);
		return;
	}
	if (ito_xdp_put(msg, in, flow, r)) {
		WARN_ON_ONCE(1);	/* ito_xdp_msg_size() is short */
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ito_nl_xdp_send(in, msg, GFP_ATOMIC);
	if (r)
		ito_counter_inc(in, ITO_CNT_XDP_ANNOUNCED);
}

/**
 * ito_xdp_install - a session just offloaded in software: the backend's?
 * @in: the instance
 * @flow: the flow; caller holds its lock
 * @r: its two rules
 */
void ito_xdp_install(struct ito_net *in, struct ito_flow *flow,
		     const struct ito_rule *r)
{
	if (ito_xdp_holds(in, flow))
		ito_xdp_send(in, flow, r);
}

/**
 * ito_xdp_update - a session of the backend changed (route, next hop's
 *	MAC): send it again, to replace what the backend holds
 * @in: the instance
 * @flow: the flow; caller holds neither its lock nor needs @in->lock
 */
void ito_xdp_update(struct ito_net *in, struct ito_flow *flow)
{
	struct ito_rule r[IP_CT_DIR_MAX];
	int dir;

	spin_lock_bh(&flow->lock);
	if (ito_xdp_holds(in, flow)) {
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
			ito_rule_describe(flow, dir, &r[dir]);
		ito_xdp_send(in, flow, r);
	}
	spin_unlock_bh(&flow->lock);
}

/**
 * ito_xdp_remove - a software session ends, or moves into hardware
 * @in: the instance
 * @flow: the flow; caller holds its lock
 *
 * Sent whatever the session's state now (the caller knows it was in
 * software): a backend that never held it ignores the removal.
 */
void ito_xdp_remove(struct ito_net *in, struct ito_flow *flow)
{
	if (ito_xdp_ports(in, flow) && ito_nl_xdp_listening(in))
		ito_xdp_send(in, flow, NULL);
}

/*
 * Every session the backend should hold, as installs: its start, and its
 * resync after it missed messages.
 */
int ito_xdp_session_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ito_net *in = ito_net(sock_net(skb->sk));
	struct ito_rule r[IP_CT_DIR_MAX];
	unsigned long id = cb->args[0];
	struct ito_flow *flow;
	int dir, err = 0;
	bool held;

	mutex_lock(&in->lock);
	xa_for_each_start(&in->flow_ids, id, flow, id) {
		void *hdr;

		if (READ_ONCE(flow->state) != ITO_FLOW_STATE_OFFLOADED)
			continue;
		spin_lock_bh(&flow->lock);
		held = ito_xdp_holds(in, flow);
		for (dir = 0; held && dir < IP_CT_DIR_MAX; dir++)
			ito_rule_describe(flow, dir, &r[dir]);
		spin_unlock_bh(&flow->lock);
		if (!held)
			continue;
		hdr = ito_nl_dump_put(skb, cb, ITO_CMD_XDP_SESSION);
		if (!hdr || ito_xdp_put(skb, in, flow, r)) {
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

/*
 * One reported count. Packets XDP forwarded never met conntrack: they go
 * to the flow and to conntrack whatever became of the session since, as
 * long as the flow lives. Return: whether the backend should keep it.
 */
static bool ito_xdp_count(struct ito_net *in, u64 id, int dir, u64 pkts,
			  u64 bytes)
{
	u64 p[IP_CT_DIR_MAX] = {}, b[IP_CT_DIR_MAX] = {};
	struct ito_flow *flow;
	bool held;

	lockdep_assert_held(&in->lock);
	flow = id <= U32_MAX ? xa_load(&in->flow_ids, id) : NULL;
	if (!flow)
		return false;
	p[dir] = pkts;
	b[dir] = bytes;
	spin_lock_bh(&flow->lock);
	held = ito_xdp_holds(in, flow);
	if (pkts || bytes) {
		ito_flow_add_offloaded(flow, p, b);
		ito_ct_acct(flow->ct, p, b);
		if (held && pkts)
			WRITE_ONCE(flow->last_seen, (u32)jiffies);
	}
	spin_unlock_bh(&flow->lock);
	ito_counter_add(in, ITO_CNT_XDP_PKTS, pkts);
	return held;
}

static int ito_xdp_put_stale(struct sk_buff *msg, u64 id, u8 dir)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, ITO_A_XDP_STAT);
	if (!nest ||
	    nla_put_u64_64bit(msg, ITO_A_XDP_STAT_ID, id, ITO_A_XDP_STAT_PAD) ||
	    nla_put_u8(msg, ITO_A_XDP_STAT_DIR, dir)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The backend's counts since its last report. The reply, no larger than
 * the request, names the sessions it should let go.
 */
int ito_xdp_report_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_XDP_STAT_MAX + 1];
	struct sk_buff *msg;
	struct nlattr *attr;
	int rem, err = 0;
	void *hdr;

	msg = ito_nl_reply_new(info, genlmsg_len(info->genlhdr), &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&in->lock);
	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		u64 id, pkts = 0, bytes = 0;
		u8 dir;

		if (nla_type(attr) != ITO_A_XDP_STAT)
			continue;
		err = nla_parse_nested(tb, ITO_A_XDP_STAT_MAX, attr,
				       ito_xdp_stat_policy, info->extack);
		if (err)
			break;
		if (!tb[ITO_A_XDP_STAT_ID] || !tb[ITO_A_XDP_STAT_DIR]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "a count needs the flow id and its direction");
			err = -EINVAL;
			break;
		}
		id = nla_get_u64(tb[ITO_A_XDP_STAT_ID]);
		dir = nla_get_u8(tb[ITO_A_XDP_STAT_DIR]);
		if (tb[ITO_A_XDP_STAT_PKTS])
			pkts = nla_get_u64(tb[ITO_A_XDP_STAT_PKTS]);
		if (tb[ITO_A_XDP_STAT_BYTES])
			bytes = nla_get_u64(tb[ITO_A_XDP_STAT_BYTES]);
		if (ito_xdp_count(in, id, dir, pkts, bytes))
			continue;
		ito_counter_inc(in, ITO_CNT_XDP_STALE);
		err = ito_xdp_put_stale(msg, id, dir);
		if (err)
			break;
	}
	mutex_unlock(&in->lock);
	return ito_nl_reply_finish(info, msg, hdr, err);
}
