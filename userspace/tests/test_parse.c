// SPDX-License-Identifier: GPL-2.0
/* Command line parsing: keywords, numbers, yes/no and the "set" grammar. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "config.h"
#include "parse.h"

static void test_keyword_exact_match(void **state)
{
	(void)state;
	assert_true(keyword_is("show", "show"));
	assert_false(keyword_is("sho", "show"));	/* no abbreviations */
	assert_false(keyword_is("shows", "show"));
	assert_false(keyword_is("SHOW", "show"));
	assert_false(keyword_is("", "show"));
}

static void test_u32_valid(void **state)
{
	uint32_t v = 1;

	(void)state;
	assert_int_equal(parse_u32("min-pkts", "0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u32("min-pkts", "8", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(parse_u32("min-pkts", "4294967295", &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_string_equal(capture_text(&reported), "");
}

static void test_u32_not_a_number(void **state)
{
	uint32_t v = 42;

	(void)state;
	assert_int_equal(parse_u32("min-pkts", "abc", &v), -EINVAL);
	assert_int_equal(v, 42);	/* untouched on error */
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"min-pkts\" must be an unsigned integer, not \"abc\"\n");
}

static void test_u32_overflow(void **state)
{
	uint32_t v = 42;

	(void)state;
	assert_int_equal(parse_u32("max-sessions", "4294967296", &v), -EINVAL);
	assert_int_equal(v, 42);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"max-sessions\" must be an unsigned integer up to 4294967295, not \"4294967296\"\n");
	/* Beyond unsigned long long too (strtoull's ERANGE). */
	assert_int_equal(parse_u32("max-sessions", "99999999999999999999999", &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void test_u32_rejects_sign_space_and_junk(void **state)
{
	const char *bad[] = { "-1", "+1", " 1", "1 ", "", "1x", "0x10", "1.5", "-0" };
	uint32_t v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_u32("min-rate", bad[i], &v), -EINVAL);
		assert_int_equal(v, 42);
	}
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"min-rate\" must be an unsigned integer, not \"-1\"\n"));
}

static void test_yes_no(void **state)
{
	bool v = false;

	(void)state;
	assert_int_equal(parse_yes_no("offload", "yes", &v), 0);
	assert_true(v);
	assert_int_equal(parse_yes_no("offload", "no", &v), 0);
	assert_false(v);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse_yes_no("offload", "maybe", &v), -EINVAL);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"offload\" must be \"yes\" or \"no\", not \"maybe\"\n");
	assert_int_equal(parse_yes_no("offload", "YES", &v), -EINVAL);
	assert_int_equal(parse_yes_no("offload", "y", &v), -EINVAL);
	assert_int_equal(parse_yes_no("offload", "1", &v), -EINVAL);
}

static void test_messages(void **state)
{
	(void)state;
	unknown_word("foo");
	missing_argument("match");
	duplicate_argument("min-pkts", "9");
	assert_string_equal(capture_text(&reported),
		"What is \"foo\"?\n"
		"Error: argument of \"match\" is missing\n"
		"Error: duplicate \"min-pkts\": \"9\" is the second value\n");
}

static void test_set_args_several_knobs(void **state)
{
	char *argv[] = { "offload", "no", "min-pkts", "16", "min-rate", "0",
			 "tcp-ageing", "30", "udp-ageing", "40",
			 "max-sessions", "1000", "max-update-rate", "5" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(14, argv, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 0xfe);	/* attributes 1..7 */
	assert_int_equal(cfg.value[ITO_A_CONFIG_ENABLED], 0);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MIN_PKTS], 16);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MIN_RATE], 0);
	assert_int_equal(cfg.value[ITO_A_CONFIG_TCP_AGEING], 30);
	assert_int_equal(cfg.value[ITO_A_CONFIG_UDP_AGEING], 40);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_SESSIONS], 1000);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_UPDATE_RATE], 5);
	assert_string_equal(capture_text(&reported), "");
}

static void test_set_args_one_knob(void **state)
{
	char *argv[] = { "offload", "yes" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, argv, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_ENABLED);
	assert_int_equal(cfg.value[ITO_A_CONFIG_ENABLED], 1);
}

