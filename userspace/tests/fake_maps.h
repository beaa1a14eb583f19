/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake of xdpd/maps.h for the daemon's tests: the sessions map as an
 * array the tests read, counters they set, a size limit they choose.
 */
#ifndef ITO_TESTS_FAKE_MAPS_H
#define ITO_TESTS_FAKE_MAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "xdp_maps.h"

#define FAKE_MAX_ENTRIES	4096
#define FAKE_MAX_SLOTS		4096

struct fake_entry {
	bool used;
	struct ito_xdp_key key;
	struct ito_xdp_session value;
};

struct maps {
	struct fake_entry entry[FAKE_MAX_ENTRIES];
	unsigned int capacity;		/* entries the "kernel" accepts */
	unsigned int n;
	struct ito_xdp_counter counter[FAKE_MAX_SLOTS];
	unsigned int puts, dels;
	/* packets the program forwards the moment an entry goes in */
	unsigned int pkts_on_put;
};

void fake_maps_reset(struct maps *m, unsigned int capacity);

/* The entry of @key, or NULL. */
const struct fake_entry *fake_maps_find(const struct maps *m,
					const struct ito_xdp_key *key);

#endif /* ITO_TESTS_FAKE_MAPS_H */
