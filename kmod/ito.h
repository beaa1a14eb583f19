/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito - Intelligent Traffic Offload: state shared by the module's files.
 */
#ifndef _ITO_H
#define _ITO_H

#include <linux/if_ether.h>
#include <linux/kfifo.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/flow_offload.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <linux/ito.h>
#include <net/netfilter/nf_conntrack_tuple.h>

struct genl_info;
struct netlink_callback;
struct netlink_ext_ack;
struct nf_conn;
struct nlattr;
struct sk_buff;
struct ito_update;

/* Per-cpu counter block; summed over all cpus when read. */
struct ito_counters {
	u64 val[__ITO_CNT_MAX];
};

/* the TTL guards of a device (hw.c): by IP version and tagging */
#define ITO_HW_GUARD_IPV6	BIT(0)
#define ITO_HW_GUARD_TAGGED	BIT(1)
#define ITO_HW_NGUARDS		4

/**
 * struct ito_hw_dev - a device whose flow table ito drives
 * @list: in ito_net.hw_devs
 * @dev: the device (below a VLAN port); bound while a port uses it
 * @block: our flow block: the driver's callbacks, bound by TC_SETUP_FT
 * @users: ports on this device (VLAN ports share it); under ito_net.lock
 * @guard: nonzero while that TTL guard rule is in the device; the
 *	address of each is its cookie
 */
struct ito_hw_dev {
	struct list_head list;
	struct net_device *dev;
	struct flow_block block;
	unsigned int users;
	u32 guard[ITO_HW_NGUARDS];
};

/**
 * struct ito_port - a netdev enrolled in an instance
 * @dev: the netdev; valid while enrolled (NETDEV_UNREGISTER removes us)
 * @mode: enum ito_port_mode
 * @vlan: the VID of a VLAN device, 0 for an untagged port
 * @peer_ifindex: the other port of a vwire pair, 0 otherwise
 * @offload: enum ito_port_offload
 * @hw: the hardware it is bound to, NULL for software only
 */
struct ito_port {
	struct net_device *dev;
	u32 mode;
	u16 vlan;
	int peer_ifindex;
	u32 offload;
	struct ito_hw_dev *hw;
	struct nf_hook_ops ingress;	/* the fast path on this netdev */
	struct rcu_head rcu;
};

/*
 * A packet of one direction of an offloaded flow, as it enters: the fast
 * path's lookup key. Compared as bytes, so always built from zero.
 */
struct ito_ft_key {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 proto;
	u16 pad;
	int iif;
};

#define ITO_NAT_SRC	BIT(0)
#define ITO_NAT_DST	BIT(1)

/*
 * What the fast path does to a packet of one direction: the compact
 * rewrite descriptor, the single source of truth for software (and later
 * hardware) forwarding.
 */
struct ito_rewrite {
	struct net_device *out_dev;	/* an enrolled port */
	u8 h_source[ETH_ALEN];		/* h_dest is the next hop's (ito_nh) */
	union nf_inet_addr saddr;	/* after NAT */
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 nat;				/* ITO_NAT_* */
	u32 mtu;
	bool vwire;			/* bridged: MACs and TTL left alone */
};

struct ito_nh_key {
	int ifindex;			/* the egress port's device */
	u8 family;
	u8 pad[3];
	union nf_inet_addr addr;
};

/**
 * struct ito_nh - a next hop shared by the offloaded directions using it
 * @node: in ito_net.nexthops
 * @key: egress device and next-hop address
 * @dev: the egress device, an enrolled port (the flows leaving by it end
 *	before it leaves, and with them the users of its next hops)
 * @ha: its MAC, packed in the low six bytes (atomic: read by the fast path)
 * @users: entries using it (plus an update in progress); under nh_lock
 * @entries: those directions (ito_flow_dir.nh_node); under nh_lock
 * @dirty: in ito_net.nh_dirty while a neighbour event waits; under nh_lock
 */
struct ito_nh {
	struct rhash_head node;
	struct ito_nh_key key;
	struct net_device *dev;		/* the egress port's, for the fast path */
	atomic64_t ha;
	unsigned int users;
	struct list_head entries;
	struct list_head dirty;
	struct rcu_head rcu;
};

