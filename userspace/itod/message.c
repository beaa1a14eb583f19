// SPDX-License-Identifier: GPL-2.0
/* message - ito netlink messages in and out, no sockets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "ito_flow.h"
#include "ito_nl.h"
#include "message.h"

int msg_genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		return -EPROTO;
	genl = mnl_nlmsg_get_payload(nlh);
	return genl->cmd;
}

/* The tuple as the policy matches it. */
static void tuple_of_flow(const struct ito_flow *f, struct policy_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->family = f->family;
	t->proto = f->proto;
	memcpy(t->saddr, f->saddr, sizeof(t->saddr));
	memcpy(t->daddr, f->daddr, sizeof(t->daddr));
	t->sport = f->sport;
	t->dport = f->dport;
	t->iif = f->iif;
}

int msg_parse_packet(const struct nlmsghdr *nlh, struct msg_packet *pkt)
{
	struct ito_packet copy;

	memset(pkt, 0, sizeof(*pkt));
	if (ito_packet_parse(nlh, &copy))
		return -EPROTO;
	pkt->flow_id = copy.flow_id;
	pkt->tuple = (struct policy_tuple){
		.family = copy.family,
		.proto = copy.proto,
		.sport = copy.sport,
		.dport = copy.dport,
		.iif = copy.iif,
	};
	memcpy(pkt->tuple.saddr, copy.saddr, sizeof(pkt->tuple.saddr));
	memcpy(pkt->tuple.daddr, copy.daddr, sizeof(pkt->tuple.daddr));
	pkt->ct_state = copy.ct_state;
	pkt->dir = copy.dir;
	pkt->ifindex = copy.ifindex;
	pkt->seq = copy.seq;
	pkt->len = copy.len;
	pkt->data = copy.data;
	pkt->data_len = copy.data_len;
	return 0;
}

/* Tuple attributes, if any, must make a whole tuple. */
#define TUPLE_ATTRS ((1u << ITO_A_FLOW_FAMILY) | (1u << ITO_A_FLOW_PROTO) | \
		     (1u << ITO_A_FLOW_SADDR) | (1u << ITO_A_FLOW_DADDR))

int msg_parse_flow(const struct nlmsghdr *nlh, struct msg_flow *flow)
{
	const struct nlattr *top[ITO_A_MAX + 1] = {};
	struct ito_flow f;

	memset(flow, 0, sizeof(*flow));
	if (ito_nl_parse_top(nlh, top, ITO_A_MAX) || !top[ITO_A_FLOW] ||
	    ito_flow_parse_nest(top[ITO_A_FLOW], &f) || !f.id)
		return -EPROTO;
	flow->has_tuple = ito_flow_has_tuple(&f);
	if (!flow->has_tuple && (f.present & TUPLE_ATTRS))
		return -EPROTO;
	if (flow->has_tuple)
		tuple_of_flow(&f, &flow->tuple);
	flow->flow_id = f.id;
	flow->state = f.state;
	flow->verdict = f.verdict;
	flow->event = f.event;
	flow->end_reason = f.end_reason;
	flow->copies = f.copies;
	return 0;
}

int msg_parse_ctrl(const struct nlmsghdr *nlh, uint8_t *cmd, char *name,
		   size_t name_len, uint16_t *id)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	int c = msg_genl_cmd(nlh);

	if (c < 0)
		return c;
	*cmd = (uint8_t)c;
	if (ito_nl_parse_top(nlh, tb, CTRL_ATTR_MAX))
		return -EPROTO;
	if (!tb[CTRL_ATTR_FAMILY_NAME] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_NAME], MNL_TYPE_NUL_STRING) < 0)
		return -EPROTO;
	snprintf(name, name_len, "%s", mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]));
	*id = 0;
	if (tb[CTRL_ATTR_FAMILY_ID] &&
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) == 0)
		*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

struct nlmsghdr *msg_build_simple(void *buf, uint16_t family_id, uint8_t cmd)
{
	return ito_nl_msg_start(buf, family_id, cmd, ITO_FAMILY_VERSION, 0);
}

struct nlmsghdr *msg_build_flow_dump(void *buf, uint16_t family_id)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, family_id, ITO_CMD_FLOW_GET,
			       ITO_FAMILY_VERSION, NLM_F_DUMP);
	/* only the flows still inspecting: a verdict is all they may need */
	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, ITO_FLOW_STATE_INSPECTING);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}
