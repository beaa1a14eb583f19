// SPDX-License-Identifier: GPL-2.0
/*
 * The "ito" generic netlink family: configuration, counters, and how
 * flow and agent commands refuse bad requests.
 * Needs ito.ko loaded and root; each test runs in a fresh network
 * namespace, so it starts from the defaults.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/ito.h>

#include "ito_nl.h"
#include "kselftest_harness.h"

struct knob {
	int attr;
	const char *name;
	uint32_t min, max, def;
};

/* Expected ranges and defaults: the contract documented in uapi/linux/ito.h. */
static const struct knob knobs[] = {
	{ ITO_A_CONFIG_ENABLED, "enabled", 0, 1, 1 },
	{ ITO_A_CONFIG_MIN_PKTS, "min_pkts", 1, 1024, 8 },
	{ ITO_A_CONFIG_MIN_RATE, "min_rate", 0, 10000000, 95 },
	{ ITO_A_CONFIG_TCP_AGEING, "tcp_ageing", 1, 86400, 12 },
	{ ITO_A_CONFIG_UDP_AGEING, "udp_ageing", 1, 86400, 20 },
	{ ITO_A_CONFIG_MAX_SESSIONS, "max_sessions", 1, 4000000, 500000 },
	{ ITO_A_CONFIG_MAX_UPDATE_RATE, "max_update_rate", 1, 1000000, 7000 },
	{ ITO_A_CONFIG_SNAPLEN, "snaplen", 64, 65535, 256 },
	{ ITO_A_CONFIG_DEFAULT_VERDICT, "default_verdict", ITO_VERDICT_OFFLOAD,
	  ITO_VERDICT_BLOCK, ITO_VERDICT_INSPECT },
	{ ITO_A_CONFIG_MAX_FLOWS, "max_flows", 1, 16777216, 1048576 },
	{ ITO_A_CONFIG_HA_HOLD, "ha_hold", 0, 60000, 3000 },
	{ ITO_A_CONFIG_COPY_DELAY, "copy_delay", 0, 1000000, 1000 },
};

#define N_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

struct config {
	uint32_t val[ITO_A_CONFIG_MAX + 1];
	bool seen[ITO_A_CONFIG_MAX + 1];
};

static int config_attr_cb(const struct nlattr *attr, void *data)
{
	struct config *c = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, ITO_A_CONFIG_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	c->val[type] = mnl_attr_get_u32(attr);
	c->seen[type] = true;
	return MNL_CB_OK;
}

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == ITO_A_CONFIG)
		return mnl_attr_parse_nested(attr, config_attr_cb, data);
	return MNL_CB_OK;
}

static int config_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), top_attr_cb, data);
}

static int config_get(struct ito_nl *nl, struct config *c)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	char extack[256];
	struct nlmsghdr *nlh;

	memset(c, 0, sizeof(*c));
	nlh = ito_nl_msg_start(buf, nl->family.id, ITO_CMD_CONFIG_GET,
			       ITO_FAMILY_VERSION, 0);
	return ito_nl_talk(nl, nlh, config_reply_cb, c, extack, sizeof(extack));
}

/* Set one or two knobs (attr2 = 0: only one) in one request. */
static int config_set2(struct ito_nl *nl, int attr, uint32_t v,
		       int attr2, uint32_t v2, char *extack, size_t len)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, nl->family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u32(nlh, attr, v);
	if (attr2)
		mnl_attr_put_u32(nlh, attr2, v2);
	mnl_attr_nest_end(nlh, nest);
	return ito_nl_talk(nl, nlh, NULL, NULL, extack, len);
}

static int config_set(struct ito_nl *nl, int attr, uint32_t v,
		      char *extack, size_t len)
{
	return config_set2(nl, attr, v, 0, 0, extack, len);
}

FIXTURE(ito) {
	struct ito_nl nl;
	char extack[256];
};

FIXTURE_SETUP(ito)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, ito_nl_open(&self->nl, ITO_FAMILY_NAME, self->extack,
				 sizeof(self->extack)));
}

