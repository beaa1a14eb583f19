// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl nat": the grammar of pools, the requests built from command
 * lines, NAT_POOL_GET and NAT_BINDING_GET replies parsed from hand-built
 * messages, and their text and JSON output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "capture.h"
#include "nat.h"
#include "nlbuild.h"
#include "report.h"

static int parse(struct nat_args *args, int argc, ...)
{
	char *argv[20];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return nat_parse_args(argc, argv, args);
}

/* 4 or 16 bytes of @text, network order, as the kernel would read them. */
static void assert_addr(const struct nlattr *attr, const char *text)
{
	uint8_t want[16];
	int len = strchr(text, ':') ? 16 : 4;

	assert_int_equal(inet_pton(len == 4 ? AF_INET : AF_INET6, text, want), 1);
	assert_int_equal(mnl_attr_get_payload_len(attr), len);
	assert_memory_equal(mnl_attr_get_payload(attr), want, len);
}

/* ---- grammar ---- */

static void test_parse_show(void **state)
{
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 0), EXIT_OK);
	assert_int_equal(a.op, NAT_BINDING_SHOW);
	assert_int_equal(parse(&a, 1, "show"), EXIT_OK);
	assert_int_equal(a.op, NAT_BINDING_SHOW);
	assert_int_equal(parse(&a, 1, "pool"), EXIT_OK);
	assert_int_equal(a.op, NAT_POOL_SHOW);
	assert_int_equal(a.id, 0);
	assert_int_equal(parse(&a, 2, "pool", "show"), EXIT_OK);
	assert_int_equal(a.op, NAT_POOL_SHOW);
	assert_int_equal(a.id, 0);
	assert_int_equal(parse(&a, 3, "pool", "show", "7"), EXIT_OK);
	assert_int_equal(a.id, 7);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 2, "show", "pool"), EXIT_USAGE);
	assert_int_equal(parse(&a, 1, "bindings"), EXIT_USAGE);
	assert_int_equal(parse(&a, 2, "pool", "list"), EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "pool", "show", "7", "8"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "pool", "show", "0"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"pool\"?\n"));
	assert_non_null(strstr(capture_text(&reported), "What is \"bindings\"?\n"));
	assert_non_null(strstr(capture_text(&reported), "What is \"list\"?\n"));
	assert_non_null(strstr(capture_text(&reported), "What is \"8\"?\n"));
	assert_non_null(strstr(capture_text(&reported),
		"Error: argument of \"show\" must be a pool ID of 1 or more, not \"0\"\n"));
}

