// SPDX-License-Identifier: GPL-2.0
/*
 * ito - source NAT pools with persistent bindings (DIPP).
 *
 * Linux's own source NAT to a port range picks a port per connection, so
 * one private address and port shows a different public port to each
 * destination. A pool here binds the private pair, by protocol, to one
 * public pair on its first connection and keeps that binding while any
 * connection uses it and for the pool's hold time after the last one.
 *
 * The translation stays conntrack's: the pools act as a lookup function
 * of conntrack's NAT hook at postrouting, ahead of the ruleset's source
 * NAT, and only set up the entry's NAT (nf_nat_setup_info()) with the
 * binding's pair. Conntrack de-NATs the replies, `conntrack -L` shows the
 * translation, and ito offloads it like any other NAT. What a pool leaves
 * (no free pair, a connection ito does not track) falls to the ruleset.
 * Bridged connections of a vwire pass no NAT hook: the bridge hook asks
 * ito_nat_bridged() to bind and rewrite them instead.
 *
 * A binding counts the flows it translated; ito_flow_end() gives them
 * back. Bindings are made in softirq and all change under ito_nat.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>

#include "ito.h"

/* hold time when none is given: RFC 4787 asks at least two minutes */
#define ITO_NAT_HOLD_DEFAULT	120
#define ITO_NAT_HOLD_MAX	86400
/* public pairs of a pool: its slot maps are 2 MiB each at most */
#define ITO_NAT_SLOTS_MAX	BIT(24)
/* bindings expired per hold of the lock */
#define ITO_NAT_EXPIRE_SLICE	256
/* bindings of a pool expired per GC pass, at most */
#define ITO_NAT_EXPIRE_MAX	(64 * ITO_NAT_EXPIRE_SLICE)

enum { ITO_NAT_TCP, ITO_NAT_UDP, ITO_NAT_NPROTO };

/**
 * struct ito_nat_pool - public pairs for the connections of a private
 *	prefix leaving by one port (or any)
 * @list: in ito_nat.pools
 * @id: the adder's
 * @gen: unique for the instance's life (ito_nat.gen)
 * @priv: the private prefix, @mask its mask (network order)
 * @plen: the prefix's length
 * @oif: the egress device's ifindex; 0 for any
 * @addr_min: public addresses, host order
 * @addr_max: see above
 * @port_min: public ports
 * @port_max: see above
 * @hold: seconds a binding outlives its last connection
 * @nslots: public pairs, per protocol
 * @used: by protocol, the pairs bound; under ito_nat.lock
 * @cursor: by protocol, where the search for a free pair goes on
 * @nbindings: bindings now; under ito_nat.lock
 * @exhausted: connections refused for want of a pair; under ito_nat.lock
 * @idle: its bindings without a connection, the longest idle first (one
 *	hold time for all: the first is the first to expire); under
 *	ito_nat.lock
 */
struct ito_nat_pool {
	struct list_head list;
	u32 id;
	u32 gen;
	__be32 priv;
	__be32 mask;
	u8 plen;
	int oif;
	u32 addr_min;
	u32 addr_max;
	u16 port_min;
	u16 port_max;
	u32 hold;
	u32 nslots;
	unsigned long *used[ITO_NAT_NPROTO];
	u32 cursor[ITO_NAT_NPROTO];
	u32 nbindings;
	u64 exhausted;
	struct list_head idle;
	struct rcu_head rcu;
};

/* What a binding is found by: compared as bytes, so built from zero. */
struct ito_nat_key {
	__be32 addr;
	__be16 port;
	u8 proto;
	u8 pad;
	u32 gen;		/* the pool's */
};

/**
 * struct ito_nat_binding - one private pair's public pair
 * @node: in ito_nat.bindings
 * @key: private address and port, protocol, pool
 * @addr: the public address (network order)
 * @port: the public port (network order)
 * @id: in ito_nat.ids
 * @sessions: flows translated by it now
 * @idle_since: jiffies (low 32 bits) its last flow ended
 * @total: flows it has translated
 * @pool: its pool; bindings go before their pool
 * @idle: in its pool's idle list while it has no flow
 * @rcu: frees it, once off every list
 */
