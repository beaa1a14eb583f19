// SPDX-License-Identifier: GPL-2.0
/*
 * The ito messages: CONFIG_SET built as the contract says, CONFIG_GET and
 * COUNTERS_GET replies parsed (unknown attributes skipped), and how kernel
 * errors are reported.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "capture.h"
#include "config.h"
#include "counters.h"
#include "itoctl.h"
#include "nlbuild.h"

static void test_config_set_message(void **state)
{
	const struct nlattr *top[4] = {}, *knobs[10] = {};
	struct ito_config cfg = {};
	const struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	cfg.value[ITO_A_CONFIG_ENABLED] = 0;
	cfg.value[ITO_A_CONFIG_MIN_PKTS] = 5;
	cfg.value[ITO_A_CONFIG_MAX_UPDATE_RATE] = 100;
	cfg.value[ITO_A_CONFIG_TCP_AGEING] = 99;	/* not present: not sent */
	cfg.present = 1u << ITO_A_CONFIG_ENABLED | 1u << ITO_A_CONFIG_MIN_PKTS |
		      1u << ITO_A_CONFIG_MAX_UPDATE_RATE;

	nlh = config_build_set(buf, TEST_FAMILY, &cfg);
	genl = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(genl->cmd, ITO_CMD_CONFIG_SET);
	assert_int_equal(genl->version, ITO_FAMILY_VERSION);

	/* Exactly one top-level attribute: the ITO_A_CONFIG nest. */
	assert_int_equal(mnl_attr_parse(nlh, sizeof(*genl), collect_attr_cb, top),
			 MNL_CB_OK);
	assert_non_null(top[0]);
	assert_null(top[1]);
	assert_int_equal(mnl_attr_get_type(top[0]), ITO_A_CONFIG);
	assert_true(mnl_attr_get_len(top[0]) > 0);

	/* Holding the three knobs, as u32, in attribute order. */
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, knobs),
			 MNL_CB_OK);
	assert_null(knobs[3]);
	assert_int_equal(mnl_attr_get_type(knobs[0]), ITO_A_CONFIG_ENABLED);
	assert_int_equal(mnl_attr_validate(knobs[0], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(knobs[0]), 0);
	assert_int_equal(mnl_attr_get_type(knobs[1]), ITO_A_CONFIG_MIN_PKTS);
	assert_int_equal(mnl_attr_get_u32(knobs[1]), 5);
	assert_int_equal(mnl_attr_get_type(knobs[2]), ITO_A_CONFIG_MAX_UPDATE_RATE);
	assert_int_equal(mnl_attr_get_u32(knobs[2]), 100);
}

static void test_config_set_roundtrip(void **state)
{
	struct ito_config cfg = {}, back;
	nlbuf_t buf;

	(void)state;
	cfg.value[ITO_A_CONFIG_MAX_SESSIONS] = 4000000;
	cfg.present = 1u << ITO_A_CONFIG_MAX_SESSIONS;
	assert_int_equal(config_parse_reply(config_build_set(buf, 1, &cfg), &back), 0);
	assert_int_equal(back.present, cfg.present);
	assert_int_equal(back.value[ITO_A_CONFIG_MAX_SESSIONS], 4000000);
}

static void test_config_set_new_knobs(void **state)
{
	const struct nlattr *top[4] = {}, *knobs[10] = {};
	struct ito_config cfg = {};
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	cfg.value[ITO_A_CONFIG_SNAPLEN] = 128;
	cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT] = ITO_VERDICT_OFFLOAD;
	cfg.value[ITO_A_CONFIG_MAX_FLOWS] = 1000;
	cfg.present = 1u << ITO_A_CONFIG_SNAPLEN |
		      1u << ITO_A_CONFIG_DEFAULT_VERDICT |
		      1u << ITO_A_CONFIG_MAX_FLOWS;
	nlh = config_build_set(buf, TEST_FAMILY, &cfg);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
					collect_attr_cb, top), MNL_CB_OK);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, knobs),
			 MNL_CB_OK);
	assert_null(knobs[3]);
	assert_int_equal(mnl_attr_get_type(knobs[0]), ITO_A_CONFIG_SNAPLEN);
	assert_int_equal(mnl_attr_get_u32(knobs[0]), 128);
	assert_int_equal(mnl_attr_get_type(knobs[1]), ITO_A_CONFIG_DEFAULT_VERDICT);
	assert_int_equal(mnl_attr_validate(knobs[1], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(knobs[1]), ITO_VERDICT_OFFLOAD);
	assert_int_equal(mnl_attr_get_type(knobs[2]), ITO_A_CONFIG_MAX_FLOWS);
	assert_int_equal(mnl_attr_get_u32(knobs[2]), 1000);
}

