// SPDX-License-Identifier: GPL-2.0
/*
 * itod's policy: every match and action parsed, every error reported with
 * its line, and flows (IPv4 and IPv6) matched first-rule-wins.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "../itod/dpi.h"
#include "../itod/policy.h"

/* Interfaces of a pretend host: the tests do not depend on the real one. */
static unsigned int fake_ifindex(const char *name)
{
	if (!strcmp(name, "eth1"))
		return 3;
	if (!strcmp(name, "veth-long-name0"))
		return 42;
	return 0;
}

static struct policy pol;
static char err[POLICY_ERR_LEN];

static int parse(const char *text)
{
	return policy_parse(&pol, "test.conf", text, fake_ifindex, err,
			    sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	policy_free(&pol);
	return 0;
}

/* @text must be refused with exactly @msg. */
static void refused(const char *text, const char *msg)
{
	int ret = parse(text);

	if (ret != -EINVAL || strcmp(err, msg))
		fail_msg("\"%s\": got %d \"%s\", want \"%s\"", text, ret, err,
			 msg);
	assert_int_equal(pol.n_rules, 0);
	assert_null(pol.rules);
}

static const struct policy_rule *only_rule(const char *text)
{
	int ret = parse(text);

	if (ret)
		fail_msg("\"%s\" refused: %s", text, err);
	assert_int_equal(pol.n_rules, 1);
	return &pol.rules[0];
}

static void tuple4(struct policy_tuple *t, uint8_t proto, const char *src,
		   uint16_t sport, const char *dst, uint16_t dport,
		   uint32_t iif)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->proto = proto;
	assert_int_equal(inet_pton(AF_INET, src, t->saddr), 1);
	assert_int_equal(inet_pton(AF_INET, dst, t->daddr), 1);
	t->sport = sport;
	t->dport = dport;
	t->iif = iif;
}

static void tuple6(struct policy_tuple *t, uint8_t proto, const char *src,
		   uint16_t sport, const char *dst, uint16_t dport,
		   uint32_t iif)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET6;
	t->proto = proto;
	assert_int_equal(inet_pton(AF_INET6, src, t->saddr), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, t->daddr), 1);
	t->sport = sport;
	t->dport = dport;
	t->iif = iif;
}

static void test_actions(void **state)
{
	(void)state;
	assert_int_equal(parse("offload\ninspect\ninspect-all\nblock\n"), 0);
	assert_int_equal(pol.n_rules, 4);
	assert_int_equal(pol.rules[0].verdict, ITO_VERDICT_OFFLOAD);
	assert_int_equal(pol.rules[1].verdict, ITO_VERDICT_INSPECT);
	assert_int_equal(pol.rules[2].verdict, ITO_VERDICT_INSPECT_ALL);
	assert_int_equal(pol.rules[3].verdict, ITO_VERDICT_BLOCK);
	assert_int_equal(pol.rules[3].line, 4);
	assert_int_equal(pol.rules[0].match, 0);
	assert_int_equal(pol.rules[0].after, 1);
	policy_free(&pol);
	refused("Offload\n", "test.conf:1: unknown action \"Offload\" (expected offload, inspect, inspect-all, block or default)");
	refused("pass proto tcp\n", "test.conf:1: unknown action \"pass\" (expected offload, inspect, inspect-all, block or default)");
}

static void test_comments_and_blanks(void **state)
{
	(void)state;
	assert_int_equal(parse("# header\n\n   \t\n  offload proto tcp # trailing\r\n#block\n"), 0);
	assert_int_equal(pol.n_rules, 1);
	assert_int_equal(pol.rules[0].line, 4);
	assert_int_equal(pol.rules[0].match, POLICY_M_PROTO);
	assert_int_equal(pol.default_verdict, ITO_VERDICT_INSPECT);
	assert_int_equal(pol.default_line, 0);
	policy_free(&pol);

	assert_int_equal(parse(""), 0);
	assert_int_equal(pol.n_rules, 0);
	assert_int_equal(pol.default_verdict, ITO_VERDICT_INSPECT);
}

