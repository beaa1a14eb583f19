// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the hardware backend. A port whose device can offload a flow table
 * (NETIF_F_HW_TC and ndo_setup_tc(TC_SETUP_FT), as mlx5 representors do)
 * is bound through a flow block of ours, once per device, with TTL guard
 * rules that send packets about to expire to the host. A session whose
 * two ports are bound places one flower rule per direction there, built
 * from the same rewrite descriptor the software path runs; its software
 * entries stay behind it for the packets the rules let through (TCP
 * FIN/RST/SYN, TTL 0 and 1, packets racing the install).
 *
 * Driver callbacks may sleep: they run in process context under
 * ito_net.lock. A session torn down in the packet path is only detached
 * there; the reap work removes its rules and hands their last counters to
 * the flow and to conntrack. A rule the device would not remove keeps its
 * session (its cookie) alive until a retry succeeds or the device goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/tc_act/tc_csum.h>
#include <net/flow_dissector.h>
#include <net/flow_offload.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/tcp.h>

#include "ito.h"

/*
 * Flow-table priorities start at 0 (mlx5 adds one to make them tc's);
 * the TTL guards go ahead of the sessions' rules.
 */
#define ITO_HW_GUARD_PRIO	0
#define ITO_HW_PRIO		1
#define ITO_HW_MAX_ACTIONS	12
/* how soon the reap work tries again a rule the device would not remove */
#define ITO_HW_RETRY_DELAY	HZ

/* What a session's rule matches, laid out for a flow_dissector. */
struct ito_hw_keys {
	struct flow_dissector_key_meta meta;
	struct flow_dissector_key_control control;
	struct flow_dissector_key_basic basic;
	struct flow_dissector_key_vlan vlan;
	union {
		struct flow_dissector_key_ipv4_addrs ipv4;
		struct flow_dissector_key_ipv6_addrs ipv6;
	};
	struct flow_dissector_key_ports ports;
	struct flow_dissector_key_tcp tcp;
	struct flow_dissector_key_ip ip;
};

struct ito_hw_match {
	struct flow_dissector dissector;
	struct ito_hw_keys key;
	struct ito_hw_keys mask;
};

static void ito_hw_use_key(struct ito_hw_match *m, enum flow_dissector_key_id id,
			   size_t offset)
{
	m->dissector.used_keys |= BIT_ULL(id);
	m->dissector.offset[id] = offset;
}

#define ito_hw_use(m, id, field) \
	ito_hw_use_key(m, id, offsetof(struct ito_hw_keys, field))

static void ito_hw_match_fill(struct ito_hw_match *m, const struct ito_ft_key *k,
			      int ifindex, u16 vlan)
{
	struct ito_hw_keys *key = &m->key, *mask = &m->mask;

	ito_hw_use(m, FLOW_DISSECTOR_KEY_META, meta);
	key->meta.ingress_ifindex = ifindex;
	mask->meta.ingress_ifindex = 0xffffffff;

	/* fragments go to the host, which reassembles what it must */
	ito_hw_use(m, FLOW_DISSECTOR_KEY_CONTROL, control);
	mask->control.flags = FLOW_DIS_IS_FRAGMENT;

	ito_hw_use(m, FLOW_DISSECTOR_KEY_BASIC, basic);
	key->basic.n_proto = k->family == NFPROTO_IPV4 ? htons(ETH_P_IP) :
							htons(ETH_P_IPV6);
	mask->basic.n_proto = htons(0xffff);
	key->basic.ip_proto = k->proto;
	mask->basic.ip_proto = 0xff;

	if (vlan) {
		ito_hw_use(m, FLOW_DISSECTOR_KEY_VLAN, vlan);
		key->vlan.vlan_id = vlan;
		mask->vlan.vlan_id = VLAN_VID_MASK;
		key->vlan.vlan_tpid = htons(ETH_P_8021Q);
		mask->vlan.vlan_tpid = htons(0xffff);
	}

	if (k->family == NFPROTO_IPV4) {
		ito_hw_use(m, FLOW_DISSECTOR_KEY_IPV4_ADDRS, ipv4);
		key->control.addr_type = FLOW_DISSECTOR_KEY_IPV4_ADDRS;
		key->ipv4.src = k->saddr.ip;
		key->ipv4.dst = k->daddr.ip;
		mask->ipv4.src = htonl(0xffffffff);
		mask->ipv4.dst = htonl(0xffffffff);
	} else {
		ito_hw_use(m, FLOW_DISSECTOR_KEY_IPV6_ADDRS, ipv6);
		key->control.addr_type = FLOW_DISSECTOR_KEY_IPV6_ADDRS;
		key->ipv6.src = k->saddr.in6;
		key->ipv6.dst = k->daddr.in6;
		memset(&mask->ipv6, 0xff, sizeof(mask->ipv6));
	}
	mask->control.addr_type = 0xffff;

	ito_hw_use(m, FLOW_DISSECTOR_KEY_PORTS, ports);
	key->ports.src = k->sport;
	key->ports.dst = k->dport;
	mask->ports.src = htons(0xffff);
	mask->ports.dst = htons(0xffff);

	/* FIN, RST and SYN change conntrack's state: the host must see them */
	if (k->proto == IPPROTO_TCP) {
		ito_hw_use(m, FLOW_DISSECTOR_KEY_TCP, tcp);
		mask->tcp.flags = htons(0x7);	/* FIN | SYN | RST */
	}
}