static void test_parse_add_all(void **state)
{
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 13, "pool", "add", "1", "private",
			       "10.0.1.0/24", "public", "192.0.2.1-192.0.2.2",
			       "ports", "1024-2047", "dev", "lo", "hold", "300"),
			 EXIT_OK);
	assert_int_equal(a.op, NAT_POOL_ADD);
	assert_int_equal(a.id, 1);
	assert_int_equal(a.private_addr.len, 4);
	assert_int_equal(a.private_len, 24);
	assert_int_equal(a.public_min.len, 4);
	assert_true(a.has_public_max);
	assert_int_equal(a.public_max.len, 4);
	assert_true(a.has_ports);
	assert_int_equal(a.port_min, 1024);
	assert_int_equal(a.port_max, 2047);
	assert_string_equal(a.dev, "lo");
	assert_true(a.has_hold);
	assert_int_equal(a.hold, 300);

	/* Any order after the ID; only what is given. */
	assert_int_equal(parse(&a, 7, "pool", "add", "4294967295", "public",
			       "192.0.2.9", "private", "10.0.0.1"), EXIT_OK);
	assert_int_equal(a.id, 4294967295u);
	assert_int_equal(a.private_len, 32);	/* one host */
	assert_false(a.has_public_max);
	assert_false(a.has_ports);
	assert_false(a.has_hold);
	assert_null(a.dev);

	/* A port alone is a range of one. */
	assert_int_equal(parse(&a, 9, "pool", "add", "2", "private", "10.0.0.0/8",
			       "public", "192.0.2.9", "ports", "5000"), EXIT_OK);
	assert_int_equal(a.port_min, 5000);
	assert_int_equal(a.port_max, 5000);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_add_ipv6(void **state)
{
	struct nat_args a;

	(void)state;
	/* Parsed, not refused: the kernel says why it takes IPv4 only. */
	assert_int_equal(parse(&a, 7, "pool", "add", "3", "private",
			       "fd00:1::/64", "public", "2001:db8::1-2001:db8::2"),
			 EXIT_OK);
	assert_int_equal(a.private_addr.len, 16);
	assert_int_equal(a.private_len, 64);
	assert_int_equal(a.public_min.len, 16);
	assert_int_equal(a.public_max.len, 16);
	assert_int_equal(parse(&a, 7, "pool", "add", "3", "private", "fd00::1",
			       "public", "2001:db8::1"), EXIT_OK);
	assert_int_equal(a.private_len, 128);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_add_errors(void **state)
{
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "pool", "add"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "0", "private", "10.0.0.0/8",
			       "public", "192.0.2.1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "-1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 5, "pool", "add", "1", "public", "192.0.2.1"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 5, "pool", "add", "1", "private", "10.0.0.0/8"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "pool", "add", "1", "private"), EXIT_USAGE);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "private", "10.1.0.0/16"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 11, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "hold", "1", "hold", "2"),
			 EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: \"nat pool add\" needs a pool ID\n"
		"Error: argument of \"add\" must be a pool ID of 1 or more, not \"0\"\n"
		"Error: argument of \"add\" must be an unsigned integer, not \"-1\"\n"
		"Error: \"nat pool add\" needs \"private PREFIX\"\n"
		"Error: \"nat pool add\" needs \"public ADDR\"\n"
		"Error: argument of \"private\" is missing\n"
		"Error: duplicate \"private\": \"10.1.0.0/16\" is the second value\n"
		"Error: duplicate \"hold\": \"2\" is the second value\n");
}

static void test_parse_add_bad_values(void **state)
{
	static const char want[] =
		"Error: argument of \"private\" must be a prefix ADDR[/LEN], not \"10.0.0.0/33\"\n"
		"Error: argument of \"private\" must be a prefix ADDR[/LEN], not \"10.0.0/8\"\n"
		"Error: argument of \"private\" must be a prefix ADDR[/LEN], not \"10.0.0.0/\"\n"
		"Error: argument of \"public\" must be an address or a range ADDR-ADDR, not \"192.0.2.1-\"\n"
		"Error: argument of \"public\" must be an address or a range ADDR-ADDR, not \"192.0.2.0/24\"\n"
		"Error: argument of \"ports\" must be N or MIN-MAX, unsigned integers up to 65535, not \"1024-\"\n"
		"Error: argument of \"ports\" must be N or MIN-MAX, unsigned integers up to 65535, not \"65536\"\n"
		"Error: argument of \"hold\" must be an unsigned integer, not \"2m\"\n"
		"What is \"mode\"?\nUsage: ";
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0.0/33",
			       "public", "192.0.2.1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0/8",
			       "public", "192.0.2.1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0.0/",
			       "public", "192.0.2.1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1-"), EXIT_USAGE);
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.0/24"), EXIT_USAGE);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "ports", "1024-"), EXIT_USAGE);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "ports", "65536"), EXIT_USAGE);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "hold", "2m"), EXIT_USAGE);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "mode", "dipp"), EXIT_USAGE);
	assert_true(strncmp(capture_text(&reported), want, strlen(want)) == 0);
}

