// SPDX-License-Identifier: GPL-2.0
/* agent - registration, packet copies, dumps, verdicts, module reloads. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "agent.h"
#include "log.h"

#define EXTACK_LEN	256

static uint32_t secs(uint64_t ms)
{
	return (uint32_t)(ms / 1000);
}

/* Large receive buffers: root may exceed rmem_max, others get what they may. */
static void set_rcvbuf(const struct agent *a, struct ito_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int size = a->rcvbuf;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		log_warn("cannot enlarge a socket's receive buffer: %s",
			 strerror(errno));
}

static void close_ito_sockets(struct agent *a)
{
	ito_nl_close(&a->copies);
	ito_nl_close(&a->req);
	ito_nl_close(&a->events);
	a->holding = false;
}

/* Log why we are down, once per cause; then retry with a growing delay. */
static void go_down(struct agent *a, uint64_t now, int err, const char *why)
{
	close_ito_sockets(a);
	a->state = AGENT_DOWN;
	a->n_queued = 0;	/* verdicts for an instance that is gone */
	a->redump_at = 0;	/* registering again dumps anyway */
	if (err != a->down_err) {
		if (err == -ENOENT)
			log_warn("ito module not loaded: waiting for it");
		else
			log_err("%s; retrying", why);
		a->down_err = err;
	}
	a->retry_delay = a->retry_delay ?
		a->retry_delay * 2 : AGENT_RETRY_MIN_MS;
	if (a->retry_delay > AGENT_RETRY_MAX_MS)
		a->retry_delay = AGENT_RETRY_MAX_MS;
	a->retry_at = now + a->retry_delay;
}

/* The module went away or came back as another instance: flow ids restart. */
static void instance_gone(struct agent *a, uint64_t now, const char *why)
{
	if (a->state != AGENT_DOWN)
		log_warn("%s: agent connection lost", why);
	decide_reset(a->decider);
	a->no_app = false;	/* the next module may take them */
	close_ito_sockets(a);
	a->state = AGENT_DOWN;
	a->n_queued = 0;
	a->down_err = 0;
	a->retry_delay = 0;
	a->retry_at = now;
}

static int send_simple(struct agent *a, struct ito_nl *nl, uint8_t cmd,
		       uint32_t *seq)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh = msg_build_simple(buf, a->family_id, cmd);

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = *seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/*
 * Open the ito sockets and send AGENT_REGISTER without waiting: its ack
 * arrives on the copies socket, possibly after the first copies.
 */
static void connect_agent(struct agent *a, uint64_t now)
{
	char extack[EXTACK_LEN], why[EXTACK_LEN + 64];
	int err;

	err = ito_nl_open(&a->req, ITO_FAMILY_NAME, extack, sizeof(extack));
	if (!err)
		err = ito_nl_open(&a->copies, ITO_FAMILY_NAME, extack,
				  sizeof(extack));
	if (err) {
		snprintf(why, sizeof(why), "cannot open the ito family: %s%s%s",
			 strerror(-err), extack[0] ? ": " : "", extack);
		go_down(a, now, err, why);
		return;
	}
	a->family_id = a->req.family.id;
	set_rcvbuf(a, &a->copies);

	if (ito_nl_open(&a->events, ITO_FAMILY_NAME, NULL, 0) == 0) {
		set_rcvbuf(a, &a->events);
		/* only ends matter; a module without that group sends all */
		err = ito_nl_join_group(&a->events, ITO_MCGRP_ENDS);
		if (err == -ENOENT)
			err = ito_nl_join_group(&a->events, ITO_MCGRP_EVENTS);
		if (err) {
			log_warn("cannot join the \"%s\" group (%s): ended flows will be forgotten by age",
				 ITO_MCGRP_ENDS, strerror(-err));
			ito_nl_close(&a->events);
		}
	}

	err = send_simple(a, &a->copies, ITO_CMD_AGENT_REGISTER,
			  &a->register_seq);
	if (err) {
		snprintf(why, sizeof(why), "cannot register: %s",
			 strerror(-err));
		go_down(a, now, err, why);
		return;
	}
	a->state = AGENT_REGISTERING;
	a->ack_deadline = now + AGENT_ACK_TIMEOUT_MS;
}

