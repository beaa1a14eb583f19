// SPDX-License-Identifier: GPL-2.0
/*
 * itod - the ito inspection agent: decides a verdict for every new flow
 * the ito module shows it, following the rules of itod.conf(5).
 *
 * main() reads the options and the policy, daemonizes, and runs one
 * single-threaded poll() loop over a signalfd and the agent's sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/ito.h>

#include "agent.h"
#include "clock.h"
#include "decide.h"
#include "dpi.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "settings.h"
#include "signals.h"
#include "stats.h"

#ifndef ITOD_VERSION
#define ITOD_VERSION	"0.1.0"
#endif
#ifndef ITOD_CONFIG
#define ITOD_CONFIG	"/etc/ito/itod.conf"
#endif
#ifndef ITOD_PIDFILE
#define ITOD_PIDFILE	"/run/itod.pid"
#endif

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* bad policy, cannot start */
	EXIT_USAGE = 2,
};

struct options {
	const char *config;
	bool foreground;
	bool syslog;
	bool verbose;
	bool check;
	int rcvbuf;
	struct settings settings;	/* those given on the command line */
};

/* What the main loop works with. */
struct daemon {
	struct agent *agent;
	struct decider *decider;
	struct policy *policy;
	const char *path;		/* of the policy */
	const struct settings *cli;
	struct settings settings;	/* in effect: the file's, then cli's */
	uint64_t started;		/* CLOCK_MONOTONIC ms */
	uint64_t start_time;		/* epoch seconds */
	uint64_t stats_at;		/* next write of the stats file */
	uint64_t reloads_ok, reloads_failed;
	int stats_err;			/* the last write's, warned once */
	enum agent_state shown;		/* in STATUS= */
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: itod [ -c FILE ] [ -f ] [ -s ] [ -v ] [ -b BYTES ] [ -S FILE ]\n"
		"            [ --log-rate N ] [ --log-burst N ]\n"
		"       itod -n [ -c FILE ]\n"
		"       itod { -h | -V }\n"
		"\n"
		"  -c, --config FILE  policy file (default " ITOD_CONFIG ")\n"
		"  -f, --foreground   do not daemonize; log to stderr\n"
		"  -s, --syslog       log to syslog even in the foreground\n"
		"  -v, --verbose      log debug messages too\n"
		"  -b, --rcvbuf BYTES receive buffer of the copies and events sockets,\n"
		"                     K or M suffix allowed (default 4M)\n"
		"  -S, --stats-file FILE\n"
		"                     write statistics (Prometheus text) to FILE,\n"
		"                     \"none\" for none (default none)\n"
		"      --log-rate N   decision lines a second (default 20)\n"
		"      --log-burst N  decision lines in a burst (default 100)\n"
		"  -n, --check        parse the policy, print its rules and exit\n"
		"  -h, --help         print this help\n"
		"  -V, --version      print the version\n");
}

/* "65536", "64K", "4M": bytes from 4 KiB to 1 GiB, or -1. */
static int parse_size(const char *arg)
{
	unsigned long long n;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno)
		return -1;
	if (n > (1ULL << 30))
		return -1;
	if (*end == 'K' || *end == 'k') {
		n <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		n <<= 20;
		end++;
	}
	if (*end || n < (4ULL << 10) || n > (1ULL << 30))
		return -1;
	return (int)n;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "foreground",	no_argument,	   NULL, 'f' },
		{ "syslog",	no_argument,	   NULL, 's' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "rcvbuf",	required_argument, NULL, 'b' },
		{ "check",	no_argument,	   NULL, 'n' },
		{ "stats-file",	required_argument, NULL, 'S' },
		{ "log-rate",	required_argument, NULL, 'R' },
		{ "log-burst",	required_argument, NULL, 'B' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	char err[256];

	o->config = ITOD_CONFIG;
	while ((c = getopt_long(argc, argv, "c:fsvb:nS:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'R':
		case 'B':
			/* the same words and checks as itod.conf's "set" lines */
			if (settings_parse(&o->settings,
					   c == 'S' ? "stats-file" :
					   c == 'R' ? "log-rate" : "log-burst",
					   optarg, err, sizeof(err))) {
				fprintf(stderr, "itod: %s\n", err);
				return -1;
			}
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 's':
			o->syslog = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'b':
			o->rcvbuf = parse_size(optarg);
			if (o->rcvbuf < 0) {
				fprintf(stderr, "itod: --rcvbuf: \"%s\" is not a size from 4K to 1G\n",
					optarg);
				return -1;
			}
			break;
		case 'n':
			o->check = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("itod %s (netlink family \"%s\" version %d)\n",
			       ITOD_VERSION, ITO_FAMILY_NAME, ITO_FAMILY_VERSION);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "itod: What is \"%s\"?\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Lock the pid file before forking: the lock is shared with the child. */
static int pidfile_lock(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "itod: error: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "itod: error: %s: %s\n", path,
			errno == EWOULDBLOCK ? "itod is already running" :
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void pidfile_write(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) || write(fd, buf, len) != len)
		log_warn("cannot write the pid file: %s", strerror(errno));
}

/* Detach from the terminal: fork, new session, fork again, stdio to null. */
static int daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EXIT_OK);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EXIT_OK);
	umask(022);
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

static int signals_open(void)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };

	return ito_signals_open(sigs, sizeof(sigs) / sizeof(sigs[0]));
}

