// SPDX-License-Identifier: GPL-2.0
/*
 * ito - per-instance counters. Bumped on any cpu without shared cache
 * lines; summed only when userspace reads them.
 */
#include <linux/percpu.h>

#include "ito.h"

static const char *const ito_counter_names[__ITO_CNT_MAX] = {
	[ITO_CNT_FLOW_OFFLOAD_RCV_CPU]		= "flow_offload_rcv_cpu",
	[ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE]	= "flow_offload_session_update",
	[ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT]	= "flow_offload_session_insert",
	[ITO_CNT_FLOW_OFFLOAD_SESSION_DELETE]	= "flow_offload_session_delete",
	[ITO_CNT_FLOW_OFFLOAD_DELETE_MSG_FAILED] = "flow_offload_delete_msg_failed",
	[ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED]	= "flow_offload_add_msg_failed",
	[ITO_CNT_FLOW_OFFLOAD_SESSION_VERIFY]	= "flow_offload_session_verify",
	[ITO_CNT_FLOW_OFFLOAD_VERIFY_MSG_FAILED] = "flow_offload_verify_msg_failed",
	[ITO_CNT_FLOW_OFFLOAD_UPDATE_SESSION_STAT] = "flow_offload_update_session_stat",
	[ITO_CNT_FLOW_OFFLOAD_MISSING_SESSION_STAT] = "flow_offload_missing_session_stat",
	[ITO_CNT_FLOW_OFFLOAD_INVALID_SESSION]	= "flow_offload_invalid_session",
	[ITO_CNT_FLOW_OFFLOAD_DEL_SESSION_FAIL]	= "flow_offload_del_session_fail",
	[ITO_CNT_FLOW_OFFLOAD_ADD_SESSION_FAIL]	= "flow_offload_add_session_fail",
	[ITO_CNT_FLOW_OFFLOAD_GET_SESSION_FAIL]	= "flow_offload_get_session_fail",
	[ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL]	= "flow_offload_grpc_fail",
	[ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION]	= "flow_offload_active_session",
	[ITO_CNT_FLOW_OFFLOAD_AGED_SESSION]	= "flow_offload_aged_session",
	[ITO_CNT_FLOW_OFFLOAD_SESSION]		= "flow_offload_session",
	[ITO_CNT_FLOWS_NEW]			= "flows_new",
	[ITO_CNT_FLOWS_ACTIVE]			= "flows_active",
	[ITO_CNT_FLOWS_ENDED]			= "flows_ended",
	[ITO_CNT_FLOWS_UNTRACKED_FULL]		= "flows_untracked_full",
	[ITO_CNT_FLOWS_NO_AGENT]		= "flows_no_agent",
	[ITO_CNT_COPIES_SENT]			= "copies_sent",
	[ITO_CNT_COPIES_DROPPED]		= "copies_dropped",
	[ITO_CNT_VERDICT_OFFLOAD]		= "verdict_offload",
	[ITO_CNT_VERDICT_INSPECT]		= "verdict_inspect",
	[ITO_CNT_VERDICT_BLOCK]			= "verdict_block",
	[ITO_CNT_VERDICT_DEFAULT]		= "verdict_default",
	[ITO_CNT_BLOCKED_PKTS]			= "blocked_pkts",
	[ITO_CNT_OFFLOAD_REFUSED_TABLE_FULL]	= "offload_refused_table_full",
	[ITO_CNT_OFFLOAD_REFUSED_RATE_LIMIT]	= "offload_refused_rate_limit",
	[ITO_CNT_OFFLOAD_REFUSED_NO_NEIGH]	= "offload_refused_no_neigh",
	[ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED]	= "offload_refused_unsupported",
	[ITO_CNT_FASTPATH_PKTS]			= "fastpath_pkts",
	[ITO_CNT_FASTPATH_TEARDOWN_FIN_RST]	= "fastpath_teardown_fin_rst",
	[ITO_CNT_HW_SESSION_INSERT]		= "hw_session_insert",
	[ITO_CNT_HW_ACTIVE_SESSION]		= "hw_active_session",
	[ITO_CNT_HW_FALLBACK_SW]		= "hw_fallback_sw",
	[ITO_CNT_HW_PROMOTED]			= "hw_promoted",
	[ITO_CNT_OFFLOAD_REFUSED_CLAIMED]	= "offload_refused_claimed",
	[ITO_CNT_UPDATE_DEFERRED_RATE_LIMIT]	= "update_deferred_rate_limit",
	[ITO_CNT_VERDICT_CONNTRACK]		= "verdict_conntrack",
	[ITO_CNT_VERDICT_OVERRULED]		= "verdict_overruled",
	[ITO_CNT_VERDICT_REVOKED]		= "verdict_revoked",
	[ITO_CNT_CTLABEL_MISSING]		= "ctlabel_missing",
	[ITO_CNT_CTVERDICT_QUEUE_FULL]		= "ctverdict_queue_full",
	[ITO_CNT_HA_COPIES_HELD]		= "ha_copies_held",
	[ITO_CNT_GC_LOOKS]			= "gc_looks",
	[ITO_CNT_FASTPATH_TEARDOWN_DELETED]	= "fastpath_teardown_deleted",
	[ITO_CNT_FLOWS_UNTRACKED_MOVING]	= "flows_untracked_moving",
	[ITO_CNT_NAT_BINDINGS_NEW]	= "nat_bindings_new",
	[ITO_CNT_NAT_BINDINGS_ACTIVE]	= "nat_bindings_active",
	[ITO_CNT_NAT_BINDINGS_EXPIRED]	= "nat_bindings_expired",
	[ITO_CNT_NAT_SESSIONS]		= "nat_sessions",
	[ITO_CNT_NAT_POOL_EXHAUSTED]	= "nat_pool_exhausted",
	[ITO_CNT_NAT_UNTRACKED]		= "nat_untracked",
	[ITO_CNT_XDP_ANNOUNCED]		= "xdp_announced",
	[ITO_CNT_XDP_ANNOUNCE_FAILED]	= "xdp_announce_failed",
	[ITO_CNT_XDP_PKTS]		= "xdp_pkts",
	[ITO_CNT_XDP_STALE]		= "xdp_stale",
};

/* Charged to whoever creates the namespace (process context). */
int ito_counters_init(struct ito_net *in)
{
	in->counters = alloc_percpu_gfp(struct ito_counters, GFP_KERNEL_ACCOUNT);
	return in->counters ? 0 : -ENOMEM;
}

void ito_counters_uninit(struct ito_net *in)
{
	free_percpu(in->counters);
	in->counters = NULL;
}

const char *ito_counter_name(enum ito_counter id)
{
	return ito_counter_names[id];
}

/*
 * Gauges are incremented on one cpu and decremented on another: the
 * per-cpu parts may wrap, their sum does not.
 */
u64 ito_counter_read(const struct ito_net *in, enum ito_counter id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(in->counters, cpu)->val[id]);
	return sum;
}
