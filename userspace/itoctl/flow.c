// SPDX-License-Identifier: GPL-2.0
/* "itoctl flow": the flows ito tracks, their verdicts, and their events. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "addr.h"
#include "dev.h"
#include "flow.h"
#include "flowfilter.h"
#include "itoctl.h"
#include "ito_names.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

/* Room for "icmpv6 [v6]:port -> [v6]:port type T code C id I". */
#define TUPLE_LEN	160

/* "VERB ID": the flow ID of get, del and verdict. */
static int parse_id(int argc, char **argv, const char *verb, uint64_t *id)
{
	if (argc < 1) {
		pr_err("\"flow %s\" needs a flow ID", verb);
		return -EINVAL;
	}
	return parse_u64(verb, argv[0], id);
}

static int parse_state(struct flow_args *args, const char *arg)
{
	if (args->has_state) {
		duplicate_argument("state", arg);
		return EXIT_USAGE;
	}
	if (parse_choice("state", arg, ito_flow_state_names, &args->state))
		return EXIT_USAGE;
	args->has_state = true;
	return EXIT_OK;
}

/* "KEYWORD VALUE" pairs: the kernel's "state", the others ours. */
static int parse_show_args(int argc, char **argv, struct flow_args *args)
{
	int ret;

	for (; argc > 0; argc -= 2, argv += 2) {
		if (!keyword_is(argv[0], "state") &&
		    !flow_filter_is_keyword(argv[0]))
			return usage_error(argv[0]);
		if (argc < 2) {
			missing_argument(argv[0]);
			return EXIT_USAGE;
		}
		if (keyword_is(argv[0], "state"))
			ret = parse_state(args, argv[1]);
		else
			ret = flow_filter_parse(&args->filter, argv[0], argv[1]);
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

int flow_parse_args(int argc, char **argv, struct flow_args *args)
{
	const char *verb = argc > 0 ? argv[0] : "show";
	int used = 1;		/* the ID */

	memset(args, 0, sizeof(*args));
	if (argc > 0)
		argc--, argv++;

	if (keyword_is(verb, "show")) {
		args->op = FLOW_SHOW;
		return parse_show_args(argc, argv, args);
	} else if (keyword_is(verb, "flush")) {
		args->op = FLOW_FLUSH;
		used = 0;
	} else if (keyword_is(verb, "get")) {
		args->op = FLOW_GET;
	} else if (keyword_is(verb, "del")) {
		args->op = FLOW_DEL;
	} else if (keyword_is(verb, "verdict")) {
		args->op = FLOW_VERDICT;
	} else {
		return usage_error(verb);
	}

	if (used && parse_id(argc, argv, verb, &args->id))
		return EXIT_USAGE;
	argc -= used, argv += used;

	if (args->op == FLOW_VERDICT) {
		if (argc < 1) {
			missing_argument("verdict");
			return EXIT_USAGE;
		}
		if (parse_choice("verdict", argv[0], ito_agent_verdict_names,
				 &args->verdict))
			return EXIT_USAGE;
		argc--, argv++;
	}
	if (argc > 0)
		return usage_error(argv[0]);
	return EXIT_OK;
}

struct nlmsghdr *flow_build_request(void *buf, uint16_t family_id,
				    const struct flow_args *args)
{
	static const uint8_t cmds[] = {
		[FLOW_SHOW] = ITO_CMD_FLOW_GET,
		[FLOW_GET] = ITO_CMD_FLOW_GET,
		[FLOW_DEL] = ITO_CMD_FLOW_DEL,
		[FLOW_FLUSH] = ITO_CMD_FLOW_FLUSH,
		[FLOW_VERDICT] = ITO_CMD_FLOW_VERDICT,
	};
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, family_id, cmds[args->op],
			       ITO_FAMILY_VERSION,
			       args->op == FLOW_SHOW ? NLM_F_DUMP : 0);
	if (args->op == FLOW_FLUSH ||
	    (args->op == FLOW_SHOW && !args->has_state))
		return nlh;

	nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);
	if (args->op == FLOW_SHOW)
		mnl_attr_put_u32(nlh, ITO_A_FLOW_STATE, args->state);
	else
		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, args->id);
	if (args->op == FLOW_VERDICT)
		mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, args->verdict);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_DCCP;
}

static bool proto_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

struct strbuf {
	char *s;
	size_t len;
	size_t used;
};

static void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->used >= sb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->s + sb->used, sb->len - sb->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->used += n;
}