static void test_proto(void **state)
{
	static const struct {
		const char *word;
		uint8_t proto;
	} ok[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 },
		{ "0", 0 }, { "132", 132 }, { "255", 255 },
	};
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const struct policy_rule *r;

		snprintf(text, sizeof(text), "block proto %s", ok[i].word);
		r = only_rule(text);
		assert_int_equal(r->match, POLICY_M_PROTO);
		assert_int_equal(r->proto, ok[i].proto);
		policy_free(&pol);
	}
	refused("block proto 256", "test.conf:1: bad protocol \"256\" (expected tcp, udp, icmp, icmpv6 or 0-255)");
	refused("block proto TCP", "test.conf:1: bad protocol \"TCP\" (expected tcp, udp, icmp, icmpv6 or 0-255)");
	refused("block proto -1", "test.conf:1: bad protocol \"-1\" (expected tcp, udp, icmp, icmpv6 or 0-255)");
	refused("block proto", "test.conf:1: \"proto\" needs a value");
	refused("block proto tcp proto udp", "test.conf:1: \"proto\" given twice");
}

static void assert_prefix(const struct policy_prefix *p, int family,
			  const char *addr, unsigned int len)
{
	uint8_t want[16] = { 0 };

	assert_int_equal(p->family, family);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_memory_equal(p->addr, want, 16);
	assert_int_equal(p->len, len);
}

static void test_prefixes(void **state)
{
	const struct policy_rule *r;

	(void)state;
	r = only_rule("offload src 10.1.0.0/16 dst 192.0.2.7");
	assert_int_equal(r->match, POLICY_M_SRC | POLICY_M_DST);
	assert_prefix(&r->src, AF_INET, "10.1.0.0", 16);
	assert_prefix(&r->dst, AF_INET, "192.0.2.7", 32);
	policy_free(&pol);

	r = only_rule("offload src 0.0.0.0/0 dst 192.0.2.7/32");
	assert_prefix(&r->src, AF_INET, "0.0.0.0", 0);
	assert_prefix(&r->dst, AF_INET, "192.0.2.7", 32);
	policy_free(&pol);

	r = only_rule("inspect src 2001:db8::/32 dst ::/0");
	assert_prefix(&r->src, AF_INET6, "2001:db8::", 32);
	assert_prefix(&r->dst, AF_INET6, "::", 0);
	policy_free(&pol);

	r = only_rule("inspect dst 2001:db8::1/128");
	assert_prefix(&r->dst, AF_INET6, "2001:db8::1", 128);
	policy_free(&pol);
	r = only_rule("inspect dst 2001:db8::1");
	assert_prefix(&r->dst, AF_INET6, "2001:db8::1", 128);
	policy_free(&pol);
	r = only_rule("inspect dst 10.0.0.128/25");
	assert_prefix(&r->dst, AF_INET, "10.0.0.128", 25);
	policy_free(&pol);

	refused("offload dst 10.0.0.0/33", "test.conf:1: prefix length of \"10.0.0.0/33\" must be 0-32");
	refused("offload dst 2001:db8::/129", "test.conf:1: prefix length of \"2001:db8::/129\" must be 0-128");
	refused("offload dst 10.0.0.0/", "test.conf:1: prefix length of \"10.0.0.0/\" must be 0-32");
	refused("offload dst 10.0.0.0/-1", "test.conf:1: prefix length of \"10.0.0.0/-1\" must be 0-32");
	refused("offload dst 10.0.0.1/24", "test.conf:1: \"10.0.0.1/24\" has host bits set (the network is 10.0.0.0/24)");
	refused("offload dst 2001:db8::1/64", "test.conf:1: \"2001:db8::1/64\" has host bits set (the network is 2001:db8::/64)");
	refused("offload dst 10.0.0.256", "test.conf:1: bad IPv4 address \"10.0.0.256\"");
	refused("offload dst 10.0.0", "test.conf:1: bad IPv4 address \"10.0.0\"");
	refused("offload dst 2001:db8:::1", "test.conf:1: bad IPv6 address \"2001:db8:::1\"");
	refused("offload src 10.0.0.0/8 dst 2001:db8::/32", "test.conf:1: \"src\" and \"dst\" mix IPv4 and IPv6");
	refused("offload src 10.0.0.0/8 src 10.0.0.0/8", "test.conf:1: \"src\" given twice");
	refused("offload dst", "test.conf:1: \"dst\" needs a value");
}

