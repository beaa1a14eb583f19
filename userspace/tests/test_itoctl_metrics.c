// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl -o prometheus counters": the counters' descriptions cover the
 * contract's enum, the exposition text is exact, and the reference
 * parser (Python's prometheus_client, through prom_parse.py) reads back
 * every name, type, HELP, label and value; the netns label.
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

#include "capture.h"
#include "counter_info.h"
#include "counters.h"
#include "netns.h"
#include "nlbuild.h"
#include "prometheus.h"

/*
 * Debian's interpreter, which python3-prometheus-client is installed for:
 * a python3 earlier in PATH (pyenv's, a virtualenv's) may lack it.
 */
#define PYTHON3		"/usr/bin/python3"

static char prom_parse[PATH_MAX];	/* beside this test's binary */

/* ---- the descriptions ---- */

static void test_info_covers_every_counter(void **state)
{
	uint32_t id;

	(void)state;
	for (id = 0; id < __ITO_CNT_MAX; id++) {
		const struct ito_counter_info *info = ito_counter_info(id);

		if (!info)
			fail_msg("counter %u has no description", id);
		assert_int_not_equal(info->kind, ITO_COUNTER_UNTYPED);
		assert_true(strlen(info->help) > 0);
		assert_null(strchr(info->help, '\n'));
	}
	assert_null(ito_counter_info(__ITO_CNT_MAX));
	assert_null(ito_counter_info(COUNTER_ID_NONE));
}

static enum ito_counter_kind kind_of(uint32_t id)
{
	const struct ito_counter_info *info = ito_counter_info(id);

	return info ? info->kind : ITO_COUNTER_UNTYPED;
}

/* Documentation/uapi.rst, "Counters", names these four gauges. */
static void test_info_gauges(void **state)
{
	static const uint32_t gauges[] = {
		ITO_CNT_FLOW_OFFLOAD_ACTIVE_SESSION,
		ITO_CNT_FLOWS_ACTIVE,
		ITO_CNT_HW_ACTIVE_SESSION,
		ITO_CNT_NAT_BINDINGS_ACTIVE,
	};
	unsigned int n_gauges = 0;
	uint32_t id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		assert_int_equal(kind_of(gauges[i]), ITO_COUNTER_GAUGE);
	for (id = 0; id < __ITO_CNT_MAX; id++)
		n_gauges += kind_of(id) == ITO_COUNTER_GAUGE;
	assert_int_equal(n_gauges, sizeof(gauges) / sizeof(gauges[0]));
}

/* ---- the exposition text ---- */

static void test_escape(void **state)
{
	struct capture out;

	(void)state;
	capture_open(&out);
	prometheus_put_escaped(out.fp, "a\\b\"c\nd", true);
	assert_string_equal(capture_text(&out), "a\\\\b\\\"c\\nd");
	capture_close(&out);

	/* HELP text keeps its double quotes. */
	capture_open(&out);
	prometheus_put_escaped(out.fp, "a\\b\"c\nd", false);
	assert_string_equal(capture_text(&out), "a\\\\b\"c\\nd");
	capture_close(&out);
}

/*
 * A COUNTERS_GET reply as the kernel sends it: monotonic counters, a
 * gauge, and two counters of a newer module, one with a name no metric
 * may have as it is and one without a name.
 */
static void sample_counters(struct counter_list *list)
{
	struct nlattr *counters;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	put_counter_entry(nlh, ITO_CNT_FLOWS_NEW, "flows_new", 5);
	put_counter_entry(nlh, ITO_CNT_FLOWS_ACTIVE, "flows_active", 3);
	put_counter_entry(nlh, ITO_CNT_FASTPATH_PKTS, "fastpath_pkts",
			  (1ULL << 40) + 5);
	put_counter_entry(nlh, __ITO_CNT_MAX + 7, "future-thing.x", UINT64_MAX);
	put_counter_entry(nlh, __ITO_CNT_MAX + 8, NULL, 0);
	mnl_attr_nest_end(nlh, counters);

	memset(list, 0, sizeof(*list));
	assert_int_equal(counters_parse_reply(nlh, list), 0);
	assert_int_equal(list->len, 5);
}

static void test_exposition_text(void **state)
{
	struct counter_list list;
	struct capture out;
	char want[2048];

	(void)state;
	sample_counters(&list);
	capture_open(&out);
	prometheus_print_counters(out.fp, &list, "flow", "net:[4026531840]");
	assert_string_equal(capture_text(&out),
		"# HELP ito_flows_new_total Flows that started being tracked.\n"
		"# TYPE ito_flows_new_total counter\n"
		"ito_flows_new_total{netns=\"net:[4026531840]\"} 5\n"
		"# HELP ito_flows_active Flows tracked now.\n"
		"# TYPE ito_flows_active gauge\n"
		"ito_flows_active{netns=\"net:[4026531840]\"} 3\n");
	capture_close(&out);

	capture_open(&out);
	prometheus_print_counters(out.fp, &list, "future", "fw");
	snprintf(want, sizeof(want),
		 "# HELP ito_future_thing_x Counter %u of a newer ito module, unknown to this itoctl.\n"
		 "# TYPE ito_future_thing_x untyped\n"
		 "ito_future_thing_x{netns=\"fw\"} 18446744073709551615\n",
		 __ITO_CNT_MAX + 7);
	assert_string_equal(capture_text(&out), want);
	capture_close(&out);
	counters_free(&list);
}

/*
 * Write the counters matching @match as exposition text to a file, and
 * return what the reference parser read in it (free() it).
 */
static char *parsed(const struct counter_list *list, const char *match,
		    const char *netns)
{
	char path[] = "/tmp/ito-metrics-XXXXXX";
	char cmd[2 * PATH_MAX];
	struct capture out;
	char line[1024];
	char *text;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	prometheus_print_counters(fp, list, match, netns);
	assert_int_equal(fclose(fp), 0);

	snprintf(cmd, sizeof(cmd), PYTHON3 " %s %s", prom_parse, path);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	capture_open(&out);
	while (fgets(line, sizeof(line), fp))
		fputs(line, out.fp);
	unlink(path);
	if (pclose(fp) != 0)
		fail_msg("%s failed", cmd);
	text = strdup(capture_text(&out));
	capture_close(&out);
	return text;
}

/*
 * The parser folds a counter's "_total" into its family's name and calls
 * "untyped" "unknown"; floats are what Prometheus keeps of a value.
 */
static void test_reference_parser(void **state)
{
	struct counter_list list;
	char want[4096];
	char *got;

	(void)state;
	sample_counters(&list);
	got = parsed(&list, NULL, "ns \"a\\b\"\nz");
	snprintf(want, sizeof(want),
		"family ito_flows_new counter \"Flows that started being tracked.\"\n"
		"sample ito_flows_new_total {\"netns\": \"ns \\\"a\\\\b\\\"\\nz\"} 5.0\n"
		"family ito_flows_active gauge \"Flows tracked now.\"\n"
		"sample ito_flows_active {\"netns\": \"ns \\\"a\\\\b\\\"\\nz\"} 3.0\n"
		"family ito_fastpath_pkts counter \"Packets forwarded by the fast path.\"\n"
		"sample ito_fastpath_pkts_total {\"netns\": \"ns \\\"a\\\\b\\\"\\nz\"} 1099511627781.0\n"
		"family ito_future_thing_x unknown \"Counter %u of a newer ito module, unknown to this itoctl.\"\n"
		"sample ito_future_thing_x {\"netns\": \"ns \\\"a\\\\b\\\"\\nz\"} 1.8446744073709552e+19\n"
		"family ito_counter_%u unknown \"Counter %u of a newer ito module, unknown to this itoctl.\"\n"
		"sample ito_counter_%u {\"netns\": \"ns \\\"a\\\\b\\\"\\nz\"} 0.0\n",
		__ITO_CNT_MAX + 7, __ITO_CNT_MAX + 8, __ITO_CNT_MAX + 8,
		__ITO_CNT_MAX + 8);
	assert_string_equal(got, want);
	free(got);
	counters_free(&list);
}

/* "match" picks the metrics as it picks the text output's lines. */
static void test_reference_parser_match(void **state)
{
	struct counter_list list;
	char *got;

	(void)state;
	sample_counters(&list);
	got = parsed(&list, "active", "net:[4026531840]");
	assert_string_equal(got,
		"family ito_flows_active gauge \"Flows tracked now.\"\n"
		"sample ito_flows_active {\"netns\": \"net:[4026531840]\"} 3.0\n");
	free(got);

	got = parsed(&list, "nothing", "net:[4026531840]");
	assert_string_equal(got, "");
	free(got);
	counters_free(&list);
}

/* Every counter the table knows, as one reply: each family parses. */
static void test_reference_parser_all_known(void **state)
{
	struct counter_list list = {};
	struct nlattr *counters;
	struct nlmsghdr *nlh;
	char name[32];
	char *got, *line;
	unsigned int families = 0;
	nlbuf_t buf;
	uint32_t id;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_COUNTERS_GET);
	counters = mnl_attr_nest_start(nlh, ITO_A_COUNTERS);
	for (id = 0; id < __ITO_CNT_MAX; id++) {
		snprintf(name, sizeof(name), "c%u", id);
		put_counter_entry(nlh, id, name, id);
	}
	mnl_attr_nest_end(nlh, counters);
	assert_int_equal(counters_parse_reply(nlh, &list), 0);

	got = parsed(&list, NULL, "x");
	for (line = strtok(got, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "family ", 7))
			continue;
		families++;
		/* Typed, and described. */
		assert_null(strstr(line, " unknown "));
		assert_null(strstr(line, " \"\""));
	}
	assert_int_equal(families, __ITO_CNT_MAX);
	free(got);
	counters_free(&list);
}