struct ito_nat_binding {
	struct rhash_head node;
	struct ito_nat_key key;
	__be32 addr;
	__be16 port;
	u32 id;
	u32 sessions;
	u32 idle_since;
	u32 total;
	struct ito_nat_pool *pool;
	union {
		struct list_head idle;
		struct rcu_head rcu;
	};
};

static struct kmem_cache *ito_nat_cache;

static const struct rhashtable_params ito_nat_params = {
	.head_offset		= offsetof(struct ito_nat_binding, node),
	.key_offset		= offsetof(struct ito_nat_binding, key),
	.key_len		= sizeof(struct ito_nat_key),
	.automatic_shrinking	= true,
};

static int ito_nat_proto(u8 protonum)
{
	switch (protonum) {
	case IPPROTO_TCP:
		return ITO_NAT_TCP;
	case IPPROTO_UDP:
		return ITO_NAT_UDP;
	}
	return -1;
}

static u32 ito_nat_nports(const struct ito_nat_pool *pool)
{
	return pool->port_max - pool->port_min + 1;
}

/* The pool whose prefix holds @saddr, leaving by @oif; caller holds RCU. */
static struct ito_nat_pool *ito_nat_pool_match(struct ito_net *in,
					       __be32 saddr, int oif)
{
	struct ito_nat_pool *pool;

	list_for_each_entry_rcu(pool, &in->nat.pools, list)
		if ((saddr & pool->mask) == pool->priv &&
		    (!pool->oif || pool->oif == oif))
			return pool;
	return NULL;
}

/*
 * The pool a public pair belongs to (pools may share an address, not a
 * pair); under ito_nat.lock.
 */
static struct ito_nat_pool *ito_nat_pool_public(struct ito_net *in,
						__be32 addr, __be16 port)
{
	struct ito_nat_pool *pool;
	u32 a = ntohl(addr);
	u16 p = ntohs(port);

	list_for_each_entry(pool, &in->nat.pools, list)
		if (a >= pool->addr_min && a <= pool->addr_max &&
		    p >= pool->port_min && p <= pool->port_max)
			return pool;
	return NULL;
}

/* A free public pair of @pool for protocol @p, marked used; -1 if none. */
static s64 ito_nat_slot_take(struct ito_nat_pool *pool, int p)
{
	unsigned long slot;

	slot = find_next_zero_bit(pool->used[p], pool->nslots,
				  pool->cursor[p]);
	if (slot >= pool->nslots)
		slot = find_first_zero_bit(pool->used[p], pool->nslots);
	if (slot >= pool->nslots)
		return -1;
	__set_bit(slot, pool->used[p]);
	pool->cursor[p] = slot + 1 < pool->nslots ? slot + 1 : 0;
	return slot;
}

static u32 ito_nat_slot(const struct ito_nat_binding *b)
{
	const struct ito_nat_pool *pool = b->pool;

	return (ntohl(b->addr) - pool->addr_min) * ito_nat_nports(pool) +
	       ntohs(b->port) - pool->port_min;
}

/* A new binding of @key in @pool; under ito_nat.lock. NULL: none made. */
static struct ito_nat_binding *ito_nat_bind(struct ito_net *in,
					    struct ito_nat_pool *pool,
					    const struct ito_nat_key *key)
{
	int p = ito_nat_proto(key->proto);
	struct ito_nat_binding *b;
	s64 slot;

	slot = ito_nat_slot_take(pool, p);
	if (slot < 0) {
		pool->exhausted++;
		ito_counter_inc(in, ITO_CNT_NAT_POOL_EXHAUSTED);
		return NULL;
	}
	b = kmem_cache_zalloc(ito_nat_cache, GFP_ATOMIC);
	if (!b)
		goto err_slot;
	b->key = *key;
	b->pool = pool;
	b->addr = htonl(pool->addr_min + (u32)slot / ito_nat_nports(pool));
	b->port = htons(pool->port_min + (u32)slot % ito_nat_nports(pool));
	INIT_LIST_HEAD(&b->idle);
	if (xa_alloc_cyclic(&in->nat.ids, &b->id, b, xa_limit_32b,
			    &in->nat.next_id, GFP_ATOMIC) < 0)
		goto err_free;
	if (rhashtable_insert_fast(&in->nat.bindings, &b->node,
				   ito_nat_params))
		goto err_id;
	pool->nbindings++;
	ito_counter_inc(in, ITO_CNT_NAT_BINDINGS_NEW);
	ito_counter_inc(in, ITO_CNT_NAT_BINDINGS_ACTIVE);
	return b;

err_id:
	xa_erase(&in->nat.ids, b->id);
err_free:
	kmem_cache_free(ito_nat_cache, b);
err_slot:
	__clear_bit(slot, pool->used[p]);
	return NULL;
}

