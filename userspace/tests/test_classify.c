// SPDX-License-Identifier: GPL-2.0
/*
 * Application-aware decisions: the first packets of TLS, HTTP, SSH and DNS
 * flows (tests/apppkt.c) through nDPI and the policy, as itod's agent
 * feeds them; when each is decided and with which verdict; the fallback
 * when nDPI cannot tell (out of copies, out of time, too many pending).
 * Without nDPI, only that nothing is ever held back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "../itod/decide.h"
#include "../itod/dpi.h"
#include "../itod/log.h"
#include "apppkt.h"

static struct policy pol;
static struct decider dec;
static char *log_text;
static size_t log_len;
static FILE *log_fp;

static unsigned int fake_ifindex(const char *name)
{
	(void)name;
	return 1;
}

static void load(const char *text)
{
	char err[POLICY_ERR_LEN];

	if (policy_parse(&pol, "t", text, fake_ifindex, err, sizeof(err)))
		fail_msg("policy: %s", err);
	assert_int_equal(decide_init(&dec, &pol, 0), 0);
}

static int setup(void **state)
{
	(void)state;
	log_fp = open_memstream(&log_text, &log_len);
	log_open(false, false);
	log_set_stream(log_fp);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	decide_fini(&dec);
	policy_free(&pol);
	log_set_stream(NULL);
	fclose(log_fp);
	free(log_text);
	log_text = NULL;
	return 0;
}

/*
 * Feed @s as flow @id from time @ms until a verdict: returns the copy
 * number that decided (0: none) and the verdict in @verdict.
 */
static unsigned int feed(const struct apppkt_script *s, uint64_t id,
			 uint64_t ms, uint32_t *verdict)
{
	struct ito_flow_verdict v;
	struct msg_packet pkt;
	size_t i;

	for (i = 0; i < s->n; i++) {
		apppkt_copy(s, i, id, &pkt);
		if (decide_packet_at(&dec, &pkt, ms + i, &v)) {
			assert_int_equal(v.flow_id, id);
			*verdict = v.verdict;
			return (unsigned int)i + 1;
		}
	}
	return 0;
}

static void expect(enum apppkt_kind kind, const char *name, uint64_t id,
		   unsigned int want_copy, uint32_t want_verdict)
{
	struct apppkt_script s;
	uint32_t verdict = ITO_VERDICT_NONE;
	unsigned int copy;

	apppkt_script(&s, kind, (uint32_t)id, (uint16_t)(40000 + id), name);
	copy = feed(&s, id, 1000, &verdict);
	if (copy != want_copy || verdict != want_verdict)
		fail_msg("flow %llu (%s): decided at copy %u with %u, want copy %u with %u",
			 (unsigned long long)id, name, copy, verdict, want_copy,
			 want_verdict);
}

static void log_has(const char *needle)
{
	fflush(log_fp);
	if (!log_text || !strstr(log_text, needle))
		fail_msg("log lacks \"%s\":\n%s", needle,
			 log_text ? log_text : "");
}

#ifdef HAVE_NDPI

/* The ClientHello (copy 4) names TLS and its SNI; suffixes end at a dot. */
static void test_tls_sni(void **state)
{
	(void)state;
	load("offload app tls sni example.com\n"
	     "block sni .bad.test\n"
	     "inspect app tls\n"
	     "default inspect-all\n");
	expect(APPPKT_TLS, "www.Example.com", 1, 4, ITO_VERDICT_OFFLOAD);
	expect(APPPKT_TLS, "example.com", 2, 4, ITO_VERDICT_OFFLOAD);
	expect(APPPKT_TLS, "notexample.com", 3, 4, ITO_VERDICT_INSPECT);
	expect(APPPKT_TLS, "x.bad.test", 4, 4, ITO_VERDICT_BLOCK);
	expect(APPPKT_TLS, "bad.test", 5, 4, ITO_VERDICT_INSPECT);
	log_has("app TLS sni www.example.com: offload (rule 1)");
	assert_int_equal(dec.cls.n_pending, 0);
}

/*
 * Copies are cut at the module's snaplen (256 bytes by default): a GET
 * with long headers still names HTTP and its Host, which come first.
 */
