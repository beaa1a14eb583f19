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

/**
 * enum ito_cmd - generic netlink commands of the "ito" family
 * @ITO_CMD_CONFIG_GET: reply carries %ITO_A_CONFIG with every knob
 * @ITO_CMD_CONFIG_SET: request carries %ITO_A_CONFIG with the knobs to
 *	change; all are checked before any is applied (all or nothing)
 * @ITO_CMD_COUNTERS_GET: reply carries %ITO_A_COUNTERS
 */
enum ito_cmd {
	ITO_CMD_UNSPEC,
	ITO_CMD_CONFIG_GET,
	ITO_CMD_CONFIG_SET,
	ITO_CMD_COUNTERS_GET,

	__ITO_CMD_MAX,
	ITO_CMD_MAX = __ITO_CMD_MAX - 1
};

/* Top-level attributes. */
enum ito_a {
	ITO_A_UNSPEC,
	ITO_A_CONFIG,		/* nest, enum ito_a_config */
	ITO_A_COUNTERS,		/* nest of ITO_A_COUNTERS_ENTRY */

	__ITO_A_MAX,
	ITO_A_MAX = __ITO_A_MAX - 1
};

/*
 * Configuration knobs, all u32. The kernel rejects a value outside the
 * range below with an extended ack naming the knob and its range.
 *
 * @ITO_A_CONFIG_ENABLED: 1 offloads new flows, 0 stops new offloads [0, 1]
 * @ITO_A_CONFIG_MIN_PKTS: packets a flow shows the agent before it may be
 *	offloaded [1, 1024]
 * @ITO_A_CONFIG_MIN_RATE: packets/s a flow must reach during inspection to
 *	be offloaded; 0 disables the check [0, 10000000]
 * @ITO_A_CONFIG_TCP_AGEING: seconds an offloaded TCP flow may idle [1, 86400]
 * @ITO_A_CONFIG_UDP_AGEING: seconds an offloaded UDP flow may idle [1, 86400]
 * @ITO_A_CONFIG_MAX_SESSIONS: offloaded sessions at most [1, 4000000]
 * @ITO_A_CONFIG_MAX_UPDATE_RATE: session installs plus removals per second
 *	at most [1, 1000000]
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

	__ITO_A_CONFIG_MAX,
	ITO_A_CONFIG_MAX = __ITO_A_CONFIG_MAX - 1
};

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
 * set keeps the names operators know from other offload products;
 * ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION is a gauge, the others only grow.
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
	ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION,
	ITO_CNT_FLOW_OFFLOAD_AGED_SESSION,
	ITO_CNT_FLOW_OFFLOAD_SESSION,

	__ITO_CNT_MAX
};

#endif /* _UAPI_LINUX_ITO_H */
