/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ito - Intelligent Traffic Offload: the generic netlink contract between
 * the kernel module and userspace. Append only; never renumber.
 *
 * Every command needs CAP_NET_ADMIN in the caller's network namespace and
 * acts on that namespace's instance only.
 */
#ifndef _UAPI_LINUX_ITO_H
#define _UAPI_LINUX_ITO_H

#define ITO_FAMILY_NAME		"ito"
#define ITO_FAMILY_VERSION	1

/* Multicast group of flow lifecycle events (CAP_NET_ADMIN to join). */
#define ITO_MCGRP_EVENTS	"events"
/*
 * Multicast group of END events only, the same messages as on "events"
 * (CAP_NET_ADMIN to join): for a listener that only forgets ended flows.
 * Join one of the two groups: a socket in both gets each end twice.
 */
#define ITO_MCGRP_ENDS		"ends"
/*
 * Multicast group of the XDP backend (CAP_NET_ADMIN to join): the
 * %ITO_CMD_XDP_SESSION requests of software sessions it may forward.
 */
#define ITO_MCGRP_XDP		"xdp"

/**
 * enum ito_cmd - generic netlink commands of the "ito" family
 * @ITO_CMD_CONFIG_GET: reply carries %ITO_A_CONFIG with every knob
 * @ITO_CMD_CONFIG_SET: request carries %ITO_A_CONFIG with the knobs to
 *	change; all are checked before any is applied (all or nothing)
 * @ITO_CMD_COUNTERS_GET: reply carries %ITO_A_COUNTERS
 * @ITO_CMD_PORT_ADD: enrol the netdev of %ITO_A_PORT (IFINDEX, MODE, VLAN,
 *	PEER for vwire); its flows are tracked from then on
 * @ITO_CMD_PORT_DEL: remove a port; its flows end (reason PORT_REMOVED)
 * @ITO_CMD_PORT_GET: one port by IFINDEX, or all ports as a dump
 * @ITO_CMD_AGENT_REGISTER: the sending socket becomes the netns's agent and
 *	receives %ITO_CMD_PACKET copies; refused (-EBUSY) while another is
 *	registered
 * @ITO_CMD_AGENT_UNREGISTER: the agent steps down (closing its socket does
 *	the same)
 * @ITO_CMD_PACKET: kernel to agent, unicast: a copy of one packet of a
 *	flow under inspection, %ITO_A_PACKET; a datagram may carry several
 *	such messages (read it message by message)
 * @ITO_CMD_FLOW_GET: one flow by ITO_A_FLOW_ID, or a dump of all flows
 *	(optionally only those in ITO_A_FLOW_STATE)
 * @ITO_CMD_FLOW_DEL: end one flow by ITO_A_FLOW_ID (reason DELETED)
 * @ITO_CMD_FLOW_FLUSH: end every flow (reason FLUSHED)
 * @ITO_CMD_FLOW_VERDICT: apply ITO_A_FLOW_VERDICT to flow ITO_A_FLOW_ID;
 *	several %ITO_A_FLOW nests in one request form a batch, applied until
 *	the first bad one
 * @ITO_CMD_FLOW_NTF: event on %ITO_MCGRP_EVENTS: %ITO_A_FLOW with
 *	ITO_A_FLOW_EVENT set; END events also on %ITO_MCGRP_ENDS
 * @ITO_CMD_NAT_POOL_ADD: add the source NAT pool of %ITO_A_NAT_POOL (DIPP:
 *	persistent bindings); refused whole if it overlaps another
 * @ITO_CMD_NAT_POOL_DEL: remove pool ITO_A_NAT_POOL_ID and its bindings;
 *	connections already translated keep their translation
 * @ITO_CMD_NAT_POOL_GET: a dump of the pools (only ITO_A_NAT_POOL_ID if the
 *	request names one)
 * @ITO_CMD_NAT_BINDING_GET: dump of the bindings, %ITO_A_NAT_BINDING each
 * @ITO_CMD_XDP_SESSION: kernel to the XDP backend, on %ITO_MCGRP_XDP: an
 *	%ITO_A_FLOW with ID, FAMILY, PROTO and ITO_A_FLOW_EVENT. OFFLOADED:
 *	install, or replace, the session's two %ITO_A_FLOW_PATH (WHERE XDP);
 *	END: remove the session (ID only). A dump request lists, as
 *	OFFLOADED, every session the backend should hold now: its start, and
 *	its resync after it lost messages (ENOBUFS)
 * @ITO_CMD_XDP_REPORT: the XDP backend's counts, %ITO_A_XDP_STAT each: the
 *	packets it forwarded since its last report, added to the flow and to
 *	conntrack, and the session's last use moved to now. The reply lists,
 *	as %ITO_A_XDP_STAT with ID only, the reported sessions the kernel no
 *	longer has in software: the backend removes them
 */