static void test_parse_del(void **state)
{
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, "pool", "del", "12"), EXIT_OK);
	assert_int_equal(a.op, NAT_POOL_DEL);
	assert_int_equal(a.id, 12);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 2, "pool", "del"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "pool", "del", "0"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "pool", "del", "4294967296"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: \"nat pool del\" needs a pool ID\n"
		"Error: argument of \"del\" must be a pool ID of 1 or more, not \"0\"\n"
		"Error: argument of \"del\" must be an unsigned integer up to 4294967295, not \"4294967296\"\n");
	/* The words of "add" are not for "del". */
	assert_int_equal(parse(&a, 5, "pool", "del", "1", "private", "10.0.0.0/8"),
			 EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"private\"?\n"));
}

static void test_resolve(void **state)
{
	struct nat_args a;

	(void)state;
	/* Every network namespace has lo, ifindex 1. */
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "dev", "lo"), EXIT_OK);
	assert_int_equal(nat_resolve(&a), EXIT_OK);
	assert_int_equal(a.oif, 1);
	assert_int_equal(parse(&a, 9, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1", "dev", "nosuchdev0"), EXIT_OK);
	assert_int_equal(nat_resolve(&a), EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
			    "Error: no such device \"nosuchdev0\"\n");
	/* No device: any egress, nothing to resolve. */
	assert_int_equal(parse(&a, 7, "pool", "add", "1", "private", "10.0.0.0/8",
			       "public", "192.0.2.1"), EXIT_OK);
	assert_int_equal(nat_resolve(&a), EXIT_OK);
	assert_int_equal(a.oif, 0);
}

/* ---- requests ---- */

/*
 * The request of a command line (a device resolved): checks the header
 * for @cmd and @flags, returns the attributes of its ITO_A_NAT_POOL nest
 * in @inner (none without the nest).
 */
static void request_of(const struct nat_args *args, uint8_t cmd,
		       uint16_t dump, const struct nlattr **inner)
{
	const struct nlattr *top[4] = {};
	const struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	nlh = nat_build_request(buf, TEST_FAMILY, args);
	genl = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, dump);
	assert_int_equal(genl->cmd, cmd);
	assert_int_equal(genl->version, ITO_FAMILY_VERSION);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(*genl), collect_attr_cb, top),
			 MNL_CB_OK);
	if (!top[0])
		return;
	assert_null(top[1]);
	assert_int_equal(mnl_attr_get_type(top[0]), ITO_A_NAT_POOL);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, inner),
			 MNL_CB_OK);
}

/* An integer attribute of @type, @kind (MNL_TYPE_U8 to U32), worth @value. */
static void assert_uint_attr(const struct nlattr *attr, uint16_t type,
			     enum mnl_attr_data_type kind, uint32_t value)
{
	assert_non_null(attr);
	assert_int_equal(mnl_attr_get_type(attr), type);
	assert_int_equal(mnl_attr_validate(attr, kind), 0);
	if (kind == MNL_TYPE_U8)
		assert_int_equal(mnl_attr_get_u8(attr), value);
	else if (kind == MNL_TYPE_U16)
		assert_int_equal(mnl_attr_get_u16(attr), value);
	else
		assert_int_equal(mnl_attr_get_u32(attr), value);
}

#define assert_u8_attr(attr, type, value) \
	assert_uint_attr(attr, type, MNL_TYPE_U8, value)
#define assert_u16_attr(attr, type, value) \
	assert_uint_attr(attr, type, MNL_TYPE_U16, value)
#define assert_u32_attr(attr, type, value) \
	assert_uint_attr(attr, type, MNL_TYPE_U32, value)

static void assert_addr_attr(const struct nlattr *attr, uint16_t type,
			     const char *text)
{
	assert_non_null(attr);
	assert_int_equal(mnl_attr_get_type(attr), type);
	assert_addr(attr, text);
}