FIXTURE_TEARDOWN(ito)
{
	ito_nl_close(&self->nl);
}

TEST_F(ito, family_version)
{
	EXPECT_EQ(ITO_FAMILY_VERSION, self->nl.family.version);
}

TEST_F(ito, defaults)
{
	struct config c;
	size_t i;

	ASSERT_EQ(0, config_get(&self->nl, &c));
	for (i = 0; i < N_KNOBS; i++) {
		EXPECT_TRUE(c.seen[knobs[i].attr]) TH_LOG("%s missing", knobs[i].name);
		EXPECT_EQ(knobs[i].def, c.val[knobs[i].attr])
			TH_LOG("%s", knobs[i].name);
	}
}

/* Both ends of every range are accepted and read back. */
TEST_F(ito, round_trip)
{
	struct config c;
	size_t i;

	for (i = 0; i < N_KNOBS; i++) {
		const struct knob *k = &knobs[i];

		ASSERT_EQ(0, config_set(&self->nl, k->attr, k->min,
					self->extack, sizeof(self->extack)));
		ASSERT_EQ(0, config_get(&self->nl, &c));
		EXPECT_EQ(k->min, c.val[k->attr]) TH_LOG("%s", k->name);
		ASSERT_EQ(0, config_set(&self->nl, k->attr, k->max,
					self->extack, sizeof(self->extack)));
		ASSERT_EQ(0, config_get(&self->nl, &c));
		EXPECT_EQ(k->max, c.val[k->attr]) TH_LOG("%s", k->name);
	}
}

static void expect_rejected(struct __test_metadata *_metadata,
			    struct ito_nl *nl, const struct knob *k, uint32_t v)
{
	char extack[256] = "";
	struct config c;
	int err;

	err = config_set(nl, k->attr, v, extack, sizeof(extack));
	EXPECT_EQ(-EINVAL, err) TH_LOG("%s = %u accepted", k->name, v);
	EXPECT_NE(NULL, strstr(extack, k->name)) TH_LOG("extack \"%s\"", extack);
	EXPECT_NE(NULL, strstr(extack, "out of range")) TH_LOG("extack \"%s\"", extack);
	ASSERT_EQ(0, config_get(nl, &c));
	EXPECT_EQ(k->def, c.val[k->attr]) TH_LOG("%s changed", k->name);
}

TEST_F(ito, out_of_range_rejected)
{
	size_t i;

	for (i = 0; i < N_KNOBS; i++) {
		if (knobs[i].min > 0)
			expect_rejected(_metadata, &self->nl, &knobs[i], knobs[i].min - 1);
		expect_rejected(_metadata, &self->nl, &knobs[i], knobs[i].max + 1);
		expect_rejected(_metadata, &self->nl, &knobs[i], UINT32_MAX);
	}
}

/* The verdict-source knobs: their defaults, ranges and joint checks. */
static const struct knob ctv_knobs[] = {
	{ ITO_A_CONFIG_VERDICT_SOURCE, "verdict_source", 1, 7, ITO_VERDICT_SOURCE_AGENT },
	{ ITO_A_CONFIG_CTMARK_MASK, "ctmark_mask", 0, UINT32_MAX, 0 },
	{ ITO_A_CONFIG_CTMARK_OFFLOAD, "ctmark_offload", 0, UINT32_MAX, 0 },
	{ ITO_A_CONFIG_CTMARK_INSPECT, "ctmark_inspect", 0, UINT32_MAX, 0 },
	{ ITO_A_CONFIG_CTMARK_BLOCK, "ctmark_block", 0, UINT32_MAX, 0 },
	{ ITO_A_CONFIG_CTLABEL_OFFLOADED, "ctlabel_offloaded", 0, 128, ITO_CTLABEL_NONE },
	{ ITO_A_CONFIG_CTLABEL_INSPECTED, "ctlabel_inspected", 0, 128, ITO_CTLABEL_NONE },
	{ ITO_A_CONFIG_CTLABEL_BLOCKED, "ctlabel_blocked", 0, 128, ITO_CTLABEL_NONE },
};

