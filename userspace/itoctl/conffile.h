/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/ito/ito.conf: the knobs and ports the host should have, in the
 * words of "itoctl set" and "itoctl port add", one command a line.
 */
#ifndef ITOCTL_CONFFILE_H
#define ITOCTL_CONFFILE_H

#include <stddef.h>

#include "config.h"
#include "dev.h"
#include "port.h"

/* One "port add" line; @args.dev and @args.peer_dev point into it. */
struct conf_port {
	char dev[IF_NAMESIZE];
	char peer[IF_NAMESIZE];		/* "" unless mode vwire */
	struct port_args args;
	unsigned long line;
};

struct ito_conf {
	const char *path;
	struct ito_config knobs;	/* every "set" line, later ones win */
	struct conf_port *ports;
	size_t n_ports;
};

/*
 * Read and check all of @path into @conf. EXIT_OK, or EXIT_USAGE (a bad
 * line: its parser's message, then "FILE:LINE: ...") or EXIT_FAIL (the
 * file cannot be read), with @conf left empty.
 */
int conf_load(const char *path, struct ito_conf *conf);
void conf_free(struct ito_conf *conf);

/* The line of @conf that enrols @dev, NULL if none does. */
const struct conf_port *conf_port_by_dev(const struct ito_conf *conf,
					 const char *dev);

#endif /* ITOCTL_CONFFILE_H */
