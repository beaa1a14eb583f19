// SPDX-License-Identifier: GPL-2.0
/* "itoctl show" and "itoctl set": the module's configuration knobs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "config.h"
#include "itoctl.h"
#include "ito_names.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

enum knob_kind {
	KNOB_UINT,	/* decimal, shown with its unit */
	KNOB_YES_NO,	/* a 0/1 switch shown as yes/no */
	KNOB_WORD,	/* an enum set by @words, shown by @names */
	KNOB_FLAGS,	/* bits, the words of @names joined by "," */
	KNOB_HEX,	/* a mark or mask: decimal or 0x hex, shown as hex */
	KNOB_CTLABEL,	/* a conntrack label bit [0, 127], or "none" */
};

struct config_knob {
	const char *keyword;	/* CLI keyword, text label and JSON key */
	uint16_t attr;
	enum knob_kind kind;
	const char *unit;	/* shown after a KNOB_UINT in text output */
	const struct ito_name *words;	/* KNOB_WORD: set by these words... */
	const struct ito_name *names;	/* ...and shown by these */
};

/* In the order "show" prints them. */
static const struct config_knob knobs[] = {
	{ .keyword = "offload", .attr = ITO_A_CONFIG_ENABLED, .kind = KNOB_YES_NO },
	{ .keyword = "min-pkts", .attr = ITO_A_CONFIG_MIN_PKTS },
	{ .keyword = "min-rate", .attr = ITO_A_CONFIG_MIN_RATE, .unit = "pkt/s" },
	{ .keyword = "tcp-ageing", .attr = ITO_A_CONFIG_TCP_AGEING, .unit = "s" },
	{ .keyword = "udp-ageing", .attr = ITO_A_CONFIG_UDP_AGEING, .unit = "s" },
	{ .keyword = "max-sessions", .attr = ITO_A_CONFIG_MAX_SESSIONS },
	{ .keyword = "max-update-rate", .attr = ITO_A_CONFIG_MAX_UPDATE_RATE, .unit = "/s" },
	{ .keyword = "snaplen", .attr = ITO_A_CONFIG_SNAPLEN, .unit = "bytes" },
	{ .keyword = "default-verdict", .attr = ITO_A_CONFIG_DEFAULT_VERDICT,
	  .kind = KNOB_WORD, .words = ito_default_verdict_names,
	  .names = ito_verdict_names },
	{ .keyword = "max-flows", .attr = ITO_A_CONFIG_MAX_FLOWS },
	{ .keyword = "verdict-source", .attr = ITO_A_CONFIG_VERDICT_SOURCE,
	  .kind = KNOB_FLAGS, .names = ito_verdict_source_names },
	{ .keyword = "ctmark-mask", .attr = ITO_A_CONFIG_CTMARK_MASK, .kind = KNOB_HEX },
	{ .keyword = "ctmark-offload", .attr = ITO_A_CONFIG_CTMARK_OFFLOAD, .kind = KNOB_HEX },
	{ .keyword = "ctmark-inspect", .attr = ITO_A_CONFIG_CTMARK_INSPECT, .kind = KNOB_HEX },
	{ .keyword = "ctmark-block", .attr = ITO_A_CONFIG_CTMARK_BLOCK, .kind = KNOB_HEX },
	{ .keyword = "ctlabel-offloaded", .attr = ITO_A_CONFIG_CTLABEL_OFFLOADED,
	  .kind = KNOB_CTLABEL },
	{ .keyword = "ctlabel-inspected", .attr = ITO_A_CONFIG_CTLABEL_INSPECTED,
	  .kind = KNOB_CTLABEL },
	{ .keyword = "ctlabel-blocked", .attr = ITO_A_CONFIG_CTLABEL_BLOCKED,
	  .kind = KNOB_CTLABEL },
	{ .keyword = "ha-role", .attr = ITO_A_CONFIG_HA_ROLE,
	  .kind = KNOB_WORD, .words = ito_ha_role_names, .names = ito_ha_role_names },
	{ .keyword = "ha-hold", .attr = ITO_A_CONFIG_HA_HOLD, .unit = "ms" },
	{ .keyword = "copy-delay", .attr = ITO_A_CONFIG_COPY_DELAY, .unit = "us" },
};

