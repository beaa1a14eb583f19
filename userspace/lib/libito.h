/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libito - the public API of the ito userspace library: names of the
 * contract's values, address formatting, packet copy parsing, and the
 * agent API with which an inspection agent registers with the ito module,
 * receives packet copies and answers with verdicts. See libito(3).
 *
 * The netlink contract itself is <linux/ito.h>, installed beside this
 * header (pkg-config --cflags libito puts both on the include path).
 *
 * Functions that can fail return 0 (or a count) on success and -errno on
 * failure. An agent is used by one thread at a time.
 */
#ifndef LIBITO_H
#define LIBITO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ito.h>
#include <linux/netlink.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for an address as text, and for "[address]:port". */
#define ITO_ADDR_STRLEN		46	/* INET6_ADDRSTRLEN */
#define ITO_ENDPOINT_STRLEN	(ITO_ADDR_STRLEN + 8)

/*
 * Names of the contract's values as itoctl prints them: "offload",
 * "offloaded", "fin", "new"... "?" for a value without a name (a newer
 * module's).
 */
const char *ito_verdict_name(uint32_t verdict);		/* enum ito_verdict */
const char *ito_flow_state_name(uint32_t state);	/* enum ito_flow_state */
const char *ito_flow_event_name(uint32_t event);	/* enum ito_flow_event */
const char *ito_end_reason_name(uint32_t reason);	/* enum ito_end_reason */
/* "tcp", "udp", "icmpv6"..., or the number written into @buf. */
const char *ito_proto_name(uint8_t proto, char *buf, size_t len);
/*
 * A verdict an agent may give, by name ("offload", "inspect",
 * "inspect-all", "block"): 0, or -EINVAL for any other word.
 */
int ito_verdict_parse(const char *word, uint32_t *verdict);

/* @addr of @len bytes (4 or 16, network order) as text; "?" if neither. */
const char *ito_addr_str(const uint8_t *addr, uint8_t len,
			 char buf[ITO_ADDR_STRLEN]);
/* "10.0.1.2:40000" or "[2001:db8::1]:40000". Returns @buf. */
const char *ito_endpoint_str(const uint8_t *addr, uint8_t len, uint16_t port,
			     char buf[ITO_ENDPOINT_STRLEN]);

/*
 * A packet copy (ITO_CMD_PACKET) of a flow under inspection. Addresses are
 * network order, ports host order (ICMP: id / type << 8 | code). @data
 * points into the message it was parsed from.
 */
struct ito_packet {
	uint64_t flow_id;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t addr_len;	/* 4 or 16 */
	uint8_t saddr[16];	/* the flow's original direction */
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t iif;		/* ifindex the flow's original direction entered by */
	uint32_t ct_state;	/* conntrack's TCP state, 0 for other protocols */
	uint8_t dir;		/* this packet's direction: 0 original, 1 reply */
	uint32_t ifindex;	/* the port this packet entered by */
	uint32_t seq;		/* 1 for the flow's first copy, then 2... */
	uint32_t len;		/* the packet's length from the network header */
	const void *data;	/* the first snaplen bytes from the network header */
	uint32_t data_len;
};

/*
 * Parse one generic netlink message of the ito family carrying an
 * ITO_CMD_PACKET copy. Unknown attributes are skipped (a newer module may
 * add some). 0, or -EPROTO when one needed is missing or malformed.
 */
int ito_packet_parse(const struct nlmsghdr *nlh, struct ito_packet *pkt);

/* One verdict of a batch (ITO_CMD_FLOW_VERDICT). */
struct ito_flow_verdict {
	uint64_t flow_id;
	uint32_t verdict;	/* enum ito_verdict */
	char app[ITO_APP_NAME_LEN];	/* ITO_A_FLOW_APP, "" for none */
};

/* Verdicts one ITO_CMD_FLOW_VERDICT request carries at most. */
#define ITO_VERDICT_BATCH	128

/*
 * The agent API. ito_agent_open() registers the calling process as its
 * network namespace's agent (ITO_CMD_AGENT_REGISTER): -ENOENT when the
 * module is not loaded, -EBUSY when another agent is registered, -EPERM
 * without CAP_NET_ADMIN. Then, in a loop: poll ito_agent_fd() (or just
 * call ito_agent_recv(), which blocks), receive the copies through a
 * callback, queue a verdict per flow with ito_agent_verdict(), and send
 * the queue with ito_agent_flush() (full batches go by themselves).
 * ito_agent_close() sends what is queued, unregisters and frees.
 *
 * A flow copied to the agent gets min_pkts copies (ITO_A_CONFIG_MIN_PKTS)
 * unless a verdict comes first; a verdict for a flow that has ended is
 * not an error.
 */
struct ito_agent;

/* Called for each packet copy; a non-zero return stops ito_agent_recv(). */
typedef int (*ito_packet_fn)(const struct ito_packet *pkt, void *data);

int ito_agent_open(struct ito_agent **agent);
/* The socket copies arrive on, to poll for POLLIN. */
int ito_agent_fd(const struct ito_agent *agent);
/*
 * Read one datagram of copies (blocking unless @nonblock) and run @fn on
 * each copy in it. Returns the number of copies, 0 when there was nothing
 * to read (@nonblock), what @fn returned if it stopped early, or -errno:
 * -EINTR when a signal came first, -ENOBUFS when copies were lost to a
 * full receive buffer (the agent stays registered; flows whose copies were
 * all lost wait for a verdict: ITO_CMD_FLOW_GET lists them).
 */
int ito_agent_recv(struct ito_agent *agent, ito_packet_fn fn, void *data,
		   bool nonblock);
/* Queue a verdict; a full batch (ITO_VERDICT_BATCH) is sent at once. */
int ito_agent_verdict(struct ito_agent *agent, uint64_t flow_id,
		      uint32_t verdict);
/* Send the queued verdicts, ITO_VERDICT_BATCH to a request. */
int ito_agent_flush(struct ito_agent *agent);
/* The kernel's message about the last failure, "" if it gave none. */
const char *ito_agent_error(const struct ito_agent *agent);
/* Flush, unregister and free. 0, or the error of the flush or unregister. */
int ito_agent_close(struct ito_agent *agent);

#ifdef __cplusplus
}
#endif

#endif /* LIBITO_H */
