// SPDX-License-Identifier: GPL-2.0
/* feed - the "xdp" group, the session dump, and reports on the request socket. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "feed.h"
#include "log.h"
#include "report.h"

int feed_open(struct feed *f, int rcvbuf, char *extack, size_t extack_len)
{
	int fd, err;

	err = ito_nl_open(&f->req, ITO_FAMILY_NAME, extack, extack_len);
	if (err)
		return err;
	err = ito_nl_open(&f->group, ITO_FAMILY_NAME, extack, extack_len);
	if (err)
		goto fail;
	fd = mnl_socket_get_fd(f->group.sock);
	/* root may exceed rmem_max; otherwise what we may */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		log_warn("cannot enlarge the group socket's buffer: %s",
			 strerror(errno));
	err = ito_nl_join_group(&f->group, ITO_MCGRP_XDP);
	if (err)
		goto fail;
	return 0;
fail:
	feed_close(f);
	return err;
}

void feed_close(struct feed *f)
{
	ito_nl_close(&f->group);
	ito_nl_close(&f->req);
}

int feed_fd(const struct feed *f)
{
	return f->group.sock ? mnl_socket_get_fd(f->group.sock) : -1;
}

struct flow_call {
	feed_flow_fn fn;
	void *data;
};

static int session_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct flow_call *call = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != ITO_CMD_XDP_SESSION)
		return MNL_CB_OK;
	err = ito_flow_parse_reply(nlh, call->fn, call->data);
	if (err == -EPROTO) {
		/* one bad message costs its session, not the feed */
		log_warn("a malformed session message: ignored");
		return MNL_CB_OK;
	}
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int feed_dump(struct feed *f, feed_flow_fn fn, void *data)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct flow_call call = { fn, data };
	struct nlmsghdr *nlh;

	nlh = ito_nl_msg_start(buf, f->req.family.id, ITO_CMD_XDP_SESSION,
			       ITO_FAMILY_VERSION, NLM_F_DUMP);
	return ito_nl_talk(&f->req, nlh, session_msg_cb, &call, NULL, 0);
}

int feed_input(struct feed *f, feed_flow_fn fn, void *data)
{
	struct flow_call call = { fn, data };
	ssize_t n;

	for (;;) {
		n = recv(mnl_socket_get_fd(f->group.sock), f->group.rx,
			 sizeof(f->group.rx), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		/* notifications: no sequence, no port id to match */
		if (mnl_cb_run(f->group.rx, (size_t)n, 0, 0, session_msg_cb,
			       &call) < 0)
			return -errno;
	}
}

static int report_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != ITO_CMD_XDP_REPORT)
		return MNL_CB_OK;
	err = report_parse_reply(data, nlh);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int feed_report_send(struct reporter *r, struct nlmsghdr *req, void *ctx)
{
	struct feed *f = ctx;
	char extack[256];
	int err;

	err = ito_nl_talk(&f->req, req, report_reply_cb, r, extack,
			  sizeof(extack));
	/* the caller says it, once per change; the kernel's words here */
	if (err && extack[0])
		log_debug("report refused: %s", extack);
	return err;
}
