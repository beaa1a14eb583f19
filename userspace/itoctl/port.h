/* SPDX-License-Identifier: GPL-2.0 */
/* Enrolled ports: "itoctl port add | del | show". */
#ifndef ITOCTL_PORT_H
#define ITOCTL_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "dev.h"
#include "ito_nl.h"
#include "print.h"

enum port_op {
	PORT_SHOW,
	PORT_ADD,
	PORT_DEL,
};

/* A parsed "port" command line; names are resolved by port_resolve(). */
struct port_args {
	enum port_op op;
	const char *dev;	/* NULL: "show" of every port */
	const char *peer_dev;	/* mode vwire */
	uint32_t ifindex;
	uint32_t peer;
	uint32_t mode;
	uint32_t offload;	/* enum ito_port_offload */
	uint16_t vlan;
	bool has_mode;
	bool has_vlan;
	bool has_offload;
};

/* A port as PORT_GET describes it; @present has 1 << ITO_A_PORT_*. */
struct ito_port {
	uint32_t present;
	uint32_t ifindex;
	char ifname[DEV_NAME_LEN];
	uint32_t mode;
	uint16_t vlan;
	uint32_t peer;
	uint32_t offload;	/* enum ito_port_offload */
	bool hw;		/* bound to the device's hardware */
};

static inline bool port_has(const struct ito_port *port, unsigned int attr)
{
	return port->present & (1u << attr);
}

/* The words after "port"; EXIT_OK or EXIT_USAGE with the reason printed. */
int port_parse_args(int argc, char **argv, struct port_args *args);
/* Device names to ifindexes; EXIT_OK or EXIT_FAIL with the reason printed. */
int port_resolve(struct port_args *args);

/*
 * The request of @args into @buf: PORT_ADD or PORT_DEL with an ITO_A_PORT
 * nest, PORT_GET by ifindex or, without a device, as a dump.
 */
struct nlmsghdr *port_build_request(void *buf, uint16_t family_id,
				    const struct port_args *args);

/* Parse a PORT_GET reply. 0 or -EPROTO (malformed, no ITO_A_PORT). */
int port_parse_reply(const struct nlmsghdr *nlh, struct ito_port *port);

/*
 * One port: text "DEV mode MODE [ peer DEV2 ] [ vlan VID ] offload OFFLOAD
 * { hw | sw }" (the words "port add" takes, then where sessions run now:
 * hw when the port is bound to its device's hardware), JSON an object (an
 * array element in "port show") with "offload" and "hw": true | false.
 */
void port_print(struct printer *p, const struct ito_port *port);

#endif /* ITOCTL_PORT_H */
