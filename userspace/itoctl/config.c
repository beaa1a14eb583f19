// SPDX-License-Identifier: GPL-2.0
/* "itoctl show" and "itoctl set": the module's configuration knobs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "config.h"
#include "itoctl.h"
#include "names.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

struct config_knob {
	const char *keyword;	/* CLI keyword, text label and JSON key */
	uint16_t attr;
	const char *unit;	/* shown after the value in text output */
	bool yes_no;		/* a 0/1 switch shown as yes/no */
	const struct choice *words;	/* an enum set by these words... */
	const struct choice *names;	/* ...and shown by these */
};

/* In the order "show" prints them. */
static const struct config_knob knobs[] = {
	{ .keyword = "offload", .attr = ITO_A_CONFIG_ENABLED, .yes_no = true },
	{ .keyword = "min-pkts", .attr = ITO_A_CONFIG_MIN_PKTS },
	{ .keyword = "min-rate", .attr = ITO_A_CONFIG_MIN_RATE, .unit = "pkt/s" },
	{ .keyword = "tcp-ageing", .attr = ITO_A_CONFIG_TCP_AGEING, .unit = "s" },
	{ .keyword = "udp-ageing", .attr = ITO_A_CONFIG_UDP_AGEING, .unit = "s" },
	{ .keyword = "max-sessions", .attr = ITO_A_CONFIG_MAX_SESSIONS },
	{ .keyword = "max-update-rate", .attr = ITO_A_CONFIG_MAX_UPDATE_RATE, .unit = "/s" },
	{ .keyword = "snaplen", .attr = ITO_A_CONFIG_SNAPLEN, .unit = "bytes" },
	{ .keyword = "default-verdict", .attr = ITO_A_CONFIG_DEFAULT_VERDICT,
	  .words = default_verdict_choices, .names = verdict_names },
	{ .keyword = "max-flows", .attr = ITO_A_CONFIG_MAX_FLOWS },
};

#define N_KNOBS		(sizeof(knobs) / sizeof(knobs[0]))
#define LABEL_WIDTH	17	/* longest keyword plus two spaces */

static const struct config_knob *knob_by_keyword(const char *word)
{
	size_t i;

	for (i = 0; i < N_KNOBS; i++)
		if (keyword_is(word, knobs[i].keyword))
			return &knobs[i];
	return NULL;
}

