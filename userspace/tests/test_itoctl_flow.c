// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl flow" and "itoctl monitor": the grammar, the requests built, flow
 * replies and events parsed from hand-built messages, and their text and
 * JSON output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "capture.h"
#include "flow.h"
#include "monitor.h"
#include "nlbuild.h"
#include "report.h"

/* An ifindex no test machine has: printed as its number. */
#define NO_SUCH_IFINDEX	999999

/* ---- grammar ---- */

/* @argc words of @ap into @argv, which has room for 8. */
static void va_words(char *argv[8], int argc, va_list ap)
{
	int i;

	assert_true(argc <= 8);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
}

static int parse(struct flow_args *args, int argc, ...)
{
	char *argv[8];
	va_list ap;

	va_start(ap, argc);
	va_words(argv, argc, ap);
	va_end(ap);
	return flow_parse_args(argc, argv, args);
}

static void test_parse_show(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 0), EXIT_OK);
	assert_int_equal(a.op, FLOW_SHOW);
	assert_false(a.has_state);
	assert_int_equal(parse(&a, 1, "show"), EXIT_OK);
	assert_int_equal(a.op, FLOW_SHOW);
	assert_false(a.has_state);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_state_words(void **state)
{
	static const struct { const char *word; uint32_t value; } words[] = {
		{ "inspecting", ITO_FLOW_STATE_INSPECTING },
		{ "slowpath", ITO_FLOW_STATE_SLOWPATH },
		{ "blocked", ITO_FLOW_STATE_BLOCKED },
		{ "offload-pending", ITO_FLOW_STATE_OFFLOAD_PENDING },
		{ "offloaded", ITO_FLOW_STATE_OFFLOADED },
	};
	struct flow_args a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		assert_int_equal(parse(&a, 3, "show", "state", words[i].word),
				 EXIT_OK);
		assert_true(a.has_state);
		assert_int_equal(a.state, words[i].value);
	}
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_state_errors(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, "show", "state", "offload"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"state\" must be \"inspecting\", \"slowpath\", "
		"\"blocked\", \"offload-pending\" or \"offloaded\", not \"offload\"\n");
	assert_int_equal(parse(&a, 2, "show", "state"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"state\" is missing\n"));
	assert_int_equal(parse(&a, 5, "show", "state", "blocked", "state",
			       "offloaded"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: duplicate \"state\": \"offloaded\" is the second value\n"));
	assert_int_equal(parse(&a, 2, "show", "all"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"all\"?\nUsage: "));
	assert_int_equal(parse(&a, 1, "shw"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "STATE", "blocked"), EXIT_USAGE);
}

static void test_parse_ids(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "get", "12"), EXIT_OK);
	assert_int_equal(a.op, FLOW_GET);
	assert_int_equal(a.id, 12);
	assert_int_equal(parse(&a, 2, "del", "18446744073709551615"), EXIT_OK);
	assert_int_equal(a.op, FLOW_DEL);
	assert_true(a.id == UINT64_MAX);
	assert_int_equal(parse(&a, 2, "get", "0"), EXIT_OK);	/* the kernel says */
	assert_int_equal(a.id, 0);
	assert_int_equal(parse(&a, 1, "flush"), EXIT_OK);
	assert_int_equal(a.op, FLOW_FLUSH);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_bad_ids(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "get", "-1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 2, "del", "1x"), EXIT_USAGE);
	assert_int_equal(parse(&a, 2, "get", "18446744073709551616"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "verdict", "+3", "block"), EXIT_USAGE);
	assert_int_equal(parse(&a, 2, "get", ""), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"get\" must be an unsigned integer, not \"-1\"\n"
		"Error: argument of \"del\" must be an unsigned integer, not \"1x\"\n"
		"Error: argument of \"get\" must be an unsigned integer up to "
		"18446744073709551615, not \"18446744073709551616\"\n"
		"Error: argument of \"verdict\" must be an unsigned integer, not \"+3\"\n"
		"Error: argument of \"get\" must be an unsigned integer, not \"\"\n");
}

static void test_parse_missing_and_extra(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 1, "get"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: \"flow get\" needs a flow ID\n");
	assert_int_equal(parse(&a, 3, "del", "1", "2"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"2\"?\n"));
	assert_int_equal(parse(&a, 2, "flush", "all"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"all\"?\n"));
	assert_int_equal(parse(&a, 2, "verdict", "5"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"verdict\" is missing\n"));
	assert_int_equal(parse(&a, 4, "verdict", "5", "block", "now"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"now\"?\n"));
}

static void test_parse_verdict_words(void **state)
{
	static const struct { const char *word; uint32_t value; } words[] = {
		{ "offload", ITO_VERDICT_OFFLOAD },
		{ "inspect", ITO_VERDICT_INSPECT },
		{ "inspect-all", ITO_VERDICT_INSPECT_ALL },
		{ "block", ITO_VERDICT_BLOCK },
	};
	struct flow_args a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		assert_int_equal(parse(&a, 3, "verdict", "42", words[i].word),
				 EXIT_OK);
		assert_int_equal(a.op, FLOW_VERDICT);
		assert_int_equal(a.id, 42);
		assert_int_equal(a.verdict, words[i].value);
	}
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 3, "verdict", "42", "none"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "verdict", "42", "inspect_all"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"verdict\" must be \"offload\", \"inspect\", "
		"\"inspect-all\" or \"block\", not \"none\"\n"
		"Error: argument of \"verdict\" must be \"offload\", \"inspect\", "
		"\"inspect-all\" or \"block\", not \"inspect_all\"\n");
}

/* ---- requests ---- */

static uint8_t request_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(genl->version, ITO_FAMILY_VERSION);
	return genl->cmd;
}

static void test_request_dump_with_state(void **state)
{
	const struct nlattr *top[4] = {}, *inner[4] = {};
	struct flow_args a = { .op = FLOW_SHOW, .has_state = true,
			       .state = ITO_FLOW_STATE_OFFLOADED };
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = flow_build_request(buf, TEST_FAMILY, &a);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(request_cmd(nlh), ITO_CMD_FLOW_GET);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
					collect_attr_cb, top), MNL_CB_OK);
	assert_non_null(top[0]);
	assert_null(top[1]);
	assert_int_equal(mnl_attr_get_type(top[0]), ITO_A_FLOW);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, inner),
			 MNL_CB_OK);
	assert_null(inner[1]);
	assert_int_equal(mnl_attr_get_type(inner[0]), ITO_A_FLOW_STATE);
	assert_int_equal(mnl_attr_validate(inner[0], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(inner[0]), ITO_FLOW_STATE_OFFLOADED);
}

static void test_request_dump_unfiltered(void **state)
{
	struct flow_args a = { .op = FLOW_SHOW };
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = flow_build_request(buf, TEST_FAMILY, &a);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(request_cmd(nlh), ITO_CMD_FLOW_GET);
	/* No attribute at all: every flow. */
	assert_int_equal(nlh->nlmsg_len,
			 MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)));
}

static void check_id_request(const struct nlmsghdr *nlh, uint8_t cmd,
			     uint64_t id, bool verdict, uint32_t value)
{
	const struct nlattr *top[4] = {}, *inner[4] = {};

	assert_int_equal(request_cmd(nlh), cmd);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
					collect_attr_cb, top), MNL_CB_OK);
	assert_null(top[1]);
	assert_int_equal(mnl_attr_get_type(top[0]), ITO_A_FLOW);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, inner),
			 MNL_CB_OK);
	assert_int_equal(mnl_attr_get_type(inner[0]), ITO_A_FLOW_ID);
	assert_int_equal(mnl_attr_validate(inner[0], MNL_TYPE_U64), 0);
	assert_true(mnl_attr_get_u64(inner[0]) == id);
	if (!verdict) {
		assert_null(inner[1]);
		return;
	}
	assert_non_null(inner[1]);
	assert_null(inner[2]);
	assert_int_equal(mnl_attr_get_type(inner[1]), ITO_A_FLOW_VERDICT);
	assert_int_equal(mnl_attr_validate(inner[1], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(inner[1]), value);
}

