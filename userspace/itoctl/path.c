// SPDX-License-Identifier: GPL-2.0
/* The paths of an offloaded flow ("flow get"): parsed, then printed. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "dev.h"
#include "ito_nl.h"
#include "names.h"
#include "path.h"
#include "tcrule.h"

/* How each attribute of a path is checked and where it is kept. */
#define PATH_ATTR(attr, kind, field) ITO_NL_SLOT(attr, kind, struct ito_path, field)

static const struct ito_nl_slot path_attrs[ITO_A_PATH_MAX + 1] = {
	PATH_ATTR(ITO_A_PATH_DIR, U8, dir),
	PATH_ATTR(ITO_A_PATH_WHERE, U32, where),
	PATH_ATTR(ITO_A_PATH_IN_IFINDEX, U32, in_ifindex),
	PATH_ATTR(ITO_A_PATH_IN_VLAN, U16, in_vlan),
	PATH_ATTR(ITO_A_PATH_OUT_IFINDEX, U32, out_ifindex),
	PATH_ATTR(ITO_A_PATH_OUT_VLAN, U16, out_vlan),
	PATH_ATTR(ITO_A_PATH_SADDR, ADDR, saddr),
	PATH_ATTR(ITO_A_PATH_DADDR, ADDR, daddr),
	PATH_ATTR(ITO_A_PATH_SPORT, U16, sport),
	PATH_ATTR(ITO_A_PATH_DPORT, U16, dport),
	PATH_ATTR(ITO_A_PATH_NAT_SADDR, ADDR, nat_saddr),
	PATH_ATTR(ITO_A_PATH_NAT_DADDR, ADDR, nat_daddr),
	PATH_ATTR(ITO_A_PATH_NAT_SPORT, U16, nat_sport),
	PATH_ATTR(ITO_A_PATH_NAT_DPORT, U16, nat_dport),
	PATH_ATTR(ITO_A_PATH_ETH_DST, MAC, eth_dst),
	PATH_ATTR(ITO_A_PATH_ETH_SRC, MAC, eth_src),
	PATH_ATTR(ITO_A_PATH_PKTS, U64, pkts),
	PATH_ATTR(ITO_A_PATH_BYTES, U64, bytes),
	PATH_ATTR(ITO_A_PATH_VWIRE, U8, vwire),
};

/* What a rule cannot be written without... */
#define PATH_REQUIRED \
	((1u << ITO_A_PATH_DIR) | (1u << ITO_A_PATH_WHERE) | \
	 (1u << ITO_A_PATH_IN_IFINDEX) | (1u << ITO_A_PATH_OUT_IFINDEX) | \
	 (1u << ITO_A_PATH_SADDR) | (1u << ITO_A_PATH_DADDR) | \
	 (1u << ITO_A_PATH_SPORT) | (1u << ITO_A_PATH_DPORT))
/* ... and a routed one's MACs (a vWire direction has none). */
#define PATH_REQUIRED_ROUTED \
	(PATH_REQUIRED | (1u << ITO_A_PATH_ETH_DST) | (1u << ITO_A_PATH_ETH_SRC))

int path_parse_nest(const struct nlattr *nest, struct ito_path *path)
{
	uint32_t required;

	memset(path, 0, sizeof(*path));
	if (ito_nl_parse_slots(nest, path_attrs, ITO_A_PATH_MAX, path,
			       &path->present, &path->addr_len))
		return -EPROTO;
	required = path->vwire ? PATH_REQUIRED : PATH_REQUIRED_ROUTED;
	if ((path->present & required) != required)
		return -EPROTO;
	return 0;
}

static void print_addr(struct printer *p, const char *key,
		       const uint8_t *addr, uint8_t len)
{
	char a[INET6_ADDRSTRLEN];

	print_field_str(p, PRINT_JSON, key, NULL, addr_str(addr, len, a));
}

static void print_mac(struct printer *p, const char *key, const uint8_t *mac)
{
	char m[3 * ETH_ADDR_LEN];

	snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	print_field_str(p, PRINT_JSON, key, NULL, m);
}

void path_print(struct printer *p, const struct ito_path *path, uint8_t proto)
{
	char in[DEV_NAME_LEN], out[DEV_NAME_LEN], rule[TC_RULE_LEN];
	char dir_num[NUMBER_LEN], where_num[NUMBER_LEN];
	const char *dir, *where;

	dev_name(path->in_ifindex, in);
	dev_name(path->out_ifindex, out);
	tc_rule_format(rule, sizeof(rule), path, proto, in, out);
	dir = word_or_number(path_dir_names, path->dir, dir_num);
	where = word_or_number(path_where_names, path->where, where_num);

	print_open_object(p, NULL);
	print_text(p, "%s: %s\n  %s\n", dir, where, rule);
	print_field_str(p, PRINT_JSON, "dir", NULL, dir);
	print_field_str(p, PRINT_JSON, "where", NULL, where);
	print_field_str(p, PRINT_JSON, "in_dev", NULL, in);
	print_field_uint(p, PRINT_JSON, "in_ifindex", NULL, path->in_ifindex);
	print_field_uint(p, PRINT_JSON, "in_vlan", NULL, path->in_vlan);
	print_field_str(p, PRINT_JSON, "out_dev", NULL, out);
	print_field_uint(p, PRINT_JSON, "out_ifindex", NULL, path->out_ifindex);
	print_field_uint(p, PRINT_JSON, "out_vlan", NULL, path->out_vlan);
	print_addr(p, "src", path->saddr, path->addr_len);
	print_addr(p, "dst", path->daddr, path->addr_len);
	print_field_uint(p, PRINT_JSON, "sport", NULL, path->sport);
	print_field_uint(p, PRINT_JSON, "dport", NULL, path->dport);
	if (path_has(path, ITO_A_PATH_NAT_SADDR))
		print_addr(p, "nat_src", path->nat_saddr, path->addr_len);
	if (path_has(path, ITO_A_PATH_NAT_DADDR))
		print_addr(p, "nat_dst", path->nat_daddr, path->addr_len);
	if (path_has(path, ITO_A_PATH_NAT_SPORT))
		print_field_uint(p, PRINT_JSON, "nat_sport", NULL,
				 path->nat_sport);
	if (path_has(path, ITO_A_PATH_NAT_DPORT))
		print_field_uint(p, PRINT_JSON, "nat_dport", NULL,
				 path->nat_dport);
	if (path->vwire) {
		print_field_bool(p, PRINT_JSON, "vwire", NULL, true);
	} else {
		print_mac(p, "eth_dst", path->eth_dst);
		print_mac(p, "eth_src", path->eth_src);
	}
	print_field_uint(p, PRINT_ANY, "packets", "  packets %" PRIu64,
			 path->pkts);
	print_field_uint(p, PRINT_ANY, "bytes", " bytes %" PRIu64 "\n",
			 path->bytes);
	print_field_str(p, PRINT_JSON, "tc", NULL, rule);
	print_close_object(p);
}
