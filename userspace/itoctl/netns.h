/* SPDX-License-Identifier: GPL-2.0 */
/* Which network namespace itoctl runs in: entered by name, or a label. */
#ifndef ITOCTL_NETNS_H
#define ITOCTL_NETNS_H

#include <stdbool.h>
#include <stddef.h>

/* Where "ip netns add" names namespaces. */
#define NETNS_NAMED_DIR		"/run/netns"
/* Room for a name under NETNS_NAMED_DIR or "net:[INODE]". */
#define NETNS_LABEL_LEN		256

/*
 * The name of the current network namespace in @named_dir (the first in
 * alphabetical order if it has several), as "ip netns identify" finds it;
 * otherwise "net:[INODE]", as /proc/self/ns/net reads. Both stay the same
 * while the namespace lives; a name also across reboots. 0 or -errno.
 */
int netns_label(char label[NETNS_LABEL_LEN], const char *named_dir);

/* A name "ip netns add" could have made: no "/", not "." or "..". */
bool netns_name_valid(const char *name);

/* What netns_enter() was doing when it failed. */
enum netns_step {
	NETNS_OPEN,
	NETNS_ENTER,
};

/*
 * Move this (single-threaded) process into the namespace @name of
 * @named_dir, as "ip -n" does; sockets opened afterwards live there.
 * 0, or -errno with *@step telling whether the name could not be opened
 * (-ENOENT: no such namespace) or not entered (-EPERM: no CAP_SYS_ADMIN).
 */
int netns_enter(const char *name, const char *named_dir, int *step);

#endif /* ITOCTL_NETNS_H */