static void test_set_args_no_range_check(void **state)
{
	/* The kernel owns the ranges, so its message reaches the user. */
	char *argv[] = { "min-pkts", "0", "max-sessions", "4294967295" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(4, argv, &cfg), EXIT_OK);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MIN_PKTS], 0);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_SESSIONS], UINT32_MAX);
}

static void test_set_args_unknown_keyword(void **state)
{
	char *argv[] = { "min-pkt", "8" };	/* abbreviation */
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, argv, &cfg), EXIT_USAGE);
	assert_true(strncmp(capture_text(&reported),
			    "What is \"min-pkt\"?\nUsage: ", 25) == 0);
}

static void test_set_args_usage_errors(void **state)
{
	char *missing[] = { "min-pkts", "8", "udp-ageing" };
	char *twice[] = { "min-pkts", "8", "min-pkts", "9" };
	char *bad_bool[] = { "offload", "maybe" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(0, NULL, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(3, missing, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"udp-ageing\" is missing\n"));
	assert_int_equal(config_parse_args(4, twice, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: duplicate \"min-pkts\": \"9\" is the second value\n"));
	assert_int_equal(config_parse_args(2, bad_bool, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"must be \"yes\" or \"no\", not \"maybe\"\n"));
}

static void test_set_args_new_knobs(void **state)
{
	char *argv[] = { "snaplen", "64", "default-verdict", "block",
			 "max-flows", "16777216" };
	static const struct { const char *word; uint32_t value; } verdicts[] = {
		{ "offload", ITO_VERDICT_OFFLOAD },
		{ "inspect", ITO_VERDICT_INSPECT },
		{ "block", ITO_VERDICT_BLOCK },
	};
	struct ito_config cfg;
	size_t i;

	(void)state;
	assert_int_equal(config_parse_args(6, argv, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_SNAPLEN |
				      1u << ITO_A_CONFIG_DEFAULT_VERDICT |
				      1u << ITO_A_CONFIG_MAX_FLOWS);
	assert_int_equal(cfg.value[ITO_A_CONFIG_SNAPLEN], 64);
	assert_int_equal(cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT], ITO_VERDICT_BLOCK);
	assert_int_equal(cfg.value[ITO_A_CONFIG_MAX_FLOWS], 16777216);

	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		char *one[] = { "default-verdict", (char *)verdicts[i].word };

		assert_int_equal(config_parse_args(2, one, &cfg), EXIT_OK);
		assert_int_equal(cfg.value[ITO_A_CONFIG_DEFAULT_VERDICT],
				 verdicts[i].value);
	}
	assert_string_equal(capture_text(&reported), "");
}

static void test_set_args_ha_role(void **state)
{
	char *passive[] = { "ha-role", "passive" };
	char *active[] = { "ha-role", "active" };
	char *bad[] = { "ha-role", "backup" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, passive, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_HA_ROLE);
	assert_int_equal(cfg.value[ITO_A_CONFIG_HA_ROLE], ITO_HA_ROLE_PASSIVE);
	assert_int_equal(config_parse_args(2, active, &cfg), EXIT_OK);
	assert_int_equal(cfg.value[ITO_A_CONFIG_HA_ROLE], ITO_HA_ROLE_ACTIVE);
	assert_string_equal(capture_text(&reported), "");
	assert_int_equal(config_parse_args(2, bad, &cfg), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"ha-role\" must be \"active\" or "
		"\"passive\", not \"backup\"\n");
}

