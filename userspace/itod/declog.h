/* SPDX-License-Identifier: GPL-2.0 */
/*
 * declog - how much of the decisions itod writes down. A line per decision
 * costs a write (or a journal entry) per new flow, taken from the CPUs
 * that forward the flows, and a flood of new flows would flood the
 * journal: lines go through a token bucket (ratelimit.h) of @rate lines a
 * second with bursts of @burst (all of them with -v). When lines were left
 * out, a summary follows at most every DECLOG_SUMMARY_S seconds:
 *
 *   suppressed K decision lines in the last S s (N decisions: A offload,
 *   B inspect, C inspect-all, D block)
 *
 * Times are seconds of CLOCK_MONOTONIC. Single-threaded.
 */
#ifndef ITOD_DECLOG_H
#define ITOD_DECLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "ratelimit.h"

#define DECLOG_RATE		20	/* lines a second, by default */
#define DECLOG_BURST		100
#define DECLOG_MAX_RATE		1000000
#define DECLOG_SUMMARY_S	10

struct declog {
	struct ratelimit rl;
	uint32_t since;			/* start of the summary's period */
	uint64_t verdicts[ITO_VERDICT_MAX + 1];
	uint64_t decisions, not_logged;	/* in the period */
	uint64_t suppressed;		/* ever: itod_decision_lines_suppressed */
};

void declog_init(struct declog *l, uint32_t rate, uint32_t burst,
		 uint32_t now);

/* A new rate and burst (a reload); the bucket starts full. */
void declog_set_rate(struct declog *l, uint32_t rate, uint32_t burst,
		     uint32_t now);

/* Count a decision; true when its line is to be written. */
bool declog_admit(struct declog *l, uint32_t verdict, uint32_t now);

/* When a summary is due (0: none pending). */
uint32_t declog_due(const struct declog *l);

/* Write the summary if it is due at @now. */
void declog_tick(struct declog *l, uint32_t now);

#endif /* ITOD_DECLOG_H */