/**
 * struct ito_flow_dir - one direction of a flow, inside the flow
 * @node: in ito_net.fastpath while the flow is offloaded. The entry has no
 *	key of its own: the fast path's key is made from the conntrack
 *	tuple of @dir (fixed once the entry is confirmed, as it is before
 *	an offload) and @iif, its NAT from the other direction's tuple.
 * @nh: routed and offloaded: the next hop, shared, with its device and MAC
 * @out_dev: vWire and offloaded: the peer port
 * @nexthop: the route's next hop, while not @linked
 * @nh_node: while @linked: in @nh's entries (the next hop's address is in
 *	@nh's key meanwhile)
 * @out_ifindex: where the slow path sent it (the route, learnt by packets)
 * @mtu: the route's MTU, at most 65535 (ito_mtu16()); the fast path's limit
 * @dir: which of the flow's two this is
 * @nat: ITO_NAT_*, while offloaded
 * @vwire: offloaded as vWire: which member of the first union is valid
 * @linked: which member of the second; changes under the flow's lock (a
 *	byte of its own: @nat and @vwire are written without that lock)
 *
 * 40 bytes: the port it entered by is the flow's (ito_flow.iif).
 */
struct ito_flow_dir {
	struct rhash_head node;
	union {
		struct ito_nh *nh;
		struct net_device *out_dev;
	};
	union {
		union nf_inet_addr nexthop;
		struct list_head nh_node;
	};
	int out_ifindex;
	u16 mtu;
	u8 dir:1;
	u8 nat:2;
	u8 vwire:1;
	bool linked;
};

/*
 * A route's MTU as a direction keeps it. No IPv4 packet, and no IPv6 one
 * without a jumbo option, exceeds 65575 bytes (65535 and a 40-byte
 * header): 65535 for a larger MTU only leaves IPv6 packets of 65536 to
 * 65575 bytes to the slow path, which forwards them as before.
 */
static inline u16 ito_mtu16(unsigned int mtu)
{
	return min_t(unsigned int, mtu, U16_MAX);
}

/*
 * Everything a rule of one direction does, spelt out: what ito_hw.c and
 * the netlink dumps build from (ito_rule_describe()), never kept.
 */
struct ito_rule {
	struct ito_ft_key key;
	struct ito_rewrite rw;
	u8 h_dest[ETH_ALEN];		/* the next hop's MAC, routed only */
	struct ito_flow *flow;
};

/* One direction's rule in hardware. Counters: as of the last poll. */
struct ito_hw_rule {
	struct ito_hw_dev *hd;		/* where it lives */
	u8 l2len;			/* header bytes the device counts */
	u8 gen;				/* the cookie's low bit: flips on replace */
	u64 pkts;
	u64 bytes;			/* from the network header, as ito counts */
	unsigned long last_used;	/* jiffies */
};

/**
 * struct ito_hw_session - the two rules of a session in hardware
 * @rule: by direction; &rule[dir] is the rule's cookie
 * @flow: the flow until the reap hands the counts back; alive until then,
 *	as flows end only after their detached sessions are reaped (both
 *	under ito_net.lock)
 * @reap: in ito_net.hw_reap once detached from the flow, then in
 *	ito_net.hw_stuck while the device keeps one of its rules
 */
struct ito_hw_session {
	struct ito_hw_rule rule[IP_CT_DIR_MAX];
	struct ito_flow *flow;
	struct list_head reap;
	struct rcu_head rcu;
};

