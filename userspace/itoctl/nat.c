// SPDX-License-Identifier: GPL-2.0
/* "itoctl nat": source NAT pools (DIPP), and the bindings they made. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "itoctl.h"
#include "ito_names.h"
#include "nat.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

/* "nat pool VERB ID": a pool is never 0. */
static int parse_pool_id(int argc, char **argv, const char *verb,
			 uint32_t *id)
{
	if (argc < 1) {
		pr_err("\"nat pool %s\" needs a pool ID", verb);
		return -EINVAL;
	}
	if (parse_u32(verb, argv[0], id))
		return -EINVAL;
	if (*id == 0) {
		pr_err("argument of \"%s\" must be a pool ID of 1 or more, not \"%s\"",
		       verb, argv[0]);
		return -EINVAL;
	}
	return 0;
}

static int parse_private(const char *keyword, const char *arg,
			 struct nat_args *args)
{
	return parse_prefix(keyword, arg, &args->private_addr,
			    &args->private_len);
}

static int parse_public(const char *keyword, const char *arg,
			struct nat_args *args)
{
	return parse_addr_range(keyword, arg, &args->public_min,
				&args->public_max, &args->has_public_max);
}

static int parse_ports(const char *keyword, const char *arg,
		       struct nat_args *args)
{
	args->has_ports = true;
	return parse_u16_range(keyword, arg, &args->port_min, &args->port_max);
}

static int parse_dev(const char *keyword, const char *arg,
		     struct nat_args *args)
{
	(void)keyword;
	args->dev = arg;
	return 0;
}

static int parse_hold(const char *keyword, const char *arg,
		      struct nat_args *args)
{
	args->has_hold = true;
	return parse_u32(keyword, arg, &args->hold);
}

/* The words of "nat pool add ID", each followed by its value. */
enum add_word {
	ADD_PRIVATE,
	ADD_PUBLIC,
	ADD_PORTS,
	ADD_DEV,
	ADD_HOLD,
	__ADD_WORDS
};

static const struct {
	const char *keyword;
	int (*parse)(const char *keyword, const char *arg,
		     struct nat_args *args);
} add_words[__ADD_WORDS] = {
	[ADD_PRIVATE] = { "private", parse_private },
	[ADD_PUBLIC] = { "public", parse_public },
	[ADD_PORTS] = { "ports", parse_ports },
	[ADD_DEV] = { "dev", parse_dev },
	[ADD_HOLD] = { "hold", parse_hold },
};

static int parse_add_args(int argc, char **argv, struct nat_args *args)
{
	unsigned int seen = 0;
	int i;

	for (; argc > 0; argc -= 2, argv += 2) {
		for (i = 0; i < __ADD_WORDS; i++)
			if (keyword_is(argv[0], add_words[i].keyword))
				break;
		if (i == __ADD_WORDS)
			return usage_error(argv[0]);
		if (argc < 2) {
			missing_argument(argv[0]);
			return EXIT_USAGE;
		}
		if (seen & (1u << i)) {
			duplicate_argument(argv[0], argv[1]);
			return EXIT_USAGE;
		}
		if (add_words[i].parse(argv[0], argv[1], args))
			return EXIT_USAGE;
		seen |= 1u << i;
	}
	if (!(seen & (1u << ADD_PRIVATE))) {
		pr_err("\"nat pool add\" needs \"private PREFIX\"");
		return EXIT_USAGE;
	}
	if (!(seen & (1u << ADD_PUBLIC))) {
		pr_err("\"nat pool add\" needs \"public ADDR\"");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The words after "nat pool". */
static int parse_pool_args(int argc, char **argv, struct nat_args *args)
{
	const char *verb = argc > 0 ? argv[0] : "show";

	if (keyword_is(verb, "show"))
		args->op = NAT_POOL_SHOW;
	else if (keyword_is(verb, "add"))
		args->op = NAT_POOL_ADD;
	else if (keyword_is(verb, "del"))
		args->op = NAT_POOL_DEL;
	else
		return usage_error(verb);
	if (argc > 0)
		argc--, argv++;

	/* "show" alone lists every pool. */
	if (args->op != NAT_POOL_SHOW || argc > 0) {
		if (parse_pool_id(argc, argv, verb, &args->id))
			return EXIT_USAGE;
		argc--, argv++;
	}
	if (args->op == NAT_POOL_ADD)
		return parse_add_args(argc, argv, args);
	if (argc > 0)
		return usage_error(argv[0]);
	return EXIT_OK;
}

int nat_parse_args(int argc, char **argv, struct nat_args *args)
{
	memset(args, 0, sizeof(*args));
	if (argc > 0 && keyword_is(argv[0], "pool"))
		return parse_pool_args(argc - 1, argv + 1, args);

	args->op = NAT_BINDING_SHOW;
	if (argc > 0 && keyword_is(argv[0], "show"))
		argc--, argv++;
	if (argc > 0)
		return usage_error(argv[0]);
	return EXIT_OK;
}

int nat_resolve(struct nat_args *args)
{
	if (args->dev)
		return dev_index(args->dev, &args->oif);
	return EXIT_OK;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type,
		     const struct ip_addr *addr)
{
	mnl_attr_put(nlh, type, addr->len, addr->bytes);
}

/* The attributes of "nat pool add" after the ID: only those given. */
static void put_pool(struct nlmsghdr *nlh, const struct nat_args *args)
{
	/*
	 * IPv6 addresses go as they are (16 bytes) for the kernel to refuse
	 * and say why. The contract's prefix length is IPv4's, [0, 32]: an
	 * IPv6 prefix goes with one the policy takes, lest its "out of
	 * range" hide that reason.
	 */
	put_addr(nlh, ITO_A_NAT_POOL_PRIVATE, &args->private_addr);
	mnl_attr_put_u8(nlh, ITO_A_NAT_POOL_PRIVATE_LEN,
			args->private_len < 32 ? args->private_len : 32);
	if (args->dev)
		mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_OIF, args->oif);
	put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MIN, &args->public_min);
	if (args->has_public_max)
		put_addr(nlh, ITO_A_NAT_POOL_PUBLIC_MAX, &args->public_max);
	if (args->has_ports) {
		mnl_attr_put_u16(nlh, ITO_A_NAT_POOL_PORT_MIN, args->port_min);
		mnl_attr_put_u16(nlh, ITO_A_NAT_POOL_PORT_MAX, args->port_max);
	}
	if (args->has_hold)
		mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_HOLD, args->hold);
}