static struct flow_action_entry *ito_hw_act(struct flow_rule *rule,
					    enum flow_action_id id)
{
	struct flow_action_entry *a;

	a = &rule->action.entries[rule->action.num_entries++];
	a->id = id;
	return a;
}

/*
 * A pedit word: @val and @keep are four bytes as they lie in the header,
 * @keep with the bits to leave alone set (tc pedit's mask).
 */
static void ito_hw_pedit(struct flow_rule *rule, enum flow_action_id id,
			 enum flow_action_mangle_base htype, u32 offset,
			 const u8 *val, const u8 *keep)
{
	struct flow_action_entry *a = ito_hw_act(rule, id);

	a->mangle.htype = htype;
	a->mangle.offset = offset;
	memcpy(&a->mangle.val, val, sizeof(a->mangle.val));
	memcpy(&a->mangle.mask, keep, sizeof(a->mangle.mask));
}

static const u8 ito_hw_keep_none[4];

static void ito_hw_actions_fill(struct flow_rule *rule, const struct ito_ft_key *k,
				const struct ito_rewrite *rw, const u8 *h_dest,
				u16 in_vlan, u16 out_vlan, struct net_device *out)
{
	u8 macs[2 * ETH_ALEN];
	int off;

	if (in_vlan && !out_vlan) {
		ito_hw_act(rule, FLOW_ACTION_VLAN_POP);
	} else if (in_vlan && out_vlan != in_vlan) {
		struct flow_action_entry *a = ito_hw_act(rule, FLOW_ACTION_VLAN_MANGLE);

		a->vlan.vid = out_vlan;
		a->vlan.proto = htons(ETH_P_8021Q);
	}
	/* a bridged (vWire) flow keeps its MACs and TTL: its NAT, if any */
	if (!rw->vwire) {
		ether_addr_copy(macs, h_dest);
		ether_addr_copy(macs + ETH_ALEN, rw->h_source);
		for (off = 0; off < sizeof(macs); off += 4)
			ito_hw_pedit(rule, FLOW_ACTION_MANGLE,
				     FLOW_ACT_MANGLE_HDR_TYPE_ETH, off,
				     macs + off, ito_hw_keep_none);
	}

	if (k->family == NFPROTO_IPV4) {
		static const u8 ttl_dec[4] = { 0xff }, ttl_keep[4] = { 0, 0xff, 0xff, 0xff };
		enum flow_action_mangle_base l4 = k->proto == IPPROTO_TCP ?
			FLOW_ACT_MANGLE_HDR_TYPE_TCP : FLOW_ACT_MANGLE_HDR_TYPE_UDP;
		struct flow_action_entry *a;

		if (rw->vwire && !rw->nat)
			goto out_vlan;
		if (!rw->vwire)
			ito_hw_pedit(rule, FLOW_ACTION_ADD,
				     FLOW_ACT_MANGLE_HDR_TYPE_IP4,
				     offsetof(struct iphdr, ttl), ttl_dec,
				     ttl_keep);
		if (rw->saddr.ip != k->saddr.ip)
			ito_hw_pedit(rule, FLOW_ACTION_MANGLE, FLOW_ACT_MANGLE_HDR_TYPE_IP4,
				     offsetof(struct iphdr, saddr),
				     (const u8 *)&rw->saddr.ip, ito_hw_keep_none);
		if (rw->daddr.ip != k->daddr.ip)
			ito_hw_pedit(rule, FLOW_ACTION_MANGLE, FLOW_ACT_MANGLE_HDR_TYPE_IP4,
				     offsetof(struct iphdr, daddr),
				     (const u8 *)&rw->daddr.ip, ito_hw_keep_none);
		if (rw->sport != k->sport || rw->dport != k->dport) {
			__be16 ports[2] = { rw->sport, rw->dport };

			ito_hw_pedit(rule, FLOW_ACTION_MANGLE, l4, 0,
				     (const u8 *)ports, ito_hw_keep_none);
		}
		a = ito_hw_act(rule, FLOW_ACTION_CSUM);
		a->csum_flags = TCA_CSUM_UPDATE_FLAG_IPV4HDR |
				(k->proto == IPPROTO_TCP ? TCA_CSUM_UPDATE_FLAG_TCP :
							   TCA_CSUM_UPDATE_FLAG_UDP);
	} else if (!rw->vwire) {
		static const u8 hop_dec[4] = { 0, 0, 0, 0xff }, hop_keep[4] = { 0xff, 0xff, 0xff };

		/* the hop limit is the last byte of the word at offset 4 */
		ito_hw_pedit(rule, FLOW_ACTION_ADD, FLOW_ACT_MANGLE_HDR_TYPE_IP6, 4,
			     hop_dec, hop_keep);
	}

out_vlan:
	if (out_vlan && !in_vlan) {
		struct flow_action_entry *a = ito_hw_act(rule, FLOW_ACTION_VLAN_PUSH);

		a->vlan.vid = out_vlan;
		a->vlan.proto = htons(ETH_P_8021Q);
	}
	ito_hw_act(rule, FLOW_ACTION_REDIRECT)->dev = out;
}

