// SPDX-License-Identifier: GPL-2.0
/* flowtab - decided flow ids, open addressing with backward-shift delete. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowtab.h"

/* Kernel ids are often sequential: mix all bits into the slot index. */
static size_t hash(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	id *= 0xc4ceb9fe1a85ec53ULL;
	id ^= id >> 33;
	return (size_t)id;
}

static size_t home(const struct flowtab *ft, uint64_t id)
{
	return hash(id) & (ft->n_slots - 1);
}

int flowtab_init(struct flowtab *ft, size_t max_entries)
{
	memset(ft, 0, sizeof(*ft));
	ft->max_entries = max_entries ? max_entries : FLOWTAB_DEF_MAX;
	ft->n_slots = FLOWTAB_MIN_SLOTS;
	ft->slots = calloc(ft->n_slots, sizeof(*ft->slots));
	return ft->slots ? 0 : -ENOMEM;
}

void flowtab_fini(struct flowtab *ft)
{
	free(ft->slots);
	memset(ft, 0, sizeof(*ft));
}

void flowtab_clear(struct flowtab *ft)
{
	memset(ft->slots, 0, ft->n_slots * sizeof(*ft->slots));
	ft->n_entries = 0;
}

static size_t probe(const struct flowtab *ft, uint64_t id)
{
	size_t mask = ft->n_slots - 1, i = home(ft, id);

	while (ft->slots[i].id && ft->slots[i].id != id)
		i = (i + 1) & mask;
	return i;
}

struct flowtab_entry *flowtab_find(struct flowtab *ft, uint64_t id)
{
	size_t i;

	if (!id)
		return NULL;
	i = probe(ft, id);
	return ft->slots[i].id ? &ft->slots[i] : NULL;
}

static int grow(struct flowtab *ft)
{
	struct flowtab_entry *old = ft->slots;
	size_t i, n_old = ft->n_slots;

	ft->slots = calloc(n_old * 2, sizeof(*ft->slots));
	if (!ft->slots) {
		ft->slots = old;
		return -ENOMEM;
	}
	ft->n_slots = n_old * 2;
	for (i = 0; i < n_old; i++)
		if (old[i].id)
			ft->slots[probe(ft, old[i].id)] = old[i];
	free(old);
	return 0;
}

int flowtab_put(struct flowtab *ft, uint64_t id, uint32_t verdict,
		uint32_t now)
{
	struct flowtab_entry *e;
	size_t i;

	if (!id)
		return -EINVAL;
	i = probe(ft, id);
	if (!ft->slots[i].id) {
		if (ft->n_entries >= ft->max_entries)
			return -ENOSPC;
		/* Keep the load at most one half: probes stay short. */
		if ((ft->n_entries + 1) * 2 > ft->n_slots) {
			if (grow(ft))
				return -ENOMEM;
			i = probe(ft, id);
		}
		ft->n_entries++;
	}
	e = &ft->slots[i];
	e->id = id;
	e->verdict = verdict;
	e->last_seen = now;
	return 0;
}

/*
 * Empty slot @hole, then move back every later entry of the cluster that
 * may live there (its home is not cyclically within (hole, j]), so that a
 * probe never meets a gap before its entry.
 */
static void remove_at(struct flowtab *ft, size_t hole)
{
	size_t mask = ft->n_slots - 1, j = hole;

	for (;;) {
		size_t h;

		j = (j + 1) & mask;
		if (!ft->slots[j].id)
			break;
		h = home(ft, ft->slots[j].id);
		if (((j - h) & mask) >= ((j - hole) & mask)) {
			ft->slots[hole] = ft->slots[j];
			hole = j;
		}
	}
	memset(&ft->slots[hole], 0, sizeof(ft->slots[hole]));
	ft->n_entries--;
}

bool flowtab_del(struct flowtab *ft, uint64_t id)
{
	size_t i;

	if (!id)
		return false;
	i = probe(ft, id);
	if (!ft->slots[i].id)
		return false;
	remove_at(ft, i);
	return true;
}

size_t flowtab_expire(struct flowtab *ft, uint32_t now, uint32_t max_idle)
{
	size_t i = 0, dropped = 0;

	/*
	 * A removal may move a later entry into slot i: look at i again.
	 * Entries moved from the wrapped start to the end are seen twice,
	 * which is harmless.
	 */
	while (i < ft->n_slots) {
		struct flowtab_entry *e = &ft->slots[i];

		if (e->id && (uint32_t)(now - e->last_seen) > max_idle) {
			remove_at(ft, i);
			dropped++;
			continue;
		}
		i++;
	}
	return dropped;
}