/* "10.0.1.2:40000", "[2001:db8::1]:40000", or the bare address. */
static void sb_endpoint(struct strbuf *sb, const uint8_t *addr, uint8_t len,
			bool has_port, uint16_t port)
{
	char a[ITO_ENDPOINT_STRLEN];

	if (has_port)
		sb_printf(sb, "%s", ito_endpoint_str(addr, len, port, a));
	else
		sb_printf(sb, "%s", ito_addr_str(addr, len, a));
}

/* "tcp 10.0.1.2:40000 -> 10.0.2.2:5201", "icmp A -> B type 8 code 0 id 7". */
static void format_tuple(const struct ito_flow *flow, char *buf, size_t len)
{
	struct strbuf sb = { buf, len, 0 };
	bool ports = proto_has_ports(flow->proto);
	const char *proto = ito_name_word(ito_proto_names, flow->proto);

	buf[0] = '\0';
	if (ito_flow_has(flow, ITO_A_FLOW_PROTO)) {
		if (proto)
			sb_printf(&sb, "%s", proto);
		else
			sb_printf(&sb, "proto %u", flow->proto);
	}
	if (ito_flow_has(flow, ITO_A_FLOW_SADDR)) {
		sb_printf(&sb, "%s", sb.used ? " " : "");
		sb_endpoint(&sb, flow->saddr, flow->saddr_len,
			    ports && ito_flow_has(flow, ITO_A_FLOW_SPORT),
			    flow->sport);
	}
	if (ito_flow_has(flow, ITO_A_FLOW_DADDR)) {
		sb_printf(&sb, "%s", sb.used ? " -> " : "-> ");
		sb_endpoint(&sb, flow->daddr, flow->daddr_len,
			    ports && ito_flow_has(flow, ITO_A_FLOW_DPORT),
			    flow->dport);
	}
	/* ICMP: the source "port" is the id, the destination type << 8 | code. */
	if (proto_is_icmp(flow->proto) && ito_flow_has(flow, ITO_A_FLOW_DPORT))
		sb_printf(&sb, " type %u code %u", flow->dport >> 8,
			  flow->dport & 0xff);
	if (proto_is_icmp(flow->proto) && ito_flow_has(flow, ITO_A_FLOW_SPORT))
		sb_printf(&sb, " id %u", flow->sport);
}

static bool flow_offloaded(const struct ito_flow *flow)
{
	return flow->state == ITO_FLOW_STATE_OFFLOADED;
}