static void test_ports(void **state)
{
	const struct policy_rule *r;

	(void)state;
	r = only_rule("offload sport 1000-2000 dport 5201");
	assert_int_equal(r->match, POLICY_M_SPORT | POLICY_M_DPORT);
	assert_int_equal(r->sport.lo, 1000);
	assert_int_equal(r->sport.hi, 2000);
	assert_int_equal(r->dport.lo, 5201);
	assert_int_equal(r->dport.hi, 5201);
	policy_free(&pol);

	r = only_rule("offload dport 0-65535 sport 7-7");
	assert_int_equal(r->dport.lo, 0);
	assert_int_equal(r->dport.hi, 65535);
	assert_int_equal(r->sport.lo, 7);
	assert_int_equal(r->sport.hi, 7);
	policy_free(&pol);

	refused("offload dport 70000", "test.conf:1: bad port \"70000\" (expected 0-65535 or a range P-Q)");
	refused("offload dport 65536", "test.conf:1: bad port \"65536\" (expected 0-65535 or a range P-Q)");
	refused("offload dport http", "test.conf:1: bad port \"http\" (expected 0-65535 or a range P-Q)");
	refused("offload sport 5-3", "test.conf:1: port range \"5-3\" is reversed (the first port must not be above the second)");
	refused("offload sport 5-70000", "test.conf:1: bad port range \"5-70000\" (expected P-Q within 0-65535)");
	refused("offload sport -5", "test.conf:1: bad port range \"-5\" (expected P-Q within 0-65535)");
	refused("offload sport 5-", "test.conf:1: bad port range \"5-\" (expected P-Q within 0-65535)");
	refused("offload dport 1 dport 2", "test.conf:1: \"dport\" given twice");
}

static void test_iif(void **state)
{
	const struct policy_rule *r;

	(void)state;
	r = only_rule("offload proto udp sport 1000-2000 iif eth1");
	assert_int_equal(r->match, POLICY_M_PROTO | POLICY_M_SPORT | POLICY_M_IIF);
	assert_int_equal(r->iif, 3);
	assert_string_equal(r->iif_name, "eth1");
	policy_free(&pol);

	refused("offload iif eth9", "test.conf:1: unknown interface \"eth9\"");
	refused("offload iif abcdefghijklmnopq", "test.conf:1: interface name \"abcdefghijklmnopq\" is too long");
}

