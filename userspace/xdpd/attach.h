/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attach - the XDP program on the devices the ports name, in native
 * (driver) mode only, each through a bpf_link: the link is the daemon's
 * file, so when the daemon dies the program leaves every device and the
 * kernel's own fast path takes all packets again.
 *
 * Not bpf_program__attach_xdp(): libbpf 1.1 passes no flags, and the kernel
 * then falls back to generic (skb) XDP on a device without a driver hook,
 * which is slower than ito's skb fast path. bpf_link_create() with
 * XDP_FLAGS_DRV_MODE refuses instead; such a device is warned about once
 * and left to the kernel.
 *
 * A device with the program is in the devices map (the only redirect
 * targets), added after the attach and removed before the detach.
 */
#ifndef XDPD_ATTACH_H
#define XDPD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ports.h"

struct maps;

struct attached {
	uint32_t ifindex;
	int link_fd;		/* -1: native attach refused */
	bool seen;		/* in the latest port list */
};

struct attach {
	struct maps *maps;
	struct attached dev[PORTS_MAX_DEVICES];
	size_t n;
};

void attach_init(struct attach *a, struct maps *maps);

/* Attach to the devices of @want not yet seen, detach from the others. */
void attach_sync(struct attach *a, const uint32_t *want, size_t n_want);

/* Detach from every device. */
void attach_none(struct attach *a);

/* Devices the program runs on. */
size_t attach_count(const struct attach *a);

#endif /* XDPD_ATTACH_H */