static int queue_verdict(struct agent *a, const struct ito_flow_verdict *v)
{
	if (a->n_queued == a->queue_cap) {
		size_t cap = a->queue_cap ? a->queue_cap * 2 : 256;
		struct ito_flow_verdict *q = realloc(a->queue, cap * sizeof(*q));

		if (!q) {
			log_err("out of memory: verdict for flow %" PRIu64 " dropped",
				v->flow_id);
			return -ENOMEM;
		}
		a->queue = q;
		a->queue_cap = cap;
	}
	a->queue[a->n_queued++] = *v;
	return 0;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct agent *a = data;
	struct ito_flow_verdict v;
	struct msg_flow flow;

	if (msg_parse_flow(nlh, &flow)) {
		a->stats.bad_messages++;
		return MNL_CB_OK;
	}
	if (decide_flow(a->decider, &flow, secs(a->dump_now), &v))
		queue_verdict(a, &v);
	return MNL_CB_OK;
}

/*
 * Learn the flows that started before us (or while the module had no
 * agent), or whose copies were lost (@why).
 */
static void dump_flows(struct agent *a, uint64_t now, const char *why)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	char extack[EXTACK_LEN];
	size_t before = a->n_queued;
	int err;

	a->dump_now = now;
	a->dumped_at = now;
	a->redump_at = 0;
	err = ito_nl_talk(&a->req, msg_build_flow_dump(buf, a->family_id),
			  dump_cb, a, extack, sizeof(extack));
	if (err)
		log_warn("flow dump failed: %s%s%s", strerror(-err),
			 extack[0] ? ": " : "", extack);
	else
		log_info("flow dump%s: %zu flows awaiting a verdict", why,
			 a->n_queued - before);
}

static void registered(struct agent *a, uint64_t now)
{
	a->state = AGENT_UP;
	a->down_err = 0;
	a->retry_delay = 0;
	a->stats.registrations++;
	a->check_at = now + AGENT_CHECK_MS;
	log_info("registered as the ito agent (family id %u)", a->family_id);
	dump_flows(a, now, "");
}

static void handle_ack(struct agent *a, const struct nlmsghdr *nlh,
		       uint64_t now)
{
	char extack[EXTACK_LEN], why[EXTACK_LEN + 64];
	int err = ito_nl_parse_ack(nlh, extack, sizeof(extack));

	if (a->state != AGENT_REGISTERING || nlh->nlmsg_seq != a->register_seq) {
		log_debug("unexpected ack, seq %u: %s", nlh->nlmsg_seq,
			  strerror(-err));
		return;
	}
	if (!err) {
		registered(a, now);
		return;
	}
	if (err == -EBUSY)
		snprintf(why, sizeof(why), "another agent is registered%s%s",
			 extack[0] ? ": " : "", extack);
	else
		snprintf(why, sizeof(why), "registration refused: %s%s%s",
			 strerror(-err), extack[0] ? ": " : "", extack);
	go_down(a, now, err, why);
}

static void handle_packet(struct agent *a, const struct nlmsghdr *nlh,
			  uint64_t now)
{
	struct msg_packet pkt;
	struct ito_flow_verdict v;

	if (msg_parse_packet(nlh, &pkt)) {
		a->stats.bad_messages++;
		log_debug("malformed packet copy ignored");
		return;
	}
	if (decide_packet_at(a->decider, &pkt, now, &v))
		queue_verdict(a, &v);
}

static void handle_event(struct agent *a, const struct nlmsghdr *nlh)
{
	struct msg_flow flow;

	if (msg_parse_flow(nlh, &flow)) {
		a->stats.bad_messages++;
		return;
	}
	if (flow.event == ITO_FLOW_EVENT_END)
		decide_forget(a->decider, flow.flow_id);
}

static void handle_ctrl(struct agent *a, const struct nlmsghdr *nlh,
			uint64_t now)
{
	char name[ITO_NL_NAME_LEN];
	uint16_t id;
	uint8_t cmd;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    msg_parse_ctrl(nlh, &cmd, name, sizeof(name), &id) ||
	    strcmp(name, ITO_FAMILY_NAME))
		return;
	if (cmd == CTRL_CMD_DELFAMILY) {
		instance_gone(a, now, "ito module unloaded");
		/* Knocking is pointless until NEWFAMILY: poll slowly. */
		a->retry_delay = AGENT_RETRY_MAX_MS;
		a->retry_at = now + AGENT_RETRY_MAX_MS;
		a->down_err = -ENOENT;	/* said so already */
	} else if (cmd == CTRL_CMD_NEWFAMILY) {
		if (a->state != AGENT_DOWN && id == a->family_id)
			return;
		log_info("ito module loaded (family id %u)", id);
		instance_gone(a, now, "ito module reloaded");
	}
}

