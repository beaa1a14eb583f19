// SPDX-License-Identifier: GPL-2.0
/* ito_flow - ITO_A_FLOW and ITO_A_FLOW_PATH nests into structs. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "ito_flow.h"
#include "ito_nl.h"

/* How each attribute of a path is checked and where it is kept. */
#define PATH_ATTR(attr, kind, field) ITO_NL_SLOT(attr, kind, struct ito_path, field)

static const struct ito_nl_slot path_attrs[ITO_A_PATH_MAX + 1] = {
	PATH_ATTR(ITO_A_PATH_DIR, U8, dir),
	PATH_ATTR(ITO_A_PATH_WHERE, U32, where),
	PATH_ATTR(ITO_A_PATH_IN_IFINDEX, U32, in_ifindex),
	PATH_ATTR(ITO_A_PATH_IN_VLAN, U16, in_vlan),
	PATH_ATTR(ITO_A_PATH_OUT_IFINDEX, U32, out_ifindex),
	PATH_ATTR(ITO_A_PATH_OUT_VLAN, U16, out_vlan),
	PATH_ATTR(ITO_A_PATH_SADDR, ADDR, saddr),
	PATH_ATTR(ITO_A_PATH_DADDR, ADDR, daddr),
	PATH_ATTR(ITO_A_PATH_SPORT, U16, sport),
	PATH_ATTR(ITO_A_PATH_DPORT, U16, dport),
	PATH_ATTR(ITO_A_PATH_NAT_SADDR, ADDR, nat_saddr),
	PATH_ATTR(ITO_A_PATH_NAT_DADDR, ADDR, nat_daddr),
	PATH_ATTR(ITO_A_PATH_NAT_SPORT, U16, nat_sport),
	PATH_ATTR(ITO_A_PATH_NAT_DPORT, U16, nat_dport),
	PATH_ATTR(ITO_A_PATH_ETH_DST, MAC, eth_dst),
	PATH_ATTR(ITO_A_PATH_ETH_SRC, MAC, eth_src),
	PATH_ATTR(ITO_A_PATH_PKTS, U64, pkts),
	PATH_ATTR(ITO_A_PATH_BYTES, U64, bytes),
	PATH_ATTR(ITO_A_PATH_VWIRE, U8, vwire),
	PATH_ATTR(ITO_A_PATH_MTU, U32, mtu),
};

/* What a rule cannot be written without... */
#define PATH_REQUIRED \
	((1u << ITO_A_PATH_DIR) | (1u << ITO_A_PATH_WHERE) | \
	 (1u << ITO_A_PATH_IN_IFINDEX) | (1u << ITO_A_PATH_OUT_IFINDEX) | \
	 (1u << ITO_A_PATH_SADDR) | (1u << ITO_A_PATH_DADDR) | \
	 (1u << ITO_A_PATH_SPORT) | (1u << ITO_A_PATH_DPORT))
/* ... and a routed one's MACs (a vWire direction has none). */
#define PATH_REQUIRED_ROUTED \
	(PATH_REQUIRED | (1u << ITO_A_PATH_ETH_DST) | (1u << ITO_A_PATH_ETH_SRC))

int ito_path_parse_nest(const struct nlattr *nest, struct ito_path *path)
{
	uint32_t required;

	memset(path, 0, sizeof(*path));
	if (ito_nl_parse_slots(nest, path_attrs, ITO_A_PATH_MAX, path,
			       &path->present, &path->addr_len))
		return -EPROTO;
	required = path->vwire ? PATH_REQUIRED : PATH_REQUIRED_ROUTED;
	if ((path->present & required) != required)
		return -EPROTO;
	return 0;
}

/* How each attribute of a flow is checked and where it is kept. */
#define FLOW_ATTR(attr, kind, field) ITO_NL_SLOT(attr, kind, struct ito_flow, field)