static void test_request_by_id(void **state)
{
	struct flow_args a = { .id = (1ULL << 40) + 3 };
	nlbuf_t buf;

	(void)state;
	a.op = FLOW_GET;
	check_id_request(flow_build_request(buf, TEST_FAMILY, &a),
			 ITO_CMD_FLOW_GET, a.id, false, 0);
	a.op = FLOW_DEL;
	check_id_request(flow_build_request(buf, TEST_FAMILY, &a),
			 ITO_CMD_FLOW_DEL, a.id, false, 0);
	a.op = FLOW_VERDICT;
	a.verdict = ITO_VERDICT_INSPECT_ALL;
	check_id_request(flow_build_request(buf, TEST_FAMILY, &a),
			 ITO_CMD_FLOW_VERDICT, a.id, true, ITO_VERDICT_INSPECT_ALL);
}

static void test_request_flush(void **state)
{
	struct flow_args a = { .op = FLOW_FLUSH };
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = flow_build_request(buf, TEST_FAMILY, &a);
	assert_int_equal(request_cmd(nlh), ITO_CMD_FLOW_FLUSH);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	assert_int_equal(nlh->nlmsg_len,
			 MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)));
}

/* ---- replies ---- */

/* A u64 as nla_put_u64_64bit() may send it: a pad attribute first. */
static void put_u64_pad(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	mnl_attr_put(nlh, ITO_A_FLOW_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/* The flow attributes of the v4 TCP sample, inside an open nest. */
static void put_v4_flow_attrs(struct nlmsghdr *nlh, uint64_t id)
{
	struct in_addr s, d;

	inet_pton(AF_INET, "10.0.1.2", &s);
	inet_pton(AF_INET, "10.0.2.2", &d);
	put_u64_pad(nlh, ITO_A_FLOW_ID, id);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_SLOWPATH);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_INSPECT);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, IPPROTO_TCP);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 4, &s);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 4, &d);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_SPORT, 40000);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_DPORT, 5201);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_IIF, 1);	/* lo, everywhere */
	put_u64_pad(nlh, ITO_A_FLOW_PKTS_ORIG, 10);
	put_u64_pad(nlh, ITO_A_FLOW_BYTES_ORIG, 1200);
	put_u64_pad(nlh, ITO_A_FLOW_PKTS_REPLY, 8);
	put_u64_pad(nlh, ITO_A_FLOW_BYTES_REPLY, 900);
	put_u64_pad(nlh, ITO_A_FLOW_AGE_MS, 2150);
	put_u64_pad(nlh, ITO_A_FLOW_IDLE_MS, 300);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_RATE, 95);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_COPIES, 8);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_CT_STATE, 3);	/* established */
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT_BY, ITO_VERDICT_BY_AGENT);
	/* An attribute of a newer module: skipped. */
	mnl_attr_put_strz(nlh, ITO_A_FLOW_MAX + 1, "future");
}

static struct nlmsghdr *v4_reply(void *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, cmd);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, ITO_A_MAX + 1, 1);	/* newer top-level attr */
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_v4_flow_attrs(nlh, 12);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* As a module before verdicts in conntrack sends it: no VERDICT_BY. */
static struct nlmsghdr *v6_reply(void *buf)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	struct in6_addr s, d;
	struct nlattr *nest;

	inet_pton(AF_INET6, "2001:db8::1", &s);
	inet_pton(AF_INET6, "2001:db8::2", &d);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 7);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_OFFLOADED);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_OFFLOAD);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 16, &s);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 16, &d);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_SPORT, 5353);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_DPORT, 53);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_IIF, NO_SUCH_IFINDEX);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_PKTS_ORIG, 1ULL << 33);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_BYTES_ORIG, 0);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_PKTS_REPLY, 1);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_BYTES_REPLY, 64);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_AGE_MS, 86400000);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_IDLE_MS, 0);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_RATE, 0);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_COPIES, 0);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_CT_STATE, 0);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* An ICMP echo of a newer module: a state without a word, no iif. */
static struct nlmsghdr *icmp_reply(void *buf)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	struct nlattr *nest;
	struct in_addr a;

	inet_pton(AF_INET, "192.0.2.1", &a);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 3);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, IPPROTO_ICMP);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 4, &a);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 4, &a);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_SPORT, 77);		/* id */
	mnl_attr_put_u16(nlh, ITO_A_FLOW_DPORT, 8 << 8);	/* echo request */
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, 42);		/* newer module */
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_NONE);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct flows {
	struct ito_flow flow[4];
	int n;
};

static int keep_cb(const struct ito_flow *flow, void *data)
{
	struct flows *f = data;

	f->flow[f->n++] = *flow;
	return 0;
}

static void test_reply_v4(void **state)
{
	struct flows f = {};
	struct ito_flow *flow = &f.flow[0];
	uint8_t want[4] = { 10, 0, 1, 2 };
	nlbuf_t buf;

	(void)state;
	assert_int_equal(ito_flow_parse_reply(v4_reply(buf, ITO_CMD_FLOW_GET),
					  keep_cb, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(flow->id, 12);
	assert_int_equal(flow->state, ITO_FLOW_STATE_SLOWPATH);
	assert_int_equal(flow->verdict, ITO_VERDICT_INSPECT);
	assert_int_equal(flow->family, AF_INET);
	assert_int_equal(flow->proto, IPPROTO_TCP);
	assert_int_equal(flow->saddr_len, 4);
	assert_memory_equal(flow->saddr, want, 4);
	assert_int_equal(flow->sport, 40000);
	assert_int_equal(flow->dport, 5201);
	assert_int_equal(flow->pkts_orig, 10);
	assert_int_equal(flow->bytes_reply, 900);
	assert_int_equal(flow->age_ms, 2150);
	assert_int_equal(flow->ct_state, 3);
	assert_true(ito_flow_has(flow, ITO_A_FLOW_VERDICT_BY));
	assert_int_equal(flow->verdict_by, ITO_VERDICT_BY_AGENT);
	assert_false(ito_flow_has(flow, ITO_A_FLOW_EVENT));
	assert_false(ito_flow_has(flow, ITO_A_FLOW_PAD));
}

static int stop_cb(const struct ito_flow *flow, void *data)
{
	(void)flow;
	(void)data;
	return -ECANCELED;
}

static void test_reply_several_flows(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct flows f = {};
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_v4_flow_attrs(nlh, 1);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_v4_flow_attrs(nlh, 2);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.flow[0].id, 1);
	assert_int_equal(f.flow[1].id, 2);
	/* The callback's error comes back. */
	assert_int_equal(ito_flow_parse_reply(nlh, stop_cb, NULL), -ECANCELED);
}

static void test_reply_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct flows f = {};
	uint8_t addr[16] = {};
	nlbuf_t buf;

	(void)state;
	/* No flow. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);

	/* An ID that is not a u64. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_ID, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);

	/* An address of 5 bytes. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 5, addr);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);

	/* A v6 address in a v4 flow. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 16, addr);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);

	/* A port of 4 bytes. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_SPORT, 80);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);
	assert_int_equal(f.n, 0);
}

/* ---- output ---- */

static struct ito_flow parse_one(const struct nlmsghdr *nlh)
{
	struct flows f = {};

	assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), 0);
	assert_int_equal(f.n, 1);
	return f.flow[0];
}

static const char *v4_line =
	"id 12 tcp 10.0.1.2:40000 -> 10.0.2.2:5201 iif lo state slowpath "
	"verdict inspect by agent pkts 10/8 bytes 1200/900 rate 95/s age 2.1s "
	"idle 0.3s copies 8";
static const char *v4_json =
	"{\"id\":12,\"proto\":\"tcp\",\"family\":\"inet\",\"src\":\"10.0.1.2\","
	"\"sport\":40000,\"dst\":\"10.0.2.2\",\"dport\":5201,\"iif\":1,\"iif_name\":\"lo\","
	"\"state\":\"slowpath\",\"verdict\":\"inspect\",\"verdict_by\":\"agent\","
	"\"pkts_orig\":10,"
	"\"bytes_orig\":1200,\"pkts_reply\":8,\"bytes_reply\":900,"
	"\"age_ms\":2150,\"idle_ms\":300,\"rate\":95,\"copies\":8,"
	"\"ct_state\":\"established\",\"offload\":false}";
