// SPDX-License-Identifier: GPL-2.0
/*
 * The decision log cannot flood: the token bucket against a simple
 * reference (a ledger of the seconds' allowances), a flood of a minute
 * giving at most burst + rate * 60 lines and a summary every 10 s that
 * accounts for every decision, and quiet periods with no summary at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "../itod/declog.h"
#include "../itod/log.h"
#include "../itod/ratelimit.h"

struct logbuf {
	FILE *fp;
	char *text;
	size_t len;
};

static int setup(void **state)
{
	struct logbuf *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	b->fp = open_memstream(&b->text, &b->len);
	log_open(false, false);
	log_set_stream(b->fp);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct logbuf *b = *state;

	log_set_stream(NULL);
	fclose(b->fp);
	free(b->text);
	free(b);
	return 0;
}

/* Everything logged so far, and forget it. */
static char *taken(struct logbuf *b)
{
	static char copy[1 << 16];
	long len;

	fflush(b->fp);
	/* Up to the position: after rewind() a longer past text is still there. */
	len = ftell(b->fp);
	snprintf(copy, sizeof(copy), "%.*s", (int)len, b->text ? b->text : "");
	rewind(b->fp);
	fflush(b->fp);
	if (b->text)
		b->text[0] = '\0';
	return copy;
}

