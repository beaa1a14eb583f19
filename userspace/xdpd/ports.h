/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ports - which devices the XDP program runs on: the lower device of every
 * enrolled port whose sessions the XDP backend takes (offload xdp, or auto
 * where no hardware is bound), read from the kernel's port list (a dump
 * of ITO_CMD_PORT_GET) and, for a VLAN port, the link below it (rtnetlink).
 */
#ifndef XDPD_PORTS_H
#define XDPD_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "ito_nl.h"

#define PORTS_MAX_DEVICES	256

/* Does a port of this offload (enum ito_port_offload) and binding use XDP? */
bool port_uses_xdp(uint32_t offload, bool hw);

struct ports {
	struct mnl_socket *rtnl;	/* to find a VLAN device's lower link */
	uint32_t seq;
	uint32_t dev[PORTS_MAX_DEVICES];	/* ifindexes, each once */
	size_t n;
};

int ports_open(struct ports *p);
void ports_close(struct ports *p);

/* Read the port list again into p->dev: 0 or -errno. */
int ports_refresh(struct ports *p, struct ito_nl *nl);

#endif /* XDPD_PORTS_H */
