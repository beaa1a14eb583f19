// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the flow table: one flow per conntrack entry seen from an enrolled
 * port, and its verdict state machine. The GC that ends flows is gc.c.
 *
 * A flow is created in the packet path and ended only in process context
 * (GC, netlink, port removal, namespace exit). Ending is decided by whoever
 * takes the flow out of @flows first, so it happens exactly once; readers
 * under RCU may still see an ended flow until the grace period is over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>

#include "ito.h"

/* flows a walk of all looks at per hold of the instance mutex */
#define ITO_WALK_SLICE		256

/*
 * Flows, offloaded or not, are objects of their exact size: bench/scale.sh
 * divides the slab's bytes by the sessions.
 */
static struct kmem_cache *ito_flow_cache;

/*
 * The key is the conntrack entry's address: one multiply hashes it, and a
 * compare of two pointers matches it. Every packet that starts a flow looks
 * twice (the lookup, then the insert), and jhash and memcmp() were a tenth
 * of the flow's making.
 */
static u32 ito_flow_hashfn(const void *key, u32 len, u32 seed)
{
	const struct nf_conn *ct = *(const struct nf_conn * const *)key;

	return hash_64((unsigned long)ct ^ seed, 32);
}

static int ito_flow_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct ito_flow *flow = obj;

	return flow->ct != *(const struct nf_conn * const *)arg->key;
}

static const struct rhashtable_params ito_flow_params = {
	.head_offset		= offsetof(struct ito_flow, node),
	.key_offset		= offsetof(struct ito_flow, ct),
	.key_len		= sizeof(struct nf_conn *),
	.hashfn			= ito_flow_hashfn,
	.obj_cmpfn		= ito_flow_cmpfn,
	.automatic_shrinking	= true,
};

/* the fewest flows a table is made for */
#define ITO_FLOWS_MIN_REACH	64

/*
 * Flows a table holds: max_flows rounded up to a power of two. The table
 * never grows past half as many buckets (rhashtable's max_size, which
 * lets it hold twice that): at 500,000 flows of the default 1,048,576,
 * 2^19 buckets and chains of one, where it would otherwise double to 2^20
 * at three quarters full.
 */
static u32 ito_flows_reach(u32 max_flows)
{
	return roundup_pow_of_two(max_t(u32, max_flows, ITO_FLOWS_MIN_REACH));
}

/**
 * ito_rht_alloc - a table of its own, bounded, for the tables ito replaces
 *	(flows, fast path)
 * @params: the lookups' constant parameters
 * @max_size: the most buckets it grows to
 *
 * The table keeps @max_size in its own copy of the parameters: the
 * lookups' constant ones need not say it. Process context.
 */
struct rhashtable *ito_rht_alloc(const struct rhashtable_params *params,
				 u32 max_size)
{
	struct rhashtable_params p = *params;
	struct rhashtable *ht;

	ht = kzalloc(sizeof(*ht), GFP_KERNEL);
	if (!ht)
		return NULL;
	p.max_size = max_size;
	if (rhashtable_init(ht, &p)) {
		kfree(ht);
		return NULL;
	}
	return ht;
}

void ito_rht_free(struct rhashtable *ht)
{
	if (!ht)
		return;
	rhashtable_destroy(ht);
	kfree(ht);
}

static struct rhashtable *ito_flows_alloc(u32 reach)
{
	return ito_rht_alloc(&ito_flow_params, reach / 2);
}

/* The tables, as @in->lock keeps them. */
static struct rhashtable *ito_flows_new(struct ito_net *in)
{
	return rcu_dereference_protected(in->flows, lockdep_is_held(&in->lock));
}

static struct rhashtable *ito_flows_old(struct ito_net *in)
{
	return rcu_dereference_protected(in->flows_old,
					 lockdep_is_held(&in->lock));
}

/*
 * After RCU, as the fast path reads the conntrack entry's tuples through
 * a flow it found: the reference is dropped here, not when the flow ends.
 */
static void ito_flow_free_rcu(struct rcu_head *head)
{
	struct ito_flow *flow = container_of(head, struct ito_flow, rcu);

	nf_ct_put(flow->ct);
	kmem_cache_free(ito_flow_cache, flow);
}

struct ito_flow *ito_flow_lookup(struct ito_net *in, const struct nf_conn *ct)
{
	struct ito_flow *flow;
	struct rhashtable *old;

	flow = rhashtable_lookup(rcu_dereference(in->flows), &ct,
				 ito_flow_params);
	if (likely(flow))
		return flow;
	/* the old table was published before the new one: see it too */
	smp_rmb();
	old = rcu_dereference(in->flows_old);
	return unlikely(old) ? rhashtable_lookup(old, &ct, ito_flow_params) :
			       NULL;
}

