/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backend - what ito-xdpd does with the kernel's messages: an OFFLOADED
 * session goes into the maps (or replaces the one held), an END takes it
 * out and reports its last counts; every tick reports what moved; a
 * resync reports and forgets everything before the dump that refills it.
 * Sessions the kernel's replies name stale are removed after each report.
 *
 * Network-free: the reporter's send function is the only way out, so the
 * tests run it with a fake of maps.h and a capturing send.
 */
#ifndef XDPD_BACKEND_H
#define XDPD_BACKEND_H

#include <stdint.h>

#include "ito_flow.h"
#include "ratelimit.h"
#include "report.h"
#include "sessions.h"
#include "stats.h"

struct backend {
	struct sessions sessions;
	struct reporter reporter;
	struct xdpd_stats stats;
	struct ratelimit warn;		/* map full and refusals, in the log */
	uint32_t now;			/* seconds, for the rate limit */
};

int backend_init(struct backend *b, struct maps *maps, uint32_t max_sessions,
		 uint16_t family_id, report_send_fn send, void *ctx);
void backend_fini(struct backend *b);

/* A family id after the module came back. */
void backend_set_family(struct backend *b, uint16_t family_id);

/* One ITO_CMD_XDP_SESSION flow (a feed_flow_fn; @data is the backend). */
int backend_flow(const struct ito_flow *flow, void *data);

/* Send what is queued (the ends' last counts), then remove the stale. */
int backend_flush(struct backend *b);

/* The counts that moved since the last tick, reported. */
int backend_tick(struct backend *b);

/* Everything reported and removed (a resync, or the daemon stopping). */
int backend_clear(struct backend *b);

/* Everything forgotten unreported: the kernel instance is gone. */
void backend_drop_all(struct backend *b);

#endif /* XDPD_BACKEND_H */
