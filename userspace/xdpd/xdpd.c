// SPDX-License-Identifier: GPL-2.0
/*
 * ito-xdpd - ito's XDP backend: loads the XDP program, attaches it to the
 * devices of the ports that use XDP, fills its maps with the sessions the
 * kernel announces on the "xdp" group and reports their counts back every
 * interval, so the kernel's flows and conntrack see the traffic and age.
 *
 * One thread, one poll() loop over a signalfd and the group's socket; the
 * tick (-i) reports counts and re-reads the port list.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/ito.h>

#include "attach.h"
#include "backend.h"
#include "clock.h"
#include "feed.h"
#include "log.h"
#include "maps.h"
#include "notify.h"
#include "ports.h"
#include "signals.h"

#ifndef XDPD_VERSION
#define XDPD_VERSION	"0.1.0"
#endif

#define DEFAULT_INTERVAL_MS	1000
#define DEFAULT_MAX_SESSIONS	65536
#define MAX_SESSIONS_LIMIT	4000000	/* ITO_A_CONFIG_MAX_SESSIONS' */
#define GROUP_RCVBUF		(16 << 20)

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

struct options {
	unsigned long interval_ms;
	unsigned long max_sessions;
	bool verbose;
};

struct daemon {
	const struct options *o;
	struct maps *maps;
	struct backend backend;
	struct feed feed;
	struct ports ports;
	struct attach attach;
	bool connected;
	int down_err;			/* why not connected, told once */
	int report_err;			/* the last report's, told once */
	uint64_t tick_at;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: ito-xdpd [ -i MS ] [ -m MAX ] [ -v ]\n"
		"       ito-xdpd { -h | -V }\n"
		"\n"
		"  -i, --interval MS  report counts and re-read the ports every MS\n"
		"                     milliseconds, 100 to 60000 (default 1000)\n"
		"  -m, --max MAX      sessions held at most, 1024 to 4000000\n"
		"                     (default 65536)\n"
		"  -v, --verbose      log debug messages too\n"
		"  -h, --help         print this help\n"
		"  -V, --version      print the version\n");
}

static int parse_ulong(const char *arg, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	*out = strtoul(arg, &end, 10);
	return errno || *end || *out < min || *out > max ? -1 : 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "interval",	required_argument, NULL, 'i' },
		{ "max",	required_argument, NULL, 'm' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->interval_ms = DEFAULT_INTERVAL_MS;
	o->max_sessions = DEFAULT_MAX_SESSIONS;
	while ((c = getopt_long(argc, argv, "i:m:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_ulong(optarg, 100, 60000, &o->interval_ms)) {
				fprintf(stderr, "ito-xdpd: -i: \"%s\" is not 100 to 60000 ms\n",
					optarg);
				return -1;
			}
			break;
		case 'm':
			if (parse_ulong(optarg, 1024, MAX_SESSIONS_LIMIT,
					&o->max_sessions)) {
				fprintf(stderr, "ito-xdpd: -m: \"%s\" is not 1024 to %d\n",
					optarg, MAX_SESSIONS_LIMIT);
				return -1;
			}
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("ito-xdpd %s (netlink family \"%s\" version %d)\n",
			       XDPD_VERSION, ITO_FAMILY_NAME, ITO_FAMILY_VERSION);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ito-xdpd: What is \"%s\"?\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static int signals_open(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGUSR1 };

	return ito_signals_open(sigs, sizeof(sigs) / sizeof(sigs[0]));
}

static void show_status(struct daemon *d)
{
	if (d->connected)
		notify_status("%" PRIu32 " sessions, %zu devices",
			      d->backend.sessions.n, attach_count(&d->attach));
	else
		notify_status("waiting for the ito module");
}

static void log_stats(struct daemon *d)
{
	char line[512];

	stats_line(line, sizeof(line), &d->backend.stats, d->backend.sessions.n,
		   attach_count(&d->attach));
	log_info("statistics: %s", line);
}

/* The module went away (or never came): nothing may stay forwarded. */
static void disconnect(struct daemon *d, int err, const char *what)
{
	if (d->connected)
		log_warn("%s: %s: sessions dropped, program detached", what,
			 strerror(-err));
	attach_none(&d->attach);
	backend_drop_all(&d->backend);
	feed_close(&d->feed);
	d->connected = false;
	d->down_err = err;
	show_status(d);
}

/* The port list again, and the program where it says. */
static int sync_ports(struct daemon *d)
{
	int err = ports_refresh(&d->ports, &d->feed.req);

	if (!err)
		attach_sync(&d->attach, d->ports.dev, d->ports.n);
	return err;
}

/* Join, dump, attach: READY=1 the first time. */
static void connect_kernel(struct daemon *d)
{
	char extack[256];
	int err;

	err = feed_open(&d->feed, GROUP_RCVBUF, extack, sizeof(extack));
	if (err) {
		if (err == d->down_err)
			;
		else if (err == -ENOENT)
			log_warn("ito module not loaded: waiting for it");
		else
			log_warn("cannot join the \"%s\" group: %s%s%s: retrying",
				 ITO_MCGRP_XDP, strerror(-err),
				 extack[0] ? ": " : "", extack);
		d->down_err = err;
		return;
	}
	backend_set_family(&d->backend, d->feed.req.family.id);
	d->connected = true;
	err = feed_dump(&d->feed, backend_flow, &d->backend);
	if (!err)
		err = sync_ports(d);
	if (err) {
		log_warn("cannot read the sessions or the ports: %s: retrying",
			 strerror(-err));
		disconnect(d, err, "start");
		return;
	}
	d->down_err = 0;
	log_info("joined the \"%s\" group: %" PRIu32 " sessions, %zu devices",
		 ITO_MCGRP_XDP, d->backend.sessions.n, attach_count(&d->attach));
	if (!notify_is_ready())
		notify_ready();
	show_status(d);
}

/* Messages were lost: what the maps hold may be stale, start over. */
static void resync(struct daemon *d)
{
	int err;

	d->backend.stats.resyncs++;
	log_warn("the \"%s\" group overran (messages lost): reporting, clearing and dumping again",
		 ITO_MCGRP_XDP);
	backend_clear(&d->backend);
	err = feed_dump(&d->feed, backend_flow, &d->backend);
	if (err)
		disconnect(d, err, "dump");
}

static void input(struct daemon *d)
{
	int err = feed_input(&d->feed, backend_flow, &d->backend);

	if (err == -ENOBUFS)
		resync(d);
	else if (err)
		disconnect(d, err, "receive");
	if (d->connected)
		backend_flush(&d->backend);	/* the ends' last counts */
}

static void tick(struct daemon *d)
{
	int err;

	if (!d->connected) {
		connect_kernel(d);
		return;
	}
	err = backend_tick(&d->backend);
	if (err != d->report_err) {
		if (err)
			log_warn("reports refused: %s (counts lost until they pass)",
				 strerror(-err));
		else
			log_info("reports accepted again");
		d->report_err = err;
	}
	err = sync_ports(d);
	if (err)
		disconnect(d, err, "port list");
	show_status(d);
}

/* Returns true when asked to stop. */
static bool handle_signals(int sfd, struct daemon *d)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			log_stats(d);
		} else {
			log_info("signal %u: stopping", si.ssi_signo);
			stop = true;
		}
	}
	return stop;
}

