// SPDX-License-Identifier: GPL-2.0
/*
 * ito-xdpd without BPF: ITO_CMD_XDP_SESSION messages (built here as the
 * kernel sends them) into sessions map entries, installs, replaces and
 * ends through the backend on a fake of the maps, the reports' batching
 * and the stale sessions the replies name.
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
#include <sys/socket.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "backend.h"
#include "fake_maps.h"
#include "ito_flow.h"
#include "log.h"
#include "nlbuild.h"
#include "ports.h"
#include "translate.h"

static const uint8_t mac1[6] = { 2, 0, 0, 0, 1, 1 };
static const uint8_t mac2[6] = { 2, 0, 0, 0, 2, 2 };
static const uint8_t mac3[6] = { 2, 0, 0, 0, 3, 3 };

static struct maps maps;

/* A path as the kernel would describe it; NAT_* by @present bits. */
static struct ito_path path4(uint8_t dir)
{
	struct ito_path p;

	memset(&p, 0, sizeof(p));
	p.dir = dir;
	p.where = ITO_PATH_XDP;
	p.in_ifindex = dir ? 3 : 2;
	p.out_ifindex = dir ? 2 : 3;
	p.addr_len = 4;
	memcpy(p.saddr, dir ? (uint8_t[]){ 198, 51, 100, 1 } : (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(p.daddr, dir ? (uint8_t[]){ 203, 0, 113, 5 } : (uint8_t[]){ 198, 51, 100, 1 }, 4);
	p.sport = dir ? 443 : 40000;
	p.dport = dir ? 61000 : 443;
	memcpy(p.eth_dst, mac1, 6);
	memcpy(p.eth_src, mac2, 6);
	p.mtu = 1500;
	return p;
}

static void put_path(struct nlmsghdr *nlh, const struct ito_path *p, bool mtu)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW_PATH);

	mnl_attr_put_u8(nlh, ITO_A_PATH_DIR, p->dir);
	mnl_attr_put_u32(nlh, ITO_A_PATH_WHERE, p->where);
	mnl_attr_put_u32(nlh, ITO_A_PATH_IN_IFINDEX, p->in_ifindex);
	mnl_attr_put_u16(nlh, ITO_A_PATH_IN_VLAN, p->in_vlan);
	mnl_attr_put_u32(nlh, ITO_A_PATH_OUT_IFINDEX, p->out_ifindex);
	mnl_attr_put_u16(nlh, ITO_A_PATH_OUT_VLAN, p->out_vlan);
	mnl_attr_put(nlh, ITO_A_PATH_SADDR, p->addr_len, p->saddr);
	mnl_attr_put(nlh, ITO_A_PATH_DADDR, p->addr_len, p->daddr);
	mnl_attr_put_u16(nlh, ITO_A_PATH_SPORT, p->sport);
	mnl_attr_put_u16(nlh, ITO_A_PATH_DPORT, p->dport);
	if (ito_path_has(p, ITO_A_PATH_NAT_SADDR))
		mnl_attr_put(nlh, ITO_A_PATH_NAT_SADDR, p->addr_len, p->nat_saddr);
	if (ito_path_has(p, ITO_A_PATH_NAT_DADDR))
		mnl_attr_put(nlh, ITO_A_PATH_NAT_DADDR, p->addr_len, p->nat_daddr);
	if (ito_path_has(p, ITO_A_PATH_NAT_SPORT))
		mnl_attr_put_u16(nlh, ITO_A_PATH_NAT_SPORT, p->nat_sport);
	if (ito_path_has(p, ITO_A_PATH_NAT_DPORT))
		mnl_attr_put_u16(nlh, ITO_A_PATH_NAT_DPORT, p->nat_dport);
	if (p->vwire) {
		mnl_attr_put_u8(nlh, ITO_A_PATH_VWIRE, 1);
	} else {
		mnl_attr_put(nlh, ITO_A_PATH_ETH_DST, 6, p->eth_dst);
		mnl_attr_put(nlh, ITO_A_PATH_ETH_SRC, 6, p->eth_src);
	}
	if (mtu)
		mnl_attr_put_u32(nlh, ITO_A_PATH_MTU, p->mtu);
	mnl_attr_nest_end(nlh, nest);
}

