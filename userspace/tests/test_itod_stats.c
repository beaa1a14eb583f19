// SPDX-License-Identifier: GPL-2.0
/*
 * itod's statistics: the exposition text is exact, the reference parser
 * (Python's prometheus_client, through prom_parse.py) reads back every
 * family, type, label and value, the file is replaced whole, and the
 * numbers are the agent's and the decider's.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "../itod/agent.h"
#include "../itod/decide.h"
#include "../itod/stats.h"

/* Debian's interpreter, which python3-prometheus-client is installed for. */
#define PYTHON3		"/usr/bin/python3"

static char prom_parse[PATH_MAX];	/* beside this test's binary */

static void sample(struct stats *s)
{
	memset(s, 0, sizeof(*s));
	s->decisions[ITO_VERDICT_OFFLOAD] = 7;
	s->decisions[ITO_VERDICT_INSPECT] = 3;
	s->decisions[ITO_VERDICT_INSPECT_ALL] = 0;
	s->decisions[ITO_VERDICT_BLOCK] = 1ULL << 40;
	s->copies = 80;
	s->duplicates = 60;
	s->waiting = 9;
	s->copies_overruns = 2;
	s->events_overruns = 1;
	s->redumps = 2;
	s->verdicts_sent = 11;
	s->verdict_requests = 4;
	s->verdicts_gone = 1;
	s->verdicts_failed = 0;
	s->verdicts_queued = 5;
	s->flows_remembered = 10;
	s->untracked = 0;
	s->bad_messages = 0;
	s->lines_suppressed = 12;
	s->registered = true;
	s->registrations = 2;
	s->reloads_ok = 3;
	s->reloads_failed = 1;
	s->rules = 4;
	s->start_time = 1764850000;
	s->uptime = 12.5;
}

/* What the reference parser read in @path (free() it). */
static char *parsed(const char *path)
{
	char cmd[2 * PATH_MAX], line[1024];
	size_t len = 0, cap = 1 << 16;
	char *text = calloc(1, cap);
	FILE *fp;

	assert_non_null(text);
	snprintf(cmd, sizeof(cmd), PYTHON3 " %s %s", prom_parse, path);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		assert_true(len + strlen(line) < cap);
		strcpy(text + len, line);
		len += strlen(line);
	}
	if (pclose(fp) != 0)
		fail_msg("%s failed", cmd);
	return text;
}

static void test_exposition_text(void **state)
{
	char *text = NULL;
	size_t len = 0;
	struct stats s;
	FILE *fp;

	(void)state;
	sample(&s);
	fp = open_memstream(&text, &len);
	assert_int_equal(stats_print(fp, &s), 0);
	fclose(fp);
	/* the head, exactly; the rest through the parser below */
	assert_memory_equal(text,
		"# HELP itod_decisions_total Flows itod decided, by the verdict it gave.\n"
		"# TYPE itod_decisions_total counter\n"
		"itod_decisions_total{verdict=\"offload\"} 7\n"
		"itod_decisions_total{verdict=\"inspect\"} 3\n"
		"itod_decisions_total{verdict=\"inspect-all\"} 0\n"
		"itod_decisions_total{verdict=\"block\"} 1099511627776\n"
		"# HELP itod_copies_received_total Packet copies received from the module.\n"
		"# TYPE itod_copies_received_total counter\n"
		"itod_copies_received_total 80\n",
		strlen("# HELP itod_decisions_total Flows itod decided, by the verdict it gave.\n"
		       "# TYPE itod_decisions_total counter\n"
		       "itod_decisions_total{verdict=\"offload\"} 7\n"
		       "itod_decisions_total{verdict=\"inspect\"} 3\n"
		       "itod_decisions_total{verdict=\"inspect-all\"} 0\n"
		       "itod_decisions_total{verdict=\"block\"} 1099511627776\n"
		       "# HELP itod_copies_received_total Packet copies received from the module.\n"
		       "# TYPE itod_copies_received_total counter\n"
		       "itod_copies_received_total 80\n"));
	assert_non_null(strstr(text, "\nitod_uptime_seconds 12.500\n"));
	free(text);
}