/**
 * struct ito_flow - one conntrack entry seen from an enrolled port
 * @node: in ito_net.flows, keyed by @ct
 * @ct: the conntrack entry; we hold a reference until the flow ends
 * @id: stable for the flow's life; the key of ito_net.flow_ids. Ids are
 *	handed out in turn and wrap round after 2^32, skipping those in use
 * @last_seen: jiffies of the latest packet, low 32 bits: read back by
 *	ito_flow_last_seen(), exact for up to 2^32 jiffies (49.7 days at
 *	HZ=1000, 198.8 at HZ=250); an older one reads as that much younger
 * @pending: in ito_net.pending (or an admission round's batch) while
 *	@queued, which it never is while offloaded
 * @rcu: frees it once ended
 * @hw: while offloaded: the session in hardware, or NULL; read only by
 *	those who saw the flow offloaded under its lock
 * @hw_retry: offloaded in software on ports bound to hardware: when to try
 *	the hardware again (jiffies, low 32 bits; 0: never)
 * @lock: guards everything below it (packets of both directions race)
 * @iif: the port each direction entered by; set once
 * @first_seen: jiffies of the first packet, low 32 bits: read back by
 *	ito_flow_first_seen(). The GC keeps it at most ITO_AGE_MAX ago, so
 *	an age stops there (24.8 days at HZ=1000, 99.4 at HZ=250)
 */
struct ito_flow {
	struct rhash_head node;
	struct nf_conn *ct;
	u32 id;
	u32 last_seen;			/* also written by the fast path */
	/* one of three, by the flow's state: see ito_offload_install() */
	union {
		struct list_head pending;	/* under ito_net.pending_lock */
		struct rcu_head rcu;		/* ended: off the list for good */
		struct {			/* offloaded; under @lock */
			struct ito_hw_session *hw;
			u32 hw_retry;
		};
	};

	spinlock_t lock;		/* see above */
	u8 state;		/* enum ito_flow_state */
	/* written under ito_net.lock and the flow's lock: read under either */
	u8 verdict:4;		/* enum ito_verdict */
	u8 verdict_by:4;	/* enum ito_verdict_by */
	u8 queued:1;			/* on ito_net.pending; under pending_lock */
	u8 ended:1;			/* never queued again; under pending_lock */
	u8 ct_queued:1;			/* in ito_net.ct_ids; under pending_lock */
	u8 nat_bound:1;			/* holds a DIPP binding (nat.c); set
					 * under pending_lock, never once ended
					 */
	bool vwire;			/* bridged between a vwire pair */
	u32 copies;
	u32 first_seen;
	int iif[IP_CT_DIR_MAX];
	u64 pkts[IP_CT_DIR_MAX];
	u64 bytes[IP_CT_DIR_MAX];
	u64 offload_pkts;		/* collected from ended sessions */
	u64 offload_bytes;
	/*
	 * The fast path's counts of the session by direction, outside the
	 * lock and in one word (ITO_FT_*): no per-CPU allocation per session,
	 * one atomic add a packet. The teardown takes them; the GC's look,
	 * at least once a minute, and the fast path itself, long before a
	 * field could overflow, fold them into the flow and conntrack.
	 */
	atomic64_t ft[IP_CT_DIR_MAX];
	struct ito_flow_dir dirs[IP_CT_DIR_MAX];
};

/*
 * A fast path count: packets in the top 24 bits, bytes in the low 40. A
 * count with ITO_FT_FULL set (2^23 packets or 2^39 bytes) is folded by
 * the packet that made it so, with as much again to spare meanwhile.
 */
#define ITO_FT_BYTES_BITS	40
#define ITO_FT_PKT		BIT_ULL(ITO_FT_BYTES_BITS)
#define ITO_FT_FULL		(BIT_ULL(63) | BIT_ULL(ITO_FT_BYTES_BITS - 1))

static inline u64 ito_ft_pkts(u64 ft)
{
	return ft >> ITO_FT_BYTES_BITS;
}

static inline u64 ito_ft_bytes(u64 ft)
{
	return ft & (ITO_FT_PKT - 1);
}

/*
 * One per flow, whatever it becomes: the module's memory per session
 * (Documentation/design.rst, "Memory per flow and per session"). It may
 * not grow unnoticed: 208 bytes are 19 objects to a page, 216 only 18.
 * The lock is 4 bytes unless lock debugging makes it larger; the size
 * being a multiple of 8, the limit is 208 then.
 */
static_assert(sizeof(struct ito_flow_dir) <= 40);
static_assert(sizeof(struct ito_flow) <= 208 + sizeof(spinlock_t));