static const char *v6_line =
	"id 7 udp [2001:db8::1]:5353 -> [2001:db8::2]:53 iif 999999 "
	"state offloaded verdict offload pkts 8589934592/1 bytes 0/64 "
	"rate 0/s age 86400.0s idle 0.0s copies 0";
static const char *v6_json =
	"{\"id\":7,\"proto\":\"udp\",\"family\":\"inet6\",\"src\":\"2001:db8::1\","
	"\"sport\":5353,\"dst\":\"2001:db8::2\",\"dport\":53,\"iif\":999999,\"iif_name\":\"999999\","
	"\"state\":\"offloaded\",\"verdict\":\"offload\",\"pkts_orig\":8589934592,"
	"\"bytes_orig\":0,\"pkts_reply\":1,\"bytes_reply\":64,"
	"\"age_ms\":86400000,\"idle_ms\":0,\"rate\":0,\"copies\":0,"
	"\"ct_state\":\"none\",\"offload\":true}";

/* "flow show" of the two samples, as cmd_flow() prints a dump. */
static void show_two(struct capture *out, bool json, bool pretty)
{
	struct ito_flow v4, v6;
	struct printer p;
	nlbuf_t buf;

	v4 = parse_one(v4_reply(buf, ITO_CMD_FLOW_GET));
	v6 = parse_one(v6_reply(buf));
	capture_open(out);
	print_init(&p, out->fp, json, pretty);
	print_open_array(&p, NULL);
	flow_print_line(&p, &v4);
	flow_print_line(&p, &v6);
	print_close_array(&p);
}

static void test_show_text(void **state)
{
	struct capture out;
	char want[1024];

	(void)state;
	show_two(&out, false, false);
	snprintf(want, sizeof(want), "%s\n%s\n", v4_line, v6_line);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

static void test_show_json(void **state)
{
	struct capture out;
	char want[2048];

	(void)state;
	show_two(&out, true, false);
	snprintf(want, sizeof(want), "[%s,%s]\n", v4_json, v6_json);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

static void test_show_pretty_json(void **state)
{
	struct capture out;
	const char *text;

	(void)state;
	show_two(&out, true, true);
	text = capture_text(&out);
	assert_true(strncmp(text, "[\n    {\n        \"id\": 12,\n"
				  "        \"proto\": \"tcp\",\n", 49) == 0);
	assert_non_null(strstr(text, "        \"offload\": false\n    },\n    {\n"
					  "        \"id\": 7,\n"));
	assert_non_null(strstr(text, "        \"offload\": true\n    }\n]\n"));
	capture_close(&out);
}

static void test_show_empty(void **state)
{
	struct capture out;
	struct printer p;

	(void)state;
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	print_open_array(&p, NULL);
	print_close_array(&p);
	print_init(&p, out.fp, false, false);
	print_open_array(&p, NULL);
	print_close_array(&p);
	assert_string_equal(capture_text(&out), "[]\n");
	capture_close(&out);
}

static void test_get_detail_text(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(v4_reply(buf, ITO_CMD_FLOW_GET));
	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_detail(&p, &flow);
	assert_string_equal(capture_text(&out),
		"flow 12\n"
		"  tuple    : tcp 10.0.1.2:40000 -> 10.0.2.2:5201\n"
		"  iif      : lo\n"
		"  state    : slowpath\n"
		"  offload  : no\n"
		"  verdict  : inspect by agent\n"
		"  ct-state : established\n"
		"  packets  : 10 original, 8 reply\n"
		"  bytes    : 1200 original, 900 reply\n"
		"  rate     : 95 pkt/s\n"
		"  age      : 2.1 s\n"
		"  idle     : 0.3 s\n"
		"  copies   : 8\n");
	capture_close(&out);

	flow = parse_one(v6_reply(buf));
	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_detail(&p, &flow);
	assert_non_null(strstr(capture_text(&out),
		"  tuple    : udp [2001:db8::1]:5353 -> [2001:db8::2]:53\n"
		"  iif      : 999999\n"
		"  state    : offloaded\n"
		"  offload  : yes\n"));
	assert_null(strstr(capture_text(&out), "ct-state"));	/* not TCP */
	capture_close(&out);
}

static void test_get_detail_json(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	char want[1024];
	nlbuf_t buf;

	(void)state;
	flow = parse_one(v6_reply(buf));
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_detail(&p, &flow);
	snprintf(want, sizeof(want), "%s\n", v6_json);	/* one object */
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

/* ---- paths of an offloaded flow ---- */

struct path_sample {
	uint8_t dir;
	uint32_t where;
	uint32_t in, out;
	uint16_t in_vlan, out_vlan;
	const char *saddr, *daddr;
	uint16_t sport, dport;
	const char *nat_saddr, *nat_daddr;	/* NULL: not NATed */
	uint16_t nat_sport, nat_dport;		/* 0: not NATed */
	uint8_t last_mac_byte;			/* dst 02:..:N, src N + 1 */
	uint64_t pkts, bytes;
	bool vwire;				/* bridged: no MACs */
};

static void put_in4(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, a, &in), 1);
	mnl_attr_put(nlh, type, 4, &in);
}

/* An ITO_A_FLOW_PATH nest as the kernel sends it, inside an open flow. */
static void put_path(struct nlmsghdr *nlh, const struct path_sample *s)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, s->last_mac_byte };
	struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW_PATH);

	mnl_attr_put_u8(nlh, ITO_A_PATH_DIR, s->dir);
	mnl_attr_put_u32(nlh, ITO_A_PATH_WHERE, s->where);
	mnl_attr_put_u32(nlh, ITO_A_PATH_IN_IFINDEX, s->in);
	mnl_attr_put_u16(nlh, ITO_A_PATH_IN_VLAN, s->in_vlan);
	mnl_attr_put_u32(nlh, ITO_A_PATH_OUT_IFINDEX, s->out);
	mnl_attr_put_u16(nlh, ITO_A_PATH_OUT_VLAN, s->out_vlan);
	put_in4(nlh, ITO_A_PATH_SADDR, s->saddr);
	put_in4(nlh, ITO_A_PATH_DADDR, s->daddr);
	mnl_attr_put_u16(nlh, ITO_A_PATH_SPORT, s->sport);
	mnl_attr_put_u16(nlh, ITO_A_PATH_DPORT, s->dport);
	if (s->nat_saddr)
		put_in4(nlh, ITO_A_PATH_NAT_SADDR, s->nat_saddr);
	if (s->nat_daddr)
		put_in4(nlh, ITO_A_PATH_NAT_DADDR, s->nat_daddr);
	if (s->nat_sport)
		mnl_attr_put_u16(nlh, ITO_A_PATH_NAT_SPORT, s->nat_sport);
	if (s->nat_dport)
		mnl_attr_put_u16(nlh, ITO_A_PATH_NAT_DPORT, s->nat_dport);
	if (!s->vwire) {
		mnl_attr_put(nlh, ITO_A_PATH_ETH_DST, 6, mac);
		mac[5]++;
		mnl_attr_put(nlh, ITO_A_PATH_ETH_SRC, 6, mac);
	}
	mnl_attr_put(nlh, ITO_A_PATH_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, ITO_A_PATH_PKTS, s->pkts);
	mnl_attr_put(nlh, ITO_A_PATH_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, ITO_A_PATH_BYTES, s->bytes);
	if (s->vwire)
		mnl_attr_put_u8(nlh, ITO_A_PATH_VWIRE, 1);
	mnl_attr_put_strz(nlh, ITO_A_PATH_MAX + 1, "future");	/* skipped */
	mnl_attr_nest_end(nlh, nest);
}

/*
 * The v4 sample offloaded with source NAT to 10.0.2.1:61000: the original
 * direction in hardware from lo, untagged, out tagged 200; the reply in
 * software back, the tag popped.
 */
