// SPDX-License-Identifier: GPL-2.0
/* Output: text layout, compact and pretty JSON, JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <inttypes.h>

#include "capture.h"
#include "config.h"
#include "counters.h"
#include "print.h"

/* The defaults of the module, as a CONFIG_GET reply would carry them. */
static void default_config(struct ito_config *cfg)
{
	static const uint32_t defaults[] = {
		[ITO_A_CONFIG_ENABLED] = 1,
		[ITO_A_CONFIG_MIN_PKTS] = 8,
		[ITO_A_CONFIG_MIN_RATE] = 95,
		[ITO_A_CONFIG_TCP_AGEING] = 12,
		[ITO_A_CONFIG_UDP_AGEING] = 20,
		[ITO_A_CONFIG_MAX_SESSIONS] = 500000,
		[ITO_A_CONFIG_MAX_UPDATE_RATE] = 7000,
	};
	unsigned int attr;

	memset(cfg, 0, sizeof(*cfg));
	for (attr = ITO_A_CONFIG_ENABLED; attr <= ITO_A_CONFIG_MAX_UPDATE_RATE; attr++) {
		cfg->value[attr] = defaults[attr];
		cfg->present |= 1u << attr;
	}
}

static void show_config(struct capture *out, bool json, bool pretty,
			const struct ito_config *cfg)
{
	struct printer p;

	capture_open(out);
	print_init(&p, out->fp, json, pretty);
	config_print(&p, cfg);
}

static void test_show_text(void **state)
{
	struct ito_config cfg;
	struct capture out;

	(void)state;
	default_config(&cfg);
	show_config(&out, false, false, &cfg);
	assert_string_equal(capture_text(&out),
		"Intelligent Traffic Offload:\n"
		"  offload            : yes\n"
		"  min-pkts           : 8\n"
		"  min-rate           : 95 pkt/s\n"
		"  tcp-ageing         : 12 s\n"
		"  udp-ageing         : 20 s\n"
		"  max-sessions       : 500000\n"
		"  max-update-rate    : 7000 /s\n");
	capture_close(&out);
}

static void test_show_json(void **state)
{
	struct ito_config cfg;
	struct capture out;

	(void)state;
	default_config(&cfg);
	show_config(&out, true, false, &cfg);
	assert_string_equal(capture_text(&out),
		"{\"offload\":true,\"min_pkts\":8,\"min_rate\":95,"
		"\"tcp_ageing\":12,\"udp_ageing\":20,\"max_sessions\":500000,"
		"\"max_update_rate\":7000}\n");
	capture_close(&out);
}

static void test_show_pretty_json(void **state)
{
	struct ito_config cfg;
	struct capture out;

	(void)state;
	default_config(&cfg);
	cfg.value[ITO_A_CONFIG_ENABLED] = 0;
	cfg.present &= ~(1u << ITO_A_CONFIG_MIN_RATE);	/* an older module */
	show_config(&out, false, true, &cfg);	/* -p alone means JSON */
	assert_string_equal(capture_text(&out),
		"{\n"
		"    \"offload\": false,\n"
		"    \"min_pkts\": 8,\n"
		"    \"tcp_ageing\": 12,\n"
		"    \"udp_ageing\": 20,\n"
		"    \"max_sessions\": 500000,\n"
		"    \"max_update_rate\": 7000\n"
		"}\n");
	capture_close(&out);
}

static void test_show_text_offload_no(void **state)
{
	struct ito_config cfg = {};
	struct capture out;

	(void)state;
	cfg.present = 1u << ITO_A_CONFIG_ENABLED;
	show_config(&out, false, false, &cfg);
	assert_string_equal(capture_text(&out),
		"Intelligent Traffic Offload:\n"
		"  offload            : no\n");
	capture_close(&out);
}

