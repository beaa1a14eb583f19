// SPDX-License-Identifier: GPL-2.0
/* "itoctl port": enrol network devices with ito, remove them, list them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "itoctl.h"
#include "ito_names.h"
#include "parse.h"
#include "port.h"
#include "report.h"
#include "usage.h"

/* "mode { l3 | vwire peer DEV2 }": consumes its words, returns how many. */
static int parse_mode(int argc, char **argv, struct port_args *args)
{
	if (argc < 2) {
		missing_argument("mode");
		return -EINVAL;
	}
	if (args->has_mode) {
		duplicate_argument("mode", argv[1]);
		return -EINVAL;
	}
	if (parse_choice("mode", argv[1], ito_port_mode_names, &args->mode))
		return -EINVAL;
	args->has_mode = true;
	if (args->mode != ITO_PORT_MODE_VWIRE)
		return 2;
	if (argc < 3 || !keyword_is(argv[2], "peer")) {
		pr_err("\"mode vwire\" needs \"peer DEV\"");
		return -EINVAL;
	}
	if (argc < 4) {
		missing_argument("peer");
		return -EINVAL;
	}
	args->peer_dev = argv[3];
	return 4;
}

static int parse_add_args(int argc, char **argv, struct port_args *args)
{
	int used;

	for (; argc > 0; argc -= used, argv += used) {
		if (keyword_is(argv[0], "mode")) {
			used = parse_mode(argc, argv, args);
			if (used < 0)
				return EXIT_USAGE;
		} else if (keyword_is(argv[0], "vlan")) {
			if (argc < 2) {
				missing_argument("vlan");
				return EXIT_USAGE;
			}
			if (args->has_vlan) {
				duplicate_argument("vlan", argv[1]);
				return EXIT_USAGE;
			}
			if (parse_u16("vlan", argv[1], &args->vlan))
				return EXIT_USAGE;
			args->has_vlan = true;
			used = 2;
		} else if (keyword_is(argv[0], "offload")) {
			if (argc < 2) {
				missing_argument("offload");
				return EXIT_USAGE;
			}
			if (args->has_offload) {
				duplicate_argument("offload", argv[1]);
				return EXIT_USAGE;
			}
			if (parse_choice("offload", argv[1], ito_port_offload_names,
					 &args->offload))
				return EXIT_USAGE;
			args->has_offload = true;
			used = 2;
		} else {
			return usage_error(argv[0]);
		}
	}
	return EXIT_OK;
}

int port_parse_args(int argc, char **argv, struct port_args *args)
{
	const char *verb = argc > 0 ? argv[0] : "show";

	memset(args, 0, sizeof(*args));
	if (keyword_is(verb, "show")) {
		args->op = PORT_SHOW;
	} else if (keyword_is(verb, "add")) {
		args->op = PORT_ADD;
	} else if (keyword_is(verb, "del")) {
		args->op = PORT_DEL;
	} else {
		return usage_error(verb);
	}
	if (argc > 0)
		argc--, argv++;

	if (argc == 0) {
		if (args->op == PORT_SHOW)
			return EXIT_OK;
		pr_err("\"port %s\" needs a device", verb);
		return EXIT_USAGE;
	}
	args->dev = argv[0];
	argc--, argv++;

	if (args->op == PORT_ADD)
		return parse_add_args(argc, argv, args);
	if (argc > 0)
		return usage_error(argv[0]);
	return EXIT_OK;
}

int port_resolve(struct port_args *args)
{
	int ret;

	if (args->dev) {
		ret = dev_index(args->dev, &args->ifindex);
		if (ret)
			return ret;
	}
	if (args->peer_dev)
		return dev_index(args->peer_dev, &args->peer);
	return EXIT_OK;
}

struct nlmsghdr *port_build_request(void *buf, uint16_t family_id,
				    const struct port_args *args)
{
	static const uint8_t cmds[] = {
		[PORT_SHOW] = ITO_CMD_PORT_GET,
		[PORT_ADD] = ITO_CMD_PORT_ADD,
		[PORT_DEL] = ITO_CMD_PORT_DEL,
	};
	bool dump = args->op == PORT_SHOW && !args->dev;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, family_id, cmds[args->op],
			       ITO_FAMILY_VERSION, dump ? NLM_F_DUMP : 0);
	if (dump)
		return nlh;

	nest = mnl_attr_nest_start(nlh, ITO_A_PORT);
	mnl_attr_put_u32(nlh, ITO_A_PORT_IFINDEX, args->ifindex);
	if (args->op == PORT_ADD) {
		/* Only what was asked for: the kernel owns the defaults. */
		if (args->has_mode)
			mnl_attr_put_u32(nlh, ITO_A_PORT_MODE, args->mode);
		if (args->has_vlan)
			mnl_attr_put_u16(nlh, ITO_A_PORT_VLAN, args->vlan);
		if (args->peer_dev)
			mnl_attr_put_u32(nlh, ITO_A_PORT_PEER, args->peer);
		if (args->has_offload)
			mnl_attr_put_u32(nlh, ITO_A_PORT_OFFLOAD, args->offload);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static int port_attr_cb(const struct nlattr *attr, void *data)
{
	struct ito_port *port = data;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case ITO_A_PORT_IFINDEX:
	case ITO_A_PORT_MODE:
	case ITO_A_PORT_PEER:
	case ITO_A_PORT_OFFLOAD:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	case ITO_A_PORT_HW:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		port->hw = mnl_attr_get_u8(attr);
		break;
	case ITO_A_PORT_VLAN:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		port->vlan = mnl_attr_get_u16(attr);
		break;
	case ITO_A_PORT_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(port->ifname, sizeof(port->ifname), "%s",
			 mnl_attr_get_str(attr));
		break;
	default:
		return MNL_CB_OK;	/* a newer module's: skip it */
	}
	if (type == ITO_A_PORT_IFINDEX)
		port->ifindex = mnl_attr_get_u32(attr);
	else if (type == ITO_A_PORT_MODE)
		port->mode = mnl_attr_get_u32(attr);
	else if (type == ITO_A_PORT_PEER)
		port->peer = mnl_attr_get_u32(attr);
	else if (type == ITO_A_PORT_OFFLOAD)
		port->offload = mnl_attr_get_u32(attr);
	port->present |= 1u << type;
	return MNL_CB_OK;
}

