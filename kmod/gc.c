// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the flow GC: it ends flows whose conntrack entry died or expired,
 * and ages offloaded sessions, without looking at every flow every second.
 *
 * Two schedules share the work:
 *
 * - A wheel of one-second slots holds each flow's id at the second its
 *   next look is due: its conntrack entry's expiry, its session's ageing
 *   deadline (as of the packets or the device counts seen so far), the
 *   next hardware retry. A look either ends the flow or finds the new
 *   deadline and files the id there again. The wheel reaches
 *   ITO_GC_SLOTS - 1 seconds ahead; later deadlines are looked at then.
 *   Ids (32 bits, 4 bytes a flow) live outside the flows, in page-sized
 *   chunks per slot, resolved through the id index. An id whose flow
 *   ended meanwhile resolves to nothing, or, once the ids have wrapped
 *   round, to a newer flow, which is looked at early and filed again.
 *
 * - A sweep walks all flows by id at a bounded rate, for what no
 *   deadline announces: an entry deleted from conntrack (conntrack -D or
 *   -F), a timeout shortened by a packet, a mark change on a session in
 *   hardware, a verdict arriving earlier than the flow's slot. Small tables
 *   are swept every second; a large one at ITO_GC_SWEEP_RATE flows a
 *   second at least, and in ITO_GC_SWEEP_PERIOD seconds at most. A shorter
 *   ageing has every flow swept at once.
 *
 * Only this work touches the wheel; flows are looked at under the instance
 * mutex, ITO_GC_SLICE at a time, so that verdicts and ports wait for one
 * slice at most.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/* flows looked at per hold of the instance mutex */
#define ITO_GC_SLICE		256
/* flows swept per second at least, and the longest sweep of a big table */
#define ITO_GC_SWEEP_RATE	4096
#define ITO_GC_SWEEP_PERIOD	30
/*
 * A conntrack entry never confirmed (its first packet was dropped later
 * in the stack) is forgotten after this long.
 */
#define ITO_UNCONFIRMED_TTL	(10 * HZ)

#define ITO_GC_CHUNK_IDS \
	((PAGE_SIZE - 2 * sizeof(void *)) / sizeof(u32))

/* Ids due in one second, newest chunk first. */
struct ito_gc_chunk {
	struct ito_gc_chunk *next;
	unsigned long n;
	u32 id[ITO_GC_CHUNK_IDS];
};

static_assert(sizeof(struct ito_gc_chunk) <= PAGE_SIZE);

static unsigned long ito_gc_second(unsigned long t)
{
	return t / HZ;
}

/*
 * File @id at second @sec. Without memory the flow is left to the
 * sweep, which finds it in ITO_GC_SWEEP_PERIOD seconds at most.
 */
static void ito_gc_file(struct ito_gc *gc, u32 id, unsigned long sec)
{
	struct ito_gc_chunk **slot = &gc->slot[sec % ITO_GC_SLOTS];
	struct ito_gc_chunk *c = *slot;

	if (!c || c->n == ITO_GC_CHUNK_IDS) {
		c = kmalloc(sizeof(*c), GFP_KERNEL | __GFP_NOWARN);
		if (!c)
			return;
		c->n = 0;
		c->next = *slot;
		*slot = c;
	}
	c->id[c->n++] = id;
}

static u32 ito_gc_death_reason(const struct nf_conn *ct)
{
	if (nf_ct_protonum(ct) != IPPROTO_TCP)
		return ITO_END_REASON_TIMEOUT;
	switch (READ_ONCE(ct->proto.tcp.state)) {
	case TCP_CONNTRACK_FIN_WAIT:
	case TCP_CONNTRACK_CLOSE_WAIT:
	case TCP_CONNTRACK_LAST_ACK:
	case TCP_CONNTRACK_TIME_WAIT:
		return ITO_END_REASON_FIN;
	case TCP_CONNTRACK_CLOSE:
		return ITO_END_REASON_RST;
	default:
		return ITO_END_REASON_TIMEOUT;
	}
}

/**
 * ito_gc_one - one flow's look: ended by conntrack, never confirmed, idle
 * @in: the instance; caller holds @in->lock
 * @flow: a flow found by id under the lock
 *
 * Return: when the flow next needs a look (jiffies), 0 if it ended.
 */
