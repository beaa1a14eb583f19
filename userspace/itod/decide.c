// SPDX-License-Identifier: GPL-2.0
/* decide - from packet copies and dumped flows to verdicts. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/ito.h>

#include "decide.h"
#include "log.h"

int decide_init(struct decider *d, const struct policy *policy,
		size_t max_flows)
{
	d->policy = policy;
	d->stats = (struct decide_stats){ 0 };
	declog_init(&d->log, DECLOG_RATE, DECLOG_BURST, 0);
	if (classify_init(&d->cls))
		return -ENOMEM;
	if (flowtab_init(&d->flows, max_flows)) {
		classify_fini(&d->cls);
		return -ENOMEM;
	}
	return 0;
}

void decide_fini(struct decider *d)
{
	classify_fini(&d->cls);
	flowtab_fini(&d->flows);
}

void decide_format(char *buf, size_t len, uint64_t flow_id,
		   const struct policy_tuple *t, const struct policy_app *app,
		   uint32_t verdict, size_t rule_number)
{
	char src[ITO_ENDPOINT_STRLEN], dst[ITO_ENDPOINT_STRLEN];
	char ifname[IF_NAMESIZE], num[8], rule[32];
	char label[64], what[POLICY_NAME_LEN + 96] = "";
	uint8_t alen = t->family == AF_INET ? 4 : 16;

	ito_endpoint_str(t->saddr, alen, t->sport, src);
	ito_endpoint_str(t->daddr, alen, t->dport, dst);
	if (!t->iif || !if_indextoname(t->iif, ifname))
		snprintf(ifname, sizeof(ifname), "%u", t->iif);
	if (rule_number)
		snprintf(rule, sizeof(rule), "rule %zu", rule_number);
	else
		snprintf(rule, sizeof(rule), "default");
	if (app) {
		classify_label(app, label, sizeof(label));
		snprintf(what, sizeof(what), " app %s%s%s", label,
			 app->name[0] ? app->name_is_sni ? " sni " : " host " : "",
			 app->name);
	}
	snprintf(buf, len, "flow %" PRIu64 " %s %s -> %s iif %s%s: %s (%s)",
		 flow_id, ito_proto_name(t->proto, num, sizeof(num)), src,
		 dst, ifname, what, ito_verdict_name(verdict), rule);
}

/* Match, remember and log; fills @v. */
static void decide(struct decider *d, uint64_t flow_id,
		   const struct policy_tuple *t, const struct policy_app *app,
		   const struct policy_rule *r, uint32_t now,
		   struct ito_flow_verdict *v)
{
	char line[512];

	v->flow_id = flow_id;
	v->verdict = r ? r->verdict : d->policy->default_verdict;
	/* The module keeps it for "itoctl flow show" (ITO_A_FLOW_APP). */
	v->app[0] = '\0';
	if (app)
		classify_label(app, v->app, sizeof(v->app));
	d->stats.decided++;
	if (v->verdict <= ITO_VERDICT_MAX)
		d->stats.verdicts[v->verdict]++;
	if (flowtab_put(&d->flows, flow_id, v->verdict, now))
		d->stats.untracked++;	/* later copies may ask again */
	classify_forget(&d->cls, flow_id);

	/* Formatting costs too (if_indextoname() is three syscalls). */
	if (!declog_admit(&d->log, v->verdict, now))
		return;
	decide_format(line, sizeof(line), flow_id, t, app, v->verdict,
		      r ? policy_rule_number(d->policy, r) : 0);
	log_info("%s", line);
}

/*
 * The rule for a copy of a flow whose application may matter: nDPI sees
 * the copy, then the policy is asked again with what it found. Returns
 * false while the answer must wait for more copies.
 */
static bool match_classified(struct decider *d, const struct msg_packet *pkt,
			     uint64_t now_ms, const struct policy_rule **r,
			     struct policy_app *app, bool *classified)
{
	const struct settings *s = &d->policy->settings;
	bool pending;