/* after RCU: the bindings table's lookups are RCU readers */
static void ito_nat_binding_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(ito_nat_cache,
			container_of(head, struct ito_nat_binding, rcu));
}

/* Forget a binding: its pair is free again. Under ito_nat.lock. */
static void ito_nat_unbind(struct ito_net *in, struct ito_nat_binding *b)
{
	rhashtable_remove_fast(&in->nat.bindings, &b->node, ito_nat_params);
	xa_erase(&in->nat.ids, b->id);
	list_del(&b->idle);
	__clear_bit(ito_nat_slot(b), b->pool->used[ito_nat_proto(b->key.proto)]);
	b->pool->nbindings--;
	ito_counter_add(in, ITO_CNT_NAT_BINDINGS_ACTIVE, -1);
	call_rcu(&b->rcu, ito_nat_binding_free_rcu);
}

static void ito_nat_put(struct ito_net *in, struct ito_nat_binding *b)
{
	if (WARN_ON_ONCE(!b->sessions) || --b->sessions)
		return;
	b->idle_since = (u32)jiffies;
	list_add_tail(&b->idle, &b->pool->idle);
}

/*
 * A new connection, whose source NAT is not set up yet, leaving by @oif:
 * if it matches a pool, give it its binding's pair. Under RCU.
 */
static unsigned int ito_nat_bind_ct(struct ito_net *in, struct nf_conn *ct,
				    int oif)
{
	const struct nf_conntrack_tuple *t;
	struct nf_nat_range2 range = {};
	struct ito_nat_key key = {};
	struct ito_nat_pool *pool;
	struct ito_nat_binding *b;
	struct ito_flow *flow;
	unsigned int verdict;
	bool bound;

	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (ito_nat_proto(t->dst.protonum) < 0)
		return NF_ACCEPT;
	pool = ito_nat_pool_match(in, t->src.u3.ip, oif);
	if (!pool)
		return NF_ACCEPT;
	flow = ito_flow_lookup(in, ct);
	if (!flow) {
		ito_counter_inc(in, ITO_CNT_NAT_UNTRACKED);
		return NF_ACCEPT;
	}

	key.addr = t->src.u3.ip;
	key.port = t->src.u.all;
	key.proto = t->dst.protonum;
	key.gen = pool->gen;
	spin_lock_bh(&in->nat.lock);
	b = rhashtable_lookup_fast(&in->nat.bindings, &key, ito_nat_params);
	if (!b)
		b = ito_nat_bind(in, pool, &key);
	if (!b) {
		spin_unlock_bh(&in->nat.lock);
		return NF_ACCEPT;
	}
	if (!b->sessions++)
		list_del_init(&b->idle);
	b->total++;
	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr.ip = b->addr;
	range.max_addr.ip = b->addr;
	range.min_proto.all = b->port;
	range.max_proto.all = b->port;
	spin_unlock_bh(&in->nat.lock);

	verdict = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
	/* the flow gives the binding back when it ends: if it has not yet */
	spin_lock_bh(&in->pending_lock);
	bound = verdict == NF_ACCEPT && !flow->ended;
	if (bound)
		flow->nat_bound = true;
	spin_unlock_bh(&in->pending_lock);
	if (bound) {
		ito_counter_inc(in, ITO_CNT_NAT_SESSIONS);
	} else {
		spin_lock_bh(&in->nat.lock);
		ito_nat_put(in, b);
		spin_unlock_bh(&in->nat.lock);
	}
	return verdict;
}

/*
 * The NAT hook's lookup function, called while conntrack's NAT of the
 * connection is not set up: a new one matching a pool gets its binding.
 */
static unsigned int ito_nat_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !state->out)
		return NF_ACCEPT;
	return ito_nat_bind_ct(priv, ct, state->out->ifindex);
}

