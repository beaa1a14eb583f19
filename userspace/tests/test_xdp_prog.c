// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program (xdpd/ito_xdp.bpf.c) run by the kernel on crafted frames
 * (BPF_PROG_TEST_RUN): each rewrite is compared byte for byte with the
 * frame built from scratch as it should leave (checksums computed anew),
 * and each case the stack keeps must pass untouched and uncounted.
 *
 * Needs root and a kernel that loads BPF; skipped, with the reason, where
 * the program does not load (the VM tests cover it there).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ito_xdp.skel.h"
#include "xdp_maps.h"

/* lo: always there, its receive queue registered for XDP */
#define IFINDEX_LO	1
#define SLOT		7

static struct ito_xdp *skel;
static char skip_reason[256];

/* One frame as parts: the test changes fields, frame_build() lays it out. */
struct frame {
	uint8_t dst[6], src[6];
	uint16_t vlan_tci;	/* 0: untagged */
	int family;
	uint8_t proto;
	uint8_t ttl;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;	/* host order */
	uint8_t tcp_flags;
	uint16_t frag_off;	/* host order, IPv4 */
	int ip_options;		/* IPv4: 4 bytes of options */
	int hop_by_hop;		/* IPv6: a hop-by-hop header first */
	int udp_no_csum;
	size_t payload;
};

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static uint16_t fold_not(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* The frame, with every checksum computed from scratch; its length. */
static size_t frame_build(const struct frame *f, uint8_t *buf)
{
	size_t off = 0, l3, l4, l4_len, ip_hlen, i, alen;
	uint32_t sum;

	memcpy(buf, f->dst, 6);
	memcpy(buf + 6, f->src, 6);
	off = 12;
	if (f->vlan_tci) {
		put16(buf + off, ETH_P_8021Q);
		put16(buf + off + 2, f->vlan_tci);
		off += 4;
	}
	put16(buf + off, f->family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	l3 = off + 2;
	l4_len = (f->proto == IPPROTO_TCP ? 20 : 8) + f->payload;
	alen = f->family == AF_INET ? 4 : 16;
	if (f->family == AF_INET) {
		ip_hlen = f->ip_options ? 24 : 20;
		memset(buf + l3, 0, ip_hlen);
		buf[l3] = 0x40 | (uint8_t)(ip_hlen / 4);
		put16(buf + l3 + 2, (uint16_t)(ip_hlen + l4_len));
		put16(buf + l3 + 4, 0x1234);
		put16(buf + l3 + 6, f->frag_off);
		buf[l3 + 8] = f->ttl;
		buf[l3 + 9] = f->proto;
		memcpy(buf + l3 + 12, f->saddr, 4);
		memcpy(buf + l3 + 16, f->daddr, 4);
		if (f->ip_options)
			buf[l3 + 20] = 1;	/* NOPs */
		put16(buf + l3 + 10, fold_not(sum16(buf + l3, ip_hlen, 0)));
	} else {
		ip_hlen = 40;
		if (f->hop_by_hop)
			ip_hlen += 8;
		memset(buf + l3, 0, ip_hlen);
		buf[l3] = 0x60;
		put16(buf + l3 + 4, (uint16_t)(ip_hlen - 40 + l4_len));
		buf[l3 + 6] = f->hop_by_hop ? IPPROTO_HOPOPTS : f->proto;
		buf[l3 + 7] = f->ttl;
		memcpy(buf + l3 + 8, f->saddr, 16);
		memcpy(buf + l3 + 24, f->daddr, 16);
		if (f->hop_by_hop) {
			buf[l3 + 40] = f->proto;
			buf[l3 + 42] = 1;	/* PadN, 4 bytes */
			buf[l3 + 43] = 4;
		}
	}
	l4 = l3 + ip_hlen;
	memset(buf + l4, 0, l4_len);
	put16(buf + l4, f->sport);
	put16(buf + l4 + 2, f->dport);
	for (i = 0; i < f->payload; i++)
		buf[l4 + l4_len - f->payload + i] = (uint8_t)(i * 7 + 1);
	if (f->proto == IPPROTO_TCP) {
		buf[l4 + 12] = 5 << 4;
		buf[l4 + 13] = f->tcp_flags;
	} else {
		put16(buf + l4 + 4, (uint16_t)l4_len);
	}
	/* the pseudo-header, then the segment */
	sum = sum16(f->saddr, alen, 0);
	sum = sum16(f->daddr, alen, sum);
	sum += f->proto + (uint32_t)l4_len;
	sum = sum16(buf + l4, l4_len, sum);
	if (f->proto == IPPROTO_TCP) {
		put16(buf + l4 + 16, fold_not(sum));
	} else if (!f->udp_no_csum) {
		uint16_t c = fold_not(sum);

		put16(buf + l4 + 6, c ? c : 0xffff);
	}
	return l4 + l4_len;
}

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 0xb };
static const uint8_t mac_c[6] = { 2, 0, 0, 0, 0, 0xc };
static const uint8_t mac_d[6] = { 2, 0, 0, 0, 0, 0xd };

static struct frame tcp4(void)
{
	struct frame f = {
		.family = AF_INET, .proto = IPPROTO_TCP, .ttl = 64,
		.saddr = { 10, 0, 0, 1 }, .daddr = { 192, 0, 2, 7 },
		.sport = 40000, .dport = 443, .tcp_flags = 0x10 /* ACK */,
		.payload = 100,
	};

	memcpy(f.dst, mac_a, 6);
	memcpy(f.src, mac_b, 6);
	return f;
}

static struct frame udp6(void)
{
	struct frame f = {
		.family = AF_INET6, .proto = IPPROTO_UDP, .ttl = 64,
		.saddr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
		.daddr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 },
		.sport = 5353, .dport = 53, .payload = 33,
	};

	memcpy(f.dst, mac_a, 6);
	memcpy(f.src, mac_b, 6);
	return f;
}

