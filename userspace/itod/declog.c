// SPDX-License-Identifier: GPL-2.0
/* declog - decision lines, rate-limited, and their summary. */
#include <inttypes.h>
#include <string.h>

#include "declog.h"
#include "log.h"

void declog_init(struct declog *l, uint32_t now)
{
	memset(l, 0, sizeof(*l));
	l->second = l->since = now;
}

static void period_start(struct declog *l, uint32_t now)
{
	memset(l->verdicts, 0, sizeof(l->verdicts));
	l->decisions = l->not_logged = 0;
	l->since = now;
}

bool declog_admit(struct declog *l, uint32_t verdict, uint32_t now)
{
	/* Start over after a quiet spell, or a period with every line. */
	if (!l->decisions ||
	    (!l->not_logged && now - l->since >= DECLOG_SUMMARY_S))
		period_start(l, now);
	l->decisions++;
	if (verdict <= ITO_VERDICT_MAX)
		l->verdicts[verdict]++;
	if (log_debug_enabled())
		return true;
	if (now != l->second) {
		l->second = now;
		l->lines = 0;
	}
	if (l->lines < DECLOG_LINES_PER_S) {
		l->lines++;
		return true;
	}
	l->not_logged++;
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
	log_info("%" PRIu64 " decisions in the last %" PRIu32 " s: %" PRIu64
		 " offload, %" PRIu64 " inspect, %" PRIu64 " inspect-all, %"
		 PRIu64 " block; %" PRIu64 " not logged",
		 l->decisions, now - l->since,
		 l->verdicts[ITO_VERDICT_OFFLOAD],
		 l->verdicts[ITO_VERDICT_INSPECT],
		 l->verdicts[ITO_VERDICT_INSPECT_ALL],
		 l->verdicts[ITO_VERDICT_BLOCK], l->not_logged);
	period_start(l, now);
}