/**
 * ito_nat_bridged - translate a packet bridged from a vwire port to its peer
 * @in: the instance
 * @skb: the packet, network header at skb->data (bridge forward hook)
 * @ct: its conntrack entry, from nf_conntrack_bridge
 * @ctinfo: and how it relates to it
 * @out: the peer port it leaves by
 * @hooknum: %NF_INET_PRE_ROUTING for the destination stage (replies of
 *	source NAT are de-NATed there), %NF_INET_POST_ROUTING for the source
 *	stage, where a new connection is bound
 *
 * No IPv4 NAT hook sees bridged packets (a vwire uses no br_netfilter), so
 * ito does what they would: the source stage binds a new connection from
 * a pool's prefix, and both stages rewrite every packet of a translated
 * entry with conntrack's own helpers. Rewriting is idempotent: a packet
 * that was translated already is left as it is.
 *
 * Return: a netfilter verdict, %NF_DROP if the packet could not be
 * rewritten.
 */
unsigned int ito_nat_bridged(struct ito_net *in, struct sk_buff *skb,
			     struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			     const struct net_device *out, unsigned int hooknum)
{
	unsigned int verdict;

	if (nf_ct_l3num(ct) != NFPROTO_IPV4)
		return NF_ACCEPT;
	if (hooknum == NF_INET_POST_ROUTING && ctinfo == IP_CT_NEW &&
	    !nf_nat_initialized(ct, NF_NAT_MANIP_SRC)) {
		verdict = ito_nat_bind_ct(in, ct, out->ifindex);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	if (!(ct->status & IPS_NAT_MASK))
		return NF_ACCEPT;
	/* an ICMP error about the connection: its quoted packet too */
	if ((ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY) &&
	    ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return nf_nat_icmp_reply_translation(skb, ct, ctinfo, hooknum) ?
		       NF_ACCEPT : NF_DROP;
	return nf_nat_packet(ct, ctinfo, hooknum, skb);
}

/**
 * ito_nat_flow_end - an ended flow gives its binding back
 * @in: the instance
 * @flow: ended (ito_offload_forget()): nat_bound changes no more
 *
 * The binding is the one of the entry's private pair in the pool of its
 * public address, if it is still the pair the entry was translated to.
 */
void ito_nat_flow_end(struct ito_net *in, struct ito_flow *flow)
{
	const struct nf_conntrack_tuple *orig, *reply;
	struct ito_nat_key key = {};
	struct ito_nat_pool *pool;
	struct ito_nat_binding *b;

	if (!flow->nat_bound)
		return;
	orig = &flow->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &flow->ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	key.addr = orig->src.u3.ip;
	key.port = orig->src.u.all;
	key.proto = orig->dst.protonum;
	spin_lock_bh(&in->nat.lock);
	pool = ito_nat_pool_public(in, reply->dst.u3.ip, reply->dst.u.all);
	if (pool) {
		key.gen = pool->gen;
		b = rhashtable_lookup_fast(&in->nat.bindings, &key,
					   ito_nat_params);
		if (b && b->addr == reply->dst.u3.ip &&
		    b->port == reply->dst.u.all)
			ito_nat_put(in, b);
	}
	spin_unlock_bh(&in->nat.lock);
}

/* Free up to a slice of @pool's bindings idle for longer than its hold. */
static int ito_nat_expire_pool(struct ito_net *in, struct ito_nat_pool *pool)
{
	unsigned long now = jiffies;
	struct ito_nat_binding *b;
	int n = 0;

	spin_lock_bh(&in->nat.lock);
	while (n < ITO_NAT_EXPIRE_SLICE && !list_empty(&pool->idle)) {
		b = list_first_entry(&pool->idle, struct ito_nat_binding, idle);
		if (time_before(now, ito_jiffies32(b->idle_since) +
				     pool->hold * HZ))
			break;
		ito_nat_unbind(in, b);
		ito_counter_inc(in, ITO_CNT_NAT_BINDINGS_EXPIRED);
		n++;
	}
	spin_unlock_bh(&in->nat.lock);
	return n;
}

/*
 * The GC's second: free the bindings idle for longer than their hold, at
 * most ITO_NAT_EXPIRE_MAX of a pool (the rest the next second). Under RCU,
 * as the hook: a pool being removed is freed only after us, and its
 * bindings only after its removal waited for us.
 */
void ito_nat_expire(struct ito_net *in)
{
	struct ito_nat_pool *pool;
	int n;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &in->nat.pools, list)
		for (n = 0; n < ITO_NAT_EXPIRE_MAX; n += ITO_NAT_EXPIRE_SLICE)
			if (ito_nat_expire_pool(in, pool) < ITO_NAT_EXPIRE_SLICE)
				break;
	rcu_read_unlock();
}

/* Pools */

/* An address attribute: IPv4, or refused with why (6.1 has no formats). */
static int ito_nat_addr(const struct nlattr *attr, __be32 *addr,
			const char *v6_msg, struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == 16) {
		if (extack)
			extack->_msg = v6_msg;
		NL_SET_BAD_ATTR(extack, attr);
		return -EAFNOSUPPORT;
	}
	if (nla_len(attr) != 4) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "an address is 4 bytes (IPv4) here");
		return -EINVAL;
	}
	*addr = nla_get_in_addr(attr);
	return 0;
}

