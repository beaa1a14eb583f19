// SPDX-License-Identifier: GPL-2.0
/* stats - itod's statistics in the Prometheus text exposition format. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "decide.h"
#include "policy.h"
#include "stats.h"

void stats_collect(struct stats *s, const struct agent *a,
		   const struct decider *d)
{
	const struct decide_stats *ds = &d->stats;

	s->copies = ds->copies;
	s->duplicates = ds->duplicates;
	s->waiting = ds->waiting;
	s->untracked = ds->untracked;
	memcpy(s->decisions, ds->verdicts, sizeof(s->decisions));
	s->flows_remembered = d->flows.n_entries;
	s->lines_suppressed = d->log.suppressed;
	s->classify_pending = d->cls.n_pending;
	s->classify_started = d->cls.stats.started;
	s->classify_classified = d->cls.stats.classified;
	s->classify_gave_up = d->cls.stats.gave_up;
	s->classify_timed_out = d->cls.stats.timed_out;
	s->classify_full = d->cls.stats.full;

	s->registered = a->state == AGENT_UP;
	s->registrations = a->stats.registrations;
	s->copies_overruns = a->stats.copies_overruns;
	s->events_overruns = a->stats.events_overruns;
	s->redumps = a->stats.redumps;
	s->verdicts_sent = a->stats.verdicts_sent;
	s->verdict_requests = a->stats.verdict_requests;
	s->verdicts_gone = a->stats.verdicts_gone;
	s->verdicts_failed = a->stats.verdicts_failed;
	s->verdicts_queued = a->n_queued;
	s->bad_messages = a->stats.bad_messages;
}

static void family(FILE *fp, const char *name, const char *type,
		   const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(FILE *fp, const char *name, const char *help,
		    uint64_t value)
{
	family(fp, name, "counter", help);
	fprintf(fp, "%s %" PRIu64 "\n", name, value);
}

static void gauge(FILE *fp, const char *name, const char *help,
		  uint64_t value)
{
	family(fp, name, "gauge", help);
	fprintf(fp, "%s %" PRIu64 "\n", name, value);
}

/* The verdicts itod gives, in the policy's words (label values). */
static const uint32_t verdicts[] = {
	ITO_VERDICT_OFFLOAD, ITO_VERDICT_INSPECT, ITO_VERDICT_INSPECT_ALL,
	ITO_VERDICT_BLOCK,
};

