// SPDX-License-Identifier: GPL-2.0
/*
 * ito_agent - the agent API of libito: register, receive packet copies,
 * send verdicts in batches, unregister.
 *
 * Two sockets, as itod has (itod/agent.h): "copies" is the registered one
 * and only receives; "req" carries the verdict requests, so that waiting
 * for a verdict's ack never has to read past (or drop) copies arriving in
 * between.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "ito_nl.h"
#include "ito_verdict.h"
#include "libito.h"

#define AGENT_EXTACK_LEN	256
/* A copy is up to 64 KiB of packet plus its attributes. */
#define AGENT_RX_LEN		(128 << 10)
/* Copies come in bursts: room for thousands before any is lost. */
#define AGENT_RCVBUF		(4 << 20)

struct ito_agent {
	struct ito_nl copies, req;
	struct ito_flow_verdict queue[ITO_VERDICT_BATCH];
	size_t n_queued;
	char extack[AGENT_EXTACK_LEN];
	uint32_t rx[AGENT_RX_LEN / sizeof(uint32_t)];	/* aligned for nlmsghdr */
};

/* A bodiless request with an ack on @nl: register, unregister. */
static int agent_simple(struct ito_agent *a, struct ito_nl *nl, uint8_t cmd)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh;

	nlh = ito_nl_msg_start(buf, nl->family.id, cmd, ITO_FAMILY_VERSION, 0);
	/* no callback: copies read while waiting (unregister) are dropped */
	return ito_nl_talk(nl, nlh, NULL, NULL, a->extack, sizeof(a->extack));
}

/* Root may go past rmem_max; others get what they may, which is fine. */
static void agent_rcvbuf(struct ito_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int size = AGENT_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int ito_agent_open(struct ito_agent **agent)
{
	struct ito_agent *a = calloc(1, sizeof(*a));
	int err;

	*agent = NULL;
	if (!a)
		return -ENOMEM;
	err = ito_nl_open(&a->req, ITO_FAMILY_NAME, a->extack,
			  sizeof(a->extack));
	if (!err)
		err = ito_nl_open(&a->copies, ITO_FAMILY_NAME, a->extack,
				  sizeof(a->extack));
	if (!err) {
		agent_rcvbuf(&a->copies);
		err = agent_simple(a, &a->copies, ITO_CMD_AGENT_REGISTER);
	}
	if (err) {
		ito_nl_close(&a->copies);
		ito_nl_close(&a->req);
		free(a);
		return err;
	}
	*agent = a;
	return 0;
}

int ito_agent_fd(const struct ito_agent *agent)
{
	return mnl_socket_get_fd(agent->copies.sock);
}

/* Each ITO_CMD_PACKET of one datagram to @fn; other messages are skipped. */
static int agent_dispatch(struct ito_agent *a, size_t len, ito_packet_fn fn,
			  void *data)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)a->rx;
	const struct genlmsghdr *genl;
	int rest = (int)len, copies = 0, ret;
	struct ito_packet pkt;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nlh->nlmsg_type != a->copies.family.id ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
			continue;
		genl = mnl_nlmsg_get_payload(nlh);
		/* a malformed copy is skipped: its flow's next one may do */
		if (genl->cmd != ITO_CMD_PACKET || ito_packet_parse(nlh, &pkt))
			continue;
		copies++;
		ret = fn(&pkt, data);
		if (ret)
			return ret;
	}
	return copies;
}

int ito_agent_recv(struct ito_agent *agent, ito_packet_fn fn, void *data,
		   bool nonblock)
{
	ssize_t n;

	/* -EINTR goes back to the caller: its signal handler may want out */
	n = recv(ito_agent_fd(agent), agent->rx, sizeof(agent->rx),
		 nonblock ? MSG_DONTWAIT : 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return agent_dispatch(agent, (size_t)n, fn, data);
}

/* The kernel's message of the last failure, for ito_agent_error(). */
static void agent_sent(const struct ito_flow_verdict *v, size_t n, int err,
		       const char *extack, void *data)
{
	struct ito_agent *a = data;

	(void)v;
	(void)n;
	if (err && err != -ENOENT)
		snprintf(a->extack, sizeof(a->extack), "%s", extack);
}

int ito_agent_flush(struct ito_agent *agent)
{
	size_t n = agent->n_queued;

	agent->n_queued = 0;
	agent->extack[0] = '\0';
	return ito_verdict_send(&agent->req, agent->queue, n, agent_sent, agent);
}

int ito_agent_verdict(struct ito_agent *agent, uint64_t flow_id,
		      uint32_t verdict)
{
	agent->queue[agent->n_queued++] = (struct ito_flow_verdict){
		.flow_id = flow_id,
		.verdict = verdict,
	};
	if (agent->n_queued == ITO_VERDICT_BATCH)
		return ito_agent_flush(agent);
	return 0;
}

const char *ito_agent_error(const struct ito_agent *agent)
{
	return agent->extack;
}

int ito_agent_close(struct ito_agent *agent)
{
	int err, unreg;

	if (!agent)
		return 0;
	err = ito_agent_flush(agent);
	/* closing the socket unregisters too; asking says whether it went well */
	unreg = agent_simple(agent, &agent->copies, ITO_CMD_AGENT_UNREGISTER);
	ito_nl_close(&agent->copies);
	ito_nl_close(&agent->req);
	free(agent);
	return err ? err : unreg;
}