/* Caller holds rcu_read_lock(). */
struct ito_flow *ito_flow_get_by_id(struct ito_net *in, u64 id)
{
	return xa_load(&in->flow_ids, id);
}

/**
 * ito_flow_create - start tracking @ct
 * @in: the instance
 * @ct: a conntrack entry not tracked yet
 * @dir: the direction of the packet that made it
 * @ifindex: the port that packet came in by, known before the flow's NEW
 *	event goes out
 *
 * Runs in the packet path (softirq, RCU). Two cpus may race to create the
 * flow of one entry: the loser frees its copy and uses the winner's.
 *
 * Return: the flow, or NULL when none could be made (counted).
 */
struct ito_flow *ito_flow_create(struct ito_net *in, struct nf_conn *ct,
				 int dir, int ifindex)
{
	struct ito_flow *flow, *old;
	struct rhashtable *ht;
	u32 id;

	if (atomic_inc_return(&in->nflows) >
	    ito_config_get(in, ITO_A_CONFIG_MAX_FLOWS)) {
		atomic_dec(&in->nflows);
		ito_counter_inc(in, ITO_CNT_FLOWS_UNTRACKED_FULL);
		return NULL;
	}
	/* the tables are changing: the flow's next packet makes it */
	if (smp_load_acquire(&in->flows_moving)) {
		atomic_dec(&in->nflows);
		ito_counter_inc(in, ITO_CNT_FLOWS_UNTRACKED_MOVING);
		return NULL;
	}

	flow = kmem_cache_zalloc(ito_flow_cache, GFP_ATOMIC);
	if (!flow)
		goto err_count;
	/* an id, reserved: its entry reads as none until the flow is in */
	if (xa_alloc_cyclic(&in->flow_ids, &id, NULL, xa_limit_32b,
			    &in->next_id, GFP_ATOMIC) < 0) {
		kmem_cache_free(ito_flow_cache, flow);
		goto err_count;
	}
	spin_lock_init(&flow->lock);
	flow->ct = ct;
	flow->id = id;
	flow->state = ITO_FLOW_STATE_INSPECTING;
	flow->verdict = ITO_VERDICT_NONE;
	flow->first_seen = (u32)jiffies;
	flow->last_seen = flow->first_seen;
	flow->dirs[IP_CT_DIR_REPLY].dir = IP_CT_DIR_REPLY;
	flow->iif[dir] = ifindex;

	/*
	 * The table decides a race between two cpus; the loser's copy was
	 * never visible and is freed at once. Only then is the flow published
	 * by id, where the (process context) enders find it: the reserved
	 * entry takes it without allocating.
	 */
	ht = rcu_dereference(in->flows);
	old = rhashtable_lookup_get_insert_fast(ht, &flow->node,
						ito_flow_params);
	if (old) {
		xa_erase(&in->flow_ids, id);
		kmem_cache_free(ito_flow_cache, flow);
		atomic_dec(&in->nflows);
		return IS_ERR(old) ? NULL : old;
	}
	nf_conntrack_get(&ct->ct_general);
	xa_store(&in->flow_ids, id, flow, GFP_ATOMIC);

	ito_counter_inc(in, ITO_CNT_FLOWS_NEW);
	ito_counter_inc(in, ITO_CNT_FLOWS_ACTIVE);
	if (!READ_ONCE(in->agent_portid))
		ito_counter_inc(in, ITO_CNT_FLOWS_NO_AGENT);
	ito_nl_flow_event(in, flow, ITO_FLOW_EVENT_NEW, 0, GFP_ATOMIC);
	return flow;

err_count:
	atomic_dec(&in->nflows);
	return NULL;
}

/**
 * ito_flow_end - stop tracking a flow and tell the listeners why
 * @in: the instance
 * @flow: the flow; the caller keeps it alive (RCU)
 * @reason: enum ito_end_reason
 *
 * Enders hold @in->lock, so a flow found by id stays valid under it.
 * Return: true if this call ended the flow, false if another had.
 */