enum ito_cmd {
	ITO_CMD_UNSPEC,
	ITO_CMD_CONFIG_GET,
	ITO_CMD_CONFIG_SET,
	ITO_CMD_COUNTERS_GET,
	ITO_CMD_PORT_ADD,
	ITO_CMD_PORT_DEL,
	ITO_CMD_PORT_GET,
	ITO_CMD_AGENT_REGISTER,
	ITO_CMD_AGENT_UNREGISTER,
	ITO_CMD_PACKET,
	ITO_CMD_FLOW_GET,
	ITO_CMD_FLOW_DEL,
	ITO_CMD_FLOW_FLUSH,
	ITO_CMD_FLOW_VERDICT,
	ITO_CMD_FLOW_NTF,
	ITO_CMD_NAT_POOL_ADD,
	ITO_CMD_NAT_POOL_DEL,
	ITO_CMD_NAT_POOL_GET,
	ITO_CMD_NAT_BINDING_GET,
	ITO_CMD_XDP_SESSION,
	ITO_CMD_XDP_REPORT,

	__ITO_CMD_MAX,
	ITO_CMD_MAX = __ITO_CMD_MAX - 1
};

/* Top-level attributes. */
enum ito_a {
	ITO_A_UNSPEC,
	ITO_A_CONFIG,		/* nest, enum ito_a_config */
	ITO_A_COUNTERS,		/* nest of ITO_A_COUNTERS_ENTRY */
	ITO_A_PORT,		/* nest, enum ito_a_port */
	ITO_A_FLOW,		/* nest, enum ito_a_flow; may repeat */
	ITO_A_PACKET,		/* nest, enum ito_a_packet */
	ITO_A_NAT_POOL,		/* nest, enum ito_a_nat_pool */
	ITO_A_NAT_BINDING,	/* nest, enum ito_a_nat_binding */
	ITO_A_XDP_STAT,		/* nest, enum ito_a_xdp_stat; may repeat */

	__ITO_A_MAX,
	ITO_A_MAX = __ITO_A_MAX - 1
};

/*
 * Configuration knobs, all u32. The kernel rejects a value outside the
 * range below with an extended ack naming the knob and its range.
 *
 * @ITO_A_CONFIG_ENABLED: 1 offloads new flows, 0 stops new offloads [0, 1]
 * @ITO_A_CONFIG_MIN_PKTS: packets copied to the agent per flow, and packets
 *	(both directions) a flow must have shown before it may be offloaded
 *	[1, 1024]
 * @ITO_A_CONFIG_MIN_RATE: packets/s a flow must reach during inspection to
 *	be offloaded; 0 disables the check [0, 10000000]
 * @ITO_A_CONFIG_TCP_AGEING: seconds an offloaded TCP flow may idle [1, 86400]
 * @ITO_A_CONFIG_UDP_AGEING: seconds an offloaded UDP flow may idle [1, 86400]
 * @ITO_A_CONFIG_MAX_SESSIONS: offloaded sessions at most [1, 4000000]; a
 *	raise past the fast path table's reach (a power of two) hands the
 *	sessions back to be offloaded again in a larger table (extack warns)
 * @ITO_A_CONFIG_MAX_UPDATE_RATE: session installs plus removals per second;
 *	installs wait for budget, removals spend it but are never refused
 *	[1, 1000000]
 * @ITO_A_CONFIG_SNAPLEN: bytes of each packet copied to the agent, from the
 *	network header [64, 65535], default 256
 * @ITO_A_CONFIG_DEFAULT_VERDICT: enum ito_verdict applied to the flows
 *	still awaiting a verdict when the agent goes away (unregisters or its
 *	socket closes); flows that start while no agent is registered wait
 *	for one [ITO_VERDICT_OFFLOAD, ITO_VERDICT_BLOCK], default
 *	ITO_VERDICT_INSPECT
 * @ITO_A_CONFIG_MAX_FLOWS: flows tracked at most; beyond, new flows pass
 *	untracked and are counted [1, 16777216], default 1048576
 * @ITO_A_CONFIG_VERDICT_SOURCE: who gives verdicts, ITO_VERDICT_SOURCE_*
 *	bits [1, 7], default ITO_VERDICT_SOURCE_AGENT. Without the agent bit
 *	no copies are sent and %ITO_CMD_FLOW_VERDICT is refused. A block
 *	verdict from either source wins; otherwise a verdict found in
 *	conntrack wins over the agent's. A conntrack verdict follows the
 *	entry: when it changes, so does the flow's (an offloaded flow goes
 *	back to the slow path); when it goes, the flow is inspected.
 * @ITO_A_CONFIG_CTMARK_MASK: the bits of the conntrack mark that carry a
 *	verdict; (mark & mask) == value selects it [0, 0xffffffff], default 0
 * @ITO_A_CONFIG_CTMARK_OFFLOAD, @ITO_A_CONFIG_CTMARK_INSPECT,
 * @ITO_A_CONFIG_CTMARK_BLOCK: the value of each verdict under the mask;
 *	0 for none. Within the mask and distinct; default 0
 * @ITO_A_CONFIG_CTLABEL_OFFLOADED, @ITO_A_CONFIG_CTLABEL_INSPECTED,
 * @ITO_A_CONFIG_CTLABEL_BLOCKED: the conntrack label bit ito sets when it
 *	applies that verdict (clearing the other two), [0, 127], or
 *	%ITO_CTLABEL_NONE (the default): no bit is ever touched. With
 *	%ITO_VERDICT_SOURCE_CTLABEL, these bits found on the entry of a flow
 *	that has no verdict yet (e.g. replicated from another firewall) are
 *	that flow's verdict.
 * @ITO_A_CONFIG_HA_ROLE: enum ito_ha_role, default ITO_HA_ROLE_ACTIVE. A
 *	passive instance (the standby firewall of a pair) installs no
 *	session; turning passive hands the offloaded sessions back to the
 *	slow path, where they wait with their verdict for the active role.
 *	Setting it on an instance whose verdicts do not travel with the
 *	conntrack entry (no ct label bit for the offload verdict as a
 *	source, no ct mark) succeeds with a warning in the extended ack.
 * @ITO_A_CONFIG_HA_HOLD: milliseconds [0, 60000], default 3000. While
 *	passive, and for this long after turning active, a flow that has no
 *	verdict yet gets no copies for the agent when conntrack is a verdict
 *	source: its entry may be one the peer decided, whose replicated copy
 *	(with the verdict) is still being committed. Held copies are counted
 *	(%ITO_CNT_HA_COPIES_HELD); a flow still without a verdict after the
 *	hold is copied from its next packet on.
 * @ITO_A_CONFIG_COPY_DELAY: microseconds [0, 1000000], default 1000. A
 *	copy may wait this long for others to share its datagram (about
 *	8 KiB, or one copy if larger); 0 sends each copy at once. A longer
 *	delay wakes the agent less often, and gives it each copy later.
 */