struct nlmsghdr *nat_build_request(void *buf, uint16_t family_id,
				   const struct nat_args *args)
{
	static const uint8_t cmds[] = {
		[NAT_BINDING_SHOW] = ITO_CMD_NAT_BINDING_GET,
		[NAT_POOL_SHOW] = ITO_CMD_NAT_POOL_GET,
		[NAT_POOL_ADD] = ITO_CMD_NAT_POOL_ADD,
		[NAT_POOL_DEL] = ITO_CMD_NAT_POOL_DEL,
	};
	bool dump = args->op == NAT_BINDING_SHOW || args->op == NAT_POOL_SHOW;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = ito_nl_msg_start(buf, family_id, cmds[args->op],
			       ITO_FAMILY_VERSION, dump ? NLM_F_DUMP : 0);
	if (!args->id)		/* the bindings, or every pool */
		return nlh;

	nest = mnl_attr_nest_start(nlh, ITO_A_NAT_POOL);
	mnl_attr_put_u32(nlh, ITO_A_NAT_POOL_ID, args->id);
	if (args->op == NAT_POOL_ADD)
		put_pool(nlh, args);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* How each attribute of a pool, and of a binding, is checked and kept. */
#define POOL_ATTR(attr, kind, field) \
	ITO_NL_SLOT(ITO_A_NAT_POOL_##attr, kind, struct ito_nat_pool, field)

static const struct ito_nl_slot pool_attrs[ITO_A_NAT_POOL_MAX + 1] = {
	POOL_ATTR(ID, U32, id),
	POOL_ATTR(PRIVATE, ADDR, private_addr),
	POOL_ATTR(PRIVATE_LEN, U8, private_len),
	POOL_ATTR(OIF, U32, oif),
	POOL_ATTR(PUBLIC_MIN, ADDR, public_min),
	POOL_ATTR(PUBLIC_MAX, ADDR, public_max),
	POOL_ATTR(PORT_MIN, U16, port_min),
	POOL_ATTR(PORT_MAX, U16, port_max),
	POOL_ATTR(HOLD, U32, hold),
	POOL_ATTR(BINDINGS, U32, bindings),
	POOL_ATTR(SLOTS, U32, slots),
	POOL_ATTR(EXHAUSTED, U64, exhausted),
};

/* What ITO_CMD_NAT_POOL_ADD needs: a pool is not a pool without them. */
#define POOL_REQUIRED \
	((1u << ITO_A_NAT_POOL_ID) | (1u << ITO_A_NAT_POOL_PRIVATE) | \
	 (1u << ITO_A_NAT_POOL_PRIVATE_LEN) | (1u << ITO_A_NAT_POOL_PUBLIC_MIN))

#define BINDING_ATTR(attr, kind, field) \
	ITO_NL_SLOT(ITO_A_NAT_BINDING_##attr, kind, struct ito_nat_binding, field)

static const struct ito_nl_slot binding_attrs[ITO_A_NAT_BINDING_MAX + 1] = {
	BINDING_ATTR(POOL, U32, pool),
	BINDING_ATTR(PROTO, U8, proto),
	BINDING_ATTR(PRIVATE, ADDR, private_addr),
	BINDING_ATTR(PRIVATE_PORT, U16, private_port),
	BINDING_ATTR(PUBLIC, ADDR, public_addr),
	BINDING_ATTR(PUBLIC_PORT, U16, public_port),
	BINDING_ATTR(SESSIONS, U32, sessions),
	BINDING_ATTR(IDLE_MS, U64, idle_ms),
	BINDING_ATTR(TOTAL, U64, total),
};

#define BINDING_REQUIRED \
	((1u << ITO_A_NAT_BINDING_POOL) | (1u << ITO_A_NAT_BINDING_PROTO) | \
	 (1u << ITO_A_NAT_BINDING_PRIVATE) | \
	 (1u << ITO_A_NAT_BINDING_PRIVATE_PORT) | \
	 (1u << ITO_A_NAT_BINDING_PUBLIC) | \
	 (1u << ITO_A_NAT_BINDING_PUBLIC_PORT))

/* The top-level nest @type of @nlh through @slots; @required all there. */
static int parse_reply(const struct nlmsghdr *nlh, unsigned int type,
		       const struct ito_nl_slot *slots, unsigned int max,
		       void *obj, uint32_t *present, uint8_t *addr_len,
		       uint32_t required)
{
	const struct nlattr *tb[ITO_A_MAX + 1] = {};

	if (ito_nl_parse_top(nlh, tb, ITO_A_MAX) || !tb[type] ||
	    ito_nl_parse_slots(tb[type], slots, max, obj, present, addr_len))
		return -EPROTO;
	return (*present & required) == required ? 0 : -EPROTO;
}

int nat_pool_parse_reply(const struct nlmsghdr *nlh, struct ito_nat_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	return parse_reply(nlh, ITO_A_NAT_POOL, pool_attrs, ITO_A_NAT_POOL_MAX,
			   pool, &pool->present, &pool->addr_len, POOL_REQUIRED);
}

int nat_binding_parse_reply(const struct nlmsghdr *nlh,
			    struct ito_nat_binding *binding)
{
	memset(binding, 0, sizeof(*binding));
	return parse_reply(nlh, ITO_A_NAT_BINDING, binding_attrs,
			   ITO_A_NAT_BINDING_MAX, binding, &binding->present,
			   &binding->addr_len, BINDING_REQUIRED);
}

/* Text " KEYWORD MIN-MAX", or " KEYWORD MIN" for a range of one. */
static void print_range_text(struct printer *p, const char *keyword,
			     const char *min, const char *max)
{
	if (strcmp(min, max))
		print_text(p, " %s %s-%s", keyword, min, max);
	else
		print_text(p, " %s %s", keyword, min);
}

/* A number the kernel sent: text " KEY N", JSON "KEY": N. */
static void print_keyed(struct printer *p, bool present, const char *key,
			uint64_t value)
{
	if (!present)
		return;
	print_field_uint(p, PRINT_JSON, key, NULL, value);
	print_text(p, " %s %" PRIu64, key, value);
}

void nat_pool_print(struct printer *p, const struct ito_nat_pool *pool)
{
	char min[INET6_ADDRSTRLEN], max[INET6_ADDRSTRLEN];
	char prefix[INET6_ADDRSTRLEN + 4], dev[DEV_NAME_LEN];

	print_open_object(p, NULL);
	print_field_uint(p, PRINT_ANY, "id", "pool %" PRIu64, pool->id);
	snprintf(prefix, sizeof(prefix), "%s/%u",
		 ito_addr_str(pool->private_addr, pool->addr_len, min),
		 pool->private_len);
	print_field_str(p, PRINT_ANY, "private", " private %s", prefix);
	if (nat_pool_has(pool, ITO_A_NAT_POOL_OIF)) {
		/* In JSON, an interface is its ifindex; its name is for people. */
		print_field_uint(p, PRINT_JSON, "ifindex", NULL, pool->oif);
		if (pool->oif)
			print_field_str(p, PRINT_ANY, "dev", " dev %s",
					dev_name(pool->oif, dev));
		else
			print_field_null(p, PRINT_ANY, "dev", " dev %s", "any");
	}

	ito_addr_str(pool->public_min, pool->addr_len, min);
	/* One address when the kernel sends no last one. */
	ito_addr_str(nat_pool_has(pool, ITO_A_NAT_POOL_PUBLIC_MAX) ?
		 pool->public_max : pool->public_min, pool->addr_len, max);
	print_field_str(p, PRINT_JSON, "public_min", NULL, min);
	print_field_str(p, PRINT_JSON, "public_max", NULL, max);
	print_range_text(p, "public", min, max);

	if (nat_pool_has(pool, ITO_A_NAT_POOL_PORT_MIN) &&
	    nat_pool_has(pool, ITO_A_NAT_POOL_PORT_MAX)) {
		print_field_uint(p, PRINT_JSON, "port_min", NULL, pool->port_min);
		print_field_uint(p, PRINT_JSON, "port_max", NULL, pool->port_max);
		snprintf(min, sizeof(min), "%u", pool->port_min);
		snprintf(max, sizeof(max), "%u", pool->port_max);
		print_range_text(p, "ports", min, max);
	}
	print_keyed(p, nat_pool_has(pool, ITO_A_NAT_POOL_HOLD), "hold",
		      pool->hold);
	print_keyed(p, nat_pool_has(pool, ITO_A_NAT_POOL_BINDINGS),
		      "bindings", pool->bindings);
	print_keyed(p, nat_pool_has(pool, ITO_A_NAT_POOL_SLOTS), "slots",
		      pool->slots);
	print_keyed(p, nat_pool_has(pool, ITO_A_NAT_POOL_EXHAUSTED),
		      "exhausted", pool->exhausted);
	print_text(p, "\n");
	print_close_object(p);
}

/* An address and port in JSON as two members, in text "A:P" ("[A]:P"). */
static void print_endpoint(struct printer *p, const char *key,
			   const char *port_key, const uint8_t *addr,
			   uint8_t len, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	ito_addr_str(addr, len, a);
	print_field_str(p, PRINT_JSON, key, NULL, a);
	print_field_uint(p, PRINT_JSON, port_key, NULL, port);
	print_text(p, len == 16 ? "[%s]:%u" : "%s:%u", a, port);
}

void nat_binding_print(struct printer *p, const struct ito_nat_binding *b)
{
	char num[NUMBER_LEN];

	print_open_object(p, NULL);
	print_field_uint(p, PRINT_ANY, "pool", "pool %" PRIu64, b->pool);
	print_field_str(p, PRINT_ANY, "proto", " %s ",
			word_or_number(ito_proto_names, b->proto, num));
	print_endpoint(p, "private", "private_port", b->private_addr,
		       b->addr_len, b->private_port);
	print_text(p, " public ");
	print_endpoint(p, "public", "public_port", b->public_addr,
		       b->addr_len, b->public_port);
	print_keyed(p, nat_binding_has(b, ITO_A_NAT_BINDING_SESSIONS),
		      "sessions", b->sessions);
	print_keyed(p, nat_binding_has(b, ITO_A_NAT_BINDING_TOTAL), "total",
		      b->total);
	if (nat_binding_has(b, ITO_A_NAT_BINDING_IDLE_MS)) {
		print_field_uint(p, PRINT_JSON, "idle_ms", NULL, b->idle_ms);
		/* Held for its hold time since its last connection ended. */
		if (!b->sessions)
			print_text(p, " idle %ss", format_secs(b->idle_ms, num));
	}
	print_text(p, "\n");
	print_close_object(p);
}

static int pool_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ito_nat_pool pool;

	if (nat_pool_parse_reply(nlh, &pool)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	nat_pool_print(data, &pool);
	return MNL_CB_OK;
}

static int binding_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ito_nat_binding binding;

	if (nat_binding_parse_reply(nlh, &binding)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	nat_binding_print(data, &binding);
	return MNL_CB_OK;
}

int cmd_nat(struct itoctl *ctl, int argc, char **argv)
{
	static const char *const what[] = {
		[NAT_BINDING_SHOW] = "reading the NAT bindings",
		[NAT_POOL_SHOW] = "reading the NAT pools",
		[NAT_POOL_ADD] = "adding the NAT pool",
		[NAT_POOL_DEL] = "removing the NAT pool",
	};
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nat_args args;
	struct nlmsghdr *nlh;
	int ret;

	ret = nat_parse_args(argc, argv, &args);
	if (ret)
		return ret;
	ret = nat_resolve(&args);
	if (ret)
		return ret;

	ret = kernel_connect(ctl);
	if (ret)
		return ret;
	nlh = nat_build_request(buf, ctl->nl.family.id, &args);
	if (args.op == NAT_POOL_SHOW)
		ret = kernel_request_list(ctl, nlh, pool_reply_cb, what[args.op]);
	else if (args.op == NAT_BINDING_SHOW)
		ret = kernel_request_list(ctl, nlh, binding_reply_cb,
					  what[args.op]);
	else
		ret = kernel_request(ctl, nlh, NULL, NULL, what[args.op]);
	kernel_disconnect(ctl);
	return ret;
}
