/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps - the XDP program and its maps (xdp_maps.h): loaded once, sized for
 * the sessions the daemon may hold, and the few operations the daemon
 * needs on them. The unit tests link a fake of this interface instead.
 *
 * Functions return 0 or -errno.
 */
#ifndef XDPD_MAPS_H
#define XDPD_MAPS_H

#include <stdint.h>

#include "xdp_maps.h"

struct maps;

/*
 * Load the program with room for @max_sessions sessions: two entries of
 * the sessions map and two counter slots (0 to 2 * max - 1) each.
 */
int maps_open(struct maps **m, uint32_t max_sessions);
void maps_close(struct maps *m);

/* The loaded program, to attach. */
int maps_prog_fd(const struct maps *m);

/* Insert or replace; -ENOSPC when the map is full. */
int maps_session_put(struct maps *m, const struct ito_xdp_key *key,
		     const struct ito_xdp_session *value);

/*
 * Delete @key if it still names @slot: a key another session took over
 * (the tuple reused before the first one's end arrived) stays. 0 also when
 * there was nothing to delete.
 */
int maps_session_del(struct maps *m, const struct ito_xdp_key *key,
		     uint32_t slot);

/* Slot @slot's counts since the program was loaded (no syscall). */
void maps_counter_read(const struct maps *m, uint32_t slot,
		       struct ito_xdp_counter *c);

/* The devices the program runs on and may redirect to. */
int maps_device_add(struct maps *m, uint32_t ifindex);
int maps_device_del(struct maps *m, uint32_t ifindex);

#endif /* XDPD_MAPS_H */
