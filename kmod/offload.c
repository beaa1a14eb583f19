// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the offload engine: which flows leave the slow path, when, and how
 * they come back.
 *
 * A flow with the offload verdict becomes eligible in the packet path once
 * conntrack calls it established (UDP: seen both ways), it has shown
 * min_pkts packets at min_rate, and both directions' routes are known. It
 * then waits on @pending until the admission work installs it, fastest
 * first, within max_sessions and the max_update_rate token bucket. A flow
 * refused for room or budget simply stays queued on the slow path.
 *
 * An installed flow is its two ito_ft_dir (one per direction, inside the
 * flow) in the fast path table and IPS_OFFLOAD_BIT on its conntrack entry,
 * which keeps conntrack's GC from expiring it. Teardown (FIN/RST in the fast path,
 * ageing, flow end) removes the entries, hands the counters to conntrack
 * and makes conntrack ready to see the flow's packets again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/list_sort.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_l4proto.h>

#include "ito.h"

#define ITO_ADMIT_INTERVAL	(HZ / 10)
/* pending flows sorted at a time, and installs per hold of the lock */
#define ITO_ADMIT_BATCH		16384
#define ITO_ADMIT_SLICE		256
/* a software session on hardware-bound ports tries the hardware again */
#define ITO_HW_RETRY		(5 * HZ)

static u32 ito_ft_hash(const void *data, u32 len, u32 seed)
{
	return jhash2(data, sizeof(struct ito_ft_key) / sizeof(u32), seed);
}

/* An entry has no key of its own: it is made from its flow's tuples. */
static u32 ito_ft_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct ito_flow_dir *d = data;
	struct ito_ft_key key;

	ito_rule_key(ito_dir_flow(d), d->dir, &key);
	return ito_ft_hash(&key, len, seed);
}

static int ito_ft_obj_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct ito_flow_dir *d = obj;
	const struct ito_flow *flow = ito_dir_flow(d);
	const struct ito_ft_key *want = arg->key;
	struct ito_ft_key key;

	/* chains hold two entries on average when the table is full: the
	 * ingress port, in the flow, rules out many without its tuples
	 */
	if (READ_ONCE(flow->iif[d->dir]) != want->iif)
		return 1;
	ito_rule_key(flow, d->dir, &key);
	return memcmp(&key, want, sizeof(key));
}

static const struct rhashtable_params ito_ft_params = {
	.head_offset		= offsetof(struct ito_flow_dir, node),
	.key_len		= sizeof(struct ito_ft_key),
	.hashfn			= ito_ft_hash,
	.obj_hashfn		= ito_ft_obj_hash,
	.obj_cmpfn		= ito_ft_obj_cmp,
	.automatic_shrinking	= true,
};

static_assert(sizeof(struct ito_ft_key) % sizeof(u32) == 0);

/*
 * The table's reach, in sessions. rhashtable stops doubling the buckets
 * at max_size and then holds up to twice as many entries: the two
 * directions of max_size sessions, two to a bucket when full. At the
 * default 500,000 sessions that is 2^19 buckets (4 MiB), where the table
 * left to itself grows to 2^21 (16 MiB) past 786,432 directions.
 */
static u32 ito_ft_reach(u32 max_sessions)
{
	return roundup_pow_of_two(max_sessions);
}

static struct rhashtable *ito_ft_alloc(u32 reach)
{
	return ito_rht_alloc(&ito_ft_params, reach);
}

/*
 * The table of an offloaded flow, under its lock: the table is replaced
 * only when no session is offloaded.
 */
static struct rhashtable *ito_ft_of(struct ito_net *in, struct ito_flow *flow)
{
	return rcu_dereference_check(in->fastpath,
				     lockdep_is_held(&flow->lock));
}

/* Packet path (RCU): the offloaded direction a packet belongs to. */
struct ito_flow_dir *ito_offload_lookup(struct ito_net *in,
					const struct ito_ft_key *key)
{
	return rhashtable_lookup(rcu_dereference(in->fastpath), key,
				 ito_ft_params);
}

/*
 * Remember where the slow path sends this direction (packet path, under
 * the flow's lock). Not once admission linked it to a next hop: the
 * route's bytes are the next hop's list node then.
 */
static void ito_route_capture(struct ito_flow *flow, struct sk_buff *skb,
			      int dir)
{
	struct dst_entry *dst = skb_dst(skb);
	struct ito_flow_dir *d = &flow->dirs[dir];

	if (!dst || !dst->dev || d->linked)
		return;
	d->mtu = ito_mtu16(dst_mtu(dst));
	if (skb->protocol == htons(ETH_P_IP))
		d->nexthop.ip = rt_nexthop(skb_rtable(skb), ip_hdr(skb)->daddr);
	else
		d->nexthop.in6 = *rt6_nexthop((struct rt6_info *)dst,
					      &ipv6_hdr(skb)->daddr);
	d->out_ifindex = dst->dev->ifindex;
}

