// SPDX-License-Identifier: GPL-2.0
/*
 * lib/ito_nl: request headers, acks with extended messages, the receive
 * loop on hand-built buffers, nlctrl replies, and a real socket to nlctrl.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ito_nl.h"
#include "nlbuild.h"

#define RANGE_MSG	"min_pkts out of range [1, 1024]"

static struct nlmsghdr *sample_request(void *buf)
{
	struct nlmsghdr *nlh = ito_nl_msg_start(buf, TEST_FAMILY, 2, 1, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, 1);

	mnl_attr_put_u32(nlh, 2, 0);
	mnl_attr_nest_end(nlh, nest);
	nlh->nlmsg_seq = TEST_SEQ;
	return nlh;
}

static void test_msg_start(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));	/* no garbage may leak into the header */
	nlh = ito_nl_msg_start(buf, TEST_FAMILY, 3, 1, NLM_F_DUMP);
	genl = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(genl->cmd, 3);
	assert_int_equal(genl->version, 1);
	assert_int_equal(genl->reserved, 0);
}

static void test_ack_capped_with_message(void **state)
{
	nlbuf_t req_buf, buf;
	char extack[64] = "stale";
	struct nlmsghdr *nlh;

	(void)state;
	nlh = nl_error_put(buf, -EINVAL, sample_request(req_buf), true, RANGE_MSG);
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), -EINVAL);
	assert_string_equal(extack, RANGE_MSG);
}

static void test_ack_uncapped_with_message(void **state)
{
	nlbuf_t req_buf, buf;
	char extack[64];
	struct nlmsghdr *nlh;

	(void)state;
	/* The TLVs sit after the whole echoed request. */
	nlh = nl_error_put(buf, -ERANGE, sample_request(req_buf), false, RANGE_MSG);
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), -ERANGE);
	assert_string_equal(extack, RANGE_MSG);
}

static void test_ack_message_truncated_to_buffer(void **state)
{
	nlbuf_t req_buf, buf;
	char extack[9];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = nl_error_put(buf, -EINVAL, sample_request(req_buf), true, RANGE_MSG);
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), -EINVAL);
	assert_string_equal(extack, "min_pkts");
}

static void test_ack_plain(void **state)
{
	nlbuf_t req_buf, buf;
	char extack[64] = "stale";
	struct nlmsghdr *nlh;

	(void)state;
	nlh = nl_error_put(buf, 0, sample_request(req_buf), true, NULL);
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), 0);
	assert_string_equal(extack, "");

	nlh = nl_error_put(buf, -EPERM, sample_request(req_buf), false, NULL);
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), -EPERM);
	assert_string_equal(extack, "");
}

static void test_ack_success_with_warning(void **state)
{
	nlbuf_t req_buf, buf;
	char extack[64];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = nl_error_put(buf, 0, sample_request(req_buf), true, "deprecated");
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), 0);
	assert_string_equal(extack, "deprecated");
}

static void test_ack_truncated(void **state)
{
	nlbuf_t buf;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	char extack[64];

	(void)state;
	nlh->nlmsg_type = NLMSG_ERROR;	/* no room for struct nlmsgerr */
	assert_int_equal(ito_nl_parse_ack(nlh, extack, sizeof(extack)), -EPROTO);
}

/* A reply callback counting the replies and remembering the last command. */
struct replies {
	int count;
	uint8_t last_cmd;
	int fail_with;
};

static int count_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct replies *r = data;

	r->count++;
	r->last_cmd = genl->cmd;
	if (r->fail_with) {
		errno = r->fail_with;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void test_run_reply_then_ack(void **state)
{
	nlbuf_t req_buf, buf;
	struct replies r = {};
	struct nlmsghdr *nlh;
	char extack[64];
	void *end;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	nlh = nl_error_put(nl_next(nlh), 0, sample_request(req_buf), true, NULL);
	end = nl_next(nlh);

	assert_int_equal(ito_nl_run(buf, nl_len_upto(buf, end), TEST_SEQ,
				    TEST_PORTID, count_reply_cb, &r,
				    extack, sizeof(extack)), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.last_cmd, 1);
}

static void test_run_wants_more(void **state)
{
	nlbuf_t buf;
	struct replies r = {};
	struct nlmsghdr *nlh;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	assert_int_equal(ito_nl_run(buf, nlh->nlmsg_len, TEST_SEQ, TEST_PORTID,
				    count_reply_cb, &r, NULL, 0), 1);
	assert_int_equal(r.count, 1);
}

static void test_run_done_ends_dump(void **state)
{
	nlbuf_t buf;
	struct replies r = {};
	struct nlmsghdr *nlh, *done;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 5);
	done = mnl_nlmsg_put_header(nl_next(nlh));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_seq = TEST_SEQ;
	mnl_nlmsg_put_extra_header(done, sizeof(int));
	assert_int_equal(ito_nl_run(buf, nl_len_upto(buf, nl_next(done)),
				    TEST_SEQ, TEST_PORTID, count_reply_cb, &r,
				    NULL, 0), 0);
	assert_int_equal(r.count, 1);
}

