// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl -batch": lines cut into words, comments and blank lines skipped,
 * the stop at the first failure and -force, as a stand-in command sees
 * them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"
#include "capture.h"
#include "report.h"

/* ---- words ---- */

static void test_split_words(void **state)
{
	char line[] = "  flow\tshow  state offloaded \r\n";
	char *words[8];

	(void)state;
	assert_int_equal(batch_split(line, words, 8), 4);
	assert_string_equal(words[0], "flow");
	assert_string_equal(words[1], "show");
	assert_string_equal(words[2], "state");
	assert_string_equal(words[3], "offloaded");
}

static void test_split_comments_and_blanks(void **state)
{
	char comment[] = "# flow flush\n", indented[] = "   #x\n";
	char blank[] = " \t \n", empty[] = "";
	char trailing[] = "show # the settings\n", glued[] = "show#1\n";
	char *words[8];

	(void)state;
	assert_int_equal(batch_split(comment, words, 8), 0);
	assert_int_equal(batch_split(indented, words, 8), 0);
	assert_int_equal(batch_split(blank, words, 8), 0);
	assert_int_equal(batch_split(empty, words, 8), 0);
	assert_int_equal(batch_split(trailing, words, 8), 1);
	assert_string_equal(words[0], "show");
	/* A "#" inside a word is part of it. */
	assert_int_equal(batch_split(glued, words, 8), 1);
	assert_string_equal(words[0], "show#1");
}

static void test_split_too_many(void **state)
{
	char line[] = "a b c d", fits[] = "a b c";
	char *words[3];

	(void)state;
	assert_int_equal(batch_split(line, words, 3), -E2BIG);
	assert_int_equal(batch_split(fits, words, 3), 3);
}

/* ---- running lines ---- */

/* A stand-in command: records its words; "fail" fails, "usage" is wrong. */
struct calls {
	char log[512];
	int n;
};

static int fake_run(void *ctx, int argc, char **argv)
{
	struct calls *c = ctx;
	size_t used = strlen(c->log);
	int i;

	for (i = 0; i < argc; i++)
		used += snprintf(c->log + used, sizeof(c->log) - used, "%s%s",
				 argv[i], i + 1 < argc ? " " : "|");
	c->n++;
	if (!strcmp(argv[0], "fail"))
		return EXIT_FAIL;
	if (!strcmp(argv[0], "usage"))
		return EXIT_USAGE;
	return EXIT_OK;
}

static int run_text(const char *text, bool force, struct calls *c)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(fp);
	memset(c, 0, sizeof(*c));
	ret = batch_run(fp, "fw.batch", force, fake_run, c);
	fclose(fp);
	return ret;
}

static const char *sample =
	"# ito at boot\n"
	"set min-pkts 16\n"
	"\n"
	"port add eth1   # the LAN\n"
	"fail one\n"
	"usage two\n"
	"show";			/* no newline at the end */

static void test_run_stops_at_first_failure(void **state)
{
	struct calls c;

	(void)state;
	assert_int_equal(run_text(sample, false, &c), EXIT_FAIL);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.log, "set min-pkts 16|port add eth1|fail one|");
	assert_string_equal(capture_text(&reported),
			    "Command failed fw.batch:5\n");
}

static void test_run_force_goes_on(void **state)
{
	struct calls c;

	(void)state;
	assert_int_equal(run_text(sample, true, &c), EXIT_FAIL);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.log, "set min-pkts 16|port add eth1|fail one|"
				   "usage two|show|");
	assert_string_equal(capture_text(&reported),
			    "Command failed fw.batch:5\n"
			    "Command failed fw.batch:6\n");
}

static void test_run_all_succeed(void **state)
{
	struct calls c;

	(void)state;
	assert_int_equal(run_text("show\n\n# done\n", false, &c), EXIT_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(run_text("", true, &c), EXIT_OK);
	assert_int_equal(c.n, 0);
	assert_string_equal(capture_text(&reported), "");
}

static void test_run_line_too_long(void **state)
{
	char text[4 * BATCH_MAX_WORDS + 16] = "";
	struct calls c;
	int i;

	(void)state;
	for (i = 0; i <= BATCH_MAX_WORDS; i++)
		strcat(text, "w ");
	strcat(text, "\nshow\n");
	assert_int_equal(run_text(text, true, &c), EXIT_FAIL);
	assert_int_equal(c.n, 1);		/* only "show" ran */
	assert_string_equal(capture_text(&reported),
			    "Error: more than 64 words on a line\n"
			    "Command failed fw.batch:1\n");
}

static void test_run_no_such_file(void **state)
{
	struct calls c = {};

	(void)state;
	assert_int_equal(batch_run_file("/nonexistent/fw.batch", false,
					fake_run, &c), EXIT_FAIL);
	assert_int_equal(c.n, 0);
	assert_string_equal(capture_text(&reported),
			    "Error: cannot open batch file \"/nonexistent/fw.batch\": "
			    "No such file or directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_comments_and_blanks),
		cmocka_unit_test(test_split_too_many),
		cmocka_unit_test_setup(test_run_stops_at_first_failure, fresh_capture),
		cmocka_unit_test_setup(test_run_force_goes_on, fresh_capture),
		cmocka_unit_test_setup(test_run_all_succeed, fresh_capture),
		cmocka_unit_test_setup(test_run_line_too_long, fresh_capture),
		cmocka_unit_test_setup(test_run_no_such_file, fresh_capture),
	};

	return cmocka_run_group_tests_name("itoctl_batch", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
