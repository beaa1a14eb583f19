// SPDX-License-Identifier: GPL-2.0
/*
 * itod's netlink messages: packet copies, dumped flows, events and nlctrl
 * notifications built as the kernel sends them and parsed; verdict batches
 * and requests built and checked attribute by attribute.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "../itod/message.h"
#include "nlbuild.h"

static const uint8_t payload[] = { 0x45, 0x00, 0x00, 0x3c, 0xde, 0xad };

/* The tuple attributes of a flow nest, as in ITO_A_FLOW. */
static void put_tuple4(struct nlmsghdr *nlh, uint64_t id, const char *src,
		       uint16_t sport, const char *dst, uint16_t dport)
{
	uint8_t a[4];

	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, id);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, 6);
	inet_pton(AF_INET, src, a);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 4, a);
	inet_pton(AF_INET, dst, a);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 4, a);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_SPORT, sport);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_DPORT, dport);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_IIF, 7);
}

static struct nlmsghdr *packet_msg(void *buf, bool with_extra)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PACKET);
	struct nlattr *pkt, *flow;

	pkt = mnl_attr_nest_start(nlh, ITO_A_PACKET);
	flow = mnl_attr_nest_start(nlh, ITO_A_PACKET_FLOW);
	put_tuple4(nlh, 0x1122334455667788ULL, "192.0.2.1", 40000,
		   "10.0.2.77", 5201);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_CT_STATE, 3);
	if (with_extra)	/* from a newer module: skipped */
		mnl_attr_put_u32(nlh, ITO_A_FLOW_MAX + 5, 99);
	mnl_attr_nest_end(nlh, flow);
	mnl_attr_put_u8(nlh, ITO_A_PACKET_DIR, 1);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_IFINDEX, 8);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, 3);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_LEN, 1500);
	mnl_attr_put(nlh, ITO_A_PACKET_DATA, sizeof(payload), payload);
	if (with_extra)
		mnl_attr_put_u32(nlh, ITO_A_PACKET_MAX + 1, 1);
	mnl_attr_nest_end(nlh, pkt);
	if (with_extra)
		mnl_attr_put_u32(nlh, ITO_A_MAX + 3, 1);
	return nlh;
}

static void test_parse_packet_v4(void **state)
{
	struct msg_packet pkt;
	uint8_t want[4];
	nlbuf_t buf;

	(void)state;
	assert_int_equal(msg_parse_packet(packet_msg(buf, false), &pkt), 0);
	assert_true(pkt.flow_id == 0x1122334455667788ULL);
	assert_int_equal(pkt.tuple.family, AF_INET);
	assert_int_equal(pkt.tuple.proto, 6);
	inet_pton(AF_INET, "192.0.2.1", want);
	assert_memory_equal(pkt.tuple.saddr, want, 4);
	inet_pton(AF_INET, "10.0.2.77", want);
	assert_memory_equal(pkt.tuple.daddr, want, 4);
	assert_int_equal(pkt.tuple.sport, 40000);
	assert_int_equal(pkt.tuple.dport, 5201);
	assert_int_equal(pkt.tuple.iif, 7);
	assert_int_equal(pkt.ct_state, 3);
	assert_int_equal(pkt.dir, 1);
	assert_int_equal(pkt.ifindex, 8);
	assert_int_equal(pkt.seq, 3);
	assert_int_equal(pkt.len, 1500);
	assert_int_equal(pkt.data_len, sizeof(payload));
	assert_memory_equal(pkt.data, payload, sizeof(payload));
}

static void test_parse_packet_skips_unknown(void **state)
{
	struct msg_packet pkt;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(msg_parse_packet(packet_msg(buf, true), &pkt), 0);
	assert_int_equal(pkt.seq, 3);
	assert_int_equal(pkt.tuple.dport, 5201);
}

