// SPDX-License-Identifier: GPL-2.0
/*
 * itod's decisions: one verdict per flow from its first copy (or its Nth
 * with "after N"), the log line, dumped flows, forgetting; and the decided
 * flow table checked against a deliberately simple reference.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "../itod/decide.h"
#include "../itod/log.h"

#define NO_SUCH_IFINDEX	1048573u	/* printed as a number */

static unsigned int fake_ifindex(const char *name)
{
	return strcmp(name, "eth1") ? 0 : NO_SUCH_IFINDEX;
}

struct fixture {
	struct policy policy;
	struct decider d;
	FILE *log;
	char *log_text;
	size_t log_len;
};

static const char *policy_text =
	"offload proto tcp dst 10.0.2.0/24 dport 5201\n"
	"block proto udp dport 9999\n"
	"inspect-all src 2001:db8::/32\n"
	"offload proto udp after 3\n"
	"default inspect\n";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[POLICY_ERR_LEN];

	if (!f || policy_parse(&f->policy, "t", policy_text, fake_ifindex, err,
			       sizeof(err)))
		return -1;
	if (decide_init(&f->d, &f->policy, 0))
		return -1;
	f->log = open_memstream(&f->log_text, &f->log_len);
	log_open(false, false);
	log_set_stream(f->log);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	log_set_stream(NULL);
	fclose(f->log);
	free(f->log_text);
	decide_fini(&f->d);
	policy_free(&f->policy);
	free(f);
	return 0;
}

/* What was logged since the last call. */
static const char *logged(struct fixture *f)
{
	static char text[1 << 16];
	long len;

	fflush(f->log);
	/* Up to the position: after rewind() a longer past text is still there. */
	len = ftell(f->log);
	snprintf(text, sizeof(text), "%.*s", (int)len,
		 f->log_text ? f->log_text : "");
	rewind(f->log);
	fflush(f->log);
	if (f->log_text)
		f->log_text[0] = '\0';
	return text;
}

static struct msg_packet copy4(uint64_t id, uint8_t proto, const char *src,
			       uint16_t sport, const char *dst, uint16_t dport,
			       uint32_t seq)
{
	struct msg_packet p = { .flow_id = id, .seq = seq };

	p.tuple.family = AF_INET;
	p.tuple.proto = proto;
	inet_pton(AF_INET, src, p.tuple.saddr);
	inet_pton(AF_INET, dst, p.tuple.daddr);
	p.tuple.sport = sport;
	p.tuple.dport = dport;
	p.tuple.iif = NO_SUCH_IFINDEX;
	return p;
}

static void test_first_copy_decides_once(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(7, 6, "192.0.2.1", 40000, "10.0.2.77", 5201, 1);
	struct ito_flow_verdict v = { 0 };

	assert_true(decide_packet(&f->d, &p, 100, &v));
	assert_int_equal(v.flow_id, 7);
	assert_int_equal(v.verdict, ITO_VERDICT_OFFLOAD);
	assert_string_equal(logged(f),
		"itod: flow 7 tcp 192.0.2.1:40000 -> 10.0.2.77:5201 iif 1048573: offload (rule 1)\n");

	/* Copies in flight after the verdict: nothing more to say. */
	p.seq = 2;
	assert_false(decide_packet(&f->d, &p, 101, &v));
	p.seq = 3;
	assert_false(decide_packet(&f->d, &p, 101, &v));
	assert_string_equal(logged(f), "");
	assert_int_equal(f->d.stats.copies, 3);
	assert_int_equal(f->d.stats.decided, 1);
	assert_int_equal(f->d.stats.duplicates, 2);
}

static void test_default_and_block(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(8, 17, "192.0.2.1", 5, "198.51.100.1", 9999, 1);
	struct ito_flow_verdict v;

	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_BLOCK);
	assert_string_equal(logged(f),
		"itod: flow 8 udp 192.0.2.1:5 -> 198.51.100.1:9999 iif 1048573: block (rule 2)\n");

	p = copy4(9, 1, "192.0.2.1", 0x1234, "198.51.100.1", 0x0800, 1);
	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.flow_id, 9);
	assert_int_equal(v.verdict, ITO_VERDICT_INSPECT);
	assert_string_equal(logged(f),
		"itod: flow 9 icmp 192.0.2.1:4660 -> 198.51.100.1:2048 iif 1048573: inspect (default)\n");
}