bool ito_flow_end(struct ito_net *in, struct ito_flow *flow, u32 reason)
{
	struct rhashtable *old;

	lockdep_assert_held(&in->lock);
	/* the tables change under @in->lock only */
	if (rhashtable_remove_fast(ito_flows_new(in), &flow->node,
				   ito_flow_params)) {
		old = ito_flows_old(in);
		if (!old || rhashtable_remove_fast(old, &flow->node,
						   ito_flow_params))
			return false;
	}
	xa_erase_bh(&in->flow_ids, flow->id);
	/* packets that found it before may still consider it: never again */
	ito_offload_forget(in, flow);
	ito_nat_flow_end(in, flow);
	ito_offload_teardown(in, flow);
	ito_hw_reap(in);	/* its hardware counters, before the event */

	ito_nl_flow_event(in, flow, ITO_FLOW_EVENT_END, reason, GFP_KERNEL);
	ito_app_forget(in, flow);	/* after the event, which shows it */
	ito_counter_inc(in, ITO_CNT_FLOWS_ENDED);
	ito_counter_add(in, ITO_CNT_FLOWS_ACTIVE, -1);
	atomic_dec(&in->nflows);
	call_rcu(&flow->rcu, ito_flow_free_rcu);
	return true;
}

/* Does @flow enter or (when offloaded) leave by port @ifindex? */
static bool ito_flow_uses_port(struct ito_flow *flow, int ifindex)
{
	int dir;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		if (READ_ONCE(flow->iif[dir]) == ifindex ||
		    READ_ONCE(flow->dirs[dir].out_ifindex) == ifindex)
			return true;
	return false;
}

/*
 * End every flow, or those entering or leaving by @ifindex, a port that
 * can start no flow any more. Caller holds @in->lock, which verdicts and
 * dumps get between slices of the walk: half a million flows may be
 * looked at. The walk goes on from the id it left.
 */
void ito_flow_end_all(struct ito_net *in, int ifindex, u32 reason)
{
	struct ito_flow *flow;
	unsigned int n = 0;
	unsigned long id;

	xa_for_each(&in->flow_ids, id, flow) {
		if (!ifindex || ito_flow_uses_port(flow, ifindex))
			ito_flow_end(in, flow, reason);
		if (++n % ITO_WALK_SLICE == 0)
			ito_lock_break(in);
	}
}

static const u8 ito_verdict_state[] = {
	[ITO_VERDICT_OFFLOAD]		= ITO_FLOW_STATE_OFFLOAD_PENDING,
	[ITO_VERDICT_INSPECT]		= ITO_FLOW_STATE_SLOWPATH,
	[ITO_VERDICT_BLOCK]		= ITO_FLOW_STATE_BLOCKED,
	[ITO_VERDICT_INSPECT_ALL]	= ITO_FLOW_STATE_SLOWPATH,
};

static const enum ito_counter ito_verdict_counter[] = {
	[ITO_VERDICT_OFFLOAD]		= ITO_CNT_VERDICT_OFFLOAD,
	[ITO_VERDICT_INSPECT]		= ITO_CNT_VERDICT_INSPECT,
	[ITO_VERDICT_BLOCK]		= ITO_CNT_VERDICT_BLOCK,
	[ITO_VERDICT_INSPECT_ALL]	= ITO_CNT_VERDICT_INSPECT,
};

/**
 * ito_flow_set_verdict - apply a verdict to a flow
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @verdict: one of ITO_VERDICT_OFFLOAD .. ITO_VERDICT_INSPECT_ALL
 * @by: enum ito_verdict_by, where it comes from; the caller has checked
 *	its precedence (ctverdict.c)
 */
void ito_flow_set_verdict(struct ito_net *in, struct ito_flow *flow,
			  u32 verdict, u8 by)
{
	lockdep_assert_held(&in->lock);
	/* a verdict repeated (an agent resending a batch) changes nothing */
	if (flow->verdict == verdict) {
		if (flow->verdict_by != by) {
			spin_lock_bh(&flow->lock);
			flow->verdict_by = by;
			spin_unlock_bh(&flow->lock);
		}
		return;
	}
	if (verdict != ITO_VERDICT_OFFLOAD) {
		ito_offload_dequeue(in, flow);
		ito_offload_teardown(in, flow);
		ito_hw_reap(in);
	}
	spin_lock_bh(&flow->lock);
	flow->verdict = verdict;
	flow->verdict_by = by;
	flow->state = ito_verdict_state[verdict];
	spin_unlock_bh(&flow->lock);

	ito_ctv_write(in, flow);
	ito_counter_inc(in, ito_verdict_counter[verdict]);
	ito_nl_flow_event(in, flow, ITO_FLOW_EVENT_VERDICT, 0, GFP_KERNEL);
}

/* The agent is gone: flows still waiting for a verdict get the default.
 * Caller holds @in->lock.
 */
