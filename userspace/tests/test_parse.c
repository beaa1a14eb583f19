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

static void test_choice(void **state)
{
	static const struct choice one[] = { { "only", 7 }, { NULL, 0 } };
	static const struct choice two[] = { { "a", 1 }, { "b", 2 }, { NULL, 0 } };
	uint32_t v = 0;

	(void)state;
	assert_int_equal(parse_choice("k", "only", one, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_choice("k", "b", two, &v), 0);
	assert_int_equal(v, 2);
	assert_string_equal(choice_word(two, 1), "a");
	assert_null(choice_word(two, 3));
	assert_int_equal(parse_choice("k", "c", one, &v), -EINVAL);
	assert_int_equal(parse_choice("k", "B", two, &v), -EINVAL);
	assert_int_equal(v, 2);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"k\" must be \"only\", not \"c\"\n"
		"Error: argument of \"k\" must be \"a\" or \"b\", not \"B\"\n");
}

/* Each test starts with an empty capture. */
static int fresh_capture(void **state)
{
	capture_reports_teardown(state);
	return capture_reports_setup(state);
}

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
		cmocka_unit_test_setup(test_set_args_default_verdict_words, fresh_capture),
		cmocka_unit_test_setup(test_set_args_snaplen_max_flows_numbers, fresh_capture),
		cmocka_unit_test_setup(test_u16_u64, fresh_capture),
		cmocka_unit_test_setup(test_choice, fresh_capture),
	};

	return cmocka_run_group_tests_name("parse", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