/* jiffies of a time kept in 32 bits: the latest to have those low bits */
static inline unsigned long ito_jiffies32(u32 then)
{
	unsigned long now = jiffies;

	return now - (u32)((u32)now - then);
}

static inline unsigned long ito_flow_last_seen(const struct ito_flow *flow)
{
	return ito_jiffies32(READ_ONCE(flow->last_seen));
}

/* the oldest a flow's first_seen may be, in jiffies: see ito_gc_one() */
#define ITO_AGE_MAX		((u32)S32_MAX)

static inline unsigned long ito_flow_first_seen(const struct ito_flow *flow)
{
	return ito_jiffies32(READ_ONCE(flow->first_seen));
}

static inline struct ito_flow *ito_dir_flow(const struct ito_flow_dir *d)
{
	return container_of(d - d->dir, struct ito_flow, dirs[0]);
}

/* the GC's wheel reaches this many seconds ahead, less one */
#define ITO_GC_SLOTS		64

struct ito_gc_chunk;

/**
 * struct ito_gc - when the flows are looked at next (gc.c); only its work
 *	touches it
 * @work: runs once a second
 * @slot: ids of the flows due in each second, by second modulo the slots
 * @done: the last second whose slot was looked at
 * @newest: flows up to this id have joined the wheel
 * @sweep_from: the id where the sweep goes on
 * @tcp_ageing: the ageing knobs as of the last run
 * @udp_ageing: see above
 */
struct ito_gc {
	struct delayed_work work;
	struct ito_gc_chunk *slot[ITO_GC_SLOTS];
	unsigned long done;
	u32 newest;
	unsigned long sweep_from;
	u32 tcp_ageing;
	u32 udp_ageing;
};

/**
 * struct ito_nat - the source NAT pools of an instance and their bindings
 *	(nat.c)
 * @lock: guards the bindings, their ids and the pools' slot maps
 * @pools: in the order added; changed under ito_net.lock and @lock, read
 *	under RCU by the NAT hook
 * @npools: pools in @pools; under ito_net.lock
 * @gen: the last pool's generation: bindings are keyed by it, so that a
 *	pool made again is not taken for the one it replaces
 * @bindings: by private address, port, protocol and pool
 * @ids: bindings by id, for dumps that resume and for pool removal
 * @next_id: where the search for a free binding id starts
 * @ops: the NAT hook, registered while there are pools
 */
struct ito_nat {
	spinlock_t lock;		/* see above */
	struct list_head pools;
	unsigned int npools;
	u32 gen;
	struct rhashtable bindings;
	struct xarray ids;
	u32 next_id;
	struct nf_hook_ops ops;
};