static void test_set_args_ha_hold(void **state)
{
	char *both[] = { "ha-role", "active", "ha-hold", "6000" };
	char *bad[] = { "ha-hold", "3s" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(4, both, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_HA_ROLE |
				      1u << ITO_A_CONFIG_HA_HOLD);
	assert_int_equal(cfg.value[ITO_A_CONFIG_HA_HOLD], 6000);
	assert_string_equal(capture_text(&reported), "");
	assert_int_equal(config_parse_args(2, bad, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "\"ha-hold\""));
}

static void test_set_args_copy_delay(void **state)
{
	char *zero[] = { "copy-delay", "0" };
	char *bad[] = { "copy-delay", "1ms" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, zero, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_COPY_DELAY);
	assert_int_equal(cfg.value[ITO_A_CONFIG_COPY_DELAY], 0);
	assert_string_equal(capture_text(&reported), "");
	assert_int_equal(config_parse_args(2, bad, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "\"copy-delay\""));
}

static void test_set_args_default_verdict_words(void **state)
{
	/* inspect-all is a flow's verdict, not a default; none is no verdict. */
	char *all[] = { "default-verdict", "inspect-all" };
	char *none[] = { "default-verdict", "none" };
	char *number[] = { "default-verdict", "2" };
	char *missing[] = { "snaplen", "256", "default-verdict" };
	char *twice[] = { "default-verdict", "block", "default-verdict", "offload" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, all, &cfg), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"default-verdict\" must be \"offload\", "
		"\"inspect\" or \"block\", not \"inspect-all\"\n");
	assert_int_equal(config_parse_args(2, none, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, number, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(3, missing, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"default-verdict\" is missing\n"));
	assert_int_equal(config_parse_args(4, twice, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: duplicate \"default-verdict\": \"offload\" is the second value\n"));
}

static void test_set_args_snaplen_max_flows_numbers(void **state)
{
	char *neg[] = { "snaplen", "-1" };
	char *big[] = { "max-flows", "4294967296" };
	char *range[] = { "snaplen", "0", "max-flows", "0" };	/* kernel's call */
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, neg, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, big, &cfg), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"snaplen\" must be an unsigned integer, not \"-1\"\n"
		"Error: argument of \"max-flows\" must be an unsigned integer up to 4294967295, not \"4294967296\"\n");
	assert_int_equal(config_parse_args(4, range, &cfg), EXIT_OK);
}

static void test_u16_u64(void **state)
{
	uint16_t v16 = 1;
	uint64_t v64 = 1;

	(void)state;
	assert_int_equal(parse_u16("vlan", "65535", &v16), 0);
	assert_int_equal(v16, 65535);
	assert_int_equal(parse_u16("vlan", "65536", &v16), -EINVAL);
	assert_int_equal(v16, 65535);
	assert_int_equal(parse_u64("get", "18446744073709551615", &v64), 0);
	assert_true(v64 == UINT64_MAX);
	assert_int_equal(parse_u64("get", "18446744073709551616", &v64), -EINVAL);
	assert_int_equal(parse_u64("get", "-1", &v64), -EINVAL);
	assert_int_equal(parse_u64("get", "1x", &v64), -EINVAL);
	assert_true(v64 == UINT64_MAX);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"vlan\" must be an unsigned integer up to 65535, not \"65536\"\n"
		"Error: argument of \"get\" must be an unsigned integer up to 18446744073709551615, not \"18446744073709551616\"\n"
		"Error: argument of \"get\" must be an unsigned integer, not \"-1\"\n"
		"Error: argument of \"get\" must be an unsigned integer, not \"1x\"\n");
}

static void test_u16_range(void **state)
{
	uint16_t lo = 7, hi = 7;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_u16_range("ports", "1024-65535", &lo, &hi), 0);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 65535);
	assert_int_equal(parse_u16_range("ports", "80", &lo, &hi), 0);
	assert_int_equal(lo, 80);
	assert_int_equal(hi, 80);
	/* The order is the kernel's business. */
	assert_int_equal(parse_u16_range("ports", "9-0", &lo, &hi), 0);
	assert_int_equal(lo, 9);
	assert_int_equal(hi, 0);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse_u16_range("ports", "", &lo, &hi), -EINVAL);
	assert_int_equal(parse_u16_range("ports", "-5", &lo, &hi), -EINVAL);
	assert_int_equal(parse_u16_range("ports", "1-2-3", &lo, &hi), -EINVAL);
	assert_int_equal(parse_u16_range("ports", "1-65536", &lo, &hi), -EINVAL);
	assert_int_equal(parse_u16_range("ports", "+1", &lo, &hi), -EINVAL);
	assert_int_equal(lo, 9);	/* untouched on error */
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"ports\" must be N or MIN-MAX, unsigned integers up to 65535, not \"1-2-3\"\n"));

	/* Only the length asked for is read. */
	assert_true(digits_value("12x", 2, 99, &v));
	assert_int_equal(v, 12);
	assert_false(digits_value("12", 2, 11, &v));
	assert_true(digits_value("18446744073709551615", 20, UINT64_MAX, &v));
	assert_int_equal(v, UINT64_MAX);
	assert_false(digits_value("18446744073709551616", 20, UINT64_MAX, &v));
	assert_false(digits_value("", 0, 9, &v));
}