/* An OFFLOADED message with @n paths (END when @paths is NULL). */
static struct nlmsghdr *session_msg(void *buf, uint64_t id, uint8_t family,
				    uint8_t proto, const struct ito_path *paths,
				    unsigned int n, bool mtu)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_XDP_SESSION);
	struct nlattr *flow = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	unsigned int i;

	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, id);
	if (paths) {
		mnl_attr_put_u8(nlh, ITO_A_FLOW_FAMILY, family);
		mnl_attr_put_u8(nlh, ITO_A_FLOW_PROTO, proto);
	}
	mnl_attr_put_u32(nlh, ITO_A_FLOW_EVENT, paths ? ITO_FLOW_EVENT_OFFLOADED :
			 ITO_FLOW_EVENT_END);
	for (i = 0; i < n; i++)
		put_path(nlh, &paths[i], mtu);
	mnl_attr_nest_end(nlh, flow);
	return nlh;
}

struct translated {
	struct xdp_announce a;
	int err;
	const char *why;
};

static int translate_cb(const struct ito_flow *flow, void *data)
{
	struct translated *t = data;

	t->err = translate_flow(flow, &t->a, &t->why);
	return 0;
}

/* The message as the daemon parses and translates it. */
static struct translated translate_msg(const struct nlmsghdr *nlh)
{
	struct translated t = { .err = -1 };

	assert_int_equal(ito_flow_parse_reply(nlh, translate_cb, &t), 0);
	return t;
}

