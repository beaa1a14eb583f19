/* SPDX-License-Identifier: GPL-2.0 */
/*
 * translate - an ITO_CMD_XDP_SESSION flow (OFFLOADED, two paths) into the
 * two entries of the sessions map, one per direction: the key a packet of
 * that direction looks up, and what a hit does with it. Pure: no maps, no
 * sockets; the counter slot is the caller's to fill in.
 */
#ifndef XDPD_TRANSLATE_H
#define XDPD_TRANSLATE_H

#include <stdint.h>

#include "ito_flow.h"
#include "xdp_maps.h"

/* One direction as the sessions map holds it. */
struct xdp_dir {
	struct ito_xdp_key key;
	struct ito_xdp_session value;
};

/* A session: dir[0] the original direction, dir[1] the reply. */
struct xdp_announce {
	uint64_t id;
	struct xdp_dir dir[2];
};

/*
 * Fill @a from @flow: 0, or -EPROTO with *@why saying what the message
 * lacks (no id, family or protocol; not TCP or UDP; not one path per
 * direction; a path not for XDP, without MTU, or with NAT on IPv6).
 */
int translate_flow(const struct ito_flow *flow, struct xdp_announce *a,
		   const char **why);

#endif /* XDPD_TRANSLATE_H */
