// SPDX-License-Identifier: GPL-2.0
/* "itoctl apply": from a configuration file to the module's knobs and ports. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "apply.h"
#include "parse.h"
#include "print.h"
#include "report.h"
#include "usage.h"

/* The ports the kernel has now. */
struct port_table {
	struct ito_port *ports;
	size_t n, cap;
};

static int collect_port_cb(const struct nlmsghdr *nlh, void *data)
{
	struct port_table *t = data;
	struct ito_port *ports;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		ports = realloc(t->ports, t->cap * sizeof(*ports));
		if (!ports) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		t->ports = ports;
	}
	if (port_parse_reply(nlh, &t->ports[t->n])) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	t->n++;
	return MNL_CB_OK;
}

static int read_ports(struct itoctl *ctl, struct port_table *t)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct port_args all = { .op = PORT_SHOW };
	struct nlmsghdr *nlh;

	nlh = port_build_request(buf, ctl->nl.family.id, &all);
	return kernel_request(ctl, nlh, collect_port_cb, t, "reading the ports");
}

static const struct ito_port *port_find(const struct port_table *t,
					uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ports[i].ifindex == ifindex)
			return &t->ports[i];
	return NULL;
}

/* Options the file leaves out are the kernel's defaults. */
static bool port_matches(const struct ito_port *have,
			 const struct port_args *want)
{
	uint32_t mode = want->has_mode ? want->mode : ITO_PORT_MODE_L3;
	uint32_t offload = want->has_offload ? want->offload :
					       ITO_PORT_OFFLOAD_AUTO;

	if (port_has(have, ITO_A_PORT_MODE) && have->mode != mode)
		return false;
	if (port_has(have, ITO_A_PORT_OFFLOAD) && have->offload != offload)
		return false;
	return have->peer == want->peer;
}

static int port_request(struct itoctl *ctl, struct port_args *args,
			enum port_op op)
{
	static const char *const what[] = {
		[PORT_ADD] = "adding the port",
		[PORT_DEL] = "removing the port",
	};
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh;

	args->op = op;
	nlh = port_build_request(buf, ctl->nl.family.id, args);
	return kernel_request(ctl, nlh, NULL, NULL, what[op]);
}

static void report_port(struct printer *p, const char *dev,
			const char *action, const char *detail)
{
	print_open_object(p, NULL);
	print_field_str(p, PRINT_ANY, "ifname", "port %s", dev);
	print_field_str(p, PRINT_ANY, "action", ": %s", action);
	if (detail)
		print_field_str(p, PRINT_ANY, "detail", " (%s)", detail);
	print_text(p, "\n");
	print_close_object(p);
}

/* The knobs of @conf that @prev did not already set to the same value. */
static void knobs_to_set(const struct ito_conf *conf,
			 const struct ito_conf *prev, struct ito_config *out)
{
	unsigned int attr;

	*out = conf->knobs;
	if (!prev)
		return;
	for (attr = 1; attr <= ITO_A_CONFIG_MAX; attr++)
		if (config_has(&prev->knobs, attr) &&
		    prev->knobs.value[attr] == conf->knobs.value[attr])
			out->present &= ~(1u << attr);
}

static void apply_knobs(struct itoctl *ctl, struct printer *p,
			const struct ito_conf *conf,
			const struct ito_conf *prev, bool quiet,
			struct apply_result *res)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	const char *outcome = "unchanged";
	struct ito_config set;
	struct nlmsghdr *nlh;
	unsigned int n = 0, attr;

	knobs_to_set(conf, prev, &set);
	for (attr = 1; attr <= ITO_A_CONFIG_MAX; attr++)
		n += config_has(&set, attr);
	if (n) {
		/* All in one request: the kernel takes all of them or none. */
		nlh = config_build_set(buf, ctl->nl.family.id, &set);
		if (kernel_request(ctl, nlh, NULL, NULL,
				   "changing the configuration")) {
			res->failed++;
			outcome = "failed";
		} else {
			res->changed++;
			outcome = "set";
		}
	} else if (quiet) {
		return;
	}
	print_open_object(p, "knobs");
	print_field_uint(p, PRINT_ANY, "count", "knobs %" PRIu64, n);
	print_field_str(p, PRINT_ANY, "action", ": %s\n", outcome);
	print_close_object(p);
}

