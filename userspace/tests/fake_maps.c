// SPDX-License-Identifier: GPL-2.0
/* A fake of xdpd/maps.h: the maps as arrays. */
#include <errno.h>
#include <string.h>

#include "fake_maps.h"
#include "maps.h"

void fake_maps_reset(struct maps *m, unsigned int capacity)
{
	memset(m, 0, sizeof(*m));
	m->capacity = capacity;
}

static struct fake_entry *lookup(const struct maps *m,
				 const struct ito_xdp_key *key)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_ENTRIES; i++)
		if (m->entry[i].used &&
		    !memcmp(&m->entry[i].key, key, sizeof(*key)))
			return (struct fake_entry *)&m->entry[i];
	return NULL;
}

const struct fake_entry *fake_maps_find(const struct maps *m,
					const struct ito_xdp_key *key)
{
	return lookup(m, key);
}

int maps_open(struct maps **m, uint32_t max_sessions)
{
	(void)m;
	(void)max_sessions;
	return -ENOSYS;
}

void maps_close(struct maps *m)
{
	(void)m;
}

int maps_prog_fd(const struct maps *m)
{
	(void)m;
	return -1;
}

int maps_session_put(struct maps *m, const struct ito_xdp_key *key,
		     const struct ito_xdp_session *value)
{
	struct fake_entry *e = lookup(m, key);
	unsigned int i;

	m->puts++;
	if (!e) {
		if (m->n >= m->capacity)
			return -ENOSPC;
		for (i = 0; m->entry[i].used; i++)
			;
		e = &m->entry[i];
		e->used = true;
		e->key = *key;
		m->n++;
	}
	e->value = *value;
	if (value->slot < FAKE_MAX_SLOTS)
		m->counter[value->slot].pkts += m->pkts_on_put;
	return 0;
}

int maps_session_del(struct maps *m, const struct ito_xdp_key *key,
		     uint32_t slot)
{
	struct fake_entry *e = lookup(m, key);

	if (!e || e->value.slot != slot)
		return 0;
	e->used = false;
	m->n--;
	m->dels++;
	return 0;
}

void maps_counter_read(const struct maps *m, uint32_t slot,
		       struct ito_xdp_counter *c)
{
	*c = m->counter[slot];
}

int maps_device_add(struct maps *m, uint32_t ifindex)
{
	(void)m;
	(void)ifindex;
	return 0;
}

int maps_device_del(struct maps *m, uint32_t ifindex)
{
	(void)m;
	(void)ifindex;
	return 0;
}
