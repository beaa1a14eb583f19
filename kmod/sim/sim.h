/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito_sim - a simulated switchdev eswitch in the manner of an mlx5 NIC in
 * switchdev mode: port pairs (a representor for the host, a wire end for
 * the outside), tc flower and flow table offload with mlx5's constraints,
 * and a rule table that executes on frames entering from the wire.
 *
 * Locking:
 *  - sim_ports_lock (port.c) serialises port creation and removal; it is
 *    taken before RTNL, never under it.
 *  - sim_tbl.lock (table.c) protects the rule table on the control path.
 *    Flow callbacks run with or without RTNL, so RTNL is never taken while
 *    it is held.
 *  - The packet path reads the table under RCU only; rule counters are per
 *    cpu.
 */
#ifndef _ITO_SIM_H
#define _ITO_SIM_H

#include <linux/atomic.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <net/flow_offload.h>

#define SIM_MAX_PORTS		1024
/* mlx5: MLX5_MAX_FLOW_FWD_VPORTS */
#define SIM_MAX_OUT		32
/* bytes kept per header type while pedit actions are collected */
#define SIM_HDR_AREA		64

struct sim_port {
	struct list_head list;		/* sim_ports, under sim_ports_lock */
	u32 index;
	bool dead;			/* removal started; under sim_tbl.lock */
	struct net_device *rep;		/* host side, NETIF_F_HW_TC */
	struct net_device *wire;	/* outside side */
	bool ft_rtnl;			/* its flow table binder was told to hold RTNL */
};

/* netdev_priv() of both ends of a port */
struct sim_netdev {
	struct sim_port *port;
};

/*
 * What a rule can match, in one fixed layout so that a rule is a masked
 * key and lookup is a hash of the packet's key under each distinct mask.
 */
struct sim_key {
	u32 in_port;
	u8 dst[ETH_ALEN];
	u8 src[ETH_ALEN];
	__be16 n_proto;		/* ethertype after the VLAN tag, if any */
	__be16 vlan_tpid;
	u16 vlan_id;
	u8 vlan_prio;
	u8 tagged;
	u8 ip_proto;
	u8 tos;
	u8 ttl;
	u8 frag;
	__be32 v4src;
	__be32 v4dst;
	struct in6_addr v6src;
	struct in6_addr v6dst;
	__be16 sport;
	__be16 dport;
	__be16 tcp_flags;
	u16 pad;
};

/* which parts of the key a rule matches, for the rules file */
enum {
	SIM_M_ETH	= BIT(0),
	SIM_M_VLAN	= BIT(1),
	SIM_M_UNTAGGED	= BIT(2),
	SIM_M_PROTO	= BIT(3),
	SIM_M_IPPROTO	= BIT(4),
	SIM_M_FRAG	= BIT(5),
	SIM_M_IPV4	= BIT(6),
	SIM_M_IPV6	= BIT(7),
	SIM_M_IP	= BIT(8),
	SIM_M_PORTS	= BIT(9),
	SIM_M_TCP	= BIT(10),
};

enum sim_hdr {
	SIM_HDR_ETH,
	SIM_HDR_IP4,
	SIM_HDR_IP6,
	SIM_HDR_TCP,
	SIM_HDR_UDP,
	SIM_HDR_NUM,
};

enum sim_fmt {
	SIM_FMT_HEX,
	SIM_FMT_DEC,
	SIM_FMT_IP4,
};

/* one rewritable field, after mlx5's table of modify-header fields */
struct sim_field {
	const char *name;
	u8 hdr;		/* enum sim_hdr */
	u8 off;		/* offset in the header */
	u8 bits;	/* 8, 16 or 32 */
	u8 fmt;		/* enum sim_fmt */
	u32 mask;	/* bits the hardware can write, host order */
};

#define SIM_F_DMAC_HI	0
#define SIM_F_DMAC_LO	1
#define SIM_F_SMAC_HI	2
#define SIM_F_SMAC_LO	3
#define SIM_F_ETHERTYPE	4
#define SIM_F_VID	5
#define SIM_F_SIP6	10
#define SIM_F_DIP6	14
#define SIM_NFIELDS	25

extern const struct sim_field sim_fields[SIM_NFIELDS];

/* a compiled rewrite: one field, set or add, values in host order */
struct sim_fop {
	u8 field;
	bool add;
	u32 mask;
	u32 val;
};

struct sim_group;