/* The session key a frame's packet looks up. */
static struct ito_xdp_key key_of(const struct frame *f)
{
	struct ito_xdp_key k;

	memset(&k, 0, sizeof(k));
	k.ifindex = IFINDEX_LO;
	k.vlan = f->vlan_tci & 0x0fff;
	k.family = f->family == AF_INET ? ITO_XDP_AF_INET : ITO_XDP_AF_INET6;
	k.proto = f->proto;
	memcpy(k.saddr, f->saddr, f->family == AF_INET ? 4 : 16);
	memcpy(k.daddr, f->daddr, f->family == AF_INET ? 4 : 16);
	k.sport = htons(f->sport);
	k.dport = htons(f->dport);
	return k;
}

/* A routed session to lo, MACs c (destination) and d. */
static struct ito_xdp_session routed(void)
{
	struct ito_xdp_session s;

	memset(&s, 0, sizeof(s));
	s.out_ifindex = IFINDEX_LO;
	s.slot = SLOT;
	s.mtu = 1500;
	memcpy(s.eth_dst, mac_c, 6);
	memcpy(s.eth_src, mac_d, 6);
	return s;
}

static void install(const struct frame *f, const struct ito_xdp_session *s)
{
	struct ito_xdp_key k = key_of(f);

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.sessions),
					     &k, s, BPF_ANY), 0);
}

static struct ito_xdp_counter counter(void)
{
	struct ito_xdp_counter c;
	uint32_t slot = SLOT;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.counters),
					     &slot, &c), 0);
	return c;
}

/* Run the program on @in; its verdict, the frame after in @out. */
static int run(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	/* the kernel wants the frame's end in the context too */
	struct xdp_md ctx = { .data_end = (uint32_t)len,
			      .ingress_ifindex = IFINDEX_LO };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in, .data_size_in = (uint32_t)len,
		.data_out = out, .data_size_out = 2048,
		.ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		.repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.ito_xdp),
						&opts), 0);
	*out_len = opts.data_size_out;
	return (int)opts.retval;
}