static bool ito_ct_ready(const struct nf_conn *ct)
{
	switch (nf_ct_protonum(ct)) {
	case IPPROTO_TCP:
		return READ_ONCE(ct->proto.tcp.state) == TCP_CONNTRACK_ESTABLISHED;
	case IPPROTO_UDP:
		return test_bit(IPS_SEEN_REPLY_BIT, &ct->status);
	default:
		return false;	/* only TCP and UDP are offloaded */
	}
}

/*
 * An eligible flow waits for admission. Not inlined: bench-scale times
 * admission from here (a kprobe) to the flow's first rule.
 */
static noinline void ito_offload_queue(struct ito_net *in,
				       struct ito_flow *flow)
{
	/*
	 * The flow may have ended since the packet found it: its ender has
	 * taken it off the list for good (@ended, under the same lock), and
	 * queueing it again would hand admission a freed flow.
	 */
	spin_lock(&in->pending_lock);
	/*
	 * Nor one offloaded since the packet saw it waiting: its session's
	 * fields share the list's bytes (admission took it off under this
	 * lock, after the state changed).
	 */
	if (!flow->queued && !flow->ended &&
	    READ_ONCE(flow->state) == ITO_FLOW_STATE_OFFLOAD_PENDING) {
		flow->queued = true;
		list_add_tail(&flow->pending, &in->pending);
	}
	spin_unlock(&in->pending_lock);
	mod_delayed_work(system_power_efficient_wq, &in->offload_work, 0);
}

/**
 * ito_offload_consider - queue a flow for offload once it is eligible
 * @in: the instance
 * @flow: a flow in state OFFLOAD_PENDING
 * @skb: a packet of the flow on the slow path (forward hook)
 * @dir: its direction
 *
 * Packet path. See the top of this file for the conditions.
 */
void ito_offload_consider(struct ito_net *in, struct ito_flow *flow,
			  struct sk_buff *skb, int dir)
{
	bool eligible;

	spin_lock(&flow->lock);
	/* a vWire flow's route is its peer port */
	if (flow->state == ITO_FLOW_STATE_OFFLOAD_PENDING && !flow->vwire)
		ito_route_capture(flow, skb, dir);
	eligible = flow->state == ITO_FLOW_STATE_OFFLOAD_PENDING &&
		   flow->dirs[0].out_ifindex && flow->dirs[1].out_ifindex &&
		   flow->pkts[0] + flow->pkts[1] >=
			ito_config_get(in, ITO_A_CONFIG_MIN_PKTS) &&
		   ito_flow_rate(flow) >= ito_config_get(in, ITO_A_CONFIG_MIN_RATE) &&
		   ito_ct_ready(flow->ct);
	spin_unlock(&flow->lock);
	/* a hint: ito_offload_queue() decides under the list's lock */
	if (eligible && !flow->queued)
		ito_offload_queue(in, flow);
}

/* Off the pending list (a new verdict). Any context. */
void ito_offload_dequeue(struct ito_net *in, struct ito_flow *flow)
{
	spin_lock_bh(&in->pending_lock);
	if (flow->queued) {
		list_del(&flow->pending);
		flow->queued = false;
	}
	spin_unlock_bh(&in->pending_lock);
}

/*
 * The flow ends: off the pending list, and never on it again, although
 * packets that found it before it left the flow table still consider it.
 * Any context.
 */
void ito_offload_forget(struct ito_net *in, struct ito_flow *flow)
{
	spin_lock_bh(&in->pending_lock);
	flow->ended = true;
	if (flow->queued) {
		list_del(&flow->pending);
		flow->queued = false;
	}
	spin_unlock_bh(&in->pending_lock);
}

/* Admission is done with a flow of its batch (a private list). */
static void ito_offload_unqueue(struct ito_net *in, struct ito_flow *flow)
{
	spin_lock_bh(&in->pending_lock);
	list_del(&flow->pending);
	flow->queued = false;
	spin_unlock_bh(&in->pending_lock);
}

/*
 * The update budget: max_update_rate tokens per second, no more than one
 * second's worth saved up. Installs need a token; removals (teardown, in
 * any context) spend one if there is one but are never refused.
 */
static bool ito_tokens_take(struct ito_net *in, bool must)
{
	u32 rate = ito_config_get(in, ITO_A_CONFIG_MAX_UPDATE_RATE);
	unsigned long now = jiffies;
	bool ok = true;
	u64 add;

	spin_lock_bh(&in->pending_lock);
	add = div_u64((u64)(now - in->refill) * rate, HZ);
	if (add >= rate) {
		in->tokens = rate;
		in->refill = now;
	} else if (add) {
		in->tokens = min_t(u64, (u64)in->tokens + add, rate);
		/* keep the time not yet worth a whole token */
		in->refill += div_u64(add * HZ, rate);
	}
	/* the rate may have come down since the bucket last filled */
	in->tokens = min(in->tokens, rate);
	if (in->tokens)
		in->tokens--;
	else
		ok = must;
	spin_unlock_bh(&in->pending_lock);
	return ok;
}