static unsigned int count_lines(const char *text, const char *what)
{
	unsigned int n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

/* ---- the bucket ---- */

static void test_bucket_burst_then_rate(void **state)
{
	struct ratelimit rl;
	unsigned int i, n = 0;

	(void)state;
	ratelimit_init(&rl, 3, 10, 100);
	for (i = 0; i < 50; i++)
		n += ratelimit_take(&rl, 100);
	assert_int_equal(n, 10);
	/* a second later: three more, no more */
	n = 0;
	for (i = 0; i < 50; i++)
		n += ratelimit_take(&rl, 101);
	assert_int_equal(n, 3);
	/* a long quiet spell refills to the burst, not beyond */
	n = 0;
	for (i = 0; i < 50; i++)
		n += ratelimit_take(&rl, 100000);
	assert_int_equal(n, 10);
	/* time going backwards (it does not, but) gives nothing */
	assert_false(ratelimit_take(&rl, 99));
}

static void test_bucket_rate_zero(void **state)
{
	struct ratelimit rl;
	unsigned int i, n = 0;

	(void)state;
	ratelimit_init(&rl, 0, 2, 0);
	for (i = 0; i < 100; i++)
		n += ratelimit_take(&rl, i);
	assert_int_equal(n, 2);
}

/*
 * Random events over random seconds against the reference: tokens are
 * the burst, plus rate per second elapsed, minus those taken, never above
 * the burst.
 */
static void test_bucket_vs_reference(void **state)
{
	unsigned int seed = 16;
	int round;

	(void)state;
	for (round = 0; round < 200; round++) {
		uint32_t rate = (uint32_t)(rand_r(&seed) % 50);
		uint32_t burst = 1 + (uint32_t)(rand_r(&seed) % 200);
		uint32_t now = (uint32_t)(rand_r(&seed) % 1000);
		uint64_t ref = burst;
		struct ratelimit rl;
		int i;

		ratelimit_init(&rl, rate, burst, now);
		for (i = 0; i < 2000; i++) {
			if (rand_r(&seed) % 8 == 0) {
				uint32_t dt = (uint32_t)(rand_r(&seed) % 5);

				now += dt;
				ref += (uint64_t)rate * dt;
				if (ref > burst)
					ref = burst;
			}
			if (ratelimit_take(&rl, now) != (ref > 0))
				fail_msg("round %d event %d: rate %u burst %u, reference has %llu tokens",
					 round, i, rate, burst,
					 (unsigned long long)ref);
			if (ref)
				ref--;
		}
	}
}

/* ---- the decision log ---- */

/* A flood of 1000 decisions a second for a minute. */
static void test_flood_is_bounded(void **state)
{
	struct logbuf *b = *state;
	uint64_t summed = 0, suppressed = 0;
	struct declog l;
	unsigned int lines = 0, summaries = 0;
	uint32_t t, i;
	const char *text, *s;

	declog_init(&l, 20, 100, 1000);
	for (t = 1000; t < 1060; t++) {
		for (i = 0; i < 1000; i++)
			if (declog_admit(&l, i % 2 ? ITO_VERDICT_OFFLOAD :
					 ITO_VERDICT_BLOCK, t))
				lines++;
		declog_tick(&l, t);
	}
	/* the last period's summary comes when due, after the flood */
	for (t = 1060; t <= 1080; t++)
		declog_tick(&l, t);
	assert_int_equal(lines, 100 + 20 * 59);
	assert_int_equal(l.suppressed, 60000 - lines);

	text = taken(b);
	summaries = count_lines(text, "itod: suppressed ");
	assert_int_equal(summaries, 6);
	/* Each summary's decisions add up to the flood. */
	for (s = text; (s = strstr(s, "itod: suppressed ")); s++) {
		unsigned long long k, secs, n, off, insp, all, blk;

		assert_int_equal(sscanf(s,
			"itod: suppressed %llu decision lines in the last %llu s (%llu decisions: %llu offload, %llu inspect, %llu inspect-all, %llu block)",
			&k, &secs, &n, &off, &insp, &all, &blk), 7);
		assert_int_equal(secs, 10);
		assert_int_equal(n, off + insp + all + blk);
		assert_int_equal(off, blk);
		summed += n;
		suppressed += k;
	}
	assert_int_equal(summed, 60000);
	assert_int_equal(suppressed, l.suppressed);
	assert_int_equal(declog_due(&l), 0);
}

/* The exact summary, and none while every line gets through. */
static void test_summary_line(void **state)
{
	struct logbuf *b = *state;
	struct declog l;
	int i;

	declog_init(&l, 1, 3, 10);
	for (i = 0; i < 5; i++)
		declog_admit(&l, ITO_VERDICT_INSPECT, 10);
	declog_admit(&l, ITO_VERDICT_INSPECT_ALL, 12);	/* a token came back */
	assert_int_equal(declog_due(&l), 20);
	declog_tick(&l, 19);
	assert_string_equal(taken(b), "");
	declog_tick(&l, 20);
	assert_string_equal(taken(b),
		"itod: suppressed 2 decision lines in the last 10 s (6 decisions: 0 offload, 5 inspect, 1 inspect-all, 0 block)\n");

	/* Calm: one line a second, every one written, no summary. */
	for (i = 30; i < 60; i++) {
		assert_true(declog_admit(&l, ITO_VERDICT_OFFLOAD, (uint32_t)i));
		declog_tick(&l, (uint32_t)i);
	}
	assert_int_equal(declog_due(&l), 0);
	assert_string_equal(taken(b), "");
}

/* A reload's new rate applies at once, with a full bucket. */
static void test_set_rate(void **state)
{
	struct declog l;
	int i, n = 0;

	(void)state;
	declog_init(&l, 20, 100, 0);
	for (i = 0; i < 100; i++)
		declog_admit(&l, ITO_VERDICT_OFFLOAD, 0);
	assert_false(declog_admit(&l, ITO_VERDICT_OFFLOAD, 0));
	declog_set_rate(&l, 0, 5, 0);
	for (i = 0; i < 100; i++)
		n += declog_admit(&l, ITO_VERDICT_OFFLOAD, (uint32_t)i);
	assert_int_equal(n, 5);
	assert_int_equal(l.suppressed, 1 + 95);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst_then_rate),
		cmocka_unit_test(test_bucket_rate_zero),
		cmocka_unit_test(test_bucket_vs_reference),
		cmocka_unit_test_setup_teardown(test_flood_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_line, setup, teardown),
		cmocka_unit_test(test_set_rate),
	};

	return cmocka_run_group_tests_name("declog", tests, NULL, NULL);
}