static void test_choice(void **state)
{
	static const struct ito_name one[] = { { "only", 7 }, { NULL, 0 } };
	static const struct ito_name two[] = { { "a", 1 }, { "b", 2 }, { NULL, 0 } };
	uint32_t v = 0;

	(void)state;
	assert_int_equal(parse_choice("k", "only", one, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_choice("k", "b", two, &v), 0);
	assert_int_equal(v, 2);
	assert_string_equal(ito_name_word(two, 1), "a");
	assert_null(ito_name_word(two, 3));
	assert_int_equal(parse_choice("k", "c", one, &v), -EINVAL);
	assert_int_equal(parse_choice("k", "B", two, &v), -EINVAL);
	assert_int_equal(v, 2);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"k\" must be \"only\", not \"c\"\n"
		"Error: argument of \"k\" must be \"a\" or \"b\", not \"B\"\n");
}

static void test_u32_hex(void **state)
{
	static const struct { const char *arg; uint32_t value; } good[] = {
		{ "0", 0 }, { "3", 3 }, { "010", 10 },	/* decimal, not octal */
		{ "4294967295", UINT32_MAX }, { "0x0", 0 }, { "0x3", 3 },
		{ "0X3", 3 }, { "0xff00", 0xff00 }, { "0xFF00", 0xff00 },
		{ "0xffffffff", UINT32_MAX }, { "0x00000000ffffffff", UINT32_MAX },
	};
	const char *bad[] = { "", "0x", "x3", "-1", "+1", " 1", "1 ", "0x-1",
			      "0x 1", "0x0x1", "3h", "0xg", "1.5", "ff" };
	uint32_t v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_u32_hex("ctmark-mask", good[i].arg, &v), 0);
		assert_int_equal(v, good[i].value);
	}
	assert_string_equal(capture_text(&reported), "");

	v = 42;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_u32_hex("ctmark-mask", bad[i], &v), -EINVAL);
		assert_int_equal(v, 42);
	}
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"ctmark-mask\" must be an unsigned integer, "
		"decimal or hexadecimal after \"0x\", not \"0x\"\n"));
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"ctmark-mask\" must be an unsigned integer, "
		"decimal or hexadecimal after \"0x\", not \"0x0x1\"\n"));
}

static void test_u32_hex_overflow(void **state)
{
	uint32_t v = 42;

	(void)state;
	assert_int_equal(parse_u32_hex("ctmark-block", "0x100000000", &v), -EINVAL);
	assert_int_equal(parse_u32_hex("ctmark-block", "4294967296", &v), -EINVAL);
	assert_int_equal(parse_u32_hex("ctmark-block",
				       "0xffffffffffffffffffff", &v), -EINVAL);
	assert_int_equal(v, 42);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"ctmark-block\" must be an unsigned integer up to 0xffffffff, not \"0x100000000\"\n"
		"Error: argument of \"ctmark-block\" must be an unsigned integer up to 0xffffffff, not \"4294967296\"\n"
		"Error: argument of \"ctmark-block\" must be an unsigned integer up to 0xffffffff, not \"0xffffffffffffffffffff\"\n");
}

static const struct ito_name abc[] = {
	{ "a", 1 }, { "bb", 2 }, { "c", 4 }, { NULL, 0 }
};

static void test_flags(void **state)
{
	static const struct { const char *arg; uint32_t value; } good[] = {
		{ "a", 1 }, { "bb", 2 }, { "c", 4 }, { "a,c", 5 }, { "c,a", 5 },
		{ "bb,c,a", 7 }, { "a,a", 1 },	/* twice is the same set */
	};
	uint32_t v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_flags("k", good[i].arg, abc, &v), 0);
		assert_int_equal(v, good[i].value);
	}
	assert_string_equal(capture_text(&reported), "");
}