/* ---- the netns label ---- */

static void make_dir(char *path)
{
	assert_non_null(mkdtemp(path));
}

static void link_self(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(symlink("/proc/self/ns/net", path), 0);
}

static void remove_dir(const char *dir, const char *const names[])
{
	char path[PATH_MAX];

	for (; *names; names++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *names);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void test_netns_unnamed(void **state)
{
	char dir[] = "/tmp/ito-netns-XXXXXX";
	char label[NETNS_LABEL_LEN], want[64];
	static const char *const none[] = { NULL };
	struct stat self;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/net", &self), 0);
	snprintf(want, sizeof(want), "net:[%llu]",
		 (unsigned long long)self.st_ino);

	make_dir(dir);
	assert_int_equal(netns_label(label, dir), 0);
	assert_string_equal(label, want);
	remove_dir(dir, none);

	/* No such directory: no named namespace at all. */
	assert_int_equal(netns_label(label, "/nonexistent/netns"), 0);
	assert_string_equal(label, want);
}

/*
 * "ip netns add" bind-mounts the namespace under /run/netns; a symbolic
 * link stat()s the same, and needs no privilege.
 */
static void test_netns_named(void **state)
{
	char dir[] = "/tmp/ito-netns-XXXXXX";
	static const char *const names[] = { "zz", "fw", ".hidden", NULL };
	char label[NETNS_LABEL_LEN];
	char other[PATH_MAX];
	FILE *fp;

	(void)state;
	make_dir(dir);
	/* A name of another namespace (here a plain file) is not ours. */
	snprintf(other, sizeof(other), "%s/aa", dir);
	fp = fopen(other, "w");
	assert_non_null(fp);
	fclose(fp);
	link_self(dir, ".hidden");
	link_self(dir, "zz");
	assert_int_equal(netns_label(label, dir), 0);
	assert_string_equal(label, "zz");

	/* Two names: the first in alphabetical order, every time. */
	link_self(dir, "fw");
	assert_int_equal(netns_label(label, dir), 0);
	assert_string_equal(label, "fw");
	unlink(other);
	remove_dir(dir, names);
}

static void test_netns_names(void **state)
{
	(void)state;
	assert_true(netns_name_valid("fw"));
	assert_true(netns_name_valid(".hidden"));
	assert_false(netns_name_valid(""));
	assert_false(netns_name_valid("."));
	assert_false(netns_name_valid(".."));
	assert_false(netns_name_valid("../fw"));
	assert_false(netns_name_valid("a/b"));
}

/* Which step failed tells "no such namespace" from "not a namespace". */
static void test_netns_enter(void **state)
{
	char dir[] = "/tmp/ito-netns-XXXXXX";
	static const char *const names[] = { "self", "plain", NULL };
	char path[PATH_MAX];
	int step, err;
	FILE *fp;

	(void)state;
	make_dir(dir);
	assert_int_equal(netns_enter("nosuchns", dir, &step), -ENOENT);
	assert_int_equal(step, NETNS_OPEN);

	snprintf(path, sizeof(path), "%s/plain", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	err = netns_enter("plain", dir, &step);
	assert_true(err == -EINVAL || err == -EPERM);
	assert_int_equal(step, NETNS_ENTER);

	/* Our own namespace: entered as root, refused otherwise. */
	link_self(dir, "self");
	err = netns_enter("self", dir, &step);
	assert_true(err == 0 || (err == -EPERM && step == NETNS_ENTER));
	remove_dir(dir, names);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_covers_every_counter),
		cmocka_unit_test(test_info_gauges),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_exposition_text),
		cmocka_unit_test(test_reference_parser),
		cmocka_unit_test(test_reference_parser_match),
		cmocka_unit_test(test_reference_parser_all_known),
		cmocka_unit_test(test_netns_unnamed),
		cmocka_unit_test(test_netns_named),
		cmocka_unit_test(test_netns_names),
		cmocka_unit_test(test_netns_enter),
	};
	char self[PATH_MAX];

	(void)argc;
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(prom_parse, sizeof(prom_parse), "%s/prom_parse.py",
		 dirname(self));
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