static void test_iif_real_resolver(void **state)
{
	(void)state;
	/* NULL: if_nametoindex, and "lo" exists in every network namespace. */
	assert_int_equal(policy_parse(&pol, "t", "block iif lo", NULL, err,
				      sizeof(err)), 0);
	assert_int_equal(pol.rules[0].iif, if_nametoindex("lo"));
	assert_int_not_equal(pol.rules[0].iif, 0);
	policy_free(&pol);
	assert_int_equal(policy_parse(&pol, "t", "block iif no-such-if0", NULL,
				      err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t:1: unknown interface \"no-such-if0\"");
}

static void test_app_refused(void **state)
{
	(void)state;
	refused("offload proto tcp app", "test.conf:1: \"app\" needs a value");
#ifdef HAVE_NDPI
	refused("offload app nosuchproto", "test.conf:1: unknown application \"nosuchproto\" (not in nDPI's list of protocols)");
	refused("offload category nosuchcat", "test.conf:1: unknown category \"nosuchcat\" (not in nDPI's list of categories)");
	refused("offload\noffload app tls app ssh", "test.conf:2: \"app\" given twice");
	refused("offload sni exa/mple.com", "test.conf:1: bad \"sni\" name \"exa/mple.com\" (expected a domain name suffix such as example.com)");
	refused("offload host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"test.conf:1: \"host\" name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is too long (at most 79 characters)");
#else
	refused("offload app bittorrent", "test.conf:1: \"app\" cannot be used: itod was built without nDPI (libndpi-dev)");
	refused("offload category web", "test.conf:1: \"category\" cannot be used: itod was built without nDPI (libndpi-dev)");
	refused("offload sni example.com", "test.conf:1: \"sni\" cannot be used: itod was built without nDPI (libndpi-dev)");
	refused("offload host example.com", "test.conf:1: \"host\" cannot be used: itod was built without nDPI (libndpi-dev)");
#endif
}

#ifdef HAVE_NDPI
/* Application matches: parsed, combined with the tuple, matched in order. */
static void test_app_matches(void **state)
{
	const struct policy_rule *r;
	struct policy_app app = { 0 };
	struct policy_tuple t;
	char buf[256];
	bool pending;

	(void)state;
	r = only_rule("offload proto tcp dport 443 app TLS category Web sni Example.COM host .h.test");
	assert_int_equal(r->match, POLICY_M_PROTO | POLICY_M_DPORT | POLICY_M_APP |
			 POLICY_M_CATEGORY | POLICY_M_SNI | POLICY_M_HOST);
	assert_true(pol.needs_app);
	assert_int_equal(r->app, dpi_app_id("tls"));
	assert_string_equal(r->sni, "example.com");
	policy_format_matches(r, buf, sizeof(buf));
	assert_string_equal(buf, "proto tcp dport 443 app TLS category Web sni example.com host .h.test");
	policy_free(&pol);

	assert_int_equal(parse("inspect dport 22\noffload app tls sni example.com\nblock app bittorrent\n"), 0);
	tuple4(&t, 6, "10.0.0.1", 40000, "192.0.2.1", 22, 1);
	/* A tuple-only rule first: no need to wait. */
	assert_int_equal(policy_rule_number(&pol, policy_match_app(&pol, &t, NULL, &pending)), 1);
	assert_false(pending);
	t.dport = 443;
	assert_null(policy_match_app(&pol, &t, NULL, &pending));
	assert_true(pending);
	app.app = (uint16_t)dpi_app_id("tls");
	app.name_is_sni = true;
	strcpy(app.name, "www.example.com");
	assert_int_equal(policy_rule_number(&pol, policy_match_app(&pol, &t, &app, &pending)), 2);
	assert_false(pending);
	strcpy(app.name, "wwwexample.com");
	assert_null(policy_match_app(&pol, &t, &app, NULL));
	/* A master protocol matches too: TLS.Google is TLS. */
	app.master = app.app;
	app.app = (uint16_t)dpi_app_id("bittorrent");
	assert_int_equal(policy_rule_number(&pol, policy_match_app(&pol, &t, &app, NULL)), 3);
	/* A host name is not an SNI. */
	app.name_is_sni = false;
	app.app = app.master;
	strcpy(app.name, "example.com");
	assert_null(policy_match_app(&pol, &t, &app, NULL));
	/* Dumped flows are never classified: application rules do not match. */
	assert_null(policy_match(&pol, &t));
}
#endif

static void test_after(void **state)
{
	const struct policy_rule *r;

	(void)state;
	r = only_rule("offload proto tcp after 4");
	assert_int_equal(r->after, 4);
	assert_int_equal(r->match, POLICY_M_PROTO);
	policy_free(&pol);
	refused("offload after 0", "test.conf:1: bad packet count \"0\" for \"after\" (expected 1-1024)");
	refused("offload after 1025", "test.conf:1: bad packet count \"1025\" for \"after\" (expected 1-1024)");
	refused("offload after", "test.conf:1: \"after\" needs a packet count");
	refused("offload after 2 after 3", "test.conf:1: \"after\" given twice");
}

static void test_default(void **state)
{
	(void)state;
	assert_int_equal(parse("offload proto tcp\n\ndefault block\n"), 0);
	assert_int_equal(pol.default_verdict, ITO_VERDICT_BLOCK);
	assert_int_equal(pol.default_line, 3);
	assert_int_equal(pol.n_rules, 1);
	policy_free(&pol);

	assert_int_equal(parse("default offload"), 0);
	assert_int_equal(pol.default_verdict, ITO_VERDICT_OFFLOAD);
	policy_free(&pol);
	assert_int_equal(parse("default inspect-all"), 0);
	assert_int_equal(pol.default_verdict, ITO_VERDICT_INSPECT_ALL);
	policy_free(&pol);

	refused("default inspect\nblock proto udp\ndefault offload\n",
		"test.conf:3: duplicate \"default\" (the first is on line 1)");
	refused("default", "test.conf:1: \"default\" takes one action: offload, inspect, inspect-all or block");
	refused("default drop", "test.conf:1: \"default\" takes one action: offload, inspect, inspect-all or block");
	refused("default block proto tcp", "test.conf:1: \"default\" takes one action: offload, inspect, inspect-all or block");
}

static void test_unknown_keyword_line(void **state)
{
	(void)state;
	refused("offload proto tcp\n# fine\n\nblock proto udp prot 9\n",
		"test.conf:4: unknown keyword \"prot\"");
	refused("offload proto tcp dport\n", "test.conf:1: \"dport\" needs a value");
}

static void test_match_v4(void **state)
{
	struct policy_tuple t;
	const struct policy_rule *r;

	(void)state;
	assert_int_equal(parse(
		"offload proto tcp dst 10.0.2.0/24 dport 5201\n"
		"block   proto udp dport 9999\n"
		"inspect src 2001:db8::/32\n"
		"offload proto udp sport 1000-2000 iif eth1\n"
		"block   src 10.9.0.0/16\n"
		"offload src 10.9.8.0/24\n"
		"default inspect-all\n"), 0);
	assert_int_equal(pol.n_rules, 6);

	tuple4(&t, 6, "192.0.2.1", 40000, "10.0.2.77", 5201, 2);
	r = policy_match(&pol, &t);
	assert_non_null(r);
	assert_int_equal(policy_rule_number(&pol, r), 1);
	assert_int_equal(r->verdict, ITO_VERDICT_OFFLOAD);

	/* One field off each time: no match for rule 1. */
	tuple4(&t, 17, "192.0.2.1", 40000, "10.0.2.77", 5201, 2);
	assert_null(policy_match(&pol, &t));
	tuple4(&t, 6, "192.0.2.1", 40000, "10.0.3.77", 5201, 2);
	assert_null(policy_match(&pol, &t));
	tuple4(&t, 6, "192.0.2.1", 40000, "10.0.2.77", 5202, 2);
	assert_null(policy_match(&pol, &t));

	tuple4(&t, 17, "192.0.2.1", 1, "198.51.100.1", 9999, 2);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 2);

	/* Port range bounds and the interface. */
	tuple4(&t, 17, "192.0.2.1", 1000, "198.51.100.1", 53, 3);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 4);
	tuple4(&t, 17, "192.0.2.1", 2000, "198.51.100.1", 53, 3);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 4);
	tuple4(&t, 17, "192.0.2.1", 999, "198.51.100.1", 53, 3);
	assert_null(policy_match(&pol, &t));
	tuple4(&t, 17, "192.0.2.1", 2001, "198.51.100.1", 53, 3);
	assert_null(policy_match(&pol, &t));
	tuple4(&t, 17, "192.0.2.1", 1500, "198.51.100.1", 53, 4);
	assert_null(policy_match(&pol, &t));

	/* First match wins: 10.9.8.1 is in both rule 5 and rule 6. */
	tuple4(&t, 6, "10.9.8.1", 1, "192.0.2.1", 2, 1);
	r = policy_match(&pol, &t);
	assert_int_equal(policy_rule_number(&pol, r), 5);
	assert_int_equal(r->verdict, ITO_VERDICT_BLOCK);

	/* An IPv6 prefix never matches an IPv4 flow. */
	tuple4(&t, 6, "32.1.13.184", 1, "192.0.2.1", 2, 1);
	assert_null(policy_match(&pol, &t));
	assert_int_equal(pol.default_verdict, ITO_VERDICT_INSPECT_ALL);
}

