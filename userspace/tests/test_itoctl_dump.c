// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps as itoctl meets them: replies to NLM_F_DUMP spread over several
 * receive buffers (NLM_F_MULTI) and closed by NLMSG_DONE, which may carry
 * the dump's error and extack message; a dump interrupted by a change.
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
#include "ito_nl.h"
#include "nlbuild.h"
#include "port.h"
#include "report.h"

/* One PORT_GET dump part: @n ports from @first, NLM_F_MULTI. */
static struct nlmsghdr *put_ports(void *buf, uint32_t first, int n)
{
	struct nlmsghdr *nlh = NULL;
	void *at = buf;
	int i;

	for (i = 0; i < n; i++) {
		struct nlattr *nest;

		nlh = genl_reply_start(at, TEST_FAMILY, ITO_CMD_PORT_GET);
		nlh->nlmsg_flags |= NLM_F_MULTI;
		nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
		mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, first + i);
		mnl_attr_put_u32(nlh, ITO_A_PORT_MODE, ITO_PORT_MODE_L3);
		mnl_attr_put_u16(nlh, ITO_A_PORT_VLAN, 0);
		mnl_attr_put_u32(nlh, ITO_A_PORT_PEER, 0);
		mnl_attr_nest_end(nlh, nest);
		at = nl_next(nlh);
	}
	return nlh;
}

/* NLMSG_DONE as netlink_dump_done() writes it: errno, then extack TLVs. */
static struct nlmsghdr *put_done(void *buf, int error, const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int *payload;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = TEST_SEQ;
	nlh->nlmsg_pid = TEST_PORTID;
	payload = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*payload = error;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	return nlh;
}

struct seen {
	uint32_t ifindex[16];
	int n;
};

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	struct seen *seen = data;
	struct ito_port port;

	if (port_parse_reply(nlh, &port)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	seen->ifindex[seen->n++] = port.ifindex;
	return MNL_CB_OK;
}

static size_t len_of(const void *buf, struct nlmsghdr *last)
{
	return nl_len_upto(buf, nl_next(last));
}

/* Three receive buffers, as ito_nl_talk() loops over them. */
static void test_multi_part_dump(void **state)
{
	nlbuf_t part1, part2, part3;
	struct nlmsghdr *last;
	struct seen seen = {};
	char extack[64] = "stale";
	int i;

	(void)state;
	last = put_ports(part1, 1, 3);
	assert_int_equal(ito_nl_run(part1, len_of(part1, last), TEST_SEQ,
				    TEST_PORTID, port_cb, &seen, extack,
				    sizeof(extack)), 1);	/* more to come */
	last = put_ports(part2, 4, 2);
	assert_int_equal(ito_nl_run(part2, len_of(part2, last), TEST_SEQ,
				    TEST_PORTID, port_cb, &seen, extack,
				    sizeof(extack)), 1);
	last = put_done(part3, 0, NULL);
	assert_int_equal(ito_nl_run(part3, len_of(part3, last), TEST_SEQ,
				    TEST_PORTID, port_cb, &seen, extack,
				    sizeof(extack)), 0);	/* over */
	assert_int_equal(seen.n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(seen.ifindex[i], i + 1);
}

/* The last part and NLMSG_DONE in one buffer. */
static void test_done_after_data(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *last;
	struct seen seen = {};

	(void)state;
	last = put_ports(buf, 10, 2);
	last = put_done(nl_next(last), 0, NULL);
	assert_int_equal(ito_nl_run(buf, len_of(buf, last), TEST_SEQ,
				    TEST_PORTID, port_cb, &seen, NULL, 0), 0);
	assert_int_equal(seen.n, 2);
}

/* A dump that failed part way: the error and message are in NLMSG_DONE. */
static void test_done_with_error(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *last;
	struct seen seen = {};
	char extack[64];
	int ret;

	(void)state;
	last = put_ports(buf, 1, 1);
	last = put_done(nl_next(last), -EINVAL, "bad flow state filter");
	ret = ito_nl_run(buf, len_of(buf, last), TEST_SEQ, TEST_PORTID,
			 port_cb, &seen, extack, sizeof(extack));
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(extack, "bad flow state filter");
	assert_int_equal(report_kernel_error(ret, extack, "reading the flows"),
			 EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
			    "Error: bad flow state filter\n");

	/* Without a message. */
	last = put_done(buf, -ENOMEM, NULL);
	ret = ito_nl_run(buf, len_of(buf, last), TEST_SEQ, TEST_PORTID,
			 port_cb, &seen, extack, sizeof(extack));
	assert_int_equal(ret, -ENOMEM);
	assert_string_equal(extack, "");
}

/* A bare NLMSG_DONE (no errno at all) still ends the dump cleanly. */
static void test_done_without_payload(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *done;

	(void)state;
	done = mnl_nlmsg_put_header(buf);
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_seq = TEST_SEQ;
	assert_int_equal(ito_nl_run(buf, done->nlmsg_len, TEST_SEQ, TEST_PORTID,
				    NULL, NULL, NULL, 0), 0);
}

/* The table changed under the dump: the user is told to try again. */
static void test_dump_interrupted(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *last;
	struct seen seen = {};
	char extack[64] = "";	/* ito_nl_talk() clears it */
	int ret;

	(void)state;
	last = put_ports(buf, 1, 1);
	last->nlmsg_flags |= NLM_F_DUMP_INTR;
	ret = ito_nl_run(buf, len_of(buf, last), TEST_SEQ, TEST_PORTID,
			 port_cb, &seen, extack, sizeof(extack));
	assert_int_equal(ret, -EINTR);
	assert_int_equal(report_kernel_error(ret, extack, "reading the ports"),
			 EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
		"Error: reading the ports was interrupted by a concurrent change, try again\n");
}

/* A reply of another exchange (stale sequence number) is refused. */
static void test_dump_other_sequence(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *last;
	struct seen seen = {};

	(void)state;
	last = put_ports(buf, 1, 1);
	assert_true(ito_nl_run(buf, len_of(buf, last), TEST_SEQ + 1,
			       TEST_PORTID, port_cb, &seen, NULL, 0) < 0);
	assert_int_equal(seen.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_part_dump),
		cmocka_unit_test(test_done_after_data),
		cmocka_unit_test_setup(test_done_with_error, fresh_capture),
		cmocka_unit_test(test_done_without_payload),
		cmocka_unit_test_setup(test_dump_interrupted, fresh_capture),
		cmocka_unit_test(test_dump_other_sequence),
	};

	return cmocka_run_group_tests_name("itoctl_dump", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
