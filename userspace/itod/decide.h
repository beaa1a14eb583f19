/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decide - turn packet copies and dumped flows into verdicts: match the
 * policy, remember the decision in the flow table (later copies of a
 * decided flow are ignored), and log a line per decision (as many as
 * declog.h lets through):
 *
 *   flow ID PROTO SRC:SPORT -> DST:DPORT iif IFNAME: VERDICT (rule N|default)
 *
 * When the policy has application matches, " app APP" follows IFNAME for
 * classified flows (nDPI's name, "TLS.Google"), then " sni NAME" or
 * " host NAME" when one was found.
 *
 * IPv6 addresses are written in brackets: [2001:db8::1]:443.
 */
#ifndef ITOD_DECIDE_H
#define ITOD_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "declog.h"
#include "flowtab.h"
#include "message.h"
#include "policy.h"

/* Seconds without a copy after which a decided flow is forgotten. */
#define DECIDE_MAX_IDLE		120

struct decide_stats {
	uint64_t copies;	/* packet copies looked at */
	uint64_t decided;	/* verdicts given */
	uint64_t verdicts[ITO_VERDICT_MAX + 1];	/* ... by verdict */
	uint64_t duplicates;	/* copies of flows already decided */
	uint64_t waiting;	/* copies before a rule's "after N" */
	uint64_t untracked;	/* decided but the table was full */
	uint64_t unclassified;	/* decided without the application */
};

struct decider {
	const struct policy *policy;	/* owned by the caller, may change */
	struct flowtab flows;
	struct decide_stats stats;
	struct declog log;
	struct classifier cls;		/* flows waiting for their app */
};

int decide_init(struct decider *d, const struct policy *policy,
		size_t max_flows);
void decide_fini(struct decider *d);

/*
 * A packet copy arrived at @now (monotonic seconds). Returns true with
 * @v filled when a verdict is to be sent.
 */
bool decide_packet(struct decider *d, const struct msg_packet *pkt,
		   uint32_t now, struct ito_flow_verdict *v);

/* The same at @now_ms (monotonic milliseconds): nDPI's packet clock. */
bool decide_packet_at(struct decider *d, const struct msg_packet *pkt,
		      uint64_t now_ms, struct ito_flow_verdict *v);

/*
 * A flow whose classification took longer than the policy's classify-
 * timeout, decided without more copies: true with @v filled, false when
 * none is due. Call until false.
 */
bool decide_timeout(struct decider *d, uint64_t now_ms,
		    struct ito_flow_verdict *v);

/* When decide_timeout() has work next (ms), 0 if never. */
uint64_t decide_next_timeout(const struct decider *d);

/*
 * A flow found by a dump: flows still INSPECTING without a verdict are
 * decided at once from their tuple (their earlier copies went to a
 * previous agent, so "after N" is not waited for).
 */
bool decide_flow(struct decider *d, const struct msg_flow *flow,
		 uint32_t now, struct ito_flow_verdict *v);

/* The flow ended: forget it. */
void decide_forget(struct decider *d, uint64_t flow_id);

/* Housekeeping: drop idle entries. */
void decide_expire(struct decider *d, uint32_t now);

/* The module went away: flow ids start over. */
void decide_reset(struct decider *d);

/* The decision's log line (without the "itod: " prefix) into @buf. */
void decide_format(char *buf, size_t len, uint64_t flow_id,
		   const struct policy_tuple *t, const struct policy_app *app,
		   uint32_t verdict, size_t rule_number);

#endif /* ITOD_DECIDE_H */