static void test_match_v6(void **state)
{
	struct policy_tuple t;

	(void)state;
	assert_int_equal(parse(
		"block src 2001:db8:1::/48 dst 2001:db8:ffff::1\n"
		"offload src 2001:db8::/33\n"
		"inspect src ::/0 proto icmpv6\n"
		"block dst 10.0.0.0/8\n"), 0);

	tuple6(&t, 6, "2001:db8:1:2::5", 1, "2001:db8:ffff::1", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 1);
	/* Last bit of the /128 differs. */
	tuple6(&t, 6, "2001:db8:1:2::5", 1, "2001:db8:ffff::2", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 2);
	/* /33: bit 33 set is outside 2001:db8::/33. */
	tuple6(&t, 6, "2001:db8:8000::1", 1, "2001:db8:ffff::2", 2, 1);
	assert_null(policy_match(&pol, &t));
	/* ...and every bit after the 33rd may be anything. */
	tuple6(&t, 6, "2001:db8:7fff:ffff::1", 1, "2001:db8:ffff::2", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 2);
	tuple6(&t, 58, "2001:db8:8000::1", 128, "fe80::1", 0, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 3);
	/* IPv4-mapped addresses are IPv6 flows: an IPv4 prefix does not match. */
	tuple6(&t, 6, "::ffff:10.1.1.1", 1, "::ffff:10.1.1.2", 2, 1);
	assert_null(policy_match(&pol, &t));
}

