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
#include "parse.h"
#include "path.h"
#include "tcrule.h"

static void print_addr(struct printer *p, const char *key,
		       const uint8_t *addr, uint8_t len)
{
	char a[INET6_ADDRSTRLEN];

	print_field_str(p, PRINT_JSON, key, NULL, ito_addr_str(addr, len, a));
}

static void print_mac(struct printer *p, const char *key, const uint8_t *mac)
{
	char m[3 * ITO_ETH_ALEN];

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
	dir = word_or_number(ito_dir_names, path->dir, dir_num);
	where = word_or_number(ito_path_where_names, path->where, where_num);

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
	if (ito_path_has(path, ITO_A_PATH_NAT_SADDR))
		print_addr(p, "nat_src", path->nat_saddr, path->addr_len);
	if (ito_path_has(path, ITO_A_PATH_NAT_DADDR))
		print_addr(p, "nat_dst", path->nat_daddr, path->addr_len);
	if (ito_path_has(path, ITO_A_PATH_NAT_SPORT))
		print_field_uint(p, PRINT_JSON, "nat_sport", NULL,
				 path->nat_sport);
	if (ito_path_has(path, ITO_A_PATH_NAT_DPORT))
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
