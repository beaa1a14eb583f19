/* SPDX-License-Identifier: GPL-2.0 */
/*
 * feed - the kernel's side of the conversation: the "xdp" group's
 * ITO_CMD_XDP_SESSION messages, the dump that lists every session to hold,
 * and the request socket that carries dumps, reports and port lists.
 *
 * The group is joined before the dump: a session that starts or ends while
 * the dump runs is in the group's queue after it, so nothing falls in
 * between (installs are idempotent, a repeat costs nothing).
 */
#ifndef XDPD_FEED_H
#define XDPD_FEED_H

#include "ito_flow.h"
#include "ito_nl.h"

struct reporter;

typedef int (*feed_flow_fn)(const struct ito_flow *flow, void *data);

struct feed {
	struct ito_nl group;	/* in ITO_MCGRP_XDP */
	struct ito_nl req;
	/* big: a burst of announcements must not overrun it */
	int rcvbuf;
};

/* Open both sockets and join the group: 0 or -errno (-ENOENT: no module). */
int feed_open(struct feed *f, int rcvbuf, char *extack, size_t extack_len);
void feed_close(struct feed *f);
int feed_fd(const struct feed *f);

/* Dump ITO_CMD_XDP_SESSION: @fn for each session. 0 or -errno. */
int feed_dump(struct feed *f, feed_flow_fn fn, void *data);

/*
 * Read what the group sent, @fn for each flow. 0 when drained, -ENOBUFS
 * when the socket overran (messages were lost: resync), other -errno.
 */
int feed_input(struct feed *f, feed_flow_fn fn, void *data);

/* A reporter's send function: @ctx is the feed. */
int feed_report_send(struct reporter *r, struct nlmsghdr *req, void *ctx);

#endif /* XDPD_FEED_H */