static void test_translate_nat44(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	uint8_t nat[4] = { 203, 0, 113, 5 };
	const struct ito_xdp_session *v;
	const struct ito_xdp_key *k;
	struct translated t;
	nlbuf_t buf;

	(void)state;
	/* source NAT one way, its undoing the other */
	p[0].present = 1u << ITO_A_PATH_NAT_SADDR | 1u << ITO_A_PATH_NAT_SPORT;
	memcpy(p[0].nat_saddr, nat, 4);
	p[0].nat_sport = 61000;
	p[1].present = 1u << ITO_A_PATH_NAT_DADDR | 1u << ITO_A_PATH_NAT_DPORT;
	memcpy(p[1].nat_daddr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	p[1].nat_dport = 40000;
	/* the reply path first: the direction says which is which */
	{
		struct ito_path swapped[2] = { p[1], p[0] };

		t = translate_msg(session_msg(buf, 77, AF_INET, IPPROTO_TCP,
					      swapped, 2, true));
	}
	assert_int_equal(t.err, 0);
	assert_int_equal(t.a.id, 77);

	k = &t.a.dir[0].key;
	assert_int_equal(k->ifindex, 2);
	assert_int_equal(k->vlan, 0);
	assert_int_equal(k->family, AF_INET);
	assert_int_equal(k->proto, IPPROTO_TCP);
	assert_memory_equal(k->saddr, ((uint8_t[16]){ 10, 0, 0, 1 }), 16);
	assert_memory_equal(k->daddr, ((uint8_t[16]){ 198, 51, 100, 1 }), 16);
	assert_int_equal(k->sport, htons(40000));
	assert_int_equal(k->dport, htons(443));
	v = &t.a.dir[0].value;
	assert_int_equal(v->out_ifindex, 3);
	assert_int_equal(v->mtu, 1500);
	assert_int_equal(v->flags, ITO_XDP_NAT_SADDR | ITO_XDP_NAT_SPORT);
	assert_memory_equal(&v->nat_saddr, nat, 4);
	assert_int_equal(v->nat_sport, htons(61000));
	assert_int_equal(v->nat_daddr, 0);
	assert_memory_equal(v->eth_dst, mac1, 6);
	assert_memory_equal(v->eth_src, mac2, 6);

	k = &t.a.dir[1].key;
	assert_int_equal(k->ifindex, 3);
	assert_int_equal(k->sport, htons(443));
	v = &t.a.dir[1].value;
	assert_int_equal(v->flags, ITO_XDP_NAT_DADDR | ITO_XDP_NAT_DPORT);
	assert_memory_equal(&v->nat_daddr, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_int_equal(v->nat_dport, htons(40000));
}

static struct ito_path path6(uint8_t dir)
{
	struct ito_path p = path4(dir);

	p.addr_len = 16;
	memset(p.saddr, 0, 16);
	memset(p.daddr, 0, 16);
	p.saddr[0] = p.daddr[0] = 0x20;
	p.saddr[15] = dir ? 2 : 1;
	p.daddr[15] = dir ? 1 : 2;
	return p;
}

static void test_translate_ipv6(void **state)
{
	struct ito_path p[2] = { path6(0), path6(1) };
	struct translated t;
	nlbuf_t buf;

	(void)state;
	t = translate_msg(session_msg(buf, 5, AF_INET6, IPPROTO_UDP, p, 2, true));
	assert_int_equal(t.err, 0);
	assert_int_equal(t.a.dir[0].key.family, AF_INET6);
	assert_int_equal(t.a.dir[0].key.proto, IPPROTO_UDP);
	assert_memory_equal(t.a.dir[0].key.saddr, p[0].saddr, 16);
	assert_memory_equal(t.a.dir[1].key.daddr, p[1].daddr, 16);
	assert_int_equal(t.a.dir[1].value.flags, 0);
}

static void test_translate_vlan(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	struct translated t;
	nlbuf_t buf;

	(void)state;
	p[0].in_vlan = 100;
	p[0].out_vlan = 0;
	p[1].in_vlan = 0;
	p[1].out_vlan = 100;
	t = translate_msg(session_msg(buf, 6, AF_INET, IPPROTO_TCP, p, 2, true));
	assert_int_equal(t.err, 0);
	assert_int_equal(t.a.dir[0].key.vlan, 100);
	assert_int_equal(t.a.dir[0].value.out_vlan, 0);
	assert_int_equal(t.a.dir[1].key.vlan, 0);
	assert_int_equal(t.a.dir[1].value.out_vlan, 100);
}

static void test_translate_vwire(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	struct translated t;
	uint8_t zero[6] = { 0 };
	nlbuf_t buf;

	(void)state;
	p[0].vwire = p[1].vwire = 1;
	t = translate_msg(session_msg(buf, 8, AF_INET, IPPROTO_UDP, p, 2, true));
	assert_int_equal(t.err, 0);
	assert_int_equal(t.a.dir[0].value.flags, ITO_XDP_VWIRE);
	assert_memory_equal(t.a.dir[0].value.eth_dst, zero, 6);
	assert_int_equal(t.a.dir[1].value.flags, ITO_XDP_VWIRE);
}

/* A source NAT pool on a vWire: the translation goes with the bridging. */
static void test_translate_vwire_nat(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	uint8_t nat[4] = { 203, 0, 113, 9 };
	struct translated t;
	nlbuf_t buf;

	(void)state;
	p[0].vwire = p[1].vwire = 1;
	p[0].present = 1u << ITO_A_PATH_NAT_SADDR | 1u << ITO_A_PATH_NAT_SPORT;
	memcpy(p[0].nat_saddr, nat, 4);
	p[0].nat_sport = 2000;
	t = translate_msg(session_msg(buf, 9, AF_INET, IPPROTO_UDP, p, 2, true));
	assert_int_equal(t.err, 0);
	assert_int_equal(t.a.dir[0].value.flags,
			 ITO_XDP_VWIRE | ITO_XDP_NAT_SADDR | ITO_XDP_NAT_SPORT);
	assert_memory_equal(&t.a.dir[0].value.nat_saddr, nat, 4);
	assert_int_equal(t.a.dir[0].value.nat_sport, htons(2000));
	assert_int_equal(t.a.dir[1].value.flags, ITO_XDP_VWIRE);
}

/* What the backend cannot forward safely, it refuses. */
static void test_translate_refused(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	struct ito_path q[2] = { path6(0), path6(1) };
	nlbuf_t buf;

	(void)state;
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET, IPPROTO_TCP,
						   p, 2, false)).err, -EPROTO);
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET, IPPROTO_TCP,
						   p, 1, true)).err, -EPROTO);
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET, IPPROTO_ICMP,
						   p, 2, true)).err, -EPROTO);
	p[1].dir = 0;
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET, IPPROTO_TCP,
						   p, 2, true)).err, -EPROTO);
	p[1].dir = 1;
	p[1].where = ITO_PATH_SW;
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET, IPPROTO_TCP,
						   p, 2, true)).err, -EPROTO);
	q[0].present = 1u << ITO_A_PATH_NAT_SPORT;
	q[0].nat_sport = 1;
	assert_int_equal(translate_msg(session_msg(buf, 1, AF_INET6, IPPROTO_TCP,
						   q, 2, true)).err, -EPROTO);
}

/* What the reporter sent, request by request, and the replies' stale ids. */
struct capture {
	unsigned int requests;
	size_t max_len;
	unsigned int stats;
	uint64_t pkts, bytes;
	uint64_t last_id;
	uint8_t last_dir;
	uint64_t stale[8];		/* named in every reply */
	unsigned int n_stale;
	int fail;			/* returned by each send */
};