int stats_print(FILE *fp, const struct stats *s)
{
	size_t i;

	family(fp, "itod_decisions_total", "counter",
	       "Flows itod decided, by the verdict it gave.");
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		fprintf(fp, "itod_decisions_total{verdict=\"%s\"} %" PRIu64 "\n",
			ito_verdict_name(verdicts[i]),
			s->decisions[verdicts[i]]);
	counter(fp, "itod_copies_received_total",
		"Packet copies received from the module.", s->copies);
	counter(fp, "itod_copies_duplicate_total",
		"Copies of flows decided already (in flight, or inspect-all).",
		s->duplicates);
	counter(fp, "itod_copies_waiting_total",
		"Copies that came before their rule's \"after N\".", s->waiting);
	counter(fp, "itod_copies_overruns_total",
		"Receive buffer overruns of the copies socket: copies were lost (the module counts them in ito_copies_dropped_total).",
		s->copies_overruns);
	counter(fp, "itod_events_overruns_total",
		"Receive buffer overruns of the flow events socket.",
		s->events_overruns);
	counter(fp, "itod_redumps_total",
		"Flow dumps asked after lost copies.", s->redumps);
	counter(fp, "itod_verdicts_sent_total",
		"Verdicts the module accepted.", s->verdicts_sent);
	counter(fp, "itod_verdict_requests_total",
		"Netlink requests that carried verdicts (batches).",
		s->verdict_requests);
	counter(fp, "itod_verdicts_gone_total",
		"Verdicts for flows that had ended first.", s->verdicts_gone);
	counter(fp, "itod_verdicts_refused_total",
		"Verdicts the module refused.", s->verdicts_failed);
	gauge(fp, "itod_verdicts_queued",
	      "Verdicts decided and not sent yet (the batch queue).",
	      s->verdicts_queued);
	gauge(fp, "itod_flows_remembered",
	      "Decided flows itod remembers, so later copies are not decided again.",
	      s->flows_remembered);
	counter(fp, "itod_flows_untracked_total",
		"Decided flows the full flow table could not remember.",
		s->untracked);
	gauge(fp, "itod_classify_pending",
	      "Flows whose application nDPI is still looking for.",
	      s->classify_pending);
	counter(fp, "itod_classify_started_total",
		"Flows given to nDPI for classification.", s->classify_started);
	counter(fp, "itod_classify_classified_total",
		"Flows whose application nDPI named.", s->classify_classified);
	counter(fp, "itod_classify_gave_up_total",
		"Flows nDPI could not name within classify-packets copies.",
		s->classify_gave_up);
	counter(fp, "itod_classify_timed_out_total",
		"Flows still unnamed after classify-timeout seconds.",
		s->classify_timed_out);
	counter(fp, "itod_classify_full_total",
		"Flows decided without classification: classify-max were pending.",
		s->classify_full);
	counter(fp, "itod_bad_messages_total",
		"Messages from the module that could not be parsed.",
		s->bad_messages);
	counter(fp, "itod_decision_lines_suppressed_total",
		"Decision log lines left out by the rate limit.",
		s->lines_suppressed);
	gauge(fp, "itod_registered",
	      "1 while itod is the module's registered agent, 0 otherwise.",
	      s->registered);
	counter(fp, "itod_registrations_total",
		"Registrations as the module's agent (a module reload adds one).",
		s->registrations);
	family(fp, "itod_policy_reloads_total", "counter",
	       "Policy reloads (SIGHUP), by result; a failed one keeps the policy.");
	fprintf(fp, "itod_policy_reloads_total{result=\"ok\"} %" PRIu64 "\n",
		s->reloads_ok);
	fprintf(fp, "itod_policy_reloads_total{result=\"failed\"} %" PRIu64 "\n",
		s->reloads_failed);
	gauge(fp, "itod_policy_rules", "Rules of the policy in use.", s->rules);
	gauge(fp, "itod_start_time_seconds",
	      "When itod started, in seconds since the epoch.", s->start_time);
	family(fp, "itod_uptime_seconds", "gauge", "Seconds since itod started.");
	fprintf(fp, "itod_uptime_seconds %.3f\n", s->uptime);
	return ferror(fp) ? -1 : 0;
}

int stats_write(const char *path, const struct stats *s)
{
	char tmp[PATH_MAX];
	FILE *fp;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	/* node_exporter (another user) reads it: 0644 whatever the umask. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	fchmod(fd, 0644);
	fp = fdopen(fd, "w");
	if (!fp) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	if (stats_print(fp, s))
		err = -EIO;
	if (fclose(fp) && !err)
		err = errno ? -errno : -EIO;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void stats_summary(char *buf, size_t len, const struct stats *s)
{
	snprintf(buf, len,
		 "%s, %" PRIu64 " copies, %" PRIu64 " decisions (%" PRIu64
		 " offload, %" PRIu64 " inspect, %" PRIu64 " inspect-all, %"
		 PRIu64 " block), %" PRIu64 " overruns, %" PRIu64
		 " reloads (%" PRIu64 " failed)",
		 s->registered ? "registered" : "not registered", s->copies,
		 s->decisions[ITO_VERDICT_OFFLOAD] +
		 s->decisions[ITO_VERDICT_INSPECT] +
		 s->decisions[ITO_VERDICT_INSPECT_ALL] +
		 s->decisions[ITO_VERDICT_BLOCK],
		 s->decisions[ITO_VERDICT_OFFLOAD],
		 s->decisions[ITO_VERDICT_INSPECT],
		 s->decisions[ITO_VERDICT_INSPECT_ALL],
		 s->decisions[ITO_VERDICT_BLOCK], s->copies_overruns,
		 s->reloads_ok + s->reloads_failed, s->reloads_failed);
}