/* From the words of "itoctl set" to the attributes the kernel gets. */
static void test_config_set_conntrack_verdicts(void **state)
{
	char *argv[] = { "ctlabel-blocked", "none", "verdict-source", "agent,ctmark",
			 "ctmark-mask", "0x3", "ctmark-offload", "0x1",
			 "ctmark-block", "2", "ctlabel-offloaded", "0" };
	static const struct { uint16_t type; uint32_t value; } want[] = {
		{ ITO_A_CONFIG_VERDICT_SOURCE,
		  ITO_VERDICT_SOURCE_AGENT | ITO_VERDICT_SOURCE_CTMARK },
		{ ITO_A_CONFIG_CTMARK_MASK, 3 },
		{ ITO_A_CONFIG_CTMARK_OFFLOAD, 1 },
		{ ITO_A_CONFIG_CTMARK_BLOCK, 2 },
		{ ITO_A_CONFIG_CTLABEL_OFFLOADED, 0 },
		{ ITO_A_CONFIG_CTLABEL_BLOCKED, ITO_CTLABEL_NONE },
	};
	const struct nlattr *top[4] = {}, *knobs[10] = {};
	struct ito_config cfg, back;
	struct nlmsghdr *nlh;
	nlbuf_t buf;
	size_t i;

	(void)state;
	assert_int_equal(config_parse_args(12, argv, &cfg), EXIT_OK);
	nlh = config_build_set(buf, TEST_FAMILY, &cfg);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
					collect_attr_cb, top), MNL_CB_OK);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, knobs),
			 MNL_CB_OK);
	/* Each a u32, in attribute order; ctmark-inspect not given, not sent. */
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(knobs[i]);
		assert_int_equal(mnl_attr_get_type(knobs[i]), want[i].type);
		assert_int_equal(mnl_attr_validate(knobs[i], MNL_TYPE_U32), 0);
		assert_int_equal(mnl_attr_get_u32(knobs[i]), want[i].value);
	}
	assert_null(knobs[i]);

	/* And read back as a CONFIG_GET reply would carry them. */
	assert_int_equal(config_parse_reply(nlh, &back), 0);
	assert_int_equal(back.present, cfg.present);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(back.value[want[i].type], want[i].value);
}

static void test_config_reply_new_knobs(void **state)
{
	struct ito_config cfg;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_CONFIG_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_SNAPLEN, 256);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_DEFAULT_VERDICT, ITO_VERDICT_INSPECT);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MAX_FLOWS, 1048576);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(config_parse_reply(nlh, &cfg), 0);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_SNAPLEN |
				      1u << ITO_A_CONFIG_DEFAULT_VERDICT |
				      1u << ITO_A_CONFIG_MAX_FLOWS);
	assert_int_equal(cfg.value[ITO_A_CONFIG_SNAPLEN], 256);
	assert_int_equal(cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT], ITO_VERDICT_INSPECT);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_FLOWS], 1048576);
}

static struct nlmsghdr *config_reply(void *buf)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_CONFIG_GET);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, ITO_A_MAX + 1, 1);	/* newer top-level attr */
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_ENABLED, 1);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MIN_PKTS, 8);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MIN_RATE, 95);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_TCP_AGEING, 12);
	/* A knob of a newer module, of a type we could not even parse. */
	mnl_attr_put_strz(nlh, ITO_A_CONFIG_MAX + 1, "future");
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_UDP_AGEING, 20);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MAX_SESSIONS, 500000);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MAX_UPDATE_RATE, 7000);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_config_reply(void **state)
{
	struct ito_config cfg;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(config_parse_reply(config_reply(buf), &cfg), 0);
	assert_int_equal(cfg.present, 0xfe);	/* 1..7, nothing of the future */
	assert_int_equal(cfg.value[ITO_A_CONFIG_ENABLED], 1);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MIN_PKTS], 8);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MIN_RATE], 95);
	assert_int_equal(cfg.value[ITO_A_CONFIG_TCP_AGEING], 12);
	assert_int_equal(cfg.value[ITO_A_CONFIG_UDP_AGEING], 20);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_SESSIONS], 500000);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_UPDATE_RATE], 7000);
}

