// SPDX-License-Identifier: GPL-2.0
/*
 * "itoctl port": the grammar, device names, the requests built, PORT_GET
 * replies parsed from hand-built messages, and their text and JSON output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ito.h>

#include "capture.h"
#include "nlbuild.h"
#include "port.h"
#include "report.h"

static int parse(struct port_args *args, int argc, ...)
{
	char *argv[10];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return port_parse_args(argc, argv, args);
}

/* ---- grammar ---- */

static void test_parse_add_plain(void **state)
{
	struct port_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "add", "eth1"), EXIT_OK);
	assert_int_equal(a.op, PORT_ADD);
	assert_string_equal(a.dev, "eth1");
	assert_false(a.has_mode);
	assert_false(a.has_vlan);
	assert_null(a.peer_dev);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_add_variations(void **state)
{
	struct port_args a;

	(void)state;
	assert_int_equal(parse(&a, 4, "add", "eth1", "mode", "l3"), EXIT_OK);
	assert_true(a.has_mode);
	assert_int_equal(a.mode, ITO_PORT_MODE_L3);
	assert_null(a.peer_dev);

	assert_int_equal(parse(&a, 4, "add", "eth1", "vlan", "100"), EXIT_OK);
	assert_true(a.has_vlan);
	assert_int_equal(a.vlan, 100);
	assert_false(a.has_mode);

	assert_int_equal(parse(&a, 6, "add", "eth1", "mode", "vwire", "peer",
			       "eth2"), EXIT_OK);
	assert_int_equal(a.mode, ITO_PORT_MODE_VWIRE);
	assert_string_equal(a.peer_dev, "eth2");

	/* Any order. */
	assert_int_equal(parse(&a, 8, "add", "eth1", "vlan", "4094", "mode",
			       "vwire", "peer", "eth2"), EXIT_OK);
	assert_int_equal(a.vlan, 4094);
	assert_int_equal(a.mode, ITO_PORT_MODE_VWIRE);
	assert_string_equal(a.peer_dev, "eth2");

	/* 0 (untagged) and the kernel's range are the kernel's business. */
	assert_int_equal(parse(&a, 6, "add", "eth1", "mode", "l3", "vlan", "0"),
			 EXIT_OK);
	assert_true(a.has_vlan);
	assert_int_equal(a.vlan, 0);
	assert_string_equal(capture_text(&reported), "");
}

static void test_parse_add_errors(void **state)
{
	struct port_args a;

	(void)state;
	assert_int_equal(parse(&a, 1, "add"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "add", "eth1", "mode"), EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "add", "eth1", "mode", "bridge"), EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "add", "eth1", "mode", "vwire"), EXIT_USAGE);
	assert_int_equal(parse(&a, 5, "add", "eth1", "mode", "vwire", "peer"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 6, "add", "eth1", "mode", "vwire", "vlan", "3"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "add", "eth1", "vlan", "65536"), EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "add", "eth1", "vlan", "-1"), EXIT_USAGE);
	assert_int_equal(parse(&a, 6, "add", "eth1", "vlan", "1", "vlan", "2"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 6, "add", "eth1", "mode", "l3", "mode", "l3"),
			 EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: \"port add\" needs a device\n"
		"Error: argument of \"mode\" is missing\n"
		"Error: argument of \"mode\" must be \"l3\" or \"vwire\", not \"bridge\"\n"
		"Error: \"mode vwire\" needs \"peer DEV\"\n"
		"Error: argument of \"peer\" is missing\n"
		"Error: \"mode vwire\" needs \"peer DEV\"\n"
		"Error: argument of \"vlan\" must be an unsigned integer up to 65535, not \"65536\"\n"
		"Error: argument of \"vlan\" must be an unsigned integer, not \"-1\"\n"
		"Error: duplicate \"vlan\": \"2\" is the second value\n"
		"Error: duplicate \"mode\": \"l3\" is the second value\n");
}

