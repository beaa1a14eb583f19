// SPDX-License-Identifier: GPL-2.0
/*
 * A path written as a tc flower rule (tcrule.c): matches and actions in
 * the order kmod/hw.c builds them, for IPv4 and IPv6, TCP and UDP, every
 * VLAN case, NAT of each field, software and hardware.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "tcrule.h"

#define SAMPLE_MATCH \
	"tc filter add dev simrep0 ingress protocol ip prio 1 flower skip_sw " \
	"ip_proto tcp src_ip 10.0.1.2 dst_ip 10.0.2.2 src_port 40000 " \
	"dst_port 5201 ip_flags nofrag tcp_flags 0x0/0x7"
#define SAMPLE_MACS \
	"munge eth dst set 02:00:00:00:00:01 munge eth src set 02:00:00:00:00:02"

static void set_addr(struct ito_path *path, uint8_t *field, const char *a)
{
	path->addr_len = strchr(a, ':') ? 16 : 4;
	assert_int_equal(inet_pton(path->addr_len == 4 ? AF_INET : AF_INET6,
				   a, field), 1);
}

/* The original direction of the IPv4 TCP sample, untagged both sides. */
static struct ito_path sample_v4(uint32_t where)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t src[6] = { 2, 0, 0, 0, 0, 2 };
	struct ito_path path = {
		.dir = 0, .where = where,
		.in_ifindex = 11, .out_ifindex = 12,
		.sport = 40000, .dport = 5201,
	};

	set_addr(&path, path.saddr, "10.0.1.2");
	set_addr(&path, path.daddr, "10.0.2.2");
	memcpy(path.eth_dst, dst, 6);
	memcpy(path.eth_src, src, 6);
	return path;
}

static const char *render(const struct ito_path *path, uint8_t proto)
{
	static char rule[TC_RULE_LEN];
	size_t n;

	n = tc_rule_format(rule, sizeof(rule), path, proto, "simrep0",
			   "simrep1");
	assert_int_equal(n, strlen(rule));
	return rule;
}

static void test_v4_untagged_hw(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	assert_string_equal(render(&path, IPPROTO_TCP),
		SAMPLE_MATCH " action pedit ex " SAMPLE_MACS
		" munge ip ttl add 0xff pipe action csum iph and tcp pipe"
		" action mirred egress redirect dev simrep1");
}