static void test_flags_errors(void **state)
{
	/* The word refused is named, not the whole argument. */
	static const struct { const char *arg, *word; } bad[] = {
		{ "d", "d" }, { "a,d", "d" }, { "a,b,c", "b" }, { "A", "A" },
		{ "a c", "a c" }, { "", "" }, { "a,", "" }, { ",a", "" },
		{ "a,,c", "" }, { "a;c", "a;c" }, { "bb,bbb", "bbb" },
	};
	char want[256];
	uint32_t v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_flags("k", bad[i].arg, abc, &v), -EINVAL);
		assert_int_equal(v, 42);
		snprintf(want, sizeof(want),
			 "Error: argument of \"k\" must be one or more of \"a\", "
			 "\"bb\" and \"c\" joined by \",\", not \"%s\"\n",
			 bad[i].word);
		assert_string_equal(capture_text(&reported), want);
		capture_reports_teardown(state);
		capture_reports_setup(state);
	}
}

static void test_flags_words(void **state)
{
	char buf[64], tiny[4];

	(void)state;
	assert_string_equal(flags_words(abc, 1, buf, sizeof(buf)), "a");
	assert_string_equal(flags_words(abc, 6, buf, sizeof(buf)), "bb,c");
	assert_string_equal(flags_words(abc, 7, buf, sizeof(buf)), "a,bb,c");
	assert_string_equal(flags_words(abc, 0x11, buf, sizeof(buf)), "a,0x10");
	assert_string_equal(flags_words(abc, 0xf0, buf, sizeof(buf)), "0xf0");
	assert_string_equal(flags_words(abc, 0, buf, sizeof(buf)), "0x0");
	/* A buffer too small is cut short, still a string. */
	assert_string_equal(flags_words(abc, 7, tiny, sizeof(tiny)), "a");
}

static void test_set_args_verdict_source(void **state)
{
	static const struct { const char *arg; uint32_t value; } good[] = {
		{ "agent", ITO_VERDICT_SOURCE_AGENT },
		{ "ctmark", ITO_VERDICT_SOURCE_CTMARK },
		{ "ctlabel", ITO_VERDICT_SOURCE_CTLABEL },
		{ "agent,ctmark", ITO_VERDICT_SOURCE_AGENT | ITO_VERDICT_SOURCE_CTMARK },
		{ "ctlabel,agent", ITO_VERDICT_SOURCE_AGENT | ITO_VERDICT_SOURCE_CTLABEL },
		{ "agent,ctmark,ctlabel", ITO_VERDICT_SOURCE_ALL },
	};
	struct ito_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *argv[] = { "verdict-source", (char *)good[i].arg };

		assert_int_equal(config_parse_args(2, argv, &cfg), EXIT_OK);
		assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_VERDICT_SOURCE);
		assert_int_equal(cfg.value[ITO_A_CONFIG_VERDICT_SOURCE],
				 good[i].value);
	}
	assert_string_equal(capture_text(&reported), "");
}

static void test_set_args_verdict_source_errors(void **state)
{
	char *unknown[] = { "verdict-source", "agent,conntrack" };
	char *none[] = { "verdict-source", "none" };
	char *number[] = { "verdict-source", "3" };
	char *empty[] = { "verdict-source", "" };
	char *spaced[] = { "verdict-source", "agent, ctmark" };
	char *missing[] = { "verdict-source" };
	char *twice[] = { "verdict-source", "agent", "verdict-source", "ctmark" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(2, unknown, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, none, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, number, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, empty, &cfg), EXIT_USAGE);
	assert_int_equal(config_parse_args(2, spaced, &cfg), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"verdict-source\" must be one or more of "
		"\"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"conntrack\"\n"
		"Error: argument of \"verdict-source\" must be one or more of "
		"\"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"none\"\n"
		"Error: argument of \"verdict-source\" must be one or more of "
		"\"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"3\"\n"
		"Error: argument of \"verdict-source\" must be one or more of "
		"\"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"\"\n"
		"Error: argument of \"verdict-source\" must be one or more of "
		"\"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \" ctmark\"\n");
	assert_int_equal(config_parse_args(1, missing, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"verdict-source\" is missing\n"));
	assert_int_equal(config_parse_args(4, twice, &cfg), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: duplicate \"verdict-source\": \"ctmark\" is the second value\n"));
}