static void test_http_truncated(void **state)
{
	struct apppkt_script s;
	struct ito_flow_verdict v;
	struct msg_packet pkt;
	char host[160];
	size_t i;

	(void)state;
	load("block app http host example.com\ndefault offload\n");
	memset(host, 'a', sizeof(host) - 13);
	strcpy(host + sizeof(host) - 13, ".example.com");
	apppkt_script(&s, APPPKT_HTTP, 1, 40001, host);
	assert_true(s.len[3] > 256);
	for (i = 0; i < 4; i++) {
		apppkt_copy(&s, i, 1, &pkt);
		if (pkt.data_len > 256)
			pkt.data_len = 256;
		if (decide_packet_at(&dec, &pkt, 1000 + i, &v))
			break;
	}
	assert_int_equal(i, 3);
	assert_int_equal(v.verdict, ITO_VERDICT_BLOCK);
}

/* The GET (copy 4) names HTTP and its Host; "sni" does not see it. */
static void test_http_host(void **state)
{
	(void)state;
	load("offload sni example.com\n"
	     "block host example.com\n"
	     "inspect-all app http\n"
	     "default offload\n");
	expect(APPPKT_HTTP, "www.example.com", 1, 4, ITO_VERDICT_BLOCK);
	expect(APPPKT_HTTP, "example.org", 2, 4, ITO_VERDICT_INSPECT_ALL);
	expect(APPPKT_TLS, "example.org", 3, 4, ITO_VERDICT_OFFLOAD);
	log_has("host www.example.com: block (rule 2)");
}

static void test_ssh(void **state)
{
	(void)state;
	load("offload app ssh\ndefault block\n");
	expect(APPPKT_SSH, "", 1, 4, ITO_VERDICT_OFFLOAD);
	log_has("app SSH: offload (rule 1)");
}

static void test_dns(void **state)
{
	(void)state;
	load("inspect-all app dns host ads.test\noffload app dns\n"
	     "default block\n");
	expect(APPPKT_DNS, "tracker.ads.test", 1, 1, ITO_VERDICT_INSPECT_ALL);
	expect(APPPKT_DNS, "www.debian.org", 2, 1, ITO_VERDICT_OFFLOAD);
}

/*
 * The peer wire handshake: BitTorrent. nDPI remembers BitTorrent peers
 * (a cache it consults when it gives up): a client of its own, so that the
 * other tests' flows are not taken for BitTorrent.
 */
static void test_bittorrent(void **state)
{
	(void)state;
	load("block app bittorrent\ndefault offload\n");
	expect(APPPKT_BITTORRENT, "", 9, 4, ITO_VERDICT_BLOCK);
	log_has("app BitTorrent: block (rule 1)");
}

/* "category": nDPI's own (SSH is RemoteAccess, TLS alone is Web). */
static void test_category(void **state)
{
	(void)state;
	load("block category remoteaccess\ndefault offload\n");
	expect(APPPKT_SSH, "", 1, 4, ITO_VERDICT_BLOCK);
	expect(APPPKT_DNS, "www.debian.org", 2, 1, ITO_VERDICT_OFFLOAD);
}

/* A tuple-only rule matching first decides at once, nDPI unasked. */
static void test_tuple_rule_first(void **state)
{
	(void)state;
	load("block dport 22\noffload app ssh\ninspect app tls\n");
	expect(APPPKT_SSH, "", 1, 1, ITO_VERDICT_BLOCK);
	expect(APPPKT_TLS, "a.test", 2, 4, ITO_VERDICT_INSPECT);
	assert_int_equal(dec.cls.stats.started, 1);
}

/* Out of copies: at classify-packets nDPI gives up, the fallback applies. */
static void test_out_of_copies(void **state)
{
	(void)state;
	load("set classify-packets 6\noffload app tls\nblock app unknown dport 7777\n"
	     "default inspect\n");
	expect(APPPKT_OPAQUE, "", 1, 6, ITO_VERDICT_BLOCK);
	log_has("app Unknown: block (rule 2)");
	assert_int_equal(dec.cls.stats.gave_up, 1);
}

/* Out of time: copies lost, decide_timeout() decides with the fallback. */
static void test_timeout(void **state)
{
	struct apppkt_script s;
	struct ito_flow_verdict v;
	struct msg_packet pkt;
	size_t i;

	(void)state;
	load("set classify-timeout 2\noffload app tls\ndefault inspect\n");
	apppkt_script(&s, APPPKT_TLS, 1, 40001, "a.test");
	for (i = 0; i < 3; i++) {	/* the handshake only */
		apppkt_copy(&s, i, 7, &pkt);
		assert_false(decide_packet_at(&dec, &pkt, 10000 + i, &v));
	}
	assert_int_equal(decide_next_timeout(&dec), 12000);
	assert_false(decide_timeout(&dec, 11999, &v));
	assert_true(decide_timeout(&dec, 12000, &v));
	assert_int_equal(v.flow_id, 7);
	assert_int_equal(v.verdict, ITO_VERDICT_INSPECT);
	assert_false(decide_timeout(&dec, 99999, &v));
	assert_int_equal(decide_next_timeout(&dec), 0);
	assert_int_equal(dec.cls.stats.timed_out, 1);
	/* A late copy is a duplicate now. */
	apppkt_copy(&s, 3, 7, &pkt);
	assert_false(decide_packet_at(&dec, &pkt, 12001, &v));
}

