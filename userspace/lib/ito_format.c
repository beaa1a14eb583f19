// SPDX-License-Identifier: GPL-2.0
/* ito_format - addresses and endpoints as text, as itoctl and itod print them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "libito.h"

_Static_assert(ITO_ADDR_STRLEN == INET6_ADDRSTRLEN, "ITO_ADDR_STRLEN");

const char *ito_addr_str(const uint8_t *addr, uint8_t len,
			 char buf[ITO_ADDR_STRLEN])
{
	if ((len != 4 && len != 16) ||
	    !inet_ntop(len == 4 ? AF_INET : AF_INET6, addr, buf,
		       ITO_ADDR_STRLEN))
		snprintf(buf, ITO_ADDR_STRLEN, "?");
	return buf;
}

const char *ito_endpoint_str(const uint8_t *addr, uint8_t len, uint16_t port,
			     char buf[ITO_ENDPOINT_STRLEN])
{
	char a[ITO_ADDR_STRLEN];

	ito_addr_str(addr, len, a);
	/* brackets keep an IPv6 address's colons apart from the port's */
	snprintf(buf, ITO_ENDPOINT_STRLEN, len == 16 ? "[%s]:%u" : "%s:%u", a,
		 port);
	return buf;
}