static void test_match_prefix_bounds_v4(void **state)
{
	struct policy_tuple t;

	(void)state;
	assert_int_equal(parse("block dst 10.0.0.128/25\n"
			       "offload dst 0.0.0.0/0\n"), 0);
	tuple4(&t, 6, "1.2.3.4", 1, "10.0.0.200", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 1);
	tuple4(&t, 6, "1.2.3.4", 1, "10.0.0.255", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 1);
	tuple4(&t, 6, "1.2.3.4", 1, "10.0.0.127", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 2);
	tuple4(&t, 6, "1.2.3.4", 1, "255.255.255.255", 2, 1);
	assert_int_equal(policy_rule_number(&pol, policy_match(&pol, &t)), 2);
	tuple6(&t, 6, "::1", 1, "::2", 2, 1);
	assert_null(policy_match(&pol, &t));
}

static void test_print(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(parse(
		"offload proto tcp dst 10.0.2.0/24 dport 5201\n"
		"# comment\n"
		"block proto 132 sport 1-2 iif eth1 src 2001:db8::/32 after 3\n"
		"inspect-all\n"), 0);
	fp = open_memstream(&text, &len);
	policy_print(&pol, fp);
	fclose(fp);
	assert_string_equal(text,
		"rule 1 (line 1): offload proto tcp dst 10.0.2.0/24 dport 5201\n"
		"rule 2 (line 3): block proto sctp src 2001:db8::/32 sport 1-2 iif eth1 after 3\n"
		"rule 3 (line 4): inspect-all\n"
		"default (implicit): inspect\n");
	free(text);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/test_policy.XXXXXX";
	const char *text = "offload proto tcp\nblock iif eth1 dport 1-\n";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(policy_load(&pol, path, fake_ifindex, err, sizeof(err)),
			 -EINVAL);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_string_equal(err + strlen(path),
		":2: bad port range \"1-\" (expected P-Q within 0-65535)");
	unlink(path);

	assert_int_equal(policy_load(&pol, path, fake_ifindex, err, sizeof(err)),
			 -ENOENT);
	assert_true(strstr(err, "No such file or directory") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_actions, teardown),
		cmocka_unit_test_teardown(test_comments_and_blanks, teardown),
		cmocka_unit_test_teardown(test_proto, teardown),
		cmocka_unit_test_teardown(test_prefixes, teardown),
		cmocka_unit_test_teardown(test_ports, teardown),
		cmocka_unit_test_teardown(test_iif, teardown),
		cmocka_unit_test_teardown(test_iif_real_resolver, teardown),
		cmocka_unit_test_teardown(test_app_refused, teardown),
#ifdef HAVE_NDPI
		cmocka_unit_test_teardown(test_app_matches, teardown),
#endif
		cmocka_unit_test_teardown(test_after, teardown),
		cmocka_unit_test_teardown(test_default, teardown),
		cmocka_unit_test_teardown(test_unknown_keyword_line, teardown),
		cmocka_unit_test_teardown(test_match_v4, teardown),
		cmocka_unit_test_teardown(test_match_v6, teardown),
		cmocka_unit_test_teardown(test_match_prefix_bounds_v4, teardown),
		cmocka_unit_test_teardown(test_print, teardown),
		cmocka_unit_test_teardown(test_load_file, teardown),
	};

	int ret = cmocka_run_group_tests_name("itod policy", tests, NULL, NULL);

	dpi_exit();
	return ret;
}
