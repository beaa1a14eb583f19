/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: netlink messages as the kernel would send them. */
#ifndef ITO_TESTS_NLBUILD_H
#define ITO_TESTS_NLBUILD_H

#include <stdbool.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ito.h>
#include <linux/netlink.h>

#define TEST_SEQ	1234
#define TEST_PORTID	4321
#define TEST_FAMILY	0x1d

/* A 4-byte aligned buffer for several messages. */
typedef uint32_t nlbuf_t[16384 / sizeof(uint32_t)];

/* Where the message after @nlh starts. */
static inline void *nl_next(struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_tail(nlh);
}

static inline size_t nl_len_upto(const void *start, const void *end)
{
	return (const char *)end - (const char *)start;
}

/* A generic netlink reply header; attributes follow with mnl_attr_put*(). */
static inline struct nlmsghdr *genl_reply_start(void *buf, uint16_t type,
						uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = TEST_SEQ;
	nlh->nlmsg_pid = TEST_PORTID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

/* One ITO_A_COUNTERS_ENTRY of a COUNTERS_GET reply; @name may be NULL. */
static inline void put_counter_entry(struct nlmsghdr *nlh, uint32_t id,
				     const char *name, uint64_t value)
{
	struct nlattr *entry = mnl_attr_nest_start(nlh, ITO_A_COUNTERS_ENTRY);

	mnl_attr_put_u32(nlh, ITO_A_COUNTER_ID, id);
	if (name)
		mnl_attr_put_strz(nlh, ITO_A_COUNTER_NAME, name);
	mnl_attr_put_u64(nlh, ITO_A_COUNTER_VALUE, value);
	mnl_attr_nest_end(nlh, entry);
}

/*
 * An mnl_attr_parse*() callback appending each attribute to the
 * NULL-terminated array @data (with room for all of them and the NULL).
 */
static inline int collect_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **seen = data;
	size_t i;

	for (i = 0; seen[i]; i++)
		;
	seen[i] = attr;
	return MNL_CB_OK;
}

/*
 * An NLMSG_ERROR answering @req: @capped echoes only its header (as with
 * NETLINK_CAP_ACK), otherwise the whole request; @msg (may be NULL) goes in
 * an NLMSGERR_ATTR_MSG TLV.
 */
static inline struct nlmsghdr *nl_error_put(void *buf, int error,
					    const struct nlmsghdr *req,
					    bool capped, const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t echo = capped ? sizeof(*req) : req->nlmsg_len;
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = TEST_SEQ;
	nlh->nlmsg_pid = TEST_PORTID;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	err = mnl_nlmsg_put_extra_header(nlh,
			sizeof(*err) - sizeof(*req) + echo);
	err->error = error;
	memcpy(&err->msg, req, echo);
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		/* A TLV from a newer kernel first: it must be skipped. */
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MAX + 1, 7);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh;
}

#endif /* ITO_TESTS_NLBUILD_H */