/* Walk every message of one datagram; returns how many there were. */
static unsigned int dispatch(struct agent *a, enum agent_fd which,
			     const void *buf, size_t len, uint64_t now)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;
	unsigned int n = 0;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		n++;
		if (which == AGENT_FD_CTRL)
			handle_ctrl(a, nlh, now);
		else if (nlh->nlmsg_type == NLMSG_ERROR) {
			if (which == AGENT_FD_COPIES)
				handle_ack(a, nlh, now);
		} else if (nlh->nlmsg_type == a->family_id &&
			   a->state != AGENT_DOWN && !a->stopping) {
			int cmd = msg_genl_cmd(nlh);

			if (which == AGENT_FD_COPIES && cmd == ITO_CMD_PACKET)
				handle_packet(a, nlh, now);
			else if (which == AGENT_FD_EVENTS &&
				 cmd == ITO_CMD_FLOW_NTF)
				handle_event(a, nlh);
		}
		if (a->state == AGENT_DOWN && which != AGENT_FD_CTRL)
			break;	/* its socket is closed now */
	}
	return n;
}

static struct ito_nl *socket_of(struct agent *a, enum agent_fd which)
{
	switch (which) {
	case AGENT_FD_CTRL:
		return &a->ctrl;
	case AGENT_FD_COPIES:
		return &a->copies;
	case AGENT_FD_EVENTS:
		return &a->events;
	default:
		return NULL;
	}
}

int agent_fd(const struct agent *a, enum agent_fd which)
{
	const struct ito_nl *nl = socket_of((struct agent *)a, which);

	if ((which == AGENT_FD_COPIES || which == AGENT_FD_EVENTS) &&
	    a->holding)
		return -1;
	return nl && nl->sock ? mnl_socket_get_fd(nl->sock) : -1;
}

static void overrun(struct agent *a, enum agent_fd which, uint64_t now)
{
	if (which == AGENT_FD_CTRL) {
		/* A lost notification: find out ourselves, now. */
		a->check_at = now;
		return;
	}
	if (which == AGENT_FD_EVENTS) {
		a->stats.events_overruns++;
		return;
	}
	a->stats.copies_overruns++;
	/* after the copies queued before the loss, and not too often */
	if (!a->redump_at) {
		a->redump_at = now + AGENT_REDUMP_DELAY_MS;
		if (a->dumped_at && a->redump_at < a->dumped_at + AGENT_REDUMP_MS)
			a->redump_at = a->dumped_at + AGENT_REDUMP_MS;
	}
	if (a->overrun_warned_at && now - a->overrun_warned_at < AGENT_WARN_MS)
		return;
	a->overrun_warned_at = now;
	log_warn("packet copies lost: receive buffer overrun (%" PRIu64 " times so far)",
		 a->stats.copies_overruns);
}

/* Many copies or events were read: let the next ones gather (agent.h). */
static void hold_input(struct agent *a, uint64_t now)
{
	if (a->state == AGENT_DOWN)
		return;
	a->holding = true;
	a->hold_until = now + AGENT_HOLD_MS;
}

/* Slot by slot: a copy may be as large as a slot. */
static void rx_slots(struct agent *a, struct mmsghdr *msgs,
		     struct iovec *iov)
{
	int i;

	for (i = 0; i < AGENT_RX_SLOTS; i++) {
		iov[i] = (struct iovec){ a->rx[i], sizeof(a->rx[i]) };
		msgs[i] = (struct mmsghdr){
			.msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 },
		};
	}
}

/*
 * Read what is there, a bounded number of datagrams so signals get a turn;
 * AGENT_RX_SLOTS to a syscall, since a burst is many small datagrams.
 */
void agent_input(struct agent *a, enum agent_fd which, uint64_t now)
{
	struct mmsghdr msgs[AGENT_RX_SLOTS];
	struct iovec iov[AGENT_RX_SLOTS];
	unsigned int messages = 0;
	int done = 0, i, n;

	while (done < AGENT_INPUT_MAX) {
		struct ito_nl *nl = socket_of(a, which);

		if (!nl || !nl->sock)
			return;
		rx_slots(a, msgs, iov);
		n = recvmmsg(mnl_socket_get_fd(nl->sock), msgs, AGENT_RX_SLOTS,
			     MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				overrun(a, which, now);
				continue;
			}
			log_err("receive: %s", strerror(errno));
			if (which == AGENT_FD_CTRL)
				ito_nl_close(&a->ctrl);	/* polling still works */
			else
				instance_gone(a, now, "socket error");
			return;
		}
		for (i = 0; i < n; i++) {
			messages += dispatch(a, which, a->rx[i],
					     msgs[i].msg_len, now);
			if (!nl->sock)
				return;	/* closed by what it read */
		}
		done += n;
		/* Fewer than asked: drained (or an error, told next call). */
		if (n < AGENT_RX_SLOTS)
			break;
	}
	/*
	 * Busy: more now would come one by one. A lone copy is a light load,
	 * answered at once, without the hold's delay. Not a higher
	 * bar: the kernel's batches are small when its softirq is slow, and
	 * reads of a few copies each cost a verdict request each.
	 */
	if (which != AGENT_FD_CTRL &&
	    (messages >= AGENT_HOLD_AFTER || done >= AGENT_INPUT_MAX))
		hold_input(a, now);
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ito_nl_family *fam = data;

	return ito_nl_parse_family(nlh, fam) ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Is the family we registered with still there, with the same id? */
