/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sessions - the sessions the daemon holds: the id -> keys index that lets
 * an END (id only) delete both directions, the counter slots, and the
 * counts as last reported, from which each report's deltas come.
 *
 * Counters live in slots of their own (xdp_maps.h), not in the map entry:
 * a replace (a next-hop MAC changed) rewrites the entry but keeps the slot,
 * so no packet counted in between is lost or reported twice. A slot is
 * never zeroed: its reading when the session takes it is the baseline.
 *
 * Single-threaded. Reporting goes through a callback, called for every
 * direction whose counts moved: counts_fn.
 */
#ifndef XDPD_SESSIONS_H
#define XDPD_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "translate.h"

struct maps;

typedef void (*counts_fn)(uint64_t id, uint8_t dir, uint64_t pkts,
			  uint64_t bytes, void *data);

struct session {
	uint64_t id;
	bool used;
	struct ito_xdp_key key[2];
	uint32_t slot[2];
	struct ito_xdp_counter reported[2];	/* the slot's, when last reported */
};

struct sessions {
	struct maps *maps;
	uint32_t max;			/* sessions at most */
	uint32_t n;
	uint32_t mask;			/* of the table: a power of two, >= 2 * max */
	struct session *table;		/* open addressing, linear probing */
	uint32_t *free_slots;		/* a stack of the unused counter slots */
	uint32_t n_free;
};

int sessions_init(struct sessions *s, struct maps *maps, uint32_t max);
void sessions_fini(struct sessions *s);

/*
 * Install @a, or replace the session of that id (its slots, hence its
 * counts, kept; a key that changed is moved). Returns 0 installed, 1
 * replaced, -ENOSPC when full (nothing installed), or a map's -errno: a
 * replace that fails removes the session (its counts go to @fn), so the
 * kernel's path takes its packets.
 */
int sessions_install(struct sessions *s, const struct xdp_announce *a,
		     counts_fn fn, void *data);

/*
 * Remove session @id: its entries first, so nothing counts after the
 * final reading, which goes to @fn (if it moved). -ENOENT if not held.
 */
int sessions_remove(struct sessions *s, uint64_t id, counts_fn fn, void *data);

/* Every direction's counts that moved since the last call go to @fn. */
void sessions_collect(struct sessions *s, counts_fn fn, void *data);

/* Remove every session, their final counts to @fn (may be NULL). */
void sessions_clear(struct sessions *s, counts_fn fn, void *data);

/* The session of @id, or NULL. */
const struct session *sessions_find(const struct sessions *s, uint64_t id);

#endif /* XDPD_SESSIONS_H */