enum ito_a_config {
	ITO_A_CONFIG_UNSPEC,
	ITO_A_CONFIG_ENABLED,
	ITO_A_CONFIG_MIN_PKTS,
	ITO_A_CONFIG_MIN_RATE,
	ITO_A_CONFIG_TCP_AGEING,
	ITO_A_CONFIG_UDP_AGEING,
	ITO_A_CONFIG_MAX_SESSIONS,
	ITO_A_CONFIG_MAX_UPDATE_RATE,
	ITO_A_CONFIG_SNAPLEN,
	ITO_A_CONFIG_DEFAULT_VERDICT,
	ITO_A_CONFIG_MAX_FLOWS,
	ITO_A_CONFIG_VERDICT_SOURCE,
	ITO_A_CONFIG_CTMARK_MASK,
	ITO_A_CONFIG_CTMARK_OFFLOAD,
	ITO_A_CONFIG_CTMARK_INSPECT,
	ITO_A_CONFIG_CTMARK_BLOCK,
	ITO_A_CONFIG_CTLABEL_OFFLOADED,
	ITO_A_CONFIG_CTLABEL_INSPECTED,
	ITO_A_CONFIG_CTLABEL_BLOCKED,
	ITO_A_CONFIG_HA_ROLE,
	ITO_A_CONFIG_HA_HOLD,
	ITO_A_CONFIG_COPY_DELAY,

	__ITO_A_CONFIG_MAX,
	ITO_A_CONFIG_MAX = __ITO_A_CONFIG_MAX - 1
};

/* Bits of %ITO_A_CONFIG_VERDICT_SOURCE */
enum ito_verdict_source {
	ITO_VERDICT_SOURCE_AGENT	= 1,	/* the registered agent */
	ITO_VERDICT_SOURCE_CTMARK	= 2,	/* the conntrack mark */
	ITO_VERDICT_SOURCE_CTLABEL	= 4,	/* ito's conntrack labels */
	ITO_VERDICT_SOURCE_ALL		= 7,
};

/* %ITO_A_CONFIG_HA_ROLE */
enum ito_ha_role {
	ITO_HA_ROLE_ACTIVE,	/* carries traffic: offloads */
	ITO_HA_ROLE_PASSIVE,	/* standby: offloads nothing */
};

/* An %ITO_A_CONFIG_CTLABEL_* knob that names no bit */
#define ITO_CTLABEL_NONE		128

/*
 * %ITO_A_COUNTERS holds one %ITO_A_COUNTERS_ENTRY nest per counter, in
 * enum ito_counter order. The kernel names each counter, so a tool prints
 * counters it was not built with.
 */
enum ito_a_counters {
	ITO_A_COUNTERS_UNSPEC,
	ITO_A_COUNTERS_ENTRY,	/* nest, enum ito_a_counter */

	__ITO_A_COUNTERS_MAX,
	ITO_A_COUNTERS_MAX = __ITO_A_COUNTERS_MAX - 1
};

enum ito_a_counter {
	ITO_A_COUNTER_UNSPEC,
	ITO_A_COUNTER_ID,	/* u32, enum ito_counter */
	ITO_A_COUNTER_NAME,	/* string */
	ITO_A_COUNTER_VALUE,	/* u64 */
	ITO_A_COUNTER_PAD,

	__ITO_A_COUNTER_MAX,
	ITO_A_COUNTER_MAX = __ITO_A_COUNTER_MAX - 1
};

/*
 * Counters of one network namespace's instance. The ITO_CNT_FLOW_OFFLOAD_*
 * set keeps the names operators know from other offload products. Gauges
 * are marked; the others only grow.
 */
