/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "itoctl -o prometheus counters": the counters in Prometheus' text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector or any scraper that reads it.
 */
#ifndef ITOCTL_PROMETHEUS_H
#define ITOCTL_PROMETHEUS_H

#include <stdbool.h>
#include <stdio.h>

#include "counters.h"

/*
 * Write the counters of @list whose name contains @match (all if NULL):
 * each as "# HELP", "# TYPE" and one sample labelled netns="@netns". The
 * metric is ito_<name>, with "_total" after a monotonic counter's; a
 * counter this build does not know is "untyped".
 */
void prometheus_print_counters(FILE *fp, const struct counter_list *list,
			       const char *match, const char *netns);

/*
 * Write @s escaped as a HELP text (backslash, newline) or, with @label, as
 * a label value (the double quote too).
 */
void prometheus_put_escaped(FILE *fp, const char *s, bool label);

#endif /* ITOCTL_PROMETHEUS_H */