/* a rule is known to its driver by (ingress port, cookie) */
struct sim_rule_id {
	struct sim_port *in;
	unsigned long cookie;
};

struct sim_rule {
	struct rhlist_head hnode;	/* group table, by masked key; RCU */
	struct rhash_head cnode;	/* sim_tbl.cookies; sim_tbl.lock */
	struct list_head list;		/* insertion order; sim_tbl.lock */
	struct sim_group *group;
	struct sim_rule_id id;
	u32 prio;
	u64 seq;
	u32 used;			/* SIM_M_* */
	struct sim_key key;		/* already masked */
	struct sim_key mask;

	/* actions, executed in this order */
	bool vlan_pop;
	u8 nfops;
	struct sim_fop fops[SIM_NFIELDS];
	u32 csum;			/* TCA_CSUM_UPDATE_FLAG_* */
	bool vlan_push;
	__be16 push_proto;
	u16 push_tci;
	bool drop;
	bool trap;
	bool to_host;			/* trap or accept: the representor */
	u8 nout;
	u8 split;			/* outputs that see the frame unmodified */
	u32 redirect;			/* bit i: out[i] came from a redirect */
	struct sim_port *out[SIM_MAX_OUT];

	/*
	 * One counter pair per rule, as a device keeps them: no per-cpu
	 * allocation per install (the global per-cpu allocator's mutex held
	 * installs to a third of the software path's rate).
	 */
	atomic64_t packets;
	atomic64_t bytes;
	u64 reported_packets;
	u64 reported_bytes;
	unsigned long lastused;		/* jiffies */
	struct rcu_head rcu;
};

/* debugfs fault injection: which driver call to fail */
enum sim_fault {
	SIM_FAULT_REPLACE,
	SIM_FAULT_STATS,
	SIM_FAULT_DESTROY,
	SIM_FAULT_UNBIND,
	SIM_FAULT_NUM,
};

struct sim_counters {
	atomic64_t replace_ok;
	atomic64_t refused_unsupported;
	atomic64_t refused_exists;
	atomic64_t refused_capacity;
	atomic64_t refused_rate;
	atomic64_t destroy;
	atomic64_t stats_queries;
	atomic64_t hits;
	atomic64_t misses;
	atomic64_t drops;
	atomic64_t injected[SIM_FAULT_NUM];
	atomic64_t rtnl_missing;
};

extern struct sim_counters sim_cnt;
extern u32 sim_capacity;
extern u32 sim_rate;
extern u32 sim_fail_every[SIM_FAULT_NUM];
extern u32 sim_ft_rtnl;

/* main.c */
bool sim_fault(enum sim_fault fault);

/* port.c */
int sim_port_new(u32 index);
int sim_port_del(u32 index);
void sim_ports_init(void);
void sim_ports_exit(void);
u32 sim_ports_count(void);
struct sim_port *sim_rep_port(const struct net_device *dev);

/* tc.c */
int sim_rep_setup_tc(struct net_device *dev, enum tc_setup_type type,
		     void *type_data);
bool sim_port_bound(struct sim_port *port);
void sim_blocks_exit(void);

/* match.c */
int sim_match_parse(struct sim_rule *r, struct flow_cls_offload *f,
		    struct sim_port *port);

/* action.c */
int sim_action_parse(struct sim_rule *r, struct flow_cls_offload *f,
		     struct sim_port *port, bool ft);

/* table.c */
int sim_table_init(void);
void sim_table_exit(void);
struct sim_rule *sim_rule_alloc(void);
void sim_rule_free(struct sim_rule *r);
int sim_table_replace(struct sim_port *port, struct flow_cls_offload *f,
		      bool ft);
int sim_table_destroy(struct sim_port *port, struct flow_cls_offload *f);
int sim_table_stats(struct sim_port *port, struct flow_cls_offload *f);
void sim_table_flush_port(struct sim_port *port);
struct sim_rule *sim_table_lookup(const struct sim_key *k);
void sim_rule_read(struct sim_rule *r, u64 *packets, u64 *bytes);
u32 sim_table_count(void);
int sim_table_show(struct seq_file *m);

/* exec.c */
void sim_deliver(struct net_device *dev, struct sk_buff *skb);
void sim_esw_rx(struct sim_port *port, struct sk_buff *skb);

/* dump.c */
void sim_dump_rule(struct seq_file *m, struct sim_rule *r);

#endif /* _ITO_SIM_H */
