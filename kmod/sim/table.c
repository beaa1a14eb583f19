// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - the rule table. Rules are grouped by (priority, mask): each
 * group is a hash table of masked keys (tuple space search), so a lookup
 * costs one hash probe per group, however many rules there are. Groups are
 * kept in priority order; the first hit of the lowest priority wins, and
 * among rules of one priority the oldest.
 *
 * The control path (REPLACE, DESTROY, STATS, port flush, dumps) holds
 * sim_tbl.lock; the packet path walks groups and buckets under RCU only.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/flow_offload.h>

#include "sim.h"

#define SIM_KEY_WORDS (sizeof(struct sim_key) / sizeof(u32))

struct sim_group {
	struct list_head list;		/* sim_tbl.groups, by prio; RCU */
	u32 prio;
	u32 nrules;
	struct sim_key mask;
	struct rcu_head rcu;	/* kfree_rcu() wants it in the first 4 KiB */
	struct hlist_head buckets[1 << SIM_GROUP_BITS];
};

static struct {
	struct mutex lock;		/* everything but the RCU walk */
	struct list_head groups;
	struct list_head rules;		/* by (port, prio, seq) */
	DECLARE_HASHTABLE(cookies, 10);
	u32 nrules;
	u64 seq;
	/* insertion rate bucket, in 1/HZ of an insertion */
	u64 tokens;
	unsigned long tokens_at;
	u32 tokens_rate;
} sim_tbl;

u32 sim_capacity;
u32 sim_rate;

static void sim_key_and(struct sim_key *dst, const struct sim_key *k,
			const struct sim_key *mask)
{
	const u32 *a = (const u32 *)k, *b = (const u32 *)mask;
	u32 *d = (u32 *)dst;
	int i;

	for (i = 0; i < SIM_KEY_WORDS; i++)
		d[i] = a[i] & b[i];
}

static u32 sim_key_hash(const struct sim_key *k)
{
	return jhash2((const u32 *)k, SIM_KEY_WORDS, 0);
}

struct sim_rule *sim_rule_alloc(void)
{
	struct sim_rule *r;
	int cpu;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->pcpu = alloc_percpu(struct sim_rule_pcpu);
	if (!r->pcpu) {
		kfree(r);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(r->pcpu, cpu)->syncp);
	return r;
}

void sim_rule_free(struct sim_rule *r)
{
	free_percpu(r->pcpu);
	kfree(r);
}

static void sim_rule_free_rcu(struct rcu_head *head)
{
	sim_rule_free(container_of(head, struct sim_rule, rcu));
}

