// SPDX-License-Identifier: GPL-2.0
/* ports - the lower devices of the ports that use XDP. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/if_link.h>
#include <linux/ito.h>
#include <linux/rtnetlink.h>

#include "ports.h"

bool port_uses_xdp(uint32_t offload, bool hw)
{
	return offload == ITO_PORT_OFFLOAD_XDP ||
	       (offload == ITO_PORT_OFFLOAD_AUTO && !hw);
}

int ports_open(struct ports *p)
{
	memset(p, 0, sizeof(*p));
	p->rtnl = mnl_socket_open(NETLINK_ROUTE);
	if (!p->rtnl)
		return -errno;
	if (mnl_socket_bind(p->rtnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(p->rtnl);
		p->rtnl = NULL;
		return err;
	}
	p->seq = (uint32_t)time(NULL);
	return 0;
}

void ports_close(struct ports *p)
{
	if (p->rtnl)
		mnl_socket_close(p->rtnl);
	p->rtnl = NULL;
}

struct link_info {
	bool vlan;
	uint32_t link;
};

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
	    !strcmp(mnl_attr_get_str(attr), "vlan"))
		li->vlan = true;
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->link = mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, linkinfo_cb, li);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, data);
	return MNL_CB_OK;
}

/*
 * The device a port's packets arrive on: a VLAN device's link, else the
 * port itself (a veth's IFLA_LINK is its peer, not a device below).
 */
static uint32_t lower_device(struct ports *p, uint32_t ifindex)
{
	uint32_t buf[MNL_SOCKET_BUFFER_SIZE / sizeof(uint32_t)];
	struct link_info li = { 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	uint32_t seq = ++p->seq;
	ssize_t n;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	/* the ack ends the exchange: one link is one message, no DONE */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (mnl_socket_sendto(p->rtnl, nlh, nlh->nlmsg_len) < 0)
		return ifindex;
	do {
		n = mnl_socket_recvfrom(p->rtnl, buf, sizeof(buf));
		if (n < 0)
			return ifindex;
		ret = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(p->rtnl),
				 link_cb, &li);
	} while (ret > 0);
	return li.vlan && li.link ? li.link : ifindex;
}

struct port_list {
	uint32_t ifindex[PORTS_MAX_DEVICES];
	size_t n;
};

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[ITO_A_MAX + 1] = { NULL };
	const struct nlattr *pt[ITO_A_PORT_MAX + 1] = { NULL };
	struct port_list *list = data;
	uint32_t offload = ITO_PORT_OFFLOAD_AUTO;
	bool hw = false;

	if (ito_nl_parse_top(nlh, tb, ITO_A_MAX) || !tb[ITO_A_PORT] ||
	    ito_nl_parse_nested(tb[ITO_A_PORT], pt, ITO_A_PORT_MAX) ||
	    !pt[ITO_A_PORT_IFINDEX] ||
	    mnl_attr_validate(pt[ITO_A_PORT_IFINDEX], MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	if (pt[ITO_A_PORT_OFFLOAD]) {
		if (mnl_attr_validate(pt[ITO_A_PORT_OFFLOAD], MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		offload = mnl_attr_get_u32(pt[ITO_A_PORT_OFFLOAD]);
	}
	if (pt[ITO_A_PORT_HW]) {
		if (mnl_attr_validate(pt[ITO_A_PORT_HW], MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		hw = mnl_attr_get_u8(pt[ITO_A_PORT_HW]);
	}
	if (port_uses_xdp(offload, hw) && list->n < PORTS_MAX_DEVICES)
		list->ifindex[list->n++] = mnl_attr_get_u32(pt[ITO_A_PORT_IFINDEX]);
	return MNL_CB_OK;
}

int ports_refresh(struct ports *p, struct ito_nl *nl)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct port_list list = { .n = 0 };
	struct nlmsghdr *nlh;
	size_t i, j;
	int err;

	nlh = ito_nl_msg_start(buf, nl->family.id, ITO_CMD_PORT_GET,
			       ITO_FAMILY_VERSION, NLM_F_DUMP);
	err = ito_nl_talk(nl, nlh, port_cb, &list, NULL, 0);
	if (err)
		return err;
	p->n = 0;
	for (i = 0; i < list.n; i++) {
		uint32_t dev = lower_device(p, list.ifindex[i]);

		/* two VLAN ports on one device: one program */
		for (j = 0; j < p->n && p->dev[j] != dev; j++)
			;
		if (j == p->n)
			p->dev[p->n++] = dev;
	}
	return 0;
}
