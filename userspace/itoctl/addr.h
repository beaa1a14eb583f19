/* SPDX-License-Identifier: GPL-2.0 */
/* IP addresses as the command line writes them: parsed and printed. */
#ifndef ITOCTL_ADDR_H
#define ITOCTL_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "libito.h"

/* An IPv4 (4 bytes) or IPv6 (16 bytes) address, network order. */
struct ip_addr {
	uint8_t len;
	uint8_t bytes[16];
};

/*
 * "ADDR[/LEN]", IPv4 or IPv6; without LEN, one host (32 or 128). 0, or
 * -EINVAL naming @keyword. Whether the family is welcome, and bits set
 * beyond LEN, are the kernel's business.
 */
int parse_prefix(const char *keyword, const char *arg, struct ip_addr *addr,
		 uint8_t *len);
/*
 * "ADDR" (@max untouched, *@is_range false) or "ADDR-ADDR", IPv4 or IPv6.
 * 0, or -EINVAL naming @keyword. The order is the kernel's business.
 */
int parse_addr_range(const char *keyword, const char *arg,
		     struct ip_addr *min, struct ip_addr *max, bool *is_range);

#endif /* ITOCTL_ADDR_H */
