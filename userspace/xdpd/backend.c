// SPDX-License-Identifier: GPL-2.0
/* backend - sessions in and out of the maps, counts back to the kernel. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/ito.h>

#include "backend.h"
#include "log.h"

/* Warnings a second, and in a burst: a full map warns once per session. */
#define WARN_RATE	1
#define WARN_BURST	10

int backend_init(struct backend *b, struct maps *maps, uint32_t max_sessions,
		 uint16_t family_id, report_send_fn send, void *ctx)
{
	memset(b, 0, sizeof(*b));
	reporter_init(&b->reporter, family_id, send, ctx);
	ratelimit_init(&b->warn, WARN_RATE, WARN_BURST, 0);
	return sessions_init(&b->sessions, maps, max_sessions);
}

void backend_fini(struct backend *b)
{
	sessions_fini(&b->sessions);
	reporter_fini(&b->reporter);
}

void backend_set_family(struct backend *b, uint16_t family_id)
{
	b->reporter.family_id = family_id;
}

static void offloaded(struct backend *b, const struct ito_flow *flow)
{
	struct xdp_announce a;
	const char *why;
	int ret;

	if (translate_flow(flow, &a, &why)) {
		b->stats.refused++;
		if (ratelimit_take(&b->warn, b->now))
			log_warn("session %" PRIu64 " not installed: %s", flow->id, why);
		return;
	}
	ret = sessions_install(&b->sessions, &a, reporter_counts, &b->reporter);
	if (ret == 0) {
		b->stats.installed++;
	} else if (ret == 1) {
		b->stats.replaced++;
	} else if (ret == -ENOSPC) {
		/* the kernel's fast path keeps it: slower, not lost */
		b->stats.map_full++;
		if (ratelimit_take(&b->warn, b->now))
			log_warn("maps full (%" PRIu32 " sessions): session %" PRIu64
				 " left to the kernel's fast path",
				 b->sessions.max, a.id);
	} else {
		b->stats.refused++;
		if (ratelimit_take(&b->warn, b->now))
			log_warn("session %" PRIu64 " not installed: %s", a.id,
				 strerror(-ret));
	}
}

int backend_flow(const struct ito_flow *flow, void *data)
{
	struct backend *b = data;

	switch (flow->event) {
	case ITO_FLOW_EVENT_OFFLOADED:
		offloaded(b, flow);
		break;
	case ITO_FLOW_EVENT_END:
		if (ito_flow_has(flow, ITO_A_FLOW_ID) &&
		    !sessions_remove(&b->sessions, flow->id, reporter_counts,
				     &b->reporter))
			b->stats.removed++;
		break;
	default:
		log_debug("session %" PRIu64 ": event %u ignored", flow->id,
			  flow->event);
		break;
	}
	return 0;
}

int backend_flush(struct backend *b)
{
	const uint64_t *ids;
	size_t i, n;
	int err;

	err = reporter_flush(&b->reporter);
	/* those sent when full, during the walk, too */
	b->stats.reports = b->reporter.requests;
	n = reporter_stale(&b->reporter, &ids);
	for (i = 0; i < n; i++)
		/* the kernel has no use for its last counts */
		if (!sessions_remove(&b->sessions, ids[i], NULL, NULL))
			b->stats.stale++;
	reporter_stale_done(&b->reporter);
	return err;
}

int backend_tick(struct backend *b)
{
	sessions_collect(&b->sessions, reporter_counts, &b->reporter);
	return backend_flush(b);
}

int backend_clear(struct backend *b)
{
	sessions_clear(&b->sessions, reporter_counts, &b->reporter);
	return backend_flush(b);
}

void backend_drop_all(struct backend *b)
{
	sessions_clear(&b->sessions, NULL, NULL);
	b->reporter.req = NULL;
	b->reporter.n_stats = 0;
	reporter_stale_done(&b->reporter);
}