/* Every callback bound to the device's block, as nf_flow_table does. */
static int ito_hw_call(struct ito_hw_dev *hd, struct flow_cls_offload *cls)
{
	struct flow_block_cb *cb;
	int err = -EOPNOTSUPP;

	list_for_each_entry(cb, &hd->block.cb_list, list) {
		err = cb->cb(TC_SETUP_CLSFLOWER, cls, cb->cb_priv);
		if (err)
			break;
	}
	return err;
}

/* A rule's cookie: its address, and a bit that flips when it is replaced */
static void ito_hw_cls_init(struct flow_cls_offload *cls, struct ito_hw_session *hs,
			    int dir, u8 gen, enum flow_cls_command cmd,
			    struct netlink_ext_ack *extack)
{
	memset(cls, 0, sizeof(*cls));
	cls->common.prio = ITO_HW_PRIO;
	cls->common.extack = extack;
	cls->command = cmd;
	cls->cookie = (unsigned long)&hs->rule[dir] | gen;
}

static int ito_hw_rule_add(struct ito_net *in, struct ito_hw_session *hs, int dir,
			   u8 gen, const struct ito_rule *r,
			   struct ito_port *ip, struct ito_port *op)
{
	struct netlink_ext_ack extack = {};
	struct flow_cls_offload cls;
	struct ito_hw_match *m;
	struct flow_rule *rule;
	int err = -ENOMEM;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	rule = flow_rule_alloc(ITO_HW_MAX_ACTIONS);
	if (!m || !rule)
		goto out;
	ito_hw_match_fill(m, &r->key, ip->hw->dev->ifindex, ip->vlan);
	rule->match.dissector = &m->dissector;
	rule->match.key = &m->key;
	rule->match.mask = &m->mask;
	rule->action.num_entries = 0;
	ito_hw_actions_fill(rule, &r->key, &r->rw, r->h_dest, ip->vlan, op->vlan,
			    op->hw->dev);

	ito_hw_cls_init(&cls, hs, dir, gen, FLOW_CLS_REPLACE, &extack);
	cls.common.protocol = ip->vlan ? htons(ETH_P_8021Q) : m->key.basic.n_proto;
	cls.rule = rule;
	err = ito_hw_call(ip->hw, &cls);
	if (err) {
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
		pr_debug("%s refused a rule: %d %s\n", ip->hw->dev->name, err,
			 extack._msg ?: "");
		goto out;
	}
	hs->rule[dir].hd = ip->hw;
	hs->rule[dir].gen = gen;
	hs->rule[dir].l2len = ETH_HLEN + (ip->vlan ? VLAN_HLEN : 0);
	hs->rule[dir].last_used = jiffies;
out:
	kfree(rule);
	kfree(m);
	return err;
}

