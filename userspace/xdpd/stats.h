/* SPDX-License-Identifier: GPL-2.0 */
/* stats - what ito-xdpd did, as one line: at exit and on SIGUSR1. */
#ifndef XDPD_STATS_H
#define XDPD_STATS_H

#include <stddef.h>
#include <stdint.h>

struct xdpd_stats {
	uint64_t installed;	/* new sessions in the maps */
	uint64_t replaced;	/* OFFLOADED for a session held */
	uint64_t removed;	/* by END */
	uint64_t map_full;	/* not installed: no room */
	uint64_t refused;	/* not installed: malformed, or a map error */
	uint64_t reports;	/* requests sent */
	uint64_t stale;		/* removed because the kernel no longer has them */
	uint64_t resyncs;	/* after missed messages */
};

/* "sessions 12, devices 2, installed 40, ..." */
void stats_line(char *buf, size_t len, const struct xdpd_stats *st,
		uint32_t sessions, size_t devices);

#endif /* XDPD_STATS_H */