/* One update token, if the budget has one (a route or next-hop update). */
bool ito_offload_token(struct ito_net *in)
{
	return ito_tokens_take(in, false);
}

/* An install that failed before it reached a device gives its token back. */
static void ito_tokens_return(struct ito_net *in)
{
	u32 rate = ito_config_get(in, ITO_A_CONFIG_MAX_UPDATE_RATE);

	spin_lock_bh(&in->pending_lock);
	if (in->tokens < rate)
		in->tokens++;
	spin_unlock_bh(&in->pending_lock);
}

/* Does a port of the session refuse the software cut-through? */
static bool ito_offload_hw_only(struct ito_net *in, const struct ito_rule *r)
{
	struct ito_port *port;
	int dir;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		port = ito_port_lookup(in, r[dir].key.iif);
		if (port && port->offload == ITO_PORT_OFFLOAD_HW)
			return true;
		port = ito_port_lookup(in, r[dir].rw.out_dev->ifindex);
		if (port && port->offload == ITO_PORT_OFFLOAD_HW)
			return true;
	}
	return false;
}

/*
 * Conntrack meets an offloaded connection again mid-stream: packets the
 * fast path passes up, and everything after the teardown. Liberal window
 * tracking keeps it from calling them invalid against windows it stopped
 * following (nf_flowtable does the same).
 */
static void ito_ct_tcp_liberal(struct nf_conn *ct)
{
	spin_lock_bh(&ct->lock);
	ct->proto.tcp.seen[0].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	ct->proto.tcp.seen[1].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	spin_unlock_bh(&ct->lock);
}

/*
 * Install both directions. Caller holds @in->lock, has checked the room and
 * taken an update token, which comes back unless the device was asked.
 * The flow is the first of the caller's batch, and leaves it once offloaded.
 * Returns 0, -EAGAIN to retry later (counted), or another error to give up
 * on the flow.
 */
static int ito_offload_install(struct ito_net *in, struct ito_flow *flow)
{
	struct ito_rule r[IP_CT_DIR_MAX];
	struct ito_hw_session *hs;
	struct rhashtable *ft;
	bool asked = false;
	u32 hw_retry = 0;
	int dir, err;

	/*
	 * The entries of a session torn down go into the table again at
	 * once: a reader still on one in its old chain notices the move and
	 * looks again (rhashtable), and the flow is the same.
	 */
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		err = ito_rule_build(in, flow, dir);
		if (err)
			goto err_free;
	}
	/*
	 * Conntrack's offload mark has one owner: whoever sets it first. An
	 * nftables flowtable that took the connection keeps it, and one that
	 * comes after us finds the mark set and leaves it to us.
	 */
	if (test_and_set_bit(IPS_OFFLOAD_BIT, &flow->ct->status)) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_CLAIMED);
		err = -EBUSY;
		goto err_free;
	}
	if (nf_ct_protonum(flow->ct) == IPPROTO_TCP)
		ito_ct_tcp_liberal(flow->ct);

	spin_lock_bh(&flow->lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		ito_rule_describe(flow, dir, &r[dir]);
	spin_unlock_bh(&flow->lock);
	hs = ito_hw_install(in, r);
	asked = !!hs;
	if (IS_ERR(hs)) {
		/* the device refused: software, or the slow path for now */
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ADD_SESSION_FAIL);
		hs = NULL;
		if (ito_offload_hw_only(in, r)) {
			err = -EAGAIN;
			goto err_unclaim;
		}
		ito_counter_inc(in, ITO_CNT_HW_FALLBACK_SW);
		hw_retry = (u32)jiffies + ITO_HW_RETRY;
	} else if (!hs && ito_offload_hw_only(in, r)) {
		ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED);
		err = -EOPNOTSUPP;
		goto err_unclaim;
	}

	/*
	 * Publish under the flow's lock: a FIN/RST teardown that finds the
	 * entries waits for it and then sees the flow offloaded. The session
	 * is counted before the lock is dropped, as that teardown uncounts
	 * it.
	 */
	spin_lock_bh(&flow->lock);
	ft = rcu_dereference_protected(in->fastpath,
				       lockdep_is_held(&in->lock));
	err = rhashtable_lookup_insert_key(ft, &r[0].key, &flow->dirs[0].node,
					   ito_ft_params);
	if (!err) {
		err = rhashtable_lookup_insert_key(ft, &r[1].key,
						   &flow->dirs[1].node,
						   ito_ft_params);
		if (err)
			rhashtable_remove_fast(ft, &flow->dirs[0].node,
					       ito_ft_params);
	}
	if (!err) {
		/* conntrack's GC leaves offloaded entries alone */
		nf_ct_offload_timeout(flow->ct);
		if (hs) {
			set_bit(IPS_HW_OFFLOAD_BIT, &flow->ct->status);
			ito_counter_inc(in, ITO_CNT_HW_SESSION_INSERT);
			ito_counter_inc(in, ITO_CNT_HW_ACTIVE_SESSION);
		}
		flow->state = ITO_FLOW_STATE_OFFLOADED;
		/*
		 * Off the round's batch before the session's fields take the
		 * list's bytes; not queued again while offloaded.
		 */
		spin_lock(&in->pending_lock);
		list_del(&flow->pending);
		flow->queued = false;
		in->nsessions++;
		spin_unlock(&in->pending_lock);
		flow->hw = hs;
		flow->hw_retry = hw_retry;
		/* under the lock: ahead of any removal the teardown sends */
		ito_xdp_install(in, flow, r);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION);
	}
	spin_unlock_bh(&flow->lock);
	if (err) {
		if (hs) {
			ito_hw_release(in, hs);
			ito_hw_reap(in);
		}
		goto err_add;
	}
	return 0;

