/* SPDX-License-Identifier: GPL-2.0 */
/* Tracked flows: "itoctl flow show | get | del | flush | verdict". */
#ifndef ITOCTL_FLOW_H
#define ITOCTL_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "flowfilter.h"
#include "ito_flow.h"
#include "ito_nl.h"
#include "path.h"
#include "print.h"

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
