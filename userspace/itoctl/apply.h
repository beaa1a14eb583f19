/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "itoctl apply FILE [ watch ]": make the module's knobs and ports what a
 * configuration file says, and keep them so as devices come and go.
 */
#ifndef ITOCTL_APPLY_H
#define ITOCTL_APPLY_H

#include <stdbool.h>

#include "conffile.h"
#include "itoctl.h"

struct apply_result {
	unsigned int enrolled;	/* ports of the file that are ports now */
	unsigned int waiting;	/* ports whose device (or peer) is missing */
	unsigned int changed;	/* knob sets, additions, replacements, removals */
	unsigned int failed;	/* requests the kernel refused */
	bool no_module;		/* the ito family could not be reached */
};

/*
 * Bring the module to @conf. With @prev (what was applied before), only
 * knobs whose value @conf changes are set, and ports @prev had that @conf
 * has not are removed; without it every knob of @conf is set and no port
 * is removed. A port already enrolled with the same options is left
 * alone, so its sessions go on; with other options it is removed and
 * enrolled again. @quiet leaves out the ports that stay as they were.
 * EXIT_OK, or EXIT_FAIL when the kernel cannot be reached or refused
 * something (said on stderr, counted in @res).
 */
int apply_conf(struct itoctl *ctl, const struct ito_conf *conf,
	       const struct ito_conf *prev, bool quiet,
	       struct apply_result *res);

/*
 * After a first apply_conf() of @conf, follow link events and signals:
 * a device of the file appearing is enrolled, SIGHUP reads @conf's file
 * again and applies the difference (a bad file changes nothing), SIGTERM
 * and SIGINT end it. Tells systemd (sd_notify) when it is ready and
 * reloading. Takes @conf over.
 */
int apply_watch(struct itoctl *ctl, struct ito_conf *conf);

#endif /* ITOCTL_APPLY_H */