static void test_v4_reply_direction(void **state)
{
	static const uint8_t dst[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	/* The reply enters where the original left. */
	path.dir = 1;
	set_addr(&path, path.saddr, "10.0.2.2");
	set_addr(&path, path.daddr, "10.0.1.2");
	path.sport = 5201;
	path.dport = 40000;
	memcpy(path.eth_dst, dst, 6);
	assert_string_equal(render(&path, IPPROTO_TCP),
		"tc filter add dev simrep0 ingress protocol ip prio 1 flower "
		"skip_sw ip_proto tcp src_ip 10.0.2.2 dst_ip 10.0.1.2 "
		"src_port 5201 dst_port 40000 ip_flags nofrag tcp_flags 0x0/0x7"
		" action pedit ex munge eth dst set aa:bb:cc:dd:ee:ff"
		" munge eth src set 02:00:00:00:00:02"
		" munge ip ttl add 0xff pipe action csum iph and tcp pipe"
		" action mirred egress redirect dev simrep1");
}

static void test_sw_has_no_skip_sw(void **state)
{
	struct ito_path hw = sample_v4(ITO_PATH_HW);
	struct ito_path sw = sample_v4(ITO_PATH_SW);
	char want[TC_RULE_LEN];
	const char *skip;
	size_t at;

	(void)state;
	/* The same rule, without skip_sw. */
	snprintf(want, sizeof(want), "%s", render(&hw, IPPROTO_TCP));
	skip = strstr(want, " skip_sw");
	assert_non_null(skip);
	at = skip - want;
	memmove(want + at, want + at + 8, strlen(want + at + 8) + 1);
	assert_string_equal(render(&sw, IPPROTO_TCP), want);
	assert_null(strstr(render(&sw, IPPROTO_TCP), "skip"));
}

/* The example of the man page: out tagged 200, source NAT of address and port. */
static void test_vlan_push_snat(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	path.out_vlan = 200;
	set_addr(&path, path.nat_saddr, "10.0.2.1");
	path.nat_sport = 61000;
	path.present |= 1u << ITO_A_PATH_NAT_SADDR | 1u << ITO_A_PATH_NAT_SPORT;
	assert_string_equal(render(&path, IPPROTO_TCP),
		SAMPLE_MATCH " action pedit ex " SAMPLE_MACS
		" munge ip ttl add 0xff munge ip src set 10.0.2.1"
		" munge tcp sport set 61000 pipe action csum iph and tcp pipe"
		" action vlan push id 200 pipe"
		" action mirred egress redirect dev simrep1");
}

static void test_vlan_pop(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	path.in_vlan = 100;
	assert_string_equal(render(&path, IPPROTO_TCP),
		"tc filter add dev simrep0 ingress protocol 802.1Q prio 1 flower "
		"skip_sw vlan_id 100 vlan_ethtype ip ip_proto tcp "
		"src_ip 10.0.1.2 dst_ip 10.0.2.2 src_port 40000 dst_port 5201 "
		"ip_flags nofrag tcp_flags 0x0/0x7"
		" action vlan pop pipe action pedit ex " SAMPLE_MACS
		" munge ip ttl add 0xff pipe action csum iph and tcp pipe"
		" action mirred egress redirect dev simrep1");
}

static void test_vlan_modify_and_same(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);
	const char *rule;

	(void)state;
	path.in_vlan = 100;
	path.out_vlan = 200;
	rule = render(&path, IPPROTO_TCP);
	assert_non_null(strstr(rule, " vlan_id 100 vlan_ethtype ip ip_proto"));
	assert_non_null(strstr(rule,
		"tcp_flags 0x0/0x7 action vlan modify id 200 pipe action pedit ex "));
	assert_null(strstr(rule, "push"));
	assert_null(strstr(rule, "pop"));

	/* Tagged alike on both sides: the tag stays as it is. */
	path.out_vlan = 100;
	rule = render(&path, IPPROTO_TCP);
	assert_non_null(strstr(rule, "protocol 802.1Q prio 1 flower skip_sw "
				     "vlan_id 100 vlan_ethtype ip "));
	assert_null(strstr(rule, "action vlan"));
	assert_non_null(strstr(rule, "tcp_flags 0x0/0x7 action pedit ex "));
}

/* A vWire direction: no MACs, only its tag changes; no pedit, no csum. */
static void test_vwire(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	path.vwire = 1;
	memset(path.eth_dst, 0, sizeof(path.eth_dst));
	memset(path.eth_src, 0, sizeof(path.eth_src));
	path.in_vlan = 100;
	path.out_vlan = 200;
	assert_string_equal(render(&path, IPPROTO_TCP),
		"tc filter add dev simrep0 ingress protocol 802.1Q prio 1 flower "
		"skip_sw vlan_id 100 vlan_ethtype ip ip_proto tcp "
		"src_ip 10.0.1.2 dst_ip 10.0.2.2 src_port 40000 dst_port 5201 "
		"ip_flags nofrag tcp_flags 0x0/0x7"
		" action vlan modify id 200 pipe"
		" action mirred egress redirect dev simrep1");
}