/* The knobs of verdicts in conntrack (issue #13), all of them present. */
static void set_verdict_knobs(struct ito_config *cfg, uint32_t source,
			      uint32_t mask, uint32_t offload,
			      uint32_t inspect, uint32_t block,
			      uint32_t offloaded, uint32_t inspected,
			      uint32_t blocked)
{
	static const unsigned int attrs[] = {
		ITO_A_CONFIG_VERDICT_SOURCE, ITO_A_CONFIG_CTMARK_MASK,
		ITO_A_CONFIG_CTMARK_OFFLOAD, ITO_A_CONFIG_CTMARK_INSPECT,
		ITO_A_CONFIG_CTMARK_BLOCK, ITO_A_CONFIG_CTLABEL_OFFLOADED,
		ITO_A_CONFIG_CTLABEL_INSPECTED, ITO_A_CONFIG_CTLABEL_BLOCKED,
	};
	const uint32_t values[] = {
		source, mask, offload, inspect, block,
		offloaded, inspected, blocked,
	};
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		cfg->value[attrs[i]] = values[i];
		cfg->present |= 1u << attrs[i];
	}
}

/* Every knob of this uapi, at the module's defaults. */
static void all_knobs(struct ito_config *cfg)
{
	default_config(cfg);
	cfg->value[ITO_A_CONFIG_SNAPLEN] = 256;
	cfg->value[ITO_A_CONFIG_DEFAULT_VERDICT] = ITO_VERDICT_INSPECT;
	cfg->value[ITO_A_CONFIG_MAX_FLOWS] = 1048576;
	cfg->present |= 1u << ITO_A_CONFIG_SNAPLEN |
			1u << ITO_A_CONFIG_DEFAULT_VERDICT |
			1u << ITO_A_CONFIG_MAX_FLOWS;
	set_verdict_knobs(cfg, ITO_VERDICT_SOURCE_AGENT, 0, 0, 0, 0,
			  ITO_CTLABEL_NONE, ITO_CTLABEL_NONE, ITO_CTLABEL_NONE);
}

static void test_show_new_knobs_text(void **state)
{
	struct ito_config cfg;
	struct capture out;

	(void)state;
	all_knobs(&cfg);
	show_config(&out, false, false, &cfg);
	assert_string_equal(capture_text(&out),
		"Intelligent Traffic Offload:\n"
		"  offload            : yes\n"
		"  min-pkts           : 8\n"
		"  min-rate           : 95 pkt/s\n"
		"  tcp-ageing         : 12 s\n"
		"  udp-ageing         : 20 s\n"
		"  max-sessions       : 500000\n"
		"  max-update-rate    : 7000 /s\n"
		"  snaplen            : 256 bytes\n"
		"  default-verdict    : inspect\n"
		"  max-flows          : 1048576\n"
		"  verdict-source     : agent\n"
		"  ctmark-mask        : 0x0\n"
		"  ctmark-offload     : 0x0\n"
		"  ctmark-inspect     : 0x0\n"
		"  ctmark-block       : 0x0\n"
		"  ctlabel-offloaded  : none\n"
		"  ctlabel-inspected  : none\n"
		"  ctlabel-blocked    : none\n");
	capture_close(&out);
}

static void test_show_new_knobs_json(void **state)
{
	struct ito_config cfg;
	struct capture out;

	(void)state;
	all_knobs(&cfg);
	cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT] = ITO_VERDICT_BLOCK;
	show_config(&out, true, false, &cfg);
	assert_string_equal(capture_text(&out),
		"{\"offload\":true,\"min_pkts\":8,\"min_rate\":95,"
		"\"tcp_ageing\":12,\"udp_ageing\":20,\"max_sessions\":500000,"
		"\"max_update_rate\":7000,\"snaplen\":256,"
		"\"default_verdict\":\"block\",\"max_flows\":1048576,"
		"\"verdict_source\":\"agent\",\"ctmark_mask\":0,"
		"\"ctmark_offload\":0,\"ctmark_inspect\":0,\"ctmark_block\":0,"
		"\"ctlabel_offloaded\":null,\"ctlabel_inspected\":null,"
		"\"ctlabel_blocked\":null}\n");
	capture_close(&out);
}

