// SPDX-License-Identifier: GPL-2.0
/*
 * The counters' kinds and descriptions, keyed by enum ito_counter. The
 * descriptions follow Documentation/uapi.rst's "Counters" table, which is
 * the authority on what each one counts.
 */
#include <assert.h>
#include <stddef.h>

#include <linux/ito.h>

#include "counter_info.h"

#define MONOTONIC(text)	{ ITO_COUNTER_MONOTONIC, text }
#define GAUGE(text)	{ ITO_COUNTER_GAUGE, text }

static const struct ito_counter_info infos[] = {
	[ITO_CNT_FLOW_OFFLOAD_RCV_CPU] =
		MONOTONIC("Packets of offloaded flows that reached the slow path anyway."),
	[ITO_CNT_FLOW_OFFLOAD_SESSION_UPDATE] =
		MONOTONIC("Offloaded directions updated in place (new next-hop MAC or route)."),
	[ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT] =
		MONOTONIC("Sessions installed in the fast path."),
	[ITO_CNT_FLOW_OFFLOAD_SESSION_DELETE] =
		MONOTONIC("Sessions removed from the fast path, for any reason."),
	[ITO_CNT_FLOW_OFFLOAD_DELETE_MSG_FAILED] =
		MONOTONIC("Rule removals the device failed."),
	[ITO_CNT_FLOW_OFFLOAD_ADD_MSG_FAILED] =
		MONOTONIC("Rules the device refused, and software installs that failed."),
	[ITO_CNT_FLOW_OFFLOAD_SESSION_VERIFY] =
		MONOTONIC("Statistics queries of rules in hardware."),
	[ITO_CNT_FLOW_OFFLOAD_VERIFY_MSG_FAILED] =
		MONOTONIC("Statistics queries the device failed."),
	[ITO_CNT_FLOW_OFFLOAD_UPDATE_SESSION_STAT] =
		MONOTONIC("Final statistics collected from removed sessions."),
	[ITO_CNT_FLOW_OFFLOAD_MISSING_SESSION_STAT] =
		MONOTONIC("Statistics queries for rules the device no longer knows."),
	[ITO_CNT_FLOW_OFFLOAD_INVALID_SESSION] =
		MONOTONIC("Requests naming a flow id that does not exist."),
	[ITO_CNT_FLOW_OFFLOAD_DEL_SESSION_FAIL] =
		MONOTONIC("Rule removals for rules the device no longer knows."),
	[ITO_CNT_FLOW_OFFLOAD_ADD_SESSION_FAIL] =
		MONOTONIC("Sessions the hardware or the fast path table refused."),
	[ITO_CNT_FLOW_OFFLOAD_GET_SESSION_FAIL] =
		MONOTONIC("Polls of hardware sessions whose rule statistics could not be read."),
	[ITO_CNT_FLOW_OFFLOAD_GRPC_FAIL] =
		MONOTONIC("Failed driver callbacks of any kind."),
	[ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION] =
		GAUGE("Sessions installed in the fast path now."),
	[ITO_CNT_FLOW_OFFLOAD_AGED_SESSION] =
		MONOTONIC("Sessions ended by ageing."),
	[ITO_CNT_FLOW_OFFLOAD_SESSION] =
		MONOTONIC("Flows offloaded."),
	[ITO_CNT_FLOWS_NEW] =
		MONOTONIC("Flows that started being tracked."),
	[ITO_CNT_FLOWS_ACTIVE] =
		GAUGE("Flows tracked now."),
	[ITO_CNT_FLOWS_ENDED] =
		MONOTONIC("Flows that ended, for any reason."),
	[ITO_CNT_FLOWS_UNTRACKED_FULL] =
		MONOTONIC("Packets of new flows not tracked because max_flows was reached."),
	[ITO_CNT_FLOWS_NO_AGENT] =
		MONOTONIC("Flows that started while no agent was registered."),
	[ITO_CNT_COPIES_SENT] =
		MONOTONIC("Packet copies delivered to the agent."),
	[ITO_CNT_COPIES_DROPPED] =
		MONOTONIC("Packet copies lost: no memory, no agent, or its socket full."),
	[ITO_CNT_VERDICT_OFFLOAD] =
		MONOTONIC("Offload verdicts applied."),
	[ITO_CNT_VERDICT_INSPECT] =
		MONOTONIC("Inspect and inspect-all verdicts applied."),
	[ITO_CNT_VERDICT_BLOCK] =
		MONOTONIC("Block verdicts applied."),
	[ITO_CNT_VERDICT_DEFAULT] =
		MONOTONIC("Default verdicts applied by the kernel after the agent left."),
	[ITO_CNT_BLOCKED_PKTS] =
		MONOTONIC("Packets dropped because their flow is blocked."),
	[ITO_CNT_OFFLOAD_REFUSED_TABLE_FULL] =
		MONOTONIC("Admission rounds stopped because max_sessions was reached."),
	[ITO_CNT_OFFLOAD_REFUSED_RATE_LIMIT] =
		MONOTONIC("Admission rounds stopped because the max_update_rate budget was spent."),
	[ITO_CNT_OFFLOAD_REFUSED_NO_NEIGH] =
		MONOTONIC("Admission attempts that found a next hop's MAC unresolved."),
	[ITO_CNT_OFFLOAD_REFUSED_UNSUPPORTED] =
		MONOTONIC("Flows that cannot be offloaded (IPv6 NAT, a device not a port)."),
	[ITO_CNT_FASTPATH_PKTS] =
		MONOTONIC("Packets forwarded by the fast path."),
	[ITO_CNT_FASTPATH_TEARDOWN_FIN_RST] =
		MONOTONIC("Sessions handed back to conntrack at a TCP FIN or RST."),
	[ITO_CNT_HW_SESSION_INSERT] =
		MONOTONIC("Sessions whose two rules the hardware took."),
	[ITO_CNT_HW_ACTIVE_SESSION] =
		GAUGE("Sessions in hardware now."),
	[ITO_CNT_HW_FALLBACK_SW] =
		MONOTONIC("Sessions the hardware refused that run in software instead."),
	[ITO_CNT_HW_PROMOTED] =
		MONOTONIC("Software sessions later moved to the hardware."),
	[ITO_CNT_OFFLOAD_REFUSED_CLAIMED] =
		MONOTONIC("Flows whose conntrack entry another offloader had claimed."),
	[ITO_CNT_UPDATE_DEFERRED_RATE_LIMIT] =
		MONOTONIC("Rounds of route or next-hop updates put off: budget spent."),
	[ITO_CNT_VERDICT_CONNTRACK] =
		MONOTONIC("Verdicts taken from conntrack (mark or labels) and applied."),
	[ITO_CNT_VERDICT_OVERRULED] =
		MONOTONIC("Agent verdicts not applied: conntrack's verdict took precedence."),
	[ITO_CNT_VERDICT_REVOKED] =
		MONOTONIC("Flows whose conntrack verdict went away."),
	[ITO_CNT_CTLABEL_MISSING] =
		MONOTONIC("Decisions not written back: the entry has no label extension."),
	[ITO_CNT_CTVERDICT_QUEUE_FULL] =
		MONOTONIC("Conntrack verdict changes left to the GC's sweep: queue full."),
	[ITO_CNT_HA_COPIES_HELD] =
		MONOTONIC("Copies not sent to the agent: passive, or just turned active."),
	[ITO_CNT_GC_LOOKS] =
		MONOTONIC("Flows the garbage collector looked at."),
	[ITO_CNT_FASTPATH_TEARDOWN_DELETED] =
		MONOTONIC("Software sessions handed back: their conntrack entry was deleted."),
	[ITO_CNT_FLOWS_UNTRACKED_MOVING] =
		MONOTONIC("New flows not tracked yet: the flows table was being replaced."),
	[ITO_CNT_NAT_BINDINGS_NEW] =
		MONOTONIC("Source NAT bindings made."),
	[ITO_CNT_NAT_BINDINGS_ACTIVE] =
		GAUGE("Source NAT bindings now, all pools together."),
	[ITO_CNT_NAT_BINDINGS_EXPIRED] =
		MONOTONIC("Source NAT bindings freed after their pool's hold time."),
	[ITO_CNT_NAT_SESSIONS] =
		MONOTONIC("New connections translated by a source NAT binding."),
	[ITO_CNT_NAT_POOL_EXHAUSTED] =
		MONOTONIC("New connections a full pool left to the ruleset's NAT."),
	[ITO_CNT_NAT_UNTRACKED] =
		MONOTONIC("New connections a pool matched but ito does not track."),
	[ITO_CNT_XDP_ANNOUNCED] =
		MONOTONIC("Sessions sent to the XDP backend."),
	[ITO_CNT_XDP_ANNOUNCE_FAILED] =
		MONOTONIC("Sessions not sent to the XDP backend for want of memory."),
	[ITO_CNT_XDP_PKTS] =
		MONOTONIC("Packets the XDP backend reported forwarded."),
	[ITO_CNT_XDP_STALE] =
		MONOTONIC("Sessions the XDP backend reported that the kernel no longer has."),
};

/*
 * A counter added to enum ito_counter needs its line above (the unit test
 * finds holes; this finds a table that stops short of the enum's end).
 */
static_assert(sizeof(infos) / sizeof(infos[0]) == __ITO_CNT_MAX,
	      "enum ito_counter has a counter without a description here");

const struct ito_counter_info *ito_counter_info(uint32_t id)
{
	if (id >= sizeof(infos) / sizeof(infos[0]) || !infos[id].help)
		return NULL;
	return &infos[id];
}