/* The example of the man page. */
static void test_set_args_conntrack_example(void **state)
{
	char *argv[] = { "verdict-source", "ctmark", "ctmark-mask", "0x3",
			 "ctmark-offload", "0x1", "ctmark-block", "0x2",
			 "ctlabel-offloaded", "0" };
	struct ito_config cfg;

	(void)state;
	assert_int_equal(config_parse_args(10, argv, &cfg), EXIT_OK);
	assert_int_equal(cfg.present, 1u << ITO_A_CONFIG_VERDICT_SOURCE |
				      1u << ITO_A_CONFIG_CTMARK_MASK |
				      1u << ITO_A_CONFIG_CTMARK_OFFLOAD |
				      1u << ITO_A_CONFIG_CTMARK_BLOCK |
				      1u << ITO_A_CONFIG_CTLABEL_OFFLOADED);
	assert_int_equal(cfg.value[ITO_A_CONFIG_VERDICT_SOURCE],
			 ITO_VERDICT_SOURCE_CTMARK);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_MASK], 3);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_OFFLOAD], 1);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_BLOCK], 2);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTLABEL_OFFLOADED], 0);
	assert_string_equal(capture_text(&reported), "");
}

static void test_set_args_ctmark(void **state)
{
	static const char *const keywords[] = {
		"ctmark-mask", "ctmark-offload", "ctmark-inspect", "ctmark-block",
	};
	static const unsigned int attrs[] = {
		ITO_A_CONFIG_CTMARK_MASK, ITO_A_CONFIG_CTMARK_OFFLOAD,
		ITO_A_CONFIG_CTMARK_INSPECT, ITO_A_CONFIG_CTMARK_BLOCK,
	};
	/* Whether within the mask and distinct is the kernel's call. */
	char *all[] = { "ctmark-mask", "0xff00", "ctmark-offload", "256",
			"ctmark-inspect", "0", "ctmark-block", "0xFFFFFFFF" };
	struct ito_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		char *hex[] = { (char *)keywords[i], "0x10" };
		char *dec[] = { (char *)keywords[i], "16" };
		char *bad[] = { (char *)keywords[i], "0x1g" };
		char *none[] = { (char *)keywords[i], "none" };
		char want[256];

		assert_int_equal(config_parse_args(2, hex, &cfg), EXIT_OK);
		assert_int_equal(cfg.present, 1u << attrs[i]);
		assert_int_equal(cfg.value[attrs[i]], 16);
		assert_int_equal(config_parse_args(2, dec, &cfg), EXIT_OK);
		assert_int_equal(cfg.value[attrs[i]], 16);
		assert_string_equal(capture_text(&reported), "");

		assert_int_equal(config_parse_args(2, bad, &cfg), EXIT_USAGE);
		assert_int_equal(config_parse_args(2, none, &cfg), EXIT_USAGE);
		snprintf(want, sizeof(want),
			 "Error: argument of \"%s\" must be an unsigned integer, "
			 "decimal or hexadecimal after \"0x\", not \"0x1g\"\n"
			 "Error: argument of \"%s\" must be an unsigned integer, "
			 "decimal or hexadecimal after \"0x\", not \"none\"\n",
			 keywords[i], keywords[i]);
		assert_string_equal(capture_text(&reported), want);
		capture_reports_teardown(state);
		capture_reports_setup(state);
	}

	assert_int_equal(config_parse_args(8, all, &cfg), EXIT_OK);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_MASK], 0xff00);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_OFFLOAD], 0x100);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_INSPECT], 0);
	assert_int_equal(cfg.value[ITO_A_CONFIG_CTMARK_BLOCK], UINT32_MAX);
}

