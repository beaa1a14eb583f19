// SPDX-License-Identifier: GPL-2.0
/*
 * ito - verdicts in conntrack. A verdict can come from the conntrack entry
 * itself: from bits of its mark (set by the ruleset, or saved from an
 * inline IDS's packet mark, such as Suricata's NFQ bypass mark), or from
 * ito's own label bits on an entry that arrived with them (replicated from
 * another firewall). ito writes its decision back into label bits, for the
 * ruleset, "conntrack -L" and replication to see.
 *
 * When the agent and conntrack both speak, a block from either wins, and
 * otherwise conntrack's verdict wins over the agent's: it is the ruleset's,
 * or the IDS's after it saw the flow. A conntrack verdict follows its
 * entry: a new value gives the flow the new verdict (an offloaded flow
 * goes back to the slow path first), and a value that no longer names a
 * verdict sends the flow back to inspection. Labels decide only flows
 * without a verdict, so that ito's write-back never overrules the agent.
 *
 * The packet path notices a change and queues the flow's id; a work
 * applies it under the instance lock, as an agent's verdict is applied. A
 * session whose packets no hook sees (in hardware) is checked by the GC,
 * once a second; the fast path hands a session back at its next packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/netlink.h>

#include "ito.h"

/* flows applied per hold of the instance lock */
#define ITO_CTV_SLICE	64

static const u8 ito_ctv_mark_knob[] = {
	[ITO_VERDICT_OFFLOAD]	= ITO_A_CONFIG_CTMARK_OFFLOAD,
	[ITO_VERDICT_INSPECT]	= ITO_A_CONFIG_CTMARK_INSPECT,
	[ITO_VERDICT_BLOCK]	= ITO_A_CONFIG_CTMARK_BLOCK,
};

static const u8 ito_ctv_label_knob[] = {
	[ITO_VERDICT_OFFLOAD]	= ITO_A_CONFIG_CTLABEL_OFFLOADED,
	[ITO_VERDICT_INSPECT]	= ITO_A_CONFIG_CTLABEL_INSPECTED,
	[ITO_VERDICT_BLOCK]	= ITO_A_CONFIG_CTLABEL_BLOCKED,
};

/* In the order a label source reads them: a block first. */
static const u8 ito_ctv_order[] = {
	ITO_VERDICT_BLOCK, ITO_VERDICT_OFFLOAD, ITO_VERDICT_INSPECT,
};

/* As the rejected knob's own message: where it points, else the request. */
static int ito_ctv_reject(struct nlattr *const *tb, int knob,
			  struct netlink_ext_ack *extack, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		if (tb[knob])
			NL_SET_BAD_ATTR(extack, tb[knob]);
	}
	return -EINVAL;
}

/*
 * Take or give back conntrack's label extension: entries get one only
 * while some user holds it on. Under @in->config_lock.
 */
static int ito_ctv_labels_hold(struct ito_net *in, bool on)
{
	int err;

	if (on == in->ct_labels)
		return 0;
	if (on) {
		err = nf_connlabels_get(in->net, ITO_CTLABEL_NONE - 1);
		if (err)
			return err;
	} else {
		nf_connlabels_put(in->net);
	}
	in->ct_labels = on;
	return 0;
}

/**
 * ito_ctv_config_check - refuse verdict-source settings that do not fit
 * @in: the instance; caller holds @in->config_lock
 * @next: every knob as it would be (each within its range)
 * @tb: the knobs of the request, for pointing at the culprit
 * @extack: says why
 *
 * On success, conntrack's label extension is on if and only if a label
 * knob names a bit.
 *
 * Return: 0, or -EINVAL (or the error of turning labels on).
 */