static void test_config_reply_malformed(void **state)
{
	struct ito_config cfg;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	/* No ITO_A_CONFIG at all. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_CONFIG_GET);
	assert_int_equal(config_parse_reply(nlh, &cfg), -EPROTO);

	/* A known knob of the wrong size. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_CONFIG_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u16(nlh, ITO_A_CONFIG_MIN_PKTS, 8);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(config_parse_reply(nlh, &cfg), -EPROTO);

	/* Not even a genlmsghdr. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = TEST_FAMILY;
	assert_int_equal(config_parse_reply(nlh, &cfg), -EPROTO);
}

static void test_counters_reply(void **state)
{
	struct counter_list list = {};
	struct nlattr *counters, *entry;
	struct nlmsghdr *nlh;
	char unnamed[32];
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	put_counter_entry(nlh, ITO_CNT_FLOW_OFFLOAD_RCV_CPU, "flow_offload_rcv_cpu", 12);

	/* Padding, as nla_put_u64_64bit() adds, and a newer attribute. */
	entry = mnl_attr_nest_start(nlh, ITO_A_COUNTERS_ENTRY);
	mnl_attr_put_u32(nlh, ITO_A_COUNTER_ID, ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT);
	mnl_attr_put_strz(nlh, ITO_A_COUNTER_NAME, "flow_offload_session_insert");
	mnl_attr_put(nlh, ITO_A_COUNTER_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, ITO_A_COUNTER_VALUE, (1ULL << 40) + 5);
	mnl_attr_put_u32(nlh, ITO_A_COUNTER_MAX + 1, 77);
	mnl_attr_nest_end(nlh, entry);

	/* Not an entry: a newer kind of member of the nest. */
	mnl_attr_put_u32(nlh, ITO_A_COUNTERS_MAX + 1, 3);
	/* A counter this tool was not built with, unnamed. */
	put_counter_entry(nlh, __ITO_CNT_MAX + 4, NULL, UINT64_MAX);
	mnl_attr_nest_end(nlh, counters);

	assert_int_equal(counters_parse_reply(nlh, &list), 0);
	assert_int_equal(list.len, 3);
	assert_int_equal(list.entries[0].id, ITO_CNT_FLOW_OFFLOAD_RCV_CPU);
	assert_string_equal(list.entries[0].name, "flow_offload_rcv_cpu");
	assert_int_equal(list.entries[0].value, 12);
	assert_int_equal(list.entries[1].id, ITO_CNT_FLOW_OFFLOAD_SESSION_INSERT);
	assert_string_equal(list.entries[1].name, "flow_offload_session_insert");
	assert_true(list.entries[1].value == (1ULL << 40) + 5);
	/* Named after its id, whatever the id (uapi grows the enum). */
	snprintf(unnamed, sizeof(unnamed), "counter_%u", __ITO_CNT_MAX + 4);
	assert_string_equal(list.entries[2].name, unnamed);
	assert_true(list.entries[2].value == UINT64_MAX);
	counters_free(&list);
	assert_int_equal(list.len, 0);
	assert_null(list.entries);
}

