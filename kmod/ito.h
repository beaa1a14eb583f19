/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito - Intelligent Traffic Offload: state shared by the module's files.
 */
#ifndef _ITO_H
#define _ITO_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/ito.h>
#include <net/netfilter/nf_conntrack_tuple.h>

struct genl_info;
struct netlink_ext_ack;
struct nf_conn;
struct nlattr;
struct sk_buff;

/* Per-cpu counter block; summed over all cpus when read. */
struct ito_counters {
	u64 val[__ITO_CNT_MAX];
};

/**
 * struct ito_port - a netdev enrolled in an instance
 * @dev: the netdev; valid while enrolled (NETDEV_UNREGISTER removes us)
 * @mode: enum ito_port_mode
 * @vlan: access VLAN, 0 for untagged
 * @peer_ifindex: the other port of a vwire pair, 0 otherwise
 */
struct ito_port {
	struct net_device *dev;
	u32 mode;
	u16 vlan;
	int peer_ifindex;
	struct rcu_head rcu;
};

/**
 * struct ito_flow - one conntrack entry seen from an enrolled port
 * @node: in ito_net.flows, keyed by @ct
 * @ct: the conntrack entry; we hold a reference until the flow ends
 * @id: stable for the flow's life; the key of ito_net.flow_ids
 * @lock: guards everything below it (packets of both directions race)
 * @first_seen: jiffies of the first packet
 * @last_seen: jiffies of the latest packet
 */
struct ito_flow {
	struct rhash_head node;
	struct nf_conn *ct;
	u64 id;
	struct rcu_head rcu;

	spinlock_t lock;		/* see above */
	u8 state;		/* enum ito_flow_state */
	u8 verdict;		/* enum ito_verdict */
	u32 copies;
	int iif[IP_CT_DIR_MAX];
	u64 pkts[IP_CT_DIR_MAX];
	u64 bytes[IP_CT_DIR_MAX];
	unsigned long first_seen;
	unsigned long last_seen;
};

/**
 * struct ito_net - one ito instance, per network namespace
 * @net: the namespace (not referenced: it owns us)
 * @config_lock: serialises configuration writers
 * @config: knobs indexed by enum ito_a_config; written under @config_lock
 *	with WRITE_ONCE(), read locklessly with ito_config_get()
 * @counters: per-cpu counters indexed by enum ito_counter
 * @lock: serialises ports, hook registration and agent changes; taken
 *	after RTNL where both are needed
 * @ports: enrolled ports by ifindex; read under RCU in the hook
 * @hooks_on: netfilter hooks and conntrack are enabled (some port enrolled)
 * @hook_ops: the registered hooks (IPv4 and IPv6 forward)
 * @agent_portid: netlink port id of the agent, 0 if none
 * @flows: flows by conntrack entry (the packet path's lookup)
 * @flow_ids: flows by id (netlink lookups and dumps in id order)
 * @nflows: flows tracked now, against max_flows
 * @next_id: last flow id handed out
 * @gc_work: ends flows whose conntrack entry died
 */
struct ito_net {
	struct net *net;
	struct mutex config_lock;	/* serialises config writers */
	u32 config[__ITO_A_CONFIG_MAX];
	struct ito_counters __percpu *counters;

	struct mutex lock;		/* see above */
	struct xarray ports;
	bool hooks_on;
	struct nf_hook_ops hook_ops[2];
	u32 agent_portid;

	struct rhashtable flows;
	struct xarray flow_ids;
	atomic_t nflows;
	atomic64_t next_id;
	struct delayed_work gc_work;
};

extern unsigned int ito_net_id;

static inline struct ito_net *ito_net(const struct net *net)
{
	return net_generic(net, ito_net_id);
}

/* config.c */
void ito_config_init(struct ito_net *in);
int ito_config_set(struct ito_net *in, struct nlattr *const *tb,
		   struct netlink_ext_ack *extack);

static inline u32 ito_config_get(const struct ito_net *in,
				 enum ito_a_config knob)
{
	return READ_ONCE(in->config[knob]);
}

/* counters.c */
int ito_counters_init(struct ito_net *in);
void ito_counters_uninit(struct ito_net *in);
const char *ito_counter_name(enum ito_counter id);
u64 ito_counter_read(const struct ito_net *in, enum ito_counter id);

static inline void ito_counter_add(struct ito_net *in, enum ito_counter id,
				   u64 n)
{
	this_cpu_add(in->counters->val[id], n);
}

static inline void ito_counter_inc(struct ito_net *in, enum ito_counter id)
{
	ito_counter_add(in, id, 1);
}

/* port.c */
int ito_port_add(struct ito_net *in, struct nlattr *const *tb,
		 struct netlink_ext_ack *extack);
int ito_port_del(struct ito_net *in, int ifindex,
		 struct netlink_ext_ack *extack);
void ito_port_flush(struct ito_net *in);
int ito_port_init(void);
void ito_port_uninit(void);

static inline struct ito_port *ito_port_lookup(struct ito_net *in, int ifindex)
{
	return xa_load(&in->ports, ifindex);
}

/* hook.c */
int ito_hook_enable(struct ito_net *in);
void ito_hook_disable(struct ito_net *in);

/* flow.c */
int ito_flow_net_init(struct ito_net *in);
void ito_flow_net_uninit(struct ito_net *in);
struct ito_flow *ito_flow_lookup(struct ito_net *in, const struct nf_conn *ct);
struct ito_flow *ito_flow_create(struct ito_net *in, struct nf_conn *ct);
struct ito_flow *ito_flow_get_by_id(struct ito_net *in, u64 id);
bool ito_flow_end(struct ito_net *in, struct ito_flow *flow, u32 reason);
void ito_flow_end_all(struct ito_net *in, int ifindex, u32 reason);
void ito_flow_set_verdict(struct ito_net *in, struct ito_flow *flow,
			  u32 verdict);
void ito_flow_apply_default(struct ito_net *in);
u32 ito_flow_rate(const struct ito_flow *flow);

/* agent.c */
int ito_agent_register(struct ito_net *in, u32 portid,
		       struct netlink_ext_ack *extack);
int ito_agent_unregister(struct ito_net *in, u32 portid,
			 struct netlink_ext_ack *extack);
void ito_agent_send_copy(struct ito_net *in, struct ito_flow *flow,
			 struct sk_buff *skb, int dir, u32 seq);
int ito_agent_init(void);
void ito_agent_uninit(void);

/* netlink.c */
int ito_netlink_init(void);
void ito_netlink_uninit(void);
int ito_nl_put_flow(struct sk_buff *msg, int type, struct ito_flow *flow,
		    bool full);
void ito_nl_flow_event(struct ito_net *in, struct ito_flow *flow, u32 event,
		       u32 reason, gfp_t gfp);
struct sk_buff *ito_nl_packet_new(size_t payload, void **hdr);
int ito_nl_unicast(struct ito_net *in, struct sk_buff *msg, u32 portid);

#endif /* _ITO_H */