void sim_rule_read(struct sim_rule *r, u64 *packets, u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		struct sim_rule_pcpu *pc = per_cpu_ptr(r->pcpu, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&pc->syncp);
			p = pc->packets;
			b = pc->bytes;
		} while (u64_stats_fetch_retry(&pc->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

static struct sim_rule *sim_table_find(struct sim_port *port,
				       unsigned long cookie)
{
	struct sim_rule *r;

	lockdep_assert_held(&sim_tbl.lock);
	hash_for_each_possible(sim_tbl.cookies, r, cnode, cookie)
		if (r->cookie == cookie && r->in == port)
			return r;
	return NULL;
}

static struct sim_group *sim_group_get(struct sim_rule *r)
{
	struct sim_group *g, *pos;

	list_for_each_entry(g, &sim_tbl.groups, list)
		if (g->prio == r->prio && !memcmp(&g->mask, &r->mask,
						  sizeof(r->mask)))
			return g;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return NULL;
	g->prio = r->prio;
	g->mask = r->mask;
	/* after the last group of the same or a lower priority */
	list_for_each_entry(pos, &sim_tbl.groups, list)
		if (pos->prio > g->prio)
			break;
	list_add_tail_rcu(&g->list, &pos->list);
	return g;
}

static bool sim_rule_before(const struct sim_rule *a, const struct sim_rule *b)
{
	if (a->in->index != b->in->index)
		return a->in->index < b->in->index;
	if (a->prio != b->prio)
		return a->prio < b->prio;
	return a->seq < b->seq;
}

static int sim_table_insert(struct sim_rule *r)
{
	struct sim_rule *pos;
	struct sim_group *g;

	g = sim_group_get(r);
	if (!g)
		return -ENOMEM;
	r->group = g;
	r->seq = ++sim_tbl.seq;
	r->hash = sim_key_hash(&r->key);
	r->lastused = jiffies;
	g->nrules++;
	hlist_add_head_rcu(&r->hnode,
			   &g->buckets[r->hash & ((1 << SIM_GROUP_BITS) - 1)]);
	hash_add(sim_tbl.cookies, &r->cnode, r->cookie);
	list_for_each_entry(pos, &sim_tbl.rules, list)
		if (sim_rule_before(r, pos))
			break;
	list_add_tail(&r->list, &pos->list);
	sim_tbl.nrules++;
	return 0;
}

static void sim_table_remove(struct sim_rule *r)
{
	struct sim_group *g = r->group;

	hlist_del_rcu(&r->hnode);
	hash_del(&r->cnode);
	list_del(&r->list);
	sim_tbl.nrules--;
	if (!--g->nrules) {
		list_del_rcu(&g->list);
		kfree_rcu(g, rcu);
	}
	call_rcu(&r->rcu, sim_rule_free_rcu);
}

/* a token bucket holding one second's worth of insertions */
static bool sim_rate_allow(void)
{
	u32 rate = READ_ONCE(sim_rate);
	unsigned long now = jiffies;
	u64 full = (u64)rate * HZ;

	if (!rate)
		return true;
	if (rate != sim_tbl.tokens_rate) {
		sim_tbl.tokens_rate = rate;
		sim_tbl.tokens = full;
	} else {
		sim_tbl.tokens += (u64)(now - sim_tbl.tokens_at) * rate;
		if (sim_tbl.tokens > full)
			sim_tbl.tokens = full;
	}
	sim_tbl.tokens_at = now;
	if (sim_tbl.tokens < HZ)
		return false;
	sim_tbl.tokens -= HZ;
	return true;
}

int sim_table_replace(struct sim_port *port, struct flow_cls_offload *f,
		      bool ft)
{
	struct netlink_ext_ack *extack = f->common.extack;
	struct sim_rule *r;
	u32 capacity;
	int err;

	mutex_lock(&sim_tbl.lock);
	if (port->dead) {
		err = -ENODEV;
		goto unlock;
	}
	if (sim_table_find(port, f->cookie)) {
		NL_SET_ERR_MSG_MOD(extack, "flow cookie already exists, ignoring");
		atomic64_inc(&sim_cnt.refused_exists);
		err = -EEXIST;
		goto unlock;
	}
	err = -ENOMEM;
	r = sim_rule_alloc();
	if (!r)
		goto refused;
	r->in = port;
	r->cookie = f->cookie;
	r->prio = f->common.prio;
	err = sim_match_parse(r, f, port);
	if (!err)
		err = sim_action_parse(r, f, port, ft);
	if (!err && !ft && f->common.chain_index) {
		NL_SET_ERR_MSG_MOD(extack, "Chains other than 0 are not simulated");
		err = -EOPNOTSUPP;
	}
	if (err)
		goto refused_free;
	sim_key_and(&r->key, &r->key, &r->mask);

	if (!sim_rate_allow()) {
		NL_SET_ERR_MSG_MOD(extack, "Rule insertion rate limit reached (debugfs rate)");
		atomic64_inc(&sim_cnt.refused_rate);
		err = -EBUSY;
		goto free;
	}
	capacity = READ_ONCE(sim_capacity);
	if (capacity && sim_tbl.nrules >= capacity) {
		NL_SET_ERR_MSG_MOD(extack, "Rule table is full (debugfs capacity)");
		atomic64_inc(&sim_cnt.refused_capacity);
		err = -ENOSPC;
		goto free;
	}
	err = sim_table_insert(r);
	if (err)
		goto refused_free;
	atomic64_inc(&sim_cnt.replace_ok);
	mutex_unlock(&sim_tbl.lock);
	return 0;

refused_free:
	sim_rule_free(r);
refused:
	atomic64_inc(&sim_cnt.refused_unsupported);
	goto unlock;
free:
	sim_rule_free(r);
unlock:
	mutex_unlock(&sim_tbl.lock);
	return err;
}

/* an unknown cookie is normal after a port flush: no noise */
int sim_table_destroy(struct sim_port *port, struct flow_cls_offload *f)
{
	struct sim_rule *r;
	int err = -ENOENT;

	mutex_lock(&sim_tbl.lock);
	r = sim_table_find(port, f->cookie);
	if (r) {
		sim_table_remove(r);
		atomic64_inc(&sim_cnt.destroy);
		err = 0;
	}
	mutex_unlock(&sim_tbl.lock);
	return err;
}

/* deltas since the previous query, like mlx5_fc_query_cached() */
int sim_table_stats(struct sim_port *port, struct flow_cls_offload *f)
{
	u64 packets, bytes;
	struct sim_rule *r;
	int err = -ENOENT;

	mutex_lock(&sim_tbl.lock);
	r = sim_table_find(port, f->cookie);
	if (r) {
		sim_rule_read(r, &packets, &bytes);
		flow_stats_update(&f->stats, bytes - r->reported_bytes,
				  packets - r->reported_packets, 0,
				  READ_ONCE(r->lastused),
				  FLOW_ACTION_HW_STATS_DELAYED);
		r->reported_packets = packets;
		r->reported_bytes = bytes;
		atomic64_inc(&sim_cnt.stats_queries);
		err = 0;
	}
	mutex_unlock(&sim_tbl.lock);
	return err;
}

/*
 * The hardware forgets every rule that enters by or leaves through @port,
 * and the port takes no new ones. After the grace period no frame in
 * flight can still hold one of these rules.
 */
void sim_table_flush_port(struct sim_port *port)
{
	struct sim_rule *r, *tmp;
	int i;

	mutex_lock(&sim_tbl.lock);
	WRITE_ONCE(port->dead, true);
	list_for_each_entry_safe(r, tmp, &sim_tbl.rules, list) {
		bool hit = r->in == port;

		for (i = 0; i < r->nout && !hit; i++)
			hit = r->out[i] == port;
		if (hit)
			sim_table_remove(r);
	}
	mutex_unlock(&sim_tbl.lock);
	synchronize_rcu();
}

/* Caller holds rcu_read_lock(). */
struct sim_rule *sim_table_lookup(const struct sim_key *k)
{
	struct sim_rule *r, *best = NULL;
	struct sim_group *g;
	struct sim_key mk;
	u32 hash;

	list_for_each_entry_rcu(g, &sim_tbl.groups, list) {
		if (best && g->prio > best->prio)
			break;
		sim_key_and(&mk, k, &g->mask);
		hash = sim_key_hash(&mk);
		hlist_for_each_entry_rcu(r, &g->buckets[hash & ((1 << SIM_GROUP_BITS) - 1)],
					 hnode) {
			if (r->hash != hash || memcmp(&r->key, &mk, sizeof(mk)))
				continue;
			if (!best || r->seq < best->seq)
				best = r;
		}
	}
	return best;
}

u32 sim_table_count(void)
{
	return READ_ONCE(sim_tbl.nrules);
}

int sim_table_show(struct seq_file *m)
{
	struct sim_rule *r;

	mutex_lock(&sim_tbl.lock);
	list_for_each_entry(r, &sim_tbl.rules, list)
		sim_dump_rule(m, r);
	mutex_unlock(&sim_tbl.lock);
	return 0;
}

void sim_table_init(void)
{
	BUILD_BUG_ON(sizeof(struct sim_key) % sizeof(u32));
	mutex_init(&sim_tbl.lock);
	INIT_LIST_HEAD(&sim_tbl.groups);
	INIT_LIST_HEAD(&sim_tbl.rules);
	hash_init(sim_tbl.cookies);
}

/* every port is gone by now, and with them every rule */
void sim_table_exit(void)
{
	rcu_barrier();
	mutex_destroy(&sim_tbl.lock);
}
