// SPDX-License-Identifier: GPL-2.0
/* Network devices by name and by index. */
#include <stdio.h>

#include "dev.h"
#include "report.h"

int dev_index(const char *name, uint32_t *ifindex)
{
	unsigned int index = if_nametoindex(name);

	if (!index) {
		pr_err("no such device \"%s\"", name);
		return EXIT_FAIL;
	}
	*ifindex = index;
	return EXIT_OK;
}

const char *dev_name(uint32_t ifindex, char buf[DEV_NAME_LEN])
{
	/* The port may live on after its device, or in another namespace. */
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, DEV_NAME_LEN, "%u", ifindex);
	return buf;
}
