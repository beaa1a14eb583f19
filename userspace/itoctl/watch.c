// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl apply FILE watch": the configuration kept applied as devices
 * come and go (a VLAN device recreated, a representor plugged in) and as
 * the file changes (SIGHUP, "systemctl reload ito").
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/ito.h>
#include <linux/rtnetlink.h>
#include <systemd/sd-daemon.h>

#include "apply.h"
#include "report.h"

struct watch {
	struct itoctl *ctl;
	struct ito_conf conf;
	struct mnl_socket *rtnl;
	struct mnl_socket *genl;	/* generic netlink's family events */
	int sigfd;
	bool relevant;		/* an event named a device of the file */
	bool module_back;	/* the ito family was registered again */
};

/* A device of the file, as a port or as a vwire port's peer. */
static bool conf_names(const struct ito_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->n_ports; i++)
		if (!strcmp(conf->ports[i].dev, name) ||
		    !strcmp(conf->ports[i].peer, name))
			return true;
	return false;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int link_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct watch *w = data;
	const char *name = NULL;

	/* Removal needs nothing: the kernel drops a port whose device goes. */
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, &name);
	if (name && conf_names(&w->conf, name))
		w->relevant = true;
	return MNL_CB_OK;
}

/* All queued link events; true when the ports must be looked at again. */
static bool read_link_events(struct watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t len;

	w->relevant = false;
	for (;;) {
		len = recv(mnl_socket_get_fd(w->rtnl), buf, sizeof(buf),
			   MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* Events were lost: any of them may have been ours. */
			w->relevant = true;
			continue;
		}
		if (len <= 0)
			break;
		mnl_cb_run(buf, len, 0, 0, link_event_cb, w);
	}
	return w->relevant;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int family_event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct watch *w = data;
	const char *name = NULL;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != CTRL_CMD_NEWFAMILY)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*genl), family_attr_cb, &name);
	if (name && !strcmp(name, ITO_FAMILY_NAME))
		w->module_back = true;
	return MNL_CB_OK;
}

/* True when the module was loaded (again): its knobs and ports are new. */
static bool read_family_events(struct watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t len;

	w->module_back = false;
	for (;;) {
		len = recv(mnl_socket_get_fd(w->genl), buf, sizeof(buf),
			   MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			w->module_back = true;
			continue;
		}
		if (len <= 0)
			break;
		mnl_cb_run(buf, len, 0, 0, family_event_cb, w);
	}
	return w->module_back;
}

static void notify_status(const char *state, const struct apply_result *res)
{
	sd_notifyf(0, "%sSTATUS=%u ports enrolled, %u waiting for their device, %u refused",
		   state, res->enrolled, res->waiting, res->failed);
}

static void reload(struct watch *w)
{
	struct apply_result res;
	struct ito_conf next;

	sd_notify(0, "RELOADING=1");
	if (conf_load(w->conf.path, &next)) {
		pr_err("reloading \"%s\" failed: the configuration applied before stays",
		       w->conf.path);
		sd_notify(0, "READY=1\nSTATUS=reload failed: the file has an error, the configuration applied before stays");
		return;
	}
	apply_conf(w->ctl, &next, &w->conf, false, &res);
	conf_free(&w->conf);
	w->conf = next;
	notify_status("READY=1\n", &res);
}

static int open_watch(struct watch *w)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		pr_err("cannot block signals: %s", strerror(errno));
		return EXIT_FAIL;
	}
	w->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (w->sigfd < 0) {
		pr_err("cannot open a signalfd: %s", strerror(errno));
		return EXIT_FAIL;
	}
	w->rtnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!w->rtnl || mnl_socket_bind(w->rtnl, RTMGRP_LINK,
					MNL_SOCKET_AUTOPID) < 0) {
		pr_err("cannot listen to link events: %s", strerror(errno));
		return EXIT_FAIL;
	}
	/* nlctrl's one multicast group, "notify", has the id GENL_ID_CTRL. */
	w->genl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!w->genl ||
	    mnl_socket_bind(w->genl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(w->genl, NETLINK_ADD_MEMBERSHIP,
				  &(int){ GENL_ID_CTRL }, sizeof(int)) < 0) {
		pr_err("cannot listen to generic netlink family events: %s",
		       strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void close_watch(struct watch *w)
{
	if (w->rtnl)
		mnl_socket_close(w->rtnl);
	if (w->genl)
		mnl_socket_close(w->genl);
	if (w->sigfd >= 0)
		close(w->sigfd);
	conf_free(&w->conf);
}

/* Until SIGTERM or SIGINT. */
static int watch_loop(struct watch *w)
{
	struct pollfd fds[3] = {
		{ .fd = w->sigfd, .events = POLLIN },
		{ .fd = mnl_socket_get_fd(w->rtnl), .events = POLLIN },
		{ .fd = mnl_socket_get_fd(w->genl), .events = POLLIN },
	};
	struct signalfd_siginfo si;
	struct apply_result res;
	bool module_back, links;

	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll failed: %s", strerror(errno));
			return EXIT_FAIL;
		}
		module_back = fds[2].revents && read_family_events(w);
		links = fds[1].revents && read_link_events(w);
		if (module_back) {
			/* A new module instance: nothing of the file is there. */
			printf("module loaded: applying %s\n", w->conf.path);
			apply_conf(w->ctl, &w->conf, NULL, false, &res);
			notify_status("", &res);
		} else if (links) {
			apply_conf(w->ctl, &w->conf, &w->conf, true, &res);
			notify_status("", &res);
		}
		if (!fds[0].revents)
			continue;
		if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			reload(w);
			continue;
		}
		sd_notify(0, "STOPPING=1");
		return EXIT_OK;
	}
}

int apply_watch(struct itoctl *ctl, struct ito_conf *conf)
{
	struct watch w = { .ctl = ctl, .conf = *conf, .sigfd = -1 };
	struct apply_result res;
	int ret;

	/* Listening first: a device that appears meanwhile is not missed. */
	ret = open_watch(&w);
	if (ret) {
		close_watch(&w);
		return ret;
	}
	/*
	 * Neither refusals of single requests nor the module's absence stop
	 * the watch: the file is applied when the module comes (its family
	 * is registered).
	 */
	ret = apply_conf(ctl, &w.conf, NULL, false, &res);
	if (ret && !res.failed && !res.no_module) {
		/* e.g. no CAP_NET_ADMIN: waiting would not help */
		close_watch(&w);
		return ret;
	}
	if (ret && res.no_module) {
		printf("waiting for the module to apply %s\n", w.conf.path);
		fflush(stdout);
		sd_notify(0, "READY=1\nSTATUS=waiting for the ito module");
	} else {
		notify_status("READY=1\n", &res);
	}
	ret = watch_loop(&w);
	close_watch(&w);
	return ret;
}