/* Up to four knobs in one request; returns the errno, extack in @extack. */
static int config_setn(struct ito_nl *nl, const uint32_t (*kv)[2], int n,
		       char *extack, size_t len)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int i;

	nlh = ito_nl_msg_start(buf, nl->family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, kv[i][0], kv[i][1]);
	mnl_attr_nest_end(nlh, nest);
	return ito_nl_talk(nl, nlh, NULL, NULL, extack, len);
}

TEST_F(ito, verdict_source_defaults_and_ranges)
{
	struct config c;
	size_t i;

	ASSERT_EQ(0, config_get(&self->nl, &c));
	for (i = 0; i < sizeof(ctv_knobs) / sizeof(ctv_knobs[0]); i++) {
		EXPECT_TRUE(c.seen[ctv_knobs[i].attr]) TH_LOG("%s missing", ctv_knobs[i].name);
		EXPECT_EQ(ctv_knobs[i].def, c.val[ctv_knobs[i].attr])
			TH_LOG("%s", ctv_knobs[i].name);
		if (ctv_knobs[i].max != UINT32_MAX)
			expect_rejected(_metadata, &self->nl, &ctv_knobs[i],
					ctv_knobs[i].max + 1);
	}
	expect_rejected(_metadata, &self->nl, &ctv_knobs[0], 0);
	/* label bits 0 and 127 exist */
	EXPECT_EQ(0, config_set2(&self->nl, ITO_A_CONFIG_CTLABEL_OFFLOADED, 0,
				 ITO_A_CONFIG_CTLABEL_BLOCKED, 127,
				 self->extack, sizeof(self->extack))) TH_LOG("%s", self->extack);
	ASSERT_EQ(0, config_get(&self->nl, &c));
	EXPECT_EQ(0, c.val[ITO_A_CONFIG_CTLABEL_OFFLOADED]);
	EXPECT_EQ(127, c.val[ITO_A_CONFIG_CTLABEL_BLOCKED]);
}

