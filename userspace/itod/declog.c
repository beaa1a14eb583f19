// SPDX-License-Identifier: GPL-2.0
/* declog - decision lines, rate-limited, and their summary. */
#include <inttypes.h>
#include <string.h>

#include "declog.h"
#include "log.h"

void declog_init(struct declog *l, uint32_t rate, uint32_t burst,
		 uint32_t now)
{
	memset(l, 0, sizeof(*l));
	l->since = now;
	ratelimit_init(&l->rl, rate, burst, now);
}

void declog_set_rate(struct declog *l, uint32_t rate, uint32_t burst,
		     uint32_t now)
{
	ratelimit_init(&l->rl, rate, burst, now);
}

static void period_start(struct declog *l, uint32_t now)
{
	memset(l->verdicts, 0, sizeof(l->verdicts));
	l->decisions = l->not_logged = 0;
	l->since = now;
}

bool declog_admit(struct declog *l, uint32_t verdict, uint32_t now)
{
	/*
	 * A period starts with its first decision, or anew after one with
	 * every line written: the summary covers the flood, not the calm
	 * before it.
	 */
	if (!l->decisions ||
	    (!l->not_logged && now - l->since >= DECLOG_SUMMARY_S))
		period_start(l, now);
	l->decisions++;
	if (verdict <= ITO_VERDICT_MAX)
		l->verdicts[verdict]++;
	if (log_debug_enabled() || ratelimit_take(&l->rl, now))
		return true;
	l->not_logged++;
	l->suppressed++;
	return false;
}

uint32_t declog_due(const struct declog *l)
{
	return l->not_logged ? l->since + DECLOG_SUMMARY_S : 0;
}

void declog_tick(struct declog *l, uint32_t now)
{
	uint32_t due = declog_due(l);

	if (!due || now < due)
		return;
	/* Without lines left out, the lines themselves were the record. */
	log_info("suppressed %" PRIu64 " decision lines in the last %" PRIu32
		 " s (%" PRIu64 " decisions: %" PRIu64 " offload, %" PRIu64
		 " inspect, %" PRIu64 " inspect-all, %" PRIu64 " block)",
		 l->not_logged, now - l->since, l->decisions,
		 l->verdicts[ITO_VERDICT_OFFLOAD],
		 l->verdicts[ITO_VERDICT_INSPECT],
		 l->verdicts[ITO_VERDICT_INSPECT_ALL],
		 l->verdicts[ITO_VERDICT_BLOCK]);
	period_start(l, now);
}