static void test_request_add_all(void **state)
{
	const struct nlattr *in[16] = {};
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 13, "pool", "add", "1", "private",
			       "10.0.1.0/24", "public", "192.0.2.1-192.0.2.2",
			       "ports", "1024-2047", "dev", "lo", "hold", "300"),
			 EXIT_OK);
	assert_int_equal(nat_resolve(&a), EXIT_OK);
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_u32_attr(in[0], ITO_A_NAT_POOL_ID, 1);
	assert_addr_attr(in[1], ITO_A_NAT_POOL_PRIVATE, "10.0.1.0");
	assert_u8_attr(in[2], ITO_A_NAT_POOL_PRIVATE_LEN, 24);
	assert_u32_attr(in[3], ITO_A_NAT_POOL_OIF, 1);
	assert_addr_attr(in[4], ITO_A_NAT_POOL_PUBLIC_MIN, "192.0.2.1");
	assert_addr_attr(in[5], ITO_A_NAT_POOL_PUBLIC_MAX, "192.0.2.2");
	assert_u16_attr(in[6], ITO_A_NAT_POOL_PORT_MIN, 1024);
	assert_u16_attr(in[7], ITO_A_NAT_POOL_PORT_MAX, 2047);
	assert_u32_attr(in[8], ITO_A_NAT_POOL_HOLD, 300);
	assert_null(in[9]);
}

static void test_request_add_least(void **state)
{
	const struct nlattr *in[16] = {};
	struct nat_args a;

	(void)state;
	/* One public address, one host: the kernel's defaults for the rest. */
	assert_int_equal(parse(&a, 7, "pool", "add", "9", "private", "10.0.0.7",
			       "public", "198.51.100.7"), EXIT_OK);
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_u32_attr(in[0], ITO_A_NAT_POOL_ID, 9);
	assert_addr_attr(in[1], ITO_A_NAT_POOL_PRIVATE, "10.0.0.7");
	assert_u8_attr(in[2], ITO_A_NAT_POOL_PRIVATE_LEN, 32);
	assert_addr_attr(in[3], ITO_A_NAT_POOL_PUBLIC_MIN, "198.51.100.7");
	assert_null(in[4]);	/* no PUBLIC_MAX, OIF, ports nor hold */

	/* A port alone: both ends; a range of addresses: both. */
	assert_int_equal(parse(&a, 9, "pool", "add", "9", "private", "10.0.0.0/8",
			       "public", "198.51.100.7-198.51.100.6", "ports",
			       "5000"), EXIT_OK);
	memset(in, 0, sizeof(in));
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_u8_attr(in[2], ITO_A_NAT_POOL_PRIVATE_LEN, 8);
	assert_addr_attr(in[3], ITO_A_NAT_POOL_PUBLIC_MIN, "198.51.100.7");
	/* an empty range is the kernel's to refuse */
	assert_addr_attr(in[4], ITO_A_NAT_POOL_PUBLIC_MAX, "198.51.100.6");
	assert_u16_attr(in[5], ITO_A_NAT_POOL_PORT_MIN, 5000);
	assert_u16_attr(in[6], ITO_A_NAT_POOL_PORT_MAX, 5000);
	assert_null(in[7]);

	/* "hold 0" asked for is sent. */
	assert_int_equal(parse(&a, 9, "pool", "add", "9", "private", "10.0.0.0/8",
			       "public", "198.51.100.7", "hold", "0"), EXIT_OK);
	memset(in, 0, sizeof(in));
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_u32_attr(in[4], ITO_A_NAT_POOL_HOLD, 0);
	assert_null(in[5]);
}