void ito_flow_apply_default(struct ito_net *in)
{
	u32 verdict = ito_config_get(in, ITO_A_CONFIG_DEFAULT_VERDICT);
	struct ito_flow *flow;
	unsigned long id;

	xa_for_each(&in->flow_ids, id, flow) {
		cond_resched();
		if (flow->verdict != ITO_VERDICT_NONE)
			continue;
		ito_flow_set_verdict(in, flow, verdict, ITO_VERDICT_BY_DEFAULT);
		ito_counter_inc(in, ITO_CNT_VERDICT_DEFAULT);
	}
}

/**
 * ito_lock_break - let verdicts, ports and dumps have the instance mutex
 *	between two slices of a long walk
 * @in: the instance; caller holds @in->lock, and holds it again on return
 *
 * Sessions torn down in the slice leave the device first: their flows may
 * end once the mutex is free.
 */
void ito_lock_break(struct ito_net *in)
{
	ito_hw_reap(in);
	mutex_unlock(&in->lock);
	cond_resched();
	mutex_lock(&in->lock);
}

/*
 * The instance turned passive (the standby of a firewall pair), or its fast
 * path table is being replaced: every session goes back to the slow path,
 * and waits there until admission runs again.
 */
void ito_flow_standby(struct ito_net *in)
{
	struct ito_flow *flow;
	unsigned int n = 0;
	unsigned long id;

	/*
	 * In slices, so that verdicts and ports get the lock between them;
	 * nothing is admitted meanwhile (the role is passive, or the table
	 * has no reach). The walk goes on from the id it left, not from the
	 * flow it held.
	 */
	mutex_lock(&in->lock);
	xa_for_each(&in->flow_ids, id, flow) {
		ito_offload_fall_back(in, flow);
		if (++n % ITO_WALK_SLICE == 0)
			ito_lock_break(in);
	}
	ito_hw_reap(in);
	mutex_unlock(&in->lock);
}

/* @pkts over the jiffies from @first to @last; 0 below two packets. */
u32 ito_rate(u64 pkts, unsigned long first, unsigned long last)
{
	unsigned long span = last - first;

	if (!span || pkts < 2)
		return 0;
	return min_t(u64, div64_ul((pkts - 1) * HZ, span), U32_MAX);
}

/*
 * Packets per second over both directions, from the first packet to the
 * latest: the "observed rate" that offload admission compares with
 * min_rate. 0 until two packets were seen at different jiffies.
 */
u32 ito_flow_rate(const struct ito_flow *flow)
{
	return ito_rate(flow->pkts[0] + flow->pkts[1], ito_flow_first_seen(flow),
			ito_flow_last_seen(flow));
}

/**
 * ito_flow_bypassed - what one direction carried past the hook: the fast
 *	path's counts, and the device's as of its last poll
 * @flow: the flow; caller holds its lock
 * @dir: the direction
 * @pkts: packets, out
 * @bytes: bytes, out
 */
void ito_flow_bypassed(const struct ito_flow *flow, int dir, u64 *pkts,
		       u64 *bytes)
{
	u64 ft = atomic64_read(&flow->ft[dir]);

	*pkts = ito_ft_pkts(ft);
	*bytes = ito_ft_bytes(ft);
	if (flow->state == ITO_FLOW_STATE_OFFLOADED && flow->hw) {
		*pkts += flow->hw->rule[dir].pkts;
		*bytes += flow->hw->rule[dir].bytes;
	}
}

/**
 * ito_flow_add_offloaded - a session's counts, which the slow path never
 *	saw, join the flow's totals
 * @flow: the flow; caller holds its lock
 * @pkts: packets by direction
 * @bytes: bytes by direction
 */
void ito_flow_add_offloaded(struct ito_flow *flow, const u64 *pkts,
			    const u64 *bytes)
{
	int dir;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		flow->pkts[dir] += pkts[dir];
		flow->bytes[dir] += bytes[dir];
		flow->offload_pkts += pkts[dir];
		flow->offload_bytes += bytes[dir];
	}
}

/*
 * Packets/s over the flow's life so far, offloaded packets included: the
 * order in which updates go when the budget is short.
 */
u32 ito_flow_live_rate(struct ito_flow *flow)
{
	unsigned long span = jiffies - ito_flow_first_seen(flow);
	u64 pkts, p, b;
	int dir;

	spin_lock_bh(&flow->lock);
	pkts = flow->pkts[0] + flow->pkts[1];
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		ito_flow_bypassed(flow, dir, &p, &b);
		pkts += p;
	}
	spin_unlock_bh(&flow->lock);
	if (!span)
		return 0;
	return min_t(u64, div64_ul(pkts * HZ, span), U32_MAX);
}