static void test_parse_packet_v6(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *pkt_nest, *flow;
	struct msg_packet pkt;
	uint8_t s[16], d[16];
	nlbuf_t buf;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", s);
	inet_pton(AF_INET6, "2001:db8:ffff::2", d);
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PACKET);
	pkt_nest = mnl_attr_nest_start(nlh, ITO_A_PACKET);
	flow = mnl_attr_nest_start(nlh, ITO_A_PACKET_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 5);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, 58);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 16, s);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 16, d);
	mnl_attr_nest_end(nlh, flow);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, 1);
	mnl_attr_nest_end(nlh, pkt_nest);

	assert_int_equal(msg_parse_packet(nlh, &pkt), 0);
	assert_int_equal(pkt.flow_id, 5);
	assert_int_equal(pkt.tuple.family, AF_INET6);
	assert_int_equal(pkt.tuple.proto, 58);
	assert_memory_equal(pkt.tuple.saddr, s, 16);
	assert_memory_equal(pkt.tuple.daddr, d, 16);
	/* Absent ports and interface read as 0, absent data as none. */
	assert_int_equal(pkt.tuple.sport, 0);
	assert_int_equal(pkt.tuple.iif, 0);
	assert_null(pkt.data);
	assert_int_equal(pkt.data_len, 0);
}

/* A packet copy with one thing wrong must be refused. */
enum breakage { NO_ID, ZERO_ID, SHORT_V6_ADDR, BAD_FAMILY, NO_SEQ, U8_SEQ,
		NO_PACKET_NEST };

static struct nlmsghdr *broken_packet(void *buf, enum breakage b)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PACKET);
	struct nlattr *pkt, *flow;
	uint8_t a[16] = { 1 };

	if (b == NO_PACKET_NEST) {
		mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, 1);
		return nlh;
	}
	pkt = mnl_attr_nest_start(nlh, ITO_A_PACKET);
	flow = mnl_attr_nest_start(nlh, ITO_A_PACKET_FLOW);
	if (b != NO_ID)
		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, b == ZERO_ID ? 0 : 9);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY,
			b == BAD_FAMILY ? 7 :
			b == SHORT_V6_ADDR ? AF_INET6 : AF_INET);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, 17);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 4, a);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 4, a);
	mnl_attr_nest_end(nlh, flow);
	if (b == U8_SEQ)
		mnl_attr_put_u8(nlh, ITO_A_PACKET_SEQ, 1);
	else if (b != NO_SEQ)
		mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, 1);
	mnl_attr_nest_end(nlh, pkt);
	return nlh;
}

/* A copy of flow @id with @len bytes of data, as in a kernel batch. */
static struct nlmsghdr *batched_copy(void *buf, uint64_t id, uint32_t seq,
				     size_t len)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PACKET);
	uint8_t data[64] = { 0x45 };
	struct nlattr *pkt, *flow;

	pkt = mnl_attr_nest_start(nlh, ITO_A_PACKET);
	flow = mnl_attr_nest_start(nlh, ITO_A_PACKET_FLOW);
	put_tuple4(nlh, id, "192.0.2.1", 40000 + seq, "10.0.2.77", 5201);
	mnl_attr_nest_end(nlh, flow);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, seq);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_LEN, 60);
	data[len - 1] = (uint8_t)seq;
	mnl_attr_put(nlh, ITO_A_PACKET_DATA, len, data);
	mnl_attr_nest_end(nlh, pkt);
	return nlh;
}

/*
 * The kernel sends several copies in one datagram: walked message by
 * message as itod's dispatch does, each parses, data lengths that need
 * padding included.
 */
static void test_parse_packet_batch(void **state)
{
	static const size_t lens[] = { 46, 1, 63 };
	const struct nlmsghdr *nlh;
	struct msg_packet pkt;
	size_t total = 0;
	unsigned int i = 0;
	nlbuf_t buf;
	int rest;

	(void)state;
	for (i = 0; i < 3; i++)
		total += batched_copy((char *)buf + total, 100 + i, i + 1,
				      lens[i])->nlmsg_len;
	i = 0;
	rest = (int)total;
	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, rest);
	     nlh = mnl_nlmsg_next(nlh, &rest), i++) {
		assert_true(i < 3);
		assert_int_equal(msg_genl_cmd(nlh), ITO_CMD_PACKET);
		assert_int_equal(msg_parse_packet(nlh, &pkt), 0);
		assert_true(pkt.flow_id == 100 + i);
		assert_int_equal(pkt.seq, i + 1);
		assert_int_equal(pkt.tuple.sport, 40000 + i + 1);
		assert_int_equal(pkt.data_len, lens[i]);
		assert_int_equal(((const uint8_t *)pkt.data)[lens[i] - 1], i + 1);
	}
	assert_int_equal(i, 3);
	assert_int_equal(rest, 0);
}