static void test_request_add_ipv6(void **state)
{
	const struct nlattr *in[16] = {};
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 7, "pool", "add", "3", "private",
			       "fd00:1::/64", "public", "2001:db8::1-2001:db8::2"),
			 EXIT_OK);
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_u32_attr(in[0], ITO_A_NAT_POOL_ID, 3);
	assert_addr_attr(in[1], ITO_A_NAT_POOL_PRIVATE, "fd00:1::");
	/* within the policy's [0, 32], so the kernel looks at the address */
	assert_u8_attr(in[2], ITO_A_NAT_POOL_PRIVATE_LEN, 32);
	assert_addr_attr(in[3], ITO_A_NAT_POOL_PUBLIC_MIN, "2001:db8::1");
	assert_addr_attr(in[4], ITO_A_NAT_POOL_PUBLIC_MAX, "2001:db8::2");
	assert_null(in[5]);

	/* An IPv4 pool with an IPv6 public address: sent as it is too. */
	assert_int_equal(parse(&a, 7, "pool", "add", "3", "private", "10.0.0.0/30",
			       "public", "2001:db8::1"), EXIT_OK);
	memset(in, 0, sizeof(in));
	request_of(&a, ITO_CMD_NAT_POOL_ADD, 0, in);
	assert_addr_attr(in[1], ITO_A_NAT_POOL_PRIVATE, "10.0.0.0");
	assert_u8_attr(in[2], ITO_A_NAT_POOL_PRIVATE_LEN, 30);
	assert_addr_attr(in[3], ITO_A_NAT_POOL_PUBLIC_MIN, "2001:db8::1");
}

static void test_request_del_and_dumps(void **state)
{
	const struct nlattr *in[16] = {};
	struct nat_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, "pool", "del", "12"), EXIT_OK);
	request_of(&a, ITO_CMD_NAT_POOL_DEL, 0, in);
	assert_u32_attr(in[0], ITO_A_NAT_POOL_ID, 12);
	assert_null(in[1]);

	/* A pool by ID is a dump the kernel filters. */
	assert_int_equal(parse(&a, 3, "pool", "show", "12"), EXIT_OK);
	memset(in, 0, sizeof(in));
	request_of(&a, ITO_CMD_NAT_POOL_GET, NLM_F_DUMP, in);
	assert_u32_attr(in[0], ITO_A_NAT_POOL_ID, 12);
	assert_null(in[1]);

	/* Every pool, every binding: no attribute. */
	assert_int_equal(parse(&a, 1, "pool"), EXIT_OK);
	memset(in, 0, sizeof(in));
	request_of(&a, ITO_CMD_NAT_POOL_GET, NLM_F_DUMP, in);
	assert_null(in[0]);
	assert_int_equal(parse(&a, 0), EXIT_OK);
	request_of(&a, ITO_CMD_NAT_BINDING_GET, NLM_F_DUMP, in);
	assert_null(in[0]);
}

/* ---- replies and output ---- */

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *text)
{
	uint8_t addr[16];
	int len = strchr(text, ':') ? 16 : 4;

	assert_int_equal(inet_pton(len == 4 ? AF_INET : AF_INET6, text, addr), 1);
	mnl_attr_put(nlh, type, len, addr);
}