static unsigned long ito_gc_one(struct ito_net *in, struct ito_flow *flow)
{
	struct nf_conn *ct = flow->ct;
	unsigned long now = jiffies, next;
	u8 state;

	ito_counter_inc(in, ITO_CNT_GC_LOOKS);
	/* an age kept in 32 bits of jiffies stops at ITO_AGE_MAX */
	if ((u32)now - READ_ONCE(flow->first_seen) > ITO_AGE_MAX)
		WRITE_ONCE(flow->first_seen, (u32)now - ITO_AGE_MAX);
	/* an unconfirmed entry's timeout is still relative */
	if (nf_ct_is_dying(ct) ||
	    (nf_ct_is_confirmed(ct) && nf_ct_is_expired(ct))) {
		ito_flow_end(in, flow, ito_gc_death_reason(ct));
		return 0;
	}
	if (!nf_ct_is_confirmed(ct)) {
		next = ito_flow_first_seen(flow) + ITO_UNCONFIRMED_TTL;
		if (!time_after(now, next))
			return next;
		ito_flow_end(in, flow, ITO_END_REASON_TIMEOUT);
		return 0;
	}
	/* sessions in hardware show no packet that would notice a change */
	if (ito_ctv_on(in))
		ito_ctv_apply(in, flow);
	if (ito_offload_age(in, flow, &next))
		return 0;
	if (next)		/* offloaded */
		return next;

	state = READ_ONCE(flow->state);
	/* conntrack refreshes the timeout with every packet it sees */
	next = now + nf_ct_expires(ct);
	/* about to be offloaded: its session's ageing starts soon */
	if (state == ITO_FLOW_STATE_INSPECTING ||
	    state == ITO_FLOW_STATE_OFFLOAD_PENDING)
		next = min(next, now + ito_offload_ageing(in, flow));
	return next;
}

/* Look at @flow and file it again at its next deadline. */
static void ito_gc_look(struct ito_net *in, struct ito_flow *flow)
{
	unsigned long now = ito_gc_second(jiffies);
	unsigned long next = ito_gc_one(in, flow);

	if (!next)
		return;
	/* due within this second: the next run; far off: the wheel's edge */
	next = clamp(ito_gc_second(next + HZ - 1), now + 1,
		     now + ITO_GC_SLOTS - 1);
	ito_gc_file(&in->gc, flow->id, next);
}

/* The flows with ids @from to @to join the wheel. */
static void ito_gc_new_range(struct ito_net *in, unsigned long from,
			     unsigned long to)
{
	struct ito_flow *flow;
	unsigned long id;
	unsigned int n;

	do {
		n = 0;
		id = from;
		mutex_lock(&in->lock);
		xa_for_each_range(&in->flow_ids, id, flow, from, to) {
			ito_gc_look(in, flow);
			if (++n == ITO_GC_SLICE)
				break;
		}
		mutex_unlock(&in->lock);
		cond_resched();
		from = id + 1;
	} while (n == ITO_GC_SLICE && id < to);
}

/*
 * Flows made since the last run join the wheel: the ids handed out since,
 * in the order they were, round the end of the id space if they wrapped.
 */
static void ito_gc_new_flows(struct ito_net *in)
{
	struct ito_gc *gc = &in->gc;
	u32 to = READ_ONCE(in->next_id) - 1;

	/*
	 * A flow whose id was handed out before the last but whose index
	 * entry came after this run (two cpus creating flows at once) is
	 * missed here: the sweep looks after it.
	 */
	if (to == gc->newest)
		return;
	if (to > gc->newest) {
		ito_gc_new_range(in, gc->newest + 1, to);
	} else {
		ito_gc_new_range(in, gc->newest + 1, U32_MAX);
		ito_gc_new_range(in, 1, to);
	}
	gc->newest = to;
}

/* The flows of one slot whose second has come. */
static void ito_gc_slot(struct ito_net *in, unsigned int slot)
{
	struct ito_gc *gc = &in->gc;
	struct ito_gc_chunk *c, *next;
	struct ito_flow *flow;
	unsigned int n = 0;
	unsigned long i;

	/* filing goes to later slots only: this list is ours */
	c = gc->slot[slot];
	gc->slot[slot] = NULL;
	mutex_lock(&in->lock);
	for (; c; c = next) {
		for (i = 0; i < c->n; i++) {
			flow = xa_load(&in->flow_ids, c->id[i]);
			if (flow)
				ito_gc_look(in, flow);
			if (++n % ITO_GC_SLICE == 0)
				ito_lock_break(in);
		}
		next = c->next;
		kfree(c);
	}
	ito_hw_reap(in);
	mutex_unlock(&in->lock);
}