err_add:
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ADD_SESSION_FAIL);
err_unclaim:
	clear_bit(IPS_OFFLOAD_BIT, &flow->ct->status);
err_free:
	if (err != -EAGAIN && err != -EOPNOTSUPP && err != -EBUSY)
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED);
	spin_lock_bh(&flow->lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		ito_nh_unlink(in, &flow->dirs[dir]);
	spin_unlock_bh(&flow->lock);
	if (!asked)
		ito_tokens_return(in);
	return err;
}

static int ito_rate_cmp(void *priv, const struct list_head *a,
			const struct list_head *b)
{
	struct ito_flow *fa = list_entry(a, struct ito_flow, pending);
	struct ito_flow *fb = list_entry(b, struct ito_flow, pending);
	u32 ra = ito_flow_rate(fa), rb = ito_flow_rate(fb);

	return ra < rb ? 1 : ra > rb ? -1 : 0;
}

/*
 * Room for one more session? When there is none, the round stops: it is
 * counted once, and the work runs again when a session ends or the knobs
 * change, not on a timer.
 */
static bool ito_offload_room(struct ito_net *in)
{
	if (READ_ONCE(in->nsessions) <
	    min(ito_config_get(in, ITO_A_CONFIG_MAX_SESSIONS), in->ft_reach))
		return true;
	ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_TABLE_FULL);
	return false;
}

/*
 * Take up to ITO_ADMIT_BATCH pending flows, fastest first. Caller holds
 * @in->lock. Return: false if none waits.
 */
static bool ito_offload_take(struct ito_net *in, struct list_head *batch)
{
	struct ito_flow *flow, *tmp;
	unsigned int n = 0;

	spin_lock_bh(&in->pending_lock);
	list_for_each_entry_safe(flow, tmp, &in->pending, pending) {
		list_move_tail(&flow->pending, batch);
		if (++n == ITO_ADMIT_BATCH)
			break;
	}
	spin_unlock_bh(&in->pending_lock);
	/* rates move under us; an approximate order is all we need */
	list_sort(NULL, batch, ito_rate_cmp);
	return n;
}

/*
 * Admission: take the pending flows, fastest first, and install them while
 * room and budget last. The first refusal for room or budget ends the
 * round, before anything is allocated for the flow it stopped at; the rest
 * wait on the list, and the next round comes when a session ends, the
 * knobs change, or (budget) the next token is due.
 *
 * A round takes the list a batch at a time and drops the instance lock
 * every ITO_ADMIT_SLICE installs: verdicts and dumps wait for a slice, not
 * for half a million installs. Flows of the batch are private to the round
 * but may be ended while the lock is dropped (their enders take them off
 * this list): the round only ever looks at its list's first flow.
 */
