/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ito_flow - flows and their paths as the kernel describes them (ITO_A_FLOW
 * and ITO_A_FLOW_PATH nests), parsed into structs: one parser for itoctl's
 * listings, itod's dumps and events, and libito's packet copies.
 * Attributes a newer module adds are skipped.
 */
#ifndef ITO_FLOW_H
#define ITO_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/ito.h>

_Static_assert(ITO_A_PATH_MAX < 32, "struct ito_path.present is too small");

#define ITO_ETH_ALEN	6

/* One ITO_A_FLOW_PATH nest; @present has 1 << ITO_A_PATH_* of what it held. */
struct ito_path {
	uint32_t present;
	uint8_t dir;		/* 0 original, 1 reply */
	uint32_t where;		/* enum ito_path_where */
	uint32_t in_ifindex;	/* the device the rule lives on */
	uint32_t out_ifindex;
	uint16_t in_vlan;	/* 0: untagged */
	uint16_t out_vlan;
	uint8_t addr_len;	/* 4 or 16, the same for every address */
	uint8_t saddr[16];	/* network order */
	uint8_t daddr[16];
	uint8_t nat_saddr[16];
	uint8_t nat_daddr[16];
	uint16_t sport;		/* host order */
	uint16_t dport;
	uint16_t nat_sport;
	uint16_t nat_dport;
	uint8_t eth_dst[ITO_ETH_ALEN];	/* routed only: a vWire has none */
	uint8_t eth_src[ITO_ETH_ALEN];
	uint64_t pkts;
	uint64_t bytes;
	uint8_t vwire;		/* bridged: no MAC, TTL or NAT rewrite */
	uint32_t mtu;		/* largest packet from the network header */
};

static inline bool ito_path_has(const struct ito_path *path, unsigned int attr)
{
	return path->present & (1u << attr);
}

/*
 * Parse one ITO_A_FLOW_PATH nest: 0, or -EPROTO when an attribute has the
 * wrong type or length (addresses 4 or 16 bytes, all alike; MACs 6) or one
 * the rule needs is missing (all but the VLANs, NAT_* and the counts, and
 * the MACs of a vWire direction). Unknown attributes are skipped.
 */
int ito_path_parse_nest(const struct nlattr *nest, struct ito_path *path);

_Static_assert(ITO_A_FLOW_MAX < 32, "struct ito_flow.present is too small");

/* One path per direction. */
#define ITO_FLOW_MAX_PATHS	2

/* One ITO_A_FLOW nest; @present has 1 << ITO_A_FLOW_* of what it held. */
struct ito_flow {
	uint32_t present;
	uint64_t id;
	uint32_t state;
	uint32_t verdict;
	uint32_t verdict_by;	/* enum ito_verdict_by: who gave the verdict */
	uint8_t family;
	uint8_t proto;
	uint8_t saddr_len;	/* 4 or 16 */
	uint8_t daddr_len;
	uint8_t saddr[16];	/* network order */
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t iif;
	uint64_t pkts_orig;
	uint64_t bytes_orig;
	uint64_t pkts_reply;
	uint64_t bytes_reply;
	uint64_t age_ms;
	uint64_t idle_ms;
	uint32_t rate;
	uint32_t copies;
	uint32_t ct_state;
	uint32_t event;
	uint32_t end_reason;
	uint64_t offload_pkts;	/* both directions, forwarded while offloaded */
	uint64_t offload_bytes;
	char app[ITO_APP_NAME_LEN];	/* the agent's name for it, "" if none */
	/* ITO_A_FLOW_PATH, in the order received: flow get of an offloaded flow */
	unsigned int n_paths;
	struct ito_path path[ITO_FLOW_MAX_PATHS];
};

static inline bool ito_flow_has(const struct ito_flow *flow, unsigned int attr)
{
	return flow->present & (1u << attr);
}

/*
 * Parse one ITO_A_FLOW nest. 0 or -EPROTO (also for a malformed path, or
 * more than ITO_FLOW_MAX_PATHS); unknown attributes skipped.
 */
int ito_flow_parse_nest(const struct nlattr *nest, struct ito_flow *flow);

/*
 * Run @fn on each ITO_A_FLOW of a FLOW_GET reply or FLOW_NTF event.
 * Returns 0, -EPROTO (malformed, no flow) or what @fn returned if not 0.
 */
int ito_flow_parse_reply(const struct nlmsghdr *nlh,
		     int (*fn)(const struct ito_flow *flow, void *data),
		     void *data);

/*
 * FAMILY (AF_INET or AF_INET6), PROTO and both addresses present: what a
 * packet copy always has, and events may lack (an end carries the id).
 */
bool ito_flow_has_tuple(const struct ito_flow *flow);

#endif /* ITO_FLOW_H */