enum ito_counter {
	ITO_CNT_FLOW_OFFLOAD_RCV_CPU,
	ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE,
	ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT,
	ITO_CNT_FLOW_OFFLOAD_SESSION_DELETE,
	ITO_CNT_FLOW_OFFLOAD_DELETE_MSG_FAILED,
	ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED,
	ITO_CNT_FLOW_OFFLOAD_SESSION_VERIFY,
	ITO_CNT_FLOW_OFFLOAD_VERIFY_MSG_FAILED,
	ITO_CNT_FLOW_OFFLOAD_UPDATE_SESSION_STAT,
	ITO_CNT_FLOW_OFFLOAD_MISSING_SESSION_STAT,
	ITO_CNT_FLOW_OFFLOAD_INVALID_SESSION,
	ITO_CNT_FLOW_OFFLOAD_DEL_SESSION_FAIL,
	ITO_CNT_FLOW_OFFLOAD_ADD_SESSION_FAIL,
	ITO_CNT_FLOW_OFFLOAD_GET_SESSION_FAIL,
	ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL,
	ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION,	/* gauge: sessions installed now */
	ITO_CNT_FLOW_OFFLOAD_AGED_SESSION,
	ITO_CNT_FLOW_OFFLOAD_SESSION,
	/* ito's own: flow tracking and inspection */
	ITO_CNT_FLOWS_NEW,		/* flows started being tracked */
	ITO_CNT_FLOWS_ACTIVE,		/* gauge: flows tracked now */
	ITO_CNT_FLOWS_ENDED,
	ITO_CNT_FLOWS_UNTRACKED_FULL,	/* not tracked: max_flows reached */
	ITO_CNT_FLOWS_NO_AGENT,		/* started while no agent registered */
	ITO_CNT_COPIES_SENT,
	ITO_CNT_COPIES_DROPPED,		/* agent socket full or gone */
	ITO_CNT_VERDICT_OFFLOAD,
	ITO_CNT_VERDICT_INSPECT,
	ITO_CNT_VERDICT_BLOCK,
	ITO_CNT_VERDICT_DEFAULT,	/* default verdicts applied by the kernel */
	ITO_CNT_BLOCKED_PKTS,		/* packets dropped by a block verdict */
	/* offload admission: why an eligible flow waits on the slow path */
	ITO_CNT_OFFLOAD_REFUSED_TABLE_FULL,	/* max_sessions reached */
	ITO_CNT_OFFLOAD_REFUSED_RATE_LIMIT,	/* max_update_rate budget spent */
	ITO_CNT_OFFLOAD_REFUSED_NO_NEIGH,	/* next hop's MAC not resolved */
	ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED,	/* e.g. IPv6 NAT, egress not a port */
	ITO_CNT_FASTPATH_PKTS,		/* packets forwarded by the fast path */
	ITO_CNT_FASTPATH_TEARDOWN_FIN_RST,	/* sessions handed back by FIN/RST */
	/* the hardware backend */
	ITO_CNT_HW_SESSION_INSERT,	/* sessions whose two rules went to hardware */
	ITO_CNT_HW_ACTIVE_SESSION,	/* gauge: sessions in hardware now */
	ITO_CNT_HW_FALLBACK_SW,		/* refused by hardware, run in software */
	ITO_CNT_HW_PROMOTED,		/* software sessions later moved to hardware */
	ITO_CNT_OFFLOAD_REFUSED_CLAIMED,	/* conntrack entry offloaded by another
						 * (an nftables flowtable)
						 */
	ITO_CNT_UPDATE_DEFERRED_RATE_LIMIT,	/* route or next-hop updates
						 * put off: budget spent
						 */
	ITO_CNT_VERDICT_CONNTRACK,	/* verdicts taken from conntrack */
	ITO_CNT_VERDICT_OVERRULED,	/* verdicts not applied: the other
					 * source's takes precedence
					 */
	ITO_CNT_VERDICT_REVOKED,	/* conntrack verdicts withdrawn */
	ITO_CNT_CTLABEL_MISSING,	/* decisions not written back: the
					 * entry has no label extension
					 */
	ITO_CNT_CTVERDICT_QUEUE_FULL,	/* conntrack verdict changes left to
					 * the next GC pass
					 */
	ITO_CNT_HA_COPIES_HELD,		/* copies not sent: passive, or just
					 * turned active (%ITO_A_CONFIG_HA_HOLD)
					 */
	ITO_CNT_GC_LOOKS,		/* flows the GC looked at: deadlines
					 * due and its sweep
					 */
	ITO_CNT_FASTPATH_TEARDOWN_DELETED,	/* sessions handed back: their
						 * conntrack entry was deleted
						 */
	ITO_CNT_FLOWS_UNTRACKED_MOVING,	/* not tracked yet: the flows
					 * table was being replaced (a raise
					 * of max_flows); the next packet
					 */
	/* source NAT pools (DIPP) */
	ITO_CNT_NAT_BINDINGS_NEW,	/* bindings made */
	ITO_CNT_NAT_BINDINGS_ACTIVE,	/* gauge: bindings now */
	ITO_CNT_NAT_BINDINGS_EXPIRED,	/* freed after their hold time */
	ITO_CNT_NAT_SESSIONS,		/* connections translated by a binding */
	ITO_CNT_NAT_POOL_EXHAUSTED,	/* connections a matching pool had no
					 * room for: left to the ruleset's NAT
					 */
	ITO_CNT_NAT_UNTRACKED,		/* connections a pool matched that ito
					 * does not track: left to the ruleset
					 */
	/* the XDP backend (%ITO_MCGRP_XDP) */
	ITO_CNT_XDP_ANNOUNCED,		/* sessions sent to the XDP backend */
	ITO_CNT_XDP_ANNOUNCE_FAILED,	/* not sent: no memory for the message */
	ITO_CNT_XDP_PKTS,		/* packets the backend reported forwarded */
	ITO_CNT_XDP_STALE,		/* reported sessions the kernel no longer
					 * has (the backend removes them)
					 */