/* Collect what the device counted since the last poll. */
static int ito_hw_rule_stats(struct ito_net *in, struct ito_hw_session *hs, int dir)
{
	struct ito_hw_rule *r = &hs->rule[dir];
	struct flow_cls_offload cls;
	u64 bytes;
	int err;

	ito_hw_cls_init(&cls, hs, dir, r->gen, FLOW_CLS_STATS, NULL);
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_SESSION_VERIFY);
	err = ito_hw_call(r->hd, &cls);
	if (err == -ENOENT) {
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_MISSING_SESSION_STAT);
		return err;
	}
	if (err) {
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_VERIFY_MSG_FAILED);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
		return err;
	}
	/* the device counts whole frames; ito and conntrack count from L3 */
	bytes = cls.stats.bytes;
	bytes -= min_t(u64, bytes, cls.stats.pkts * r->l2len);
	r->pkts += cls.stats.pkts;
	r->bytes += bytes;
	if (cls.stats.pkts && time_after((unsigned long)cls.stats.lastused, r->last_used))
		r->last_used = cls.stats.lastused;
	return 0;
}

/*
 * Return: 0 when the rule is gone (also when the device had forgotten it),
 * or the error with which the device kept it: the rule then stays in the
 * session, whose address is its cookie, until a retry removes it.
 */
static int ito_hw_rule_del(struct ito_net *in, struct ito_hw_session *hs, int dir)
{
	struct flow_cls_offload cls;
	int err;

	ito_hw_cls_init(&cls, hs, dir, hs->rule[dir].gen, FLOW_CLS_DESTROY, NULL);
	err = ito_hw_call(hs->rule[dir].hd, &cls);
	if (err == -ENOENT) {
		/* the device forgot it already (a port pair went away) */
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_DEL_SESSION_FAIL);
		err = 0;
	} else if (err) {
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_DELETE_MSG_FAILED);
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
		return err;
	}
	hs->rule[dir].hd = NULL;
	return 0;
}

/*
 * A session whose rules the device would not all give up keeps its
 * memory, so that no new rule gets the cookie of one still in hardware;
 * the reap work retries it. Otherwise it is freed. Holds @in->lock.
 */
static void ito_hw_session_park(struct ito_net *in, struct ito_hw_session *hs)
{
	lockdep_assert_held(&in->lock);
	if (!hs->rule[0].hd && !hs->rule[1].hd) {
		kfree_rcu(hs, rcu);
		return;
	}
	list_add_tail(&hs->reap, &in->hw_stuck);
	queue_delayed_work(system_wq, &in->hw_reap_work, ITO_HW_RETRY_DELAY);
}

/* Remove what rules it can; their last counts first while the flow lives. */
static void ito_hw_session_clear(struct ito_net *in, struct ito_hw_session *hs)
{
	int dir, err;

	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		if (!hs->rule[dir].hd)
			continue;
		if (hs->flow) {
			/* the counts since the last poll: worth a second try */
			err = ito_hw_rule_stats(in, hs, dir);
			if (err && err != -ENOENT)
				ito_hw_rule_stats(in, hs, dir);
		}
		ito_hw_rule_del(in, hs, dir);
	}
}

/**
 * ito_hw_install - place a session's two rules in hardware
 * @in: the instance; caller holds @in->lock
 * @r: the session's two directions, spelt out (ito_rule_describe())
 *
 * Return: the session; NULL when its ports are not both bound to hardware
 * (a software session); an ERR_PTR when the device refused a rule.
 */
struct ito_hw_session *ito_hw_install(struct ito_net *in,
				      const struct ito_rule *r)
{
	struct ito_port *ip[IP_CT_DIR_MAX], *op[IP_CT_DIR_MAX];
	struct ito_hw_session *hs;
	int dir, err;

	lockdep_assert_held(&in->lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		ip[dir] = ito_port_lookup(in, r[dir].key.iif);
		op[dir] = ito_port_lookup(in, r[dir].rw.out_dev->ifindex);
		if (!ip[dir] || !ip[dir]->hw || !op[dir] || !op[dir]->hw)
			return NULL;
	}
	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	if (!hs)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&hs->reap);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		err = ito_hw_rule_add(in, hs, dir, 0, &r[dir], ip[dir], op[dir]);
		if (err) {
			ito_hw_session_clear(in, hs);
			ito_hw_session_park(in, hs);
			return ERR_PTR(err);
		}
	}
	hs->flow = r[0].flow;
	return hs;
}