/* Settings that do not fit together: refused, with why, nothing changed. */
TEST_F(ito, verdict_source_joint_checks)
{
	static const struct {
		uint32_t kv[4][2];
		int n;
		const char *msg;
	} bad[] = {
		{ { { ITO_A_CONFIG_VERDICT_SOURCE, ITO_VERDICT_SOURCE_CTMARK } }, 1,
		  "needs ctmark_mask" },
		{ { { ITO_A_CONFIG_VERDICT_SOURCE, ITO_VERDICT_SOURCE_CTLABEL } }, 1,
		  "needs a ctlabel bit" },
		{ { { ITO_A_CONFIG_CTMARK_MASK, 0x3 },
		    { ITO_A_CONFIG_CTMARK_OFFLOAD, 0x4 } }, 2,
		  "outside ctmark_mask" },
		{ { { ITO_A_CONFIG_CTMARK_MASK, 0xff },
		    { ITO_A_CONFIG_CTMARK_OFFLOAD, 0x10 },
		    { ITO_A_CONFIG_CTMARK_BLOCK, 0x10 } }, 3,
		  "share one ctmark value" },
		{ { { ITO_A_CONFIG_CTLABEL_INSPECTED, 9 },
		    { ITO_A_CONFIG_CTLABEL_BLOCKED, 9 } }, 2,
		  "share one ct label bit" },
		/* good knobs in the request do not save it */
		{ { { ITO_A_CONFIG_MIN_PKTS, 20 },
		    { ITO_A_CONFIG_CTMARK_MASK, 0x1 },
		    { ITO_A_CONFIG_CTMARK_INSPECT, 0x1 },
		    { ITO_A_CONFIG_VERDICT_SOURCE, ITO_VERDICT_SOURCE_CTLABEL } }, 4,
		  "needs a ctlabel bit" },
	};
	struct config before, after;
	size_t i;

	ASSERT_EQ(0, config_get(&self->nl, &before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char extack[256] = "";

		EXPECT_EQ(-EINVAL, config_setn(&self->nl, bad[i].kv, bad[i].n,
					       extack, sizeof(extack)))
			TH_LOG("case %zu accepted", i);
		EXPECT_NE(NULL, strstr(extack, bad[i].msg))
			TH_LOG("case %zu: extack \"%s\"", i, extack);
		ASSERT_EQ(0, config_get(&self->nl, &after));
		EXPECT_EQ(0, memcmp(before.val, after.val, sizeof(before.val)))
			TH_LOG("case %zu changed a knob", i);
	}

	/* and once they fit, all of them apply */
	{
		const uint32_t good[4][2] = {
			{ ITO_A_CONFIG_CTMARK_MASK, 0x3 },
			{ ITO_A_CONFIG_CTMARK_OFFLOAD, 0x1 },
			{ ITO_A_CONFIG_CTMARK_BLOCK, 0x2 },
			{ ITO_A_CONFIG_VERDICT_SOURCE,
			  ITO_VERDICT_SOURCE_AGENT | ITO_VERDICT_SOURCE_CTMARK },
		};

		EXPECT_EQ(0, config_setn(&self->nl, good, 4, self->extack,
					 sizeof(self->extack))) TH_LOG("%s", self->extack);
		ASSERT_EQ(0, config_get(&self->nl, &after));
		EXPECT_EQ(3, after.val[ITO_A_CONFIG_VERDICT_SOURCE]);
		EXPECT_EQ(0x2, after.val[ITO_A_CONFIG_CTMARK_BLOCK]);
	}
}

/* A bad knob in a request leaves the good knobs of that request unapplied. */
TEST_F(ito, all_or_nothing)
{
	struct config c;

	EXPECT_EQ(-EINVAL, config_set2(&self->nl, ITO_A_CONFIG_MIN_PKTS, 33,
				       ITO_A_CONFIG_TCP_AGEING, 0,
				       self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "tcp_ageing"));
	ASSERT_EQ(0, config_get(&self->nl, &c));
	EXPECT_EQ(8, c.val[ITO_A_CONFIG_MIN_PKTS]);

	EXPECT_EQ(0, config_set2(&self->nl, ITO_A_CONFIG_MIN_PKTS, 33,
				 ITO_A_CONFIG_TCP_AGEING, 30,
				 self->extack, sizeof(self->extack)));
	ASSERT_EQ(0, config_get(&self->nl, &c));
	EXPECT_EQ(33, c.val[ITO_A_CONFIG_MIN_PKTS]);
	EXPECT_EQ(30, c.val[ITO_A_CONFIG_TCP_AGEING]);
}

/* Strict validation: malformed requests are refused, each with a message. */
TEST_F(ito, malformed_rejected)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	/* no ITO_A_CONFIG at all */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	/* an empty nest */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_GT(0, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				 self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	/* a knob of the wrong size */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u8(nlh, ITO_A_CONFIG_MIN_PKTS, 9);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	/* a knob this kernel does not know */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	mnl_attr_put_u32(nlh, ITO_A_CONFIG_MAX + 1, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	/* counters are reply-only */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_GET,
			       ITO_FAMILY_VERSION, 0);
	mnl_attr_put_u32(nlh, ITO_A_COUNTERS, 1);
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	/* reserved genl header byte set: resv_start_op covers all commands */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_CONFIG_GET,
			       ITO_FAMILY_VERSION, 0);
	genl = mnl_nlmsg_get_payload(nlh);
	genl->reserved = 1;
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));

	/* a command the family does not have */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_MAX + 1,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(-EOPNOTSUPP, ito_nl_talk(&self->nl, nlh, NULL, NULL,
					   self->extack, sizeof(self->extack)));
}

struct counters {
	unsigned int n;
	int id[64];
	char name[64][64];
	uint64_t value[64];
};

