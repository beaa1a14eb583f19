/* SPDX-License-Identifier: GPL-2.0 */
/* The module's counters: "itoctl counters". */
#ifndef ITOCTL_COUNTERS_H
#define ITOCTL_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ito_nl.h"
#include "print.h"

/* The id of an entry that came without one: no table knows it. */
#define COUNTER_ID_NONE		UINT32_MAX

struct counter {
	uint32_t id;
	char *name;		/* as the kernel names it */
	uint64_t value;
};

/* Counters in the kernel's order. */
struct counter_list {
	struct counter *entries;
	size_t len;
	size_t cap;
};

/*
 * Append the counters of a COUNTERS_GET reply to @list. Unknown attributes
 * are skipped; an entry without a name is named after its id. Returns 0,
 * -EPROTO for a malformed reply or -ENOMEM.
 */
int counters_parse_reply(const struct nlmsghdr *nlh, struct counter_list *list);
void counters_free(struct counter_list *list);

/* Whether @c is shown when the user asked for "match @match" (NULL: all). */
bool counter_matches(const struct counter *c, const char *match);

/* Print the counters whose name contains @match (all if NULL). */
void counters_print(struct printer *p, const struct counter_list *list,
		    const char *match);

#endif /* ITOCTL_COUNTERS_H */