static void ito_offload_work(struct work_struct *work)
{
	struct ito_net *in = container_of(to_delayed_work(work), struct ito_net,
					  offload_work);
	unsigned long again = ITO_ADMIT_INTERVAL;
	struct ito_flow *flow;
	unsigned int n = 0;
	bool stopped = false;
	LIST_HEAD(batch);
	LIST_HEAD(retry);

	mutex_lock(&in->lock);
	while (list_empty(&batch)) {
		/* nothing to sort while no flow can go in */
		if (!ito_config_get(in, ITO_A_CONFIG_ENABLED) ||
		    ito_config_get(in, ITO_A_CONFIG_HA_ROLE) ==
		    ITO_HA_ROLE_PASSIVE || !ito_offload_room(in)) {
			stopped = true;
			break;
		}
		if (!ito_offload_take(in, &batch))
			break;
		while ((flow = list_first_entry_or_null(&batch, struct ito_flow,
							pending))) {
			int err;

			if (READ_ONCE(flow->state) != ITO_FLOW_STATE_OFFLOAD_PENDING) {
				ito_offload_unqueue(in, flow);
				continue;
			}
			if (!ito_offload_room(in)) {
				stopped = true;
				break;
			}
			if (!ito_tokens_take(in, false)) {
				u32 rate = ito_config_get(in, ITO_A_CONFIG_MAX_UPDATE_RATE);

				ito_counter_inc(in, ITO_CNT_OFFLOAD_REFUSED_RATE_LIMIT);
				/* the next token is due within 1/rate s */
				again = DIV_ROUND_UP(HZ, rate);
				break;
			}
			/* installed, it has left the batch */
			err = ito_offload_install(in, flow);
			if (err == -EAGAIN) {
				list_move_tail(&flow->pending, &retry);
			} else if (err) {
				ito_offload_unqueue(in, flow);
				/* cannot be offloaded (or taken by another
				 * offloader): it stays on the slow path
				 */
				spin_lock_bh(&flow->lock);
				flow->state = ITO_FLOW_STATE_SLOWPATH;
				spin_unlock_bh(&flow->lock);
			}
			if (++n % ITO_ADMIT_SLICE == 0) {
				mutex_unlock(&in->lock);
				cond_resched();
				mutex_lock(&in->lock);
			}
		}
	}

	/* whatever waits goes back on the list, sorted again next round */
	spin_lock_bh(&in->pending_lock);
	list_splice(&retry, &in->pending);
	list_splice(&batch, &in->pending);
	if (!list_empty(&in->pending) && !stopped)
		mod_delayed_work(system_power_efficient_wq, &in->offload_work,
				 again);
	spin_unlock_bh(&in->pending_lock);
	mutex_unlock(&in->lock);
}

/**
 * ito_offload_kick - run admission now (room or knobs changed)
 * @in: the instance
 */
void ito_offload_kick(struct ito_net *in)
{
	mod_delayed_work(system_power_efficient_wq, &in->offload_work, 0);
}

/*
 * The fast path's counts of both directions, taken (and zeroed) and added
 * to the flow's. Caller holds the flow's lock.
 */
static void ito_ft_collect(struct ito_flow *flow, u64 *pkts, u64 *bytes)
{
	u64 ft;
	int dir;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		ft = atomic64_xchg(&flow->ft[dir], 0);
		pkts[dir] = ito_ft_pkts(ft);
		bytes[dir] = ito_ft_bytes(ft);
	}
	ito_flow_add_offloaded(flow, pkts, bytes);
}

/* Conntrack saw none of the offloaded packets: their counts, if it keeps any. */
void ito_ct_acct(struct nf_conn *ct, const u64 *pkts, const u64 *bytes)
{
	struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	int dir;

	if (!acct)
		return;
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		atomic64_add(pkts[dir], &acct->counter[dir].packets);
		atomic64_add(bytes[dir], &acct->counter[dir].bytes);
	}
}

/*
 * The fast path's counts so far go to the flow and to conntrack, as at a
 * teardown: conntrack's counters follow a long session, and the fields of
 * the counts never overflow. Caller holds the flow's lock; it is offloaded.
 */
void ito_ft_fold(struct ito_flow *flow)
{
	u64 pkts[IP_CT_DIR_MAX], bytes[IP_CT_DIR_MAX];

	ito_ft_collect(flow, pkts, bytes);
	ito_ct_acct(flow->ct, pkts, bytes);
}

/*
 * The session ended: conntrack gets its last counts, a timeout fitting the
 * state, and (TCP) forgets the windows it tracked, so the next packet it
 * sees re-learns them instead of looking invalid.
 */
static void ito_ct_handback(struct nf_conn *ct, const u64 *pkts,
			    const u64 *bytes)
{
	struct net *net = nf_ct_net(ct);
	u32 timeout;
	int dir;

	ito_ct_acct(ct, pkts, bytes);

	if (nf_ct_protonum(ct) == IPPROTO_TCP) {
		spin_lock_bh(&ct->lock);
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
			ct->proto.tcp.seen[dir].td_maxwin = 0;
			/* the last ACK it knows is stale: a RST compared
			 * with it would keep the entry established
			 */
			ct->proto.tcp.seen[dir].flags &= ~IP_CT_TCP_FLAG_MAXACK_SET;
		}
		timeout = nf_tcp_pernet(net)->timeouts[ct->proto.tcp.state];
		spin_unlock_bh(&ct->lock);
	} else {
		timeout = nf_udp_pernet(net)->timeouts[UDP_CT_REPLIED];
	}
	WRITE_ONCE(ct->timeout, nfct_time_stamp + timeout);
	clear_bit(IPS_OFFLOAD_BIT, &ct->status);
}

