// SPDX-License-Identifier: GPL-2.0
/* "itoctl monitor": print ito's flow events until SIGINT or SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "flow.h"
#include "itoctl.h"
#include "monitor.h"
#include "ito_names.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

int monitor_parse_args(int argc, char **argv, struct monitor_out *out)
{
	uint32_t event;

	out->events = 0;
	for (; argc > 0; argc--, argv++) {
		if (!ito_name_value(ito_flow_event_names, argv[0], &event))
			return usage_error(argv[0]);
		out->events |= 1u << event;	/* a word twice is the same set */
	}
	return EXIT_OK;
}

const char *monitor_time(const struct timespec *ts,
			 char buf[MONITOR_TIME_LEN])
{
	struct tm tm;
	size_t n;

	localtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, MONITOR_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, MONITOR_TIME_LEN - n, ".%06ld", ts->tv_nsec / 1000);
	return buf;
}

static bool wanted(const struct monitor_out *out, const struct ito_flow *flow)
{
	if (!out->events)
		return true;
	return ito_flow_has(flow, ITO_A_FLOW_EVENT) && flow->event < 32 &&
	       (out->events & (1u << flow->event));
}

static int print_event_cb(const struct ito_flow *flow, void *data)
{
	struct monitor_out *out = data;
	char stamp[MONITOR_TIME_LEN];
	struct timespec now;

	if (!wanted(out, flow))
		return 0;
	if (!out->timestamp) {
		flow_print_event(&out->p, flow, NULL);
		return 0;
	}
	if (out->clock)
		out->clock(&now);
	else
		clock_gettime(CLOCK_REALTIME, &now);
	flow_print_event(&out->p, flow, monitor_time(&now, stamp));
	return 0;
}

int monitor_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor_out *out = data;
	const struct genlmsghdr *genl;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != ITO_CMD_FLOW_NTF)
		return MNL_CB_OK;	/* a newer module's notification */
	if (ito_flow_parse_reply(nlh, print_event_cb, out)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	/* Whoever reads a pipe wants each event when it happens. */
	fflush(out->p.fp);
	return MNL_CB_OK;
}

/* SIGINT and SIGTERM as a file descriptor: no race with the wait. */
static int stop_signals_fd(sigset_t *old)
{
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);

	if (sigprocmask(SIG_BLOCK, &mask, old) < 0)
		return -errno;
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	return fd;
}

static int monitor_loop(struct itoctl *ctl, struct monitor_out *out,
			int sig_fd)
{
	struct pollfd fds[2] = {
		{ .fd = mnl_socket_get_fd(ctl->nl.sock), .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
	};
	char extack[256];
	ssize_t n;
	int err;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return report_kernel_error(-errno, "", "waiting for events");
		}
		if (fds[1].revents)
			return EXIT_OK;		/* asked to stop */
		if (!fds[0].revents)
			continue;

		n = mnl_socket_recvfrom(ctl->nl.sock, ctl->nl.rx,
					sizeof(ctl->nl.rx));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				/* The socket overflowed: events were lost, go on. */
				pr_warn("events lost: receive buffer overrun");
				continue;
			}
			return report_kernel_error(-errno, "", "receiving events");
		}
		/* Events carry neither our sequence number nor our port id. */
		err = ito_nl_run(ctl->nl.rx, n, 0, 0, monitor_event_cb, out,
				 extack, sizeof(extack));
		if (err == -EPROTO) {
			pr_warn("malformed event skipped");
			continue;
		}
		if (err < 0)
			return report_kernel_error(err, extack, "receiving events");
	}
}

int cmd_monitor(struct itoctl *ctl, int argc, char **argv)
{
	struct monitor_out out = { .timestamp = ctl->timestamp };
	sigset_t old;
	int sig_fd, ret, err;

	ret = monitor_parse_args(argc, argv, &out);
	if (ret)
		return ret;

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	err = ito_nl_join_group(&ctl->nl, ITO_MCGRP_EVENTS);
	if (err) {
		kernel_disconnect(ctl);
		if (err == -ENOENT) {
			pr_err("the ito module has no \"%s\" group (too old?)",
			       ITO_MCGRP_EVENTS);
			return EXIT_FAIL;
		}
		return report_kernel_error(err, "", "joining the events group");
	}

	sig_fd = stop_signals_fd(&old);
	if (sig_fd < 0) {
		kernel_disconnect(ctl);
		return report_kernel_error(sig_fd, "", "setting up signals");
	}

	/* Text one line per event; JSON one object per line (JSON lines). */
	print_init(&out.p, stdout, ctl->json, false);
	ret = monitor_loop(ctl, &out, sig_fd);

	close(sig_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	kernel_disconnect(ctl);
	return ret;
}