static void test_parse_add_offload(void **state)
{
	struct port_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "add", "eth1"), EXIT_OK);
	assert_false(a.has_offload);
	assert_int_equal(parse(&a, 4, "add", "eth1", "offload", "auto"), EXIT_OK);
	assert_true(a.has_offload);
	assert_int_equal(a.offload, ITO_PORT_OFFLOAD_AUTO);
	assert_int_equal(parse(&a, 4, "add", "eth1", "offload", "sw"), EXIT_OK);
	assert_int_equal(a.offload, ITO_PORT_OFFLOAD_SW);
	/* With the other words, in any order. */
	assert_int_equal(parse(&a, 10, "add", "eth1", "offload", "hw", "mode",
			       "vwire", "peer", "eth2", "vlan", "5"), EXIT_OK);
	assert_int_equal(a.offload, ITO_PORT_OFFLOAD_HW);
	assert_int_equal(a.mode, ITO_PORT_MODE_VWIRE);
	assert_string_equal(a.peer_dev, "eth2");
	assert_int_equal(a.vlan, 5);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 4, "add", "eth1", "offload", "bogus"),
			 EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "add", "eth1", "offload", "HW"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "add", "eth1", "offload"), EXIT_USAGE);
	assert_int_equal(parse(&a, 6, "add", "eth1", "offload", "sw", "offload",
			       "hw"), EXIT_USAGE);
	assert_string_equal(capture_text(&reported),
		"Error: argument of \"offload\" must be \"auto\", \"sw\", \"hw\" or \"xdp\", not \"bogus\"\n"
		"Error: argument of \"offload\" must be \"auto\", \"sw\", \"hw\" or \"xdp\", not \"HW\"\n"
		"Error: argument of \"offload\" is missing\n"
		"Error: duplicate \"offload\": \"hw\" is the second value\n");

	/* "offload" belongs to "port add" only. */
	assert_int_equal(parse(&a, 4, "del", "eth1", "offload", "sw"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported), "What is \"offload\"?\n"));
}

static void test_parse_add_unknown_word(void **state)
{
	struct port_args a;

	(void)state;
	/* "peer" belongs to "mode vwire" only. */
	assert_int_equal(parse(&a, 4, "add", "eth1", "peer", "eth2"), EXIT_USAGE);
	assert_true(strncmp(capture_text(&reported),
			    "What is \"peer\"?\nUsage: ", 22) == 0);
}

static void test_parse_del_and_show(void **state)
{
	struct port_args a;

	(void)state;
	assert_int_equal(parse(&a, 2, "del", "eth1"), EXIT_OK);
	assert_int_equal(a.op, PORT_DEL);
	assert_string_equal(a.dev, "eth1");
	assert_int_equal(parse(&a, 0), EXIT_OK);
	assert_int_equal(a.op, PORT_SHOW);
	assert_null(a.dev);
	assert_int_equal(parse(&a, 1, "show"), EXIT_OK);
	assert_null(a.dev);
	assert_int_equal(parse(&a, 2, "show", "eth1"), EXIT_OK);
	assert_string_equal(a.dev, "eth1");
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 1, "del"), EXIT_USAGE);
	assert_int_equal(parse(&a, 4, "del", "eth1", "mode", "l3"), EXIT_USAGE);
	assert_int_equal(parse(&a, 3, "show", "eth1", "eth2"), EXIT_USAGE);
	assert_int_equal(parse(&a, 1, "remove"), EXIT_USAGE);
	assert_non_null(strstr(capture_text(&reported),
		"Error: \"port del\" needs a device\n"
		"What is \"mode\"?\n"));
	assert_non_null(strstr(capture_text(&reported), "What is \"eth2\"?\n"));
	assert_non_null(strstr(capture_text(&reported), "What is \"remove\"?\n"));
}