/* Destination NAT of a UDP flow: csum and munges say udp. */
static void test_udp_dnat(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_SW);

	(void)state;
	set_addr(&path, path.nat_daddr, "192.168.7.9");
	path.nat_dport = 53;
	path.present |= 1u << ITO_A_PATH_NAT_DADDR | 1u << ITO_A_PATH_NAT_DPORT;
	assert_string_equal(render(&path, IPPROTO_UDP),
		"tc filter add dev simrep0 ingress protocol ip prio 1 flower "
		"ip_proto udp src_ip 10.0.1.2 dst_ip 10.0.2.2 src_port 40000 "
		"dst_port 5201 ip_flags nofrag action pedit ex " SAMPLE_MACS
		" munge ip ttl add 0xff munge ip dst set 192.168.7.9"
		" munge udp dport set 53 pipe action csum iph and udp pipe"
		" action mirred egress redirect dev simrep1");
}

/* All four NAT fields, in the order src, dst, sport, dport. */
static void test_full_nat(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	set_addr(&path, path.nat_saddr, "10.9.0.1");
	set_addr(&path, path.nat_daddr, "10.9.0.2");
	path.nat_sport = 1;
	path.nat_dport = 65535;
	path.present |= 1u << ITO_A_PATH_NAT_SADDR | 1u << ITO_A_PATH_NAT_DADDR |
			1u << ITO_A_PATH_NAT_SPORT | 1u << ITO_A_PATH_NAT_DPORT;
	assert_non_null(strstr(render(&path, IPPROTO_TCP),
		" munge ip ttl add 0xff munge ip src set 10.9.0.1"
		" munge ip dst set 10.9.0.2 munge tcp sport set 1"
		" munge tcp dport set 65535 pipe action csum iph and tcp pipe"));
}

static void test_ipv6_tagged(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);

	(void)state;
	set_addr(&path, path.saddr, "2001:db8::1");
	set_addr(&path, path.daddr, "2001:db8:1::2");
	path.in_vlan = 10;
	path.out_vlan = 0;
	assert_string_equal(render(&path, IPPROTO_UDP),
		"tc filter add dev simrep0 ingress protocol 802.1Q prio 1 flower "
		"skip_sw vlan_id 10 vlan_ethtype ipv6 ip_proto udp "
		"src_ip 2001:db8::1 dst_ip 2001:db8:1::2 src_port 40000 "
		"dst_port 5201 ip_flags nofrag"
		" action vlan pop pipe action pedit ex " SAMPLE_MACS
		" munge ip6 hoplimit add 0xff pipe"
		" action mirred egress redirect dev simrep1");

	/* Untagged, TCP, in software: "protocol ipv6", no checksum action. */
	path.in_vlan = 0;
	path.where = ITO_PATH_SW;
	assert_string_equal(render(&path, IPPROTO_TCP),
		"tc filter add dev simrep0 ingress protocol ipv6 prio 1 flower "
		"ip_proto tcp src_ip 2001:db8::1 dst_ip 2001:db8:1::2 "
		"src_port 40000 dst_port 5201 ip_flags nofrag tcp_flags 0x0/0x7"
		" action pedit ex " SAMPLE_MACS
		" munge ip6 hoplimit add 0xff pipe"
		" action mirred egress redirect dev simrep1");
}

static void test_truncated(void **state)
{
	struct ito_path path = sample_v4(ITO_PATH_HW);
	size_t whole = strlen(render(&path, IPPROTO_TCP));
	char small[24];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(tc_rule_format(small, sizeof(small), &path, IPPROTO_TCP,
					"simrep0", "simrep1"), whole);
	assert_string_equal(small, "tc filter add dev simre");
	assert_int_equal(tc_rule_format(NULL, 0, &path, IPPROTO_TCP, "simrep0",
					"simrep1"), whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_untagged_hw),
		cmocka_unit_test(test_v4_reply_direction),
		cmocka_unit_test(test_sw_has_no_skip_sw),
		cmocka_unit_test(test_vlan_push_snat),
		cmocka_unit_test(test_vlan_pop),
		cmocka_unit_test(test_vlan_modify_and_same),
		cmocka_unit_test(test_vwire),
		cmocka_unit_test(test_udp_dnat),
		cmocka_unit_test(test_full_nat),
		cmocka_unit_test(test_ipv6_tagged),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests_name("tcrule", tests, NULL, NULL);
}