/* The example of the man page: marks in hex, label bits as numbers. */
static void test_show_conntrack_verdicts_text(void **state)
{
	struct ito_config cfg = {};
	struct capture out;

	(void)state;
	set_verdict_knobs(&cfg, ITO_VERDICT_SOURCE_CTMARK, 0x3, 0x1, 0, 0x2,
			  0, ITO_CTLABEL_NONE, 127);
	show_config(&out, false, false, &cfg);
	assert_string_equal(capture_text(&out),
		"Intelligent Traffic Offload:\n"
		"  verdict-source     : ctmark\n"
		"  ctmark-mask        : 0x3\n"
		"  ctmark-offload     : 0x1\n"
		"  ctmark-inspect     : 0x0\n"
		"  ctmark-block       : 0x2\n"
		"  ctlabel-offloaded  : 0\n"
		"  ctlabel-inspected  : none\n"
		"  ctlabel-blocked    : 127\n");
	capture_close(&out);

	/* The biggest mark, and the bit of the very first label. */
	set_verdict_knobs(&cfg, ITO_VERDICT_SOURCE_ALL, 0xffffffff, 0xff00,
			  0xabcdef01, 0x80000000, ITO_CTLABEL_NONE, 1, 0);
	show_config(&out, false, false, &cfg);
	assert_string_equal(capture_text(&out),
		"Intelligent Traffic Offload:\n"
		"  verdict-source     : agent,ctmark,ctlabel\n"
		"  ctmark-mask        : 0xffffffff\n"
		"  ctmark-offload     : 0xff00\n"
		"  ctmark-inspect     : 0xabcdef01\n"
		"  ctmark-block       : 0x80000000\n"
		"  ctlabel-offloaded  : none\n"
		"  ctlabel-inspected  : 1\n"
		"  ctlabel-blocked    : 0\n");
	capture_close(&out);
}

static void test_show_conntrack_verdicts_json(void **state)
{
	struct ito_config cfg = {};
	struct capture out;

	(void)state;
	set_verdict_knobs(&cfg, ITO_VERDICT_SOURCE_AGENT |
			  ITO_VERDICT_SOURCE_CTMARK, 0x3, 0x1, 0, 0x2,
			  0, ITO_CTLABEL_NONE, 127);
	show_config(&out, true, false, &cfg);
	assert_string_equal(capture_text(&out),
		"{\"verdict_source\":\"agent,ctmark\",\"ctmark_mask\":3,"
		"\"ctmark_offload\":1,\"ctmark_inspect\":0,\"ctmark_block\":2,"
		"\"ctlabel_offloaded\":0,\"ctlabel_inspected\":null,"
		"\"ctlabel_blocked\":127}\n");
	capture_close(&out);

	set_verdict_knobs(&cfg, ITO_VERDICT_SOURCE_CTLABEL, 0xffffffff, 0, 0,
			  0, 5, 6, 7);
	show_config(&out, false, true, &cfg);
	assert_string_equal(capture_text(&out),
		"{\n"
		"    \"verdict_source\": \"ctlabel\",\n"
		"    \"ctmark_mask\": 4294967295,\n"
		"    \"ctmark_offload\": 0,\n"
		"    \"ctmark_inspect\": 0,\n"
		"    \"ctmark_block\": 0,\n"
		"    \"ctlabel_offloaded\": 5,\n"
		"    \"ctlabel_inspected\": 6,\n"
		"    \"ctlabel_blocked\": 7\n"
		"}\n");
	capture_close(&out);
}

