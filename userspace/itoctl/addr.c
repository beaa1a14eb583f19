// SPDX-License-Identifier: GPL-2.0
/* IP addresses, prefixes and ranges of addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "parse.h"
#include "report.h"

/* The first @n characters of @s as an address of either family. */
static bool addr_parse(const char *s, size_t n, struct ip_addr *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, addr->bytes) == 1) {
		addr->len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, text, addr->bytes) == 1) {
		addr->len = 16;
		return true;
	}
	return false;
}

int parse_prefix(const char *keyword, const char *arg, struct ip_addr *addr,
		 uint8_t *len)
{
	const char *slash = strchr(arg, '/');
	size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
	uint64_t bits;

	if (!addr_parse(arg, n, addr))
		goto invalid;
	bits = addr->len * 8;
	if (slash && !digits_value(slash + 1, strlen(slash + 1), bits, &bits))
		goto invalid;
	*len = bits;
	return 0;

invalid:
	pr_err("argument of \"%s\" must be a prefix ADDR[/LEN], not \"%s\"",
	       keyword, arg);
	return -EINVAL;
}

int parse_addr_range(const char *keyword, const char *arg,
		     struct ip_addr *min, struct ip_addr *max, bool *is_range)
{
	const char *dash = strchr(arg, '-');	/* in neither family's text */

	*is_range = dash != NULL;
	if (!dash && addr_parse(arg, strlen(arg), min))
		return 0;
	if (dash && addr_parse(arg, dash - arg, min) &&
	    addr_parse(dash + 1, strlen(dash + 1), max))
		return 0;
	pr_err("argument of \"%s\" must be an address or a range ADDR-ADDR, not \"%s\"",
	       keyword, arg);
	return -EINVAL;
}