static int run(struct daemon *d, int sfd)
{
	for (;;) {
		struct pollfd pfd[2];
		uint64_t now = ito_now_ms();
		int n = 0, timeout;

		if (now >= d->tick_at) {
			d->backend.now = (uint32_t)(now / 1000);
			tick(d);
			d->tick_at = now + d->o->interval_ms;
		}
		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (d->connected)
			pfd[n++] = (struct pollfd){ .fd = feed_fd(&d->feed),
						    .events = POLLIN };
		timeout = (int)(d->tick_at - now);
		log_flush();
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (pfd[0].revents && handle_signals(sfd, d))
			return EXIT_OK;
		if (n > 1 && pfd[1].revents)
			input(d);
	}
}

/*
 * Detach first: nothing is counted after the final report, which then
 * carries every packet forwarded.
 */
static void stop(struct daemon *d)
{
	notify_stopping();
	notify_status("stopping: detaching and reporting");
	attach_none(&d->attach);
	if (d->connected) {
		backend_clear(&d->backend);
		feed_close(&d->feed);
	}
	log_stats(d);
}

int main(int argc, char **argv)
{
	static struct daemon d;
	struct options o;
	int sfd, err, ret;

	if (parse_options(argc, argv, &o))
		return EXIT_USAGE;
	log_set_ident("ito-xdpd");
	log_open(false, o.verbose);
	d.o = &o;

	sfd = signals_open();
	if (sfd < 0) {
		log_err("signals: %s", strerror(errno));
		return EXIT_FAIL;
	}
	err = maps_open(&d.maps, (uint32_t)o.max_sessions);
	if (err) {
		log_err("cannot load the XDP program: %s", strerror(-err));
		return EXIT_FAIL;
	}
	err = ports_open(&d.ports);
	if (!err)
		err = backend_init(&d.backend, d.maps, (uint32_t)o.max_sessions,
				   0, feed_report_send, &d.feed);
	if (err) {
		log_err("cannot start: %s", strerror(-err));
		return EXIT_FAIL;
	}
	attach_init(&d.attach, d.maps);
	log_info("ito-xdpd %s started: %lu sessions at most, reports every %lu ms",
		 XDPD_VERSION, o.max_sessions, o.interval_ms);

	d.tick_at = ito_now_ms();
	ret = run(&d, sfd);
	stop(&d);

	backend_fini(&d.backend);
	ports_close(&d.ports);
	maps_close(d.maps);
	close(sfd);
	log_info("stopped");
	log_close();
	return ret;
}
