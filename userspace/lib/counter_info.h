/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each counter of enum ito_counter means, for tools that export them
 * (itoctl's Prometheus output): whether it only grows or is a gauge, and a
 * one-line description. The kernel sends ids, names and values; this
 * table adds what a monitoring system needs besides.
 */
#ifndef ITO_COUNTER_INFO_H
#define ITO_COUNTER_INFO_H

#include <stdint.h>

enum ito_counter_kind {
	ITO_COUNTER_UNTYPED,	/* not in the table: a newer module's */
	ITO_COUNTER_MONOTONIC,	/* only grows */
	ITO_COUNTER_GAUGE,	/* goes up and down: a count of things now */
};

struct ito_counter_info {
	enum ito_counter_kind kind;
	const char *help;	/* a sentence, no newline */
};

/*
 * The description of counter @id (enum ito_counter), or NULL for an id
 * this build does not know: a newer module's counter.
 */
const struct ito_counter_info *ito_counter_info(uint32_t id);

#endif /* ITO_COUNTER_INFO_H */