/* The file's settings, then the command line's over them; applied. */
static void apply_settings(struct daemon *d, uint64_t now)
{
	char old[sizeof(d->settings.stats_file)];

	memcpy(old, d->settings.stats_file, sizeof(old));
	d->settings = d->policy->settings;
	settings_merge(&d->settings, d->cli);
	declog_set_rate(&d->decider->log, d->settings.log_rate,
			d->settings.log_burst, (uint32_t)(now / 1000));
	/* A file no longer written would go on serving stale numbers. */
	if (old[0] && strcmp(old, d->settings.stats_file))
		unlink(old);
	d->stats_at = now;
	d->stats_err = 0;
}

static void stats_sample(struct daemon *d, uint64_t now, struct stats *s)
{
	memset(s, 0, sizeof(*s));
	stats_collect(s, d->agent, d->decider);
	s->reloads_ok = d->reloads_ok;
	s->reloads_failed = d->reloads_failed;
	s->rules = d->policy->n_rules;
	s->start_time = d->start_time;
	s->uptime = (double)(now - d->started) / 1000.0;
}

/* The stats file, and STATUS= for systemctl status. */
static void stats_update(struct daemon *d, uint64_t now)
{
	const char *path = d->settings.stats_file;
	char line[512];
	struct stats s;
	int err;

	d->stats_at = now + d->settings.stats_interval * 1000ULL;
	stats_sample(d, now, &s);
	stats_summary(line, sizeof(line), &s);
	if (s.registered)
		notify_status("%s", line);
	else
		notify_status("waiting for the ito module (not registered)");
	if (!path[0])
		return;
	err = stats_write(path, &s);
	if (err && err != d->stats_err)
		log_warn("cannot write the statistics to %s: %s", path,
			 strerror(-err));
	d->stats_err = err;
}

/* SIGUSR1: the statistics now, and in the log for a human. */
static void stats_show(struct daemon *d, uint64_t now)
{
	char line[512];
	struct stats s;

	stats_sample(d, now, &s);
	stats_summary(line, sizeof(line), &s);
	log_info("statistics: %s, up %.0f s", line, s.uptime);
	stats_update(d, now);
}

/* SIGHUP: a new policy, or the old one if the new one has an error. */
static void reload(struct daemon *d, uint64_t now)
{
	char err[POLICY_ERR_LEN];
	struct policy fresh;

	notify_reloading();
	if (policy_load(&fresh, d->path, NULL, err, sizeof(err))) {
		d->reloads_failed++;
		log_err("%s", err);
		log_err("reload failed: keeping the current policy");
		notify_reloaded();
		return;
	}
	d->reloads_ok++;
	policy_free(d->policy);
	*d->policy = fresh;
	apply_settings(d, now);
	log_info("policy reloaded from %s: %zu rules, default %s", d->path,
		 d->policy->n_rules,
		 ito_verdict_name(d->policy->default_verdict));
	notify_reloaded();
}

/* Returns true when asked to stop. */
static bool handle_signals(int sfd, struct daemon *d, uint64_t now)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(d, now);
		} else if (si.ssi_signo == SIGUSR1) {
			stats_show(d, now);
		} else {
			log_info("signal %u: stopping", si.ssi_signo);
			stop = true;
		}
	}
	return stop;
}

/*
 * READY=1 once the kernel shows us copies, and STATUS= when the agent's
 * state changes: "systemctl status" says why itod is not ready.
 */