/* @f with @s installed is forwarded as @want, counted once. */
static void expect_forwarded(const struct frame *f,
			     const struct ito_xdp_session *s,
			     const struct frame *want)
{
	uint8_t in[2048], out[2048], expected[2048];
	size_t len = frame_build(f, in), want_len = frame_build(want, expected);
	struct ito_xdp_counter before = counter(), after;
	size_t out_len;

	install(f, s);
	assert_int_equal(run(in, len, out, &out_len), XDP_REDIRECT);
	assert_int_equal(out_len, want_len);
	assert_memory_equal(out, expected, want_len);
	after = counter();
	assert_int_equal(after.pkts - before.pkts, 1);
	/* from the network header */
	assert_int_equal(after.bytes - before.bytes,
			 len - (f->vlan_tci ? 18 : 14));
}

/* @f with @s installed goes to the stack as it came, uncounted. */
static void expect_passed(const struct frame *f, const struct ito_xdp_session *s)
{
	uint8_t in[2048], out[2048];
	size_t len = frame_build(f, in), out_len;
	struct ito_xdp_counter before = counter(), after;

	if (s)
		install(f, s);
	assert_int_equal(run(in, len, out, &out_len), XDP_PASS);
	assert_int_equal(out_len, len);
	assert_memory_equal(out, in, len);
	after = counter();
	assert_int_equal(after.pkts, before.pkts);
}

static void routed_want(struct frame *want)
{
	memcpy(want->dst, mac_c, 6);
	memcpy(want->src, mac_d, 6);
	want->ttl--;
}

static void test_nat44_tcp(void **state)
{
	struct frame f = tcp4(), want = f;
	struct ito_xdp_session s = routed();
	uint8_t nat_saddr[4] = { 203, 0, 113, 9 };

	(void)state;
	s.flags = ITO_XDP_NAT_SADDR | ITO_XDP_NAT_SPORT;
	memcpy(&s.nat_saddr, nat_saddr, 4);
	s.nat_sport = htons(61001);
	routed_want(&want);
	memcpy(want.saddr, nat_saddr, 4);
	want.sport = 61001;
	expect_forwarded(&f, &s, &want);
}

static void test_dnat44_udp(void **state)
{
	struct frame f = tcp4(), want;
	struct ito_xdp_session s = routed();
	uint8_t nat_daddr[4] = { 172, 16, 5, 5 };

	(void)state;
	f.proto = IPPROTO_UDP;
	f.payload = 61;		/* odd: the checksum's last byte alone */
	want = f;
	s.flags = ITO_XDP_NAT_DADDR | ITO_XDP_NAT_DPORT;
	memcpy(&s.nat_daddr, nat_daddr, 4);
	s.nat_dport = htons(8443);
	routed_want(&want);
	memcpy(want.daddr, nat_daddr, 4);
	want.dport = 8443;
	expect_forwarded(&f, &s, &want);
}

/* No checksum stays no checksum. */
static void test_nat44_udp_no_checksum(void **state)
{
	struct frame f = tcp4(), want;
	struct ito_xdp_session s = routed();
	uint8_t nat_saddr[4] = { 198, 51, 100, 200 };

	(void)state;
	f.proto = IPPROTO_UDP;
	f.udp_no_csum = 1;
	want = f;
	s.flags = ITO_XDP_NAT_SADDR;
	memcpy(&s.nat_saddr, nat_saddr, 4);
	routed_want(&want);
	memcpy(want.saddr, nat_saddr, 4);
	expect_forwarded(&f, &s, &want);
}

/* Many addresses and ports: the incremental sums against fresh ones. */
static void test_nat44_many(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		struct frame f = tcp4(), want;
		struct ito_xdp_session s = routed();
		uint8_t a[4] = { (uint8_t)(i * 37), (uint8_t)(255 - i), (uint8_t)(i * i), (uint8_t)i };

		f.proto = i & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		f.sport = (uint16_t)(1000 + i * 997);
		f.saddr[3] = (uint8_t)i;
		f.ttl = (uint8_t)(2 + i);
		want = f;
		s.flags = ITO_XDP_NAT_SADDR | ITO_XDP_NAT_DADDR |
			  ITO_XDP_NAT_SPORT | ITO_XDP_NAT_DPORT;
		memcpy(&s.nat_saddr, a, 4);
		memcpy(&s.nat_daddr, f.saddr, 4);
		s.nat_sport = htons((uint16_t)(65535 - i * 13));
		s.nat_dport = htons((uint16_t)(i * 1021));
		routed_want(&want);
		memcpy(want.saddr, a, 4);
		memcpy(want.daddr, f.saddr, 4);
		want.sport = (uint16_t)(65535 - i * 13);
		want.dport = (uint16_t)(i * 1021);
		expect_forwarded(&f, &s, &want);
	}
}