/**
 * ito_offload_teardown - put an offloaded flow back on the slow path
 * @in: the instance
 * @flow: the flow
 *
 * Any context: the fast path calls it on FIN/RST before passing the packet
 * on. The counters of the session go to the flow and to conntrack.
 *
 * Return: true if the flow was offloaded (and now is not).
 */
bool ito_offload_teardown(struct ito_net *in, struct ito_flow *flow)
{
	u64 pkts[IP_CT_DIR_MAX], bytes[IP_CT_DIR_MAX];
	struct ito_hw_session *hs;
	int dir;

	/*
	 * All of it under the flow's lock: a concurrent ito_flow_end() waits
	 * here before it drops the conntrack reference we still use.
	 */
	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED) {
		spin_unlock_bh(&flow->lock);
		return false;
	}
	flow->state = ITO_FLOW_STATE_SLOWPATH;
	hs = flow->hw;
	flow->hw = NULL;
	if (hs)
		clear_bit(IPS_HW_OFFLOAD_BIT, &flow->ct->status);
	else
		ito_xdp_remove(in, flow);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		rhashtable_remove_fast(ito_ft_of(in, flow),
				       &flow->dirs[dir].node, ito_ft_params);
		/* readers that found the entry may use its next hop: RCU */
		ito_nh_unlink(in, &flow->dirs[dir]);
	}
	ito_ft_collect(flow, pkts, bytes);
	ito_ct_handback(flow->ct, pkts, bytes);
	/*
	 * Queued before the lock is dropped: an ender that waited for it
	 * reaps the session before it frees the flow and its device.
	 */
	if (hs)
		ito_hw_release(in, hs);
	spin_unlock_bh(&flow->lock);

	if (hs)
		ito_counter_add(in, ITO_CNT_HW_ACTIVE_SESSION, -1);

	ito_tokens_take(in, true);
	spin_lock_bh(&in->pending_lock);
	in->nsessions--;
	spin_unlock_bh(&in->pending_lock);
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_DELETE);
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_UPDATE_SESSION_STAT);
	ito_counter_add(in, ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION, -1);
	/* a waiting flow may fit now */
	ito_offload_kick(in);
	return true;
}

/**
 * ito_offload_fall_back - back to the slow path, to be offloaded again
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 *
 * An offloaded flow with the offload verdict waits again, and learns its
 * routes anew from its next packets.
 */
void ito_offload_fall_back(struct ito_net *in, struct ito_flow *flow)
{
	int dir;

	if (!ito_offload_teardown(in, flow))
		return;
	spin_lock_bh(&flow->lock);
	if (flow->state == ITO_FLOW_STATE_SLOWPATH &&
	    flow->verdict == ITO_VERDICT_OFFLOAD) {
		flow->state = ITO_FLOW_STATE_OFFLOAD_PENDING;
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
			flow->dirs[dir].out_ifindex = 0;
			flow->dirs[dir].mtu = 0;
			memset(&flow->dirs[dir].nexthop, 0,
			       sizeof(flow->dirs[dir].nexthop));
		}
	}
	spin_unlock_bh(&flow->lock);
}

/**
 * ito_offload_move - send one direction of an offloaded flow elsewhere
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @dir: the direction whose route changed
 * @port: the new egress port
 * @gw: the new next hop
 * @mtu: the new path MTU
 *
 * The direction's entry is replaced by one with the new descriptor (the
 * packet path sees one or the other, under RCU), its counters carried
 * over; a rule in hardware is replaced too.
 * Return: 0, or an error when the direction cannot move (the caller then
 * returns the flow to the slow path).
 */
int ito_offload_move(struct ito_net *in, struct ito_flow *flow, int dir,
		     struct ito_port *port, const union nf_inet_addr *gw,
		     u32 mtu)
{
	struct ito_nh *nh;

	lockdep_assert_held(&in->lock);
	if (READ_ONCE(flow->state) != ITO_FLOW_STATE_OFFLOADED ||
	    flow->dirs[dir].vwire)
		return 0;
	nh = ito_nh_get(in, port->dev, nf_ct_l3num(flow->ct), gw);
	if (IS_ERR(nh))
		return PTR_ERR(nh);

	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED) {
		/* torn down meanwhile (FIN/RST): nothing to move */
		spin_unlock_bh(&flow->lock);
		ito_nh_put(in, nh);
		return 0;
	}
	/*
	 * In place: a packet reads the next hop (its device and MAC) in one
	 * go; a packet that still finds the old one is sent as before.
	 */
	ito_nh_unlink(in, &flow->dirs[dir]);
	ito_nh_link(in, &flow->dirs[dir], nh);	/* @gw is in its key */
	flow->dirs[dir].out_ifindex = port->dev->ifindex;
	WRITE_ONCE(flow->dirs[dir].mtu, ito_mtu16(mtu));
	spin_unlock_bh(&flow->lock);
	ito_nh_put(in, nh);	/* the direction holds its own use */

	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE);
	ito_xdp_update(in, flow);
	return ito_hw_update(in, flow, dir);
}

