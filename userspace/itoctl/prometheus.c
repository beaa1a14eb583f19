// SPDX-License-Identifier: GPL-2.0
/* The counters as Prometheus metrics, in the text exposition format. */
#include <ctype.h>
#include <inttypes.h>

#include "counter_info.h"
#include "prometheus.h"

static const char *const type_words[] = {
	[ITO_COUNTER_UNTYPED] = "untyped",
	[ITO_COUNTER_MONOTONIC] = "counter",
	[ITO_COUNTER_GAUGE] = "gauge",
};

void prometheus_put_escaped(FILE *fp, const char *s, bool label)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '"' && label)
			fputs("\\\"", fp);
		else
			fputc(*s, fp);
	}
}

/*
 * Metric names allow [a-zA-Z0-9_:] after the prefix; the kernel's names
 * are snake_case, anything else a newer module sends becomes '_'.
 */
static void put_metric_name(FILE *fp, const char *name,
			    enum ito_counter_kind kind)
{
	fputs("ito_", fp);
	for (; *name; name++)
		fputc(isalnum((unsigned char)*name) || *name == ':' ?
		      *name : '_', fp);
	if (kind == ITO_COUNTER_MONOTONIC)
		fputs("_total", fp);
}

static void put_help(FILE *fp, const struct counter *c,
		     const struct ito_counter_info *info)
{
	if (info)
		prometheus_put_escaped(fp, info->help, false);
	else
		fprintf(fp, "Counter %u of a newer ito module, unknown to this itoctl.",
			c->id);
}

static void put_metric(FILE *fp, const struct counter *c, const char *netns)
{
	const struct ito_counter_info *info = ito_counter_info(c->id);
	enum ito_counter_kind kind = info ? info->kind : ITO_COUNTER_UNTYPED;

	fputs("# HELP ", fp);
	put_metric_name(fp, c->name, kind);
	fputc(' ', fp);
	put_help(fp, c, info);
	fputs("\n# TYPE ", fp);
	put_metric_name(fp, c->name, kind);
	fprintf(fp, " %s\n", type_words[kind]);
	put_metric_name(fp, c->name, kind);
	fputs("{netns=\"", fp);
	prometheus_put_escaped(fp, netns, true);
	fprintf(fp, "\"} %" PRIu64 "\n", c->value);
}

void prometheus_print_counters(FILE *fp, const struct counter_list *list,
			       const char *match, const char *netns)
{
	size_t i;

	for (i = 0; i < list->len; i++)
		if (counter_matches(&list->entries[i], match))
			put_metric(fp, &list->entries[i], netns);
}