/* The JSON members of a flow, in one place for every command. */
static void flow_json_members(struct printer *p, const struct ito_flow *f)
{
	char num[NUMBER_LEN], a[INET6_ADDRSTRLEN], dev[DEV_NAME_LEN];

	if (ito_flow_has(f, ITO_A_FLOW_ID))
		print_field_uint(p, PRINT_JSON, "id", NULL, f->id);
	if (ito_flow_has(f, ITO_A_FLOW_PROTO))
		print_field_str(p, PRINT_JSON, "proto", NULL,
				word_or_number(ito_proto_names, f->proto, num));
	if (ito_flow_has(f, ITO_A_FLOW_FAMILY))
		print_field_str(p, PRINT_JSON, "family", NULL,
				word_or_number(ito_family_names, f->family, num));
	if (ito_flow_has(f, ITO_A_FLOW_SADDR))
		print_field_str(p, PRINT_JSON, "src", NULL,
				ito_addr_str(f->saddr, f->saddr_len, a));
	if (ito_flow_has(f, ITO_A_FLOW_SPORT))
		print_field_uint(p, PRINT_JSON, "sport", NULL, f->sport);
	if (ito_flow_has(f, ITO_A_FLOW_DADDR))
		print_field_str(p, PRINT_JSON, "dst", NULL,
				ito_addr_str(f->daddr, f->daddr_len, a));
	if (ito_flow_has(f, ITO_A_FLOW_DPORT))
		print_field_uint(p, PRINT_JSON, "dport", NULL, f->dport);
	/*
	 * An interface another object refers to is its ifindex in JSON, and
	 * its name here (the number if it has none) for people and scripts.
	 */
	if (ito_flow_has(f, ITO_A_FLOW_IIF)) {
		print_field_uint(p, PRINT_JSON, "iif", NULL, f->iif);
		print_field_str(p, PRINT_JSON, "iif_name", NULL,
				dev_name(f->iif, dev));
	}
	if (ito_flow_has(f, ITO_A_FLOW_STATE))
		print_field_str(p, PRINT_JSON, "state", NULL,
				word_or_number(ito_flow_state_names, f->state, num));
	if (ito_flow_has(f, ITO_A_FLOW_VERDICT))
		print_field_str(p, PRINT_JSON, "verdict", NULL,
				word_or_number(ito_verdict_names, f->verdict, num));
	if (ito_flow_has(f, ITO_A_FLOW_VERDICT_BY))
		print_field_str(p, PRINT_JSON, "verdict_by", NULL,
				word_or_number(ito_verdict_by_names, f->verdict_by,
					       num));
	if (ito_flow_has(f, ITO_A_FLOW_APP))
		print_field_str(p, PRINT_JSON, "app", NULL, f->app);
	if (ito_flow_has(f, ITO_A_FLOW_PKTS_ORIG))
		print_field_uint(p, PRINT_JSON, "pkts_orig", NULL, f->pkts_orig);
	if (ito_flow_has(f, ITO_A_FLOW_BYTES_ORIG))
		print_field_uint(p, PRINT_JSON, "bytes_orig", NULL, f->bytes_orig);
	if (ito_flow_has(f, ITO_A_FLOW_PKTS_REPLY))
		print_field_uint(p, PRINT_JSON, "pkts_reply", NULL, f->pkts_reply);
	if (ito_flow_has(f, ITO_A_FLOW_BYTES_REPLY))
		print_field_uint(p, PRINT_JSON, "bytes_reply", NULL, f->bytes_reply);
	if (ito_flow_has(f, ITO_A_FLOW_AGE_MS))
		print_field_uint(p, PRINT_JSON, "age_ms", NULL, f->age_ms);
	if (ito_flow_has(f, ITO_A_FLOW_IDLE_MS))
		print_field_uint(p, PRINT_JSON, "idle_ms", NULL, f->idle_ms);
	if (ito_flow_has(f, ITO_A_FLOW_RATE))
		print_field_uint(p, PRINT_JSON, "rate", NULL, f->rate);
	if (ito_flow_has(f, ITO_A_FLOW_COPIES))
		print_field_uint(p, PRINT_JSON, "copies", NULL, f->copies);
	if (ito_flow_has(f, ITO_A_FLOW_CT_STATE))
		print_field_str(p, PRINT_JSON, "ct_state", NULL,
				word_or_number(ito_ct_state_names, f->ct_state, num));
	if (ito_flow_has(f, ITO_A_FLOW_STATE))
		print_field_bool(p, PRINT_JSON, "offload", NULL,
				 flow_offloaded(f));
	if (ito_flow_has(f, ITO_A_FLOW_OFFLOAD_PKTS))
		print_field_uint(p, PRINT_JSON, "offload_pkts", NULL,
				 f->offload_pkts);
	if (ito_flow_has(f, ITO_A_FLOW_OFFLOAD_BYTES))
		print_field_uint(p, PRINT_JSON, "offload_bytes", NULL,
				 f->offload_bytes);
}

/*
 * " by ctmark": who gave the verdict, after it in text. Nothing while
 * there is none, nor from a module that does not say.
 */
static const char *verdict_by_text(const struct ito_flow *f,
				   char buf[NUMBER_LEN + 4])
{
	char num[NUMBER_LEN];

	if (!ito_flow_has(f, ITO_A_FLOW_VERDICT_BY) ||
	    f->verdict_by == ITO_VERDICT_BY_NONE)
		return "";
	snprintf(buf, NUMBER_LEN + 4, " by %s",
		 word_or_number(ito_verdict_by_names, f->verdict_by, num));
	return buf;
}

