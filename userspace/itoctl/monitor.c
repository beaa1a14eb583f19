// SPDX-License-Identifier: GPL-2.0
/* "itoctl monitor": print ito's flow events until SIGINT or SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "flow.h"
#include "itoctl.h"
#include "monitor.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

static int print_event_cb(const struct ito_flow *flow, void *data)
{
	flow_print_event(data, flow);
	return 0;
}

int monitor_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct printer *p = data;
	const struct genlmsghdr *genl;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != ITO_CMD_FLOW_NTF)
		return MNL_CB_OK;	/* a newer module's notification */
	if (flow_parse_reply(nlh, print_event_cb, p)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	/* Whoever reads a pipe wants each event when it happens. */
	fflush(p->fp);
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

static int monitor_loop(struct itoctl *ctl, struct printer *p, int sig_fd)
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
		err = ito_nl_run(ctl->nl.rx, n, 0, 0, monitor_event_cb, p,
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
	struct printer p;
	sigset_t old;
	int sig_fd, ret, err;

	if (argc > 0)
		return usage_error(argv[0]);

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
	print_init(&p, stdout, ctl->json, false);
	ret = monitor_loop(ctl, &p, sig_fd);

	close(sig_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	kernel_disconnect(ctl);
	return ret;
}
