/* SPDX-License-Identifier: GPL-2.0 */
/* Tracked flows: "itoctl flow show | get | del | flush | verdict". */
#ifndef ITOCTL_FLOW_H
#define ITOCTL_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "flowfilter.h"
#include "ito_nl.h"
#include "path.h"
#include "print.h"

_Static_assert(ITO_A_FLOW_MAX < 32, "struct ito_flow.present is too small");

/* One path per direction. */
#define FLOW_MAX_PATHS	2

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
	/* ITO_A_FLOW_PATH, in the order received: flow get of an offloaded flow */
	unsigned int n_paths;
	struct ito_path path[FLOW_MAX_PATHS];
};

static inline bool flow_has(const struct ito_flow *flow, unsigned int attr)
{
	return flow->present & (1u << attr);
}

enum flow_op {
	FLOW_SHOW,
	FLOW_GET,
	FLOW_DEL,
	FLOW_FLUSH,
	FLOW_VERDICT,
};

struct flow_args {
	enum flow_op op;
	uint64_t id;		/* get, del, verdict */
	uint32_t verdict;	/* verdict */
	uint32_t state;		/* show, if has_state: the kernel filters */
	bool has_state;
	struct flow_filter filter;	/* show: we filter the dump */
};

/* The words after "flow"; EXIT_OK or EXIT_USAGE with the reason printed. */
int flow_parse_args(int argc, char **argv, struct flow_args *args);

/*
 * The request of @args into @buf: FLOW_GET by ITO_A_FLOW_ID or, for
 * "show", as a dump (filtered by ITO_A_FLOW_STATE if given); FLOW_DEL and
 * FLOW_VERDICT with an ITO_A_FLOW nest; FLOW_FLUSH bare.
 */
struct nlmsghdr *flow_build_request(void *buf, uint16_t family_id,
				    const struct flow_args *args);

/*
 * Parse one ITO_A_FLOW nest. 0 or -EPROTO (also for a malformed path, or
 * more than FLOW_MAX_PATHS); unknown attributes skipped.
 */
int flow_parse_nest(const struct nlattr *nest, struct ito_flow *flow);

/*
 * Run @fn on each ITO_A_FLOW of a FLOW_GET reply or FLOW_NTF event.
 * Returns 0, -EPROTO (malformed, no flow) or what @fn returned if not 0.
 */
int flow_parse_reply(const struct nlmsghdr *nlh,
		     int (*fn)(const struct ito_flow *flow, void *data),
		     void *data);

/*
 * A flow on one text line ("id 12 tcp 10.0.1.2:40000 -> 10.0.2.2:5201 iif
 * veth1 state slowpath verdict inspect by agent ... copies 8"), or a JSON
 * object; only the fields present.
 */
void flow_print_line(struct printer *p, const struct ito_flow *flow);
/*
 * "flow get": "label : value" lines in text, then each path (path_print());
 * in JSON the object of "show" with a "paths" array when there are paths.
 */
void flow_print_detail(struct printer *p, const struct ito_flow *flow);
/* "flow show": its printer, and the flows it prints. */
struct flow_show {
	struct printer p;
	const struct flow_filter *filter;
};

/*
 * The mnl callback of a "flow show" dump (@data a struct flow_show): each
 * flow that matches the filter, flow_print_line(). MNL_CB_OK, or
 * MNL_CB_ERROR with errno EPROTO for a malformed reply.
 */
int flow_show_reply_cb(const struct nlmsghdr *nlh, void *data);

/*
 * A FLOW_NTF event: "EVENT " then the line, and "reason" of an end;
 * "[@timestamp] " first unless it is NULL.
 */
void flow_print_event(struct printer *p, const struct ito_flow *flow,
		      const char *timestamp);

#endif /* ITOCTL_FLOW_H */