/* The text of a flow on one line, without the newline. */
static void flow_text_line(struct printer *p, const struct ito_flow *f)
{
	char tuple[TUPLE_LEN], num[NUMBER_LEN], dev[DEV_NAME_LEN];
	char by[NUMBER_LEN + 4];
	const char *sep = "";

	if (ito_flow_has(f, ITO_A_FLOW_ID)) {
		print_text(p, "id %" PRIu64, f->id);
		sep = " ";
	}
	format_tuple(f, tuple, sizeof(tuple));
	if (tuple[0])
		print_text(p, "%s%s", sep, tuple);
	if (ito_flow_has(f, ITO_A_FLOW_IIF))
		print_text(p, " iif %s", dev_name(f->iif, dev));
	if (ito_flow_has(f, ITO_A_FLOW_STATE))
		print_text(p, " state %s",
			   word_or_number(ito_flow_state_names, f->state, num));
	if (ito_flow_has(f, ITO_A_FLOW_VERDICT))
		print_text(p, " verdict %s%s",
			   word_or_number(ito_verdict_names, f->verdict, num),
			   verdict_by_text(f, by));
	if (ito_flow_has(f, ITO_A_FLOW_APP))
		print_text(p, " app %s", f->app);
	/* Original/reply, as conntrack counts them. */
	if (ito_flow_has(f, ITO_A_FLOW_PKTS_ORIG) || ito_flow_has(f, ITO_A_FLOW_PKTS_REPLY))
		print_text(p, " pkts %" PRIu64 "/%" PRIu64,
			   f->pkts_orig, f->pkts_reply);
	if (ito_flow_has(f, ITO_A_FLOW_BYTES_ORIG) || ito_flow_has(f, ITO_A_FLOW_BYTES_REPLY))
		print_text(p, " bytes %" PRIu64 "/%" PRIu64,
			   f->bytes_orig, f->bytes_reply);
	if (ito_flow_has(f, ITO_A_FLOW_RATE))
		print_text(p, " rate %u/s", f->rate);
	if (ito_flow_has(f, ITO_A_FLOW_AGE_MS))
		print_text(p, " age %ss", format_secs(f->age_ms, num));
	if (ito_flow_has(f, ITO_A_FLOW_IDLE_MS))
		print_text(p, " idle %ss", format_secs(f->idle_ms, num));
	if (ito_flow_has(f, ITO_A_FLOW_COPIES))
		print_text(p, " copies %u", f->copies);
	if (f->offload_pkts)
		print_text(p, " offloaded %" PRIu64 " pkts", f->offload_pkts);
}

void flow_print_line(struct printer *p, const struct ito_flow *flow)
{
	print_open_object(p, NULL);
	flow_json_members(p, flow);
	flow_text_line(p, flow);
	print_text(p, "\n");
	print_close_object(p);
}

#define DETAIL_WIDTH	9	/* "ct-state" plus a space */

void flow_print_detail(struct printer *p, const struct ito_flow *f)
{
	char tuple[TUPLE_LEN], num[NUMBER_LEN], dev[DEV_NAME_LEN];
	char by[NUMBER_LEN + 4];
	const int w = DETAIL_WIDTH;
	unsigned int i;

	if (p->json) {
		/* The object of "show", plus the paths. */
		print_open_object(p, NULL);
		flow_json_members(p, f);
		if (f->n_paths) {
			print_open_array(p, "paths");
			for (i = 0; i < f->n_paths; i++)
				path_print(p, &f->path[i], f->proto);
			print_close_array(p);
		}
		print_close_object(p);
		return;
	}
	print_text(p, "flow %" PRIu64 "\n", f->id);
	format_tuple(f, tuple, sizeof(tuple));
	if (tuple[0])
		print_text(p, "  %-*s: %s\n", w, "tuple", tuple);
	if (ito_flow_has(f, ITO_A_FLOW_IIF))
		print_text(p, "  %-*s: %s\n", w, "iif", dev_name(f->iif, dev));
	if (ito_flow_has(f, ITO_A_FLOW_STATE))
		print_text(p, "  %-*s: %s\n  %-*s: %s\n",
			   w, "state", word_or_number(ito_flow_state_names, f->state, num),
			   w, "offload", flow_offloaded(f) ? "yes" : "no");
	if (ito_flow_has(f, ITO_A_FLOW_VERDICT))
		print_text(p, "  %-*s: %s%s\n", w, "verdict",
			   word_or_number(ito_verdict_names, f->verdict, num),
			   verdict_by_text(f, by));
	if (ito_flow_has(f, ITO_A_FLOW_APP))
		print_text(p, "  %-*s: %s\n", w, "app", f->app);
	if (ito_flow_has(f, ITO_A_FLOW_CT_STATE) && f->proto == IPPROTO_TCP)
		print_text(p, "  %-*s: %s\n", w, "ct-state",
			   word_or_number(ito_ct_state_names, f->ct_state, num));
	if (ito_flow_has(f, ITO_A_FLOW_PKTS_ORIG) || ito_flow_has(f, ITO_A_FLOW_PKTS_REPLY))
		print_text(p, "  %-*s: %" PRIu64 " original, %" PRIu64 " reply\n",
			   w, "packets", f->pkts_orig, f->pkts_reply);
	if (ito_flow_has(f, ITO_A_FLOW_BYTES_ORIG) || ito_flow_has(f, ITO_A_FLOW_BYTES_REPLY))
		print_text(p, "  %-*s: %" PRIu64 " original, %" PRIu64 " reply\n",
			   w, "bytes", f->bytes_orig, f->bytes_reply);
	if (ito_flow_has(f, ITO_A_FLOW_RATE))
		print_text(p, "  %-*s: %u pkt/s\n", w, "rate", f->rate);
	if (ito_flow_has(f, ITO_A_FLOW_AGE_MS))
		print_text(p, "  %-*s: %s s\n", w, "age",
			   format_secs(f->age_ms, num));
	if (ito_flow_has(f, ITO_A_FLOW_IDLE_MS))
		print_text(p, "  %-*s: %s s\n", w, "idle",
			   format_secs(f->idle_ms, num));
	if (ito_flow_has(f, ITO_A_FLOW_COPIES))
		print_text(p, "  %-*s: %u\n", w, "copies", f->copies);
	if (ito_flow_has(f, ITO_A_FLOW_OFFLOAD_PKTS))
		print_text(p, "  %-*s: %" PRIu64 " packets, %" PRIu64 " bytes\n",
			   w, "fastpath", f->offload_pkts, f->offload_bytes);
	for (i = 0; i < f->n_paths; i++)
		path_print(p, &f->path[i], f->proto);
}