	__ITO_CNT_MAX
};

enum ito_port_mode {
	ITO_PORT_MODE_L3,	/* routed: flows seen in the FORWARD hook */
	ITO_PORT_MODE_VWIRE,	/* bump in the wire, paired with ITO_A_PORT_PEER */

	__ITO_PORT_MODE_MAX,
	ITO_PORT_MODE_MAX = __ITO_PORT_MODE_MAX - 1
};

/* Where a port's offloaded sessions run. */
enum ito_port_offload {
	ITO_PORT_OFFLOAD_AUTO,	/* hardware when the device can, else software */
	ITO_PORT_OFFLOAD_SW,	/* the software cut-through only */
	ITO_PORT_OFFLOAD_HW,	/* hardware only: refused sessions stay on the
				 * slow path and are retried
				 */
	ITO_PORT_OFFLOAD_XDP,	/* software, and announced to the XDP backend
				 * (%ITO_MCGRP_XDP) when one listens; AUTO
				 * does so too where hardware does not
				 */

	__ITO_PORT_OFFLOAD_MAX,
	ITO_PORT_OFFLOAD_MAX = __ITO_PORT_OFFLOAD_MAX - 1
};

/*
 * @ITO_A_PORT_IFINDEX: u32, the netdev (in the caller's netns)
 * @ITO_A_PORT_IFNAME: string, reply only
 * @ITO_A_PORT_MODE: u32, enum ito_port_mode, default L3
 * @ITO_A_PORT_VLAN: u16, the port's VLAN: 0 for an untagged port, the VID
 *	of a VLAN device (eth0.100 is the port of VLAN 100 on eth0); in a
 *	request it may only repeat the device's
 * @ITO_A_PORT_PEER: u32, ifindex of the other port of a vwire pair
 * @ITO_A_PORT_OFFLOAD: u32, enum ito_port_offload, default AUTO; HW is
 *	refused for a device that cannot bind a flow table (no
 *	NETIF_F_HW_TC or its driver declines TC_SETUP_FT)
 * @ITO_A_PORT_HW: u8, reply only: 1 when bound to the device's hardware
 *	(the device below, for a VLAN device)
 */
enum ito_a_port {
	ITO_A_PORT_UNSPEC,
	ITO_A_PORT_IFINDEX,
	ITO_A_PORT_IFNAME,
	ITO_A_PORT_MODE,
	ITO_A_PORT_VLAN,
	ITO_A_PORT_PEER,
	ITO_A_PORT_OFFLOAD,
	ITO_A_PORT_HW,

	__ITO_A_PORT_MAX,
	ITO_A_PORT_MAX = __ITO_A_PORT_MAX - 1
};

/* Verdicts the agent gives, and the default verdict knob. */
enum ito_verdict {
	ITO_VERDICT_NONE,	/* not decided yet (reply only) */
	ITO_VERDICT_OFFLOAD,	/* bypass the host stack once eligible */
	ITO_VERDICT_INSPECT,	/* stay on the slow path; copies end at min_pkts */
	ITO_VERDICT_BLOCK,	/* drop later packets, both directions */
	ITO_VERDICT_INSPECT_ALL, /* stay on the slow path, copy every packet */

	__ITO_VERDICT_MAX,
	ITO_VERDICT_MAX = __ITO_VERDICT_MAX - 1
};

/* Where a flow's verdict came from (%ITO_A_FLOW_VERDICT_BY) */
enum ito_verdict_by {
	ITO_VERDICT_BY_NONE,	/* no verdict yet */
	ITO_VERDICT_BY_AGENT,	/* %ITO_CMD_FLOW_VERDICT */
	ITO_VERDICT_BY_DEFAULT,	/* the default verdict, the agent gone */
	ITO_VERDICT_BY_CTMARK,	/* the conntrack mark */
	ITO_VERDICT_BY_CTLABEL,	/* ito's conntrack labels on the entry */

	__ITO_VERDICT_BY_MAX,
	ITO_VERDICT_BY_MAX = __ITO_VERDICT_BY_MAX - 1
};

enum ito_flow_state {
	ITO_FLOW_STATE_INSPECTING,	/* copies go to the agent, no verdict */
	ITO_FLOW_STATE_SLOWPATH,	/* verdict inspect / inspect-all */
	ITO_FLOW_STATE_BLOCKED,
	ITO_FLOW_STATE_OFFLOAD_PENDING,	/* verdict offload, not yet offloaded */
	ITO_FLOW_STATE_OFFLOADED,

	__ITO_FLOW_STATE_MAX,
	ITO_FLOW_STATE_MAX = __ITO_FLOW_STATE_MAX - 1
};

enum ito_flow_event {
	ITO_FLOW_EVENT_NEW = 1,
	ITO_FLOW_EVENT_VERDICT,
	ITO_FLOW_EVENT_END,
	ITO_FLOW_EVENT_OFFLOADED,	/* %ITO_CMD_XDP_SESSION only */
};

