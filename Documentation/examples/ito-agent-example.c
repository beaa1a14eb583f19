// SPDX-License-Identifier: GPL-2.0
/*
 * ito-agent-example - the smallest useful inspection agent on libito:
 * UDP flows are offloaded, everything else stays under inspection.
 *
 *   cc -o ito-agent-example ito-agent-example.c $(pkg-config --cflags --libs libito)
 *
 * Runs until SIGINT or SIGTERM, then unregisters and exits 0.
 */
#define _POSIX_C_SOURCE 200809L	/* sigaction() under -std=c11 */

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libito.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One verdict per flow: its first copy decides. */
static int inspect(const struct ito_packet *pkt, void *data)
{
	struct ito_agent *agent = data;
	uint32_t verdict = pkt->proto == IPPROTO_UDP ? ITO_VERDICT_OFFLOAD :
						       ITO_VERDICT_INSPECT;
	char src[ITO_ENDPOINT_STRLEN], dst[ITO_ENDPOINT_STRLEN], num[4];

	if (pkt->seq != 1)
		return 0;
	printf("flow %llu %s %s -> %s: %s\n", (unsigned long long)pkt->flow_id,
	       ito_proto_name(pkt->proto, num, sizeof(num)),
	       ito_endpoint_str(pkt->saddr, pkt->addr_len, pkt->sport, src),
	       ito_endpoint_str(pkt->daddr, pkt->addr_len, pkt->dport, dst),
	       ito_verdict_name(verdict));
	return ito_agent_verdict(agent, pkt->flow_id, verdict);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct ito_agent *agent;
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = ito_agent_open(&agent);
	if (err) {
		fprintf(stderr, "cannot register as the ito agent: %s\n", strerror(-err));
		return 1;
	}
	printf("registered\n");
	while (!stop) {
		err = ito_agent_recv(agent, inspect, agent, false);
		if (err >= 0 || err == -EINTR || err == -ENOBUFS)
			err = ito_agent_flush(agent);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "%s %s\n", strerror(-err), ito_agent_error(agent));
			break;
		}
	}
	err = ito_agent_close(agent);
	printf("unregistered\n");
	return err ? 1 : 0;
}
