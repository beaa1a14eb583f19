// SPDX-License-Identifier: GPL-2.0
/*
 * ito_sim - the rule table. Rules are grouped by (priority, mask): each
 * group is a hash table of masked keys (tuple space search), so a lookup
 * costs one hash probe per group, however many rules there are. Groups are
 * kept in priority order; the first hit of the lowest priority wins, and
 * among rules of one priority the oldest.
 *
 * The control path (REPLACE, DESTROY, STATS, port flush, dumps) holds
 * sim_tbl.lock; the packet path walks groups and their tables under RCU
 * only. Every structure is a resizable hash table or a list appended to,
 * so that a million rules cost what a few do per operation; only a dump
 * sorts. A group that empties stays (there are a handful of masks) until
 * the module goes.
 */
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/flow_offload.h>

#include "sim.h"

#define SIM_KEY_WORDS (sizeof(struct sim_key) / sizeof(u32))

struct sim_group {
	struct list_head list;		/* sim_tbl.groups, by prio; RCU */
	u32 prio;
	u32 nrules;
	struct sim_key mask;
	struct rhltable rules;		/* by masked key */
};

static const struct rhashtable_params sim_group_params = {
	.head_offset = offsetof(struct sim_rule, hnode),
	.key_offset = offsetof(struct sim_rule, key),
	.key_len = sizeof(struct sim_key),
	.automatic_shrinking = true,
};

static const struct rhashtable_params sim_cookie_params = {
	.head_offset = offsetof(struct sim_rule, cnode),
	.key_offset = offsetof(struct sim_rule, id),
	.key_len = sizeof(struct sim_rule_id),
	.automatic_shrinking = true,
};

static struct {
	struct mutex lock;		/* everything but the RCU walk */
	struct list_head groups;
	struct list_head rules;		/* in insertion (seq) order */
	struct rhashtable cookies;	/* by (port, cookie) */
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

struct sim_rule *sim_rule_alloc(void)
{
	return kzalloc(sizeof(struct sim_rule), GFP_KERNEL);
}

void sim_rule_free(struct sim_rule *r)
{
	kfree(r);
}

static void sim_rule_free_rcu(struct rcu_head *head)
{
	sim_rule_free(container_of(head, struct sim_rule, rcu));
}

void sim_rule_read(struct sim_rule *r, u64 *packets, u64 *bytes)
{
	*packets = atomic64_read(&r->packets);
	*bytes = atomic64_read(&r->bytes);
}

static struct sim_rule *sim_table_find(struct sim_port *port,
				       unsigned long cookie)
{
	struct sim_rule_id id = { .in = port, .cookie = cookie };

	lockdep_assert_held(&sim_tbl.lock);
	return rhashtable_lookup_fast(&sim_tbl.cookies, &id, sim_cookie_params);
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
	if (rhltable_init(&g->rules, &sim_group_params)) {
		kfree(g);
		return NULL;
	}
	g->prio = r->prio;
	g->mask = r->mask;
	/* after the last group of the same or a lower priority */
	list_for_each_entry(pos, &sim_tbl.groups, list)
		if (pos->prio > g->prio)
			break;
	list_add_tail_rcu(&g->list, &pos->list);
	return g;
}

static int sim_table_insert(struct sim_rule *r)
{
	struct sim_group *g;
	int err;

	g = sim_group_get(r);
	if (!g)
		return -ENOMEM;
	err = rhashtable_insert_fast(&sim_tbl.cookies, &r->cnode,
				     sim_cookie_params);
	if (err)
		return err;
	r->group = g;
	r->seq = ++sim_tbl.seq;
	r->lastused = jiffies;
	err = rhltable_insert(&g->rules, &r->hnode, sim_group_params);
	if (err) {
		rhashtable_remove_fast(&sim_tbl.cookies, &r->cnode,
				       sim_cookie_params);
		return err;
	}
	g->nrules++;
	list_add_tail(&r->list, &sim_tbl.rules);
	sim_tbl.nrules++;
	return 0;
}

static void sim_table_remove(struct sim_rule *r)
{
	rhltable_remove(&r->group->rules, &r->hnode, sim_group_params);
	rhashtable_remove_fast(&sim_tbl.cookies, &r->cnode, sim_cookie_params);
	list_del(&r->list);
	r->group->nrules--;
	sim_tbl.nrules--;
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
	r->id.in = port;
	r->id.cookie = f->cookie;
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
		bool hit = r->id.in == port;

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
	struct rhlist_head *list, *pos;
	struct sim_group *g;
	struct sim_key mk;

	list_for_each_entry_rcu(g, &sim_tbl.groups, list) {
		if (best && g->prio > best->prio)
			break;
		sim_key_and(&mk, k, &g->mask);
		list = rhltable_lookup(&g->rules, &mk, sim_group_params);
		rhl_for_each_entry_rcu(r, pos, list, hnode)
			if (!best || r->seq < best->seq)
				best = r;
	}
	return best;
}

u32 sim_table_count(void)
{
	return READ_ONCE(sim_tbl.nrules);
}

/* dump order: by port, priority, then age */
static int sim_rule_cmp(const void *pa, const void *pb)
{
	const struct sim_rule *a = *(const struct sim_rule **)pa;
	const struct sim_rule *b = *(const struct sim_rule **)pb;

	if (a->id.in->index != b->id.in->index)
		return a->id.in->index < b->id.in->index ? -1 : 1;
	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	return a->seq < b->seq ? -1 : 1;
}

int sim_table_show(struct seq_file *m)
{
	struct sim_rule *r, **v;
	u32 i, n = 0;

	mutex_lock(&sim_tbl.lock);
	v = kvmalloc_array(sim_tbl.nrules ?: 1, sizeof(*v), GFP_KERNEL);
	if (!v) {
		mutex_unlock(&sim_tbl.lock);
		return -ENOMEM;
	}
	list_for_each_entry(r, &sim_tbl.rules, list)
		v[n++] = r;
	sort(v, n, sizeof(*v), sim_rule_cmp, NULL);
	for (i = 0; i < n; i++)
		sim_dump_rule(m, v[i]);
	mutex_unlock(&sim_tbl.lock);
	kvfree(v);
	return 0;
}

int sim_table_init(void)
{
	BUILD_BUG_ON(sizeof(struct sim_key) % sizeof(u32));
	mutex_init(&sim_tbl.lock);
	INIT_LIST_HEAD(&sim_tbl.groups);
	INIT_LIST_HEAD(&sim_tbl.rules);
	return rhashtable_init(&sim_tbl.cookies, &sim_cookie_params);
}

/* every port is gone by now, and with them every rule */
void sim_table_exit(void)
{
	struct sim_group *g, *tmp;

	rcu_barrier();
	list_for_each_entry_safe(g, tmp, &sim_tbl.groups, list) {
		WARN_ON(g->nrules);
		rhltable_destroy(&g->rules);
		kfree(g);
	}
	rhashtable_destroy(&sim_tbl.cookies);
	mutex_destroy(&sim_tbl.lock);
}