/**
 * struct ito_net - one ito instance, per network namespace
 * @net: the namespace (not referenced: it owns us)
 * @config_lock: serialises configuration writers
 * @config: knobs indexed by enum ito_a_config; written under @config_lock
 *	with WRITE_ONCE(), read locklessly with ito_config_get()
 * @counters: per-cpu counters indexed by enum ito_counter
 * @lock: serialises ports, hook registration, agent changes, verdicts,
 *	admission and the ending of flows; taken after RTNL where both are
 *	needed
 * @ports: enrolled ports by ifindex; read under RCU in the hook
 * @netdev_nb: netdev notifier of the namespace: ports leave with their
 *	devices; registered for as long as the instance lives
 * @hooks_on: netfilter hooks and conntrack are enabled (some port enrolled)
 * @hook_ops: the registered hooks (IPv4 and IPv6 forward)
 * @agent_portid: netlink port id of the agent, 0 if none
 * @copies: per cpu, the packet copies not sent to the agent yet (agent.c)
 * @flows: flows by conntrack entry (the packet path's lookup); new flows
 *	go here. Replaced under @lock only (ito_flow_resize())
 * @flows_old: after a raise of max_flows, the previous table, until its
 *	flows have ended; lookups try it after @flows
 * @flows_moving: the pointers are changing: no flow is created
 * @flows_reach: flows @flows holds; under @lock
 * @flow_ids: flows by id (netlink lookups and dumps in id order)
 * @nflows: flows tracked now, against max_flows
 * @next_id: where the search for the next free flow id starts; under
 *	@flow_ids' lock
 * @gc: ends flows whose conntrack entry died, ages offloaded ones (gc.c)
 * @fastpath: offloaded directions by struct ito_ft_key (packet path); the
 *	table is replaced only under @lock with no session offloaded
 * @ft_reach: sessions @fastpath holds, from max_sessions; 0 while it is
 *	being replaced (nothing is admitted then); under @lock
 * @pending_lock: guards @pending, ito_flow.queued, @nsessions, @tokens and
 *	@refill
 * @pending: flows with an offload verdict that are eligible, waiting for
 *	admission
 * @offload_work: admits pending flows, fastest first
 * @nsessions: offloaded sessions now, against max_sessions
 * @tokens: session updates left in this second (token bucket)
 * @refill: jiffies of the last refill
 * @hw_devs: devices bound for hardware offload; under @lock
 * @hw_reap_lock: guards @hw_reap
 * @hw_reap: hardware sessions detached in the packet path, whose rules
 *	the reap work removes
 * @hw_stuck: detached sessions with a rule the device would not remove,
 *	retried by @hw_reap_work; under @lock
 * @hw_reap_work: see above
 * @nexthops: next hops of offloaded directions (struct ito_nh)
 * @nh_lock: guards the next hops' users, entries and dirty lists
 * @nh_dirty: next hops whose neighbour changed, for @nh_work
 * @nh_work: updates or ends the sessions behind dirty next hops
 * @fib_nb: FIB notifier of the namespace
 * @route_work: checks offloaded sessions against the FIB after a change
 * @nh_ready: the above are set up (read by the netevent notifier)
 * @upd: directions waiting for a budgeted update (update.c); under @lock
 * @nupd: entries in @upd
 * @upd_cap: room in @upd
 * @upd_sorted: @upd is in order (one entry per direction, fastest first)
 * @upd_work: applies @upd within the update budget
 * @nvwire: vwire ports enrolled; the bridge hook is on while there are any
 * @br_hook_ops: the bridge forward hook (vWire traffic)
 * @ct_ids: ids of flows whose conntrack verdict changed, for @ct_work;
 *	under @pending_lock
 * @ct_work: applies their new verdicts
 * @ct_labels: ito holds conntrack's label extension on (some label knob
 *	names a bit); under @config_lock
 * @ha_hold_until: jiffies until which copies of flows without a verdict
 *	are held back, after turning active (ha.c)
 * @nat: source NAT pools and their bindings
 */
struct ito_net {
	struct net *net;
	struct mutex config_lock;	/* serialises config writers */
	u32 config[__ITO_A_CONFIG_MAX];
	struct ito_counters __percpu *counters;

	struct mutex lock;		/* see above */
	struct xarray ports;
	struct notifier_block netdev_nb;
	bool hooks_on;
	struct nf_hook_ops hook_ops[2];
	u32 agent_portid;
	struct ito_copy_batch __percpu *copies;

	struct rhashtable __rcu *flows;
	struct rhashtable __rcu *flows_old;
	bool flows_moving;
	u32 flows_reach;
	struct xarray flow_ids;
	struct xarray apps;		/* flow id -> application (app.c) */
	atomic_t nflows;
	u32 next_id;
	struct ito_gc gc;

	struct rhashtable __rcu *fastpath;
	u32 ft_reach;
	spinlock_t pending_lock;	/* see above */
	struct list_head pending;
	struct delayed_work offload_work;
	unsigned int nsessions;
	u32 tokens;
	unsigned long refill;

	struct list_head hw_devs;
	spinlock_t hw_reap_lock;	/* see above */
	struct list_head hw_reap;
	struct list_head hw_stuck;
	struct delayed_work hw_reap_work;