/*
 * The sweep: up to its budget of flows from where it stopped, wrapping
 * round at the newest, never twice over one flow in a run. Their wheel
 * entries stay as they are.
 */
static void ito_gc_sweep(struct ito_net *in, bool all)
{
	unsigned int budget = max_t(unsigned int, ITO_GC_SWEEP_RATE,
				    atomic_read(&in->nflows) /
				    ITO_GC_SWEEP_PERIOD);
	struct ito_gc *gc = &in->gc;
	unsigned long start = gc->sweep_from, id = start, last = ULONG_MAX;
	struct ito_flow *flow;
	unsigned int n;

	if (all)
		budget = UINT_MAX;
	while (budget) {
		n = 0;
		mutex_lock(&in->lock);
		xa_for_each_range(&in->flow_ids, id, flow, id, last) {
			ito_gc_one(in, flow);
			if (++n == min(budget, ITO_GC_SLICE))
				break;
		}
		ito_hw_reap(in);
		mutex_unlock(&in->lock);
		budget -= n;
		cond_resched();
		if (flow) {
			id++;
			continue;
		}
		/* the end of the table: round from the start, once */
		id = 0;
		if (last != ULONG_MAX || !start)
			break;		/* every flow looked at */
		last = start - 1;
	}
	gc->sweep_from = id;
}

/*
 * Sessions were filed by the ageing of their time: when it shrinks, the
 * next sweep looks at every flow, so that the new ageing applies at once.
 */
static bool ito_gc_ageing_shrank(struct ito_net *in)
{
	u32 tcp = ito_config_get(in, ITO_A_CONFIG_TCP_AGEING);
	u32 udp = ito_config_get(in, ITO_A_CONFIG_UDP_AGEING);
	struct ito_gc *gc = &in->gc;
	bool shrank = tcp < gc->tcp_ageing || udp < gc->udp_ageing;

	gc->tcp_ageing = tcp;
	gc->udp_ageing = udp;
	return shrank;
}

static void ito_gc_work(struct work_struct *work)
{
	struct ito_net *in = container_of(to_delayed_work(work), struct ito_net,
					  gc.work);
	struct ito_gc *gc = &in->gc;
	unsigned long now = ito_gc_second(jiffies);
	bool all = ito_gc_ageing_shrank(in);

	ito_gc_new_flows(in);
	/* late by more than the wheel's reach: every slot once */
	if (now - gc->done > ITO_GC_SLOTS)
		gc->done = now - ITO_GC_SLOTS;
	while (gc->done != now)
		ito_gc_slot(in, ++gc->done % ITO_GC_SLOTS);
	ito_gc_sweep(in, all);
	ito_flow_drained(in);
	ito_nat_expire(in);
	queue_delayed_work(system_power_efficient_wq, &gc->work, HZ);
}

void ito_gc_net_init(struct ito_net *in)
{
	struct ito_gc *gc = &in->gc;

	memset(gc->slot, 0, sizeof(gc->slot));
	gc->done = ito_gc_second(jiffies);
	gc->newest = 0;
	gc->sweep_from = 0;
	gc->tcp_ageing = ito_config_get(in, ITO_A_CONFIG_TCP_AGEING);
	gc->udp_ageing = ito_config_get(in, ITO_A_CONFIG_UDP_AGEING);
	INIT_DELAYED_WORK(&gc->work, ito_gc_work);
	queue_delayed_work(system_power_efficient_wq, &gc->work, HZ);
}

/* Stops the GC; the caller ends the flows that are left. */
void ito_gc_net_uninit(struct ito_net *in)
{
	struct ito_gc *gc = &in->gc;
	struct ito_gc_chunk *c, *next;
	unsigned int i;

	cancel_delayed_work_sync(&gc->work);
	for (i = 0; i < ITO_GC_SLOTS; i++) {
		for (c = gc->slot[i]; c; c = next) {
			next = c->next;
			kfree(c);
		}
		gc->slot[i] = NULL;
	}
}