static void test_run_kernel_error(void **state)
{
	nlbuf_t req_buf, buf;
	struct replies r = {};
	struct nlmsghdr *nlh;
	char extack[64];

	(void)state;
	nlh = nl_error_put(buf, -EINVAL, sample_request(req_buf), true, RANGE_MSG);
	assert_int_equal(ito_nl_run(buf, nlh->nlmsg_len, TEST_SEQ, TEST_PORTID,
				    count_reply_cb, &r, extack, sizeof(extack)),
			 -EINVAL);
	assert_string_equal(extack, RANGE_MSG);
	assert_int_equal(r.count, 0);
}

static void test_run_callback_error(void **state)
{
	nlbuf_t buf;
	struct replies r = { .fail_with = EPROTO };
	struct nlmsghdr *nlh;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	assert_int_equal(ito_nl_run(buf, nlh->nlmsg_len, TEST_SEQ, TEST_PORTID,
				    count_reply_cb, &r, NULL, 0), -EPROTO);
}

static void test_run_foreign_sequence(void **state)
{
	nlbuf_t buf;
	struct replies r = {};
	struct nlmsghdr *nlh;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	nlh->nlmsg_seq = TEST_SEQ + 1;
	assert_true(ito_nl_run(buf, nlh->nlmsg_len, TEST_SEQ, TEST_PORTID,
			       count_reply_cb, &r, NULL, 0) < 0);
	assert_int_equal(r.count, 0);
}

static struct nlmsghdr *ctrl_reply(void *buf, bool with_id)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, GENL_ID_CTRL,
						CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *group;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "ito");
	if (with_id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, TEST_FAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAX + 1, 0);	/* from a newer kernel */
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	group = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 33);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mnl_attr_nest_end(nlh, group);
	group = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "stats");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 34);
	mnl_attr_nest_end(nlh, group);
	mnl_attr_nest_end(nlh, groups);
	return nlh;
}

static void test_parse_family(void **state)
{
	struct ito_nl_family fam;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(ito_nl_parse_family(ctrl_reply(buf, true), &fam), 0);
	assert_int_equal(fam.id, TEST_FAMILY);
	assert_int_equal(fam.version, 1);
	assert_int_equal(fam.n_groups, 2);
	assert_string_equal(fam.groups[0].name, "events");
	assert_int_equal(fam.groups[0].id, 33);
	assert_string_equal(fam.groups[1].name, "stats");
	assert_int_equal(fam.groups[1].id, 34);
}

static void test_parse_family_without_id(void **state)
{
	struct ito_nl_family fam;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(ito_nl_parse_family(ctrl_reply(buf, false), &fam),
			 -EPROTO);
}

/* Attributes indexed by type; a newer kernel's (above max) left alone. */
static void test_parse_top_and_nested(void **state)
{
	const struct nlattr *top[3 + 1] = {}, *tb[2 + 1] = {};
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	mnl_attr_put_u32(nlh, 1, 7);
	mnl_attr_put_u16(nlh, 2, 7);
	nest = mnl_attr_nest_start(nlh, 3);
	mnl_attr_put_u8(nlh, 2, 9);
	mnl_attr_put_u8(nlh, 5, 1);		/* above the nest's max */
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, 4, 1);		/* above the message's max */

	assert_int_equal(ito_nl_parse_top(nlh, top, 3), 0);
	assert_int_equal(mnl_attr_get_u32(top[1]), 7);
	assert_non_null(top[2]);
	assert_non_null(top[3]);
	assert_int_equal(ito_nl_parse_nested(top[3], tb, 2), 0);
	assert_null(tb[1]);
	assert_int_equal(mnl_attr_get_u8(tb[2]), 9);

	/* a nest shorter than an attribute header */
	assert_int_equal(ito_nl_parse_nested(top[2], tb, 2), -EPROTO);
	/* a message too short for its generic netlink header */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	assert_int_equal(ito_nl_parse_top(nlh, top, 3), -EPROTO);
}

struct sample {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
};