	struct rhashtable nexthops;
	spinlock_t nh_lock;		/* see struct ito_nh */
	struct list_head nh_dirty;
	struct work_struct nh_work;
	struct notifier_block fib_nb;
	struct work_struct route_work;
	bool nh_ready;
	struct ito_update *upd;
	unsigned int nupd;
	unsigned int upd_cap;
	bool upd_sorted;
	struct delayed_work upd_work;
	unsigned int nvwire;
	struct nf_hook_ops br_hook_ops;
	DECLARE_KFIFO(ct_ids, u64, 256);
	struct work_struct ct_work;
	bool ct_labels;
	unsigned long ha_hold_until;
	struct ito_nat nat;
};

extern unsigned int ito_net_id;

static inline struct ito_net *ito_net(const struct net *net)
{
	return net_generic(net, ito_net_id);
}

/* config.c */
void ito_config_init(struct ito_net *in);
int ito_config_set(struct ito_net *in, struct nlattr *const *tb,
		   bool host_admin, struct netlink_ext_ack *extack);

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
int ito_port_net_init(struct ito_net *in);
void ito_port_net_uninit(struct ito_net *in);

static inline struct ito_port *ito_port_lookup(struct ito_net *in, int ifindex)
{
	return xa_load(&in->ports, ifindex);
}

/* hook.c */
int ito_hook_enable(struct ito_net *in);
void ito_hook_disable(struct ito_net *in);
int ito_hook_vwire_enable(struct ito_net *in);
void ito_hook_vwire_disable(struct ito_net *in);

/* flow.c */
int ito_flow_init(void);
void ito_flow_uninit(void);
int ito_flow_net_init(struct ito_net *in);
void ito_flow_net_uninit(struct ito_net *in);
void ito_lock_break(struct ito_net *in);

/* gc.c */
void ito_gc_net_init(struct ito_net *in);
void ito_gc_net_uninit(struct ito_net *in);
struct ito_flow *ito_flow_lookup(struct ito_net *in, const struct nf_conn *ct);
struct ito_flow *ito_flow_create(struct ito_net *in, struct nf_conn *ct,
				 int dir, int ifindex);
struct ito_flow *ito_flow_get_by_id(struct ito_net *in, u64 id);
void ito_flow_resize(struct ito_net *in, struct netlink_ext_ack *extack);
void ito_flow_add_offloaded(struct ito_flow *flow, const u64 *pkts,
			    const u64 *bytes);
struct rhashtable *ito_rht_alloc(const struct rhashtable_params *params,
				 u32 max_size);
void ito_rht_free(struct rhashtable *ht);
void ito_flow_drained(struct ito_net *in);
bool ito_flow_end(struct ito_net *in, struct ito_flow *flow, u32 reason);
void ito_flow_end_all(struct ito_net *in, int ifindex, u32 reason);
void ito_flow_set_verdict(struct ito_net *in, struct ito_flow *flow,
			  u32 verdict, u8 by);
void ito_flow_apply_default(struct ito_net *in);

/* app.c */
int ito_app_set(struct ito_net *in, struct ito_flow *flow, const char *name);
void ito_app_forget(struct ito_net *in, struct ito_flow *flow);
int ito_app_put(struct sk_buff *msg, struct ito_net *in,
		const struct ito_flow *flow);
void ito_app_net_init(struct ito_net *in);
void ito_app_net_uninit(struct ito_net *in);
void ito_flow_standby(struct ito_net *in);
u32 ito_rate(u64 pkts, unsigned long first, unsigned long last);
u32 ito_flow_rate(const struct ito_flow *flow);
u32 ito_flow_live_rate(struct ito_flow *flow);
void ito_flow_bypassed(const struct ito_flow *flow, int dir, u64 *pkts,
		       u64 *bytes);

/* offload.c */
int ito_offload_net_init(struct ito_net *in);
void ito_offload_net_uninit(struct ito_net *in);
void ito_offload_consider(struct ito_net *in, struct ito_flow *flow,
			  struct sk_buff *skb, int dir);
bool ito_offload_teardown(struct ito_net *in, struct ito_flow *flow);
bool ito_offload_age(struct ito_net *in, struct ito_flow *flow,
		     unsigned long *next);
unsigned long ito_offload_ageing(struct ito_net *in,
				 const struct ito_flow *flow);
