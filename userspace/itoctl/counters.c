// SPDX-License-Identifier: GPL-2.0
/* "itoctl counters": the kernel names its counters, we print what we get. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "counters.h"
#include "itoctl.h"
#include "netns.h"
#include "parse.h"
#include "prometheus.h"
#include "report.h"
#include "usage.h"

static int counters_append(struct counter_list *list, uint32_t id,
			   const char *name, uint64_t value)
{
	struct counter *c;

	if (list->len == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 32;

		c = realloc(list->entries, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		list->entries = c;
		list->cap = cap;
	}
	c = &list->entries[list->len];
	c->id = id;
	c->value = value;
	if (name)
		c->name = strdup(name);
	else if (asprintf(&c->name, "counter_%u", id) < 0)
		c->name = NULL;
	if (!c->name)
		return -ENOMEM;
	list->len++;
	return 0;
}

static int parse_entry(const struct nlattr *entry, struct counter_list *list)
{
	const struct nlattr *tb[ITO_A_COUNTER_MAX + 1] = {};
	const char *name = NULL;
	uint32_t id = COUNTER_ID_NONE;

	if (ito_nl_parse_nested(entry, tb, ITO_A_COUNTER_MAX))
		return -EPROTO;

	if (!tb[ITO_A_COUNTER_VALUE] ||
	    mnl_attr_validate(tb[ITO_A_COUNTER_VALUE], MNL_TYPE_U64) < 0)
		return -EPROTO;
	if (tb[ITO_A_COUNTER_ID]) {
		if (mnl_attr_validate(tb[ITO_A_COUNTER_ID], MNL_TYPE_U32) < 0)
			return -EPROTO;
		id = mnl_attr_get_u32(tb[ITO_A_COUNTER_ID]);
	}
	if (tb[ITO_A_COUNTER_NAME]) {
		if (mnl_attr_validate(tb[ITO_A_COUNTER_NAME],
				      MNL_TYPE_NUL_STRING) < 0)
			return -EPROTO;
		name = mnl_attr_get_str(tb[ITO_A_COUNTER_NAME]);
	} else if (!tb[ITO_A_COUNTER_ID]) {
		return -EPROTO;		/* nothing to call it by */
	}
	return counters_append(list, id, name,
			       mnl_attr_get_u64(tb[ITO_A_COUNTER_VALUE]));
}

int counters_parse_reply(const struct nlmsghdr *nlh, struct counter_list *list)
{
	const struct nlattr *tb[ITO_A_MAX + 1] = {};
	const struct nlattr *entry;
	int err;

	if (ito_nl_parse_top(nlh, tb, ITO_A_MAX))
		return -EPROTO;
	if (!tb[ITO_A_COUNTERS] ||
	    mnl_attr_validate(tb[ITO_A_COUNTERS], MNL_TYPE_NESTED) < 0)
		return -EPROTO;

	mnl_attr_for_each_nested(entry, tb[ITO_A_COUNTERS]) {
		if (mnl_attr_get_type(entry) != ITO_A_COUNTERS_ENTRY)
			continue;	/* from a newer module */
		err = parse_entry(entry, list);
		if (err)
			return err;
	}
	return 0;
}

void counters_free(struct counter_list *list)
{
	size_t i;

	for (i = 0; i < list->len; i++)
		free(list->entries[i].name);
	free(list->entries);
	memset(list, 0, sizeof(*list));
}

bool counter_matches(const struct counter *c, const char *match)
{
	return !match || strstr(c->name, match);
}

void counters_print(struct printer *p, const struct counter_list *list,
		    const char *match)
{
	int width = 0;
	size_t i;

	for (i = 0; i < list->len; i++) {
		int len = strlen(list->entries[i].name);

		if (counter_matches(&list->entries[i], match) && len > width)
			width = len;
	}

	print_text_layout(p, "", width, "  ");
	print_begin(p, NULL);
	for (i = 0; i < list->len; i++) {
		const struct counter *c = &list->entries[i];

		if (counter_matches(c, match))
			print_u64(p, c->name, c->value, NULL);
	}
	print_end(p);
}

static int counters_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = counters_parse_reply(nlh, data);

	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int parse_args(int argc, char **argv, const char **match)
{
	for (*match = NULL; argc > 0; argc--, argv++) {
		if (!keyword_is(argv[0], "match"))
			return usage_error(argv[0]);
		if (argc < 2) {
			missing_argument("match");
			return EXIT_USAGE;
		}
		if (*match) {
			duplicate_argument("match", argv[1]);
			return EXIT_USAGE;
		}
		argc--, argv++;
		*match = argv[0];
	}
	return EXIT_OK;
}

static int print_metrics(const struct itoctl *ctl,
			 const struct counter_list *list, const char *match)
{
	char netns[NETNS_LABEL_LEN];
	int err = 0;

	/* "-n NAME": the name asked for, even if others name it too. */
	if (ctl->netns)
		snprintf(netns, sizeof(netns), "%s", ctl->netns);
	else
		err = netns_label(netns, NETNS_NAMED_DIR);
	if (err) {
		pr_err("cannot tell the network namespace: %s", strerror(-err));
		return EXIT_FAIL;
	}
	prometheus_print_counters(stdout, list, match, netns);
	/* A cut-short file must not replace the last whole one (ito-metrics). */
	if (fflush(stdout) || ferror(stdout)) {
		pr_err("writing the metrics failed: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int output(struct itoctl *ctl, const struct counter_list *list,
		  const char *match)
{
	struct printer p;

	if (ctl->prometheus)
		return print_metrics(ctl, list, match);
	print_init(&p, stdout, ctl->json, ctl->pretty);
	counters_print(&p, list, match);
	return EXIT_OK;
}

int cmd_counters(struct itoctl *ctl, int argc, char **argv)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct counter_list list = {};
	const char *match;
	struct nlmsghdr *nlh;
	int ret;

	ret = parse_args(argc, argv, &match);
	if (ret)
		return ret;
	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	nlh = ito_nl_msg_start(buf, ctl->nl.family.id, ITO_CMD_COUNTERS_GET,
			       ITO_FAMILY_VERSION, 0);
	ret = kernel_request(ctl, nlh, counters_reply_cb, &list,
			     "reading the counters");
	kernel_disconnect(ctl);
	if (!ret)
		ret = output(ctl, &list, match);
	counters_free(&list);
	return ret;
}