/*
 * A session that fell back to software when the hardware refused it moves
 * there once it has room, within the update budget. Caller holds
 * @in->lock.
 */
static void ito_offload_promote(struct ito_net *in, struct ito_flow *flow)
{
	struct ito_rule r[IP_CT_DIR_MAX];
	struct ito_nh *live[IP_CT_DIR_MAX];
	struct ito_hw_session *hs;
	int dir;

	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED || flow->hw ||
	    !flow->hw_retry || time_before32((u32)jiffies, flow->hw_retry)) {
		spin_unlock_bh(&flow->lock);
		return;
	}
	flow->hw_retry = (u32)jiffies + ITO_HW_RETRY;
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		live[dir] = flow->dirs[dir].nh;
		ito_rule_describe(flow, dir, &r[dir]);
	}
	spin_unlock_bh(&flow->lock);

	if (!ito_tokens_take(in, false))
		return;
	hs = ito_hw_install(in, r);
	if (IS_ERR_OR_NULL(hs))
		return;

	spin_lock_bh(&flow->lock);
	if (flow->state == ITO_FLOW_STATE_OFFLOADED && !flow->hw &&
	    flow->dirs[0].nh == live[0] && flow->dirs[1].nh == live[1]) {
		flow->hw = hs;
		set_bit(IPS_HW_OFFLOAD_BIT, &flow->ct->status);
		/* the hardware carries it now, not XDP */
		ito_xdp_remove(in, flow);
		hs = NULL;
	}
	spin_unlock_bh(&flow->lock);
	if (hs) {		/* torn down meanwhile */
		ito_hw_release(in, hs);
		ito_hw_reap(in);
		return;
	}
	ito_counter_inc(in, ITO_CNT_HW_PROMOTED);
	ito_counter_inc(in, ITO_CNT_HW_SESSION_INSERT);
	ito_counter_inc(in, ITO_CNT_HW_ACTIVE_SESSION);
}

/*
 * The flow's last use as far as we know: a packet on either path, or the
 * device's, as of its last poll. Caller holds @flow->lock.
 */
static unsigned long ito_offload_last_used(struct ito_flow *flow)
{
	unsigned long last = ito_flow_last_seen(flow);
	int dir;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		if (flow->hw && time_after(flow->hw->rule[dir].last_used, last))
			last = flow->hw->rule[dir].last_used;
	}
	return last;
}

/* How long an offloaded session of @flow's protocol may idle (jiffies). */
unsigned long ito_offload_ageing(struct ito_net *in,
				 const struct ito_flow *flow)
{
	return ito_config_get(in, nf_ct_protonum(flow->ct) == IPPROTO_TCP ?
			      ITO_A_CONFIG_TCP_AGEING :
			      ITO_A_CONFIG_UDP_AGEING) * HZ;
}

/* When a software session on a hardware port is next tried there. */
static unsigned long ito_offload_retry_at(const struct ito_flow *flow,
					  unsigned long deadline)
{
	u32 retry = READ_ONCE(flow->hw_retry);
	unsigned long now = jiffies;

	if (!retry)
		return deadline;
	if (!time_after32(retry, (u32)now))
		return now;
	return min(deadline, now + (retry - (u32)now));
}

/**
 * ito_offload_age - GC: end an offloaded flow idle beyond its protocol's
 *	ageing
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @next: out: when the session needs the next look (jiffies); 0 if it is
 *	not offloaded (any more)
 *
 * A session in hardware is asked for its counters only when it may have
 * aged: its last use as of the last poll is an ageing period old. A busy
 * session costs the device one poll per ageing period (flow get asks on
 * demand for the one flow it shows).
 *
 * Return: true if this ended the flow.
 */
bool ito_offload_age(struct ito_net *in, struct ito_flow *flow,
		     unsigned long *next)
{
	unsigned long last, ageing;
	struct ito_hw_session *hs;

	*next = 0;
	ageing = ito_offload_ageing(in, flow);
	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED) {
		spin_unlock_bh(&flow->lock);
		return false;
	}
	ito_ft_fold(flow);
	hs = flow->hw;
	last = ito_offload_last_used(flow);
	spin_unlock_bh(&flow->lock);

	if (!hs) {
		ito_offload_promote(in, flow);
	} else if (!time_before(jiffies, last + ageing)) {
		ito_hw_poll(in, hs);	/* freed only by a holder of in->lock */
		spin_lock_bh(&flow->lock);
		if (flow->state == ITO_FLOW_STATE_OFFLOADED)
			last = ito_offload_last_used(flow);
		spin_unlock_bh(&flow->lock);
	}
	if (time_before(jiffies, last + ageing)) {
		*next = last + ageing;
		/* hw and hw_retry mean something only while offloaded */
		spin_lock_bh(&flow->lock);
		if (flow->state == ITO_FLOW_STATE_OFFLOADED && !flow->hw)
			*next = ito_offload_retry_at(flow, *next);
		spin_unlock_bh(&flow->lock);
		return false;
	}
	spin_lock_bh(&flow->lock);
	if (flow->state != ITO_FLOW_STATE_OFFLOADED) {
		spin_unlock_bh(&flow->lock);
		return false;
	}
	spin_unlock_bh(&flow->lock);
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_AGED_SESSION);
	ito_flow_end(in, flow, ITO_END_REASON_AGED);
	return true;
}