static const struct path_sample orig_hw = {
	.dir = 0, .where = ITO_PATH_HW, .in = 1, .out = NO_SUCH_IFINDEX,
	.out_vlan = 200, .saddr = "10.0.1.2", .daddr = "10.0.2.2",
	.sport = 40000, .dport = 5201, .nat_saddr = "10.0.2.1",
	.nat_sport = 61000, .last_mac_byte = 1, .pkts = 5, .bytes = 600,
};
static const struct path_sample reply_sw = {
	.dir = 1, .where = ITO_PATH_SW, .in = NO_SUCH_IFINDEX, .out = 1,
	.in_vlan = 200, .saddr = "10.0.2.2", .daddr = "10.0.2.1",
	.sport = 5201, .dport = 61000, .nat_daddr = "10.0.1.2",
	.nat_dport = 40000, .last_mac_byte = 3, .pkts = 4, .bytes = 300,
};

/*
 * The v4 sample across a vWire pair, both directions in hardware: it
 * enters tagged 100 from lo and leaves tagged 200, and back.
 */
static const struct path_sample vwire_orig = {
	.dir = 0, .where = ITO_PATH_HW, .in = 1, .out = NO_SUCH_IFINDEX,
	.in_vlan = 100, .out_vlan = 200, .saddr = "10.0.1.2",
	.daddr = "10.0.2.2", .sport = 40000, .dport = 5201, .pkts = 5,
	.bytes = 600, .vwire = true,
};
static const struct path_sample vwire_reply = {
	.dir = 1, .where = ITO_PATH_HW, .in = NO_SUCH_IFINDEX, .out = 1,
	.in_vlan = 200, .out_vlan = 100, .saddr = "10.0.2.2",
	.daddr = "10.0.1.2", .sport = 5201, .dport = 40000, .pkts = 4,
	.bytes = 300, .vwire = true,
};

static struct nlmsghdr *offloaded_reply(void *buf,
					const struct path_sample *a,
					const struct path_sample *b)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_FLOW_GET);
	struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);

	put_v4_flow_attrs(nlh, 12);
	/* Offloaded after all: the last value of an attribute counts. */
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_OFFLOADED);
	if (a)
		put_path(nlh, a);
	if (b)
		put_path(nlh, b);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_path_parse(void **state)
{
	const uint8_t nat[4] = { 10, 0, 2, 1 }, mac[6] = { 2, 0, 0, 0, 0, 4 };
	struct ito_flow flow;
	const struct ito_path *o, *r;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(offloaded_reply(buf, &orig_hw, &reply_sw));
	assert_int_equal(flow.n_paths, 2);
	o = &flow.path[0];
	r = &flow.path[1];
	assert_int_equal(o->dir, 0);
	assert_int_equal(o->where, ITO_PATH_HW);
	assert_int_equal(o->in_ifindex, 1);
	assert_int_equal(o->out_ifindex, NO_SUCH_IFINDEX);
	assert_int_equal(o->in_vlan, 0);
	assert_int_equal(o->out_vlan, 200);
	assert_int_equal(o->addr_len, 4);
	assert_int_equal(o->sport, 40000);
	assert_int_equal(o->dport, 5201);
	assert_true(ito_path_has(o, ITO_A_PATH_NAT_SADDR));
	assert_memory_equal(o->nat_saddr, nat, 4);
	assert_true(ito_path_has(o, ITO_A_PATH_NAT_SPORT));
	assert_int_equal(o->nat_sport, 61000);
	assert_false(ito_path_has(o, ITO_A_PATH_NAT_DADDR));
	assert_false(ito_path_has(o, ITO_A_PATH_NAT_DPORT));
	assert_int_equal(o->pkts, 5);
	assert_int_equal(o->bytes, 600);

	assert_int_equal(r->dir, 1);
	assert_int_equal(r->where, ITO_PATH_SW);
	assert_int_equal(r->in_vlan, 200);
	assert_int_equal(r->nat_dport, 40000);
	assert_true(ito_path_has(r, ITO_A_PATH_NAT_DADDR));
	assert_false(ito_path_has(r, ITO_A_PATH_NAT_SADDR));
	assert_memory_equal(r->eth_src, mac, 6);
	assert_int_equal(o->vwire, 0);
	assert_int_equal(r->vwire, 0);

	/* A vWire flow's paths: no MACs. */
	flow = parse_one(offloaded_reply(buf, &vwire_orig, &vwire_reply));
	assert_int_equal(flow.n_paths, 2);
	o = &flow.path[0];
	r = &flow.path[1];
	assert_int_equal(o->vwire, 1);
	assert_int_equal(o->in_vlan, 100);
	assert_int_equal(o->out_vlan, 200);
	assert_false(ito_path_has(o, ITO_A_PATH_ETH_DST));
	assert_false(ito_path_has(o, ITO_A_PATH_ETH_SRC));
	assert_int_equal(r->vwire, 1);
	assert_int_equal(r->dir, 1);
	assert_false(ito_path_has(r, ITO_A_PATH_ETH_DST));

	/* A flow without paths: none. */
	flow = parse_one(v4_reply(buf, ITO_CMD_FLOW_GET));
	assert_int_equal(flow.n_paths, 0);
}

/* What parse_path_with() leaves out of, or adds to, the usual path. */
#define WITHOUT_ETH_SRC	(1u << 0)
#define WITHOUT_ETH_DST	(1u << 1)
#define WITHOUT_MACS	(WITHOUT_ETH_SRC | WITHOUT_ETH_DST)
#define WITH_VWIRE	(1u << 2)

/*
 * A flow whose one path holds @attr of @len bytes after the usual ones,
 * as changed by @flags.
 */
static int parse_path_with(uint16_t attr, size_t len, unsigned int flags)
{
	uint8_t junk[16] = {};
	struct flows f = {};
	struct nlmsghdr *nlh;
	struct nlattr *flow, *path;
	nlbuf_t buf;

	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	flow = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_v4_flow_attrs(nlh, 12);
	path = mnl_attr_nest_start(nlh, ITO_A_FLOW_PATH);
	mnl_attr_put_u8(nlh, ITO_A_PATH_DIR, 0);
	mnl_attr_put_u32(nlh, ITO_A_PATH_WHERE, ITO_PATH_HW);
	mnl_attr_put_u32(nlh, ITO_A_PATH_IN_IFINDEX, 1);
	mnl_attr_put_u32(nlh, ITO_A_PATH_OUT_IFINDEX, 1);
	mnl_attr_put(nlh, ITO_A_PATH_SADDR, 4, junk);
	mnl_attr_put(nlh, ITO_A_PATH_DADDR, 4, junk);
	mnl_attr_put_u16(nlh, ITO_A_PATH_SPORT, 1);
	mnl_attr_put_u16(nlh, ITO_A_PATH_DPORT, 2);
	if (!(flags & WITHOUT_ETH_DST))
		mnl_attr_put(nlh, ITO_A_PATH_ETH_DST, 6, junk);
	if (!(flags & WITHOUT_ETH_SRC))
		mnl_attr_put(nlh, ITO_A_PATH_ETH_SRC, 6, junk);
	if (flags & WITH_VWIRE)
		mnl_attr_put_u8(nlh, ITO_A_PATH_VWIRE, 1);
	if (attr)
		mnl_attr_put(nlh, attr, len, junk);
	mnl_attr_nest_end(nlh, path);
	mnl_attr_nest_end(nlh, flow);
	return ito_flow_parse_reply(nlh, keep_cb, &f);
}

