/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Source NAT pools with persistent bindings (DIPP) and their bindings:
 * "itoctl nat pool add | del | show" and "itoctl nat show".
 */
#ifndef ITOCTL_NAT_H
#define ITOCTL_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ito.h>

#include "addr.h"
#include "ito_nl.h"
#include "print.h"

_Static_assert(ITO_A_NAT_POOL_MAX < 32, "struct ito_nat_pool.present is too small");
_Static_assert(ITO_A_NAT_BINDING_MAX < 32,
	       "struct ito_nat_binding.present is too small");

enum nat_op {
	NAT_BINDING_SHOW,	/* "nat [ show ]" */
	NAT_POOL_SHOW,
	NAT_POOL_ADD,
	NAT_POOL_DEL,
};

/* A parsed "nat" command line; the device is resolved by nat_resolve(). */
struct nat_args {
	enum nat_op op;
	uint32_t id;		/* pool add and del; pool show, if not 0 */
	/* pool add: */
	struct ip_addr private_addr;
	uint8_t private_len;	/* the prefix length as written */
	struct ip_addr public_min;
	struct ip_addr public_max;	/* if has_public_max */
	uint16_t port_min;	/* if has_ports */
	uint16_t port_max;
	uint32_t hold;		/* if has_hold */
	const char *dev;	/* NULL: any egress */
	uint32_t oif;
	bool has_public_max;
	bool has_ports;
	bool has_hold;
};

/* One pool as NAT_POOL_GET describes it; @present has 1 << ITO_A_NAT_POOL_*. */
struct ito_nat_pool {
	uint32_t present;
	uint32_t id;
	uint8_t addr_len;	/* 4, the same for every address */
	uint8_t private_addr[16];	/* network order */
	uint8_t private_len;
	uint32_t oif;		/* 0: any egress */
	uint8_t public_min[16];
	uint8_t public_max[16];
	uint16_t port_min;
	uint16_t port_max;
	uint32_t hold;		/* seconds */
	uint32_t bindings;
	uint32_t slots;
	uint64_t exhausted;
};

/* One binding of NAT_BINDING_GET; @present has 1 << ITO_A_NAT_BINDING_*. */
struct ito_nat_binding {
	uint32_t present;
	uint32_t pool;
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t addr_len;	/* 4, the same for both addresses */
	uint8_t private_addr[16];	/* network order */
	uint16_t private_port;	/* host order */
	uint8_t public_addr[16];
	uint16_t public_port;
	uint32_t sessions;
	uint64_t idle_ms;	/* 0 while it has sessions */
	uint64_t total;
};

static inline bool nat_pool_has(const struct ito_nat_pool *pool,
				unsigned int attr)
{
	return pool->present & (1u << attr);
}

static inline bool nat_binding_has(const struct ito_nat_binding *b,
				   unsigned int attr)
{
	return b->present & (1u << attr);
}

/* The words after "nat"; EXIT_OK or EXIT_USAGE with the reason printed. */
int nat_parse_args(int argc, char **argv, struct nat_args *args);
/* "dev DEV" to an ifindex; EXIT_OK or EXIT_FAIL with the reason printed. */
int nat_resolve(struct nat_args *args);

/*
 * The request of @args into @buf: NAT_POOL_ADD or NAT_POOL_DEL with an
 * ITO_A_NAT_POOL nest (add: only the attributes given, the kernel owns
 * the defaults), NAT_POOL_GET as a dump (filtered by ITO_A_NAT_POOL_ID if
 * given), NAT_BINDING_GET as a dump.
 */
struct nlmsghdr *nat_build_request(void *buf, uint16_t family_id,
				   const struct nat_args *args);

/*
 * Parse a NAT_POOL_GET reply (it needs ID, PRIVATE, PRIVATE_LEN and
 * PUBLIC_MIN) or a NAT_BINDING_GET reply (POOL, PROTO and both addresses
 * and ports). 0 or -EPROTO; unknown attributes skipped.
 */
int nat_pool_parse_reply(const struct nlmsghdr *nlh, struct ito_nat_pool *pool);
int nat_binding_parse_reply(const struct nlmsghdr *nlh,
			    struct ito_nat_binding *binding);

/*
 * One pool: text "pool 1 private 10.0.1.0/24 dev f1 public
 * 192.0.2.1-192.0.2.2 ports 1024-65535 hold 120 bindings 3 slots 129024
 * exhausted 0" ("dev any" for any egress; one address, or port, when the
 * range has one), JSON an object with "id", "private", "ifindex", "dev"
 * (null for any), "public_min", "public_max", "port_min", "port_max",
 * "hold", "bindings", "slots" and "exhausted".
 */
void nat_pool_print(struct printer *p, const struct ito_nat_pool *pool);
/*
 * One binding: text "pool 1 udp 10.0.1.10:320 public 192.0.2.1:1024
 * sessions 2 total 5", then " idle 12.3s" when no session uses it; JSON
 * an object with "pool", "proto", "private", "private_port", "public",
 * "public_port", "sessions", "total" and "idle_ms".
 */
void nat_binding_print(struct printer *p, const struct ito_nat_binding *b);

#endif /* ITOCTL_NAT_H */