int ito_flow_init(void)
{
	ito_flow_cache = KMEM_CACHE(ito_flow, 0);
	return ito_flow_cache ? 0 : -ENOMEM;
}

void ito_flow_uninit(void)
{
	kmem_cache_destroy(ito_flow_cache);
}

/**
 * ito_flow_resize - give the flows table the reach of max_flows
 * @in: the instance; caller holds no lock
 * @extack: told when the new table waits for the old one to drain
 *
 * Process context, after the knobs changed, and from the GC once an old
 * table has drained. A table that holds fewer flows than max_flows is
 * replaced (a smaller max_flows keeps the table). Flows cannot move
 * between tables without a moment when the packet path finds neither:
 * those in the table stay there until they end, lookups try both tables,
 * and new flows go to the new one. While the pointers change, no flow is
 * created (ITO_CNT_FLOWS_UNTRACKED_MOVING: the next packet creates it),
 * so that two cpus never make one entry's flow in both tables. One old
 * table at a time: a later raise waits for it to drain.
 */
void ito_flow_resize(struct ito_net *in, struct netlink_ext_ack *extack)
{
	struct rhashtable *ht;
	u32 reach;

	mutex_lock(&in->lock);
	reach = ito_flows_reach(ito_config_get(in, ITO_A_CONFIG_MAX_FLOWS));
	if (reach <= in->flows_reach) {
		mutex_unlock(&in->lock);
		return;
	}
	if (ito_flows_old(in)) {
		mutex_unlock(&in->lock);
		NL_SET_ERR_MSG(extack,
			       "max_flows: the flows table is still being replaced; the larger one comes once the flows of the old one have ended");
		return;
	}
	ht = ito_flows_alloc(reach);
	if (!ht) {
		mutex_unlock(&in->lock);
		NL_SET_ERR_MSG(extack,
			       "max_flows: no memory for a larger flows table, the table keeps its reach");
		return;
	}
	/* creators that may have seen the current table as new are done */
	smp_store_release(&in->flows_moving, true);
	synchronize_rcu();
	rcu_assign_pointer(in->flows_old, ito_flows_new(in));
	rcu_assign_pointer(in->flows, ht);
	in->flows_reach = reach;
	synchronize_rcu();
	/* pairs with the creators' acquire: they see both tables */
	smp_store_release(&in->flows_moving, false);
	mutex_unlock(&in->lock);
}

/*
 * GC, each run: an old table whose flows have all ended goes, and a raise
 * of max_flows that waited for it is applied.
 */
void ito_flow_drained(struct ito_net *in)
{
	struct rhashtable *old;

	if (!rcu_access_pointer(in->flows_old))
		return;
	mutex_lock(&in->lock);
	old = ito_flows_old(in);
	if (atomic_read(&old->nelems)) {
		mutex_unlock(&in->lock);
		return;
	}
	RCU_INIT_POINTER(in->flows_old, NULL);
	mutex_unlock(&in->lock);
	/* lookups that missed in the new table may still be in it */
	synchronize_rcu();
	ito_rht_free(old);
	ito_flow_resize(in, NULL);
}

int ito_flow_net_init(struct ito_net *in)
{
	struct rhashtable *ht;
	int err;

	in->flows_reach =
		ito_flows_reach(ito_config_get(in, ITO_A_CONFIG_MAX_FLOWS));
	ht = ito_flows_alloc(in->flows_reach);
	if (!ht)
		return -ENOMEM;
	RCU_INIT_POINTER(in->flows, ht);
	RCU_INIT_POINTER(in->flows_old, NULL);
	in->flows_moving = false;
	err = ito_offload_net_init(in);
	if (err) {
		ito_rht_free(ht);
		return err;
	}
	xa_init_flags(&in->flow_ids, XA_FLAGS_LOCK_BH | XA_FLAGS_ALLOC1);
	ito_app_net_init(in);
	atomic_set(&in->nflows, 0);
	in->next_id = 1;
	ito_gc_net_init(in);
	return 0;
}

/* The hooks are gone: no flow can be created any more. */
void ito_flow_net_uninit(struct ito_net *in)
{
	ito_gc_net_uninit(in);
	mutex_lock(&in->lock);
	ito_flow_end_all(in, 0, ITO_END_REASON_FLUSHED);
	mutex_unlock(&in->lock);
	WARN_ON(atomic_read(&in->nflows));
	ito_offload_net_uninit(in);
	ito_rht_free(rcu_dereference_protected(in->flows, true));
	ito_rht_free(rcu_dereference_protected(in->flows_old, true));
	xa_destroy(&in->flow_ids);
	ito_app_net_uninit(in);
}