static void test_path_malformed(void **state)
{
	struct flows f = {};
	nlbuf_t buf;

	(void)state;
	/* The minimal path is fine, and so is a NAT address as long as it. */
	assert_int_equal(parse_path_with(0, 0, 0), 0);
	assert_int_equal(parse_path_with(ITO_A_PATH_NAT_SADDR, 4, 0), 0);
	/* A required attribute missing: a routed path's MACs, one or both. */
	assert_int_equal(parse_path_with(0, 0, WITHOUT_ETH_SRC), -EPROTO);
	assert_int_equal(parse_path_with(0, 0, WITHOUT_ETH_DST), -EPROTO);
	assert_int_equal(parse_path_with(0, 0, WITHOUT_MACS), -EPROTO);
	/* A vWire path needs none, and an older module's zeros do no harm. */
	assert_int_equal(parse_path_with(0, 0, WITH_VWIRE | WITHOUT_MACS), 0);
	assert_int_equal(parse_path_with(0, 0, WITH_VWIRE), 0);
	/* Wrong sizes: a u8 where, a u32 VLAN, a 5-byte MAC, a 3-byte address. */
	assert_int_equal(parse_path_with(ITO_A_PATH_WHERE, 1, 0), -EPROTO);
	assert_int_equal(parse_path_with(ITO_A_PATH_IN_VLAN, 4, 0), -EPROTO);
	assert_int_equal(parse_path_with(ITO_A_PATH_ETH_SRC, 5, 0), -EPROTO);
	assert_int_equal(parse_path_with(ITO_A_PATH_ETH_SRC, 5,
					 WITH_VWIRE | WITHOUT_MACS), -EPROTO);
	assert_int_equal(parse_path_with(ITO_A_PATH_NAT_DADDR, 3, 0), -EPROTO);
	/* An IPv6 NAT address in an IPv4 path. */
	assert_int_equal(parse_path_with(ITO_A_PATH_NAT_DADDR, 16, 0), -EPROTO);
	/* A u64 counter of 4 bytes. */
	assert_int_equal(parse_path_with(ITO_A_PATH_PKTS, 4, 0), -EPROTO);
	/* A u16 vWire flag. */
	assert_int_equal(parse_path_with(ITO_A_PATH_VWIRE, 2, 0), -EPROTO);

	/* Three paths: one too many. */
	assert_int_equal(ito_flow_parse_reply(offloaded_reply(buf, &orig_hw,
							  &reply_sw),
					  keep_cb, &f), 0);
	{
		struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
							ITO_CMD_FLOW_GET);
		struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);

		put_path(nlh, &orig_hw);
		put_path(nlh, &reply_sw);
		put_path(nlh, &reply_sw);
		mnl_attr_nest_end(nlh, nest);
		assert_int_equal(ito_flow_parse_reply(nlh, keep_cb, &f), -EPROTO);
	}
}

#define ORIG_TC \
	"tc filter add dev lo ingress protocol ip prio 1 flower skip_sw " \
	"ip_proto tcp src_ip 10.0.1.2 dst_ip 10.0.2.2 src_port 40000 " \
	"dst_port 5201 ip_flags nofrag tcp_flags 0x0/0x7 action pedit ex " \
	"munge eth dst set 02:00:00:00:00:01 munge eth src set " \
	"02:00:00:00:00:02 munge ip ttl add 0xff munge ip src set 10.0.2.1 " \
	"munge tcp sport set 61000 pipe action csum iph and tcp pipe " \
	"action vlan push id 200 pipe action mirred egress redirect dev 999999"
#define REPLY_TC \
	"tc filter add dev 999999 ingress protocol 802.1Q prio 1 flower " \
	"vlan_id 200 vlan_ethtype ip ip_proto tcp src_ip 10.0.2.2 " \
	"dst_ip 10.0.2.1 src_port 5201 dst_port 61000 ip_flags nofrag " \
	"tcp_flags 0x0/0x7 action vlan pop pipe action pedit ex " \
	"munge eth dst set 02:00:00:00:00:03 munge eth src set " \
	"02:00:00:00:00:04 munge ip ttl add 0xff munge ip dst set 10.0.1.2 " \
	"munge tcp dport set 40000 pipe action csum iph and tcp pipe " \
	"action mirred egress redirect dev lo"

static void test_path_detail_text(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(offloaded_reply(buf, &orig_hw, &reply_sw));
	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_detail(&p, &flow);
	assert_string_equal(capture_text(&out),
		"flow 12\n"
		"  tuple    : tcp 10.0.1.2:40000 -> 10.0.2.2:5201\n"
		"  iif      : lo\n"
		"  state    : offloaded\n"
		"  offload  : yes\n"
		"  verdict  : inspect by agent\n"
		"  ct-state : established\n"
		"  packets  : 10 original, 8 reply\n"
		"  bytes    : 1200 original, 900 reply\n"
		"  rate     : 95 pkt/s\n"
		"  age      : 2.1 s\n"
		"  idle     : 0.3 s\n"
		"  copies   : 8\n"
		"original: hw\n"
		"  " ORIG_TC "\n"
		"  packets 5 bytes 600\n"
		"reply: sw\n"
		"  " REPLY_TC "\n"
		"  packets 4 bytes 300\n");
	capture_close(&out);
}

static void test_path_detail_json(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	const char *text;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(offloaded_reply(buf, &orig_hw, &reply_sw));
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_detail(&p, &flow);
	text = capture_text(&out);
	assert_non_null(strstr(text, "\"offload\":true,\"paths\":["
		"{\"dir\":\"original\",\"where\":\"hw\",\"in_dev\":\"lo\","
		"\"in_ifindex\":1,\"in_vlan\":0,\"out_dev\":\"999999\","
		"\"out_ifindex\":999999,\"out_vlan\":200,\"src\":\"10.0.1.2\","
		"\"dst\":\"10.0.2.2\",\"sport\":40000,\"dport\":5201,"
		"\"nat_src\":\"10.0.2.1\",\"nat_sport\":61000,"
		"\"eth_dst\":\"02:00:00:00:00:01\",\"eth_src\":\"02:00:00:00:00:02\","
		"\"packets\":5,\"bytes\":600,\"tc\":\"" ORIG_TC "\"},"
		"{\"dir\":\"reply\",\"where\":\"sw\",\"in_dev\":\"999999\","
		"\"in_ifindex\":999999,\"in_vlan\":200,\"out_dev\":\"lo\","
		"\"out_ifindex\":1,\"out_vlan\":0,\"src\":\"10.0.2.2\","
		"\"dst\":\"10.0.2.1\",\"sport\":5201,\"dport\":61000,"
		"\"nat_dst\":\"10.0.1.2\",\"nat_dport\":40000,"
		"\"eth_dst\":\"02:00:00:00:00:03\",\"eth_src\":\"02:00:00:00:00:04\","
		"\"packets\":4,\"bytes\":300,\"tc\":\"" REPLY_TC "\"}]}\n"));
	/* One object, starting as "show"'s does. */
	assert_true(strncmp(text, "{\"id\":12,\"proto\":\"tcp\",", 23) == 0);
	capture_close(&out);

	/* Without paths, no "paths" member. */
	flow = parse_one(offloaded_reply(buf, NULL, NULL));
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_detail(&p, &flow);
	assert_null(strstr(capture_text(&out), "paths"));
	capture_close(&out);
}

#define VWIRE_ORIG_TC \
	"tc filter add dev lo ingress protocol 802.1Q prio 1 flower skip_sw " \
	"vlan_id 100 vlan_ethtype ip ip_proto tcp src_ip 10.0.1.2 " \
	"dst_ip 10.0.2.2 src_port 40000 dst_port 5201 ip_flags nofrag " \
	"tcp_flags 0x0/0x7 action vlan modify id 200 pipe " \
	"action mirred egress redirect dev 999999"
#define VWIRE_REPLY_TC \
	"tc filter add dev 999999 ingress protocol 802.1Q prio 1 flower skip_sw " \
	"vlan_id 200 vlan_ethtype ip ip_proto tcp src_ip 10.0.2.2 " \
	"dst_ip 10.0.1.2 src_port 5201 dst_port 40000 ip_flags nofrag " \
	"tcp_flags 0x0/0x7 action vlan modify id 100 pipe " \
	"action mirred egress redirect dev lo"