#define N_KNOBS		(sizeof(knobs) / sizeof(knobs[0]))
#define LABEL_WIDTH	19	/* longest keyword plus two spaces */
/* Room for every word of ito_verdict_source_names and a newer module's bits. */
#define FLAGS_LEN	64

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

/*
 * A conntrack label bit, or "none". The kernel checks the range too, but
 * 128 is its ITO_CTLABEL_NONE: a bit beyond 127 is refused here, lest it
 * silently mean none.
 */
static int parse_ctlabel(const char *keyword, const char *arg,
			 uint32_t *value)
{
	size_t len = strlen(arg);

	if (keyword_is(arg, "none")) {
		*value = ITO_CTLABEL_NONE;
		return 0;
	}
	/* Decimal digits only, at most 3 of them: strtoul() cannot overflow. */
	if (len == 0 || len > 3 || strspn(arg, "0123456789") != len ||
	    strtoul(arg, NULL, 10) > ITO_CTLABEL_NONE - 1) {
		pr_err("argument of \"%s\" must be a label bit [0, %u] or \"none\", not \"%s\"",
		       keyword, ITO_CTLABEL_NONE - 1, arg);
		return -EINVAL;
	}
	*value = strtoul(arg, NULL, 10);
	return 0;
}

/* The VALUE of "KEYWORD VALUE"; 0 or -EINVAL with the reason printed. */
static int parse_value(const struct config_knob *knob, const char *arg,
		       uint32_t *value)
{
	bool yes;

	switch (knob->kind) {
	case KNOB_YES_NO:
		if (parse_yes_no(knob->keyword, arg, &yes))
			return -EINVAL;
		*value = yes;
		return 0;
	case KNOB_WORD:
		return parse_choice(knob->keyword, arg, knob->words, value);
	case KNOB_FLAGS:
		return parse_flags(knob->keyword, arg, knob->names, value);
	case KNOB_HEX:
		return parse_u32_hex(knob->keyword, arg, value);
	case KNOB_CTLABEL:
		return parse_ctlabel(knob->keyword, arg, value);
	case KNOB_UINT:
		break;
	}
	return parse_u32(knob->keyword, arg, value);
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

		if (!knob)
			return usage_error(argv[0]);
		if (argc < 2) {
			missing_argument(knob->keyword);
			return EXIT_USAGE;
		}
		if (config_has(cfg, knob->attr)) {
			duplicate_argument(knob->keyword, argv[1]);
			return EXIT_USAGE;
		}
		if (parse_value(knob, argv[1], &value))
			return EXIT_USAGE;
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
	const char *word = ito_name_word(knob->names, value);
	char number[16];

	if (!word) {
		snprintf(number, sizeof(number), "%u", value);
		word = number;
	}
	print_string(p, knob->keyword, word);
}

static void print_value(struct printer *p, const struct config_knob *knob,
			uint32_t value)
{
	char flags[FLAGS_LEN];

	switch (knob->kind) {
	case KNOB_YES_NO:
		print_yes_no(p, knob->keyword, value);
		return;
	case KNOB_WORD:
		print_word(p, knob, value);
		return;
	case KNOB_FLAGS:
		print_string(p, knob->keyword,
			     flags_words(knob->names, value, flags,
					 sizeof(flags)));
		return;
	case KNOB_HEX:
		print_hex(p, knob->keyword, value);
		return;
	case KNOB_CTLABEL:
		if (value == ITO_CTLABEL_NONE)
			print_null(p, knob->keyword, "none");
		else
			print_u64(p, knob->keyword, value, NULL);
		return;
	case KNOB_UINT:
		break;
	}
	print_u64(p, knob->keyword, value, knob->unit);
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
		print_value(p, knob, cfg->value[knob->attr]);
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

	if (argc > 0)
		return usage_error(argv[0]);

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