static void test_ipv6_line(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = { .flow_id = 18446744073709551615ULL, .seq = 1 };
	struct ito_flow_verdict v;

	p.tuple.family = AF_INET6;
	p.tuple.proto = 132;
	inet_pton(AF_INET6, "2001:db8::1", p.tuple.saddr);
	inet_pton(AF_INET6, "2001:db8:ffff::2", p.tuple.daddr);
	p.tuple.sport = 443;
	p.tuple.dport = 5000;
	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_INSPECT_ALL);
	/* iif 0 (unknown) is printed as 0. */
	assert_string_equal(logged(f),
		"itod: flow 18446744073709551615 sctp [2001:db8::1]:443 -> [2001:db8:ffff::2]:5000 iif 0: inspect-all (rule 3)\n");
}

static void test_lo_name(void **state)
{
	char line[256];
	struct policy_tuple t = { .family = AF_INET, .proto = 6, .iif = 1 };

	(void)state;
	t.iif = if_nametoindex("lo");
	assert_int_not_equal(t.iif, 0);
	t.saddr[0] = 127;
	t.daddr[0] = 127;
	decide_format(line, sizeof(line), 1, &t, NULL, ITO_VERDICT_BLOCK, 0);
	assert_string_equal(line,
		"flow 1 tcp 127.0.0.0:0 -> 127.0.0.0:0 iif lo: block (default)");
}

static void test_after_n(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(20, 17, "192.0.2.1", 5, "198.51.100.1", 53, 1);
	struct ito_flow_verdict v;

	assert_false(decide_packet(&f->d, &p, 1, &v));
	p.seq = 2;
	assert_false(decide_packet(&f->d, &p, 1, &v));
	assert_string_equal(logged(f), "");
	p.seq = 3;
	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_OFFLOAD);
	assert_string_equal(logged(f),
		"itod: flow 20 udp 192.0.2.1:5 -> 198.51.100.1:53 iif 1048573: offload (rule 4)\n");
	assert_int_equal(f->d.stats.waiting, 2);

	/* Copies 1 and 2 lost to an overrun: copy 4 decides. */
	p = copy4(21, 17, "192.0.2.1", 5, "198.51.100.1", 53, 4);
	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.flow_id, 21);
}

