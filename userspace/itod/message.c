// SPDX-License-Identifier: GPL-2.0
/* message - ito netlink messages in and out, no sockets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

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

/* An optional attribute of type @type: false when absent, -1 when bad. */
static int opt_attr(const struct nlattr *a, enum mnl_attr_data_type type)
{
	if (!a)
		return 0;
	return mnl_attr_validate(a, type) < 0 ? -1 : 1;
}

static int get_addr(const struct nlattr *a, uint8_t family, uint8_t *out)
{
	size_t want = family == AF_INET ? 4 : 16;

	if (!a || mnl_attr_get_payload_len(a) != want)
		return -EPROTO;
	memcpy(out, mnl_attr_get_payload(a), want);
	return 0;
}

/*
 * The tuple attributes of a flow nest. Returns 1 with the tuple, 0 when
 * the tuple is absent (events may carry only the id), -EPROTO when broken.
 */
static int get_tuple(const struct nlattr **tb, struct policy_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (!tb[ITO_A_FLOW_FAMILY] && !tb[ITO_A_FLOW_PROTO] &&
	    !tb[ITO_A_FLOW_SADDR] && !tb[ITO_A_FLOW_DADDR])
		return 0;
	if (opt_attr(tb[ITO_A_FLOW_FAMILY], MNL_TYPE_U8) != 1 ||
	    opt_attr(tb[ITO_A_FLOW_PROTO], MNL_TYPE_U8) != 1 ||
	    opt_attr(tb[ITO_A_FLOW_SPORT], MNL_TYPE_U16) < 0 ||
	    opt_attr(tb[ITO_A_FLOW_DPORT], MNL_TYPE_U16) < 0 ||
	    opt_attr(tb[ITO_A_FLOW_IIF], MNL_TYPE_U32) < 0)
		return -EPROTO;
	t->family = mnl_attr_get_u8(tb[ITO_A_FLOW_FAMILY]);
	if (t->family != AF_INET && t->family != AF_INET6)
		return -EPROTO;
	t->proto = mnl_attr_get_u8(tb[ITO_A_FLOW_PROTO]);
	if (get_addr(tb[ITO_A_FLOW_SADDR], t->family, t->saddr) ||
	    get_addr(tb[ITO_A_FLOW_DADDR], t->family, t->daddr))
		return -EPROTO;
	if (tb[ITO_A_FLOW_SPORT])
		t->sport = mnl_attr_get_u16(tb[ITO_A_FLOW_SPORT]);
	if (tb[ITO_A_FLOW_DPORT])
		t->dport = mnl_attr_get_u16(tb[ITO_A_FLOW_DPORT]);
	if (tb[ITO_A_FLOW_IIF])
		t->iif = mnl_attr_get_u32(tb[ITO_A_FLOW_IIF]);
	return 1;
}

static int get_id(const struct nlattr **tb, uint64_t *id)
{
	if (opt_attr(tb[ITO_A_FLOW_ID], MNL_TYPE_U64) != 1)
		return -EPROTO;
	*id = mnl_attr_get_u64(tb[ITO_A_FLOW_ID]);
	return *id ? 0 : -EPROTO;
}

/* An optional u32 into @out; -EPROTO when present but malformed. */
static int get_u32(const struct nlattr *a, uint32_t *out)
{
	int ret = opt_attr(a, MNL_TYPE_U32);

	if (ret < 0)
		return -EPROTO;
	if (ret)
		*out = mnl_attr_get_u32(a);
	return 0;
}

int msg_parse_packet(const struct nlmsghdr *nlh, struct msg_packet *pkt)
{
	const struct nlattr *top[ITO_A_MAX + 1] = {};
	const struct nlattr *tb[ITO_A_PACKET_MAX + 1] = {};
	const struct nlattr *ftb[ITO_A_FLOW_MAX + 1] = {};

	memset(pkt, 0, sizeof(*pkt));
	if (ito_nl_parse_top(nlh, top, ITO_A_MAX) || !top[ITO_A_PACKET])
		return -EPROTO;
	if (ito_nl_parse_nested(top[ITO_A_PACKET], tb, ITO_A_PACKET_MAX))
		return -EPROTO;
	if (!tb[ITO_A_PACKET_FLOW] ||
	    ito_nl_parse_nested(tb[ITO_A_PACKET_FLOW], ftb, ITO_A_FLOW_MAX))
		return -EPROTO;
	if (get_id(ftb, &pkt->flow_id) || get_tuple(ftb, &pkt->tuple) != 1 ||
	    get_u32(ftb[ITO_A_FLOW_CT_STATE], &pkt->ct_state))
		return -EPROTO;

	if (opt_attr(tb[ITO_A_PACKET_SEQ], MNL_TYPE_U32) != 1 ||
	    opt_attr(tb[ITO_A_PACKET_DIR], MNL_TYPE_U8) < 0 ||
	    get_u32(tb[ITO_A_PACKET_IFINDEX], &pkt->ifindex) ||
	    get_u32(tb[ITO_A_PACKET_LEN], &pkt->len))
		return -EPROTO;
	pkt->seq = mnl_attr_get_u32(tb[ITO_A_PACKET_SEQ]);
	if (tb[ITO_A_PACKET_DIR])
		pkt->dir = mnl_attr_get_u8(tb[ITO_A_PACKET_DIR]);
	if (tb[ITO_A_PACKET_DATA]) {
		pkt->data = mnl_attr_get_payload(tb[ITO_A_PACKET_DATA]);
		pkt->data_len = mnl_attr_get_payload_len(tb[ITO_A_PACKET_DATA]);
	}
	return 0;
}

int msg_parse_flow(const struct nlmsghdr *nlh, struct msg_flow *flow)
{
	const struct nlattr *top[ITO_A_MAX + 1] = {};
	const struct nlattr *tb[ITO_A_FLOW_MAX + 1] = {};
	int ret;

	memset(flow, 0, sizeof(*flow));
	if (ito_nl_parse_top(nlh, top, ITO_A_MAX) || !top[ITO_A_FLOW])
		return -EPROTO;
	if (ito_nl_parse_nested(top[ITO_A_FLOW], tb, ITO_A_FLOW_MAX))
		return -EPROTO;
	if (get_id(tb, &flow->flow_id))
		return -EPROTO;
	ret = get_tuple(tb, &flow->tuple);
	if (ret < 0)
		return ret;
	flow->has_tuple = ret;
	if (get_u32(tb[ITO_A_FLOW_STATE], &flow->state) ||
	    get_u32(tb[ITO_A_FLOW_VERDICT], &flow->verdict) ||
	    get_u32(tb[ITO_A_FLOW_EVENT], &flow->event) ||
	    get_u32(tb[ITO_A_FLOW_END_REASON], &flow->end_reason) ||
	    get_u32(tb[ITO_A_FLOW_COPIES], &flow->copies))
		return -EPROTO;
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

struct nlmsghdr *msg_build_verdicts(void *buf, uint16_t family_id,
				    const struct msg_verdict *v, size_t n)
{
	struct nlmsghdr *nlh;
	size_t i;

	nlh = ito_nl_msg_start(buf, family_id, ITO_CMD_FLOW_VERDICT,
			       ITO_FAMILY_VERSION, 0);
	for (i = 0; i < n && i < MSG_VERDICT_BATCH; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);

		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, v[i].flow_id);
		mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, v[i].verdict);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
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