static void test_resolve(void **state)
{
	struct port_args a;

	(void)state;
	/* Every network namespace has lo, ifindex 1. */
	assert_int_equal(parse(&a, 6, "add", "lo", "mode", "vwire", "peer", "lo"),
			 EXIT_OK);
	assert_int_equal(port_resolve(&a), EXIT_OK);
	assert_int_equal(a.ifindex, 1);
	assert_int_equal(a.peer, 1);
	assert_string_equal(capture_text(&reported), "");

	assert_int_equal(parse(&a, 2, "add", "nosuchdev0"), EXIT_OK);
	assert_int_equal(port_resolve(&a), EXIT_FAIL);
	assert_int_equal(parse(&a, 6, "add", "lo", "mode", "vwire", "peer",
			       "nosuchdev1"), EXIT_OK);
	assert_int_equal(port_resolve(&a), EXIT_FAIL);
	assert_string_equal(capture_text(&reported),
		"Error: no such device \"nosuchdev0\"\n"
		"Error: no such device \"nosuchdev1\"\n");

	/* A dump resolves nothing. */
	assert_int_equal(parse(&a, 0), EXIT_OK);
	assert_int_equal(port_resolve(&a), EXIT_OK);
}

/* ---- requests ---- */

/* The ITO_A_PORT nest of @nlh, its attributes in @inner. */
static void port_nest(const struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nlattr **inner)
{
	const struct nlattr *top[4] = {};
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(nlh->nlmsg_type, TEST_FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	assert_int_equal(genl->cmd, cmd);
	assert_int_equal(genl->version, ITO_FAMILY_VERSION);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(*genl), collect_attr_cb, top),
			 MNL_CB_OK);
	assert_non_null(top[0]);
	assert_null(top[1]);
	assert_int_equal(mnl_attr_get_type(top[0]), ITO_A_PORT);
	assert_int_equal(mnl_attr_parse_nested(top[0], collect_attr_cb, inner),
			 MNL_CB_OK);
}

static void test_request_add_vwire_vlan(void **state)
{
	struct port_args a = {
		.op = PORT_ADD, .dev = "eth1", .peer_dev = "eth2",
		.ifindex = 5, .peer = 6, .mode = ITO_PORT_MODE_VWIRE,
		.has_mode = true, .vlan = 100, .has_vlan = true,
	};
	const struct nlattr *in[8] = {};
	nlbuf_t buf;

	(void)state;
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_ADD, in);
	assert_int_equal(mnl_attr_get_type(in[0]), ITO_A_PORT_IFINDEX);
	assert_int_equal(mnl_attr_validate(in[0], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(in[0]), 5);
	assert_int_equal(mnl_attr_get_type(in[1]), ITO_A_PORT_MODE);
	assert_int_equal(mnl_attr_validate(in[1], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(in[1]), ITO_PORT_MODE_VWIRE);
	assert_int_equal(mnl_attr_get_type(in[2]), ITO_A_PORT_VLAN);
	assert_int_equal(mnl_attr_validate(in[2], MNL_TYPE_U16), 0);
	assert_int_equal(mnl_attr_get_u16(in[2]), 100);
	assert_int_equal(mnl_attr_get_type(in[3]), ITO_A_PORT_PEER);
	assert_int_equal(mnl_attr_validate(in[3], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(in[3]), 6);
	assert_null(in[4]);
}

static void test_request_add_defaults(void **state)
{
	/* Nothing but the device: the kernel's defaults apply. */
	struct port_args a = { .op = PORT_ADD, .dev = "eth1", .ifindex = 5 };
	const struct nlattr *in[8] = {};
	nlbuf_t buf;

	(void)state;
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_ADD, in);
	assert_int_equal(mnl_attr_get_type(in[0]), ITO_A_PORT_IFINDEX);
	assert_null(in[1]);

	/* Untagged asked for explicitly is sent. */
	a.has_vlan = true;
	memset(in, 0, sizeof(in));
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_ADD, in);
	assert_int_equal(mnl_attr_get_type(in[1]), ITO_A_PORT_VLAN);
	assert_int_equal(mnl_attr_get_u16(in[1]), 0);
	assert_null(in[2]);
}

