/* SPDX-License-Identifier: GPL-2.0 */
/* Which network namespace itoctl runs in, as a metrics label. */
#ifndef ITOCTL_NETNS_H
#define ITOCTL_NETNS_H

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

#endif /* ITOCTL_NETNS_H */
