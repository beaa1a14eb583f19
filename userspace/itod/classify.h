/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classify - the flows waiting for nDPI to name their application.
 *
 * Each copy of a pending flow (both directions, the kernel's direction
 * flag and the arrival time) goes to nDPI with that flow's state. A flow
 * is classified when nDPI knows its protocol (TLS with its server name,
 * HTTP with its host...), and given up on when it has had "classify-
 * packets" copies, or "classify-timeout" seconds (copies lost), or nDPI
 * has nothing more to try: then nDPI's best effort, usually "Unknown".
 *
 * Pending flows are bounded ("classify-max"): beyond, a new flow is
 * refused and the caller decides without its application. They sit in a
 * list by age, so timeouts cost the flows that time out only. nDPI flow
 * structures are kept for reuse: no allocation per flow in the steady
 * state. Single-threaded. Without nDPI, nothing is ever pending.
 *
 * A copy cut at the module's snaplen claims more bytes than it has, and
 * nDPI would skip it: it gets a copy whose IP length says what is there,
 * so that what comes first (a request line, a Host header) still counts.
 */
#ifndef ITOD_CLASSIFY_H
#define ITOD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowtab.h"
#include "policy.h"

struct classify_stats {
	uint64_t started;	/* flows that became pending */
	uint64_t classified;	/* ... whose protocol nDPI found */
	uint64_t gave_up;	/* ... out of copies or nDPI out of ideas */
	uint64_t timed_out;	/* ... out of time */
	uint64_t full;		/* flows refused: classify-max pending */
};

struct classify_flow;

struct classifier {
	struct flowtab index;		/* flow id -> slot number */
	struct classify_flow *slots;
	uint32_t n_slots, n_pending;
	uint32_t free_head;		/* free slots, linked by next */
	uint32_t oldest, newest;	/* the age list */
	uint8_t *trim;			/* a cut copy, its length fixed */
	struct classify_stats stats;
};

enum classify_state {
	CLASSIFY_PENDING,	/* needs more copies */
	CLASSIFY_DONE,		/* @app filled; the flow stays until forgotten */
	CLASSIFY_REFUSED,	/* not tracked: no nDPI or too many pending */
};

int classify_init(struct classifier *c);
void classify_fini(struct classifier *c);

/*
 * A copy of @flow_id: @dir 0 original, 1 reply; @seq its number (1 for
 * the first); @data from the network header. @max pending flows and
 * @max_copies come from the settings. A flow seen first here becomes
 * pending with @t remembered for classify_expire().
 */
enum classify_state classify_packet(struct classifier *c, uint64_t flow_id,
				    const struct policy_tuple *t, uint8_t dir,
				    uint32_t seq, const void *data,
				    uint32_t len, uint64_t now_ms,
				    uint32_t max, uint32_t max_copies,
				    struct policy_app *app);

/* The flow is decided or ended: free its slot. */
void classify_forget(struct classifier *c, uint64_t flow_id);

/*
 * The oldest flow pending since before @now_ms - @timeout_ms, given up on:
 * fills @flow_id, @t and @app (nDPI's best effort) and forgets it. False
 * when there is none.
 */
bool classify_expire(struct classifier *c, uint64_t now_ms,
		     uint64_t timeout_ms, uint64_t *flow_id,
		     struct policy_tuple *t, struct policy_app *app);

/* When the oldest pending flow times out, in ms; 0 if none pending. */
uint64_t classify_next_expiry(const struct classifier *c,
			      uint64_t timeout_ms);

/* Forget all (the module went away). */
void classify_clear(struct classifier *c);

/* Bytes a pending flow costs: nDPI's flow state, ours, the index slot. */
size_t classify_flow_size(void);

/* "TLS.Google" and the like, for log lines, into @buf. */
void classify_label(const struct policy_app *app, char *buf, size_t len);

#endif /* ITOD_CLASSIFY_H */