/* Lines beyond the bucket's burst are counted, then summed up. */
static void test_log_rate_limit(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p;
	struct ito_flow_verdict v;
	const char *text;
	uint64_t id;
	int lines = 0;

	for (id = 100; id < 100 + DECLOG_BURST + 5; id++) {
		p = copy4(id, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
		assert_true(decide_packet(&f->d, &p, 50, &v));
	}
	p = copy4(id, 17, "192.0.2.1", 5, "198.51.100.1", 9999, 1);
	assert_true(decide_packet(&f->d, &p, 50, &v));	/* block, unlogged */
	for (text = logged(f); (text = strstr(text, ": offload (rule 1)\n")); text++)
		lines++;
	assert_int_equal(lines, DECLOG_BURST);
	assert_int_equal(declog_due(&f->d.log), 50 + DECLOG_SUMMARY_S);

	/* A new second: DECLOG_RATE more lines. */
	p = copy4(id + 1, 6, "192.0.2.1", 2, "10.0.2.1", 5201, 1);
	assert_true(decide_packet(&f->d, &p, 51, &v));
	assert_non_null(strstr(logged(f), "flow 206 tcp"));

	declog_tick(&f->d.log, 50 + DECLOG_SUMMARY_S - 1);
	assert_string_equal(logged(f), "");
	declog_tick(&f->d.log, 50 + DECLOG_SUMMARY_S);
	assert_string_equal(logged(f),
		"itod: suppressed 6 decision lines in the last 10 s (107 decisions: 106 offload, 0 inspect, 0 inspect-all, 1 block)\n");
	assert_int_equal(declog_due(&f->d.log), 0);
	declog_tick(&f->d.log, 50 + 3 * DECLOG_SUMMARY_S);
	assert_string_equal(logged(f), "");
}

/* With -v every decision has its line, and no summary is needed. */
static void test_log_debug_all(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p;
	struct ito_flow_verdict v;
	uint64_t id;

	log_open(false, true);
	for (id = 1; id <= 2 * DECLOG_BURST; id++) {
		p = copy4(id, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
		assert_true(decide_packet(&f->d, &p, 7, &v));
	}
	log_open(false, false);
	assert_non_null(strstr(logged(f), "flow 200 tcp"));
	assert_int_equal(declog_due(&f->d.log), 0);
}

static void test_forget_and_reset(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(30, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
	struct ito_flow_verdict v;

	assert_true(decide_packet(&f->d, &p, 1, &v));
	decide_forget(&f->d, 30);
	assert_true(decide_packet(&f->d, &p, 1, &v));
	decide_reset(&f->d);
	assert_int_equal(f->d.flows.n_entries, 0);
	assert_true(decide_packet(&f->d, &p, 1, &v));
}

static void test_expire(void **state)
{
	struct fixture *f = *state;
	struct msg_packet a = copy4(40, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
	struct msg_packet b = copy4(41, 6, "192.0.2.1", 2, "10.0.2.1", 5201, 1);
	struct ito_flow_verdict v;

	assert_true(decide_packet(&f->d, &a, 1000, &v));
	assert_true(decide_packet(&f->d, &b, 1000, &v));
	/* An inspect-all flow keeps sending: its entry stays fresh. */
	b.seq = 9;
	assert_false(decide_packet(&f->d, &b, 1000 + DECIDE_MAX_IDLE, &v));
	decide_expire(&f->d, 1000 + DECIDE_MAX_IDLE + 1);
	assert_null(flowtab_find(&f->d.flows, 40));
	assert_non_null(flowtab_find(&f->d.flows, 41));
	assert_int_equal(f->d.flows.n_entries, 1);
}

static void test_reload_keeps_decisions(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(50, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
	struct policy other;
	struct ito_flow_verdict v;
	char err[POLICY_ERR_LEN];

	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_OFFLOAD);
	assert_int_equal(policy_parse(&other, "t", "default block", NULL, err,
				      sizeof(err)), 0);
	f->d.policy = &other;
	p.seq = 2;
	assert_false(decide_packet(&f->d, &p, 1, &v));	/* decided already */
	p.flow_id = 51;
	assert_true(decide_packet(&f->d, &p, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_BLOCK);
	f->d.policy = &f->policy;
	policy_free(&other);
}

static void test_dumped_flows(void **state)
{
	struct fixture *f = *state;
	struct msg_packet p = copy4(60, 6, "192.0.2.1", 1, "10.0.2.1", 5201, 1);
	struct msg_flow flow = {
		.flow_id = 60,
		.tuple = p.tuple,
		.state = ITO_FLOW_STATE_INSPECTING,
		.verdict = ITO_VERDICT_NONE,
		.has_tuple = true,
	};
	struct ito_flow_verdict v;

	/* "after N" is not waited for: those copies went elsewhere. */
	flow.tuple.proto = 17;
	flow.tuple.dport = 53;
	assert_true(decide_flow(&f->d, &flow, 1, &v));
	assert_int_equal(v.flow_id, 60);
	assert_int_equal(v.verdict, ITO_VERDICT_OFFLOAD);	/* rule 4 */
	assert_false(decide_flow(&f->d, &flow, 1, &v));		/* decided */

	flow.flow_id = 61;
	flow.state = ITO_FLOW_STATE_SLOWPATH;
	assert_false(decide_flow(&f->d, &flow, 1, &v));
	flow.state = ITO_FLOW_STATE_INSPECTING;
	flow.verdict = ITO_VERDICT_INSPECT;
	assert_false(decide_flow(&f->d, &flow, 1, &v));
	flow.verdict = ITO_VERDICT_NONE;
	flow.has_tuple = false;
	assert_false(decide_flow(&f->d, &flow, 1, &v));
	assert_int_equal(f->d.stats.decided, 1);
}

/* The flow table against a plain array, through growth and deletions. */
#define REF_MAX	5000

struct ref {
	uint64_t id[REF_MAX];
	uint32_t verdict[REF_MAX];
	size_t n;
};

static long ref_find(const struct ref *r, uint64_t id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->id[i] == id)
			return (long)i;
	return -1;
}

static void test_flowtab_vs_reference(void **state)
{
	static struct ref ref;
	struct flowtab ft;
	uint64_t seed = 12345;
	unsigned int op;
	size_t i;

	(void)state;
	ref.n = 0;
	assert_int_equal(flowtab_init(&ft, REF_MAX), 0);
	for (op = 0; op < 200000; op++) {
		uint64_t id;
		long at;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Few distinct ids so that puts, finds and deletes collide. */
		id = (seed >> 33) % 8000 + 1;
		if ((seed >> 20) & 1)
			id <<= 32;	/* high bits must hash too */
		at = ref_find(&ref, id);
		switch ((seed >> 8) % 3) {
		case 0: {
			int ret = flowtab_put(&ft, id, (uint32_t)op, 0);

			if (at >= 0) {
				assert_int_equal(ret, 0);
				ref.verdict[at] = (uint32_t)op;
			} else if (ref.n == REF_MAX) {
				assert_int_equal(ret, -ENOSPC);
			} else {
				assert_int_equal(ret, 0);
				ref.id[ref.n] = id;
				ref.verdict[ref.n++] = (uint32_t)op;
			}
			break;
		}
		case 1:
			assert_int_equal(flowtab_del(&ft, id), at >= 0);
			if (at >= 0) {
				ref.n--;
				ref.id[at] = ref.id[ref.n];
				ref.verdict[at] = ref.verdict[ref.n];
			}
			break;
		default: {
			struct flowtab_entry *e = flowtab_find(&ft, id);

			if (at < 0) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_int_equal(e->verdict, ref.verdict[at]);
			}
		}
		}
		assert_int_equal(ft.n_entries, ref.n);
	}
	/* Everything the reference has is findable. */
	for (i = 0; i < ref.n; i++)
		assert_non_null(flowtab_find(&ft, ref.id[i]));
	assert_int_equal(flowtab_put(&ft, 0, 1, 0), -EINVAL);
	assert_null(flowtab_find(&ft, 0));
	flowtab_fini(&ft);
}

static void test_flowtab_expire_many(void **state)
{
	struct flowtab ft;
	uint64_t id;

	(void)state;
	assert_int_equal(flowtab_init(&ft, 0), 0);
	/* Even ids old, odd ids fresh: expiry must keep every odd one. */
	for (id = 1; id <= 20000; id++)
		assert_int_equal(flowtab_put(&ft, id, 1, id % 2 ? 500 : 100), 0);
	assert_true(ft.n_slots >= 40000);
	assert_int_equal(flowtab_expire(&ft, 500, 300), 10000);
	assert_int_equal(ft.n_entries, 10000);
	for (id = 1; id <= 20000; id++) {
		if (id % 2)
			assert_non_null(flowtab_find(&ft, id));
		else
			assert_null(flowtab_find(&ft, id));
	}
	/* Clock wrap: 5 seconds after UINT32_MAX is 6 seconds idle. */
	flowtab_clear(&ft);
	assert_int_equal(flowtab_put(&ft, 9, 1, UINT32_MAX), 0);
	assert_int_equal(flowtab_expire(&ft, 5, 6), 0);
	assert_int_equal(flowtab_expire(&ft, 5, 5), 1);
	flowtab_fini(&ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_copy_decides_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_and_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_line, setup, teardown),
		cmocka_unit_test(test_lo_name),
		cmocka_unit_test_setup_teardown(test_after_n, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_debug_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_decisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dumped_flows, setup, teardown),
		cmocka_unit_test(test_flowtab_vs_reference),
		cmocka_unit_test(test_flowtab_expire_many),
	};

	return cmocka_run_group_tests_name("itod decisions", tests, NULL, NULL);
}