static int counter_entry_cb(const struct nlattr *attr, void *data)
{
	struct counters *c = data;

	switch (mnl_attr_get_type(attr)) {
	case ITO_A_COUNTER_ID:
		c->id[c->n] = mnl_attr_get_u32(attr);
		break;
	case ITO_A_COUNTER_NAME:
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s",
			 mnl_attr_get_str(attr));
		break;
	case ITO_A_COUNTER_VALUE:
		c->value[c->n] = mnl_attr_get_u64(attr);
		break;
	}
	return MNL_CB_OK;
}

static int counters_cb(const struct nlattr *attr, void *data)
{
	struct counters *c = data;

	if (mnl_attr_get_type(attr) != ITO_A_COUNTERS_ENTRY || c->n >= 64)
		return MNL_CB_ERROR;
	c->id[c->n] = -1;
	if (mnl_attr_parse_nested(attr, counter_entry_cb, c) < 0)
		return MNL_CB_ERROR;
	c->n++;
	return MNL_CB_OK;
}

static int counters_top_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == ITO_A_COUNTERS)
		return mnl_attr_parse_nested(attr, counters_cb, data);
	return MNL_CB_OK;
}

static int counters_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), counters_top_cb, data);
}

TEST_F(ito, counters)
{
	static const char *const guide_names[] = {
		"flow_offload_rcv_cpu", "flow_offload_session_update",
		"flow_offload_session_insert", "flow_offload_session_delete",
		"flow_offload_delete_msg_failed", "flow_offload_add_msg_failed",
		"flow_offload_session_verify", "flow_offload_verify_msg_failed",
		"flow_offload_update_session_stat",
		"flow_offload_missing_session_stat",
		"flow_offload_invalid_session", "flow_offload_del_session_fail",
		"flow_offload_add_session_fail", "flow_offload_get_session_fail",
		"flow_offload_grpc_fail", "flow_offload_active_session",
		"flow_offload_aged_session", "flow_offload_session",
	};
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct counters c = { 0 };
	struct nlmsghdr *nlh;
	unsigned int i, j;

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_COUNTERS_GET,
			       ITO_FAMILY_VERSION, 0);
	ASSERT_EQ(0, ito_nl_talk(&self->nl, nlh, counters_reply_cb, &c,
				 self->extack, sizeof(self->extack)));
	ASSERT_EQ(__ITO_CNT_MAX, c.n);
	for (i = 0; i < c.n; i++) {
		EXPECT_EQ((int)i, c.id[i]);
		/* a fresh namespace has seen nothing */
		EXPECT_EQ(0, c.value[i]) TH_LOG("%s", c.name[i]);
	}
	for (j = 0; j < sizeof(guide_names) / sizeof(guide_names[0]); j++) {
		for (i = 0; i < c.n; i++)
			if (!strcmp(c.name[i], guide_names[j]))
				break;
		EXPECT_LT(i, c.n) TH_LOG("counter %s missing", guide_names[j]);
	}
}

/* Each namespace has its own instance. */
TEST_F(ito, netns_isolation)
{
	struct config c;
	pid_t pid;
	int status;

	ASSERT_EQ(0, config_set(&self->nl, ITO_A_CONFIG_MIN_PKTS, 33,
				self->extack, sizeof(self->extack)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ito_nl nl2;
		struct config c2;
		char e[256];

		if (unshare(CLONE_NEWNET) || ito_nl_open(&nl2, ITO_FAMILY_NAME, e, sizeof(e)))
			_exit(2);
		if (config_get(&nl2, &c2))
			_exit(3);
		if (c2.val[ITO_A_CONFIG_MIN_PKTS] != 8)
			_exit(4);
		if (config_set(&nl2, ITO_A_CONFIG_MIN_PKTS, 44, e, sizeof(e)))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, config_get(&self->nl, &c));
	EXPECT_EQ(33, c.val[ITO_A_CONFIG_MIN_PKTS]);
}

/* Without CAP_NET_ADMIN every command is refused, reads included. */
TEST_F(ito, unprivileged_denied)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct config c;

	ASSERT_EQ(0, syscall(SYS_capget, &hdr, data));
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	ASSERT_EQ(0, syscall(SYS_capset, &hdr, data));

	EXPECT_EQ(-EPERM, config_get(&self->nl, &c));
	EXPECT_EQ(-EPERM, config_set(&self->nl, ITO_A_CONFIG_MIN_PKTS, 9,
				     self->extack, sizeof(self->extack)));
}

