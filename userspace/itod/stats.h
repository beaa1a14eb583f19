/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats - itod's own statistics as Prometheus metrics, the way
 * "itoctl -o prometheus counters" gives the module's: the text exposition
 * format, a HELP and a TYPE line per family, "itod_" names, counters
 * ending in "_total".
 *
 * itod writes them to a file (settings.h: stats-file, every
 * stats-interval seconds and on SIGUSR1) that node_exporter's textfile
 * collector serves beside ito.prom (ito-metrics.service copies it there).
 * The file is replaced whole (a temporary file renamed over it), so a
 * reader never sees half of it.
 *
 * stats_collect() samples the agent and the decider; the fields that
 * belong to main() (reloads, start time) are its own to fill. Formatting
 * does no I/O but the FILE it writes to, so tests read it back.
 */
#ifndef ITOD_STATS_H
#define ITOD_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ito.h>

struct agent;
struct decider;

struct stats {
	/* the decider */
	uint64_t copies, duplicates, waiting, untracked;
	uint64_t decisions[ITO_VERDICT_MAX + 1];	/* by verdict */
	uint64_t flows_remembered;
	uint64_t lines_suppressed;
	/* classification (classify.h) */
	uint64_t classify_pending;
	uint64_t classify_started, classify_classified, classify_gave_up,
		 classify_timed_out, classify_full;
	/* the agent */
	bool registered;
	uint64_t registrations;
	uint64_t copies_overruns, events_overruns, redumps;
	uint64_t verdicts_sent, verdict_requests, verdicts_gone,
		 verdicts_failed, verdicts_queued;
	uint64_t bad_messages;
	/* main() */
	uint64_t reloads_ok, reloads_failed;
	uint64_t rules;
	uint64_t start_time;		/* seconds since the epoch */
	double uptime;			/* seconds */
};

void stats_collect(struct stats *s, const struct agent *a,
		   const struct decider *d);

/* The exposition text; -1 when @fp reports an error. */
int stats_print(FILE *fp, const struct stats *s);

/* Replace @path whole: @path.tmp, then rename. 0 or -errno. */
int stats_write(const char *path, const struct stats *s);

/*
 * One line for a human (SIGUSR1, systemctl status); without the uptime,
 * so that it changes only when something happens (systemd shows it).
 */
void stats_summary(char *buf, size_t len, const struct stats *s);

#endif /* ITOD_STATS_H */