static void test_request_add_offload(void **state)
{
	struct port_args a = { .op = PORT_ADD, .dev = "eth1", .ifindex = 5,
			       .has_offload = true,
			       .offload = ITO_PORT_OFFLOAD_HW };
	const struct nlattr *in[8] = {};
	nlbuf_t buf;

	(void)state;
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_ADD, in);
	assert_int_equal(mnl_attr_get_u32(in[0]), 5);
	assert_int_equal(mnl_attr_get_type(in[1]), ITO_A_PORT_OFFLOAD);
	assert_int_equal(mnl_attr_validate(in[1], MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(in[1]), ITO_PORT_OFFLOAD_HW);
	assert_null(in[2]);

	/* auto asked for explicitly is sent too; del never sends it. */
	a.offload = ITO_PORT_OFFLOAD_AUTO;
	memset(in, 0, sizeof(in));
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_ADD, in);
	assert_int_equal(mnl_attr_get_type(in[1]), ITO_A_PORT_OFFLOAD);
	assert_int_equal(mnl_attr_get_u32(in[1]), ITO_PORT_OFFLOAD_AUTO);
	a.op = PORT_DEL;
	memset(in, 0, sizeof(in));
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_DEL, in);
	assert_null(in[1]);
}

static void test_request_del_and_get(void **state)
{
	struct port_args a = { .op = PORT_DEL, .dev = "eth1", .ifindex = 9,
			       .has_vlan = true, .vlan = 7 };
	const struct nlattr *in[8] = {};
	nlbuf_t buf;

	(void)state;
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_DEL, in);
	assert_int_equal(mnl_attr_get_u32(in[0]), 9);
	assert_null(in[1]);	/* only the ifindex */

	a.op = PORT_SHOW;
	memset(in, 0, sizeof(in));
	port_nest(port_build_request(buf, TEST_FAMILY, &a), ITO_CMD_PORT_GET, in);
	assert_int_equal(mnl_attr_get_u32(in[0]), 9);
	assert_null(in[1]);
}

static void test_request_dump(void **state)
{
	struct port_args a = { .op = PORT_SHOW };
	const struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	nlbuf_t buf;

	(void)state;
	nlh = port_build_request(buf, TEST_FAMILY, &a);
	genl = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(genl->cmd, ITO_CMD_PORT_GET);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len,
			 MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*genl)));
}

/* ---- replies and output ---- */

static struct nlmsghdr *port_reply(void *buf, uint32_t ifindex,
				   const char *name, uint32_t mode,
				   uint16_t vlan, uint32_t peer)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_PORT_GET);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, ITO_A_MAX + 1, 1);	/* newer top-level attr */
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, ifindex);
	if (name)
		mnl_attr_put_strz(nlh, ITO_A_PORT_IFNAME, name);
	mnl_attr_put_u32(nlh, ITO_A_PORT_MODE, mode);
	mnl_attr_put_u16(nlh, ITO_A_PORT_VLAN, vlan);
	mnl_attr_put_u32(nlh, ITO_A_PORT_PEER, peer);
	mnl_attr_put_strz(nlh, ITO_A_PORT_MAX + 1, "future");
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_reply_parse(void **state)
{
	struct ito_port port;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(port_parse_reply(port_reply(buf, 5, "eth1",
			 ITO_PORT_MODE_VWIRE, 100, 6), &port), 0);
	assert_int_equal(port.ifindex, 5);
	assert_string_equal(port.ifname, "eth1");
	assert_int_equal(port.mode, ITO_PORT_MODE_VWIRE);
	assert_int_equal(port.vlan, 100);
	assert_int_equal(port.peer, 6);
	assert_true(port_has(&port, ITO_A_PORT_PEER));
}

static void test_reply_malformed(void **state)
{
	struct ito_port port;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PORT_GET);
	assert_int_equal(port_parse_reply(nlh, &port), -EPROTO);	/* no port */

	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PORT_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_strz(nlh, ITO_A_PORT_IFNAME, "eth1");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(port_parse_reply(nlh, &port), -EPROTO);	/* no ifindex */

	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PORT_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 3);
	mnl_attr_put_u32(nlh, ITO_A_PORT_VLAN, 100);		/* u16 expected */
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(port_parse_reply(nlh, &port), -EPROTO);
}