	*classified = false;
	*r = policy_match_app(d->policy, &pkt->tuple, NULL, &pending);
	if (!pending)
		return true;	/* a tuple-only rule (or none) comes first */
	switch (classify_packet(&d->cls, pkt->flow_id, &pkt->tuple, pkt->dir,
				pkt->seq, pkt->data, pkt->data_len, now_ms,
				s->classify_max, s->classify_packets, app)) {
	case CLASSIFY_PENDING:
		return false;
	case CLASSIFY_DONE:
		*classified = true;
		*r = policy_match_app(d->policy, &pkt->tuple, app, NULL);
		return true;
	default:
		/* Not tracked (too many pending): as if nDPI gave up. */
		d->stats.unclassified++;
		memset(app, 0, sizeof(*app));
		*classified = true;
		*r = policy_match_app(d->policy, &pkt->tuple, app, NULL);
		return true;
	}
}

bool decide_packet_at(struct decider *d, const struct msg_packet *pkt,
		      uint64_t now_ms, struct ito_flow_verdict *v)
{
	uint32_t now = (uint32_t)(now_ms / 1000);
	const struct policy_rule *r;
	struct flowtab_entry *e;
	struct policy_app app;
	bool classified = false;

	d->stats.copies++;
	e = flowtab_find(&d->flows, pkt->flow_id);
	if (e) {
		/* In flight after our verdict, or an inspect-all flow. */
		e->last_seen = now;
		d->stats.duplicates++;
		return false;
	}

	if (d->policy->needs_app) {
		if (!match_classified(d, pkt, now_ms, &r, &app, &classified)) {
			d->stats.waiting++;
			return false;
		}
	} else {
		r = policy_match(d->policy, &pkt->tuple);
	}
	/* ">=": a copy lost to a full socket must not stall the decision. */
	if (r && pkt->seq < r->after) {
		d->stats.waiting++;
		log_debug("flow %" PRIu64 ": copy %u, rule %zu decides at copy %u",
			  pkt->flow_id, pkt->seq,
			  policy_rule_number(d->policy, r), r->after);
		return false;
	}
	decide(d, pkt->flow_id, &pkt->tuple, classified ? &app : NULL, r, now,
	       v);
	return true;
}

bool decide_packet(struct decider *d, const struct msg_packet *pkt,
		   uint32_t now, struct ito_flow_verdict *v)
{
	return decide_packet_at(d, pkt, now * 1000ULL, v);
}

bool decide_timeout(struct decider *d, uint64_t now_ms,
		    struct ito_flow_verdict *v)
{
	uint64_t timeout = d->policy->settings.classify_timeout * 1000ULL;
	struct policy_tuple t;
	struct policy_app app;
	uint64_t id;

	if (!classify_expire(&d->cls, now_ms, timeout, &id, &t, &app))
		return false;
	decide(d, id, &t, &app, policy_match_app(d->policy, &t, &app, NULL),
	       (uint32_t)(now_ms / 1000), v);
	return true;
}

uint64_t decide_next_timeout(const struct decider *d)
{
	return classify_next_expiry(&d->cls,
				    d->policy->settings.classify_timeout * 1000ULL);
}

bool decide_flow(struct decider *d, const struct msg_flow *flow,
		 uint32_t now, struct ito_flow_verdict *v)
{
	if (flow->state != ITO_FLOW_STATE_INSPECTING ||
	    flow->verdict != ITO_VERDICT_NONE || !flow->has_tuple)
		return false;
	if (flowtab_find(&d->flows, flow->flow_id))
		return false;	/* decided, the kernel has not applied it yet */
	if (flowtab_find(&d->cls.index, flow->flow_id))
		return false;	/* being classified: copies or a timeout decide */
	decide(d, flow->flow_id, &flow->tuple, NULL,
	       policy_match(d->policy, &flow->tuple), now, v);
	return true;
}

void decide_forget(struct decider *d, uint64_t flow_id)
{
	flowtab_del(&d->flows, flow_id);
	classify_forget(&d->cls, flow_id);
}

void decide_expire(struct decider *d, uint32_t now)
{
	size_t n = flowtab_expire(&d->flows, now, DECIDE_MAX_IDLE);

	if (n)
		log_debug("forgot %zu idle flows, %zu remembered", n,
			  d->flows.n_entries);
}

void decide_reset(struct decider *d)
{
	flowtab_clear(&d->flows);
	classify_clear(&d->cls);
}