int ito_ctv_config_check(struct ito_net *in, const u32 *next,
			 struct nlattr *const *tb, struct netlink_ext_ack *extack)
{
	u32 src = next[ITO_A_CONFIG_VERDICT_SOURCE];
	u32 mask = next[ITO_A_CONFIG_CTMARK_MASK];
	bool any_mark = false, any_label = false;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(ito_ctv_order); i++) {
		u8 v = ito_ctv_order[i];
		u32 mark = next[ito_ctv_mark_knob[v]];
		u32 bit = next[ito_ctv_label_knob[v]];

		if (mark & ~mask)
			return ito_ctv_reject(tb, ito_ctv_mark_knob[v], extack,
					      "a ctmark verdict value has bits outside ctmark_mask");
		any_mark |= !!mark;
		any_label |= bit != ITO_CTLABEL_NONE;
		for (j = 0; j < i; j++) {
			u8 w = ito_ctv_order[j];

			if (mark && mark == next[ito_ctv_mark_knob[w]])
				return ito_ctv_reject(tb, ito_ctv_mark_knob[v], extack,
						      "two verdicts share one ctmark value");
			if (bit != ITO_CTLABEL_NONE &&
			    bit == next[ito_ctv_label_knob[w]])
				return ito_ctv_reject(tb, ito_ctv_label_knob[v], extack,
						      "two verdicts share one ct label bit");
		}
	}
	if ((src & ITO_VERDICT_SOURCE_CTMARK) && !any_mark)
		return ito_ctv_reject(tb, ITO_A_CONFIG_VERDICT_SOURCE, extack,
				      "the ctmark source needs ctmark_mask and a verdict value");
	if ((src & ITO_VERDICT_SOURCE_CTLABEL) && !any_label)
		return ito_ctv_reject(tb, ITO_A_CONFIG_VERDICT_SOURCE, extack,
				      "the ctlabel source needs a ctlabel bit");
	if (!IS_ENABLED(CONFIG_NF_CONNTRACK_MARK) && any_mark)
		return ito_ctv_reject(tb, ITO_A_CONFIG_CTMARK_MASK, extack,
				      "this kernel has no conntrack marks");
	if (!IS_ENABLED(CONFIG_NF_CONNTRACK_LABELS) && any_label)
		return ito_ctv_reject(tb, ITO_A_CONFIG_VERDICT_SOURCE, extack,
				      "this kernel has no conntrack labels");
	return ito_ctv_labels_hold(in, any_label);
}

/**
 * ito_ctv_read - the verdict conntrack carries for an entry
 * @in: the instance
 * @ct: the entry
 * @by: which source gave it, out (set when a verdict is returned)
 *
 * Any context. The mark is read before the labels.
 *
 * Return: the verdict, or ITO_VERDICT_NONE.
 */
u8 ito_ctv_read(const struct ito_net *in, const struct nf_conn *ct, u8 *by)
{
	u32 src = ito_config_get(in, ITO_A_CONFIG_VERDICT_SOURCE);
	int i;

#if IS_ENABLED(CONFIG_NF_CONNTRACK_MARK)
	if (src & ITO_VERDICT_SOURCE_CTMARK) {
		u32 mark = READ_ONCE(ct->mark) &
			   ito_config_get(in, ITO_A_CONFIG_CTMARK_MASK);

		for (i = 0; mark && i < ARRAY_SIZE(ito_ctv_order); i++) {
			u8 v = ito_ctv_order[i];

			if (mark == ito_config_get(in, ito_ctv_mark_knob[v])) {
				*by = ITO_VERDICT_BY_CTMARK;
				return v;
			}
		}
	}
#endif
	if (src & ITO_VERDICT_SOURCE_CTLABEL) {
		struct nf_conn_labels *labels = nf_ct_labels_find(ct);

		for (i = 0; labels && i < ARRAY_SIZE(ito_ctv_order); i++) {
			u8 v = ito_ctv_order[i];
			u32 bit = ito_config_get(in, ito_ctv_label_knob[v]);

			if (bit != ITO_CTLABEL_NONE && test_bit(bit, labels->bits)) {
				*by = ITO_VERDICT_BY_CTLABEL;
				return v;
			}
		}
	}
	return ITO_VERDICT_NONE;
}

static bool ito_ctv_by_conntrack(u8 by)
{
	return by == ITO_VERDICT_BY_CTMARK || by == ITO_VERDICT_BY_CTLABEL;
}

/**
 * ito_ctv_change - what conntrack's verdict does to a flow
 * @flow: the flow; caller holds its lock or the instance lock
 * @verdict: what ito_ctv_read() found, maybe ITO_VERDICT_NONE
 * @by: and from where
 * @to: the flow's new verdict, out
 *
 * Return: true when the flow's verdict (or only who gave it) must change.
 */
bool ito_ctv_change(const struct ito_flow *flow, u8 verdict, u8 by, u8 *to)
{
	bool mine = ito_ctv_by_conntrack(flow->verdict_by);

	/* an agent's block is final */
	if (flow->verdict == ITO_VERDICT_BLOCK && !mine &&
	    flow->verdict_by != ITO_VERDICT_BY_NONE)
		return false;
	if (verdict == ITO_VERDICT_NONE) {
		/* withdrawn: back to inspection */
		*to = ITO_VERDICT_INSPECT;
		return mine && flow->verdict != ITO_VERDICT_INSPECT;
	}
	if (by == ITO_VERDICT_BY_CTLABEL && flow->verdict != ITO_VERDICT_NONE &&
	    flow->verdict_by != ITO_VERDICT_BY_CTLABEL)
		return false;
	*to = verdict;
	return flow->verdict != verdict || flow->verdict_by != by;
}

/**
 * ito_ctv_admits - may the agent's verdict replace the flow's
 * @flow: the flow; caller holds the instance lock
 * @verdict: the agent's verdict
 *
 * Return: false when a conntrack verdict takes precedence (counted by the
 * caller).
 */