/* A PORT_GET reply of a newer module: offload mode and hardware binding. */
static struct nlmsghdr *port_reply_offload(void *buf, uint32_t ifindex,
					   const char *name, uint32_t offload,
					   uint8_t hw)
{
	struct nlmsghdr *nlh = genl_reply_start(buf, TEST_FAMILY,
						ITO_CMD_PORT_GET);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, ifindex);
	mnl_attr_put_strz(nlh, ITO_A_PORT_IFNAME, name);
	mnl_attr_put_u32(nlh, ITO_A_PORT_MODE, ITO_PORT_MODE_L3);
	mnl_attr_put_u16(nlh, ITO_A_PORT_VLAN, 0);
	mnl_attr_put_u32(nlh, ITO_A_PORT_PEER, 0);
	mnl_attr_put_u32(nlh, ITO_A_PORT_OFFLOAD, offload);
	mnl_attr_put_u8(nlh, ITO_A_PORT_HW, hw);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_reply_offload_parse(void **state)
{
	struct ito_port port;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	nlbuf_t buf;

	(void)state;
	assert_int_equal(port_parse_reply(port_reply_offload(buf, 5, "eth1",
			 ITO_PORT_OFFLOAD_HW, 1), &port), 0);
	assert_true(port_has(&port, ITO_A_PORT_OFFLOAD));
	assert_int_equal(port.offload, ITO_PORT_OFFLOAD_HW);
	assert_true(port_has(&port, ITO_A_PORT_HW));
	assert_true(port.hw);

	assert_int_equal(port_parse_reply(port_reply_offload(buf, 5, "eth1",
			 ITO_PORT_OFFLOAD_SW, 0), &port), 0);
	assert_int_equal(port.offload, ITO_PORT_OFFLOAD_SW);
	assert_false(port.hw);

	/* An older module: neither. */
	assert_int_equal(port_parse_reply(port_reply(buf, 5, "eth1",
			 ITO_PORT_MODE_L3, 0, 0), &port), 0);
	assert_false(port_has(&port, ITO_A_PORT_OFFLOAD));
	assert_false(port_has(&port, ITO_A_PORT_HW));

	/* OFFLOAD must be a u32, HW a u8. */
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PORT_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 3);
	mnl_attr_put_u8(nlh, ITO_A_PORT_OFFLOAD, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(port_parse_reply(nlh, &port), -EPROTO);
	nlh = genl_reply_start(buf, TEST_FAMILY, ITO_CMD_PORT_GET);
	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, 3);
	mnl_attr_put_u32(nlh, ITO_A_PORT_HW, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(port_parse_reply(nlh, &port), -EPROTO);
}

/* Three ports of a newer module: auto bound, auto not bound, a newer mode. */
static void show_offload(struct capture *out, bool json)
{
	struct ito_port ports[3];
	struct printer p;
	nlbuf_t buf;
	int i;

	assert_int_equal(port_parse_reply(port_reply_offload(buf, 5, "eth1",
			 ITO_PORT_OFFLOAD_AUTO, 1), &ports[0]), 0);
	assert_int_equal(port_parse_reply(port_reply_offload(buf, 6, "eth2",
			 ITO_PORT_OFFLOAD_AUTO, 0), &ports[1]), 0);
	assert_int_equal(port_parse_reply(port_reply_offload(buf, 7, "eth3",
			 17, 0), &ports[2]), 0);
	capture_open(out);
	print_init(&p, out->fp, json, false);
	print_open_array(&p, NULL);
	for (i = 0; i < 3; i++)
		port_print(&p, &ports[i]);
	print_close_array(&p);
}

static void test_show_offload_text(void **state)
{
	struct capture out;

	(void)state;
	show_offload(&out, false);
	assert_string_equal(capture_text(&out),
		"eth1 mode l3 offload auto hw\n"
		"eth2 mode l3 offload auto sw\n"
		"eth3 mode l3 offload 17 sw\n");
	capture_close(&out);
}