static void test_ipv6_routed(void **state)
{
	struct frame f = udp6(), want = f;
	struct ito_xdp_session s = routed();

	(void)state;
	routed_want(&want);
	expect_forwarded(&f, &s, &want);
}

static void test_vlan_push(void **state)
{
	struct frame f = tcp4(), want = f;
	struct ito_xdp_session s = routed();

	(void)state;
	s.out_vlan = 100;
	routed_want(&want);
	want.vlan_tci = 100;
	expect_forwarded(&f, &s, &want);
}

static void test_vlan_pop(void **state)
{
	struct frame f = udp6(), want;
	struct ito_xdp_session s = routed();

	(void)state;
	f.vlan_tci = 0x2000 | 100;	/* PCP 1 */
	want = f;
	routed_want(&want);
	want.vlan_tci = 0;
	expect_forwarded(&f, &s, &want);
}

/* The VID changes, the priority stays. */
static void test_vlan_rewrite(void **state)
{
	struct frame f = tcp4(), want;
	struct ito_xdp_session s = routed();

	(void)state;
	f.vlan_tci = 0xa000 | 100;
	want = f;
	s.out_vlan = 200;
	routed_want(&want);
	want.vlan_tci = 0xa000 | 200;
	expect_forwarded(&f, &s, &want);
}

/* A bridged direction: MACs and TTL as they came, even a TTL of 1. */
static void test_vwire(void **state)
{
	struct frame f = tcp4(), want;
	struct ito_xdp_session s = routed();

	(void)state;
	f.ttl = 1;
	f.vlan_tci = 10;
	want = f;
	s.flags = ITO_XDP_VWIRE;
	s.out_vlan = 20;
	want.vlan_tci = 20;
	expect_forwarded(&f, &s, &want);
}

/* A source NAT pool on a vWire: addresses and ports translated, MACs and TTL kept. */
static void test_vwire_nat(void **state)
{
	struct frame f = tcp4(), want;
	struct ito_xdp_session s = routed();
	uint8_t nat_saddr[4] = { 203, 0, 113, 77 };

	(void)state;
	f.proto = IPPROTO_UDP;
	want = f;
	s.flags = ITO_XDP_VWIRE | ITO_XDP_NAT_SADDR | ITO_XDP_NAT_SPORT;
	memcpy(&s.nat_saddr, nat_saddr, 4);
	s.nat_sport = htons(2000);
	memcpy(want.saddr, nat_saddr, 4);
	want.sport = 2000;
	expect_forwarded(&f, &s, &want);
}

static void test_pass_miss(void **state)
{
	struct frame f = tcp4();

	(void)state;
	f.dport = 444;
	expect_passed(&f, NULL);
}

static void test_pass_tcp_flags(void **state)
{
	static const uint8_t flags[] = { 0x02 /* SYN */, 0x12 /* SYN ACK */,
					 0x11 /* FIN ACK */, 0x04 /* RST */ };
	struct ito_xdp_session s = routed();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(flags); i++) {
		struct frame f = tcp4();

		f.tcp_flags = flags[i];
		expect_passed(&f, &s);
	}
}

static void test_pass_ttl(void **state)
{
	struct frame f = tcp4(), f6 = udp6();
	struct ito_xdp_session s = routed();

	(void)state;
	f.ttl = 1;
	expect_passed(&f, &s);
	f6.ttl = 0;
	expect_passed(&f6, &s);
}

static void test_pass_mtu(void **state)
{
	struct frame f = tcp4(), want = f;
	struct ito_xdp_session s = routed();

	(void)state;
	f.payload = 1500 - 40 + 1;
	expect_passed(&f, &s);
	/* exactly the MTU goes */
	f.payload = 1500 - 40;
	want = f;
	routed_want(&want);
	expect_forwarded(&f, &s, &want);
}

