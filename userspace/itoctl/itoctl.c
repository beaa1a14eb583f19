// SPDX-License-Identifier: GPL-2.0
/* itoctl - configure the Intelligent Traffic Offload module. */
#include <stdio.h>
#include <string.h>

#include <linux/ito.h>

#include "batch.h"
#include "itoctl.h"
#include "netns.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

#ifndef ITOCTL_VERSION
#define ITOCTL_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*run)(struct itoctl *ctl, int argc, char **argv);
	bool metrics;		/* has a -o prometheus output */
};

static const struct command commands[] = {
	{ "show",	cmd_show,	false },
	{ "set",	cmd_set,	false },
	{ "counters",	cmd_counters,	true },
	{ "port",	cmd_port,	false },
	{ "flow",	cmd_flow,	false },
	{ "nat",	cmd_nat,	false },
	{ "monitor",	cmd_monitor,	false },
	{ "apply",	cmd_apply,	false },
};

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_PROMETHEUS,
};

static const struct ito_name output_formats[] = {
	{ "text",	OUTPUT_TEXT },
	{ "json",	OUTPUT_JSON },
	{ "prometheus",	OUTPUT_PROMETHEUS },
	{ NULL, 0 }
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

/* "-o FORMAT": the last of -o, -j and -p wins. */
static int set_output(struct itoctl *ctl, const char *arg)
{
	uint32_t format;

	if (!arg)
		return EXIT_USAGE;	/* option_value() said why */
	if (parse_choice("-o", arg, output_formats, &format))
		return EXIT_USAGE;
	ctl->json = format == OUTPUT_JSON;
	ctl->pretty = false;
	ctl->prometheus = format == OUTPUT_PROMETHEUS;
	return EXIT_OK;
}

static int run_command(struct itoctl *ctl, const struct command *cmd,
		       int argc, char **argv)
{
	if (ctl->prometheus && !cmd->metrics) {
		pr_err("\"-o prometheus\" is an output of \"counters\" only, not of \"%s\"",
		       cmd->name);
		return EXIT_USAGE;
	}
	return cmd->run(ctl, argc, argv);
}

static void print_version(void)
{
	printf("itoctl %s (netlink family \"%s\" version %d)\n",
	       ITOCTL_VERSION, ITO_FAMILY_NAME, ITO_FAMILY_VERSION);
}

/* The value of an option that takes one: the next word, NULL if none. */
static const char *option_value(int *argc, char ***argv, const char *name)
{
	if (*argc < 2) {
		missing_argument(name);
		return NULL;
	}
	(*argc)--, (*argv)++;
	return (*argv)[0];
}

static int set_netns(struct itoctl *ctl, const char *name)
{
	if (!name)
		return EXIT_USAGE;
	if (!netns_name_valid(name)) {
		pr_err("argument of \"-n\" must be a network namespace name, not \"%s\"",
		       name);
		return EXIT_USAGE;
	}
	ctl->netns = name;
	return EXIT_OK;
}

/* "-n NAME": before the first socket, so that all of them live there. */
static int enter_netns(const char *name)
{
	int step, err;

	err = netns_enter(name, NETNS_NAMED_DIR, &step);
	if (!err)
		return EXIT_OK;
	pr_err("cannot %s network namespace \"%s\": %s",
	       step == NETNS_OPEN ? "open" : "enter", name, strerror(-err));
	return EXIT_FAIL;
}

/* Run the words of one command line: "OBJECT [ COMMAND ] [ ARGS ]". */
static int run_words(struct itoctl *ctl, int argc, char **argv)
{
	size_t i;

	if (keyword_is(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (keyword_is(argv[0], commands[i].name))
			return run_command(ctl, &commands[i], argc - 1,
					   argv + 1);
	return usage_error(argv[0]);
}

/* Options of the whole run, not of a command's output. */
struct run_options {
	const char *batch;	/* -batch FILE */
	bool force;		/* -force: a failed line stops nothing */
};

/* Options go on until the first word without a "-". */
#define OPTIONS_GO_ON	-1

static int parse_options(struct itoctl *ctl, struct run_options *run,
			 int *argc, char ***argv)
{
	int ret;

	for (; *argc > 0 && (*argv)[0][0] == '-'; (*argc)--, (*argv)++) {
		const char *opt = (*argv)[0];

		if (option_is(opt, "-j", "json")) {
			ctl->json = true;
			ctl->prometheus = false;
		} else if (option_is(opt, "-p", "pretty")) {
			ctl->json = true;
			ctl->pretty = true;
			ctl->prometheus = false;
		} else if (option_is(opt, "-o", "output")) {
			ret = set_output(ctl, option_value(argc, argv, "-o"));
			if (ret)
				return ret;
		} else if (option_is(opt, "-n", "netns")) {
			ret = set_netns(ctl, option_value(argc, argv, "-n"));
			if (ret)
				return ret;
		} else if (option_is(opt, "-t", "timestamp")) {
			ctl->timestamp = true;
		} else if (option_is(opt, "-b", "batch")) {
			run->batch = option_value(argc, argv, "-batch");
			if (!run->batch)
				return EXIT_USAGE;
		} else if (option_is(opt, "-force", "force")) {
			run->force = true;
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
	return OPTIONS_GO_ON;
}

static int run_batch_line(void *ctl, int argc, char **argv)
{
	return run_words(ctl, argc, argv);
}

int main(int argc, char **argv)
{
	/* static: struct ito_nl carries a 32 KiB receive buffer. */
	static struct itoctl ctl;
	struct run_options run = {};
	int ret;

	argc--, argv++;
	ret = parse_options(&ctl, &run, &argc, &argv);
	if (ret != OPTIONS_GO_ON)
		return ret;
	/* The commands are in the file: words after it are a mistake. */
	if (run.batch && argc > 0)
		return usage_error(argv[0]);
	if (!run.batch && argc == 0) {
		usage(report_stream());
		return EXIT_USAGE;
	}
	if (ctl.netns) {
		ret = enter_netns(ctl.netns);
		if (ret)
			return ret;
	}
	if (run.batch)
		return batch_run_file(run.batch, run.force, run_batch_line,
				      &ctl);
	return run_words(&ctl, argc, argv);
}