/* Sources in a fixed order; a newer module's bits as a number after them. */
static void test_show_verdict_source_words(void **state)
{
	static const struct { uint32_t value; const char *text; } cases[] = {
		{ ITO_VERDICT_SOURCE_AGENT, "agent" },
		{ ITO_VERDICT_SOURCE_CTMARK, "ctmark" },
		{ ITO_VERDICT_SOURCE_CTLABEL, "ctlabel" },
		{ ITO_VERDICT_SOURCE_CTLABEL | ITO_VERDICT_SOURCE_AGENT,
		  "agent,ctlabel" },
		{ ITO_VERDICT_SOURCE_CTMARK | ITO_VERDICT_SOURCE_CTLABEL,
		  "ctmark,ctlabel" },
		{ ITO_VERDICT_SOURCE_ALL, "agent,ctmark,ctlabel" },
		{ ITO_VERDICT_SOURCE_AGENT | 0x8 | 0x40, "agent,0x48" },
		{ 0x80000000, "0x80000000" },
		{ 0, "0x0" },
	};
	struct ito_config cfg = {};
	struct capture out;
	char want[128];
	size_t i;

	(void)state;
	cfg.present = 1u << ITO_A_CONFIG_VERDICT_SOURCE;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg.value[ITO_A_CONFIG_VERDICT_SOURCE] = cases[i].value;
		show_config(&out, true, false, &cfg);
		snprintf(want, sizeof(want), "{\"verdict_source\":\"%s\"}\n",
			 cases[i].text);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);

		show_config(&out, false, false, &cfg);
		snprintf(want, sizeof(want),
			 "Intelligent Traffic Offload:\n"
			 "  verdict-source     : %s\n", cases[i].text);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);
	}
}

static void test_show_default_verdict_words(void **state)
{
	static const struct { uint32_t value; const char *text; } cases[] = {
		{ ITO_VERDICT_OFFLOAD, "offload" },
		{ ITO_VERDICT_INSPECT, "inspect" },
		{ ITO_VERDICT_BLOCK, "block" },
		{ 77, "77" },	/* a newer module's: its number */
	};
	struct ito_config cfg = {};
	struct capture out;
	char want[128];
	size_t i;

	(void)state;
	cfg.present = 1u << ITO_A_CONFIG_DEFAULT_VERDICT;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT] = cases[i].value;
		show_config(&out, true, false, &cfg);
		snprintf(want, sizeof(want), "{\"default_verdict\":\"%s\"}\n",
			 cases[i].text);
		assert_string_equal(capture_text(&out), want);
		capture_close(&out);
	}
}

