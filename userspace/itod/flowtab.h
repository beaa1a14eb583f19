/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowtab - the flows itod has decided, by kernel flow id, so that packet
 * copies still in flight after a verdict (and every copy of an inspect-all
 * flow) do not produce another verdict.
 *
 * Open addressing with linear probing and backward-shift deletion: no
 * tombstones, lookups stay short after many deletions. Entries go when the
 * flow's END event arrives (flowtab_del) or when no copy was seen for a
 * while (flowtab_expire). Single-threaded.
 */
#ifndef ITOD_FLOWTAB_H
#define ITOD_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLOWTAB_MIN_SLOTS	1024u
#define FLOWTAB_DEF_MAX		(1u << 21)	/* entries */

struct flowtab_entry {
	uint64_t id;		/* 0: free slot (the kernel never uses 0) */
	uint32_t last_seen;	/* seconds, caller's monotonic clock */
	uint32_t verdict;	/* enum ito_verdict */
};

struct flowtab {
	struct flowtab_entry *slots;
	size_t n_slots;		/* a power of two */
	size_t n_entries;
	size_t max_entries;	/* inserts beyond are refused */
};

/* 0 or -ENOMEM. @max_entries 0 means FLOWTAB_DEF_MAX. */
int flowtab_init(struct flowtab *ft, size_t max_entries);
void flowtab_fini(struct flowtab *ft);

/* The entry of @id, or NULL. Valid until the next insert or delete. */
struct flowtab_entry *flowtab_find(struct flowtab *ft, uint64_t id);

/*
 * Record (or update) @id's verdict. Returns 0, -ENOSPC when the table is
 * at max_entries, -ENOMEM, or -EINVAL for id 0.
 */
int flowtab_put(struct flowtab *ft, uint64_t id, uint32_t verdict,
		uint32_t now);

/* Forget @id; returns whether it was there. */
bool flowtab_del(struct flowtab *ft, uint64_t id);

/* Drop entries not seen for more than @max_idle seconds; returns how many. */
size_t flowtab_expire(struct flowtab *ft, uint32_t now, uint32_t max_idle);

/* Drop everything (the module went away: ids start over). */
void flowtab_clear(struct flowtab *ft);

#endif /* ITOD_FLOWTAB_H */