/**
 * ito_hw_update - replace one direction's rule after its descriptor or
 *	next hop changed
 * @in: the instance; caller holds @in->lock
 * @flow: the flow
 * @dir: the direction
 *
 * Make before break: the new rule goes in under the other cookie, then
 * the old one comes out with its last counts.
 * Return: 0 (also when the flow has no rule in hardware), or the error
 * that left the old rule in place.
 */
int ito_hw_update(struct ito_net *in, struct ito_flow *flow, int dir)
{
	struct ito_port *ip, *op;
	struct ito_hw_session *hs;
	struct ito_rule snap;
	u8 gen;
	int err;

	lockdep_assert_held(&in->lock);
	spin_lock_bh(&flow->lock);
	hs = flow->state == ITO_FLOW_STATE_OFFLOADED ? flow->hw : NULL;
	if (hs)
		ito_rule_describe(flow, dir, &snap);
	spin_unlock_bh(&flow->lock);
	if (!hs || !hs->rule[dir].hd)
		return 0;

	ip = ito_port_lookup(in, snap.key.iif);
	op = ito_port_lookup(in, snap.rw.out_dev->ifindex);
	if (!ip || !ip->hw || !op || !op->hw)
		return -EOPNOTSUPP;
	gen = hs->rule[dir].gen;
	err = ito_hw_rule_add(in, hs, dir, !gen, &snap, ip, op);
	if (err)
		return err;
	/* the old rule's last counts, then it goes */
	hs->rule[dir].gen = gen;
	ito_hw_rule_stats(in, hs, dir);
	err = ito_hw_rule_del(in, hs, dir);
	if (err) {
		/*
		 * The session tracks one rule per direction: it keeps the
		 * old one and the new one goes again. Should that fail too,
		 * the new rule is left behind, said so.
		 */
		hs->rule[dir].gen = !gen;
		if (ito_hw_rule_del(in, hs, dir))
			pr_warn("%s kept a rule it was asked to destroy\n",
				ip->hw->dev->name);
		hs->rule[dir].hd = ip->hw;
		hs->rule[dir].gen = gen;
		return err;
	}
	hs->rule[dir].hd = ip->hw;
	hs->rule[dir].gen = !gen;
	return 0;
}

/* A live session's counters and last use, from the device (GC, flow get).
 * Holds @in->lock.
 */
void ito_hw_poll(struct ito_net *in, struct ito_hw_session *hs)
{
	bool failed = false;
	int dir;

	lockdep_assert_held(&in->lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		if (hs->rule[dir].hd && ito_hw_rule_stats(in, hs, dir))
			failed = true;
	if (failed)
		ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GET_SESSION_FAIL);
}

/*
 * A session detached from its flow (any context): its rules go in the
 * reap work, or sooner when a holder of @in->lock calls ito_hw_reap().
 * A teardown queues it before it drops the flow's lock, as a flow's
 * ender waits for that lock and then reaps what is queued: a session
 * queued later would outlive its flow, its conntrack entry and possibly
 * its device.
 */
void ito_hw_release(struct ito_net *in, struct ito_hw_session *hs)
{
	spin_lock_bh(&in->hw_reap_lock);
	list_add_tail(&hs->reap, &in->hw_reap);
	spin_unlock_bh(&in->hw_reap_lock);
	mod_delayed_work(system_wq, &in->hw_reap_work, 0);
}

/*
 * The session's last counts go where the software session's went; then
 * the session lets go of the flow, which may end.
 */
static void ito_hw_handback(struct ito_hw_session *hs)
{
	u64 pkts[IP_CT_DIR_MAX], bytes[IP_CT_DIR_MAX];
	struct ito_flow *flow = hs->flow;
	int dir;

	spin_lock_bh(&flow->lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		const struct ito_hw_rule *r = &hs->rule[dir];

		pkts[dir] = r->pkts;
		bytes[dir] = r->bytes;
		if (r->pkts && time_after(r->last_used, ito_flow_last_seen(flow)))
			flow->last_seen = (u32)r->last_used;
	}
	ito_flow_add_offloaded(flow, pkts, bytes);
	ito_ct_acct(flow->ct, pkts, bytes);
	spin_unlock_bh(&flow->lock);
	hs->flow = NULL;
}