static int verdict(struct ito_nl *nl, bool with_id, uint64_t id,
		   bool with_verdict, uint32_t v, char *extack, size_t len)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, nl->family.id, ITO_CMD_FLOW_VERDICT,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	if (with_id)
		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, id);
	if (with_verdict)
		mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, v);
	mnl_attr_nest_end(nlh, nest);
	return ito_nl_talk(nl, nlh, NULL, NULL, extack, len);
}

/* Each bad verdict request is refused with a message; nothing happens. */
TEST_F(ito, verdict_rejected)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	EXPECT_EQ(-ENOENT, verdict(&self->nl, true, 12345, true, ITO_VERDICT_BLOCK,
				   self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "no flow with this id"));
	EXPECT_EQ(-EINVAL, verdict(&self->nl, false, 0, true, ITO_VERDICT_BLOCK,
				   self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "missing the flow id"));
	EXPECT_EQ(-EINVAL, verdict(&self->nl, true, 1, false, 0,
				   self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "missing the verdict"));
	EXPECT_EQ(-ERANGE, verdict(&self->nl, true, 1, true, ITO_VERDICT_NONE,
				   self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);
	EXPECT_EQ(-ERANGE, verdict(&self->nl, true, 1, true, ITO_VERDICT_MAX + 1,
				   self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_FLOW_VERDICT,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(-EINVAL, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "no flow nest"));

	/* flow get / del of a flow that does not exist */
	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_FLOW_DEL,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, 7);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-ENOENT, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);
}

/* One agent per namespace; only the agent may step down. */
TEST_F(ito, agent_registration)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct ito_nl other;
	struct nlmsghdr *nlh;

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_AGENT_REGISTER,
			       ITO_FAMILY_VERSION, 0);
	ASSERT_EQ(0, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				 self->extack, sizeof(self->extack)));

	ASSERT_EQ(0, ito_nl_open(&other, ITO_FAMILY_NAME, self->extack,
				 sizeof(self->extack)));
	nlh = ito_nl_msg_start(buf, other.family.id, ITO_CMD_AGENT_REGISTER,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(-EBUSY, ito_nl_talk(&other, nlh, NULL, NULL,
				      self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "another agent is registered"));
	nlh = ito_nl_msg_start(buf, other.family.id, ITO_CMD_AGENT_UNREGISTER,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(-ENOENT, ito_nl_talk(&other, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "not the registered agent"));

	/* closing the agent's socket frees the place */
	ito_nl_close(&self->nl);
	nlh = ito_nl_msg_start(buf, other.family.id, ITO_CMD_AGENT_REGISTER,
			       ITO_FAMILY_VERSION, 0);
	EXPECT_EQ(0, ito_nl_talk(&other, nlh, NULL, NULL,
				 self->extack, sizeof(self->extack)));
	ito_nl_close(&other);
	/* teardown closes self->nl again: reopen it */
	ASSERT_EQ(0, ito_nl_open(&self->nl, ITO_FAMILY_NAME, self->extack,
				 sizeof(self->extack)));
}

/* Port requests that cannot work are refused with a reason. */
TEST_F(ito, port_rejected)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_PORT_ADD,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 9999);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-ENODEV, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "no such device"));

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_PORT_ADD,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 1);
	mnl_attr_put_u16(nlh, ITO_A_PORT_VLAN, 4095);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-ERANGE, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_STRNE("", self->extack);

	nlh = ito_nl_msg_start(buf, self->nl.family.id, ITO_CMD_PORT_DEL,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-ENOENT, ito_nl_talk(&self->nl, nlh, NULL, NULL,
				       self->extack, sizeof(self->extack)));
	EXPECT_NE(NULL, strstr(self->extack, "not a port"));
}

TEST_HARNESS_MAIN
