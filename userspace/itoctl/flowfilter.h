/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "flow show" filters after conntrack -L: proto, src, dst, sport, dport,
 * iif and verdict, matched in userspace over the dump ("state" is the
 * kernel's own filter, in the request).
 */
#ifndef ITOCTL_FLOWFILTER_H
#define ITOCTL_FLOWFILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

struct ito_flow;

/* @has holds 1 << ITO_A_FLOW_* of each attribute a flow must match. */
struct flow_filter {
	uint32_t has;
	uint8_t proto;
	struct ip_addr src, dst;
	uint8_t src_len, dst_len;	/* prefix lengths, in bits */
	uint16_t sport, dport;
	uint32_t iif;
	uint32_t verdict;
};

/* Whether @word names a filter. */
bool flow_filter_is_keyword(const char *word);

/*
 * Add "@keyword @arg" to @f. EXIT_OK; EXIT_USAGE with the reason printed
 * (a malformed value, a filter given twice); EXIT_FAIL for an "iif" device
 * that does not exist.
 */
int flow_filter_parse(struct flow_filter *f, const char *keyword,
		      const char *arg);

/* Whether @flow has every attribute @f names, each equal (or in prefix). */
bool flow_filter_match(const struct flow_filter *f, const struct ito_flow *flow);

#endif /* ITOCTL_FLOWFILTER_H */