bool ito_ctv_admits(const struct ito_flow *flow, u8 verdict)
{
	return verdict == ITO_VERDICT_BLOCK ||
	       !ito_ctv_by_conntrack(flow->verdict_by);
}

/**
 * ito_ctv_queue - have the flow's conntrack verdict applied soon
 * @in: the instance
 * @flow: the flow, found by the packet path
 *
 * A full queue leaves the change to the next GC pass (counted).
 */
void ito_ctv_queue(struct ito_net *in, struct ito_flow *flow)
{
	bool kick = false;

	spin_lock_bh(&in->pending_lock);
	if (!flow->ended && !flow->ct_queued) {
		if (kfifo_put(&in->ct_ids, flow->id)) {
			flow->ct_queued = true;
			kick = true;
		} else {
			ito_counter_inc(in, ITO_CNT_CTVERDICT_QUEUE_FULL);
		}
	}
	spin_unlock_bh(&in->pending_lock);
	if (kick)
		queue_work(system_wq, &in->ct_work);
}

/**
 * ito_ctv_apply - give a flow the verdict its conntrack entry carries now
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 */
void ito_ctv_apply(struct ito_net *in, struct ito_flow *flow)
{
	u8 by = ITO_VERDICT_BY_NONE, verdict, to;
	bool change;

	lockdep_assert_held(&in->lock);
	verdict = ito_ctv_read(in, flow->ct, &by);
	if (verdict == ITO_VERDICT_NONE)
		by = flow->verdict_by;	/* a withdrawal keeps its source */
	change = ito_ctv_change(flow, verdict, by, &to);
	if (!change)
		return;
	if (verdict == ITO_VERDICT_NONE)
		ito_counter_inc(in, ITO_CNT_VERDICT_REVOKED);
	else if (to != flow->verdict)
		ito_counter_inc(in, ITO_CNT_VERDICT_CONNTRACK);
	ito_flow_set_verdict(in, flow, to, by);
}

static void ito_ctv_work(struct work_struct *work)
{
	struct ito_net *in = container_of(work, struct ito_net, ct_work);
	u64 ids[ITO_CTV_SLICE];
	unsigned int n, i;

	do {
		spin_lock_bh(&in->pending_lock);
		n = kfifo_out(&in->ct_ids, ids, ARRAY_SIZE(ids));
		spin_unlock_bh(&in->pending_lock);

		mutex_lock(&in->lock);
		for (i = 0; i < n; i++) {
			/* ended since: gone, or (ids wrapped) a newer flow */
			struct ito_flow *flow = xa_load(&in->flow_ids, ids[i]);

			if (!flow)
				continue;
			spin_lock_bh(&in->pending_lock);
			flow->ct_queued = false;
			spin_unlock_bh(&in->pending_lock);
			ito_ctv_apply(in, flow);
		}
		mutex_unlock(&in->lock);
		cond_resched();
	} while (n == ARRAY_SIZE(ids));
}

/**
 * ito_ctv_write - write the flow's verdict into its conntrack labels
 * @in: the instance
 * @flow: the flow; caller holds @in->lock
 *
 * Sets the bit of the verdict and clears the other two; touches nothing
 * when no bit is configured. An entry made before the labels were turned
 * on has no room for them (counted).
 */
void ito_ctv_write(struct ito_net *in, struct ito_flow *flow)
{
	u32 data[NF_CT_LABELS_MAX_SIZE / sizeof(u32)] = {};
	u32 mask[NF_CT_LABELS_MAX_SIZE / sizeof(u32)] = {};
	u8 verdict = flow->verdict;
	bool any = false;
	int v;

	if (verdict == ITO_VERDICT_INSPECT_ALL)
		verdict = ITO_VERDICT_INSPECT;
	for (v = ITO_VERDICT_OFFLOAD; v <= ITO_VERDICT_BLOCK; v++) {
		u32 bit = ito_config_get(in, ito_ctv_label_knob[v]);

		if (bit == ITO_CTLABEL_NONE)
			continue;
		any = true;
		mask[bit / 32] |= BIT(bit % 32);
		if (v == verdict)
			data[bit / 32] |= BIT(bit % 32);
	}
	if (!any)
		return;
	if (nf_connlabels_replace(flow->ct, data, mask, ARRAY_SIZE(data)))
		ito_counter_inc(in, ITO_CNT_CTLABEL_MISSING);
}

void ito_ctv_net_init(struct ito_net *in)
{
	INIT_KFIFO(in->ct_ids);
	INIT_WORK(&in->ct_work, ito_ctv_work);
}

/* The flows have ended: nothing queues any more. */
void ito_ctv_net_uninit(struct ito_net *in)
{
	cancel_work_sync(&in->ct_work);
	mutex_lock(&in->config_lock);
	ito_ctv_labels_hold(in, false);
	mutex_unlock(&in->config_lock);
}