/* A vWire flow's paths: no rewrite in the rules, no MACs in JSON. */
static void test_path_vwire(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	const char *text;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(offloaded_reply(buf, &vwire_orig, &vwire_reply));
	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_detail(&p, &flow);
	text = capture_text(&out);
	assert_non_null(strstr(text,
		"  copies   : 8\n"
		"original: hw\n"
		"  " VWIRE_ORIG_TC "\n"
		"  packets 5 bytes 600\n"
		"reply: hw\n"
		"  " VWIRE_REPLY_TC "\n"
		"  packets 4 bytes 300\n"));
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_detail(&p, &flow);
	text = capture_text(&out);
	assert_non_null(strstr(text, "\"offload\":true,\"paths\":["
		"{\"dir\":\"original\",\"where\":\"hw\",\"in_dev\":\"lo\","
		"\"in_ifindex\":1,\"in_vlan\":100,\"out_dev\":\"999999\","
		"\"out_ifindex\":999999,\"out_vlan\":200,\"src\":\"10.0.1.2\","
		"\"dst\":\"10.0.2.2\",\"sport\":40000,\"dport\":5201,"
		"\"vwire\":true,"
		"\"packets\":5,\"bytes\":600,\"tc\":\"" VWIRE_ORIG_TC "\"},"
		"{\"dir\":\"reply\",\"where\":\"hw\",\"in_dev\":\"999999\","
		"\"in_ifindex\":999999,\"in_vlan\":200,\"out_dev\":\"lo\","
		"\"out_ifindex\":1,\"out_vlan\":100,\"src\":\"10.0.2.2\","
		"\"dst\":\"10.0.1.2\",\"sport\":5201,\"dport\":40000,"
		"\"vwire\":true,"
		"\"packets\":4,\"bytes\":300,\"tc\":\"" VWIRE_REPLY_TC "\"}]}\n"));
	assert_null(strstr(text, "eth_"));
	capture_close(&out);
}

static void test_icmp_and_unknown_values(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	flow = parse_one(icmp_reply(buf));

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_line(&p, &flow);
	assert_string_equal(capture_text(&out),
		"id 3 icmp 192.0.2.1 -> 192.0.2.1 type 8 code 0 id 77 "
		"state 42 verdict none\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_line(&p, &flow);
	assert_string_equal(capture_text(&out),
		"{\"id\":3,\"proto\":\"icmp\",\"family\":\"inet\","
		"\"src\":\"192.0.2.1\",\"sport\":77,\"dst\":\"192.0.2.1\","
		"\"dport\":2048,\"state\":\"42\",\"verdict\":\"none\","
		"\"offload\":false}\n");
	capture_close(&out);
}

/* ---- who gave the verdict ---- */

/* A flow with a verdict and who gave it (no VERDICT_BY if @by is -1). */
static struct ito_flow verdict_flow(void *buf, uint32_t verdict, int64_t by)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_FLOW_GET);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 5);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_OFFLOADED);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, verdict);
	if (by >= 0)
		mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT_BY, by);
	mnl_attr_nest_end(nlh, nest);
	return parse_one(nlh);
}

static void test_verdict_by_words(void **state)
{
	static const struct { uint32_t by; const char *word, *text; } cases[] = {
		{ ITO_VERDICT_BY_NONE, "none", "" },	/* nothing to say in text */
		{ ITO_VERDICT_BY_AGENT, "agent", " by agent" },
		{ ITO_VERDICT_BY_DEFAULT, "default", " by default" },
		{ ITO_VERDICT_BY_CTMARK, "ctmark", " by ctmark" },
		{ ITO_VERDICT_BY_CTLABEL, "ctlabel", " by ctlabel" },
		{ 77, "77", " by 77" },			/* a newer module's */
	};
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	char want[256];
	nlbuf_t buf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		flow = verdict_flow(buf, ITO_VERDICT_OFFLOAD, cases[i].by);
		assert_int_equal(flow.verdict_by, cases[i].by);

		capture_open(&out);
		print_init(&p, out.fp, false, false);
		flow_print_line(&p, &flow);
		snprintf(want, sizeof(want),
			 "id 5 state offloaded verdict offload%s\n",
			 cases[i].text);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);

		capture_open(&out);
		print_init(&p, out.fp, true, false);
		flow_print_line(&p, &flow);
		snprintf(want, sizeof(want),
			 "{\"id\":5,\"state\":\"offloaded\",\"verdict\":\"offload\","
			 "\"verdict_by\":\"%s\",\"offload\":true}\n",
			 cases[i].word);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);

		capture_open(&out);
		print_init(&p, out.fp, false, false);
		flow_print_detail(&p, &flow);
		snprintf(want, sizeof(want),
			 "flow 5\n"
			 "  state    : offloaded\n"
			 "  offload  : yes\n"
			 "  verdict  : offload%s\n", cases[i].text);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);
	}
}

/* The application the agent named (ITO_A_FLOW_APP): text, JSON, detail. */
static void test_flow_app(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 5);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_OFFLOAD);
	mnl_attr_put_strz(nlh, ITO_A_FLOW_APP, "TLS.Google");
	mnl_attr_nest_end(nlh, nest);
	flow = parse_one(nlh);
	assert_string_equal(flow.app, "TLS.Google");

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_line(&p, &flow);
	assert_string_equal(capture_text(&out),
			    "id 5 verdict offload app TLS.Google\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_line(&p, &flow);
	assert_string_equal(capture_text(&out),
			    "{\"id\":5,\"verdict\":\"offload\",\"app\":\"TLS.Google\"}\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_detail(&p, &flow);
	assert_string_equal(capture_text(&out),
			    "flow 5\n  verdict  : offload\n  app      : TLS.Google\n");
	capture_close(&out);
}

/* A name longer than the uapi allows, or not terminated: refused. */
static void test_flow_app_malformed(void **state)
{
	static const char *const names[] = { "", "0123456789abcdefX" };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct ito_flow flow;
	nlbuf_t buf;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
		nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 5);
		if (i < 2)
			mnl_attr_put_strz(nlh, ITO_A_FLOW_APP, names[i]);
		else
			mnl_attr_put(nlh, ITO_A_FLOW_APP, 3, "abc");
		mnl_attr_nest_end(nlh, nest);
		if (i == 0) {
			/* "" is a string: nothing to show */
			flow = parse_one(nlh);
			assert_string_equal(flow.app, "");
			continue;
		}
		{
			struct flows f = {};

			assert_int_not_equal(ito_flow_parse_reply(nlh, keep_cb, &f), 0);
			assert_int_equal(f.n, 0);
		}
	}
}

/* A module that does not say who gave the verdict: nothing about it. */
static void test_verdict_by_absent(void **state)
{
	struct ito_flow flow;
	struct capture out;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	flow = verdict_flow(buf, ITO_VERDICT_BLOCK, -1);
	assert_false(ito_flow_has(&flow, ITO_A_FLOW_VERDICT_BY));

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	flow_print_line(&p, &flow);
	assert_string_equal(capture_text(&out),
		"id 5 state offloaded verdict block\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, true, false);
	flow_print_detail(&p, &flow);
	assert_null(strstr(capture_text(&out), "verdict_by"));
	capture_close(&out);
}

/* A conntrack verdict that changed: the event says where it came from. */
static void test_verdict_by_event(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct capture out;
	struct monitor_out m = {};
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_NTF);
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 9);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_BLOCKED);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_BLOCK);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT_BY, ITO_VERDICT_BY_CTMARK);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_EVENT, ITO_FLOW_EVENT_VERDICT);
	mnl_attr_nest_end(nlh, nest);

	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	assert_int_equal(monitor_event_cb(nlh, &m), MNL_CB_OK);
	assert_string_equal(capture_text(&out),
		"verdict id 9 state blocked verdict block by ctmark\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&m.p, out.fp, true, false);
	assert_int_equal(monitor_event_cb(nlh, &m), MNL_CB_OK);
	assert_string_equal(capture_text(&out),
		"{\"event\":\"verdict\",\"id\":9,\"state\":\"blocked\","
		"\"verdict\":\"block\",\"verdict_by\":\"ctmark\","
		"\"offload\":false}\n");
	capture_close(&out);
}

/* ---- events ---- */

