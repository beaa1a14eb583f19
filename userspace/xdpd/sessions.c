// SPDX-License-Identifier: GPL-2.0
/* sessions - the id index, counter slots and deltas of the held sessions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "sessions.h"

static uint32_t bucket_of(const struct sessions *s, uint64_t id)
{
	/* Fibonacci hashing: ids are sequential, their high bits spread */
	return (uint32_t)((id * 0x9e3779b97f4a7c15ULL) >> 32) & s->mask;
}

int sessions_init(struct sessions *s, struct maps *maps, uint32_t max)
{
	uint32_t size = 2, i, slots = 2 * max;

	memset(s, 0, sizeof(*s));
	while (size < slots)
		size <<= 1;
	s->maps = maps;
	s->max = max;
	s->mask = size - 1;
	s->table = calloc(size, sizeof(*s->table));
	s->free_slots = calloc(slots, sizeof(*s->free_slots));
	if (!s->table || !s->free_slots) {
		sessions_fini(s);
		return -ENOMEM;
	}
	/* slot 0 on top: small slot numbers first, for whoever reads a dump */
	for (i = 0; i < slots; i++)
		s->free_slots[i] = slots - 1 - i;
	s->n_free = slots;
	return 0;
}

void sessions_fini(struct sessions *s)
{
	free(s->table);
	free(s->free_slots);
	s->table = NULL;
	s->free_slots = NULL;
}

static struct session *find(const struct sessions *s, uint64_t id)
{
	uint32_t i = bucket_of(s, id);

	while (s->table[i].used) {
		if (s->table[i].id == id)
			return &s->table[i];
		i = (i + 1) & s->mask;
	}
	return NULL;
}

const struct session *sessions_find(const struct sessions *s, uint64_t id)
{
	return find(s, id);
}

static struct session *insert(struct sessions *s, uint64_t id)
{
	uint32_t i = bucket_of(s, id);

	while (s->table[i].used)
		i = (i + 1) & s->mask;
	memset(&s->table[i], 0, sizeof(s->table[i]));
	s->table[i].used = true;
	s->table[i].id = id;
	s->n++;
	return &s->table[i];
}

/*
 * Empty bucket @i, then move back every later entry of the run that the
 * hole now separates from its home bucket: no tombstones.
 */
static void erase(struct sessions *s, struct session *victim)
{
	uint32_t i = (uint32_t)(victim - s->table), j = i;

	s->table[i].used = false;
	s->n--;
	for (;;) {
		uint32_t home;

		j = (j + 1) & s->mask;
		if (!s->table[j].used)
			return;
		home = bucket_of(s, s->table[j].id);
		/* stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		s->table[i] = s->table[j];
		s->table[j].used = false;
		i = j;
	}
}

/* Counts since the last report, and the reading as the new baseline. */
static void report_dir(struct sessions *s, struct session *ss, unsigned int d,
		       counts_fn fn, void *data)
{
	struct ito_xdp_counter now;

	maps_counter_read(s->maps, ss->slot[d], &now);
	if (now.pkts == ss->reported[d].pkts && now.bytes == ss->reported[d].bytes)
		return;
	if (fn)
		fn(ss->id, (uint8_t)d, now.pkts - ss->reported[d].pkts,
		   now.bytes - ss->reported[d].bytes, data);
	ss->reported[d] = now;
}

/* Entries out, final counts, slots back: the session is gone. */
static void release(struct sessions *s, struct session *ss, counts_fn fn,
		    void *data)
{
	unsigned int d;

	for (d = 0; d < 2; d++)
		maps_session_del(s->maps, &ss->key[d], ss->slot[d]);
	for (d = 0; d < 2; d++) {
		report_dir(s, ss, d, fn, data);
		s->free_slots[s->n_free++] = ss->slot[d];
	}
}

static int install_new(struct sessions *s, const struct xdp_announce *a)
{
	struct ito_xdp_counter base[2];
	struct ito_xdp_session v[2];
	struct session *ss;
	uint32_t slot[2];
	unsigned int d;
	int err = 0;

	if (s->n >= s->max || s->n_free < 2)
		return -ENOSPC;
	for (d = 0; d < 2; d++) {
		slot[d] = s->free_slots[--s->n_free];
		v[d] = a->dir[d].value;
		v[d].slot = slot[d];
		/*
		 * What the slot counted before is not this session's: read
		 * before the entry goes in, or its first packets would be
		 * taken for that too (and never reported).
		 */
		maps_counter_read(s->maps, slot[d], &base[d]);
	}
	for (d = 0; d < 2; d++) {
		err = maps_session_put(s->maps, &a->dir[d].key, &v[d]);
		if (err)
			break;
	}
	if (err) {
		/* the one direction already in goes: a session is whole or absent */
		if (d == 1)
			maps_session_del(s->maps, &a->dir[0].key, slot[0]);
		s->free_slots[s->n_free++] = slot[1];
		s->free_slots[s->n_free++] = slot[0];
		return err;
	}
	ss = insert(s, a->id);
	for (d = 0; d < 2; d++) {
		ss->key[d] = a->dir[d].key;
		ss->slot[d] = slot[d];
		ss->reported[d] = base[d];
	}
	return 0;
}

static int replace(struct sessions *s, struct session *ss,
		   const struct xdp_announce *a, counts_fn fn, void *data)
{
	unsigned int d;
	int err;

	for (d = 0; d < 2; d++) {
		struct ito_xdp_session v = a->dir[d].value;

		v.slot = ss->slot[d];
		if (memcmp(&ss->key[d], &a->dir[d].key, sizeof(ss->key[d])))
			maps_session_del(s->maps, &ss->key[d], ss->slot[d]);
		ss->key[d] = a->dir[d].key;
		err = maps_session_put(s->maps, &a->dir[d].key, &v);
		if (err) {
			release(s, ss, fn, data);
			erase(s, ss);
			return err;
		}
	}
	return 1;
}

int sessions_install(struct sessions *s, const struct xdp_announce *a,
		     counts_fn fn, void *data)
{
	struct session *ss = find(s, a->id);

	return ss ? replace(s, ss, a, fn, data) : install_new(s, a);
}

int sessions_remove(struct sessions *s, uint64_t id, counts_fn fn, void *data)
{
	struct session *ss = find(s, id);

	if (!ss)
		return -ENOENT;
	release(s, ss, fn, data);
	erase(s, ss);
	return 0;
}

void sessions_collect(struct sessions *s, counts_fn fn, void *data)
{
	uint32_t i;

	for (i = 0; i <= s->mask; i++)
		if (s->table[i].used) {
			report_dir(s, &s->table[i], 0, fn, data);
			report_dir(s, &s->table[i], 1, fn, data);
		}
}

void sessions_clear(struct sessions *s, counts_fn fn, void *data)
{
	uint32_t i;

	for (i = 0; i <= s->mask; i++)
		if (s->table[i].used) {
			release(s, &s->table[i], fn, data);
			s->table[i].used = false;
		}
	s->n = 0;
}
