/* SPDX-License-Identifier: GPL-2.0 */
/*
 * declog - how much of the decisions itod writes down. A line per decision
 * costs a write (or a syslog datagram) per new flow, taken from the CPUs
 * that forward the flows: at most DECLOG_LINES_PER_S lines a second are
 * written (all of them with -v), and when some were left out, a summary
 * follows at most every DECLOG_SUMMARY_S seconds:
 *
 *   N decisions in the last S s: A offload, B inspect, C inspect-all,
 *   D block; L not logged
 *
 * Times are seconds of CLOCK_MONOTONIC. Single-threaded.
 */
#ifndef ITOD_DECLOG_H
#define ITOD_DECLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#define DECLOG_LINES_PER_S	20
#define DECLOG_SUMMARY_S	10

struct declog {
	uint32_t second;		/* of the lines counted in @lines */
	uint32_t lines;
	uint32_t since;			/* start of the summary's period */
	uint64_t verdicts[ITO_VERDICT_MAX + 1];
	uint64_t decisions, not_logged;	/* in the period */
};

void declog_init(struct declog *l, uint32_t now);

/* Count a decision; true when its line is to be written. */
bool declog_admit(struct declog *l, uint32_t verdict, uint32_t now);

/* When a summary is due (0: none pending). */
uint32_t declog_due(const struct declog *l);

/* Write the summary if it is due at @now. */
void declog_tick(struct declog *l, uint32_t now);

#endif /* ITOD_DECLOG_H */
