// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the configuration knobs of an instance: defaults, ranges, and the
 * all-or-nothing update.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/netlink.h>

#include "ito.h"

/* Literal numbers only: the range message is made by the preprocessor. */
static_assert(ITO_VERDICT_OFFLOAD == 1 && ITO_VERDICT_BLOCK == 3 &&
	      ITO_VERDICT_INSPECT == 2);

struct ito_knob {
	u32 min;
	u32 max;
	u32 def;
	const char *range_msg;
	const char *cap_msg;	/* sizes memory: see ito_config_set() */
};

/*
 * The rejection messages are built at compile time: kernels before 6.2
 * have no formatted extack messages.
 */
#define KNOB(_name, _min, _max, _def) {					\
	.min = _min, .max = _max, .def = _def,				\
	.range_msg = _name " out of range [" #_min ", " #_max "]",	\
}

/* A knob that sizes memory, capped at its default (ito_config_set()); the
 * name is bare, as it is spelt twice.
 */
#define KNOB_CAPPED(_name, _min, _max, _def) {				\
	.min = _min, .max = _max, .def = _def,				\
	.range_msg = #_name " out of range [" #_min ", " #_max "]",	\
	.cap_msg = #_name " above " #_def				\
		   " needs CAP_NET_ADMIN in the initial user namespace",	\
}

/* Defaults follow the reference product; see Documentation/admin-guide.rst */
static const struct ito_knob ito_knobs[__ITO_A_CONFIG_MAX] = {
	[ITO_A_CONFIG_ENABLED]		= KNOB("enabled", 0, 1, 1),
	[ITO_A_CONFIG_MIN_PKTS]		= KNOB("min_pkts", 1, 1024, 8),
	[ITO_A_CONFIG_MIN_RATE]		= KNOB("min_rate", 0, 10000000, 95),
	[ITO_A_CONFIG_TCP_AGEING]	= KNOB("tcp_ageing", 1, 86400, 12),
	[ITO_A_CONFIG_UDP_AGEING]	= KNOB("udp_ageing", 1, 86400, 20),
	[ITO_A_CONFIG_MAX_SESSIONS]	= KNOB_CAPPED(max_sessions, 1, 4000000, 500000),
	[ITO_A_CONFIG_MAX_UPDATE_RATE]	= KNOB("max_update_rate", 1, 1000000, 7000),
	[ITO_A_CONFIG_SNAPLEN]		= KNOB("snaplen", 64, 65535, 256),
	/* ITO_VERDICT_OFFLOAD .. ITO_VERDICT_BLOCK; default inspect */
	[ITO_A_CONFIG_DEFAULT_VERDICT]	= KNOB("default_verdict", 1, 3, 2),
	[ITO_A_CONFIG_MAX_FLOWS]	= KNOB_CAPPED(max_flows, 1, 16777216, 1048576),
	/* ITO_VERDICT_SOURCE_AGENT .. ITO_VERDICT_SOURCE_ALL */
	[ITO_A_CONFIG_VERDICT_SOURCE]	= KNOB("verdict_source", 1, 7, 1),
	[ITO_A_CONFIG_CTMARK_MASK]	= KNOB("ctmark_mask", 0, 0xffffffff, 0),
	[ITO_A_CONFIG_CTMARK_OFFLOAD]	= KNOB("ctmark_offload", 0, 0xffffffff, 0),
	[ITO_A_CONFIG_CTMARK_INSPECT]	= KNOB("ctmark_inspect", 0, 0xffffffff, 0),
	[ITO_A_CONFIG_CTMARK_BLOCK]	= KNOB("ctmark_block", 0, 0xffffffff, 0),
	/* bits 0 .. 127, or ITO_CTLABEL_NONE */
	[ITO_A_CONFIG_CTLABEL_OFFLOADED] = KNOB("ctlabel_offloaded", 0, 128, 128),
	[ITO_A_CONFIG_CTLABEL_INSPECTED] = KNOB("ctlabel_inspected", 0, 128, 128),
	[ITO_A_CONFIG_CTLABEL_BLOCKED]	= KNOB("ctlabel_blocked", 0, 128, 128),
	/* ITO_HA_ROLE_ACTIVE or ITO_HA_ROLE_PASSIVE */
	[ITO_A_CONFIG_HA_ROLE]		= KNOB("ha_role", 0, 1, 0),
	/* milliseconds */
	[ITO_A_CONFIG_HA_HOLD]		= KNOB("ha_hold", 0, 60000, 3000),
	/* microseconds */
	[ITO_A_CONFIG_COPY_DELAY]	= KNOB("copy_delay", 0, 1000000, 1000),
};

static_assert(ITO_VERDICT_SOURCE_ALL == 7 && ITO_CTLABEL_NONE == 128 &&
	      ITO_HA_ROLE_PASSIVE == 1);

/* NL_SET_ERR_MSG_ATTR() takes only literals; ours live in a table. */
static void ito_config_reject(struct netlink_ext_ack *extack,
			      const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	NL_SET_BAD_ATTR(extack, attr);
}

void ito_config_init(struct ito_net *in)
{
	int i;

	mutex_init(&in->config_lock);
	for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++)
		in->config[i] = ito_knobs[i].def;
}

/**
 * ito_config_set - apply the knobs present in @tb, or none of them
 * @in: the instance
 * @tb: attributes parsed from an ITO_A_CONFIG nest, indexed by knob
 * @host_admin: the requester has CAP_NET_ADMIN in the initial user namespace
 * @extack: names the first knob refused
 *
 * The knobs that size what the packet path allocates (max_flows,
 * max_sessions) go above their defaults only for @host_admin: flows and
 * sessions are allocated where no memory cgroup can be charged, so the
 * root of an unprivileged user namespace must not be able to grow them
 * without bound, once per namespace it creates.
 *
 * Return: 0, -EINVAL when a value is out of range or does not fit with
 * the others, -EPERM when above the cap, or -ENODATA when @tb holds no
 * knob at all.
 */
int ito_config_set(struct ito_net *in, struct nlattr *const *tb,
		   bool host_admin, struct netlink_ext_ack *extack)
{
	u32 next[__ITO_A_CONFIG_MAX];
	bool any = false;
	int i, err;

	for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++) {
		u32 v;

		if (!tb[i])
			continue;
		v = nla_get_u32(tb[i]);
		if (v < ito_knobs[i].min || v > ito_knobs[i].max) {
			ito_config_reject(extack, tb[i], ito_knobs[i].range_msg);
			return -EINVAL;
		}
		if (ito_knobs[i].cap_msg && v > ito_knobs[i].def && !host_admin) {
			ito_config_reject(extack, tb[i], ito_knobs[i].cap_msg);
			return -EPERM;
		}
		any = true;
	}
	if (!any) {
		NL_SET_ERR_MSG(extack, "no configuration knob given");
		return -ENODATA;
	}

	/* knobs that only make sense together are checked as they would be */
	mutex_lock(&in->config_lock);
	memcpy(next, in->config, sizeof(next));
	for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++)
		if (tb[i])
			next[i] = nla_get_u32(tb[i]);
	err = ito_ctv_config_check(in, next, tb, extack);
	if (!err)
		for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++)
			WRITE_ONCE(in->config[i], next[i]);
	mutex_unlock(&in->config_lock);
	return err;
}