/* Does @a overlap a pool already in? Under ito_net.lock. */
static int ito_nat_pool_check(struct ito_net *in, const struct ito_nat_pool *a,
			      struct netlink_ext_ack *extack)
{
	struct ito_nat_pool *b;

	list_for_each_entry(b, &in->nat.pools, list) {
		__be32 mask = a->plen < b->plen ? a->mask : b->mask;

		if (b->id == a->id) {
			NL_SET_ERR_MSG(extack, "a pool with this id exists");
			return -EEXIST;
		}
		if (a->addr_min <= b->addr_max && b->addr_min <= a->addr_max &&
		    a->port_min <= b->port_max && b->port_min <= a->port_max) {
			NL_SET_ERR_MSG(extack,
				       "the public addresses and ports overlap another pool's");
			return -EEXIST;
		}
		if ((a->priv & mask) == (b->priv & mask) &&
		    (!a->oif || !b->oif || a->oif == b->oif)) {
			NL_SET_ERR_MSG(extack,
				       "the private prefix overlaps another pool's on the same egress");
			return -EEXIST;
		}
	}
	return 0;
}

static void ito_nat_pool_free(struct ito_nat_pool *pool)
{
	int p;

	for (p = 0; p < ITO_NAT_NPROTO; p++)
		kvfree(pool->used[p]);
	kfree(pool);
}

static void ito_nat_pool_free_rcu(struct rcu_head *head)
{
	ito_nat_pool_free(container_of(head, struct ito_nat_pool, rcu));
}

static bool ito_nat_dev_exists(struct ito_net *in, int ifindex)
{
	bool found;

	rcu_read_lock();
	found = dev_get_by_index_rcu(in->net, ifindex);
	rcu_read_unlock();
	return found;
}

