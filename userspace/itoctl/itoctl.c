// SPDX-License-Identifier: GPL-2.0
/* itoctl - configure the Intelligent Traffic Offload module. */
#include <stdio.h>
#include <string.h>

#include <linux/ito.h>

#include "itoctl.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

#ifndef ITOCTL_VERSION
#define ITOCTL_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*run)(struct itoctl *ctl, int argc, char **argv);
};

static const struct command commands[] = {
	{ "show",	cmd_show },
	{ "set",	cmd_set },
	{ "counters",	cmd_counters },
	{ "port",	cmd_port },
	{ "flow",	cmd_flow },
	{ "nat",	cmd_nat },
	{ "monitor",	cmd_monitor },
};

/* Options are spelled "-x", "-long" or "--long", nothing in between. */
static bool option_is(const char *arg, const char *letter, const char *word)
{
	if (keyword_is(arg, letter))
		return true;
	if (arg[0] != '-')
		return false;
	if (arg[1] == '-')
		arg++;
	return keyword_is(arg + 1, word);
}

static void print_version(void)
{
	printf("itoctl %s (netlink family \"%s\" version %d)\n",
	       ITOCTL_VERSION, ITO_FAMILY_NAME, ITO_FAMILY_VERSION);
}

int main(int argc, char **argv)
{
	/* static: struct ito_nl carries a 32 KiB receive buffer. */
	static struct itoctl ctl;
	size_t i;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		const char *opt = argv[0];

		if (option_is(opt, "-j", "json")) {
			ctl.json = true;
		} else if (option_is(opt, "-p", "pretty")) {
			ctl.json = true;
			ctl.pretty = true;
		} else if (option_is(opt, "-h", "help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (option_is(opt, "-V", "version") ||
			   keyword_is(opt, "-Version")) {
			print_version();
			return EXIT_OK;
		} else {
			return usage_error(opt);
		}
	}

	if (argc == 0) {
		usage(report_stream());
		return EXIT_USAGE;
	}
	if (keyword_is(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (keyword_is(argv[0], commands[i].name))
			return commands[i].run(&ctl, argc - 1, argv + 1);

	return usage_error(argv[0]);
}
