// SPDX-License-Identifier: GPL-2.0
/*
 * ito_nl - generic netlink client on libmnl: socket, family resolution,
 * request/reply exchange with extended ack messages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ito_nl.h"

static void extack_clear(char *extack, size_t extack_len)
{
	if (extack && extack_len)
		extack[0] = '\0';
}

/* Kernel errors are negative errnos; never let a bogus sign look like success. */
static int errno_from_kernel(int error)
{
	return error > 0 ? -error : error;
}

struct nlmsghdr *ito_nl_msg_start(void *buf, uint16_t family_id, uint8_t cmd,
				  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct extack_parse {
	char *msg;
	size_t msg_len;
};

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct extack_parse *ctx = data;

	/* Newer kernels add TLVs (policy, missing attribute...): skip them. */
	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;	/* a broken message is no reason to lose the errno */
	if (ctx->msg && ctx->msg_len)
		snprintf(ctx->msg, ctx->msg_len, "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

int ito_nl_parse_ack(const struct nlmsghdr *nlh, char *extack,
		     size_t extack_len)
{
	struct extack_parse ctx = { .msg = extack, .msg_len = extack_len };
	const struct nlmsgerr *err;
	size_t payload_len, tlv_offset;

	extack_clear(extack, extack_len);
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EPROTO;
	err = mnl_nlmsg_get_payload(nlh);
	payload_len = mnl_nlmsg_get_payload_len(nlh);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return errno_from_kernel(err->error);

	/*
	 * The TLVs follow the echoed request: only its header when the kernel
	 * capped it (NETLINK_CAP_ACK), the whole request otherwise.
	 */
	tlv_offset = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return errno_from_kernel(err->error);
		tlv_offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	tlv_offset = MNL_ALIGN(tlv_offset);
	if (tlv_offset <= payload_len)
		mnl_attr_parse(nlh, tlv_offset, extack_attr_cb, &ctx);
	return errno_from_kernel(err->error);
}

struct run_ctx {
	mnl_cb_t cb;
	void *data;
	int err;
	char *extack;
	size_t extack_len;
};

static int run_data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *ctx = arg;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int run_error_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *ctx = arg;

	ctx->err = ito_nl_parse_ack(nlh, ctx->extack, ctx->extack_len);
	return ctx->err ? MNL_CB_ERROR : MNL_CB_STOP;
}

/*
 * A dump ends with NLMSG_DONE, whose payload is the dump's errno: a dump
 * that failed part way says so there, followed by the extack TLVs.
 */
static int run_done_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *ctx = arg;
	struct extack_parse ext = { .msg = ctx->extack,
				    .msg_len = ctx->extack_len };
	int error = 0;

	extack_clear(ctx->extack, ctx->extack_len);
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, MNL_ALIGN(sizeof(error)), extack_attr_cb,
			       &ext);
	ctx->err = errno_from_kernel(error);
	return ctx->err ? MNL_CB_ERROR : MNL_CB_STOP;
}

int ito_nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       mnl_cb_t cb, void *data, char *extack, size_t extack_len)
{
	/* libmnl ignores control types whose slot is NULL: fill those we need. */
	mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = run_error_cb,
		[NLMSG_DONE] = run_done_cb,
	};
	struct run_ctx ctx = {
		.cb = cb,
		.data = data,
		.extack = extack,
		.extack_len = extack_len,
	};
	int ret;

	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, portid, run_data_cb, &ctx,
			  ctl_cbs, NLMSG_MIN_TYPE);
	if (ret < 0) {
		if (ctx.err)
			return ctx.err;
		return errno ? -errno : -EPROTO;
	}
	return ret > 0 ? 1 : 0;
}

int ito_nl_talk(struct ito_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		void *data, char *extack, size_t extack_len)
{
	ssize_t n;
	int ret;

	extack_clear(extack, extack_len);
	/* Without an ack a request that has no reply would leave us waiting. */
	req->nlmsg_flags |= NLM_F_ACK;
	req->nlmsg_seq = ++nl->seq;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;

	do {
		n = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = ito_nl_run(nl->rx, n, req->nlmsg_seq, nl->portid,
				 cb, data, extack, extack_len);
	} while (ret > 0);

	return ret;
}

struct ito_nl_tb {
	const struct nlattr **tb;
	unsigned int max;
};

static int ito_nl_tb_cb(const struct nlattr *attr, void *data)
{
	const struct ito_nl_tb *t = data;

	/* beyond max: a newer kernel's attribute, not ours to read */
	if (mnl_attr_type_valid(attr, t->max) < 0)
		return MNL_CB_OK;
	t->tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

int ito_nl_parse_top(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max)
{
	struct ito_nl_tb t = { tb, max };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EPROTO;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ito_nl_tb_cb, &t) < 0)
		return -EPROTO;
	return 0;
}

int ito_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	struct ito_nl_tb t = { tb, max };

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, ito_nl_tb_cb, &t) < 0)
		return -EPROTO;
	return 0;
}

