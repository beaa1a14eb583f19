// SPDX-License-Identifier: GPL-2.0
/* Words for the values of ito's enums, as the CLI spells them. */
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include <linux/ito.h>

#include "names.h"

const struct choice verdict_names[] = {
	{ "none",		ITO_VERDICT_NONE },
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "inspect-all",	ITO_VERDICT_INSPECT_ALL },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

const struct choice flow_verdict_choices[] = {
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "inspect-all",	ITO_VERDICT_INSPECT_ALL },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

/* The knob's range is [OFFLOAD, BLOCK]: inspect-all is no default. */
const struct choice default_verdict_choices[] = {
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

const struct choice ha_role_names[] = {
	{ "active",		ITO_HA_ROLE_ACTIVE },
	{ "passive",		ITO_HA_ROLE_PASSIVE },
	{ NULL, 0 }
};

/* The bits of the verdict-source knob, in the order they are shown. */
const struct choice verdict_source_names[] = {
	{ "agent",		ITO_VERDICT_SOURCE_AGENT },
	{ "ctmark",		ITO_VERDICT_SOURCE_CTMARK },
	{ "ctlabel",		ITO_VERDICT_SOURCE_CTLABEL },
	{ NULL, 0 }
};

const struct choice verdict_by_names[] = {
	{ "none",		ITO_VERDICT_BY_NONE },
	{ "agent",		ITO_VERDICT_BY_AGENT },
	{ "default",		ITO_VERDICT_BY_DEFAULT },
	{ "ctmark",		ITO_VERDICT_BY_CTMARK },
	{ "ctlabel",		ITO_VERDICT_BY_CTLABEL },
	{ NULL, 0 }
};

const struct choice flow_state_names[] = {
	{ "inspecting",		ITO_FLOW_STATE_INSPECTING },
	{ "slowpath",		ITO_FLOW_STATE_SLOWPATH },
	{ "blocked",		ITO_FLOW_STATE_BLOCKED },
	{ "offload-pending",	ITO_FLOW_STATE_OFFLOAD_PENDING },
	{ "offloaded",		ITO_FLOW_STATE_OFFLOADED },
	{ NULL, 0 }
};

const struct choice port_mode_names[] = {
	{ "l3",			ITO_PORT_MODE_L3 },
	{ "vwire",		ITO_PORT_MODE_VWIRE },
	{ NULL, 0 }
};

const struct choice port_offload_names[] = {
	{ "auto",		ITO_PORT_OFFLOAD_AUTO },
	{ "sw",			ITO_PORT_OFFLOAD_SW },
	{ "hw",			ITO_PORT_OFFLOAD_HW },
	{ NULL, 0 }
};

/* ITO_A_PATH_DIR, as ITO_A_PACKET_DIR: conntrack's directions. */
const struct choice path_dir_names[] = {
	{ "original",		0 },
	{ "reply",		1 },
	{ NULL, 0 }
};

const struct choice path_where_names[] = {
	{ "sw",			ITO_PATH_SW },
	{ "hw",			ITO_PATH_HW },
	{ NULL, 0 }
};

const struct choice flow_event_names[] = {
	{ "new",		ITO_FLOW_EVENT_NEW },
	{ "verdict",		ITO_FLOW_EVENT_VERDICT },
	{ "end",		ITO_FLOW_EVENT_END },
	{ NULL, 0 }
};

const struct choice end_reason_names[] = {
	{ "fin",		ITO_END_REASON_FIN },
	{ "rst",		ITO_END_REASON_RST },
	{ "timeout",		ITO_END_REASON_TIMEOUT },
	{ "port-removed",	ITO_END_REASON_PORT_REMOVED },
	{ "flushed",		ITO_END_REASON_FLUSHED },
	{ "deleted",		ITO_END_REASON_DELETED },
	{ "aged",		ITO_END_REASON_AGED },
	{ NULL, 0 }
};

/* enum tcp_conntrack (linux/netfilter/nf_conntrack_tcp.h), conntrack's words. */
const struct choice ct_state_names[] = {
	{ "none",		0 },
	{ "syn-sent",		1 },
	{ "syn-recv",		2 },
	{ "established",	3 },
	{ "fin-wait",		4 },
	{ "close-wait",		5 },
	{ "last-ack",		6 },
	{ "time-wait",		7 },
	{ "close",		8 },
	{ "syn-sent2",		9 },
	{ NULL, 0 }
};

const struct choice proto_names[] = {
	{ "icmp",		IPPROTO_ICMP },
	{ "tcp",		IPPROTO_TCP },
	{ "udp",		IPPROTO_UDP },
	{ "dccp",		IPPROTO_DCCP },
	{ "gre",		IPPROTO_GRE },
	{ "esp",		IPPROTO_ESP },
	{ "icmpv6",		IPPROTO_ICMPV6 },
	{ "sctp",		IPPROTO_SCTP },
	{ "udplite",		IPPROTO_UDPLITE },
	{ NULL, 0 }
};

const struct choice family_names[] = {
	{ "inet",		AF_INET },
	{ "inet6",		AF_INET6 },
	{ NULL, 0 }
};
