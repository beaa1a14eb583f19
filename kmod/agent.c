// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the inspection channel. One agent per namespace registers its
 * netlink socket; the packet path copies the first packets of each flow to
 * it by unicast, never blocking: a full socket costs the copy, not the
 * packet. When the agent's socket closes, flows still waiting for a verdict
 * get the configured default.
 *
 * Copies go out in batches: each cpu appends them to one datagram, sent
 * when the next copy would not fit or when a timer fires, copy_delay after
 * the datagram's first copy. The timer is a softirq one, and its softirq
 * runs after the network's: a burst of packets handled in one round leaves
 * in a datagram or a few, with one allocation and one wakeup of the agent
 * for each, not one per copy. Where flows start by the ten thousand a
 * second, the wakeups (and the agent's trips through poll) are most of
 * what the forwarding cpu pays for the copies: with a millisecond, a
 * datagram is sent full, about 25 copies of small packets. Larger ones
 * measured slower: a 32 KiB block is zeroed when allocated (init_on_alloc)
 * and copied to a smaller one when sent part full (netlink_trim()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
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
 * struct ito_copy_batch - one cpu's datagram of copies, not sent yet
 * @lock: guards the rest; the packet path and the timer take it on the
 *	cpu they run on, so it is contended only if a cpu goes away while its
 *	timer is armed (the timer moves)
 * @skb: the datagram, NULL if none
 * @portid: the agent it is for
 * @n: copies in it
 * @timer: sends it, copy_delay after its first copy
 * @in: the instance
 */
struct ito_copy_batch {
	spinlock_t lock;		/* see above */
	struct sk_buff *skb;
	u32 portid;
	u32 n;
	struct hrtimer timer;
	struct ito_net *in;
};

/* Send @b's datagram, if any. Softirq context or BHs off. */
static void ito_copy_flush(struct ito_copy_batch *b)
{
	struct ito_net *in = b->in;
	struct sk_buff *skb;
	u32 portid, n;

	spin_lock(&b->lock);
	skb = b->skb;
	portid = b->portid;
	n = b->n;
	b->skb = NULL;
	b->n = 0;
	spin_unlock(&b->lock);
	if (!skb)
		return;
	/* copies for an agent that left are not for its successor */
	if (portid != READ_ONCE(in->agent_portid)) {
		nlmsg_free(skb);
		ito_counter_add(in, ITO_CNT_COPIES_DROPPED, n);
	} else if (ito_nl_unicast(in, skb, portid)) {
		ito_counter_add(in, ITO_CNT_COPIES_DROPPED, n);
	} else {
		ito_counter_add(in, ITO_CNT_COPIES_SENT, n);
	}
}

static enum hrtimer_restart ito_copy_timer(struct hrtimer *timer)
{
	ito_copy_flush(container_of(timer, struct ito_copy_batch, timer));
	return HRTIMER_NORESTART;
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
 * The copy joins this cpu's batch; counted as sent once that is.
 */
void ito_agent_send_copy(struct ito_net *in, struct ito_flow *flow,
			 struct sk_buff *skb, int dir, int ifindex, u32 seq)
{
	u32 portid = READ_ONCE(in->agent_portid);
	struct ito_copy_batch *b;
	unsigned int snap;
	u32 delay;
	size_t need;
	bool first;

	if (!portid)
		goto drop;
	snap = min_t(unsigned int, skb->len,
		     ito_config_get(in, ITO_A_CONFIG_SNAPLEN));
	need = ito_nl_copy_size(snap);
	b = this_cpu_ptr(in->copies);

	spin_lock(&b->lock);
	if (b->skb && (b->portid != portid || skb_tailroom(b->skb) < need)) {
		spin_unlock(&b->lock);
		ito_copy_flush(b);
		spin_lock(&b->lock);
	}
	if (!b->skb) {
		b->skb = alloc_skb(max_t(size_t, need, NLMSG_GOODSIZE),
				   GFP_ATOMIC);
		if (!b->skb) {
			spin_unlock(&b->lock);
			goto drop;
		}
		b->portid = portid;
	}
	if (ito_nl_put_copy(b->skb, flow, skb, dir, ifindex, seq, snap)) {
		spin_unlock(&b->lock);
		goto drop;
	}
	first = !b->n++;
	delay = ito_config_get(in, ITO_A_CONFIG_COPY_DELAY);
	/* full (the next would not fit), or no wait: send it now */
	if (!delay || skb_tailroom(b->skb) < need) {
		spin_unlock(&b->lock);
		ito_copy_flush(b);	/* an armed timer finds nothing, or more */
		return;
	}
	spin_unlock(&b->lock);
	if (first)
		hrtimer_start(&b->timer, ns_to_ktime(delay * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED_SOFT);
	return;

drop:
	ito_counter_inc(in, ITO_CNT_COPIES_DROPPED);
}

/* Process context, before the instance is used. */
int ito_agent_net_init(struct ito_net *in)
{
	int cpu;

	in->copies = alloc_percpu_gfp(struct ito_copy_batch, GFP_KERNEL_ACCOUNT);
	if (!in->copies)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct ito_copy_batch *b = per_cpu_ptr(in->copies, cpu);

		spin_lock_init(&b->lock);
		hrtimer_init(&b->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_SOFT);
		b->timer.function = ito_copy_timer;
		b->in = in;
	}
	return 0;
}

/* Process context, once the instance is off the packet path. */
void ito_agent_net_uninit(struct ito_net *in)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ito_copy_batch *b = per_cpu_ptr(in->copies, cpu);

		hrtimer_cancel(&b->timer);
		nlmsg_free(b->skb);	/* NULL or copies nobody can read now */
	}
	free_percpu(in->copies);
	in->copies = NULL;
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
