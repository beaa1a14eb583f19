// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the netfilter hooks: see every forwarded packet after the host's
 * filter rules, find or start its flow, account it, copy it to the agent
 * while the flow is under inspection, drop it if the flow is blocked, and
 * learn what the offload of a flow with the offload verdict needs.
 *
 * Routed traffic is seen at the IPv4 and IPv6 forward hooks. Bridged
 * traffic between the two ports of a vwire pair is seen at the bridge
 * forward hook, with the conntrack entry nf_conntrack_bridge gave it; the
 * same per-packet logic serves both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/* After the filter table: packets the firewall drops are never shown. */
#define ITO_HOOK_PRIORITY	(NF_IP_PRI_FILTER + 10)
/* The same for bridged traffic: after the bridge family's filter chains. */
#define ITO_BR_HOOK_PRIORITY	(NF_BR_PRI_FILTER_BRIDGED + 10)

/* What the hook does with a packet, decided under the flow's lock. */
#define ITO_DO_COPY		BIT(0)	/* copy it to the agent */
#define ITO_DO_DROP		BIT(1)	/* blocked flow */
#define ITO_DO_CONSIDER		BIT(2)	/* offload verdict: eligible yet? */
#define ITO_DO_RCV_CPU		BIT(3)	/* offloaded, yet on the slow path */
#define ITO_DO_CT_VERDICT	BIT(4)	/* conntrack's verdict changed */

/* What conntrack says of the flow, when it is a verdict source. */
struct ito_ct_says {
	u8 verdict;
	u8 by;
};

/* Under the flow's lock: is this packet for the agent's eyes? */
static bool ito_flow_wants_copy(struct ito_net *in, struct ito_flow *flow,
				const struct ito_ct_says *ct)
{
	if (!READ_ONCE(in->agent_portid) ||
	    !(ito_config_get(in, ITO_A_CONFIG_VERDICT_SOURCE) &
	      ITO_VERDICT_SOURCE_AGENT))
		return false;
	/* what conntrack decides needs no inspection by the agent */
	if (ct && (ct->verdict != ITO_VERDICT_NONE ||
		   flow->verdict_by == ITO_VERDICT_BY_CTMARK ||
		   flow->verdict_by == ITO_VERDICT_BY_CTLABEL))
		return false;
	if (flow->copies >= ito_config_get(in, ITO_A_CONFIG_MIN_PKTS) &&
	    flow->verdict != ITO_VERDICT_INSPECT_ALL)
		return false;
	/* a peer's verdict for it may be on its way (ha.c) */
	return !(ct && flow->verdict == ITO_VERDICT_NONE &&
		 ito_ha_holds_copy(in));
}

static unsigned int ito_flow_account(struct ito_net *in, struct ito_flow *flow,
				     int dir, unsigned int len, int ifindex,
				     const struct ito_ct_says *ct, u32 *seq)
{
	unsigned int todo = 0;
	u8 to;

	spin_lock(&flow->lock);
	flow->pkts[dir]++;
	flow->bytes[dir] += len;
	flow->last_seen = (u32)jiffies;
	if (unlikely(!flow->iif[dir]))
		flow->iif[dir] = ifindex;

	if (unlikely(ct) && ito_ctv_change(flow, ct->verdict, ct->by, &to)) {
		/* applied by a work; a block starts with this packet */
		todo |= ITO_DO_CT_VERDICT;
		if (to == ITO_VERDICT_BLOCK) {
			todo |= ITO_DO_DROP;
			goto out;
		}
	}
	switch (flow->state) {
	case ITO_FLOW_STATE_BLOCKED:
		todo |= ITO_DO_DROP;
		goto out;
	case ITO_FLOW_STATE_OFFLOAD_PENDING:
		if (!(todo & ITO_DO_CT_VERDICT))
			todo |= ITO_DO_CONSIDER;
		break;
	case ITO_FLOW_STATE_OFFLOADED:
		todo |= ITO_DO_RCV_CPU;
		break;
	}
	if (ito_flow_wants_copy(in, flow, ct)) {
		*seq = ++flow->copies;
		todo |= ITO_DO_COPY;
	}
out:
	spin_unlock(&flow->lock);
	return todo;
}

/*
 * A vWire direction's "route" is the peer port it is bridged to: no next
 * hop, and the MTU of that device.
 */
static void ito_vwire_learn(struct ito_flow *flow, int dir,
			    const struct net_device *out)
{
	spin_lock(&flow->lock);
	flow->vwire = true;
	flow->dirs[dir].out_ifindex = out->ifindex;
	flow->dirs[dir].mtu = ito_mtu16(READ_ONCE(out->mtu));
	spin_unlock(&flow->lock);
}