/**
 * ito_hw_reap - remove the rules of detached sessions
 * @in: the instance; caller holds @in->lock
 *
 * Flows end only under @in->lock and reap first, so every session here
 * still has its flow. A rule the device keeps leaves its session parked
 * on @in->hw_stuck, detached from the flow.
 */
void ito_hw_reap(struct ito_net *in)
{
	struct ito_hw_session *hs, *tmp;
	LIST_HEAD(batch);

	lockdep_assert_held(&in->lock);
	spin_lock_bh(&in->hw_reap_lock);
	list_splice_init(&in->hw_reap, &batch);
	spin_unlock_bh(&in->hw_reap_lock);

	list_for_each_entry_safe(hs, tmp, &batch, reap) {
		list_del_init(&hs->reap);
		ito_hw_session_clear(in, hs);
		ito_hw_handback(hs);
		ito_hw_session_park(in, hs);
	}
}

/* Try the rules the device kept once more. Holds @in->lock. */
static void ito_hw_retry_stuck(struct ito_net *in)
{
	struct ito_hw_session *hs, *tmp;
	LIST_HEAD(batch);

	list_splice_init(&in->hw_stuck, &batch);
	list_for_each_entry_safe(hs, tmp, &batch, reap) {
		list_del_init(&hs->reap);
		ito_hw_session_clear(in, hs);
		ito_hw_session_park(in, hs);
	}
}

/*
 * @hd is about to be unbound: nothing can remove its rules after that.
 * The sessions forget them (the device's owner must flush them) and go
 * when they hold nothing else.
 */
static void ito_hw_forget_stuck(struct ito_net *in, struct ito_hw_dev *hd)
{
	struct ito_hw_session *hs, *tmp;
	int dir;

	ito_hw_retry_stuck(in);
	list_for_each_entry_safe(hs, tmp, &in->hw_stuck, reap) {
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
			if (hs->rule[dir].hd != hd)
				continue;
			pr_warn("%s kept a rule at unbind: left in the device\n",
				hd->dev->name);
			hs->rule[dir].hd = NULL;
		}
		if (!hs->rule[0].hd && !hs->rule[1].hd) {
			list_del(&hs->reap);
			kfree_rcu(hs, rcu);
		}
	}
}

static void ito_hw_reap_work(struct work_struct *work)
{
	struct ito_net *in = container_of(to_delayed_work(work), struct ito_net,
					  hw_reap_work);

	mutex_lock(&in->lock);
	ito_hw_reap(in);
	ito_hw_retry_stuck(in);
	mutex_unlock(&in->lock);
}

/*
 * Bind or unbind our block to the device's flow-table offload. On BIND,
 * @unlocked says whether the driver's callbacks may run without RTNL.
 */
static int ito_hw_block_cmd(struct ito_hw_dev *hd, enum flow_block_command cmd,
			    struct netlink_ext_ack *extack, bool *unlocked)
{
	struct flow_block_offload bo = {
		.command	= cmd,
		.binder_type	= FLOW_BLOCK_BINDER_TYPE_CLSACT_INGRESS,
		.net		= dev_net(hd->dev),
		.block		= &hd->block,
		.extack		= extack,
	};
	struct flow_block_cb *cb, *next;
	int err;

	INIT_LIST_HEAD(&bo.cb_list);
	err = hd->dev->netdev_ops->ndo_setup_tc(hd->dev, TC_SETUP_FT, &bo);
	if (err)
		return err;
	if (cmd == FLOW_BLOCK_BIND) {
		list_splice(&bo.cb_list, &hd->block.cb_list);
		*unlocked = bo.unlocked_driver_cb;
		return 0;
	}
	list_for_each_entry_safe(cb, next, &bo.cb_list, list) {
		list_del(&cb->list);
		flow_block_cb_free(cb);
	}
	return 0;
}

/*
 * The TTL guard. A rule decrements the TTL (hop limit) without looking at
 * it, so a packet arriving with 1 or 0 would leave with 0 or 255 where the
 * stack answers "time exceeded" (traceroute). A mask can only say "equal",
 * not "greater than 1", so each bound device gets rules ahead of every
 * session's that trap TTL & 0xfe == 0 to the host: one per IP version,
 * untagged and tagged (a rule naming an ethertype but no VLAN matches
 * untagged frames only on mlx5). Their cookies are &hd->guard[i].
 */