void ito_offload_refresh(struct ito_net *in, struct ito_flow *flow);
void ito_offload_dequeue(struct ito_net *in, struct ito_flow *flow);
void ito_offload_kick(struct ito_net *in);
void ito_offload_resize(struct ito_net *in, struct netlink_ext_ack *extack);
void ito_ct_acct(struct nf_conn *ct, const u64 *pkts, const u64 *bytes);
void ito_ft_fold(struct ito_flow *flow);
bool ito_offload_token(struct ito_net *in);
void ito_offload_forget(struct ito_net *in, struct ito_flow *flow);
void ito_offload_fall_back(struct ito_net *in, struct ito_flow *flow);
struct ito_flow_dir *ito_offload_lookup(struct ito_net *in,
					const struct ito_ft_key *key);
int ito_offload_move(struct ito_net *in, struct ito_flow *flow, int dir,
		     struct ito_port *port, const union nf_inet_addr *gw,
		     u32 mtu);

/* rule.c */
int ito_rule_build(struct ito_net *in, struct ito_flow *flow, int dir);
void ito_rule_key(const struct ito_flow *flow, int dir, struct ito_ft_key *key);
void ito_rule_describe(const struct ito_flow *flow, int dir,
		       struct ito_rule *r);

/* hw.c */
void ito_hw_net_init(struct ito_net *in);
void ito_hw_net_uninit(struct ito_net *in);
int ito_hw_port_bind(struct ito_net *in, struct ito_port *port,
		     struct netlink_ext_ack *extack);
void ito_hw_port_unbind(struct ito_net *in, struct ito_port *port);
struct ito_hw_session *ito_hw_install(struct ito_net *in,
				      const struct ito_rule *r);
void ito_hw_release(struct ito_net *in, struct ito_hw_session *hs);
void ito_hw_reap(struct ito_net *in);
void ito_hw_poll(struct ito_net *in, struct ito_hw_session *hs);
int ito_hw_update(struct ito_net *in, struct ito_flow *flow, int dir);

/* nexthop.c */
int ito_nh_net_init(struct ito_net *in);
void ito_nh_net_uninit(struct ito_net *in);
int ito_nh_init(void);
void ito_nh_uninit(void);
struct ito_nh *ito_nh_get(struct ito_net *in, struct net_device *dev,
			  u8 family, const union nf_inet_addr *addr);
void ito_nh_put(struct ito_net *in, struct ito_nh *nh);
void ito_nh_link(struct ito_net *in, struct ito_flow_dir *d, struct ito_nh *nh);
void ito_nh_unlink(struct ito_net *in, struct ito_flow_dir *d);
void ito_nh_mac(const struct ito_nh *nh, u8 *mac);
int ito_nh_update(struct ito_net *in, struct ito_flow *flow, int dir, u8 what);

/* update.c */
#define ITO_UPDATE_ROUTE	BIT(0)	/* check the direction's route again */
#define ITO_UPDATE_MAC		BIT(1)	/* its next hop's MAC changed */
int ito_update_add(struct ito_net *in, struct ito_flow *flow, int dir, u8 what);
void ito_update_kick(struct ito_net *in);
void ito_update_net_init(struct ito_net *in);
void ito_update_net_uninit(struct ito_net *in);

/* fastpath.c */
int ito_fastpath_attach(struct ito_net *in, struct ito_port *port);
void ito_fastpath_detach(struct ito_net *in, struct ito_port *port);

/* ctverdict.c */
void ito_ctv_net_init(struct ito_net *in);
void ito_ctv_net_uninit(struct ito_net *in);
int ito_ctv_config_check(struct ito_net *in, const u32 *next,
			 struct nlattr *const *tb, struct netlink_ext_ack *extack);
u8 ito_ctv_read(const struct ito_net *in, const struct nf_conn *ct, u8 *by);
bool ito_ctv_change(const struct ito_flow *flow, u8 verdict, u8 by, u8 *to);
bool ito_ctv_admits(const struct ito_flow *flow, u8 verdict);
void ito_ctv_queue(struct ito_net *in, struct ito_flow *flow);
void ito_ctv_apply(struct ito_net *in, struct ito_flow *flow);
void ito_ctv_write(struct ito_net *in, struct ito_flow *flow);