static void check_family(struct agent *a, uint64_t now)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct ito_nl_family fam = { 0 };
	struct nlmsghdr *nlh;
	int err;

	a->check_at = now + AGENT_CHECK_MS;
	nlh = ito_nl_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ITO_FAMILY_NAME);
	err = ito_nl_talk(&a->req, nlh, family_cb, &fam, NULL, 0);
	if (err == -ENOENT)
		instance_gone(a, now, "ito module unloaded");
	else if (!err && fam.id != a->family_id)
		instance_gone(a, now, "ito module reloaded");
	else if (err)
		log_debug("family check: %s", strerror(-err));
}

int agent_init(struct agent *a, struct decider *d, int rcvbuf, uint64_t now)
{
	char extack[EXTACK_LEN];
	int err;

	a->decider = d;
	a->rcvbuf = rcvbuf ? rcvbuf : AGENT_RCVBUF;
	a->state = AGENT_DOWN;
	a->retry_at = now;
	a->expire_at = now + AGENT_EXPIRE_MS;

	err = ito_nl_open(&a->ctrl, "nlctrl", extack, sizeof(extack));
	if (!err) {
		err = ito_nl_join_group(&a->ctrl, "notify");
		if (err)
			ito_nl_close(&a->ctrl);
	}
	if (err)
		log_warn("no module load/unload notifications (%s): polling instead",
			 strerror(-err));
	return 0;
}

/* Flows whose classification ran out of time get their verdict now. */
static void decide_timeouts(struct agent *a, uint64_t now)
{
	struct ito_flow_verdict v;

	while (decide_timeout(a->decider, now, &v))
		if (a->state == AGENT_UP)
			queue_verdict(a, &v);
}

int agent_next_timeout(const struct agent *a, uint64_t now, int max)
{
	uint64_t next = a->expire_at;

	if (a->state == AGENT_DOWN && a->retry_at < next)
		next = a->retry_at;
	if (a->state == AGENT_REGISTERING && a->ack_deadline < next)
		next = a->ack_deadline;
	if (a->state == AGENT_UP && a->check_at < next)
		next = a->check_at;
	if (a->state == AGENT_UP && a->redump_at && a->redump_at < next)
		next = a->redump_at;
	if (a->holding && a->hold_until < next)
		next = a->hold_until;
	if (decide_next_timeout(a->decider) &&
	    decide_next_timeout(a->decider) < next)
		next = decide_next_timeout(a->decider);
	if (declog_due(&a->decider->log) &&
	    declog_due(&a->decider->log) * 1000ULL < next)
		next = declog_due(&a->decider->log) * 1000ULL;
	if (next <= now)
		return 0;
	return next - now < (uint64_t)max ? (int)(next - now) : max;
}

void agent_timer(struct agent *a, uint64_t now)
{
	if (now >= a->expire_at) {
		a->expire_at = now + AGENT_EXPIRE_MS;
		decide_expire(a->decider, secs(now));
	}
	declog_tick(&a->decider->log, secs(now));
	decide_timeouts(a, now);
	if (a->holding && now >= a->hold_until)
		a->holding = false;
	switch (a->state) {
	case AGENT_DOWN:
		if (now >= a->retry_at)
			connect_agent(a, now);
		break;
	case AGENT_REGISTERING:
		if (now >= a->ack_deadline)
			go_down(a, now, -ETIMEDOUT,
				"no answer to the agent registration");
		break;
	case AGENT_UP:
		if (now >= a->check_at)
			check_family(a, now);
		if (a->redump_at && now >= a->redump_at) {
			a->stats.redumps++;
			dump_flows(a, now, " after lost copies");
		}
		break;
	}
}

static void verdict_error(struct agent *a, const struct ito_flow_verdict *v,
			  int err, const char *extack)
{
	if (err == -ENOENT) {
		a->stats.verdicts_gone++;
		log_debug("flow %" PRIu64 " ended before its verdict", v->flow_id);
		return;
	}
	a->stats.verdicts_failed++;
	log_warn("verdict %s for flow %" PRIu64 " refused: %s%s%s",
		 ito_verdict_name(v->verdict), v->flow_id, strerror(-err),
		 extack[0] ? ": " : "", extack);
}