static struct capture cap;

static int capture_send(struct reporter *r, struct nlmsghdr *req, void *ctx)
{
	const struct nlattr *attr;
	nlbuf_t reply;
	struct nlmsghdr *nlh;
	unsigned int i;

	(void)ctx;
	cap.requests++;
	if (req->nlmsg_len > cap.max_len)
		cap.max_len = req->nlmsg_len;
	assert_int_equal(((struct genlmsghdr *)mnl_nlmsg_get_payload(req))->cmd,
			 ITO_CMD_XDP_REPORT);
	mnl_attr_for_each(attr, req, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[ITO_A_XDP_STAT_MAX + 1] = { NULL };

		assert_int_equal(mnl_attr_get_type(attr), ITO_A_XDP_STAT);
		assert_int_equal(ito_nl_parse_nested(attr, tb, ITO_A_XDP_STAT_MAX), 0);
		assert_non_null(tb[ITO_A_XDP_STAT_ID]);
		assert_non_null(tb[ITO_A_XDP_STAT_DIR]);
		assert_non_null(tb[ITO_A_XDP_STAT_PKTS]);
		assert_non_null(tb[ITO_A_XDP_STAT_BYTES]);
		cap.stats++;
		cap.last_id = mnl_attr_get_u64(tb[ITO_A_XDP_STAT_ID]);
		cap.last_dir = mnl_attr_get_u8(tb[ITO_A_XDP_STAT_DIR]);
		cap.pkts += mnl_attr_get_u64(tb[ITO_A_XDP_STAT_PKTS]);
		cap.bytes += mnl_attr_get_u64(tb[ITO_A_XDP_STAT_BYTES]);
	}
	if (cap.fail)
		return cap.fail;
	nlh = genl_reply_start(reply, TEST_FAMILY, ITO_CMD_XDP_REPORT);
	for (i = 0; i < cap.n_stale; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_XDP_STAT);

		mnl_attr_put_u64(nlh, ITO_A_XDP_STAT_ID, cap.stale[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	return report_parse_reply(r, nlh);
}

#define STATS_PER_REQUEST	((ITO_NL_MSG_SIZE - 20) / 48)

static struct backend backend;

static int backend_setup(void **state)
{
	(void)state;
	memset(&cap, 0, sizeof(cap));
	fake_maps_reset(&maps, FAKE_MAX_ENTRIES);
	return backend_init(&backend, &maps, 1024, TEST_FAMILY, capture_send, NULL);
}

static int backend_teardown(void **state)
{
	(void)state;
	backend_fini(&backend);
	return 0;
}

static void deliver(const struct nlmsghdr *nlh)
{
	assert_int_equal(ito_flow_parse_reply(nlh, backend_flow, &backend), 0);
}

/* Session @id: a tuple of its own (the source port). */
static void offload(uint64_t id)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	nlbuf_t buf;

	p[0].sport = p[1].dport = (uint16_t)(1000 + id);
	deliver(session_msg(buf, id, AF_INET, IPPROTO_TCP, p, 2, true));
}

static void end(uint64_t id)
{
	nlbuf_t buf;

	deliver(session_msg(buf, id, 0, 0, NULL, 0, true));
}

static const struct session *held(uint64_t id)
{
	return sessions_find(&backend.sessions, id);
}

static void test_install_and_end(void **state)
{
	const struct session *s;
	uint32_t slot;

	(void)state;
	offload(1);
	s = held(1);
	assert_non_null(s);
	assert_int_equal(maps.n, 2);
	assert_non_null(fake_maps_find(&maps, &s->key[0]));
	assert_non_null(fake_maps_find(&maps, &s->key[1]));
	assert_int_equal(backend.stats.installed, 1);
	/* installs are idempotent: the dump repeats what the group said */
	offload(1);
	assert_int_equal(maps.n, 2);
	assert_int_equal(backend.sessions.n, 1);

	/* the end reports the last counts, after the entries went */
	slot = s->slot[1];
	maps.counter[slot].pkts = 3;
	maps.counter[slot].bytes = 300;
	end(1);
	assert_null(held(1));
	assert_int_equal(maps.n, 0);
	assert_int_equal(backend.stats.removed, 1);
	assert_int_equal(cap.requests, 0);	/* queued until the flush */
	assert_int_equal(backend_flush(&backend), 0);
	assert_int_equal(cap.requests, 1);
	assert_int_equal(cap.stats, 1);
	assert_int_equal(cap.last_id, 1);
	assert_int_equal(cap.last_dir, 1);
	assert_int_equal(cap.pkts, 3);
	assert_int_equal(cap.bytes, 300);

	/* an end for a session not held: nothing */
	end(99);
	assert_int_equal(backend.stats.removed, 1);
}

/* A replace keeps the slots: the counts go on, none twice. */
static void test_replace_keeps_counts(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	const struct fake_entry *e;
	const struct session *s;
	uint32_t slot;
	nlbuf_t buf;

	(void)state;
	offload(2);
	s = held(2);
	slot = s->slot[0];
	maps.counter[slot].pkts = 10;
	maps.counter[slot].bytes = 1000;
	backend_tick(&backend);
	assert_int_equal(cap.pkts, 10);

	/* the next hop's MAC changed */
	maps.counter[slot].pkts = 15;
	maps.counter[slot].bytes = 1500;
	p[0].sport = p[1].dport = 1002;
	memcpy(p[0].eth_dst, mac3, 6);
	deliver(session_msg(buf, 2, AF_INET, IPPROTO_TCP, p, 2, true));
	assert_int_equal(backend.stats.replaced, 1);
	s = held(2);
	assert_int_equal(s->slot[0], slot);
	e = fake_maps_find(&maps, &s->key[0]);
	assert_non_null(e);
	assert_memory_equal(e->value.eth_dst, mac3, 6);
	assert_int_equal(e->value.slot, slot);

	maps.counter[slot].pkts = 16;
	maps.counter[slot].bytes = 1600;
	backend_tick(&backend);
	assert_int_equal(cap.pkts, 16);
	assert_int_equal(cap.bytes, 1600);
	/* nothing moved: nothing sent */
	backend_tick(&backend);
	assert_int_equal(cap.stats, 2);
}

/* A slot taken again starts from what it counted before. */
static void test_slot_reuse_baseline(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < FAKE_MAX_SLOTS; i++)
		maps.counter[i].pkts = 1000 + i;
	offload(3);
	backend_tick(&backend);
	assert_int_equal(cap.stats, 0);
}

