// SPDX-License-Identifier: GPL-2.0
/* Reading /etc/ito/ito.conf: all of it is checked before any of it is used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "conffile.h"
#include "parse.h"
#include "report.h"

const struct conf_port *conf_port_by_dev(const struct ito_conf *conf,
					 const char *dev)
{
	size_t i;

	for (i = 0; i < conf->n_ports; i++)
		if (!strcmp(conf->ports[i].dev, dev))
			return &conf->ports[i];
	return NULL;
}

static int copy_name(char dst[IF_NAMESIZE], const char *src)
{
	if (strlen(src) >= IF_NAMESIZE) {
		pr_err("device name \"%s\" is longer than %d characters",
		       src, IF_NAMESIZE - 1);
		return EXIT_USAGE;
	}
	strcpy(dst, src);
	return EXIT_OK;
}

static int add_port(struct ito_conf *conf, int argc, char **argv,
		    unsigned long line)
{
	struct conf_port *ports, *port;
	struct port_args args;
	int ret;

	ret = port_parse_args(argc, argv, &args);
	if (ret)
		return ret;
	if (args.op != PORT_ADD) {
		pr_err("only \"port add\" belongs in a configuration file");
		return EXIT_USAGE;
	}
	if (conf_port_by_dev(conf, args.dev)) {
		pr_err("port \"%s\" is enrolled twice", args.dev);
		return EXIT_USAGE;
	}
	ports = realloc(conf->ports, (conf->n_ports + 1) * sizeof(*ports));
	if (!ports) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	conf->ports = ports;
	port = &ports[conf->n_ports];
	memset(port, 0, sizeof(*port));
	if (copy_name(port->dev, args.dev) ||
	    (args.peer_dev && copy_name(port->peer, args.peer_dev)))
		return EXIT_USAGE;
	port->args = args;
	port->line = line;
	conf->n_ports++;
	/* realloc() may have moved them: the names are the array's own. */
	for (size_t i = 0; i < conf->n_ports; i++) {
		port = &conf->ports[i];
		port->args.dev = port->dev;
		port->args.peer_dev = port->peer[0] ? port->peer : NULL;
	}
	return EXIT_OK;
}

static int add_knobs(struct ito_conf *conf, int argc, char **argv)
{
	struct ito_config knobs;
	unsigned int attr;
	int ret;

	ret = config_parse_args(argc, argv, &knobs);
	if (ret)
		return ret;
	for (attr = 1; attr <= ITO_A_CONFIG_MAX; attr++) {
		if (!config_has(&knobs, attr))
			continue;
		conf->knobs.value[attr] = knobs.value[attr];
		conf->knobs.present |= 1u << attr;
	}
	return EXIT_OK;
}

static int load_line(struct ito_conf *conf, char *text, unsigned long line)
{
	char *words[BATCH_MAX_WORDS];
	int n;

	n = batch_split(text, words, BATCH_MAX_WORDS);
	if (n == 0)
		return EXIT_OK;
	if (n < 0) {
		pr_err("more than %d words on a line", BATCH_MAX_WORDS);
		return EXIT_USAGE;
	}
	if (keyword_is(words[0], "set"))
		return add_knobs(conf, n - 1, words + 1);
	if (keyword_is(words[0], "port"))
		return add_port(conf, n - 1, words + 1, line);
	pr_err("\"%s\" does not belong in a configuration file: only \"set\" and \"port add\" lines do",
	       words[0]);
	return EXIT_USAGE;
}

int conf_load(const char *path, struct ito_conf *conf)
{
	unsigned long line = 0;
	size_t cap = 0;
	char *text = NULL;
	int ret = EXIT_OK;
	FILE *fp;

	memset(conf, 0, sizeof(*conf));
	conf->path = path;
	fp = fopen(path, "r");
	if (!fp) {
		pr_err("cannot open configuration file \"%s\": %s", path,
		       strerror(errno));
		return EXIT_FAIL;
	}
	while (getline(&text, &cap, fp) >= 0) {
		line++;
		ret = load_line(conf, text, line);
		if (ret) {
			fprintf(report_stream(), "%s:%lu: bad line, nothing of the file is applied\n",
				path, line);
			break;
		}
	}
	if (!ret && ferror(fp)) {
		pr_err("reading \"%s\" failed: %s", path, strerror(errno));
		ret = EXIT_FAIL;
	}
	free(text);
	fclose(fp);
	if (ret)
		conf_free(conf);
	return ret;
}

void conf_free(struct ito_conf *conf)
{
	free(conf->ports);
	memset(conf, 0, sizeof(*conf));
}