static void test_parse_packet_refuses_broken(void **state)
{
	enum breakage b;
	struct msg_packet pkt;
	nlbuf_t buf;

	(void)state;
	for (b = NO_ID; b <= NO_PACKET_NEST; b++)
		if (msg_parse_packet(broken_packet(buf, b), &pkt) != -EPROTO)
			fail_msg("breakage %d accepted", b);
}

static void test_build_verdict_batch(void **state)
{
	const struct ito_flow_verdict v[2] = {
		{ .flow_id = 0x100000001ULL, .verdict = ITO_VERDICT_OFFLOAD },
		{ .flow_id = 77, .verdict = ITO_VERDICT_BLOCK },
	};
	const struct genlmsghdr *genl;
	const struct nlattr *top, *attr;
	struct nlmsghdr *nlh;
	unsigned int i = 0;
	nlbuf_t buf;

	(void)state;
	nlh = ito_verdict_build(buf, TEST_FAMILY, v, 2);
	genl = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(genl->cmd, ITO_CMD_FLOW_VERDICT);
	assert_int_equal(genl->version, ITO_FAMILY_VERSION);

	/* Exactly two ITO_A_FLOW nests, each with exactly ID and VERDICT. */
	mnl_attr_for_each(top, nlh, sizeof(*genl)) {
		unsigned int seen = 0;

		assert_int_equal(mnl_attr_get_type(top), ITO_A_FLOW);
		assert_true(i < 2);
		mnl_attr_for_each_nested(attr, top) {
			switch (mnl_attr_get_type(attr)) {
			case ITO_A_FLOW_ID:
				assert_int_equal(mnl_attr_validate(attr, MNL_TYPE_U64), 0);
				assert_true(mnl_attr_get_u64(attr) == v[i].flow_id);
				seen |= 1;
				break;
			case ITO_A_FLOW_VERDICT:
				assert_int_equal(mnl_attr_validate(attr, MNL_TYPE_U32), 0);
				assert_int_equal(mnl_attr_get_u32(attr), v[i].verdict);
				seen |= 2;
				break;
			default:
				fail_msg("unexpected attribute %u",
					 mnl_attr_get_type(attr));
			}
		}
		assert_int_equal(seen, 3);
		i++;
	}
	assert_int_equal(i, 2);
}

/* An application name goes with its verdict, NUL-terminated, cut to fit. */
static void test_build_verdict_app(void **state)
{
	struct ito_flow_verdict v[2] = {
		{ .flow_id = 1, .verdict = ITO_VERDICT_OFFLOAD, .app = "SSH" },
		{ .flow_id = 2, .verdict = ITO_VERDICT_INSPECT },
	};
	const struct nlattr *top, *attr;
	const char *seen[2] = { NULL, NULL };
	struct nlmsghdr *nlh;
	unsigned int i = 0;
	nlbuf_t buf;

	(void)state;
	memset(v[1].app, 'x', sizeof(v[1].app));	/* not terminated */
	nlh = ito_verdict_build(buf, TEST_FAMILY, v, 2);
	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr)) {
		mnl_attr_for_each_nested(attr, top)
			if (mnl_attr_get_type(attr) == ITO_A_FLOW_APP) {
				assert_int_equal(mnl_attr_validate(attr, MNL_TYPE_NUL_STRING), 0);
				seen[i] = mnl_attr_get_str(attr);
			}
		i++;
	}
	assert_int_equal(i, 2);
	assert_non_null(seen[0]);
	assert_string_equal(seen[0], "SSH");
	assert_non_null(seen[1]);
	assert_int_equal(strlen(seen[1]), ITO_APP_NAME_LEN - 1);
}

static void test_build_verdict_batch_limit(void **state)
{
	static struct ito_flow_verdict v[ITO_VERDICT_BATCH + 5];
	const struct nlattr *top;
	struct nlmsghdr *nlh;
	unsigned int n = 0, i;
	nlbuf_t buf;

	(void)state;
	for (i = 0; i < ITO_VERDICT_BATCH + 5; i++)
		v[i] = (struct ito_flow_verdict){ .flow_id = i + 1,
						  .verdict = ITO_VERDICT_INSPECT,
						  .app = "TLS.Google" };
	nlh = ito_verdict_build(buf, TEST_FAMILY, v, ITO_VERDICT_BATCH + 5);
	/* A full batch fits the request size the library sends. */
	assert_true(nlh->nlmsg_len <= 8192);
	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr))
		n++;
	assert_int_equal(n, ITO_VERDICT_BATCH);
}