int ito_nl_store_uint(const struct nlattr *attr, const struct ito_nl_slot *slot,
		      void *obj)
{
	static const enum mnl_attr_data_type types[] = {
		[ITO_NL_U8] = MNL_TYPE_U8, [ITO_NL_U16] = MNL_TYPE_U16,
		[ITO_NL_U32] = MNL_TYPE_U32, [ITO_NL_U64] = MNL_TYPE_U64,
	};
	char *field = (char *)obj + slot->offset;

	if (slot->kind < ITO_NL_U8 || slot->kind > ITO_NL_U64 ||
	    mnl_attr_validate(attr, types[slot->kind]) < 0)
		return -EPROTO;
	switch (slot->kind) {
	case ITO_NL_U8:
		*(uint8_t *)field = mnl_attr_get_u8(attr);
		break;
	case ITO_NL_U16:
		*(uint16_t *)field = mnl_attr_get_u16(attr);
		break;
	case ITO_NL_U32:
		*(uint32_t *)field = mnl_attr_get_u32(attr);
		break;
	default:
		*(uint64_t *)field = mnl_attr_get_u64(attr);
		break;
	}
	return 0;
}

struct ito_nl_slots {
	const struct ito_nl_slot *slots;
	unsigned int max;
	void *obj;
	uint32_t *present;
	uint8_t *addr_len;
};

static int ito_nl_slot_cb(const struct nlattr *attr, void *data)
{
	const struct ito_nl_slots *s = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);
	const struct ito_nl_slot *slot;

	if (mnl_attr_type_valid(attr, s->max) < 0)
		return MNL_CB_OK;	/* a newer kernel's */
	slot = &s->slots[type];

	switch (slot->kind) {
	case ITO_NL_SKIP:
		return MNL_CB_OK;
	case ITO_NL_ADDR:
		/* the addresses of one object are all of one family */
		if ((len != 4 && len != 16) ||
		    (*s->addr_len && len != *s->addr_len))
			return MNL_CB_ERROR;
		*s->addr_len = len;
		memcpy((char *)s->obj + slot->offset,
		       mnl_attr_get_payload(attr), len);
		break;
	case ITO_NL_MAC:
		if (len != 6)
			return MNL_CB_ERROR;
		memcpy((char *)s->obj + slot->offset,
		       mnl_attr_get_payload(attr), len);
		break;
	default:
		if (ito_nl_store_uint(attr, slot, s->obj))
			return MNL_CB_ERROR;
		break;
	}
	*s->present |= 1u << type;
	return MNL_CB_OK;
}

int ito_nl_parse_slots(const struct nlattr *nest, const struct ito_nl_slot *slots,
		       unsigned int max, void *obj, uint32_t *present,
		       uint8_t *addr_len)
{
	struct ito_nl_slots s = { slots, max, obj, present, addr_len };

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, ito_nl_slot_cb, &s) < 0)
		return -EPROTO;
	return 0;
}

static int parse_family_groups(const struct nlattr *nest,
			       struct ito_nl_family *fam)
{
	const struct nlattr *group;

	mnl_attr_for_each_nested(group, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};
		struct ito_nl_group *g;

		if (ito_nl_parse_nested(group, tb, CTRL_ATTR_MCAST_GRP_MAX))
			return -EPROTO;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID],
				      MNL_TYPE_U32) < 0)
			return -EPROTO;
		if (fam->n_groups == ITO_NL_MAX_GROUPS)
			break;
		g = &fam->groups[fam->n_groups++];
		snprintf(g->name, sizeof(g->name), "%s",
			 mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
		g->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int ito_nl_parse_family(const struct nlmsghdr *nlh, struct ito_nl_family *fam)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};

	memset(fam, 0, sizeof(*fam));
	if (ito_nl_parse_top(nlh, tb, CTRL_ATTR_MAX))
		return -EPROTO;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EPROTO;
	fam->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);

	if (tb[CTRL_ATTR_VERSION] &&
	    mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32) == 0)
		fam->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);

	if (tb[CTRL_ATTR_MCAST_GROUPS])
		return parse_family_groups(tb[CTRL_ATTR_MCAST_GROUPS], fam);
	return 0;
}

static int family_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = ito_nl_parse_family(nlh, data);

	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int resolve_family(struct ito_nl *nl, const char *family,
			  char *extack, size_t extack_len)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh;
	int err;

	nlh = ito_nl_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);

	memset(&nl->family, 0, sizeof(nl->family));
	err = ito_nl_talk(nl, nlh, family_reply_cb, &nl->family,
			  extack, extack_len);
	if (!err && !nl->family.id)
		err = -EPROTO;	/* acked without telling the id */
	return err;
}

int ito_nl_open(struct ito_nl *nl, const char *family,
		char *extack, size_t extack_len)
{
	int one = 1;
	int err;

	extack_clear(extack, extack_len);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err_close;
	}
	/*
	 * Best effort: kernels without these options still work, they just
	 * do not explain their errors.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));

	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);

	err = resolve_family(nl, family, extack, extack_len);
	if (err)
		goto err_close;
	return 0;

err_close:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return err;
}

void ito_nl_close(struct ito_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int ito_nl_join_group(struct ito_nl *nl, const char *group)
{
	unsigned int i;

	for (i = 0; i < nl->family.n_groups; i++) {
		uint32_t id = nl->family.groups[i].id;

		if (strcmp(nl->family.groups[i].name, group))
			continue;
		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
					  &id, sizeof(id)) < 0)
			return -errno;
		return 0;
	}
	return -ENOENT;
}