/* A packet forwarded as the entry goes in is the new session's. */
static void test_first_packet_counted(void **state)
{
	(void)state;
	maps.pkts_on_put = 1;
	offload(4);
	maps.pkts_on_put = 0;
	backend_tick(&backend);
	assert_int_equal(cap.stats, 2);
	assert_int_equal(cap.pkts, 2);
}

static void test_map_full(void **state)
{
	(void)state;
	fake_maps_reset(&maps, 3);	/* room for one session and a half */
	offload(1);
	offload(2);
	assert_non_null(held(1));
	assert_null(held(2));
	/* the half that went in came out again */
	assert_int_equal(maps.n, 2);
	assert_int_equal(backend.stats.map_full, 1);
	assert_int_equal(backend.stats.installed, 1);
}

/* The index's own limit, whatever the map would take. */
static void test_max_sessions(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 1; i <= 1025; i++)
		offload(i);
	assert_int_equal(backend.sessions.n, 1024);
	assert_int_equal(backend.stats.map_full, 1);
	/* every one findable, and after ends in the middle of runs too */
	for (i = 1; i <= 1024; i += 3)
		end(i);
	for (i = 1; i <= 1024; i++)
		assert_true((held(i) != NULL) == ((i - 1) % 3 != 0));
	assert_int_equal(maps.n, 2 * backend.sessions.n);
}

/* A tuple another session took over stays when the first one ends. */
static void test_key_taken_over(void **state)
{
	struct ito_path p[2] = { path4(0), path4(1) };
	const struct session *s;
	nlbuf_t buf;

	(void)state;
	deliver(session_msg(buf, 10, AF_INET, IPPROTO_TCP, p, 2, true));
	deliver(session_msg(buf, 11, AF_INET, IPPROTO_TCP, p, 2, true));
	end(10);
	s = held(11);
	assert_non_null(s);
	assert_non_null(fake_maps_find(&maps, &s->key[0]));
	assert_int_equal(fake_maps_find(&maps, &s->key[0])->value.slot, s->slot[0]);
}