/* Does @got have the line @want? */
static void has_line(const char *got, const char *want)
{
	size_t n = strlen(want);
	const char *p;

	for (p = got; (p = strstr(p, want)); p++)
		if ((p == got || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("missing \"%s\" in:\n%s", want, got);
}

/* Written to a file as itod does, read by the reference parser. */
static void test_reference_parser(void **state)
{
	char dir[] = "/tmp/itod-stats-XXXXXX", path[64], tmp[80];
	unsigned int families = 0, typed = 0;
	const char *line;
	struct stats s;
	struct stat st;
	char *got;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/itod.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	sample(&s);
	assert_int_equal(stats_write(path, &s), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(access(tmp, F_OK), -1);	/* renamed */

	got = parsed(path);
	has_line(got, "family itod_decisions counter \"Flows itod decided, by the verdict it gave.\"");
	has_line(got, "sample itod_decisions_total {\"verdict\": \"offload\"} 7.0");
	has_line(got, "sample itod_decisions_total {\"verdict\": \"inspect\"} 3.0");
	has_line(got, "sample itod_decisions_total {\"verdict\": \"inspect-all\"} 0.0");
	has_line(got, "sample itod_decisions_total {\"verdict\": \"block\"} 1099511627776.0");
	has_line(got, "sample itod_copies_received_total {} 80.0");
	has_line(got, "sample itod_copies_overruns_total {} 2.0");
	has_line(got, "family itod_verdicts_queued gauge \"Verdicts decided and not sent yet (the batch queue).\"");
	has_line(got, "sample itod_verdicts_queued {} 5.0");
	has_line(got, "sample itod_flows_remembered {} 10.0");
	has_line(got, "sample itod_decision_lines_suppressed_total {} 12.0");
	has_line(got, "sample itod_registered {} 1.0");
	has_line(got, "sample itod_policy_reloads_total {\"result\": \"ok\"} 3.0");
	has_line(got, "sample itod_policy_reloads_total {\"result\": \"failed\"} 1.0");
	has_line(got, "sample itod_policy_rules {} 4.0");
	has_line(got, "sample itod_start_time_seconds {} 1764850000.0");
	has_line(got, "sample itod_uptime_seconds {} 12.5");
	/* every family typed and described */
	for (line = got; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "family ", 7))
			continue;
		families++;
		if (!strncmp(strchr(line + 7, ' '), " counter \"", 10) ||
		    !strncmp(strchr(line + 7, ' '), " gauge \"", 8))
			typed++;
	}
	assert_int_equal(families, typed);
	assert_true(families >= 20);
	free(got);

	/* A second write replaces the file. */
	s.copies = 81;
	assert_int_equal(stats_write(path, &s), 0);
	got = parsed(path);
	has_line(got, "sample itod_copies_received_total {} 81.0");
	free(got);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

static void test_write_error(void **state)
{
	struct stats s;

	(void)state;
	sample(&s);
	assert_int_equal(stats_write("/nonexistent-dir/itod.prom", &s), -ENOENT);
}

/* stats_collect() reads what the agent and the decider counted. */
static void test_collect(void **state)
{
	static struct agent a;
	static struct decider d;
	static struct policy p;
	struct stats s;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(decide_init(&d, &p, 0), 0);
	d.stats.copies = 5;
	d.stats.verdicts[ITO_VERDICT_OFFLOAD] = 4;
	d.stats.verdicts[ITO_VERDICT_BLOCK] = 1;
	d.log.suppressed = 6;
	a.state = AGENT_UP;
	a.stats.copies_overruns = 3;
	a.stats.verdicts_sent = 5;
	a.n_queued = 2;
	stats_collect(&s, &a, &d);
	assert_int_equal(s.copies, 5);
	assert_int_equal(s.decisions[ITO_VERDICT_OFFLOAD], 4);
	assert_int_equal(s.decisions[ITO_VERDICT_BLOCK], 1);
	assert_int_equal(s.lines_suppressed, 6);
	assert_true(s.registered);
	assert_int_equal(s.copies_overruns, 3);
	assert_int_equal(s.verdicts_sent, 5);
	assert_int_equal(s.verdicts_queued, 2);
	a.state = AGENT_REGISTERING;
	stats_collect(&s, &a, &d);
	assert_false(s.registered);
	decide_fini(&d);
}

static void test_summary(void **state)
{
	char line[512];
	struct stats s;

	(void)state;
	sample(&s);
	s.decisions[ITO_VERDICT_BLOCK] = 1;
	stats_summary(line, sizeof(line), &s);
	assert_string_equal(line,
		"registered, 80 copies, 11 decisions (7 offload, 3 inspect, 0 inspect-all, 1 block), 2 overruns, 4 reloads (1 failed)");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exposition_text),
		cmocka_unit_test(test_reference_parser),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_summary),
	};
	char self[PATH_MAX];

	(void)argc;
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(prom_parse, sizeof(prom_parse), "%s/prom_parse.py",
		 dirname(self));
	return cmocka_run_group_tests_name("itod stats", tests, NULL, NULL);
}