static void test_counters_reply_many(void **state)
{
	struct counter_list list = {};
	struct nlattr *counters;
	struct nlmsghdr *nlh;
	char name[32];
	uint32_t i;
	nlbuf_t buf;

	(void)state;
	/* More than the list's first allocation. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		put_counter_entry(nlh, i, name, i * 3);
	}
	mnl_attr_nest_end(nlh, counters);

	assert_int_equal(counters_parse_reply(nlh, &list), 0);
	assert_int_equal(list.len, 100);
	assert_string_equal(list.entries[99].name, "c99");
	assert_int_equal(list.entries[99].value, 297);
	counters_free(&list);
}

static void test_counters_reply_malformed(void **state)
{
	struct counter_list list = {};
	struct nlattr *counters, *entry;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	assert_int_equal(counters_parse_reply(nlh, &list), -EPROTO);

	/* An entry without a value. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	entry = mnl_attr_nest_start(nlh, ITO_A_COUNTERS_ENTRY);
	mnl_attr_put_strz(nlh, ITO_A_COUNTER_NAME, "x");
	mnl_attr_nest_end(nlh, entry);
	mnl_attr_nest_end(nlh, counters);
	assert_int_equal(counters_parse_reply(nlh, &list), -EPROTO);

	/* A value that is not a u64. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	entry = mnl_attr_nest_start(nlh, ITO_A_COUNTERS_ENTRY);
	mnl_attr_put_strz(nlh, ITO_A_COUNTER_NAME, "x");
	mnl_attr_put_u32(nlh, ITO_A_COUNTER_VALUE, 1);
	mnl_attr_nest_end(nlh, entry);
	mnl_attr_nest_end(nlh, counters);
	assert_int_equal(counters_parse_reply(nlh, &list), -EPROTO);
	counters_free(&list);
}

/* The whole path of a rejected CONFIG_SET: NLMSG_ERROR to the user's screen. */
static void test_rejection_reaches_user(void **state)
{
	nlbuf_t req_buf, buf;
	struct ito_config cfg = {};
	struct nlmsghdr *req, *err;
	char extack[128];
	int ret;

	(void)state;
	cfg.value[ITO_A_CONFIG_MIN_PKTS] = 0;
	cfg.present = 1u << ITO_A_CONFIG_MIN_PKTS;
	req = config_build_set(req_buf, TEST_FAMILY, &cfg);
	req->nlmsg_seq = TEST_SEQ;
	err = nl_error_put(buf, -ERANGE, req, true,
			   "min_pkts out of range [1, 1024]");

	ret = ito_nl_run(buf, err->nlmsg_len, TEST_SEQ, TEST_PORTID, NULL, NULL,
			 extack, sizeof(extack));
	assert_int_equal(ret, -ERANGE);
	assert_int_equal(report_kernel_error(ret, extack, "changing the configuration"),
			 EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
		"Error: min_pkts out of range [1, 1024]\n");
}

static void test_report_wording(void **state)
{
	(void)state;
	assert_int_equal(report_kernel_error(-EPERM, "", "reading the counters"),
			 EXIT_FAIL);
	assert_int_equal(report_kernel_error(-EOPNOTSUPP, "", "reading the counters"),
			 EXIT_FAIL);
	assert_int_equal(report_connect_error(-ENOENT, ""), EXIT_FAIL);
	assert_int_equal(report_kernel_error(-EPERM, "max_flows above 1048576 needs CAP_NET_ADMIN in the initial user namespace",
					     "changing the configuration"), EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
		"Error: permission denied (CAP_NET_ADMIN needed)\n"
		"Error: reading the counters failed: Operation not supported\n"
		"Error: the ito module is not loaded (generic netlink family \"ito\" not found)\n"
		"Error: max_flows above 1048576 needs CAP_NET_ADMIN in the initial user namespace\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_set_message),
		cmocka_unit_test(test_config_set_roundtrip),
		cmocka_unit_test(test_config_set_new_knobs),
		cmocka_unit_test(test_config_reply_new_knobs),
		cmocka_unit_test_setup(test_config_set_conntrack_verdicts, fresh_capture),
		cmocka_unit_test(test_config_reply),
		cmocka_unit_test(test_config_reply_malformed),
		cmocka_unit_test(test_counters_reply),
		cmocka_unit_test(test_counters_reply_many),
		cmocka_unit_test(test_counters_reply_malformed),
		cmocka_unit_test_setup(test_rejection_reaches_user, fresh_capture),
		cmocka_unit_test_setup(test_report_wording, fresh_capture),
	};

	return cmocka_run_group_tests_name("messages", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