/* A pool from its attributes, checked alone; NULL with @err set. */
static struct ito_nat_pool *ito_nat_pool_parse(struct ito_net *in,
					       struct nlattr *const *tb,
					       struct netlink_ext_ack *extack,
					       int *err)
{
	struct ito_nat_pool *pool;
	__be32 addr;
	u64 nslots;
	int p;

	*err = -EINVAL;
	if (!tb[ITO_A_NAT_POOL_ID] || !tb[ITO_A_NAT_POOL_PRIVATE] ||
	    !tb[ITO_A_NAT_POOL_PRIVATE_LEN] || !tb[ITO_A_NAT_POOL_PUBLIC_MIN]) {
		NL_SET_ERR_MSG(extack,
			       "a pool needs an id, a private prefix and public addresses");
		return NULL;
	}
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool) {
		*err = -ENOMEM;
		return NULL;
	}
	pool->id = nla_get_u32(tb[ITO_A_NAT_POOL_ID]);
	pool->plen = nla_get_u8(tb[ITO_A_NAT_POOL_PRIVATE_LEN]);
	pool->mask = pool->plen ? htonl(~0U << (32 - pool->plen)) : 0;
	*err = ito_nat_addr(tb[ITO_A_NAT_POOL_PRIVATE], &pool->priv,
			    "the private prefix is IPv6: pools translate IPv4 only (NAT44)",
			    extack);
	if (*err)
		goto err;
	*err = -EINVAL;
	if (pool->priv & ~pool->mask) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_NAT_POOL_PRIVATE],
				    "the private prefix has bits set beyond its length");
		goto err;
	}
	*err = ito_nat_addr(tb[ITO_A_NAT_POOL_PUBLIC_MIN], &addr,
			    "the first public address is IPv6: pools translate IPv4 only (NAT44)",
			    extack);
	if (*err)
		goto err;
	pool->addr_min = ntohl(addr);
	pool->addr_max = pool->addr_min;
	if (tb[ITO_A_NAT_POOL_PUBLIC_MAX]) {
		*err = ito_nat_addr(tb[ITO_A_NAT_POOL_PUBLIC_MAX], &addr,
				    "the last public address is IPv6: pools translate IPv4 only (NAT44)",
				    extack);
		if (*err)
			goto err;
		pool->addr_max = ntohl(addr);
	}
	*err = -EINVAL;
	if (pool->addr_max < pool->addr_min) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_NAT_POOL_PUBLIC_MAX],
				    "the public address range is empty");
		goto err;
	}
	pool->port_min = tb[ITO_A_NAT_POOL_PORT_MIN] ?
			 nla_get_u16(tb[ITO_A_NAT_POOL_PORT_MIN]) : 1024;
	pool->port_max = tb[ITO_A_NAT_POOL_PORT_MAX] ?
			 nla_get_u16(tb[ITO_A_NAT_POOL_PORT_MAX]) : 65535;
	if (pool->port_max < pool->port_min) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_NAT_POOL_PORT_MAX],
				    "the public port range is empty");
		goto err;
	}
	nslots = (u64)(pool->addr_max - pool->addr_min + 1) *
		 ito_nat_nports(pool);
	if (nslots > ITO_NAT_SLOTS_MAX) {
		NL_SET_ERR_MSG(extack,
			       "the pool has more than 16777216 public address and port pairs");
		goto err;
	}
	pool->nslots = nslots;
	pool->hold = tb[ITO_A_NAT_POOL_HOLD] ?
		     nla_get_u32(tb[ITO_A_NAT_POOL_HOLD]) : ITO_NAT_HOLD_DEFAULT;
	if (pool->hold > ITO_NAT_HOLD_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_NAT_POOL_HOLD],
				    "the hold time is at most 86400 s");
		goto err;
	}
	if (tb[ITO_A_NAT_POOL_OIF]) {
		pool->oif = nla_get_u32(tb[ITO_A_NAT_POOL_OIF]);
		if (pool->oif && !ito_nat_dev_exists(in, pool->oif)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[ITO_A_NAT_POOL_OIF],
					    "no such device");
			*err = -ENODEV;
			goto err;
		}
	}
	INIT_LIST_HEAD(&pool->idle);
	*err = -ENOMEM;
	for (p = 0; p < ITO_NAT_NPROTO; p++) {
		pool->used[p] = kvcalloc(BITS_TO_LONGS(pool->nslots),
					 sizeof(unsigned long), GFP_KERNEL);
		if (!pool->used[p])
			goto err;
	}
	*err = 0;
	return pool;

err:
	ito_nat_pool_free(pool);
	return NULL;
}

/**
 * ito_nat_pool_add - add a pool (ITO_CMD_NAT_POOL_ADD)
 * @in: the instance
 * @tb: the pool's attributes, parsed
 * @extack: why not
 *
 * Return: 0, or an error with nothing changed.
 */
int ito_nat_pool_add(struct ito_net *in, struct nlattr *const *tb,
		     struct netlink_ext_ack *extack)
{
	struct ito_nat_pool *pool;
	int err;

	pool = ito_nat_pool_parse(in, tb, extack, &err);
	if (!pool)
		return err;
	mutex_lock(&in->lock);
	err = ito_nat_pool_check(in, pool, extack);
	if (err)
		goto err;
	if (!in->nat.npools) {
		err = nf_nat_ipv4_register_fn(in->net, &in->nat.ops);
		if (err) {
			NL_SET_ERR_MSG(extack, "could not hook into conntrack's NAT");
			goto err;
		}
	}
	in->nat.npools++;
	spin_lock_bh(&in->nat.lock);
	pool->gen = ++in->nat.gen;
	list_add_tail_rcu(&pool->list, &in->nat.pools);
	spin_unlock_bh(&in->nat.lock);
	mutex_unlock(&in->lock);
	return 0;

err:
	mutex_unlock(&in->lock);
	ito_nat_pool_free(pool);
	return err;
}

