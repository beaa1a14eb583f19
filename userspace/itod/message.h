/* SPDX-License-Identifier: GPL-2.0 */
/*
 * message - the ito netlink messages itod reads and writes, as pure
 * functions over buffers (no sockets): packet copies, flow dump entries and
 * events, nlctrl family notifications in; requests out. libito parses the
 * ito messages and builds verdict batches (ito_verdict_build()); what is
 * here turns them into the tuples itod's policy matches.
 *
 * Parsers skip attributes they do not know (a newer module may add some)
 * and return -EPROTO when one they need is missing or malformed.
 */
#ifndef ITOD_MESSAGE_H
#define ITOD_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "ito_verdict.h"
#include "libito.h"
#include "policy.h"

/* A packet copy, ITO_CMD_PACKET. @data points into the message. */
struct msg_packet {
	uint64_t flow_id;
	struct policy_tuple tuple;
	uint32_t ct_state;
	uint8_t dir;		/* 0 original, 1 reply */
	uint32_t ifindex;	/* the port this packet entered by */
	uint32_t seq;		/* 1 for the flow's first copy */
	uint32_t len;		/* the packet's length */
	const void *data;
	uint32_t data_len;
};

/* A flow of a dump (ITO_CMD_FLOW_GET) or an event (ITO_CMD_FLOW_NTF). */
struct msg_flow {
	uint64_t flow_id;
	struct policy_tuple tuple;
	uint32_t state;		/* enum ito_flow_state */
	uint32_t verdict;	/* enum ito_verdict, NONE when absent */
	uint32_t event;		/* enum ito_flow_event, 0 when absent */
	uint32_t end_reason;	/* enum ito_end_reason, 0 when absent */
	uint32_t copies;
	bool has_tuple;		/* FAMILY, PROTO and both addresses present */
};

/* Returns 0 or -EPROTO. @nlh must be a generic netlink message. */
int msg_parse_packet(const struct nlmsghdr *nlh, struct msg_packet *pkt);
int msg_parse_flow(const struct nlmsghdr *nlh, struct msg_flow *flow);

/* The genl command of @nlh, or -EPROTO when it is too short. */
int msg_genl_cmd(const struct nlmsghdr *nlh);

/*
 * An nlctrl notification (CTRL_CMD_NEWFAMILY / DELFAMILY...): its command,
 * family name (@name, @name_len bytes) and id. Returns 0 or -EPROTO.
 */
int msg_parse_ctrl(const struct nlmsghdr *nlh, uint8_t *cmd, char *name,
		   size_t name_len, uint16_t *id);

/* A bodiless ito request: AGENT_REGISTER, AGENT_UNREGISTER... */
struct nlmsghdr *msg_build_simple(void *buf, uint16_t family_id, uint8_t cmd);

/* ITO_CMD_FLOW_GET as a dump of the flows still inspecting. */
struct nlmsghdr *msg_build_flow_dump(void *buf, uint16_t family_id);

#endif /* ITOD_MESSAGE_H */