static int config_attr_cb(const struct nlattr *attr, void *data)
{
	struct ito_config *cfg = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* A newer module may have knobs we cannot name: leave them out. */
	if (mnl_attr_type_valid(attr, ITO_A_CONFIG_MAX) < 0 ||
	    type == ITO_A_CONFIG_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	cfg->value[type] = mnl_attr_get_u32(attr);
	cfg->present |= 1u << type;
	return MNL_CB_OK;
}

int config_parse_reply(const struct nlmsghdr *nlh, struct ito_config *cfg)
{
	const struct nlattr *tb[ITO_A_MAX + 1] = {};

	memset(cfg, 0, sizeof(*cfg));
	if (ito_nl_parse_top(nlh, tb, ITO_A_MAX))
		return -EPROTO;
	if (!tb[ITO_A_CONFIG] ||
	    mnl_attr_validate(tb[ITO_A_CONFIG], MNL_TYPE_NESTED) < 0)
		return -EPROTO;
	if (mnl_attr_parse_nested(tb[ITO_A_CONFIG], config_attr_cb, cfg) < 0)
		return -EPROTO;
	return 0;
}

struct nlmsghdr *config_build_set(void *buf, uint16_t family_id,
				  const struct ito_config *cfg)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint16_t attr;

	nlh = ito_nl_msg_start(buf, family_id, ITO_CMD_CONFIG_SET,
			       ITO_FAMILY_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ITO_A_CONFIG);
	for (attr = 1; attr <= ITO_A_CONFIG_MAX; attr++)
		if (config_has(cfg, attr))
			mnl_attr_put_u32(nlh, attr, cfg->value[attr]);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

int config_parse_args(int argc, char **argv, struct ito_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (argc == 0) {
		pr_err("\"set\" needs at least one setting");
		usage(report_stream());
		return EXIT_USAGE;
	}

	for (; argc > 0; argc -= 2, argv += 2) {
		const struct config_knob *knob = knob_by_keyword(argv[0]);
		uint32_t value;

		if (!knob) {
			unknown_word(argv[0]);
			usage(report_stream());
			return EXIT_USAGE;
		}
		if (argc < 2) {
			missing_argument(knob->keyword);
			return EXIT_USAGE;
		}
		if (config_has(cfg, knob->attr)) {
			duplicate_argument(knob->keyword, argv[1]);
			return EXIT_USAGE;
		}
		if (knob->yes_no) {
			bool yes;

			if (parse_yes_no(knob->keyword, argv[1], &yes))
				return EXIT_USAGE;
			value = yes;
		} else if (knob->words) {
			if (parse_choice(knob->keyword, argv[1], knob->words,
					 &value))
				return EXIT_USAGE;
		} else if (parse_u32(knob->keyword, argv[1], &value)) {
			return EXIT_USAGE;
		}
		cfg->value[knob->attr] = value;
		cfg->present |= 1u << knob->attr;
	}
	return EXIT_OK;
}

/*
 * An enum knob as its word; a value of a newer module has none and
 * is shown as its number (a string in JSON, so the type stays the same).
 */
static void print_word(struct printer *p, const struct config_knob *knob,
		       uint32_t value)
{
	const char *word = choice_word(knob->names, value);
	char number[16];

	if (!word) {
		snprintf(number, sizeof(number), "%u", value);
		word = number;
	}
	print_string(p, knob->keyword, word);
}

void config_print(struct printer *p, const struct ito_config *cfg)
{
	size_t i;

	print_text_layout(p, "  ", LABEL_WIDTH, ": ");
	print_begin(p, "Intelligent Traffic Offload:");
	for (i = 0; i < N_KNOBS; i++) {
		const struct config_knob *knob = &knobs[i];

		if (!config_has(cfg, knob->attr))
			continue;
		if (knob->yes_no)
			print_yes_no(p, knob->keyword, cfg->value[knob->attr]);
		else if (knob->words)
			print_word(p, knob, cfg->value[knob->attr]);
		else
			print_u64(p, knob->keyword, cfg->value[knob->attr],
				  knob->unit);
	}
	print_end(p);
}

struct config_reply {
	struct ito_config cfg;
	bool received;
};

static int config_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct config_reply *reply = data;

	if (config_parse_reply(nlh, &reply->cfg)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	reply->received = true;
	return MNL_CB_OK;
}

int cmd_show(struct itoctl *ctl, int argc, char **argv)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct config_reply reply = {};
	struct printer p;
	struct nlmsghdr *nlh;
	int ret;

	if (argc > 0) {
		unknown_word(argv[0]);
		usage(report_stream());
		return EXIT_USAGE;
	}

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	nlh = ito_nl_msg_start(buf, ctl->nl.family.id, ITO_CMD_CONFIG_GET,
			       ITO_FAMILY_VERSION, 0);
	ret = kernel_request(ctl, nlh, config_reply_cb, &reply,
			     "reading the configuration");
	kernel_disconnect(ctl);
	if (ret)
		return ret;
	if (!reply.received)
		return report_kernel_error(-ENODATA, "",
					   "reading the configuration");

	print_init(&p, stdout, ctl->json, ctl->pretty);
	config_print(&p, &reply.cfg);
	return EXIT_OK;
}

int cmd_set(struct itoctl *ctl, int argc, char **argv)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct ito_config cfg;
	struct nlmsghdr *nlh;
	int ret;

	ret = config_parse_args(argc, argv, &cfg);
	if (ret)
		return ret;

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	/* All knobs in one request: the kernel applies all of them or none. */
	nlh = config_build_set(buf, ctl->nl.family.id, &cfg);
	ret = kernel_request(ctl, nlh, NULL, NULL,
			     "changing the configuration");
	kernel_disconnect(ctl);
	return ret;
}