static void follow_agent(struct daemon *d, uint64_t now)
{
	enum agent_state state = d->agent->state;

	if (state == d->shown)
		return;
	d->shown = state;
	stats_update(d, now);
	if (state == AGENT_UP && !notify_is_ready())
		notify_ready();
}

static int run(struct daemon *d, int sfd)
{
	struct pollfd pfd[1 + AGENT_N_FDS];
	enum agent_fd which[1 + AGENT_N_FDS];
	struct agent *a = d->agent;

	for (;;) {
		uint64_t now = ito_now_ms();
		int i, n = 0, timeout;
		enum agent_fd w;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (w = 0; w < AGENT_N_FDS; w++) {
			int fd = agent_fd(a, w);

			if (fd < 0)
				continue;
			which[n] = w;
			pfd[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		timeout = agent_next_timeout(a, now, 60000);
		if (d->stats_at <= now)
			timeout = 0;
		else if (d->stats_at - now < (uint64_t)timeout)
			timeout = (int)(d->stats_at - now);
		log_flush();	/* the round's lines, before we may sleep */
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		now = ito_now_ms();
		if (pfd[0].revents && handle_signals(sfd, d, now))
			return EXIT_OK;
		for (i = 1; i < n; i++)
			if (pfd[i].revents)
				agent_input(a, which[i], now);
		agent_timer(a, now);
		agent_flush(a);
		follow_agent(d, now);
		if (now >= d->stats_at)
			stats_update(d, now);
	}
}

int main(int argc, char **argv)
{
	/* static: the agent carries its sockets' receive buffers. */
	static struct agent agent;
	static struct decider decider;
	static struct policy policy;
	char err[POLICY_ERR_LEN], path[PATH_MAX];
	struct options o = { 0 };
	struct daemon d = {
		.agent = &agent,
		.decider = &decider,
		.policy = &policy,
		.path = path,
		.cli = &o.settings,
		.shown = AGENT_REGISTERING,	/* neither: the first is shown */
	};
	int sfd, pidfd = -1, ret;

	settings_init(&o.settings);
	if (parse_options(argc, argv, &o))
		return EXIT_USAGE;

	if (policy_load(&policy, o.config, NULL, err, sizeof(err))) {
		fprintf(stderr, "itod: error: %s\n", err);
		return EXIT_FAIL;
	}
	if (o.check) {
		policy_print(&policy, stdout);
		policy_free(&policy);
		dpi_exit();
		return EXIT_OK;
	}
	/* Reloads happen after chdir("/"). */
	if (!realpath(o.config, path))
		snprintf(path, sizeof(path), "%s", o.config);

	if (!o.foreground) {
		pidfd = pidfile_lock(ITOD_PIDFILE);
		if (pidfd < 0)
			return EXIT_FAIL;
		if (daemonize()) {
			fprintf(stderr, "itod: error: daemonize: %s\n",
				strerror(errno));
			return EXIT_FAIL;
		}
	}
	log_open(o.syslog || !o.foreground, o.verbose);
	if (pidfd >= 0)
		pidfile_write(pidfd);

	sfd = signals_open();
	if (sfd < 0) {
		log_err("signals: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (decide_init(&decider, &policy, 0)) {
		log_err("out of memory");
		return EXIT_FAIL;
	}
	d.started = ito_now_ms();
	d.start_time = (uint64_t)time(NULL);
	apply_settings(&d, d.started);
	log_info("itod %s started: %zu rules from %s, default %s%s%s",
		 ITOD_VERSION, policy.n_rules, path,
		 ito_verdict_name(policy.default_verdict),
		 policy.needs_app ? ", applications by nDPI " : "",
		 policy.needs_app ? dpi_version() : "");
	agent_init(&agent, &decider, o.rcvbuf, ito_now_ms());

	ret = run(&d, sfd);

	notify_stopping();
	notify_status("stopping: unregistering");
	agent_fini(&agent);
	/* Numbers of a daemon gone would look like a live one's. */
	if (d.settings.stats_file[0])
		unlink(d.settings.stats_file);
	decide_fini(&decider);
	dpi_exit();
	policy_free(&policy);
	close(sfd);
	if (pidfd >= 0) {
		unlink(ITOD_PIDFILE);
		close(pidfd);
	}
	log_info("stopped");
	log_close();
	return ret;
}