/* Many sessions moved: requests of bounded size, every count in one. */
static void test_report_batching(void **state)
{
	const unsigned int n = 1000;
	uint64_t want_pkts = 0;
	unsigned int i;

	(void)state;
	for (i = 1; i <= n; i++)
		offload(i);
	for (i = 0; i < 2 * n; i++) {
		maps.counter[i].pkts = i + 1;
		maps.counter[i].bytes = 100 * (i + 1);
		want_pkts += i + 1;
	}
	assert_int_equal(backend_tick(&backend), 0);
	assert_int_equal(cap.stats, 2 * n);
	assert_int_equal(cap.pkts, want_pkts);
	assert_int_equal(cap.bytes, 100 * want_pkts);
	assert_true(cap.max_len <= ITO_NL_MSG_SIZE);
	assert_true(cap.requests > 1);
	/*
	 * full requests, but the last: a stat is 48 bytes (nest 4, id 12,
	 * dir 8, pkts 12, bytes 12) after 20 of headers
	 */
	assert_int_equal(cap.requests, (2 * n + STATS_PER_REQUEST - 1) /
				       STATS_PER_REQUEST);
	assert_int_equal(backend.stats.reports, cap.requests);
}

/* The replies name sessions the kernel no longer has: removed. */
static void test_stale_removed(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 1; i <= 5; i++)
		offload(i);
	for (i = 0; i < 10; i++)
		maps.counter[i].pkts = 1;
	cap.stale[0] = 2;
	cap.stale[1] = 4;
	cap.stale[2] = 42;	/* not held: ignored */
	cap.n_stale = 3;
	backend_tick(&backend);
	assert_null(held(2));
	assert_null(held(4));
	assert_non_null(held(1));
	assert_non_null(held(5));
	assert_int_equal(backend.stats.stale, 2);
	assert_int_equal(maps.n, 6);
}

/* A resync reports everything and empties the maps. */
static void test_clear(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 1; i <= 4; i++)
		offload(i);
	for (i = 0; i < 8; i++)
		maps.counter[i].pkts = 2;
	assert_int_equal(backend_clear(&backend), 0);
	assert_int_equal(cap.pkts, 16);
	assert_int_equal(maps.n, 0);
	assert_int_equal(backend.sessions.n, 0);
	offload(1);
	assert_int_equal(backend.sessions.n, 1);
}

/* A send that fails is told once per flush. */
static void test_report_error(void **state)
{
	(void)state;
	offload(1);
	maps.counter[0].pkts = 1;
	cap.fail = -ENOENT;
	assert_int_equal(backend_tick(&backend), -ENOENT);
	assert_int_equal(backend_tick(&backend), 0);	/* nothing moved */
}

static void test_port_uses_xdp(void **state)
{
	(void)state;
	assert_true(port_uses_xdp(ITO_PORT_OFFLOAD_XDP, false));
	assert_true(port_uses_xdp(ITO_PORT_OFFLOAD_AUTO, false));
	assert_false(port_uses_xdp(ITO_PORT_OFFLOAD_AUTO, true));
	assert_false(port_uses_xdp(ITO_PORT_OFFLOAD_SW, false));
	assert_false(port_uses_xdp(ITO_PORT_OFFLOAD_HW, false));
	assert_false(port_uses_xdp(ITO_PORT_OFFLOAD_HW, true));
}

#define BACKEND_TEST(fn) cmocka_unit_test_setup_teardown(fn, backend_setup, backend_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_nat44),
		cmocka_unit_test(test_translate_ipv6),
		cmocka_unit_test(test_translate_vlan),
		cmocka_unit_test(test_translate_vwire),
		cmocka_unit_test(test_translate_vwire_nat),
		cmocka_unit_test(test_translate_refused),
		BACKEND_TEST(test_install_and_end),
		BACKEND_TEST(test_replace_keeps_counts),
		BACKEND_TEST(test_slot_reuse_baseline),
		BACKEND_TEST(test_first_packet_counted),
		BACKEND_TEST(test_map_full),
		BACKEND_TEST(test_max_sessions),
		BACKEND_TEST(test_key_taken_over),
		BACKEND_TEST(test_report_batching),
		BACKEND_TEST(test_stale_removed),
		BACKEND_TEST(test_clear),
		BACKEND_TEST(test_report_error),
		cmocka_unit_test(test_port_uses_xdp),
	};

	FILE *quiet = fopen("/dev/null", "w");
	int failed;

	log_set_stream(quiet);	/* the warnings tests provoke */
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	fclose(quiet);
	return failed;
}