/* Free the bindings of @pool; under ito_net.lock. */
static void ito_nat_unbind_all(struct ito_net *in, struct ito_nat_pool *pool)
{
	struct ito_nat_binding *b;
	unsigned long id = 0;
	int n;

	do {
		n = 0;
		spin_lock_bh(&in->nat.lock);
		xa_for_each_start(&in->nat.ids, id, b, id) {
			if (b->pool != pool)
				continue;
			ito_nat_unbind(in, b);
			if (++n == ITO_NAT_EXPIRE_SLICE)
				break;
		}
		spin_unlock_bh(&in->nat.lock);
		cond_resched();
	} while (n == ITO_NAT_EXPIRE_SLICE);
}

/* Remove @pool; under ito_net.lock. */
static void ito_nat_pool_remove(struct ito_net *in, struct ito_nat_pool *pool)
{
	spin_lock_bh(&in->nat.lock);
	list_del_rcu(&pool->list);
	spin_unlock_bh(&in->nat.lock);
	if (!--in->nat.npools)
		nf_nat_ipv4_unregister_fn(in->net, &in->nat.ops);
	/* the hook binds no more in it once RCU readers are gone */
	synchronize_rcu();
	ito_nat_unbind_all(in, pool);
	call_rcu(&pool->rcu, ito_nat_pool_free_rcu);
}

int ito_nat_pool_del(struct ito_net *in, u32 id,
		     struct netlink_ext_ack *extack)
{
	struct ito_nat_pool *pool;

	mutex_lock(&in->lock);
	list_for_each_entry(pool, &in->nat.pools, list) {
		if (pool->id == id) {
			ito_nat_pool_remove(in, pool);
			mutex_unlock(&in->lock);
			return 0;
		}
	}
	mutex_unlock(&in->lock);
	NL_SET_ERR_MSG(extack, "no pool with this id");
	return -ENOENT;
}