/* Too many pending: the next flow is decided at once, as unknown. */
static void test_bounded(void **state)
{
	struct apppkt_script s;
	struct ito_flow_verdict v;
	struct msg_packet pkt;

	(void)state;
	load("set classify-max 2\noffload app tls\ndefault inspect\n");
	apppkt_script(&s, APPPKT_TLS, 1, 40001, "a.test");
	apppkt_copy(&s, 0, 1, &pkt);
	assert_false(decide_packet_at(&dec, &pkt, 1, &v));
	apppkt_copy(&s, 0, 2, &pkt);
	assert_false(decide_packet_at(&dec, &pkt, 1, &v));
	apppkt_copy(&s, 0, 3, &pkt);
	assert_true(decide_packet_at(&dec, &pkt, 1, &v));
	assert_int_equal(v.verdict, ITO_VERDICT_INSPECT);
	assert_int_equal(dec.cls.stats.full, 1);
	assert_int_equal(dec.stats.unclassified, 1);
	/* The flow's end frees its slot. */
	decide_forget(&dec, 1);
	assert_int_equal(dec.cls.n_pending, 1);
	apppkt_copy(&s, 0, 4, &pkt);
	assert_false(decide_packet_at(&dec, &pkt, 1, &v));
	decide_reset(&dec);
	assert_int_equal(dec.cls.n_pending, 0);
}

/* Many flows at once, interleaved, slots reused: each still right. */
static void test_interleaved(void **state)
{
	static struct apppkt_script s[64];
	uint32_t verdict[64] = { 0 };
	struct ito_flow_verdict v;
	struct msg_packet pkt;
	size_t i, k, round;

	(void)state;
	load("offload app tls\ninspect-all app http\nblock app ssh\n"
	     "default inspect\n");
	for (round = 0; round < 3; round++) {
		for (k = 0; k < 64; k++)
			apppkt_script(&s[k], (enum apppkt_kind)(k % 3),
				      (uint32_t)k, (uint16_t)(30000 + k), "x.test");
		memset(verdict, 0, sizeof(verdict));
		for (i = 0; i < APPPKT_MAX; i++)
			for (k = 0; k < 64; k++) {
				if (i >= s[k].n)
					continue;
				apppkt_copy(&s[k], i, round * 64 + k + 1, &pkt);
				if (decide_packet_at(&dec, &pkt, 5, &v))
					verdict[k] = v.verdict;
			}
		for (k = 0; k < 64; k++)
			assert_int_equal(verdict[k],
					 k % 3 == 0 ? ITO_VERDICT_OFFLOAD :
					 k % 3 == 1 ? ITO_VERDICT_INSPECT_ALL :
					 ITO_VERDICT_BLOCK);
	}
	assert_int_equal(dec.cls.n_pending, 0);
	assert_true(dec.cls.n_slots <= 64);
}

static void test_flow_size(void **state)
{
	(void)state;
	/* nDPI's flow state and ours: a measure, and a ceiling to notice. */
	assert_true(classify_flow_size() > 600);
	assert_true(classify_flow_size() < 4096);
}

#else /* !HAVE_NDPI */

/* Without nDPI a policy has no application matches: nothing waits. */
static void test_without_ndpi(void **state)
{
	(void)state;
	assert_false(dpi_available());
	load("offload dport 443\ndefault inspect\n");
	assert_false(pol.needs_app);
	expect(APPPKT_TLS, "a.test", 1, 1, ITO_VERDICT_OFFLOAD);
	assert_int_equal(dec.cls.stats.started, 0);
	log_has(": offload (rule 1)");
}

#endif /* HAVE_NDPI */

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef HAVE_NDPI
		cmocka_unit_test_setup_teardown(test_tls_sni, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bittorrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_category, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuple_rule_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interleaved, setup, teardown),
		cmocka_unit_test(test_flow_size),
#else
		cmocka_unit_test_setup_teardown(test_without_ndpi, setup, teardown),
#endif
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	dpi_exit();
	return ret;
}