/* Each verdict request's outcome, into the stats and the log. */
static void verdicts_done(const struct ito_flow_verdict *v, size_t n, int err,
			  const char *extack, void *data)
{
	struct agent *a = data;
	size_t i;

	a->stats.verdict_requests++;
	/* An older module refuses the attribute: agent_flush() sends again. */
	if (err == -EINVAL && !a->no_app)
		for (i = 0; i < n; i++)
			if (v[i].app[0]) {
				a->app_refused = true;
				return;
			}
	if (!err) {
		a->stats.verdicts_sent += n;
	} else if (n == 1) {
		verdict_error(a, v, err, extack);
	} else if (err != -ENOENT) {
		/* Not a vanished flow: the whole batch shares the fate. */
		log_warn("verdict batch of %zu refused: %s%s%s", n,
			 strerror(-err), extack[0] ? ": " : "", extack);
		a->stats.verdicts_failed += n;
	}
	/* a batch stopped at an ended flow is sent again one by one */
}

static void strip_apps(struct agent *a)
{
	size_t i;

	for (i = 0; i < a->n_queued; i++)
		a->queue[i].app[0] = '\0';
}

void agent_flush(struct agent *a)
{
	if (a->state != AGENT_UP && a->state != AGENT_REGISTERING) {
		a->n_queued = 0;
		return;
	}
	if (a->no_app)
		strip_apps(a);
	ito_verdict_send(&a->req, a->queue, a->n_queued, verdicts_done, a);
	if (a->app_refused) {
		/* Verdicts applied before the refusal are applied again: a no-op. */
		log_warn("the ito module does not take application names (ITO_A_FLOW_APP): verdicts go without them");
		a->app_refused = false;
		a->no_app = true;
		strip_apps(a);
		ito_verdict_send(&a->req, a->queue, a->n_queued, verdicts_done,
				 a);
	}
	a->n_queued = 0;
}

/* Wait (briefly) for the ack of @seq on the copies socket. */
static int wait_ack(struct agent *a, uint32_t seq, char *extack,
		    size_t extack_len)
{
	struct pollfd pfd = {
		.fd = mnl_socket_get_fd(a->copies.sock),
		.events = POLLIN,
	};
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)a->rx[0];
		ssize_t n;
		int rest;

		if (poll(&pfd, 1, 1000) <= 0)
			return -ETIMEDOUT;
		n = recv(pfd.fd, a->rx[0], sizeof(a->rx[0]), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ENOBUFS)
				continue;
			return -errno;
		}
		/* Copies still queued before the ack are dropped: we are leaving. */
		for (rest = (int)n; mnl_nlmsg_ok(nlh, rest);
		     nlh = mnl_nlmsg_next(nlh, &rest))
			if (nlh->nlmsg_type == NLMSG_ERROR &&
			    nlh->nlmsg_seq == seq)
				return ito_nl_parse_ack(nlh, extack,
							extack_len);
	}
	return -ETIMEDOUT;
}

void agent_fini(struct agent *a)
{
	char extack[EXTACK_LEN] = "";
	uint32_t seq;
	int err;

	a->stopping = true;
	if (a->state == AGENT_UP) {
		agent_flush(a);
		err = send_simple(a, &a->copies, ITO_CMD_AGENT_UNREGISTER, &seq);
		if (!err)
			err = wait_ack(a, seq, extack, sizeof(extack));
		if (err)
			log_warn("unregister: %s%s%s (closing the socket unregisters anyway)",
				 strerror(-err), extack[0] ? ": " : "", extack);
		else
			log_info("unregistered");
	}
	log_info("copies %" PRIu64 ", verdicts %" PRIu64 " (sent %" PRIu64
		 " in %" PRIu64 " requests, flow gone %" PRIu64 ", refused %"
		 PRIu64 "), overruns %" PRIu64 " (events %" PRIu64
		 "), dumps after lost copies %" PRIu64,
		 a->decider->stats.copies, a->decider->stats.decided,
		 a->stats.verdicts_sent, a->stats.verdict_requests,
		 a->stats.verdicts_gone, a->stats.verdicts_failed,
		 a->stats.copies_overruns, a->stats.events_overruns,
		 a->stats.redumps);
	close_ito_sockets(a);
	ito_nl_close(&a->ctrl);
	free(a->queue);
	a->queue = NULL;
	a->n_queued = a->queue_cap = 0;
	a->state = AGENT_DOWN;
}