/* Each width is checked before it is stored, and only integers are. */
static void test_store_uint(void **state)
{
	static const struct ito_nl_slot slots[] = {
		ITO_NL_SLOT(1, U8, struct sample, u8),
		ITO_NL_SLOT(2, U16, struct sample, u16),
		ITO_NL_SLOT(3, U32, struct sample, u32),
		ITO_NL_SLOT(4, U64, struct sample, u64),
		ITO_NL_SLOT(5, MAC, struct sample, u64),
	};
	struct sample out = {};
	struct nlmsghdr *nlh;
	struct nlattr *a[6];
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, 1);
	a[1] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u8(nlh, 1, 0xab);
	a[2] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u16(nlh, 2, 0xabcd);
	a[3] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, 3, 0xabcdef01);
	a[4] = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, 4, 0x0123456789abcdefull);

	assert_int_equal(ito_nl_store_uint(a[1], &slots[1], &out), 0);
	assert_int_equal(ito_nl_store_uint(a[2], &slots[2], &out), 0);
	assert_int_equal(ito_nl_store_uint(a[3], &slots[3], &out), 0);
	assert_int_equal(ito_nl_store_uint(a[4], &slots[4], &out), 0);
	assert_int_equal(out.u8, 0xab);
	assert_int_equal(out.u16, 0xabcd);
	assert_int_equal(out.u32, 0xabcdef01);
	assert_true(out.u64 == 0x0123456789abcdefull);

	/* a u32 where a u8 or a u64 belongs, a u8 where a u16 does */
	assert_int_equal(ito_nl_store_uint(a[3], &slots[1], &out), -EPROTO);
	assert_int_equal(ito_nl_store_uint(a[3], &slots[4], &out), -EPROTO);
	assert_int_equal(ito_nl_store_uint(a[1], &slots[2], &out), -EPROTO);
	/* not an integer slot */
	assert_int_equal(ito_nl_store_uint(a[4], &slots[5], &out), -EPROTO);
	assert_int_equal(out.u8, 0xab);		/* nothing written on refusal */
	assert_true(out.u64 == 0x0123456789abcdefull);
}

/* Open a real socket to nlctrl, which every kernel has; skip without netlink. */
static int open_nlctrl(struct ito_nl *nl)
{
	char extack[128];
	int err = ito_nl_open(nl, "nlctrl", extack, sizeof(extack));

	if (err == -EAFNOSUPPORT || err == -EPROTONOSUPPORT ||
	    err == -EACCES || err == -EPERM)
		skip();
	return err;
}

static void test_live_open_nlctrl(void **state)
{
	static struct ito_nl nl;

	(void)state;
	assert_int_equal(open_nlctrl(&nl), 0);
	assert_int_equal(nl.family.id, GENL_ID_CTRL);
	assert_int_equal(ito_nl_join_group(&nl, "notify"), 0);
	assert_int_equal(ito_nl_join_group(&nl, "no-such-group"), -ENOENT);
	ito_nl_close(&nl);
	assert_null(nl.sock);
}

/* Family names are at most 15 characters, or nlctrl says EINVAL. */
static void test_live_missing_family(void **state)
{
	static struct ito_nl nl;
	char extack[128];

	(void)state;
	if (open_nlctrl(&nl) == 0)
		ito_nl_close(&nl);
	assert_int_equal(ito_nl_open(&nl, "ito-nosuch", extack,
				     sizeof(extack)), -ENOENT);
	assert_null(nl.sock);
}

/* The kernel's own extended ack, through a real socket. */
static void test_live_extack(void **state)
{
	static struct ito_nl nl;
	nlbuf_t buf;
	struct nlmsghdr *nlh;
	char extack[128];

	(void)state;
	assert_int_equal(open_nlctrl(&nl), 0);
	nlh = ito_nl_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "far-too-long-a-family-name");
	assert_int_equal(ito_nl_talk(&nl, nlh, NULL, NULL, extack,
				     sizeof(extack)), -EINVAL);
	ito_nl_close(&nl);
	/* Policy violations are explained since Linux 4.20. */
	assert_true(strlen(extack) > 0);
	print_message("# kernel said: %s\n", extack);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_start),
		cmocka_unit_test(test_ack_capped_with_message),
		cmocka_unit_test(test_ack_uncapped_with_message),
		cmocka_unit_test(test_ack_message_truncated_to_buffer),
		cmocka_unit_test(test_ack_plain),
		cmocka_unit_test(test_ack_success_with_warning),
		cmocka_unit_test(test_ack_truncated),
		cmocka_unit_test(test_run_reply_then_ack),
		cmocka_unit_test(test_run_wants_more),
		cmocka_unit_test(test_run_done_ends_dump),
		cmocka_unit_test(test_run_kernel_error),
		cmocka_unit_test(test_run_callback_error),
		cmocka_unit_test(test_run_foreign_sequence),
		cmocka_unit_test(test_parse_family),
		cmocka_unit_test(test_parse_family_without_id),
		cmocka_unit_test(test_parse_top_and_nested),
		cmocka_unit_test(test_store_uint),
		cmocka_unit_test(test_live_open_nlctrl),
		cmocka_unit_test(test_live_missing_family),
		cmocka_unit_test(test_live_extack),
	};

	return cmocka_run_group_tests_name("ito_nl", tests, NULL, NULL);
}
