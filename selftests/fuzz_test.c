// SPDX-License-Identifier: GPL-2.0
/*
 * Throw random generic netlink messages at the "ito" family: random
 * commands, flags and attribute trees, some well-formed, most not. The
 * kernel must answer each one (ack or error) and stay healthy; the VM
 * harness fails the run on any kernel warning.
 *
 *   fuzz_test [COUNT [SEED]]     default 10000 messages, seed 1
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "ito_nl.h"

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

/* A random attribute; nests recurse a little, sizes are often wrong. */
static void put_random_attr(struct nlmsghdr *nlh, int depth)
{
	static const uint16_t sizes[] = { 0, 1, 2, 3, 4, 6, 8, 12, 16, 33 };
	uint16_t type = rnd(4) ? 1 + rnd(ITO_A_FLOW_MAX + 2) : rnd(0x7fff);
	unsigned char data[64];
	unsigned int i;

	if (depth < 3 && rnd(3) == 0) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, type);
		unsigned int n = rnd(5);

		for (i = 0; i < n; i++)
			put_random_attr(nlh, depth + 1);
		mnl_attr_nest_end(nlh, nest);
		return;
	}
	for (i = 0; i < sizeof(data); i++)
		data[i] = rnd(4) ? rnd(4) : rnd(256);	/* small values reach more code */
	mnl_attr_put(nlh, type, sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))], data);
}

int main(int argc, char **argv)
{
	char buf[ITO_NL_MSG_SIZE] __attribute__((aligned(4)));
	unsigned long count = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	unsigned int seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	unsigned long i, acked = 0, refused = 0;
	char extack[256];
	struct ito_nl nl;
	int err;

	printf("TAP version 13\n1..2\n");
	srandom(seed);
	err = ito_nl_open(&nl, ITO_FAMILY_NAME, extack, sizeof(extack));
	if (err) {
		printf("not ok 1 - open the ito family: %s\n", strerror(-err));
		printf("not ok 2 - family answers after fuzzing # not run\n");
		return 1;
	}
	for (i = 0; i < count; i++) {
		struct nlmsghdr *nlh;
		unsigned int n = rnd(6), j;
		uint16_t flags = rnd(8) ? 0 : NLM_F_DUMP;
		/* never register as agent: the kernel would send us copies
		 * this loop does not read
		 */
		uint8_t cmd;

		do
			cmd = rnd(ITO_CMD_MAX + 3);
		while (cmd == ITO_CMD_AGENT_REGISTER);
		nlh = ito_nl_msg_start(buf, nl.family.id, cmd, rnd(3), flags);
		for (j = 0; j < n; j++)
			put_random_attr(nlh, 0);
		err = ito_nl_talk(&nl, nlh, NULL, NULL, extack, sizeof(extack));
		if (err == 0)
			acked++;
		else if (err == -ENOBUFS || err == -EIO)
			break;	/* our socket broke: not the kernel's answer */
		else
			refused++;
	}
	printf("# %lu messages, %lu accepted, %lu refused (seed %u)\n",
	       i, acked, refused, seed);
	printf("%s 1 - every message answered\n", i == count ? "ok" : "not ok");

	{
		struct nlmsghdr *nlh = ito_nl_msg_start(buf, nl.family.id,
							ITO_CMD_CONFIG_GET,
							ITO_FAMILY_VERSION, 0);

		err = ito_nl_talk(&nl, nlh, NULL, NULL, extack, sizeof(extack));
		printf("%s 2 - family answers after fuzzing\n", err ? "not ok" : "ok");
	}
	ito_nl_close(&nl);
	return i == count && !err ? 0 : 1;
}