static struct nlmsghdr *event(void *buf, uint32_t ev, uint32_t reason)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_FLOW_NTF);
	struct nlattr *nest;

	nlh->nlmsg_seq = 0;	/* multicast */
	nlh->nlmsg_pid = 0;
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_v4_flow_attrs(nlh, 12);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_EVENT, ev);
	if (reason)
		mnl_attr_put_u32(nlh, ITO_A_FLOW_END_REASON, reason);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_event_text_each_reason(void **state)
{
	static const struct { uint32_t reason; const char *word; } reasons[] = {
		{ ITO_END_REASON_FIN, "fin" },
		{ ITO_END_REASON_RST, "rst" },
		{ ITO_END_REASON_TIMEOUT, "timeout" },
		{ ITO_END_REASON_PORT_REMOVED, "port-removed" },
		{ ITO_END_REASON_FLUSHED, "flushed" },
		{ ITO_END_REASON_DELETED, "deleted" },
		{ 99, "99" },		/* a newer module's */
	};
	struct capture out;
	struct monitor_out m = {};
	char want[512];
	nlbuf_t buf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		capture_open(&out);
		print_init(&m.p, out.fp, false, false);
		assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_END,
							reasons[i].reason), &m),
				 MNL_CB_OK);
		snprintf(want, sizeof(want), "end %s reason %s\n", v4_line,
			 reasons[i].word);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);
	}
}

static void test_event_text_new_and_verdict(void **state)
{
	struct capture out;
	struct monitor_out m = {};
	char want[1024];
	nlbuf_t buf;

	(void)state;
	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_NEW, 0), &m),
			 MNL_CB_OK);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_VERDICT, 0), &m),
			 MNL_CB_OK);
	snprintf(want, sizeof(want), "new %s\nverdict %s\n", v4_line, v4_line);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

static void test_event_json_lines(void **state)
{
	struct capture out;
	struct monitor_out m = {};
	char want[2048];
	nlbuf_t buf;

	(void)state;
	capture_open(&out);
	print_init(&m.p, out.fp, true, false);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_NEW, 0), &m),
			 MNL_CB_OK);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_END,
						ITO_END_REASON_PORT_REMOVED), &m),
			 MNL_CB_OK);
	/* One object per line, the event first, the reason last. */
	snprintf(want, sizeof(want),
		 "{\"event\":\"new\",%s\n{\"event\":\"end\",%.*s,\"reason\":\"port-removed\"}\n",
		 v4_json + 1, (int)strlen(v4_json + 1) - 1, v4_json + 1);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

static void test_event_other_and_malformed(void **state)
{
	struct capture out;
	struct monitor_out m = {};
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	/* Another notification of a newer module: ignored. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_MAX + 1);
	assert_int_equal(monitor_event_cb(nlh, &m), MNL_CB_OK);
	/* A FLOW_NTF without a flow. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_NTF);
	errno = 0;
	assert_int_equal(monitor_event_cb(nlh, &m), MNL_CB_ERROR);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(capture_text(&out), "");
	capture_close(&out);
}

/* An event as the monitor loop receives it: through ito_nl_run(). */
static void test_event_through_run(void **state)
{
	struct capture out;
	struct monitor_out m = {};
	nlbuf_t buf;
	struct nlmsghdr *nlh;

	(void)state;
	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	nlh = event(buf, ITO_FLOW_EVENT_END, ITO_END_REASON_TIMEOUT);
	assert_int_equal(ito_nl_run(buf, nlh->nlmsg_len, 0, 0, monitor_event_cb,
				    &m, NULL, 0), 1);
	assert_non_null(strstr(capture_text(&out), "end id 12 tcp "));
	assert_non_null(strstr(capture_text(&out), " reason timeout\n"));
	capture_close(&out);
}

/* ---- monitor: which events, and when ---- */

static int parse_monitor(struct monitor_out *out, int argc, ...)
{
	char *argv[8];
	va_list ap;

	va_start(ap, argc);
	va_words(argv, argc, ap);
	va_end(ap);
	return monitor_parse_args(argc, argv, out);
}

static void test_monitor_event_words(void **state)
{
	struct monitor_out m = {};

	(void)state;
	assert_int_equal(parse_monitor(&m, 0), EXIT_OK);
	assert_int_equal(m.events, 0);
	assert_int_equal(parse_monitor(&m, 3, "end", "new", "end"), EXIT_OK);
	assert_int_equal(m.events, (1u << ITO_FLOW_EVENT_NEW) |
				   (1u << ITO_FLOW_EVENT_END));
	assert_string_equal(capture_text(&reported), "");
	assert_int_equal(parse_monitor(&m, 2, "new", "flows"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"flows\"?\n"));
	/* -t is an option of itoctl, before the command. */
	assert_int_equal(parse_monitor(&m, 1, "-t"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"-t\"?\n"));
}

static void test_monitor_only_events_asked(void **state)
{
	struct monitor_out m = {};
	struct capture out;
	char want[1024];
	nlbuf_t buf;

	(void)state;
	m.events = 1u << ITO_FLOW_EVENT_END;
	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_NEW, 0), &m),
			 MNL_CB_OK);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_VERDICT, 0),
					  &m), MNL_CB_OK);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_END,
						ITO_END_REASON_FIN), &m),
			 MNL_CB_OK);
	/* A newer module's kind is not one asked for. */
	assert_int_equal(monitor_event_cb(event(buf, 31, 0), &m), MNL_CB_OK);
	assert_int_equal(monitor_event_cb(event(buf, 1000, 0), &m), MNL_CB_OK);
	snprintf(want, sizeof(want), "end %s reason fin\n", v4_line);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
}

/* 2025-01-31 23:59:59 UTC and 5 microseconds. */
static void fixed_clock(struct timespec *now)
{
	now->tv_sec = 1738367999;
	now->tv_nsec = 5999;
}

static void test_monitor_timestamps(void **state)
{
	struct monitor_out m = { .timestamp = true, .clock = fixed_clock };
	struct capture out;
	char want[2048];
	nlbuf_t buf;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	capture_open(&out);
	print_init(&m.p, out.fp, false, false);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_NEW, 0), &m),
			 MNL_CB_OK);
	snprintf(want, sizeof(want), "[2025-01-31T23:59:59.000005] new %s\n",
		 v4_line);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);

	capture_open(&out);
	print_init(&m.p, out.fp, true, false);
	assert_int_equal(monitor_event_cb(event(buf, ITO_FLOW_EVENT_NEW, 0), &m),
			 MNL_CB_OK);
	snprintf(want, sizeof(want),
		 "{\"timestamp\":\"2025-01-31T23:59:59.000005\",\"event\":\"new\",%s\n",
		 v4_json + 1);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
	unsetenv("TZ");
	tzset();
}

/* ---- show filters ---- */

/* "flow show" and up to 8 words, va_list style. */
static int vparse(struct flow_args *args, int argc, va_list ap)
{
	char *argv[9] = { "show" };

	va_words(argv + 1, argc, ap);
	return flow_parse_args(argc + 1, argv, args);
}

/* A dump of the samples, ids 12 (v4 TCP), 7 (v6 UDP), 3 (ICMP), and DONE. */
static size_t sample_dump(void *buf)
{
	struct nlmsghdr *nlh = v4_reply(buf, ITO_CMD_FLOW_GET), *done;

	nlh->nlmsg_flags |= NLM_F_MULTI;
	nlh = v6_reply(nl_next(nlh));
	nlh->nlmsg_flags |= NLM_F_MULTI;
	nlh = icmp_reply(nl_next(nlh));
	nlh->nlmsg_flags |= NLM_F_MULTI;
	done = mnl_nlmsg_put_header(nl_next(nlh));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI;
	done->nlmsg_seq = TEST_SEQ;
	done->nlmsg_pid = TEST_PORTID;
	mnl_nlmsg_put_extra_header(done, sizeof(int));
	return nl_len_upto(buf, nl_next(done));
}

/*
 * The ids "flow show WORDS..." prints of the sample dump, "12 7 3" for
 * all, as the dump goes through ito_nl_run().
 */