static void test_set_args_ctlabel(void **state)
{
	static const char *const keywords[] = {
		"ctlabel-offloaded", "ctlabel-inspected", "ctlabel-blocked",
	};
	static const unsigned int attrs[] = {
		ITO_A_CONFIG_CTLABEL_OFFLOADED, ITO_A_CONFIG_CTLABEL_INSPECTED,
		ITO_A_CONFIG_CTLABEL_BLOCKED,
	};
	static const struct { const char *arg; uint32_t value; } good[] = {
		{ "0", 0 }, { "1", 1 }, { "127", 127 }, { "007", 7 },
		{ "none", ITO_CTLABEL_NONE },
	};
	struct ito_config cfg;
	size_t i, j;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < sizeof(good) / sizeof(good[0]); j++) {
			char *argv[] = { (char *)keywords[i], (char *)good[j].arg };

			assert_int_equal(config_parse_args(2, argv, &cfg), EXIT_OK);
			assert_int_equal(cfg.present, 1u << attrs[i]);
			assert_int_equal(cfg.value[attrs[i]], good[j].value);
		}
	}
	assert_string_equal(capture_text(&reported), "");
}

static void test_set_args_ctlabel_errors(void **state)
{
	/* 128 would be ITO_CTLABEL_NONE: refused here, not taken as none. */
	const char *bad[] = { "128", "255", "4294967424", "1000", "-1", "+1",
			      "0x1", "", " 1", "NONE", "no", "1.0" };
	char want[256];
	struct ito_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "ctlabel-blocked", (char *)bad[i] };

		assert_int_equal(config_parse_args(2, argv, &cfg), EXIT_USAGE);
		snprintf(want, sizeof(want),
			 "Error: argument of \"ctlabel-blocked\" must be a label "
			 "bit [0, 127] or \"none\", not \"%s\"\n", bad[i]);
		assert_string_equal(capture_text(&reported), want);
		capture_reports_teardown(state);
		capture_reports_setup(state);
	}
}

/* Each test starts with an empty capture. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_keyword_exact_match, fresh_capture),
		cmocka_unit_test_setup(test_u32_valid, fresh_capture),
		cmocka_unit_test_setup(test_u32_not_a_number, fresh_capture),
		cmocka_unit_test_setup(test_u32_overflow, fresh_capture),
		cmocka_unit_test_setup(test_u32_rejects_sign_space_and_junk, fresh_capture),
		cmocka_unit_test_setup(test_yes_no, fresh_capture),
		cmocka_unit_test_setup(test_messages, fresh_capture),
		cmocka_unit_test_setup(test_set_args_several_knobs, fresh_capture),
		cmocka_unit_test_setup(test_set_args_one_knob, fresh_capture),
		cmocka_unit_test_setup(test_set_args_no_range_check, fresh_capture),
		cmocka_unit_test_setup(test_set_args_unknown_keyword, fresh_capture),
		cmocka_unit_test_setup(test_set_args_usage_errors, fresh_capture),
		cmocka_unit_test_setup(test_set_args_new_knobs, fresh_capture),
		cmocka_unit_test_setup(test_set_args_ha_role, fresh_capture),
		cmocka_unit_test_setup(test_set_args_ha_hold, fresh_capture),
		cmocka_unit_test_setup(test_set_args_copy_delay, fresh_capture),
		cmocka_unit_test_setup(test_set_args_default_verdict_words, fresh_capture),
		cmocka_unit_test_setup(test_set_args_snaplen_max_flows_numbers, fresh_capture),
		cmocka_unit_test_setup(test_u16_u64, fresh_capture),
		cmocka_unit_test_setup(test_u16_range, fresh_capture),
		cmocka_unit_test_setup(test_choice, fresh_capture),
		cmocka_unit_test_setup(test_u32_hex, fresh_capture),
		cmocka_unit_test_setup(test_u32_hex_overflow, fresh_capture),
		cmocka_unit_test_setup(test_flags, fresh_capture),
		cmocka_unit_test_setup(test_flags_errors, fresh_capture),
		cmocka_unit_test_setup(test_flags_words, fresh_capture),
		cmocka_unit_test_setup(test_set_args_verdict_source, fresh_capture),
		cmocka_unit_test_setup(test_set_args_verdict_source_errors, fresh_capture),
		cmocka_unit_test_setup(test_set_args_conntrack_example, fresh_capture),
		cmocka_unit_test_setup(test_set_args_ctmark, fresh_capture),
		cmocka_unit_test_setup(test_set_args_ctlabel, fresh_capture),
		cmocka_unit_test_setup(test_set_args_ctlabel_errors, fresh_capture),
	};

	return cmocka_run_group_tests_name("parse", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