enum ito_end_reason {
	ITO_END_REASON_FIN = 1,		/* TCP closed normally */
	ITO_END_REASON_RST,		/* TCP reset */
	ITO_END_REASON_TIMEOUT,		/* conntrack entry expired */
	ITO_END_REASON_PORT_REMOVED,
	ITO_END_REASON_FLUSHED,
	ITO_END_REASON_DELETED,		/* ITO_CMD_FLOW_DEL */
	ITO_END_REASON_AGED,		/* offloaded and idle beyond the ageing */
};

/*
 * A flow is one conntrack entry seen from an enrolled port. Addresses are
 * 4 or 16 bytes (network order), ports host order; the tuple is the
 * original direction's as conntrack knows it.
 *
 * @ITO_A_FLOW_ID: u64 attribute, 32-bit value: ids are handed out in
 *	turn from 1, skip those in use, and start again after 2^32 - 1
 * @ITO_A_FLOW_STATE: u32, enum ito_flow_state
 * @ITO_A_FLOW_VERDICT: u32, enum ito_verdict
 * @ITO_A_FLOW_FAMILY: u8, AF_INET or AF_INET6
 * @ITO_A_FLOW_PROTO: u8, IPPROTO_*
 * @ITO_A_FLOW_SADDR, @ITO_A_FLOW_DADDR: binary
 * @ITO_A_FLOW_SPORT, @ITO_A_FLOW_DPORT: u16 (ICMP: id / type<<8|code)
 * @ITO_A_FLOW_IIF: u32, ifindex the original direction entered by
 * @ITO_A_FLOW_PKTS_ORIG ... @ITO_A_FLOW_BYTES_REPLY: u64, seen by ito
 * @ITO_A_FLOW_AGE_MS: u64, since the first packet
 * @ITO_A_FLOW_IDLE_MS: u64, since the latest packet
 * @ITO_A_FLOW_RATE: u32, packets/s, both directions, from the first to
 *	the latest packet (0 before the second packet)
 * @ITO_A_FLOW_COPIES: u32, packet copies sent to the agent
 * @ITO_A_FLOW_CT_STATE: u32, conntrack's TCP state (enum tcp_conntrack),
 *	0 for other protocols
 * @ITO_A_FLOW_EVENT: u32, enum ito_flow_event (events only)
 * @ITO_A_FLOW_END_REASON: u32, enum ito_end_reason (end events only)
 * @ITO_A_FLOW_OFFLOAD_PKTS, @ITO_A_FLOW_OFFLOAD_BYTES: u64, both directions,
 *	forwarded by the fast path, the live session included (also part of
 *	the PKTS_* and BYTES_* counters)
 * @ITO_A_FLOW_PATH: nest, enum ito_a_path; one per direction of an
 *	offloaded flow (flow get only, not dumps or events)
 * @ITO_A_FLOW_VERDICT_BY: u32, enum ito_verdict_by: who gave the verdict
 * @ITO_A_FLOW_APP: NUL-terminated string of at most ITO_APP_NAME_LEN bytes
 *	(the NUL included), the flow's application as the agent named it
 *	(itod: nDPI's name, e.g. "TLS.Google"); optional in a verdict, kept
 *	by the module and reported in flow dumps, gets and events from then
 */
#define ITO_APP_NAME_LEN	16

enum ito_a_flow {
	ITO_A_FLOW_UNSPEC,
	ITO_A_FLOW_ID,
	ITO_A_FLOW_STATE,
	ITO_A_FLOW_VERDICT,
	ITO_A_FLOW_FAMILY,
	ITO_A_FLOW_PROTO,
	ITO_A_FLOW_SADDR,
	ITO_A_FLOW_DADDR,
	ITO_A_FLOW_SPORT,
	ITO_A_FLOW_DPORT,
	ITO_A_FLOW_IIF,
	ITO_A_FLOW_PKTS_ORIG,
	ITO_A_FLOW_BYTES_ORIG,
	ITO_A_FLOW_PKTS_REPLY,
	ITO_A_FLOW_BYTES_REPLY,
	ITO_A_FLOW_AGE_MS,
	ITO_A_FLOW_IDLE_MS,
	ITO_A_FLOW_RATE,
	ITO_A_FLOW_COPIES,
	ITO_A_FLOW_CT_STATE,
	ITO_A_FLOW_EVENT,
	ITO_A_FLOW_END_REASON,
	ITO_A_FLOW_PAD,
	ITO_A_FLOW_OFFLOAD_PKTS,
	ITO_A_FLOW_OFFLOAD_BYTES,
	ITO_A_FLOW_PATH,
	ITO_A_FLOW_VERDICT_BY,
	ITO_A_FLOW_APP,

	__ITO_A_FLOW_MAX,
	ITO_A_FLOW_MAX = __ITO_A_FLOW_MAX - 1
};

enum ito_path_where {
	ITO_PATH_SW,		/* the software cut-through */
	ITO_PATH_HW,		/* a rule in the port device's hardware */
	ITO_PATH_XDP,		/* %ITO_CMD_XDP_SESSION: for the XDP backend */
};

