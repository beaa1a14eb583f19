/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paths of an offloaded flow: one ITO_A_FLOW_PATH nest per direction in
 * the reply to a single-flow FLOW_GET, the rule that carries the direction
 * in software or in the port device's hardware.
 */
#ifndef ITOCTL_PATH_H
#define ITOCTL_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/ito.h>

#include "print.h"

_Static_assert(ITO_A_PATH_MAX < 32, "struct ito_path.present is too small");

#define ETH_ADDR_LEN	6

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
	uint8_t eth_dst[ETH_ADDR_LEN];	/* routed only: a vWire has none */
	uint8_t eth_src[ETH_ADDR_LEN];
	uint64_t pkts;
	uint64_t bytes;
	uint8_t vwire;		/* bridged: no MAC, TTL or NAT rewrite */
};

static inline bool path_has(const struct ito_path *path, unsigned int attr)
{
	return path->present & (1u << attr);
}

/*
 * Parse one ITO_A_FLOW_PATH nest: 0, or -EPROTO when an attribute has the
 * wrong type or length (addresses 4 or 16 bytes, all alike; MACs 6) or one
 * the rule needs is missing (all but the VLANs, NAT_* and the counts, and
 * the MACs of a vWire direction). Unknown attributes are skipped.
 */
int path_parse_nest(const struct nlattr *nest, struct ito_path *path);

/*
 * One path of "flow get". Text: "original: hw" (direction: where the rule
 * lives), then, indented by two spaces, the rule as a tc command and
 * "packets N bytes N". JSON: an object (an element of the "paths" array)
 * whose "tc" member holds the same command; a vWire direction's has
 * "vwire": true and no MACs. @proto is the flow's IPPROTO_*.
 */
void path_print(struct printer *p, const struct ito_path *path, uint8_t proto);

#endif /* ITOCTL_PATH_H */
