// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the netfilter hooks: see every forwarded packet after the host's
 * filter rules, find or start its flow, account it, copy it to the agent
 * while the flow is under inspection, drop it if the flow is blocked, and
 * learn what the offload of a flow with the offload verdict needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/* After the filter table: packets the firewall drops are never shown. */
#define ITO_HOOK_PRIORITY	(NF_IP_PRI_FILTER + 10)

/* What the hook does with a packet, decided under the flow's lock. */
#define ITO_DO_COPY		BIT(0)	/* copy it to the agent */
#define ITO_DO_DROP		BIT(1)	/* blocked flow */
#define ITO_DO_CONSIDER		BIT(2)	/* offload verdict: eligible yet? */
#define ITO_DO_RCV_CPU		BIT(3)	/* offloaded, yet on the slow path */

static unsigned int ito_flow_account(struct ito_net *in, struct ito_flow *flow,
				     int dir, unsigned int len, int ifindex,
				     u32 *seq)
{
	unsigned int todo = 0;

	spin_lock(&flow->lock);
	flow->pkts[dir]++;
	flow->bytes[dir] += len;
	flow->last_seen = jiffies;
	if (unlikely(!flow->iif[dir]))
		flow->iif[dir] = ifindex;

	switch (flow->state) {
	case ITO_FLOW_STATE_BLOCKED:
		todo = ITO_DO_DROP;
		goto out;
	case ITO_FLOW_STATE_OFFLOAD_PENDING:
		todo |= ITO_DO_CONSIDER;
		break;
	case ITO_FLOW_STATE_OFFLOADED:
		todo |= ITO_DO_RCV_CPU;
		break;
	}
	if (READ_ONCE(in->agent_portid) &&
	    (flow->copies < ito_config_get(in, ITO_A_CONFIG_MIN_PKTS) ||
	     flow->verdict == ITO_VERDICT_INSPECT_ALL)) {
		*seq = ++flow->copies;
		todo |= ITO_DO_COPY;
	}
out:
	spin_unlock(&flow->lock);
	return todo;
}

static unsigned int ito_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct ito_net *in = priv;
	enum ip_conntrack_info ctinfo;
	struct ito_flow *flow;
	struct nf_conn *ct;
	unsigned int todo;
	u32 seq = 0;
	int dir;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_UNTRACKED)
		return NF_ACCEPT;

	flow = ito_flow_lookup(in, ct);
	if (!flow) {
		if (!ito_port_lookup(in, state->in->ifindex))
			return NF_ACCEPT;
		flow = ito_flow_create(in, ct);
		if (!flow)
			return NF_ACCEPT;
	}

	dir = CTINFO2DIR(ctinfo);
	todo = ito_flow_account(in, flow, dir, skb->len, state->in->ifindex, &seq);
	if (todo & ITO_DO_DROP) {
		ito_counter_inc(in, ITO_CNT_BLOCKED_PKTS);
		return NF_DROP;
	}
	if (todo & ITO_DO_COPY)
		ito_agent_send_copy(in, flow, skb, dir, seq);
	if (todo & ITO_DO_CONSIDER)
		ito_offload_consider(in, flow, skb, dir);
	if (todo & ITO_DO_RCV_CPU)
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_RCV_CPU);
	return NF_ACCEPT;
}

/* Caller holds @in->lock. Conntrack is switched on for the namespace. */
int ito_hook_enable(struct ito_net *in)
{
	struct nf_hook_ops ops[] = {
		{
			.hook		= ito_hook,
			.pf		= NFPROTO_IPV4,
			.hooknum	= NF_INET_FORWARD,
			.priority	= ITO_HOOK_PRIORITY,
			.priv		= in,
		},
		{
			.hook		= ito_hook,
			.pf		= NFPROTO_IPV6,
			.hooknum	= NF_INET_FORWARD,
			.priority	= ITO_HOOK_PRIORITY,
			.priv		= in,
		},
	};
	int err;

	lockdep_assert_held(&in->lock);
	if (in->hooks_on)
		return 0;
	err = nf_ct_netns_get(in->net, NFPROTO_INET);
	if (err)
		return err;
	BUILD_BUG_ON(ARRAY_SIZE(ops) != ARRAY_SIZE(in->hook_ops));
	memcpy(in->hook_ops, ops, sizeof(ops));
	err = nf_register_net_hooks(in->net, in->hook_ops, ARRAY_SIZE(ops));
	if (err) {
		nf_ct_netns_put(in->net, NFPROTO_INET);
		return err;
	}
	in->hooks_on = true;
	return 0;
}

/* Caller holds @in->lock. Returns after the last packet left the hook. */
void ito_hook_disable(struct ito_net *in)
{
	lockdep_assert_held(&in->lock);
	if (!in->hooks_on)
		return;
	nf_unregister_net_hooks(in->net, in->hook_ops, ARRAY_SIZE(in->hook_ops));
	nf_ct_netns_put(in->net, NFPROTO_INET);
	in->hooks_on = false;
}