static void test_build_requests(void **state)
{
	const struct nlattr *nest, *filter;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = msg_build_flow_dump(buf, TEST_FAMILY);
	assert_int_equal(msg_genl_cmd(nlh), ITO_CMD_FLOW_GET);
	assert_true((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
	/* filtered in the kernel: only the flows still inspecting come back */
	nest = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	assert_int_equal(mnl_attr_get_type(nest), ITO_A_FLOW);
	assert_int_equal(mnl_attr_get_payload_len(nest),
			 MNL_ATTR_HDRLEN + sizeof(uint32_t));
	filter = mnl_attr_get_payload(nest);
	assert_int_equal(mnl_attr_get_type(filter), ITO_A_FLOW_STATE);
	assert_int_equal(mnl_attr_get_u32(filter), ITO_FLOW_STATE_INSPECTING);

	nlh = msg_build_simple(buf, TEST_FAMILY, ITO_CMD_AGENT_REGISTER);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_int_equal(msg_genl_cmd(nlh), ITO_CMD_AGENT_REGISTER);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);
}

static void test_parse_dumped_flow(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct msg_flow f;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	put_tuple4(nlh, 42, "198.51.100.3", 1234, "203.0.113.9", 443);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_INSPECTING);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, ITO_VERDICT_NONE);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_PKTS_ORIG, 12);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_COPIES, 4);
	mnl_attr_nest_end(nlh, nest);

	assert_int_equal(msg_parse_flow(nlh, &f), 0);
	assert_int_equal(f.flow_id, 42);
	assert_true(f.has_tuple);
	assert_int_equal(f.tuple.sport, 1234);
	assert_int_equal(f.tuple.dport, 443);
	assert_int_equal(f.tuple.iif, 7);
	assert_int_equal(f.state, ITO_FLOW_STATE_INSPECTING);
	assert_int_equal(f.verdict, ITO_VERDICT_NONE);
	assert_int_equal(f.copies, 4);
	assert_int_equal(f.event, 0);
}

static void test_parse_end_event(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct msg_flow f;
	nlbuf_t buf;

	(void)state;
	/* An event may carry the id alone. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_NTF);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 43);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_EVENT, ITO_FLOW_EVENT_END);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_END_REASON, ITO_END_REASON_RST);
	mnl_attr_nest_end(nlh, nest);

	assert_int_equal(msg_parse_flow(nlh, &f), 0);
	assert_int_equal(msg_genl_cmd(nlh), ITO_CMD_FLOW_NTF);
	assert_int_equal(f.flow_id, 43);
	assert_false(f.has_tuple);
	assert_int_equal(f.event, ITO_FLOW_EVENT_END);
	assert_int_equal(f.end_reason, ITO_END_REASON_RST);

	/* A u8 where a u32 belongs is malformed. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_FLOW_NTF);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 43);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_EVENT, ITO_FLOW_EVENT_END);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(msg_parse_flow(nlh, &f), -EPROTO);
}

static void test_parse_ctrl_notification(void **state)
{
	char name[32];
	struct nlmsghdr *nlh;
	uint16_t id;
	uint8_t cmd;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "ito");
	assert_int_equal(msg_parse_ctrl(nlh, &cmd, name, sizeof(name), &id), 0);
	assert_int_equal(cmd, CTRL_CMD_DELFAMILY);
	assert_string_equal(name, "ito");
	assert_int_equal(id, 0x22);

	nlh = genl_reply_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x23);
	assert_int_equal(msg_parse_ctrl(nlh, &cmd, name, sizeof(name), &id),
			 -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_packet_v4),
		cmocka_unit_test(test_parse_packet_skips_unknown),
		cmocka_unit_test(test_parse_packet_v6),
		cmocka_unit_test(test_parse_packet_batch),
		cmocka_unit_test(test_parse_packet_refuses_broken),
		cmocka_unit_test(test_build_verdict_batch),
		cmocka_unit_test(test_build_verdict_batch_limit),
		cmocka_unit_test(test_build_verdict_app),
		cmocka_unit_test(test_build_requests),
		cmocka_unit_test(test_parse_dumped_flow),
		cmocka_unit_test(test_parse_end_event),
		cmocka_unit_test(test_parse_ctrl_notification),
	};

	return cmocka_run_group_tests_name("itod messages", tests, NULL, NULL);
}