/*
 * One direction of an offloaded flow, as the rule that carries it: what
 * it matches (a packet entering IN_IFINDEX with IN_VLAN and the tuple
 * SADDR/DADDR/SPORT/DPORT, TCP FIN/RST/SYN clear) and what it does (VLAN,
 * MACs, TTL, NAT to the NAT_* values, out of OUT_IFINDEX with OUT_VLAN).
 * IN_IFINDEX and OUT_IFINDEX are the devices the rule lives on: the
 * device below a VLAN port.
 *
 * @ITO_A_PATH_DIR: u8, 0 original, 1 reply
 * @ITO_A_PATH_WHERE: u32, enum ito_path_where
 * @ITO_A_PATH_IN_IFINDEX, @ITO_A_PATH_OUT_IFINDEX: u32
 * @ITO_A_PATH_IN_VLAN, @ITO_A_PATH_OUT_VLAN: u16, 0 untagged
 * @ITO_A_PATH_SADDR, @ITO_A_PATH_DADDR: binary, 4 or 16 bytes
 * @ITO_A_PATH_SPORT, @ITO_A_PATH_DPORT: u16
 * @ITO_A_PATH_NAT_SADDR ... @ITO_A_PATH_NAT_DPORT: the values after NAT,
 *	present only for the fields NAT changes
 * @ITO_A_PATH_ETH_DST, @ITO_A_PATH_ETH_SRC: binary, 6 bytes, as sent;
 *	absent for a vWire direction
 * @ITO_A_PATH_PKTS, @ITO_A_PATH_BYTES: u64, this session's packets and
 *	bytes (from the network header) in this direction so far; for
 *	hardware, as of the last statistics poll (every second)
 * @ITO_A_PATH_VWIRE: u8, 1 for a vWire (bridged) direction: no MAC, TTL
 *	or NAT rewrite, hence no ETH_* attributes
 * @ITO_A_PATH_MTU: u32, the largest packet (from the network header) the
 *	direction may forward; larger ones go to the slow path
 */
enum ito_a_path {
	ITO_A_PATH_UNSPEC,
	ITO_A_PATH_DIR,
	ITO_A_PATH_WHERE,
	ITO_A_PATH_IN_IFINDEX,
	ITO_A_PATH_IN_VLAN,
	ITO_A_PATH_OUT_IFINDEX,
	ITO_A_PATH_OUT_VLAN,
	ITO_A_PATH_SADDR,
	ITO_A_PATH_DADDR,
	ITO_A_PATH_SPORT,
	ITO_A_PATH_DPORT,
	ITO_A_PATH_NAT_SADDR,
	ITO_A_PATH_NAT_DADDR,
	ITO_A_PATH_NAT_SPORT,
	ITO_A_PATH_NAT_DPORT,
	ITO_A_PATH_ETH_DST,
	ITO_A_PATH_ETH_SRC,
	ITO_A_PATH_PKTS,
	ITO_A_PATH_BYTES,
	ITO_A_PATH_PAD,
	ITO_A_PATH_VWIRE,
	ITO_A_PATH_MTU,

	__ITO_A_PATH_MAX,
	ITO_A_PATH_MAX = __ITO_A_PATH_MAX - 1
};

/*
 * A packet copy. ITO_A_PACKET_FLOW carries the flow's tuple attributes
 * (ID, FAMILY, PROTO, addresses, ports, IIF, CT_STATE) as in ITO_A_FLOW.
 *
 * @ITO_A_PACKET_FLOW: nest, enum ito_a_flow
 * @ITO_A_PACKET_DIR: u8, 0 original, 1 reply
 * @ITO_A_PACKET_IFINDEX: u32, the port this packet entered by
 * @ITO_A_PACKET_SEQ: u32, 1 for the flow's first packet copied, then 2...
 * @ITO_A_PACKET_LEN: u32, the packet's length from the network header
 * @ITO_A_PACKET_DATA: binary, the first snaplen bytes from the network
 *	header; a little under 64 KiB at most, as ITO_A_PACKET's length is
 *	16 bits (LEN still says the packet's)
 */
enum ito_a_packet {
	ITO_A_PACKET_UNSPEC,
	ITO_A_PACKET_FLOW,
	ITO_A_PACKET_DIR,
	ITO_A_PACKET_IFINDEX,
	ITO_A_PACKET_SEQ,
	ITO_A_PACKET_LEN,
	ITO_A_PACKET_DATA,

	__ITO_A_PACKET_MAX,
	ITO_A_PACKET_MAX = __ITO_A_PACKET_MAX - 1
};

