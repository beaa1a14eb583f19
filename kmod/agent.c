// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the inspection channel. One agent per namespace registers its
 * netlink socket; the packet path copies the first packets of each flow to
 * it by unicast, never blocking: a full socket costs the copy, not the
 * packet. When the agent's socket closes, flows still waiting for a verdict
 * get the configured default.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ito.h"

int ito_agent_register(struct ito_net *in, u32 portid,
		       struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&in->lock);
	if (in->agent_portid && in->agent_portid != portid) {
		NL_SET_ERR_MSG(extack, "another agent is registered in this namespace");
		err = -EBUSY;
	} else {
		WRITE_ONCE(in->agent_portid, portid);
	}
	mutex_unlock(&in->lock);
	return err;
}

/* Caller holds @in->lock. */
static void ito_agent_gone(struct ito_net *in)
{
	WRITE_ONCE(in->agent_portid, 0);
	ito_flow_apply_default(in);
}

int ito_agent_unregister(struct ito_net *in, u32 portid,
			 struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&in->lock);
	if (in->agent_portid == portid) {
		ito_agent_gone(in);
	} else {
		NL_SET_ERR_MSG(extack, "this socket is not the registered agent");
		err = -ENOENT;
	}
	mutex_unlock(&in->lock);
	return err;
}

/**
 * ito_agent_send_copy - copy the start of a packet to the agent
 * @in: the instance
 * @flow: the packet's flow
 * @skb: the packet, data at the network header
 * @dir: IP_CT_DIR_ORIGINAL or IP_CT_DIR_REPLY
 * @ifindex: the port it came in by (in a bridge hook, skb->dev is the
 *	egress port already)
 * @seq: the copy's number within the flow, from 1
 *
 * Packet path (softirq). Failures are counted, the packet is unaffected.
 */
void ito_agent_send_copy(struct ito_net *in, struct ito_flow *flow,
			 struct sk_buff *skb, int dir, int ifindex, u32 seq)
{
	u32 portid = READ_ONCE(in->agent_portid);
	unsigned int snap;
	struct sk_buff *msg;
	struct nlattr *nest, *data;
	void *hdr;

	snap = min_t(unsigned int, skb->len,
		     ito_config_get(in, ITO_A_CONFIG_SNAPLEN));
	msg = ito_nl_packet_new(snap + 256, &hdr);
	if (!msg)
		goto drop;

	nest = nla_nest_start(msg, ITO_A_PACKET);
	if (!nest || ito_nl_put_flow(msg, ITO_A_PACKET_FLOW, flow, false) ||
	    nla_put_u8(msg, ITO_A_PACKET_DIR, dir) ||
	    nla_put_u32(msg, ITO_A_PACKET_IFINDEX, ifindex) ||
	    nla_put_u32(msg, ITO_A_PACKET_SEQ, seq) ||
	    nla_put_u32(msg, ITO_A_PACKET_LEN, skb->len))
		goto free;
	data = nla_reserve(msg, ITO_A_PACKET_DATA, snap);
	if (!data || skb_copy_bits(skb, 0, nla_data(data), snap))
		goto free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);

	if (!portid || ito_nl_unicast(in, msg, portid))
		goto drop;
	ito_counter_inc(in, ITO_CNT_COPIES_SENT);
	return;

free:
	nlmsg_free(msg);
drop:
	ito_counter_inc(in, ITO_CNT_COPIES_DROPPED);
}

static int ito_agent_netlink_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ito_net *in;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	in = ito_net(n->net);
	if (READ_ONCE(in->agent_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&in->lock);
	if (in->agent_portid == n->portid)
		ito_agent_gone(in);
	mutex_unlock(&in->lock);
	return NOTIFY_DONE;
}

static struct notifier_block ito_agent_netlink_nb = {
	.notifier_call = ito_agent_netlink_event,
};

int __init ito_agent_init(void)
{
	return netlink_register_notifier(&ito_agent_netlink_nb);
}

void ito_agent_uninit(void)
{
	netlink_unregister_notifier(&ito_agent_netlink_nb);
}