static const char *shown_ids(char ids[64], int argc, ...)
{
	struct flow_args args;
	struct flow_show show;
	struct capture out;
	const char *line;
	size_t used = 0;
	nlbuf_t buf;
	va_list ap;

	va_start(ap, argc);
	assert_int_equal(vparse(&args, argc, ap), EXIT_OK);
	va_end(ap);
	capture_open(&out);
	print_init(&show.p, out.fp, false, false);
	show.filter = &args.filter;
	assert_int_equal(ito_nl_run(buf, sample_dump(buf), TEST_SEQ, TEST_PORTID,
				    flow_show_reply_cb, &show, NULL, 0), 0);
	ids[0] = '\0';
	for (line = capture_text(&out); *line; line = strchr(line, '\n') + 1)
		used += snprintf(ids + used, 64 - used, "%s%d", used ? " " : "",
				 atoi(line + 3));	/* after "id " */
	capture_close(&out);
	return ids;
}

static void test_filter_each_keyword(void **state)
{
	char ids[64];

	(void)state;
	assert_string_equal(shown_ids(ids, 0), "12 7 3");
	assert_string_equal(shown_ids(ids, 2, "proto", "tcp"), "12");
	assert_string_equal(shown_ids(ids, 2, "proto", "17"), "7");
	assert_string_equal(shown_ids(ids, 2, "proto", "icmp"), "3");
	assert_string_equal(shown_ids(ids, 2, "proto", "gre"), "");
	assert_string_equal(shown_ids(ids, 2, "src", "10.0.1.2"), "12");
	assert_string_equal(shown_ids(ids, 2, "src", "10.0.0.0/8"), "12");
	assert_string_equal(shown_ids(ids, 2, "src", "0.0.0.0/0"), "12 3");
	assert_string_equal(shown_ids(ids, 2, "src", "10.0.2.2"), "");
	assert_string_equal(shown_ids(ids, 2, "src", "2001:db8::/32"), "7");
	assert_string_equal(shown_ids(ids, 2, "dst", "2001:db8::2"), "7");
	assert_string_equal(shown_ids(ids, 2, "dst", "192.0.2.0/25"), "3");
	/* Prefixes that end inside a byte. */
	assert_string_equal(shown_ids(ids, 2, "dst", "192.0.2.128/25"), "");
	assert_string_equal(shown_ids(ids, 2, "src", "10.0.1.3/31"), "12");
	assert_string_equal(shown_ids(ids, 2, "src", "10.0.1.4/31"), "");
	assert_string_equal(shown_ids(ids, 2, "sport", "40000"), "12");
	assert_string_equal(shown_ids(ids, 2, "sport", "77"), "3");	/* ICMP id */
	assert_string_equal(shown_ids(ids, 2, "dport", "53"), "7");
	assert_string_equal(shown_ids(ids, 2, "iif", "1"), "12");
	assert_string_equal(shown_ids(ids, 2, "iif", "lo"), "12");
	assert_string_equal(shown_ids(ids, 2, "iif", "999999"), "7");
	assert_string_equal(shown_ids(ids, 2, "verdict", "offload"), "7");
	assert_string_equal(shown_ids(ids, 2, "verdict", "none"), "3");
	assert_string_equal(capture_text(&reported), "");
}

static void test_filter_combined(void **state)
{
	char ids[64];

	(void)state;
	assert_string_equal(shown_ids(ids, 4, "proto", "tcp", "dport", "5201"),
			    "12");
	assert_string_equal(shown_ids(ids, 4, "proto", "tcp", "dport", "53"), "");
	assert_string_equal(shown_ids(ids, 6, "dport", "53", "src",
				      "2001:db8::1", "verdict", "offload"), "7");
	/* "state" goes to the kernel; a canned dump ignores it. */
	assert_string_equal(shown_ids(ids, 4, "state", "blocked", "proto",
				      "udp"), "7");
}

/* The filters stay here: the request is the one "state" alone makes. */
static void test_filter_not_in_request(void **state)
{
	struct flow_args a;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(parse(&a, 5, "show", "proto", "tcp", "iif", "1"),
			 EXIT_OK);
	nlh = flow_build_request(buf, TEST_FAMILY, &a);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len,
			 MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)));
}

static void test_filter_errors(void **state)
{
	struct flow_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, "show", "proto", "tcpx"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "proto", "256"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "src", "10.0.0.0/33"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "dst", "host"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "sport", "65536"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "dport", "-1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "verdict", "allow"), EXIT_USAGE);
	assert_int_equal(parse(&a, 5, "show", "sport", "1", "sport", "2"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 2, "show", "iif"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"proto\" must be a protocol name such as "
		"\"tcp\" or a number up to 255, not \"tcpx\"\n"
		"Error: argument of \"proto\" must be a protocol name such as "
		"\"tcp\" or a number up to 255, not \"256\"\n"
		"Error: argument of \"src\" must be a prefix ADDR[/LEN], not "
		"\"10.0.0.0/33\"\n"
		"Error: argument of \"dst\" must be a prefix ADDR[/LEN], not "
		"\"host\"\n"
		"Error: argument of \"sport\" must be an unsigned integer up to "
		"65535, not \"65536\"\n"
		"Error: argument of \"dport\" must be an unsigned integer, not "
		"\"-1\"\n"
		"Error: argument of \"verdict\" must be \"none\", \"offload\", "
		"\"inspect\", \"inspect-all\" or \"block\", not \"allow\"\n"
		"Error: duplicate \"sport\": \"2\" is the second value\n"
		"Error: argument of \"iif\" is missing\n");
	/* An unknown device is a failure, as with "port add". */
	assert_int_equal(parse(&a, 3, "show", "iif", "nosuchdev0"), EXIT_FAIL);
	assert_non_null(strstr(capture_text(&reported),
			       "Error: no such device \"nosuchdev0\"\n"));
	assert_int_equal(parse(&a, 3, "show", "mark", "1"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"mark\"?\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_show, fresh_capture),
		cmocka_unit_test_setup(test_parse_state_words, fresh_capture),
		cmocka_unit_test_setup(test_parse_state_errors, fresh_capture),
		cmocka_unit_test_setup(test_parse_ids, fresh_capture),
		cmocka_unit_test_setup(test_parse_bad_ids, fresh_capture),
		cmocka_unit_test_setup(test_parse_missing_and_extra, fresh_capture),
		cmocka_unit_test_setup(test_parse_verdict_words, fresh_capture),
		cmocka_unit_test(test_request_dump_with_state),
		cmocka_unit_test(test_request_dump_unfiltered),
		cmocka_unit_test(test_request_by_id),
		cmocka_unit_test(test_request_flush),
		cmocka_unit_test(test_reply_v4),
		cmocka_unit_test(test_reply_several_flows),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_show_text),
		cmocka_unit_test(test_show_json),
		cmocka_unit_test(test_show_pretty_json),
		cmocka_unit_test(test_show_empty),
		cmocka_unit_test(test_get_detail_text),
		cmocka_unit_test(test_get_detail_json),
		cmocka_unit_test(test_path_parse),
		cmocka_unit_test(test_path_malformed),
		cmocka_unit_test(test_path_detail_text),
		cmocka_unit_test(test_path_detail_json),
		cmocka_unit_test(test_path_vwire),
		cmocka_unit_test(test_icmp_and_unknown_values),
		cmocka_unit_test(test_verdict_by_words),
		cmocka_unit_test(test_flow_app),
		cmocka_unit_test(test_flow_app_malformed),
		cmocka_unit_test(test_verdict_by_absent),
		cmocka_unit_test(test_verdict_by_event),
		cmocka_unit_test(test_event_text_each_reason),
		cmocka_unit_test(test_event_text_new_and_verdict),
		cmocka_unit_test(test_event_json_lines),
		cmocka_unit_test(test_event_other_and_malformed),
		cmocka_unit_test(test_event_through_run),
		cmocka_unit_test_setup(test_monitor_event_words, fresh_capture),
		cmocka_unit_test(test_monitor_only_events_asked),
		cmocka_unit_test(test_monitor_timestamps),
		cmocka_unit_test_setup(test_filter_each_keyword, fresh_capture),
		cmocka_unit_test_setup(test_filter_combined, fresh_capture),
		cmocka_unit_test(test_filter_not_in_request),
		cmocka_unit_test_setup(test_filter_errors, fresh_capture),
	};

	return cmocka_run_group_tests_name("itoctl_flow", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
