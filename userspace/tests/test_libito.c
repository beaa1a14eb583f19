// SPDX-License-Identifier: GPL-2.0
/*
 * libito's public API without a kernel: the names of the contract's
 * values, address formatting, and ito_packet_parse() on copies built as
 * the kernel sends them (IPv6 here; itod's suite covers IPv4 and the
 * malformed cases through the same parser).
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

#include "libito.h"
#include "nlbuild.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ito_verdict_name(ITO_VERDICT_NONE), "none");
	assert_string_equal(ito_verdict_name(ITO_VERDICT_INSPECT_ALL), "inspect-all");
	assert_string_equal(ito_verdict_name(ITO_VERDICT_MAX + 1), "?");
	assert_string_equal(ito_flow_state_name(ITO_FLOW_STATE_OFFLOAD_PENDING),
			    "offload-pending");
	assert_string_equal(ito_flow_event_name(ITO_FLOW_EVENT_END), "end");
	assert_string_equal(ito_flow_event_name(0), "?");
	assert_string_equal(ito_end_reason_name(ITO_END_REASON_PORT_REMOVED),
			    "port-removed");
}

static void test_proto_name(void **state)
{
	char buf[4];

	(void)state;
	assert_string_equal(ito_proto_name(IPPROTO_UDP, buf, sizeof(buf)), "udp");
	assert_string_equal(ito_proto_name(IPPROTO_ICMPV6, buf, sizeof(buf)), "icmpv6");
	assert_string_equal(ito_proto_name(253, buf, sizeof(buf)), "253");
}

static void test_verdict_parse(void **state)
{
	uint32_t v = 99;

	(void)state;
	assert_int_equal(ito_verdict_parse("inspect-all", &v), 0);
	assert_int_equal(v, ITO_VERDICT_INSPECT_ALL);
	assert_int_equal(ito_verdict_parse("block", &v), 0);
	assert_int_equal(v, ITO_VERDICT_BLOCK);
	/* "none" is no verdict an agent gives; words match exactly */
	assert_int_equal(ito_verdict_parse("none", &v), -EINVAL);
	assert_int_equal(ito_verdict_parse("Offload", &v), -EINVAL);
	assert_int_equal(v, ITO_VERDICT_BLOCK);
}

static void test_addresses(void **state)
{
	char e[ITO_ENDPOINT_STRLEN], a[ITO_ADDR_STRLEN];
	uint8_t v4[4], v6[16];

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", v4);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	assert_string_equal(ito_endpoint_str(v4, 4, 40000, e), "192.0.2.1:40000");
	assert_string_equal(ito_endpoint_str(v6, 16, 443, e), "[2001:db8::1]:443");
	assert_string_equal(ito_addr_str(v6, 16, a), "2001:db8::1");
	assert_string_equal(ito_addr_str(v4, 5, a), "?");
}

static struct nlmsghdr *packet6(void *buf, bool with_seq)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PACKET);
	struct nlattr *pkt, *flow;
	uint8_t a[16];

	pkt = mnl_attr_nest_start(nlh, ITO_A_PACKET);
	flow = mnl_attr_nest_start(nlh, ITO_A_PACKET_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 42);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, IPPROTO_UDP);
	inet_pton(AF_INET6, "2001:db8::1", a);
	mnl_attr_put(nlh, ITO_A_FLOW_SADDR, 16, a);
	inet_pton(AF_INET6, "2001:db8::2", a);
	mnl_attr_put(nlh, ITO_A_FLOW_DADDR, 16, a);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_SPORT, 1500);
	mnl_attr_put_u16(nlh, ITO_A_FLOW_DPORT, 53);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_IIF, 3);
	mnl_attr_nest_end(nlh, flow);
	mnl_attr_put_u32(nlh, ITO_A_PACKET_IFINDEX, 4);
	if (with_seq)
		mnl_attr_put_u32(nlh, ITO_A_PACKET_SEQ, 1);
	mnl_attr_put(nlh, ITO_A_PACKET_DATA, 3, "abc");
	mnl_attr_nest_end(nlh, pkt);
	return nlh;
}

static void test_packet_parse(void **state)
{
	struct ito_packet pkt;
	char e[ITO_ENDPOINT_STRLEN];
	nlbuf_t buf;

	(void)state;
	assert_int_equal(ito_packet_parse(packet6(buf, true), &pkt), 0);
	assert_true(pkt.flow_id == 42);
	assert_int_equal(pkt.family, AF_INET6);
	assert_int_equal(pkt.proto, IPPROTO_UDP);
	assert_int_equal(pkt.addr_len, 16);
	assert_string_equal(ito_endpoint_str(pkt.saddr, pkt.addr_len, pkt.sport, e),
			    "[2001:db8::1]:1500");
	assert_string_equal(ito_endpoint_str(pkt.daddr, pkt.addr_len, pkt.dport, e),
			    "[2001:db8::2]:53");
	assert_int_equal(pkt.iif, 3);
	assert_int_equal(pkt.ifindex, 4);
	assert_int_equal(pkt.seq, 1);
	assert_int_equal(pkt.dir, 0);
	assert_int_equal(pkt.data_len, 3);
	assert_memory_equal(pkt.data, "abc", 3);
	/* the copy's number is what tells the first copy: required */
	assert_int_equal(ito_packet_parse(packet6(buf, false), &pkt), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_proto_name),
		cmocka_unit_test(test_verdict_parse),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_packet_parse),
	};

	return cmocka_run_group_tests_name("libito public API", tests, NULL, NULL);
}