static void ito_hw_guard_fill(struct ito_hw_match *m, int ifindex, int i)
{
	struct ito_hw_keys *key = &m->key, *mask = &m->mask;

	ito_hw_use(m, FLOW_DISSECTOR_KEY_META, meta);
	key->meta.ingress_ifindex = ifindex;
	mask->meta.ingress_ifindex = 0xffffffff;
	ito_hw_use(m, FLOW_DISSECTOR_KEY_BASIC, basic);
	key->basic.n_proto = i & ITO_HW_GUARD_IPV6 ? htons(ETH_P_IPV6) :
						      htons(ETH_P_IP);
	mask->basic.n_proto = htons(0xffff);
	if (i & ITO_HW_GUARD_TAGGED) {
		ito_hw_use(m, FLOW_DISSECTOR_KEY_VLAN, vlan);
		key->vlan.vlan_tpid = htons(ETH_P_8021Q);
		mask->vlan.vlan_tpid = htons(0xffff);
	}
	ito_hw_use(m, FLOW_DISSECTOR_KEY_IP, ip);
	key->ip.ttl = 0;
	mask->ip.ttl = 0xfe;
}

static void ito_hw_guards_del(struct ito_net *in, struct ito_hw_dev *hd)
{
	struct flow_cls_offload cls = {};
	int i, err;

	for (i = 0; i < ITO_HW_NGUARDS; i++) {
		if (!hd->guard[i])
			continue;
		cls.common.prio = ITO_HW_GUARD_PRIO;
		cls.command = FLOW_CLS_DESTROY;
		cls.cookie = (unsigned long)&hd->guard[i];
		err = ito_hw_call(hd, &cls);
		if (err && err != -ENOENT) {
			/* unbinding follows: nothing can retry it */
			ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_DELETE_MSG_FAILED);
			ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
			pr_warn("%s kept a TTL guard at unbind: left in the device\n",
				hd->dev->name);
		}
		hd->guard[i] = 0;
	}
}

/* Return: 0, or the error of a guard the device refused (none is left). */
static int ito_hw_guards_add(struct ito_net *in, struct ito_hw_dev *hd,
			     struct netlink_ext_ack *extack)
{
	struct flow_cls_offload cls;
	struct ito_hw_match *m;
	struct flow_rule *rule;
	int i, err = -ENOMEM;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	rule = flow_rule_alloc(1);
	if (!m || !rule)
		goto out;
	for (i = 0; i < ITO_HW_NGUARDS; i++) {
		memset(m, 0, sizeof(*m));
		ito_hw_guard_fill(m, hd->dev->ifindex, i);
		rule->match.dissector = &m->dissector;
		rule->match.key = &m->key;
		rule->match.mask = &m->mask;
		rule->action.num_entries = 0;
		ito_hw_act(rule, FLOW_ACTION_TRAP);

		memset(&cls, 0, sizeof(cls));
		cls.common.prio = ITO_HW_GUARD_PRIO;
		cls.common.extack = extack;
		cls.common.protocol = i & ITO_HW_GUARD_TAGGED ? htons(ETH_P_8021Q) :
							       m->key.basic.n_proto;
		cls.command = FLOW_CLS_REPLACE;
		cls.cookie = (unsigned long)&hd->guard[i];
		cls.rule = rule;
		err = ito_hw_call(hd, &cls);
		if (err) {
			ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED);
			ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
			ito_hw_guards_del(in, hd);
			goto out;
		}
		hd->guard[i] = 1;
	}
out:
	kfree(rule);
	kfree(m);
	return err;
}

/*
 * A driver that refuses to unbind still lists our callbacks: freeing them
 * would leave it a dangling entry. They are unlinked from our block and
 * left to the driver, which frees them when it drops its own list.
 */