/* A NAT_POOL_GET reply as the kernel writes one, a newer attribute too. */
static struct nlmsghdr *pool_reply(void *buf, uint32_t id, uint32_t oif,
				   const char *min, const char *max)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_NAT_POOL_GET);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, ITO_A_MAX + 1, 1);	/* newer top-level attr */
	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_POOL);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_ID, id);
	put_addr(nlh, ITO_A_NAT_POOL_PRIVATE, "10.0.1.0");
	mnl_attr_put_u8(nlh, ITO_A_NAT_POOL_PRIVATE_LEN, 24);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_OIF, oif);
	put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MIN, min);
	put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MAX, max);
	mnl_attr_put_u16(nlh, ITO_A_NAT_POOL_PORT_MIN, 1024);
	mnl_attr_put_u16(nlh, ITO_A_NAT_POOL_PORT_MAX, 65535);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_HOLD, 120);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_BINDINGS, 3);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_SLOTS, 129024);
	mnl_attr_put_u64(nlh, ITO_A_NAT_POOL_EXHAUSTED, 4000000000ull);
	mnl_attr_put_strz(nlh, ITO_A_NAT_POOL_MAX + 1, "future");
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_pool_reply_parse(void **state)
{
	struct ito_nat_pool pool;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(nat_pool_parse_reply(pool_reply(buf, 1, 5, "192.0.2.1",
			 "192.0.2.2"), &pool), 0);
	assert_int_equal(pool.id, 1);
	assert_int_equal(pool.addr_len, 4);
	assert_int_equal(pool.private_len, 24);
	assert_int_equal(pool.oif, 5);
	assert_int_equal(pool.port_min, 1024);
	assert_int_equal(pool.port_max, 65535);
	assert_int_equal(pool.hold, 120);
	assert_int_equal(pool.bindings, 3);
	assert_int_equal(pool.slots, 129024);
	assert_int_equal(pool.exhausted, 4000000000ull);

	/* No pool, no ID, a u16 where a u32 goes, addresses of two lengths. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_NAT_POOL_GET);
	assert_int_equal(nat_pool_parse_reply(nlh, &pool), -EPROTO);
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_NAT_POOL_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_POOL);
	put_addr(nlh, ITO_A_NAT_POOL_PRIVATE, "10.0.1.0");
	mnl_attr_put_u8(nlh, ITO_A_NAT_POOL_PRIVATE_LEN, 24);
	put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MIN, "192.0.2.1");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nat_pool_parse_reply(nlh, &pool), -EPROTO);
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_NAT_POOL_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_POOL);
	mnl_attr_put_u16(nlh, ITO_A_NAT_POOL_ID, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nat_pool_parse_reply(nlh, &pool), -EPROTO);
	assert_int_equal(nat_pool_parse_reply(pool_reply(buf, 1, 5, "192.0.2.1",
			 "2001:db8::1"), &pool), -EPROTO);
}

/* "nat pool show" of three pools, as cmd_nat() prints a dump. */
static void show_pools(struct capture *out, bool json)
{
	struct ito_nat_pool pools[3];
	struct printer p;
	nlbuf_t buf;
	int i;

	/* lo (1), any egress, an ifindex without a name here. */
	assert_int_equal(nat_pool_parse_reply(pool_reply(buf, 1, 1, "192.0.2.1",
			 "192.0.2.2"), &pools[0]), 0);
	assert_int_equal(nat_pool_parse_reply(pool_reply(buf, 2, 0,
			 "198.51.100.7", "198.51.100.7"), &pools[1]), 0);
	assert_int_equal(nat_pool_parse_reply(pool_reply(buf, 3, 999999,
			 "203.0.113.1", "203.0.113.9"), &pools[2]), 0);
	capture_open(out);
	print_init(&p, out->fp, json, false);
	print_open_array(&p, NULL);
	for (i = 0; i < 3; i++)
		nat_pool_print(&p, &pools[i]);
	print_close_array(&p);
}

static void test_pool_show_text(void **state)
{
	struct capture out;

	(void)state;
	show_pools(&out, false);
	assert_string_equal(capture_text(&out),
		"pool 1 private 10.0.1.0/24 dev lo public 192.0.2.1-192.0.2.2 "
		"ports 1024-65535 hold 120 bindings 3 slots 129024 exhausted 4000000000\n"
		"pool 2 private 10.0.1.0/24 dev any public 198.51.100.7 "
		"ports 1024-65535 hold 120 bindings 3 slots 129024 exhausted 4000000000\n"
		"pool 3 private 10.0.1.0/24 dev 999999 public 203.0.113.1-203.0.113.9 "
		"ports 1024-65535 hold 120 bindings 3 slots 129024 exhausted 4000000000\n");
	capture_close(&out);
}

static void test_pool_show_json(void **state)
{
	struct capture out;

	(void)state;
	show_pools(&out, true);
	assert_string_equal(capture_text(&out),
		"[{\"id\":1,\"private\":\"10.0.1.0/24\",\"ifindex\":1,\"dev\":\"lo\","
		"\"public_min\":\"192.0.2.1\",\"public_max\":\"192.0.2.2\","
		"\"port_min\":1024,\"port_max\":65535,\"hold\":120,\"bindings\":3,"
		"\"slots\":129024,\"exhausted\":4000000000},"
		"{\"id\":2,\"private\":\"10.0.1.0/24\",\"ifindex\":0,\"dev\":null,"
		"\"public_min\":\"198.51.100.7\",\"public_max\":\"198.51.100.7\","
		"\"port_min\":1024,\"port_max\":65535,\"hold\":120,\"bindings\":3,"
		"\"slots\":129024,\"exhausted\":4000000000},"
		"{\"id\":3,\"private\":\"10.0.1.0/24\",\"ifindex\":999999,\"dev\":\"999999\","
		"\"public_min\":\"203.0.113.1\",\"public_max\":\"203.0.113.9\","
		"\"port_min\":1024,\"port_max\":65535,\"hold\":120,\"bindings\":3,"
		"\"slots\":129024,\"exhausted\":4000000000}]\n");
	capture_close(&out);
}

static void test_pool_show_least(void **state)
{
	struct ito_nat_pool pool;
	struct capture out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct printer p;
	nlbuf_t buf;

	(void)state;
	/* What a pool needs and no more: printed without the rest. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_NAT_POOL_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_POOL);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_ID, 4);
	put_addr(nlh, ITO_A_NAT_POOL_PRIVATE, "10.0.0.0");
	mnl_attr_put_u8(nlh, ITO_A_NAT_POOL_PRIVATE_LEN, 8);
	put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MIN, "192.0.2.1");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nat_pool_parse_reply(nlh, &pool), 0);
	capture_open(&out);
	print_init(&p, out.fp, false, false);
	nat_pool_print(&p, &pool);
	assert_string_equal(capture_text(&out),
			    "pool 4 private 10.0.0.0/8 public 192.0.2.1\n");
	capture_close(&out);
}

/* A NAT_BINDING_GET reply. */
static struct nlmsghdr *binding_reply(void *buf, uint8_t proto,
				      uint32_t sessions, uint64_t idle_ms)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_NAT_BINDING_GET);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_BINDING);
	mnl_attr_put_u32(nlh, ITO_A_NAT_BINDING_POOL, 1);
	mnl_attr_put_u8(nlh, ITO_A_NAT_BINDING_PROTO, proto);
	put_addr(nlh, ITO_A_NAT_BINDING_PRIVATE, "10.0.1.10");
	mnl_attr_put_u16(nlh, ITO_A_NAT_BINDING_PRIVATE_PORT, 320);
	put_addr(nlh, ITO_A_NAT_BINDING_PUBLIC, "192.0.2.1");
	mnl_attr_put_u16(nlh, ITO_A_NAT_BINDING_PUBLIC_PORT, 1024);
	mnl_attr_put_u32(nlh, ITO_A_NAT_BINDING_SESSIONS, sessions);
	mnl_attr_put_u64(nlh, ITO_A_NAT_BINDING_IDLE_MS, idle_ms);
	mnl_attr_put_u64(nlh, ITO_A_NAT_BINDING_TOTAL, 5);
	mnl_attr_put_u32(nlh, ITO_A_NAT_BINDING_MAX + 1, 7);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_binding_reply_parse(void **state)
{
	struct ito_nat_binding b;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(nat_binding_parse_reply(binding_reply(buf, IPPROTO_UDP,
			 2, 0), &b), 0);
	assert_int_equal(b.pool, 1);
	assert_int_equal(b.proto, IPPROTO_UDP);
	assert_int_equal(b.private_port, 320);
	assert_int_equal(b.public_port, 1024);
	assert_int_equal(b.sessions, 2);
	assert_int_equal(b.total, 5);

	/* A pool's reply is no binding; a binding without its public port. */
	assert_int_equal(nat_binding_parse_reply(pool_reply(buf, 1, 0, "192.0.2.1",
			 "192.0.2.1"), &b), -EPROTO);
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_NAT_BINDING_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_BINDING);
	mnl_attr_put_u32(nlh, ITO_A_NAT_BINDING_POOL, 1);
	mnl_attr_put_u8(nlh, ITO_A_NAT_BINDING_PROTO, IPPROTO_TCP);
	put_addr(nlh, ITO_A_NAT_BINDING_PRIVATE, "10.0.1.10");
	mnl_attr_put_u16(nlh, ITO_A_NAT_BINDING_PRIVATE_PORT, 320);
	put_addr(nlh, ITO_A_NAT_BINDING_PUBLIC, "192.0.2.1");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nat_binding_parse_reply(nlh, &b), -EPROTO);
}