static void test_json_nesting(void **state)
{
	struct printer p;
	struct capture out;

	(void)state;
	capture_open(&out);
	print_init(&p, out.fp, true, true);
	print_open_object(&p, NULL);
	print_field_uint(&p, PRINT_ANY, "n", "%" PRIu64, 1);
	print_open_array(&p, "list");
	print_field_str(&p, PRINT_JSON, NULL, NULL, "x");
	print_open_object(&p, NULL);
	print_close_object(&p);
	print_close_array(&p);
	print_field_bool(&p, PRINT_JSON, "b", NULL, true);
	print_field_str(&p, PRINT_FP, "t", "%s", "text only");
	print_close_object(&p);
	assert_string_equal(capture_text(&out),
		"{\n"
		"    \"n\": 1,\n"
		"    \"list\": [\n"
		"        \"x\",\n"
		"        {}\n"
		"    ],\n"
		"    \"b\": true\n"
		"}\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	print_open_object(&p, NULL);
	print_field_uint(&p, PRINT_ANY, "n", "n %" PRIu64, 1);
	print_field_bool(&p, PRINT_ANY, "b", " b %s", false);
	print_field_str(&p, PRINT_JSON, "t", " %s", "json only");
	print_text(&p, "\n");
	print_close_object(&p);
	assert_string_equal(capture_text(&out), "n 1 b no\n");
	capture_close(&out);
}

static void test_json_escaping(void **state)
{
	struct capture out;

	(void)state;
	capture_open(&out);
	print_json_string(out.fp, "a\"b\\c\nd\te\r\b\f\x01\x1f-é", false);
	assert_string_equal(capture_text(&out),
		"\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\\u0001\\u001f-é\"");
	capture_close(&out);
}

static void test_json_key_from_keyword(void **state)
{
	struct capture out;

	(void)state;
	capture_open(&out);
	print_json_string(out.fp, "max-update-rate", true);
	assert_string_equal(capture_text(&out), "\"max_update_rate\"");
	capture_close(&out);
}

static void test_string_field(void **state)
{
	struct printer p;
	struct capture out;

	(void)state;
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	print_begin(&p, "ignored in JSON");
	print_string(&p, "a-b", "x\"y-z");
	print_u64(&p, "n", UINT64_MAX, "s");
	print_end(&p);
	assert_string_equal(capture_text(&out),
		"{\"a_b\":\"x\\\"y-z\",\"n\":18446744073709551615}\n");
	capture_close(&out);

	capture_open(&out);
	print_init(&p, out.fp, false, false);
	print_text_layout(&p, "> ", 4, "= ");
	print_begin(&p, NULL);
	print_string(&p, "a-b", "x\"y");
	print_end(&p);
	assert_string_equal(capture_text(&out), "> a-b = x\"y\n");
	capture_close(&out);
}

static void test_empty_object(void **state)
{
	struct printer p;
	struct capture out;

	(void)state;
	capture_open(&out);
	print_init(&p, out.fp, true, false);
	print_begin(&p, NULL);
	print_end(&p);
	print_init(&p, out.fp, true, true);
	print_begin(&p, NULL);
	print_end(&p);
	assert_string_equal(capture_text(&out), "{}\n{}\n");
	capture_close(&out);
}

static struct counter sample_counters[] = {
	{ 0, "flow_offload_rcv_cpu", 12 },
	{ 2, "flow_offload_session_insert", 1099511627781ULL },
	{ 15, "flow_offload_active_session", 3 },
	{ 99, "new_counter", 0 },
};

static struct counter_list sample_list = {
	.entries = sample_counters,
	.len = 4,
	.cap = 4,
};

static void show_counters(struct capture *out, bool json, bool pretty,
			  const char *match)
{
	struct printer p;

	capture_open(out);
	print_init(&p, out->fp, json, pretty);
	counters_print(&p, &sample_list, match);
}

static void test_counters_text(void **state)
{
	struct capture out;

	(void)state;
	show_counters(&out, false, false, NULL);
	assert_string_equal(capture_text(&out),
		"flow_offload_rcv_cpu         12\n"
		"flow_offload_session_insert  1099511627781\n"
		"flow_offload_active_session  3\n"
		"new_counter                  0\n");
	capture_close(&out);
}

static void test_counters_match(void **state)
{
	struct capture out;

	(void)state;
	/* Alignment follows the longest name shown, not the longest known. */
	show_counters(&out, false, false, "session");
	assert_string_equal(capture_text(&out),
		"flow_offload_session_insert  1099511627781\n"
		"flow_offload_active_session  3\n");
	capture_close(&out);

	show_counters(&out, false, false, "nothing_like_this");
	assert_string_equal(capture_text(&out), "");
	capture_close(&out);
}

static void test_counters_json(void **state)
{
	struct capture out;

	(void)state;
	show_counters(&out, true, false, NULL);
	assert_string_equal(capture_text(&out),
		"{\"flow_offload_rcv_cpu\":12,"
		"\"flow_offload_session_insert\":1099511627781,"
		"\"flow_offload_active_session\":3,\"new_counter\":0}\n");
	capture_close(&out);

	show_counters(&out, true, true, "rcv");
	assert_string_equal(capture_text(&out),
		"{\n    \"flow_offload_rcv_cpu\": 12\n}\n");
	capture_close(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_text),
		cmocka_unit_test(test_show_json),
		cmocka_unit_test(test_show_pretty_json),
		cmocka_unit_test(test_show_text_offload_no),
		cmocka_unit_test(test_show_new_knobs_text),
		cmocka_unit_test(test_show_new_knobs_json),
		cmocka_unit_test(test_show_default_verdict_words),
		cmocka_unit_test(test_show_conntrack_verdicts_text),
		cmocka_unit_test(test_show_conntrack_verdicts_json),
		cmocka_unit_test(test_show_verdict_source_words),
		cmocka_unit_test(test_json_nesting),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_key_from_keyword),
		cmocka_unit_test(test_string_field),
		cmocka_unit_test(test_empty_object),
		cmocka_unit_test(test_counters_text),
		cmocka_unit_test(test_counters_match),
		cmocka_unit_test(test_counters_json),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