static void ito_hw_block_unbind(struct ito_net *in, struct ito_hw_dev *hd)
{
	struct flow_block_cb *cb, *next;
	int err;

	err = ito_hw_block_cmd(hd, FLOW_BLOCK_UNBIND, NULL, NULL);
	if (err)	/* once more: it may have been transient */
		err = ito_hw_block_cmd(hd, FLOW_BLOCK_UNBIND, NULL, NULL);
	if (!err)
		return;
	ito_counter_inc(in, ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL);
	pr_warn("%s refused to unbind its flow table (%d); its callbacks stay with the driver\n",
		hd->dev->name, err);
	list_for_each_entry_safe(cb, next, &hd->block.cb_list, list)
		list_del_init(&cb->list);
}

/**
 * ito_hw_port_bind - bind a new port to its device's hardware, if it can
 * @in: the instance; caller holds RTNL and @in->lock
 * @port: the port, with @port->offload set
 * @extack: where a refusal is explained
 *
 * Return: 0 (bound, or software by choice or, for AUTO, by necessity), or
 * an error when HW was asked for and the device cannot.
 */
int ito_hw_port_bind(struct ito_net *in, struct ito_port *port,
		     struct netlink_ext_ack *extack)
{
	struct net_device *dev = port->dev;
	bool must = port->offload == ITO_PORT_OFFLOAD_HW;
	struct ito_hw_dev *hd;
	bool unlocked;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&in->lock);
	/* software ports, and XDP ones (the XDP backend runs in software) */
	if (port->offload != ITO_PORT_OFFLOAD_AUTO && !must)
		return 0;
	if (is_vlan_dev(dev))
		dev = vlan_dev_real_dev(dev);
	list_for_each_entry(hd, &in->hw_devs, list) {
		if (hd->dev == dev) {
			hd->users++;
			port->hw = hd;
			return 0;
		}
	}
	if (!(dev->features & NETIF_F_HW_TC) || !dev->netdev_ops->ndo_setup_tc) {
		if (must)
			NL_SET_ERR_MSG(extack, "device cannot offload flows (no hw-tc-offload)");
		return must ? -EOPNOTSUPP : 0;
	}

	hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	hd->dev = dev;
	flow_block_init(&hd->block);
	err = ito_hw_block_cmd(hd, FLOW_BLOCK_BIND, must ? extack : NULL, &unlocked);
	if (!err && list_empty(&hd->block.cb_list))
		err = -EOPNOTSUPP;
	if (err) {
		kfree(hd);
		if (must && !(extack && extack->_msg))
			NL_SET_ERR_MSG(extack, "the device declined to offload a flow table");
		return must ? err : 0;
	}
	/*
	 * ito calls the driver under its own mutex, which nests inside RTNL:
	 * a driver whose callbacks need RTNL cannot be served.
	 */
	if (!unlocked) {
		ito_hw_block_unbind(in, hd);
		kfree(hd);
		if (must)
			NL_SET_ERR_MSG(extack, "the device's flow table callbacks need RTNL");
		return must ? -EOPNOTSUPP : 0;
	}
	err = ito_hw_guards_add(in, hd, must ? extack : NULL);
	if (err) {
		ito_hw_block_unbind(in, hd);
		kfree(hd);
		return must ? err : 0;
	}
	hd->users = 1;
	list_add(&hd->list, &in->hw_devs);
	port->hw = hd;
	return 0;
}

/* The port leaves, its flows ended. Caller holds RTNL and @in->lock. */
void ito_hw_port_unbind(struct ito_net *in, struct ito_port *port)
{
	struct ito_hw_dev *hd = port->hw;

	if (!hd)
		return;
	port->hw = NULL;
	if (--hd->users)
		return;
	ito_hw_reap(in);	/* nothing may use the block once unbound */
	ito_hw_forget_stuck(in, hd);
	ito_hw_guards_del(in, hd);
	ito_hw_block_unbind(in, hd);
	list_del(&hd->list);
	kfree(hd);
}

void ito_hw_net_init(struct ito_net *in)
{
	INIT_LIST_HEAD(&in->hw_devs);
	spin_lock_init(&in->hw_reap_lock);
	INIT_LIST_HEAD(&in->hw_reap);
	INIT_LIST_HEAD(&in->hw_stuck);
	INIT_DELAYED_WORK(&in->hw_reap_work, ito_hw_reap_work);
}

/* Every flow has ended and every port left. */
void ito_hw_net_uninit(struct ito_net *in)
{
	cancel_delayed_work_sync(&in->hw_reap_work);
	WARN_ON(!list_empty(&in->hw_reap) || !list_empty(&in->hw_stuck) ||
		!list_empty(&in->hw_devs));
}