/**
 * ito_offload_refresh - fresh counters of a session in hardware, for a
 *	user who asked about this one flow
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 */
void ito_offload_refresh(struct ito_net *in, struct ito_flow *flow)
{
	struct ito_hw_session *hs;

	lockdep_assert_held(&in->lock);
	spin_lock_bh(&flow->lock);
	hs = flow->state == ITO_FLOW_STATE_OFFLOADED ? flow->hw : NULL;
	spin_unlock_bh(&flow->lock);
	if (hs)
		ito_hw_poll(in, hs);
}

int ito_offload_net_init(struct ito_net *in)
{
	struct rhashtable *ft;
	int err;

	spin_lock_init(&in->pending_lock);
	INIT_LIST_HEAD(&in->pending);
	INIT_DELAYED_WORK(&in->offload_work, ito_offload_work);
	in->nsessions = 0;
	in->tokens = ito_config_get(in, ITO_A_CONFIG_MAX_UPDATE_RATE);
	in->refill = jiffies;
	ito_hw_net_init(in);
	in->ft_reach = ito_ft_reach(ito_config_get(in,
						   ITO_A_CONFIG_MAX_SESSIONS));
	ft = ito_ft_alloc(in->ft_reach);
	if (!ft)
		return -ENOMEM;
	RCU_INIT_POINTER(in->fastpath, ft);
	err = ito_nh_net_init(in);
	if (err)
		ito_rht_free(ft);
	return err;
}

/* Every flow has ended: nothing is offloaded or pending any more. */
void ito_offload_net_uninit(struct ito_net *in)
{
	cancel_delayed_work_sync(&in->offload_work);
	ito_nh_net_uninit(in);
	ito_hw_net_uninit(in);
	WARN_ON(in->nsessions || !list_empty(&in->pending));
	ito_rht_free(rcu_dereference_protected(in->fastpath, true));
}

/**
 * ito_offload_resize - give the fast path table the reach of max_sessions
 * @in: the instance; caller holds no lock
 * @extack: told when sessions were handed back
 *
 * Process context, after the knobs changed. A table that reaches fewer
 * sessions than max_sessions is replaced (a smaller max_sessions keeps
 * the table). Entries cannot move between tables: the sessions go back
 * to the slow path first, keeping their verdict as for a standby, and
 * admission offloads them again in the new table, within the budget.
 * Nothing is admitted meanwhile. A resize already running takes a later
 * change along.
 */
void ito_offload_resize(struct ito_net *in, struct netlink_ext_ack *extack)
{
	struct rhashtable *ft, *old;
	u32 reach, was;

	mutex_lock(&in->lock);
	was = in->ft_reach;
	reach = ito_ft_reach(ito_config_get(in, ITO_A_CONFIG_MAX_SESSIONS));
	if (!was || reach <= was) {
		mutex_unlock(&in->lock);
		return;
	}
	in->ft_reach = 0;
	mutex_unlock(&in->lock);

again:
	ft = ito_ft_alloc(reach);
	if (READ_ONCE(in->nsessions) && ft) {
		ito_flow_standby(in);
		NL_SET_ERR_MSG(extack,
			       "max_sessions: the fast path table grew, its sessions were handed back to be offloaded again");
	}
	mutex_lock(&in->lock);
	/* no install since ft_reach went to 0, and the standby ended all */
	if (!ft || WARN_ON_ONCE(READ_ONCE(in->nsessions))) {
		if (ft)
			ito_rht_free(ft);
		in->ft_reach = was;
		mutex_unlock(&in->lock);
		NL_SET_ERR_MSG(extack,
			       "max_sessions: no memory for a larger fast path table, the table keeps its reach");
		ito_offload_kick(in);
		return;
	}
	old = rcu_replace_pointer(in->fastpath, ft, lockdep_is_held(&in->lock));
	was = reach;
	reach = ito_ft_reach(ito_config_get(in, ITO_A_CONFIG_MAX_SESSIONS));
	if (reach <= was)
		in->ft_reach = was;
	mutex_unlock(&in->lock);
	/* readers still in the old table find nothing there */
	synchronize_rcu();
	ito_rht_free(old);
	if (reach > was)
		goto again;
	ito_offload_kick(in);
}