/*
 * A source NAT pool with persistent bindings (DIPP). A new connection
 * leaving by @ITO_A_NAT_POOL_OIF (or any port if 0) from an address in the
 * private prefix, TCP or UDP, tracked by ito, gets its source translated
 * to the binding of its private address and port: made on first use from
 * the public addresses and ports, kept while connections use it and for
 * @ITO_A_NAT_POOL_HOLD seconds after the last one ends. Every destination
 * sees the same public address and port (endpoint-independent mapping);
 * only replies of connections come in (no endpoint-independent filtering).
 * IPv4 only. The translation is conntrack's: the pool acts at the NAT
 * hook of postrouting, ahead of the ruleset's source NAT, which sees the
 * connections a pool leaves (exhausted, not tracked).
 *
 * @ITO_A_NAT_POOL_ID: u32, 1 or more: chosen by the adder
 * @ITO_A_NAT_POOL_PRIVATE: binary, 4 bytes: the private prefix's address
 * @ITO_A_NAT_POOL_PRIVATE_LEN: u8, its length [0, 32]
 * @ITO_A_NAT_POOL_OIF: u32, the egress port's ifindex, 0 for any
 * @ITO_A_NAT_POOL_PUBLIC_MIN: binary, 4 bytes: first public address
 * @ITO_A_NAT_POOL_PUBLIC_MAX: binary, 4 bytes: last one (MIN if absent)
 * @ITO_A_NAT_POOL_PORT_MIN: u16, first public port [1, 65535]; 1024 if
 *	absent
 * @ITO_A_NAT_POOL_PORT_MAX: u16, last one; 65535 if absent
 * @ITO_A_NAT_POOL_HOLD: u32, seconds a binding outlives its last
 *	connection [0, 86400]; 120 if absent
 * @ITO_A_NAT_POOL_BINDINGS: u32 (replies): bindings now
 * @ITO_A_NAT_POOL_SLOTS: u32 (replies): public address and port pairs
 *	per protocol (room for that many bindings of TCP, and of UDP)
 * @ITO_A_NAT_POOL_EXHAUSTED: u64 (replies): connections refused for
 *	want of a free pair
 */
enum ito_a_nat_pool {
	ITO_A_NAT_POOL_UNSPEC,
	ITO_A_NAT_POOL_ID,
	ITO_A_NAT_POOL_PRIVATE,
	ITO_A_NAT_POOL_PRIVATE_LEN,
	ITO_A_NAT_POOL_OIF,
	ITO_A_NAT_POOL_PUBLIC_MIN,
	ITO_A_NAT_POOL_PUBLIC_MAX,
	ITO_A_NAT_POOL_PORT_MIN,
	ITO_A_NAT_POOL_PORT_MAX,
	ITO_A_NAT_POOL_HOLD,
	ITO_A_NAT_POOL_BINDINGS,
	ITO_A_NAT_POOL_SLOTS,
	ITO_A_NAT_POOL_EXHAUSTED,
	ITO_A_NAT_POOL_PAD,

	__ITO_A_NAT_POOL_MAX,
	ITO_A_NAT_POOL_MAX = __ITO_A_NAT_POOL_MAX - 1
};

/*
 * One binding of a pool: a private address and port of one protocol and
 * the public pair it is translated to. Addresses 4 bytes, network order;
 * ports host order.
 *
 * @ITO_A_NAT_BINDING_POOL: u32, the pool's id
 * @ITO_A_NAT_BINDING_PROTO: u8, IPPROTO_TCP or IPPROTO_UDP
 * @ITO_A_NAT_BINDING_PRIVATE, @ITO_A_NAT_BINDING_PRIVATE_PORT: binary, u16
 * @ITO_A_NAT_BINDING_PUBLIC, @ITO_A_NAT_BINDING_PUBLIC_PORT: binary, u16
 * @ITO_A_NAT_BINDING_SESSIONS: u32, connections using it now
 * @ITO_A_NAT_BINDING_IDLE_MS: u64, since its last connection ended (0
 *	while it has some)
 * @ITO_A_NAT_BINDING_TOTAL: u64, connections it has translated
 */
enum ito_a_nat_binding {
	ITO_A_NAT_BINDING_UNSPEC,
	ITO_A_NAT_BINDING_POOL,
	ITO_A_NAT_BINDING_PROTO,
	ITO_A_NAT_BINDING_PRIVATE,
	ITO_A_NAT_BINDING_PRIVATE_PORT,
	ITO_A_NAT_BINDING_PUBLIC,
	ITO_A_NAT_BINDING_PUBLIC_PORT,
	ITO_A_NAT_BINDING_SESSIONS,
	ITO_A_NAT_BINDING_IDLE_MS,
	ITO_A_NAT_BINDING_TOTAL,
	ITO_A_NAT_BINDING_PAD,

	__ITO_A_NAT_BINDING_MAX,
	ITO_A_NAT_BINDING_MAX = __ITO_A_NAT_BINDING_MAX - 1
};

/*
 * One session direction's counts in an %ITO_CMD_XDP_REPORT, or in its
 * reply a session the kernel no longer has (ID only).
 *
 * @ITO_A_XDP_STAT_ID: u64, the flow's id
 * @ITO_A_XDP_STAT_DIR: u8, 0 original, 1 reply
 * @ITO_A_XDP_STAT_PKTS, @ITO_A_XDP_STAT_BYTES: u64, forwarded since the
 *	last report; bytes from the network header, as ito counts
 */
enum ito_a_xdp_stat {
	ITO_A_XDP_STAT_UNSPEC,
	ITO_A_XDP_STAT_ID,
	ITO_A_XDP_STAT_DIR,
	ITO_A_XDP_STAT_PKTS,
	ITO_A_XDP_STAT_BYTES,
	ITO_A_XDP_STAT_PAD,

	__ITO_A_XDP_STAT_MAX,
	ITO_A_XDP_STAT_MAX = __ITO_A_XDP_STAT_MAX - 1
};

#endif /* _UAPI_LINUX_ITO_H */
