// SPDX-License-Identifier: GPL-2.0
/* stats - ito-xdpd's summary line. */
#include <inttypes.h>
#include <stdio.h>

#include "stats.h"

void stats_line(char *buf, size_t len, const struct xdpd_stats *st,
		uint32_t sessions, size_t devices)
{
	snprintf(buf, len,
		 "sessions %" PRIu32 ", devices %zu, installed %" PRIu64
		 ", replaced %" PRIu64 ", removed %" PRIu64 ", map full %" PRIu64
		 ", refused %" PRIu64 ", reports %" PRIu64 ", stale %" PRIu64
		 ", resyncs %" PRIu64,
		 sessions, devices, st->installed, st->replaced, st->removed,
		 st->map_full, st->refused, st->reports, st->stale, st->resyncs);
}