int port_parse_reply(const struct nlmsghdr *nlh, struct ito_port *port)
{
	const struct nlattr *tb[ITO_A_MAX + 1] = {};

	memset(port, 0, sizeof(*port));
	if (ito_nl_parse_top(nlh, tb, ITO_A_MAX))
		return -EPROTO;
	if (!tb[ITO_A_PORT] ||
	    mnl_attr_validate(tb[ITO_A_PORT], MNL_TYPE_NESTED) < 0)
		return -EPROTO;
	if (mnl_attr_parse_nested(tb[ITO_A_PORT], port_attr_cb, port) < 0)
		return -EPROTO;
	if (!port_has(port, ITO_A_PORT_IFINDEX))
		return -EPROTO;
	return 0;
}

void port_print(struct printer *p, const struct ito_port *port)
{
	const char *mode = ito_name_word(ito_port_mode_names, port->mode);
	const char *offload = ito_name_word(ito_port_offload_names, port->offload);
	char name[DEV_NAME_LEN], peer[DEV_NAME_LEN], number[16];

	print_open_object(p, NULL);
	print_field_uint(p, PRINT_JSON, "ifindex", NULL, port->ifindex);
	print_field_str(p, PRINT_ANY, "ifname", "%s",
			port->ifname[0] ? port->ifname :
					  dev_name(port->ifindex, name));
	if (port_has(port, ITO_A_PORT_MODE)) {
		if (!mode) {
			snprintf(number, sizeof(number), "%u", port->mode);
			mode = number;
		}
		print_field_str(p, PRINT_ANY, "mode", " mode %s", mode);
	}
	print_field_uint(p, PRINT_JSON, "vlan", NULL, port->vlan);
	/* In JSON, an interface another object refers to is its ifindex. */
	print_field_uint(p, PRINT_JSON, "peer", NULL, port->peer);
	if (port->peer)
		print_field_str(p, PRINT_JSON, "peer_name", NULL,
				dev_name(port->peer, peer));
	if (port->peer)
		print_field_str(p, PRINT_FP, NULL, " peer %s",
				dev_name(port->peer, peer));
	/* Untagged (0) goes without saying in text. */
	if (port->vlan)
		print_field_uint(p, PRINT_FP, NULL, " vlan %" PRIu64, port->vlan);
	/* An older module has neither. */
	if (port_has(port, ITO_A_PORT_OFFLOAD)) {
		if (!offload) {
			snprintf(number, sizeof(number), "%u", port->offload);
			offload = number;
		}
		print_field_str(p, PRINT_ANY, "offload", " offload %s", offload);
	}
	if (port_has(port, ITO_A_PORT_HW)) {
		print_field_bool(p, PRINT_JSON, "hw", NULL, port->hw);
		print_text(p, " %s", port->hw ? "hw" : "sw");
	}
	print_text(p, "\n");
	print_close_object(p);
}

static int port_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ito_port port;

	if (port_parse_reply(nlh, &port)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	port_print(data, &port);
	return MNL_CB_OK;
}

int cmd_port(struct itoctl *ctl, int argc, char **argv)
{
	static const char *const what[] = {
		[PORT_SHOW] = "reading the ports",
		[PORT_ADD] = "adding the port",
		[PORT_DEL] = "removing the port",
	};
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct port_args args;
	struct nlmsghdr *nlh;
	int ret;

	ret = port_parse_args(argc, argv, &args);
	if (ret)
		return ret;
	ret = port_resolve(&args);
	if (ret)
		return ret;

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	nlh = port_build_request(buf, ctl->nl.family.id, &args);
	if (args.op != PORT_SHOW) {
		ret = kernel_request(ctl, nlh, NULL, NULL, what[args.op]);
		kernel_disconnect(ctl);
		return ret;
	}

	ret = kernel_request_list(ctl, nlh, port_reply_cb, what[args.op]);
	kernel_disconnect(ctl);
	return ret;
}
