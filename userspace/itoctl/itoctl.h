/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by itoctl's commands. */
#ifndef ITOCTL_H
#define ITOCTL_H

#include <stdbool.h>

#include "ito_nl.h"

struct itoctl {
	bool json;
	bool pretty;
	bool prometheus;	/* -o prometheus: only "counters" has metrics */
	const char *netns;	/* -n NAME: entered before any command */
	bool timestamp;		/* -t: monitor stamps each event */
	struct ito_nl nl;
};

/*
 * Commands: argv holds the words after the command's name. Each parses all
 * of its words before talking to the kernel, so a usage error exits 2 even
 * without the module. Return an enum itoctl_exit value.
 */
int cmd_show(struct itoctl *ctl, int argc, char **argv);
int cmd_set(struct itoctl *ctl, int argc, char **argv);
int cmd_counters(struct itoctl *ctl, int argc, char **argv);
int cmd_port(struct itoctl *ctl, int argc, char **argv);
int cmd_flow(struct itoctl *ctl, int argc, char **argv);
int cmd_nat(struct itoctl *ctl, int argc, char **argv);
int cmd_monitor(struct itoctl *ctl, int argc, char **argv);
int cmd_apply(struct itoctl *ctl, int argc, char **argv);

/* Reach the ito family; EXIT_OK or EXIT_FAIL with the reason printed. */
int kernel_connect(struct itoctl *ctl);
void kernel_disconnect(struct itoctl *ctl);
/*
 * Send @req, run @cb on the replies; EXIT_OK, or EXIT_FAIL with the reason
 * printed (@what names the operation, e.g. "reading the counters").
 */
int kernel_request(struct itoctl *ctl, struct nlmsghdr *req, mnl_cb_t cb,
		   void *data, const char *what);
/*
 * kernel_request() of a list ("show"): @cb prints each reply with the
 * struct printer it is given, a line each in text, an element of one
 * array in JSON (empty or of one element too).
 */
int kernel_request_list(struct itoctl *ctl, struct nlmsghdr *req, mnl_cb_t cb,
			const char *what);

#endif /* ITOCTL_H */