/* Ports @prev enrolled that @conf no longer has. */
static void remove_dropped(struct itoctl *ctl, struct printer *p,
			   const struct ito_conf *conf,
			   const struct ito_conf *prev,
			   const struct port_table *have,
			   struct apply_result *res)
{
	struct port_args args;
	size_t i;

	for (i = 0; prev && i < prev->n_ports; i++) {
		const struct conf_port *old = &prev->ports[i];

		if (conf_port_by_dev(conf, old->dev))
			continue;
		memset(&args, 0, sizeof(args));
		args.ifindex = if_nametoindex(old->dev);
		if (!args.ifindex || !port_find(have, args.ifindex))
			continue;
		if (port_request(ctl, &args, PORT_DEL)) {
			res->failed++;
			report_port(p, old->dev, "failed", "removal refused");
		} else {
			res->changed++;
			report_port(p, old->dev, "removed", NULL);
		}
	}
}

static void apply_port(struct itoctl *ctl, struct printer *p,
		       const struct conf_port *cp,
		       const struct port_table *have, bool quiet,
		       struct apply_result *res)
{
	struct port_args args = cp->args;
	const struct ito_port *port;
	const char *action = "added";

	args.dev = cp->dev;
	args.peer_dev = cp->peer[0] ? cp->peer : NULL;
	args.ifindex = if_nametoindex(cp->dev);
	args.peer = args.peer_dev ? if_nametoindex(args.peer_dev) : 0;
	if (!args.ifindex || (args.peer_dev && !args.peer)) {
		res->waiting++;
		if (!quiet)
			report_port(p, cp->dev, "waiting",
				    args.ifindex ? "no peer device yet" :
						   "no such device yet");
		return;
	}

	port = port_find(have, args.ifindex);
	if (port && port_matches(port, &args)) {
		res->enrolled++;
		if (!quiet)
			report_port(p, cp->dev, "unchanged", NULL);
		return;
	}
	if (port) {
		/* The kernel has no "change": the port's sessions end. */
		if (port_request(ctl, &args, PORT_DEL)) {
			res->failed++;
			report_port(p, cp->dev, "failed", "removal refused");
			return;
		}
		action = "replaced";
	}
	if (port_request(ctl, &args, PORT_ADD)) {
		res->failed++;
		report_port(p, cp->dev, "failed", "enrolment refused");
		return;
	}
	res->enrolled++;
	res->changed++;
	report_port(p, cp->dev, action, NULL);
}

int apply_conf(struct itoctl *ctl, const struct ito_conf *conf,
	       const struct ito_conf *prev, bool quiet,
	       struct apply_result *res)
{
	struct port_table have = {};
	struct printer p;
	size_t i;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = kernel_connect(ctl);
	if (ret) {
		res->no_module = true;
		return ret;
	}
	ret = read_ports(ctl, &have);
	if (ret) {
		kernel_disconnect(ctl);
		free(have.ports);
		return ret;
	}

	/* What was done, a line each in text. */
	print_init(&p, stdout, ctl->json, ctl->pretty);
	print_open_object(&p, NULL);
	apply_knobs(ctl, &p, conf, prev, quiet, res);
	print_open_array(&p, "ports");
	remove_dropped(ctl, &p, conf, prev, &have, res);
	for (i = 0; i < conf->n_ports; i++)
		apply_port(ctl, &p, &conf->ports[i], &have, quiet, res);
	print_close_array(&p);
	print_close_object(&p);
	fflush(stdout);

	kernel_disconnect(ctl);
	free(have.ports);
	return res->failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_apply(struct itoctl *ctl, int argc, char **argv)
{
	struct apply_result res;
	struct ito_conf conf;
	bool watch = false;
	int ret;

	if (argc < 1) {
		pr_err("\"apply\" needs a configuration file");
		return EXIT_USAGE;
	}
	if (argc > 1) {
		if (!keyword_is(argv[1], "watch"))
			return usage_error(argv[1]);
		if (argc > 2)
			return usage_error(argv[2]);
		watch = true;
	}
	ret = conf_load(argv[0], &conf);
	if (ret)
		return ret;
	if (watch)
		return apply_watch(ctl, &conf);
	ret = apply_conf(ctl, &conf, NULL, false, &res);
	conf_free(&conf);
	return ret;
}
