/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ratelimit - a token bucket: on average @rate events a second, with bursts
 * of up to @burst. A full bucket at the start lets a quiet daemon's first
 * burst through whole; then tokens come back at @rate a second.
 *
 * Times are whole seconds of CLOCK_MONOTONIC: the bucket serves log lines,
 * where a second's resolution is all anyone reads. Single-threaded.
 */
#ifndef ITOD_RATELIMIT_H
#define ITOD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint32_t rate;		/* tokens a second; 0: none after the burst */
	uint32_t burst;		/* bucket size */
	uint64_t tokens;
	uint32_t last;		/* when tokens were last added */
};

void ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst,
		    uint32_t now);

/* Take a token if there is one. */
bool ratelimit_take(struct ratelimit *rl, uint32_t now);

#endif /* ITOD_RATELIMIT_H */