/* "nat show": in use, idle for 12.345 s, and a protocol without a word. */
static void show_bindings(struct capture *out, bool json)
{
	struct ito_nat_binding b[3];
	struct printer p;
	nlbuf_t buf;
	int i;

	assert_int_equal(nat_binding_parse_reply(binding_reply(buf, IPPROTO_UDP,
			 2, 0), &b[0]), 0);
	assert_int_equal(nat_binding_parse_reply(binding_reply(buf, IPPROTO_TCP,
			 0, 12345), &b[1]), 0);
	assert_int_equal(nat_binding_parse_reply(binding_reply(buf, 200, 0, 0),
			 &b[2]), 0);
	capture_open(out);
	print_init(&p, out->fp, json, false);
	print_open_array(&p, NULL);
	for (i = 0; i < 3; i++)
		nat_binding_print(&p, &b[i]);
	print_close_array(&p);
}

static void test_binding_show_text(void **state)
{
	struct capture out;

	(void)state;
	show_bindings(&out, false);
	assert_string_equal(capture_text(&out),
		"pool 1 udp 10.0.1.10:320 public 192.0.2.1:1024 sessions 2 total 5\n"
		"pool 1 tcp 10.0.1.10:320 public 192.0.2.1:1024 sessions 0 total 5 idle 12.3s\n"
		"pool 1 200 10.0.1.10:320 public 192.0.2.1:1024 sessions 0 total 5 idle 0.0s\n");
	capture_close(&out);
}