static void test_show_offload_json(void **state)
{
	struct capture out;

	(void)state;
	show_offload(&out, true);
	assert_string_equal(capture_text(&out),
		"[{\"ifindex\":5,\"ifname\":\"eth1\",\"mode\":\"l3\",\"vlan\":0,\"peer\":0,"
		"\"offload\":\"auto\",\"hw\":true},"
		"{\"ifindex\":6,\"ifname\":\"eth2\",\"mode\":\"l3\",\"vlan\":0,\"peer\":0,"
		"\"offload\":\"auto\",\"hw\":false},"
		"{\"ifindex\":7,\"ifname\":\"eth3\",\"mode\":\"l3\",\"vlan\":0,\"peer\":0,"
		"\"offload\":\"17\",\"hw\":false}]\n");
	capture_close(&out);
}

/* "port show" of three ports, as cmd_port() prints a dump. */
static void show_three(struct capture *out, bool json)
{
	struct ito_port ports[3];
	struct printer p;
	nlbuf_t buf;
	int i;

	assert_int_equal(port_parse_reply(port_reply(buf, 5, "eth1",
			 ITO_PORT_MODE_L3, 100, 0), &ports[0]), 0);
	/* Peer 1 is lo here; no name in the reply: looked up, or the number. */
	assert_int_equal(port_parse_reply(port_reply(buf, 999999, NULL,
			 ITO_PORT_MODE_VWIRE, 0, 1), &ports[1]), 0);
	assert_int_equal(port_parse_reply(port_reply(buf, 7, "eth\"3",
			 9, 0, 0), &ports[2]), 0);	/* a newer mode */

	capture_open(out);
	print_init(&p, out->fp, json, false);
	print_open_array(&p, NULL);
	for (i = 0; i < 3; i++)
		port_print(&p, &ports[i]);
	print_close_array(&p);
}

static void test_show_text(void **state)
{
	struct capture out;

	(void)state;
	show_three(&out, false);
	assert_string_equal(capture_text(&out),
		"eth1 mode l3 vlan 100\n"
		"999999 mode vwire peer lo\n"
		"eth\"3 mode 9\n");
	capture_close(&out);
}

static void test_show_json(void **state)
{
	struct capture out;

	(void)state;
	show_three(&out, true);
	assert_string_equal(capture_text(&out),
		"[{\"ifindex\":5,\"ifname\":\"eth1\",\"mode\":\"l3\",\"vlan\":100,\"peer\":0},"
		"{\"ifindex\":999999,\"ifname\":\"999999\",\"mode\":\"vwire\",\"vlan\":0,\"peer\":1,\"peer_name\":\"lo\"},"
		"{\"ifindex\":7,\"ifname\":\"eth\\\"3\",\"mode\":\"9\",\"vlan\":0,\"peer\":0}]\n");
	capture_close(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_add_plain, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_variations, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_errors, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_offload, fresh_capture),
		cmocka_unit_test_setup(test_parse_add_unknown_word, fresh_capture),
		cmocka_unit_test_setup(test_parse_del_and_show, fresh_capture),
		cmocka_unit_test_setup(test_resolve, fresh_capture),
		cmocka_unit_test(test_request_add_vwire_vlan),
		cmocka_unit_test(test_request_add_defaults),
		cmocka_unit_test(test_request_add_offload),
		cmocka_unit_test(test_request_del_and_get),
		cmocka_unit_test(test_request_dump),
		cmocka_unit_test(test_reply_parse),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_show_text),
		cmocka_unit_test(test_show_json),
		cmocka_unit_test(test_reply_offload_parse),
		cmocka_unit_test(test_show_offload_text),
		cmocka_unit_test(test_show_offload_json),
	};

	return cmocka_run_group_tests_name("itoctl_port", tests,
					   capture_reports_setup,
					   capture_reports_teardown);
}