static const struct ito_nl_slot flow_attrs[ITO_A_FLOW_MAX + 1] = {
	FLOW_ATTR(ITO_A_FLOW_ID, U64, id),
	FLOW_ATTR(ITO_A_FLOW_STATE, U32, state),
	FLOW_ATTR(ITO_A_FLOW_VERDICT, U32, verdict),
	FLOW_ATTR(ITO_A_FLOW_FAMILY, U8, family),
	FLOW_ATTR(ITO_A_FLOW_PROTO, U8, proto),
	FLOW_ATTR(ITO_A_FLOW_SADDR, ADDR, saddr),
	FLOW_ATTR(ITO_A_FLOW_DADDR, ADDR, daddr),
	FLOW_ATTR(ITO_A_FLOW_SPORT, U16, sport),
	FLOW_ATTR(ITO_A_FLOW_DPORT, U16, dport),
	FLOW_ATTR(ITO_A_FLOW_IIF, U32, iif),
	FLOW_ATTR(ITO_A_FLOW_PKTS_ORIG, U64, pkts_orig),
	FLOW_ATTR(ITO_A_FLOW_BYTES_ORIG, U64, bytes_orig),
	FLOW_ATTR(ITO_A_FLOW_PKTS_REPLY, U64, pkts_reply),
	FLOW_ATTR(ITO_A_FLOW_BYTES_REPLY, U64, bytes_reply),
	FLOW_ATTR(ITO_A_FLOW_AGE_MS, U64, age_ms),
	FLOW_ATTR(ITO_A_FLOW_IDLE_MS, U64, idle_ms),
	FLOW_ATTR(ITO_A_FLOW_RATE, U32, rate),
	FLOW_ATTR(ITO_A_FLOW_COPIES, U32, copies),
	FLOW_ATTR(ITO_A_FLOW_CT_STATE, U32, ct_state),
	FLOW_ATTR(ITO_A_FLOW_EVENT, U32, event),
	FLOW_ATTR(ITO_A_FLOW_END_REASON, U32, end_reason),
	FLOW_ATTR(ITO_A_FLOW_OFFLOAD_PKTS, U64, offload_pkts),
	FLOW_ATTR(ITO_A_FLOW_OFFLOAD_BYTES, U64, offload_bytes),
	FLOW_ATTR(ITO_A_FLOW_VERDICT_BY, U32, verdict_by),
	/* one per direction */
	FLOW_ATTR(ITO_A_FLOW_PATH, NEST, path),
};

static int flow_attr_cb(const struct nlattr *attr, void *data)
{
	struct ito_flow *flow = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (mnl_attr_type_valid(attr, ITO_A_FLOW_MAX) < 0)
		return MNL_CB_OK;	/* a newer module's */

	if (type == ITO_A_FLOW_APP) {
		/* a NUL-terminated string that fits, as the uapi says */
		if (!len || len > sizeof(flow->app) ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		memcpy(flow->app, mnl_attr_get_str(attr), len);
		flow->present |= 1u << type;
		return MNL_CB_OK;
	}
	switch (flow_attrs[type].kind) {
	case ITO_NL_SKIP:
		return MNL_CB_OK;
	case ITO_NL_ADDR:
		/* its length is kept apart: the family may come later */
		if (len != 4 && len != 16)
			return MNL_CB_ERROR;
		memcpy((char *)flow + flow_attrs[type].offset,
		       mnl_attr_get_payload(attr), len);
		if (type == ITO_A_FLOW_SADDR)
			flow->saddr_len = len;
		else
			flow->daddr_len = len;
		break;
	case ITO_NL_NEST:
		if (flow->n_paths == ITO_FLOW_MAX_PATHS ||
		    ito_path_parse_nest(attr, &flow->path[flow->n_paths]))
			return MNL_CB_ERROR;
		flow->n_paths++;
		break;
	default:
		if (ito_nl_store_uint(attr, &flow_attrs[type], flow))
			return MNL_CB_ERROR;
		break;
	}
	flow->present |= 1u << type;
	return MNL_CB_OK;
}

static bool addr_fits_family(const struct ito_flow *flow, uint8_t len)
{
	if (!ito_flow_has(flow, ITO_A_FLOW_FAMILY) || !len)
		return true;
	if (flow->family == AF_INET)
		return len == 4;
	if (flow->family == AF_INET6)
		return len == 16;
	return true;
}

int ito_flow_parse_nest(const struct nlattr *nest, struct ito_flow *flow)
{
	unsigned int i;

	memset(flow, 0, sizeof(*flow));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, flow_attr_cb, flow) < 0)
		return -EPROTO;
	if (!addr_fits_family(flow, flow->saddr_len) ||
	    !addr_fits_family(flow, flow->daddr_len))
		return -EPROTO;
	for (i = 0; i < flow->n_paths; i++)
		if (!addr_fits_family(flow, flow->path[i].addr_len))
			return -EPROTO;
	return 0;
}

int ito_flow_parse_reply(const struct nlmsghdr *nlh,
		     int (*fn)(const struct ito_flow *flow, void *data),
		     void *data)
{
	const struct nlattr *attr;
	struct ito_flow flow;
	bool found = false;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EPROTO;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != ITO_A_FLOW)
			continue;
		if (ito_flow_parse_nest(attr, &flow))
			return -EPROTO;
		found = true;
		err = fn(&flow, data);
		if (err)
			return err;
	}
	return found ? 0 : -EPROTO;
}

bool ito_flow_has_tuple(const struct ito_flow *flow)
{
	uint32_t tuple = (1u << ITO_A_FLOW_FAMILY) | (1u << ITO_A_FLOW_PROTO) |
			 (1u << ITO_A_FLOW_SADDR) | (1u << ITO_A_FLOW_DADDR);

	/* ito_flow_parse_nest() saw to the addresses' length */
	return (flow->present & tuple) == tuple &&
	       (flow->family == AF_INET || flow->family == AF_INET6);
}