static void test_binding_show_json(void **state)
{
	struct capture out;

	(void)state;
	show_bindings(&out, true);
	assert_string_equal(capture_text(&out),
		"[{\"pool\":1,\"proto\":\"udp\",\"private\":\"10.0.1.10\",\"private_port\":320,"
		"\"public\":\"192.0.2.1\",\"public_port\":1024,\"sessions\":2,\"total\":5,"
		"\"idle_ms\":0},"
		"{\"pool\":1,\"proto\":\"tcp\",\"private\":\"10.0.1.10\",\"private_port\":320,"
		"\"public\":\"192.0.2.1\",\"public_port\":1024,\"sessions\":0,\"total\":5,"
		"\"idle_ms\":12345},"
		"{\"pool\":1,\"proto\":\"200\",\"private\":\"10.0.1.10\",\"private_port\":320,"
		"\"public\":\"192.0.2.1\",\"public_port\":1024,\"sessions\":0,\"total\":5,"
		"\"idle_ms\":0}]\n");
	capture_close(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_show, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_all, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_ipv6, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_errors, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_bad_values, fresh_capture),
		cmocka_unit_test_setup(test_parse_del, fresh_capture),
		cmocka_unit_test_setup(test_resolve, fresh_capture),
		cmocka_unit_test_setup(test_request_add_all, fresh_capture),
		cmocka_unit_test_setup(test_request_add_least, fresh_capture),
		cmocka_unit_test_setup(test_request_add_ipv6, fresh_capture),
		cmocka_unit_test_setup(test_request_del_and_dumps, fresh_capture),
		cmocka_unit_test(test_pool_reply_parse),
		cmocka_unit_test(test_pool_show_text),
		cmocka_unit_test(test_pool_show_json),
		cmocka_unit_test(test_pool_show_least),
		cmocka_unit_test(test_binding_reply_parse),
		cmocka_unit_test(test_binding_show_text),
		cmocka_unit_test(test_binding_show_json),
	};

	return cmocka_run_group_tests_name("itoctl_nat", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
