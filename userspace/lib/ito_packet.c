// SPDX-License-Identifier: GPL-2.0
/* ito_packet - a packet copy (ITO_CMD_PACKET) into struct ito_packet. */
#include <errno.h>
#include <string.h>

#include "ito_flow.h"
#include "ito_nl.h"
#include "libito.h"

/* An optional u32 into @out; -EPROTO when present but malformed. */
static int opt_u32(const struct nlattr *a, uint32_t *out)
{
	if (!a)
		return 0;
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EPROTO;
	*out = mnl_attr_get_u32(a);
	return 0;
}

/* The flow's tuple, as the kernel puts it in every copy. */
static int packet_flow(const struct nlattr *nest, struct ito_packet *pkt)
{
	struct ito_flow flow;

	if (!nest || ito_flow_parse_nest(nest, &flow) ||
	    !ito_flow_has_tuple(&flow) || !flow.id)
		return -EPROTO;
	pkt->flow_id = flow.id;
	pkt->family = flow.family;
	pkt->proto = flow.proto;
	pkt->addr_len = flow.saddr_len;
	memcpy(pkt->saddr, flow.saddr, sizeof(pkt->saddr));
	memcpy(pkt->daddr, flow.daddr, sizeof(pkt->daddr));
	pkt->sport = flow.sport;
	pkt->dport = flow.dport;
	pkt->iif = flow.iif;
	pkt->ct_state = flow.ct_state;
	return 0;
}

int ito_packet_parse(const struct nlmsghdr *nlh, struct ito_packet *pkt)
{
	const struct nlattr *top[ITO_A_MAX + 1] = {};
	const struct nlattr *tb[ITO_A_PACKET_MAX + 1] = {};
	const struct nlattr *dir;

	memset(pkt, 0, sizeof(*pkt));
	if (ito_nl_parse_top(nlh, top, ITO_A_MAX) || !top[ITO_A_PACKET] ||
	    ito_nl_parse_nested(top[ITO_A_PACKET], tb, ITO_A_PACKET_MAX))
		return -EPROTO;
	if (packet_flow(tb[ITO_A_PACKET_FLOW], pkt))
		return -EPROTO;
	/* SEQ tells the first copy from the others: not optional */
	if (!tb[ITO_A_PACKET_SEQ] || opt_u32(tb[ITO_A_PACKET_SEQ], &pkt->seq) ||
	    opt_u32(tb[ITO_A_PACKET_IFINDEX], &pkt->ifindex) ||
	    opt_u32(tb[ITO_A_PACKET_LEN], &pkt->len))
		return -EPROTO;
	dir = tb[ITO_A_PACKET_DIR];
	if (dir && mnl_attr_validate(dir, MNL_TYPE_U8) < 0)
		return -EPROTO;
	if (dir)
		pkt->dir = mnl_attr_get_u8(dir);
	if (tb[ITO_A_PACKET_DATA]) {
		pkt->data = mnl_attr_get_payload(tb[ITO_A_PACKET_DATA]);
		pkt->data_len = mnl_attr_get_payload_len(tb[ITO_A_PACKET_DATA]);
	}
	return 0;
}
