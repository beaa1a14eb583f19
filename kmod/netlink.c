// SPDX-License-Identifier: GPL-2.0
/*
 * ito - the generic netlink family "ito": configuration and counters.
 * The contract lives in uapi/linux/ito.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>

#include "ito.h"

static const struct nla_policy ito_config_policy[ITO_A_CONFIG_MAX + 1] = {
	[ITO_A_CONFIG_ENABLED]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_MIN_PKTS]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_MIN_RATE]		= { .type = NLA_U32 },
	[ITO_A_CONFIG_TCP_AGEING]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_UDP_AGEING]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_MAX_SESSIONS]	= { .type = NLA_U32 },
	[ITO_A_CONFIG_MAX_UPDATE_RATE]	= { .type = NLA_U32 },
};

/* Requests carry no counters: the attribute is accepted only in replies. */
static const struct nla_policy ito_policy[ITO_A_MAX + 1] = {
	[ITO_A_CONFIG]		= NLA_POLICY_NESTED(ito_config_policy),
	[ITO_A_COUNTERS]	= { .type = NLA_REJECT },
};

static struct genl_family ito_family;

static struct sk_buff *ito_reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &ito_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int ito_put_config(struct sk_buff *msg, const struct ito_net *in)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, ITO_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (i = ITO_A_CONFIG_UNSPEC + 1; i < __ITO_A_CONFIG_MAX; i++) {
		if (nla_put_u32(msg, i, ito_config_get(in, i))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ito_put_counter(struct sk_buff *msg, const struct ito_net *in,
			   enum ito_counter id)
{
	struct nlattr *entry;

	entry = nla_nest_start(msg, ITO_A_COUNTERS_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	if (nla_put_u32(msg, ITO_A_COUNTER_ID, id) ||
	    nla_put_string(msg, ITO_A_COUNTER_NAME, ito_counter_name(id)) ||
	    nla_put_u64_64bit(msg, ITO_A_COUNTER_VALUE,
			      ito_counter_read(in, id), ITO_A_COUNTER_PAD)) {
		nla_nest_cancel(msg, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, entry);
	return 0;
}

static int ito_put_counters(struct sk_buff *msg, const struct ito_net *in)
{
	struct nlattr *nest;
	int id;

	nest = nla_nest_start(msg, ITO_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (id = 0; id < __ITO_CNT_MAX; id++) {
		if (ito_put_counter(msg, in, id)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int ito_reply(struct genl_info *info,
		     int (*fill)(struct sk_buff *msg, const struct ito_net *in))
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = ito_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = fill(msg, in);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int ito_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ito_reply(info, ito_put_config);
}

static int ito_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ito_net *in = ito_net(genl_info_net(info));
	struct nlattr *tb[ITO_A_CONFIG_MAX + 1];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ITO_A_CONFIG)) {
		NL_SET_ERR_MSG(info->extack, "missing the configuration nest");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ITO_A_CONFIG_MAX, info->attrs[ITO_A_CONFIG],
			       ito_config_policy, info->extack);
	if (err)
		return err;
	return ito_config_set(in, tb, info->extack);
}

static int ito_nl_counters_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ito_reply(info, ito_put_counters);
}

static const struct genl_ops ito_ops[] = {
	{
		.cmd	= ITO_CMD_CONFIG_GET,
		.doit	= ito_nl_config_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_CONFIG_SET,
		.doit	= ito_nl_config_set_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ITO_CMD_COUNTERS_GET,
		.doit	= ito_nl_counters_get_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ito_family __ro_after_init = {
	.name		= ITO_FAMILY_NAME,
	.version	= ITO_FAMILY_VERSION,
	.maxattr	= ITO_A_MAX,
	.policy		= ito_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= ito_ops,
	.n_ops		= ARRAY_SIZE(ito_ops),
	/* commands from here on get strict header checks: all of ours */
	.resv_start_op	= ITO_CMD_CONFIG_GET,
};

int __init ito_netlink_init(void)
{
	return genl_register_family(&ito_family);
}

void ito_netlink_uninit(void)
{
	genl_unregister_family(&ito_family);
}

/* Let a request for the family load the module. */
MODULE_ALIAS_GENL_FAMILY(ITO_FAMILY_NAME);