/* Does conntrack speak in this instance? */
static inline bool ito_ctv_on(const struct ito_net *in)
{
	return ito_config_get(in, ITO_A_CONFIG_VERDICT_SOURCE) &
	       (ITO_VERDICT_SOURCE_CTMARK | ITO_VERDICT_SOURCE_CTLABEL);
}

/* ha.c */
void ito_ha_net_init(struct ito_net *in);
void ito_ha_configured(struct ito_net *in, bool was_passive, bool role_set,
		       struct netlink_ext_ack *extack);
bool ito_ha_holds_copy(struct ito_net *in);

/* nat.c */
int ito_nat_net_init(struct ito_net *in);
void ito_nat_net_uninit(struct ito_net *in);
int ito_nat_init(void);
void ito_nat_uninit(void);
int ito_nat_pool_add(struct ito_net *in, struct nlattr *const *tb,
		     struct netlink_ext_ack *extack);
int ito_nat_pool_del(struct ito_net *in, u32 id,
		     struct netlink_ext_ack *extack);
int ito_nat_pool_dump(struct ito_net *in, struct sk_buff *skb,
		      struct netlink_callback *cb, u32 id);
int ito_nat_binding_dump(struct ito_net *in, struct sk_buff *skb,
			 struct netlink_callback *cb);
void ito_nat_flow_end(struct ito_net *in, struct ito_flow *flow);
unsigned int ito_nat_bridged(struct ito_net *in, struct sk_buff *skb,
			     struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			     const struct net_device *out, unsigned int hooknum);
void ito_nat_expire(struct ito_net *in);

/* agent.c */
int ito_agent_register(struct ito_net *in, u32 portid,
		       struct netlink_ext_ack *extack);
int ito_agent_unregister(struct ito_net *in, u32 portid,
			 struct netlink_ext_ack *extack);
void ito_agent_send_copy(struct ito_net *in, struct ito_flow *flow,
			 struct sk_buff *skb, int dir, int ifindex, u32 seq);
int ito_agent_net_init(struct ito_net *in);
void ito_agent_net_uninit(struct ito_net *in);
int ito_agent_init(void);
void ito_agent_uninit(void);

/* netlink.c */
int ito_netlink_init(void);
void ito_netlink_uninit(void);
int ito_nl_put_flow(struct sk_buff *msg, int type, struct ito_net *in,
		    struct ito_flow *flow,
		    bool full);
void ito_nl_flow_event(struct ito_net *in, struct ito_flow *flow, u32 event,
		       u32 reason, gfp_t gfp);
size_t ito_nl_copy_size(unsigned int snap);
int ito_nl_put_copy(struct sk_buff *msg, const struct ito_flow *flow,
		    const struct sk_buff *skb, int dir, int ifindex, u32 seq,
		    unsigned int snap);
void *ito_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd);
int ito_nl_unicast(struct ito_net *in, struct sk_buff *msg, u32 portid);
int ito_nl_put_path(struct sk_buff *msg, struct ito_net *in, int dir,
		    const struct ito_rule *r, u64 pkts, u64 bytes, u32 where);
struct sk_buff *ito_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr);
int ito_nl_reply_finish(struct genl_info *info, struct sk_buff *msg,
			void *hdr, int err);
extern const struct nla_policy ito_xdp_stat_policy[];
bool ito_nl_xdp_listening(struct ito_net *in);
struct sk_buff *ito_nl_xdp_new(size_t size, gfp_t gfp, void **hdr);
void ito_nl_xdp_send(struct ito_net *in, struct sk_buff *msg, gfp_t gfp);

/* xdp.c */
bool ito_xdp_holds(struct ito_net *in, const struct ito_flow *flow);
void ito_xdp_install(struct ito_net *in, struct ito_flow *flow,
		     const struct ito_rule *r);
void ito_xdp_update(struct ito_net *in, struct ito_flow *flow);
void ito_xdp_remove(struct ito_net *in, struct ito_flow *flow);
int ito_xdp_session_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ito_xdp_report_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _ITO_H */
