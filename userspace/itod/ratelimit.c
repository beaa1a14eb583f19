// SPDX-License-Identifier: GPL-2.0
/* ratelimit - a token bucket in whole seconds. */
#include "ratelimit.h"

void ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst,
		    uint32_t now)
{
	rl->rate = rate;
	rl->burst = burst;
	rl->tokens = burst;
	rl->last = now;
}

bool ratelimit_take(struct ratelimit *rl, uint32_t now)
{
	/* 64 bits: rate times a long quiet spell must not wrap. */
	if (now > rl->last) {
		rl->tokens += (uint64_t)rl->rate * (now - rl->last);
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last = now;
	}
	if (!rl->tokens)
		return false;
	rl->tokens--;
	return true;
}