static int ito_nat_pool_put(struct sk_buff *msg, struct ito_net *in,
			    const struct ito_nat_pool *pool)
{
	struct nlattr *nest;
	u32 bindings;
	u64 exhausted;

	spin_lock_bh(&in->nat.lock);
	bindings = pool->nbindings;
	exhausted = pool->exhausted;
	spin_unlock_bh(&in->nat.lock);
	nest = nla_nest_start(msg, ITO_A_NAT_POOL);
	if (!nest ||
	    nla_put_u32(msg, ITO_A_NAT_POOL_ID, pool->id) ||
	    nla_put_in_addr(msg, ITO_A_NAT_POOL_PRIVATE, pool->priv) ||
	    nla_put_u8(msg, ITO_A_NAT_POOL_PRIVATE_LEN, pool->plen) ||
	    nla_put_u32(msg, ITO_A_NAT_POOL_OIF, pool->oif) ||
	    nla_put_in_addr(msg, ITO_A_NAT_POOL_PUBLIC_MIN,
			    htonl(pool->addr_min)) ||
	    nla_put_in_addr(msg, ITO_A_NAT_POOL_PUBLIC_MAX,
			    htonl(pool->addr_max)) ||
	    nla_put_u16(msg, ITO_A_NAT_POOL_PORT_MIN, pool->port_min) ||
	    nla_put_u16(msg, ITO_A_NAT_POOL_PORT_MAX, pool->port_max) ||
	    nla_put_u32(msg, ITO_A_NAT_POOL_HOLD, pool->hold) ||
	    nla_put_u32(msg, ITO_A_NAT_POOL_BINDINGS, bindings) ||
	    nla_put_u32(msg, ITO_A_NAT_POOL_SLOTS, pool->nslots) ||
	    nla_put_u64_64bit(msg, ITO_A_NAT_POOL_EXHAUSTED, exhausted,
			      ITO_A_NAT_POOL_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * ito_nat_pool_dump - pools into a dump, resuming after cb->args[0] pools
 * @in: the instance
 * @skb: the dump's message
 * @cb: its state
 * @id: only this pool, if not 0
 *
 * Return: as a dumpit.
 */
int ito_nat_pool_dump(struct ito_net *in, struct sk_buff *skb,
		      struct netlink_callback *cb, u32 id)
{
	struct ito_nat_pool *pool;
	long i = 0;
	int err = 0;

	mutex_lock(&in->lock);
	list_for_each_entry(pool, &in->nat.pools, list) {
		void *hdr;

		if (i++ < cb->args[0] || (id && pool->id != id))
			continue;
		hdr = ito_nl_dump_put(skb, cb, ITO_CMD_NAT_POOL_GET);
		if (!hdr || ito_nat_pool_put(skb, in, pool)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			i--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&in->lock);
	cb->args[0] = i;
	return err == -EMSGSIZE ? skb->len : 0;
}

static int ito_nat_binding_put(struct sk_buff *msg,
			       const struct ito_nat_binding *b)
{
	u64 idle_ms = 0;
	struct nlattr *nest;

	if (!b->sessions)
		idle_ms = jiffies_to_msecs(jiffies -
					   ito_jiffies32(b->idle_since));
	nest = nla_nest_start(msg, ITO_A_NAT_BINDING);
	if (!nest ||
	    nla_put_u32(msg, ITO_A_NAT_BINDING_POOL, b->pool->id) ||
	    nla_put_u8(msg, ITO_A_NAT_BINDING_PROTO, b->key.proto) ||
	    nla_put_in_addr(msg, ITO_A_NAT_BINDING_PRIVATE, b->key.addr) ||
	    nla_put_u16(msg, ITO_A_NAT_BINDING_PRIVATE_PORT,
			ntohs(b->key.port)) ||
	    nla_put_in_addr(msg, ITO_A_NAT_BINDING_PUBLIC, b->addr) ||
	    nla_put_u16(msg, ITO_A_NAT_BINDING_PUBLIC_PORT, ntohs(b->port)) ||
	    nla_put_u32(msg, ITO_A_NAT_BINDING_SESSIONS, b->sessions) ||
	    nla_put_u64_64bit(msg, ITO_A_NAT_BINDING_IDLE_MS, idle_ms,
			      ITO_A_NAT_BINDING_PAD) ||
	    nla_put_u64_64bit(msg, ITO_A_NAT_BINDING_TOTAL, b->total,
			      ITO_A_NAT_BINDING_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Bindings by id into a dump, resuming at id cb->args[0]. */
int ito_nat_binding_dump(struct ito_net *in, struct sk_buff *skb,
			 struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ito_nat_binding *b;
	int err = 0;

	spin_lock_bh(&in->nat.lock);
	xa_for_each_start(&in->nat.ids, id, b, id) {
		void *hdr;

		hdr = ito_nl_dump_put(skb, cb, ITO_CMD_NAT_BINDING_GET);
		if (!hdr || ito_nat_binding_put(skb, b)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	spin_unlock_bh(&in->nat.lock);
	cb->args[0] = id;
	return err == -EMSGSIZE ? skb->len : 0;
}

int ito_nat_net_init(struct ito_net *in)
{
	struct ito_nat *nat = &in->nat;

	spin_lock_init(&nat->lock);
	INIT_LIST_HEAD(&nat->pools);
	xa_init_flags(&nat->ids, XA_FLAGS_ALLOC1);
	nat->ops = (struct nf_hook_ops) {
		.hook		= ito_nat_hook,
		.priv		= in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		/* ahead of the ruleset's source NAT */
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	};
	return rhashtable_init(&nat->bindings, &ito_nat_params);
}

/* After the flows have ended: no binding is in use. */
void ito_nat_net_uninit(struct ito_net *in)
{
	struct ito_nat_pool *pool, *tmp;

	mutex_lock(&in->lock);
	list_for_each_entry_safe(pool, tmp, &in->nat.pools, list)
		ito_nat_pool_remove(in, pool);
	mutex_unlock(&in->lock);
	rhashtable_destroy(&in->nat.bindings);
	xa_destroy(&in->nat.ids);
}

int __init ito_nat_init(void)
{
	ito_nat_cache = KMEM_CACHE(ito_nat_binding, 0);
	return ito_nat_cache ? 0 : -ENOMEM;
}

void ito_nat_uninit(void)
{
	kmem_cache_destroy(ito_nat_cache);
}
