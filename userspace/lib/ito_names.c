// SPDX-License-Identifier: GPL-2.0
/* Words for the values of ito's enums, as the CLI and itod.conf spell them. */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ito.h>

#include "ito_names.h"
#include "libito.h"

const struct ito_name ito_verdict_names[] = {
	{ "none",		ITO_VERDICT_NONE },
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "inspect-all",	ITO_VERDICT_INSPECT_ALL },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

const struct ito_name ito_agent_verdict_names[] = {
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "inspect-all",	ITO_VERDICT_INSPECT_ALL },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

/* The knob's range is [OFFLOAD, BLOCK]: inspect-all is no default. */
const struct ito_name ito_default_verdict_names[] = {
	{ "offload",		ITO_VERDICT_OFFLOAD },
	{ "inspect",		ITO_VERDICT_INSPECT },
	{ "block",		ITO_VERDICT_BLOCK },
	{ NULL, 0 }
};

const struct ito_name ito_ha_role_names[] = {
	{ "active",		ITO_HA_ROLE_ACTIVE },
	{ "passive",		ITO_HA_ROLE_PASSIVE },
	{ NULL, 0 }
};

/* The bits of the verdict-source knob, in the order they are shown. */
const struct ito_name ito_verdict_source_names[] = {
	{ "agent",		ITO_VERDICT_SOURCE_AGENT },
	{ "ctmark",		ITO_VERDICT_SOURCE_CTMARK },
	{ "ctlabel",		ITO_VERDICT_SOURCE_CTLABEL },
	{ NULL, 0 }
};

const struct ito_name ito_verdict_by_names[] = {
	{ "none",		ITO_VERDICT_BY_NONE },
	{ "agent",		ITO_VERDICT_BY_AGENT },
	{ "default",		ITO_VERDICT_BY_DEFAULT },
	{ "ctmark",		ITO_VERDICT_BY_CTMARK },
	{ "ctlabel",		ITO_VERDICT_BY_CTLABEL },
	{ NULL, 0 }
};

const struct ito_name ito_flow_state_names[] = {
	{ "inspecting",		ITO_FLOW_STATE_INSPECTING },
	{ "slowpath",		ITO_FLOW_STATE_SLOWPATH },
	{ "blocked",		ITO_FLOW_STATE_BLOCKED },
	{ "offload-pending",	ITO_FLOW_STATE_OFFLOAD_PENDING },
	{ "offloaded",		ITO_FLOW_STATE_OFFLOADED },
	{ NULL, 0 }
};

const struct ito_name ito_port_mode_names[] = {
	{ "l3",			ITO_PORT_MODE_L3 },
	{ "vwire",		ITO_PORT_MODE_VWIRE },
	{ NULL, 0 }
};

const struct ito_name ito_port_offload_names[] = {
	{ "auto",		ITO_PORT_OFFLOAD_AUTO },
	{ "sw",			ITO_PORT_OFFLOAD_SW },
	{ "hw",			ITO_PORT_OFFLOAD_HW },
	{ "xdp",		ITO_PORT_OFFLOAD_XDP },
	{ NULL, 0 }
};

/* ITO_A_PATH_DIR, as ITO_A_PACKET_DIR: conntrack's directions. */
const struct ito_name ito_dir_names[] = {
	{ "original",		0 },
	{ "reply",		1 },
	{ NULL, 0 }
};

const struct ito_name ito_path_where_names[] = {
	{ "sw",			ITO_PATH_SW },
	{ "hw",			ITO_PATH_HW },
	{ "xdp",		ITO_PATH_XDP },
	{ NULL, 0 }
};

const struct ito_name ito_flow_event_names[] = {
	{ "new",		ITO_FLOW_EVENT_NEW },
	{ "verdict",		ITO_FLOW_EVENT_VERDICT },
	{ "end",		ITO_FLOW_EVENT_END },
	{ "offloaded",		ITO_FLOW_EVENT_OFFLOADED },
	{ NULL, 0 }
};

const struct ito_name ito_end_reason_names[] = {
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
const struct ito_name ito_ct_state_names[] = {
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

const struct ito_name ito_proto_names[] = {
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

const struct ito_name ito_family_names[] = {
	{ "inet",		AF_INET },
	{ "inet6",		AF_INET6 },
	{ NULL, 0 }
};

const char *ito_name_word(const struct ito_name *names, uint32_t value)
{
	const struct ito_name *n;

	for (n = names; n->word; n++)
		if (n->value == value)
			return n->word;
	return NULL;
}

bool ito_name_value(const struct ito_name *names, const char *word,
		    uint32_t *value)
{
	const struct ito_name *n;

	for (n = names; n->word; n++) {
		if (!strcmp(word, n->word)) {
			*value = n->value;
			return true;
		}
	}
	return false;
}

/* The public lookups: "?" rather than NULL, so they go straight to printf. */
static const char *name_or_unknown(const struct ito_name *names, uint32_t value)
{
	const char *word = ito_name_word(names, value);

	return word ? word : "?";
}

const char *ito_verdict_name(uint32_t verdict)
{
	return name_or_unknown(ito_verdict_names, verdict);
}

const char *ito_flow_state_name(uint32_t state)
{
	return name_or_unknown(ito_flow_state_names, state);
}

const char *ito_flow_event_name(uint32_t event)
{
	return name_or_unknown(ito_flow_event_names, event);
}

const char *ito_end_reason_name(uint32_t reason)
{
	return name_or_unknown(ito_end_reason_names, reason);
}

const char *ito_proto_name(uint8_t proto, char *buf, size_t len)
{
	const char *word = ito_name_word(ito_proto_names, proto);

	if (word)
		return word;
	snprintf(buf, len, "%u", proto);
	return buf;
}

int ito_verdict_parse(const char *word, uint32_t *verdict)
{
	return ito_name_value(ito_agent_verdict_names, word, verdict) ?
	       0 : -EINVAL;
}