static void test_pass_fragments_options(void **state)
{
	struct ito_xdp_session s = routed();
	struct frame f = tcp4();

	(void)state;
	f.frag_off = 0x2000;	/* MF */
	expect_passed(&f, &s);
	f.frag_off = 0x0010;	/* an offset */
	expect_passed(&f, &s);
	f.frag_off = 0x4000;	/* DF alone is fine */
	f.ip_options = 1;
	expect_passed(&f, &s);
}

static void test_pass_ipv6_extension(void **state)
{
	struct ito_xdp_session s = routed();
	struct frame f = udp6();
	struct ito_xdp_key k = key_of(&f);

	(void)state;
	install(&f, &s);
	/* not even a key for the extension's number matches */
	k.proto = IPPROTO_HOPOPTS;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.sessions),
					     &k, &s, BPF_ANY), 0);
	f.hop_by_hop = 1;
	expect_passed(&f, NULL);
}

static void test_pass_other_vlan(void **state)
{
	struct ito_xdp_session s = routed();
	struct frame f = tcp4();

	(void)state;
	f.vlan_tci = 100;
	install(&f, &s);
	f.vlan_tci = 101;
	expect_passed(&f, NULL);
	f.vlan_tci = 0;
	expect_passed(&f, NULL);
}

/* A target the program does not run on: untouched, for the stack. */
static void test_pass_unknown_target(void **state)
{
	struct ito_xdp_session s = routed();
	struct frame f = tcp4();

	(void)state;
	s.out_ifindex = 0x7fffff;
	expect_passed(&f, &s);
}

static int setup(void **state)
{
	uint32_t lo = IFINDEX_LO;
	int err;

	(void)state;
	libbpf_set_print(NULL);
	skel = ito_xdp__open();
	if (!skel) {
		snprintf(skip_reason, sizeof(skip_reason), "open: %s", strerror(errno));
		return 0;
	}
	err = ito_xdp__load(skel);
	if (err) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "the kernel does not load the program: %s", strerror(-err));
		ito_xdp__destroy(skel);
		skel = NULL;
		return 0;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.devices), &lo, &lo, BPF_ANY)) {
		snprintf(skip_reason, sizeof(skip_reason), "devmap: %s", strerror(errno));
		ito_xdp__destroy(skel);
		skel = NULL;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ito_xdp__destroy(skel);
	return 0;
}

/* Each test starts without sessions: keys repeat from test to test. */
static void clear_sessions(void)
{
	int fd = bpf_map__fd(skel->maps.sessions);
	struct ito_xdp_key k;

	while (!bpf_map_get_next_key(fd, NULL, &k))
		assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
}

/* Each test, or a skip that says why. */
static void guarded(void **state)
{
	void (*fn)(void **) = *state;

	if (!skel) {
		print_message("# SKIP %s\n", skip_reason);
		skip();
	}
	clear_sessions();
	fn(NULL);
}

#define PROG_TEST(fn) { #fn, guarded, NULL, NULL, (void *)fn }

int main(void)
{
	const struct CMUnitTest tests[] = {
		PROG_TEST(test_nat44_tcp),
		PROG_TEST(test_dnat44_udp),
		PROG_TEST(test_nat44_udp_no_checksum),
		PROG_TEST(test_nat44_many),
		PROG_TEST(test_ipv6_routed),
		PROG_TEST(test_vlan_push),
		PROG_TEST(test_vlan_pop),
		PROG_TEST(test_vlan_rewrite),
		PROG_TEST(test_vwire),
		PROG_TEST(test_vwire_nat),
		PROG_TEST(test_pass_miss),
		PROG_TEST(test_pass_tcp_flags),
		PROG_TEST(test_pass_ttl),
		PROG_TEST(test_pass_mtu),
		PROG_TEST(test_pass_fragments_options),
		PROG_TEST(test_pass_ipv6_extension),
		PROG_TEST(test_pass_other_vlan),
		PROG_TEST(test_pass_unknown_target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
