/* SPDX-License-Identifier: GPL-2.0 */
/* Network devices by name and by index, in the caller's namespace. */
#ifndef ITOCTL_DEV_H
#define ITOCTL_DEV_H

#include <net/if.h>
#include <stdint.h>

/* Room for a name or, failing that, an ifindex in decimal. */
#define DEV_NAME_LEN	(IF_NAMESIZE > 11 ? IF_NAMESIZE : 11)

/*
 * The ifindex of @name; EXIT_OK, or EXIT_FAIL with
 * `Error: no such device "name"` printed.
 */
int dev_index(const char *name, uint32_t *ifindex);

/* The name of @ifindex in @buf, or its number if it has none here. */
const char *dev_name(uint32_t ifindex, char buf[DEV_NAME_LEN]);

#endif /* ITOCTL_DEV_H */