/* The packet path proper, once the packet's flow is known. */
static unsigned int ito_hook_flow(struct ito_net *in, struct ito_flow *flow,
				  struct sk_buff *skb,
				  enum ip_conntrack_info ctinfo,
				  const struct nf_hook_state *state, bool vwire)
{
	/* the input port; not skb->dev, the egress port in the bridge hook */
	int iif = state->in->ifindex;
	int dir = CTINFO2DIR(ctinfo);
	struct ito_ct_says says, *ct = NULL;
	unsigned int todo;
	u32 seq = 0;

	if (ito_ctv_on(in)) {
		says.by = ITO_VERDICT_BY_NONE;
		says.verdict = ito_ctv_read(in, flow->ct, &says.by);
		ct = &says;
	}
	todo = ito_flow_account(in, flow, dir, skb->len, iif, ct, &seq);
	if (todo & ITO_DO_CT_VERDICT)
		ito_ctv_queue(in, flow);
	if (todo & ITO_DO_DROP) {
		ito_counter_inc(in, ITO_CNT_BLOCKED_PKTS);
		return NF_DROP;
	}
	if (todo & ITO_DO_COPY)
		ito_agent_send_copy(in, flow, skb, dir, iif, seq);
	if (todo & ITO_DO_CONSIDER) {
		if (vwire)
			ito_vwire_learn(flow, dir, state->out);
		ito_offload_consider(in, flow, skb, dir);
	}
	if (todo & ITO_DO_RCV_CPU)
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_RCV_CPU);
	return NF_ACCEPT;
}

static unsigned int __ito_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct ito_net *in = priv;
	enum ip_conntrack_info ctinfo;
	struct ito_flow *flow;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_UNTRACKED)
		return NF_ACCEPT;

	flow = ito_flow_lookup(in, ct);
	if (!flow) {
		if (!ito_port_lookup(in, state->in->ifindex))
			return NF_ACCEPT;
		flow = ito_flow_create(in, ct, CTINFO2DIR(ctinfo),
				       state->in->ifindex);
		if (!flow)
			return NF_ACCEPT;
	} else if (READ_ONCE(flow->vwire)) {
		/* bridged, yet shown to IP hooks (br_netfilter): seen there */
		return NF_ACCEPT;
	}
	return ito_hook_flow(in, flow, skb, ctinfo, state, false);
}

/*
 * Bridged traffic: only what goes from a vwire port straight to its peer.
 * The bridge has set skb->data to the network header, as in the IP hooks.
 */
static unsigned int __ito_hook_vwire(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct ito_net *in = priv;
	enum ip_conntrack_info ctinfo;
	struct ito_port *port;
	unsigned int verdict;
	struct ito_flow *flow;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_UNTRACKED || !state->in || !state->out)
		return NF_ACCEPT;
	port = ito_port_lookup(in, state->in->ifindex);
	if (!port || port->mode != ITO_PORT_MODE_VWIRE ||
	    port->peer_ifindex != state->out->ifindex)
		return NF_ACCEPT;

	flow = ito_flow_lookup(in, ct);
	if (!flow) {
		flow = ito_flow_create(in, ct, CTINFO2DIR(ctinfo),
				       state->in->ifindex);
		if (flow)
			WRITE_ONCE(flow->vwire, true);
	}
	/* in the IP hooks' order: destination NAT, ito, source NAT */
	verdict = ito_nat_bridged(in, skb, ct, ctinfo, state->out,
				  NF_INET_PRE_ROUTING);
	if (verdict == NF_ACCEPT && flow)
		verdict = ito_hook_flow(in, flow, skb, ctinfo, state, true);
	if (verdict == NF_ACCEPT)
		verdict = ito_nat_bridged(in, skb, ct, ctinfo, state->out,
					  NF_INET_POST_ROUTING);
	return verdict;
}

/*
 * A packet reinjected after an NFQUEUE verdict (an inline IDS) runs the
 * hooks after the queue's in the verdict's process context, softirqs on
 * (nf_reinject()); the packet path's locks are taken as softirq locks.
 */
static unsigned int ito_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	unsigned int verdict;

	local_bh_disable();
	verdict = __ito_hook(priv, skb, state);
	local_bh_enable();
	return verdict;
}

static unsigned int ito_hook_vwire(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	unsigned int verdict;

	local_bh_disable();
	verdict = __ito_hook_vwire(priv, skb, state);
	local_bh_enable();
	return verdict;
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

/**
 * ito_hook_vwire_enable - a vwire port arrives
 * @in: the instance; caller holds @in->lock
 *
 * The first one switches conntrack on for bridged traffic in the
 * namespace (which loads nf_conntrack_bridge if it must) and registers the
 * bridge forward hook.
 *
 * Return: 0, or an error when bridged traffic cannot be tracked.
 */
int ito_hook_vwire_enable(struct ito_net *in)
{
	struct nf_hook_ops *ops = &in->br_hook_ops;
	int err;

	lockdep_assert_held(&in->lock);
	if (in->nvwire++)
		return 0;
	err = nf_ct_netns_get(in->net, NFPROTO_BRIDGE);
	if (err)
		goto err_count;
	memset(ops, 0, sizeof(*ops));
	ops->hook = ito_hook_vwire;
	ops->pf = NFPROTO_BRIDGE;
	ops->hooknum = NF_BR_FORWARD;
	ops->priority = ITO_BR_HOOK_PRIORITY;
	ops->priv = in;
	err = nf_register_net_hook(in->net, ops);
	if (err)
		goto err_ct;
	return 0;

err_ct:
	nf_ct_netns_put(in->net, NFPROTO_BRIDGE);
err_count:
	in->nvwire--;
	return err;
}

/* A vwire port leaves; caller holds @in->lock. The last one unhooks. */
void ito_hook_vwire_disable(struct ito_net *in)
{
	lockdep_assert_held(&in->lock);
	if (WARN_ON(!in->nvwire) || --in->nvwire)
		return;
	nf_unregister_net_hook(in->net, &in->br_hook_ops);
	nf_ct_netns_put(in->net, NFPROTO_BRIDGE);
}