void flow_print_event(struct printer *p, const struct ito_flow *f,
		      const char *timestamp)
{
	char num[NUMBER_LEN];

	print_open_object(p, NULL);
	if (timestamp)
		print_field_str(p, PRINT_ANY, "timestamp", "[%s] ", timestamp);
	print_field_str(p, PRINT_ANY, "event", "%s ",
			ito_flow_has(f, ITO_A_FLOW_EVENT) ?
			word_or_number(ito_flow_event_names, f->event, num) :
			"flow");
	flow_json_members(p, f);
	flow_text_line(p, f);
	if (ito_flow_has(f, ITO_A_FLOW_END_REASON))
		print_field_str(p, PRINT_ANY, "reason", " reason %s",
				word_or_number(ito_end_reason_names, f->end_reason,
					       num));
	print_text(p, "\n");
	print_close_object(p);
}

static int print_match_cb(const struct ito_flow *flow, void *data)
{
	struct flow_show *show = data;

	if (flow_filter_match(show->filter, flow))
		flow_print_line(&show->p, flow);
	return 0;
}

int flow_show_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	if (ito_flow_parse_reply(nlh, print_match_cb, data)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* kernel_request_list(), with the filter beside the printer. */
static int show_flows(struct itoctl *ctl, struct nlmsghdr *req,
		      const struct flow_filter *filter, const char *what)
{
	struct flow_show show = { .filter = filter };
	int ret;

	print_init(&show.p, stdout, ctl->json, ctl->pretty);
	print_open_array(&show.p, NULL);
	ret = kernel_request(ctl, req, flow_show_reply_cb, &show, what);
	print_close_array(&show.p);
	return ret;
}

struct get_reply {
	struct ito_flow flow;
	bool received;
};

static int keep_first_cb(const struct ito_flow *flow, void *data)
{
	struct get_reply *reply = data;

	if (!reply->received)
		reply->flow = *flow;
	reply->received = true;
	return 0;
}

static int get_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	if (ito_flow_parse_reply(nlh, keep_first_cb, data)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int cmd_flow(struct itoctl *ctl, int argc, char **argv)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct get_reply reply = {};
	struct flow_args args;
	struct nlmsghdr *nlh;
	struct printer p;
	char what[64];
	int ret;

	ret = flow_parse_args(argc, argv, &args);
	if (ret)
		return ret;

	switch (args.op) {
	case FLOW_SHOW:
		snprintf(what, sizeof(what), "reading the flows");
		break;
	case FLOW_GET:
		snprintf(what, sizeof(what), "reading flow %" PRIu64, args.id);
		break;
	case FLOW_DEL:
		snprintf(what, sizeof(what), "removing flow %" PRIu64, args.id);
		break;
	case FLOW_FLUSH:
		snprintf(what, sizeof(what), "flushing the flows");
		break;
	case FLOW_VERDICT:
		snprintf(what, sizeof(what), "setting the verdict of flow %" PRIu64,
			 args.id);
		break;
	}

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	nlh = flow_build_request(buf, ctl->nl.family.id, &args);
	print_init(&p, stdout, ctl->json, ctl->pretty);

	if (args.op == FLOW_SHOW) {
		ret = show_flows(ctl, nlh, &args.filter, what);
	} else if (args.op == FLOW_GET) {
		ret = kernel_request(ctl, nlh, get_reply_cb, &reply, what);
		if (!ret && !reply.received)
			ret = report_kernel_error(-ENODATA, "", what);
		if (!ret)
			flow_print_detail(&p, &reply.flow);
	} else {
		ret = kernel_request(ctl, nlh, NULL, NULL, what);
	}
	kernel_disconnect(ctl);
	return ret;
}
