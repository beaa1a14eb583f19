/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apppkt - the first packets of application flows, built from scratch for
 * the classification tests and bench/classify: IPv4 from the network
 * header, as the kernel copies them (ITO_A_PACKET_DATA), TCP sequence
 * numbers consistent (nDPI drops what looks retransmitted).
 *
 *   TLS   handshake, ClientHello with an SNI, ServerHello start
 *   HTTP  handshake, GET with a Host header, a 200 response
 *   SSH   handshake, both banners
 *   DNS   a query for a name over UDP, its answer
 *   BitTorrent  handshake, the peer wire protocol's handshake both ways
 */
#ifndef ITO_TESTS_APPPKT_H
#define ITO_TESTS_APPPKT_H

#include <stddef.h>
#include <stdint.h>

#include "message.h"

#define APPPKT_MAX	8	/* packets in a script */
#define APPPKT_LEN	512	/* bytes in a packet, at most */

enum apppkt_kind {
	APPPKT_TLS,
	APPPKT_HTTP,
	APPPKT_SSH,
	APPPKT_DNS,
	APPPKT_OPAQUE,	/* a handshake then bytes nDPI cannot name */
	APPPKT_BITTORRENT,
	__APPPKT_KIND_MAX,
};

struct apppkt_script {
	size_t n;
	uint8_t dir[APPPKT_MAX];
	uint16_t len[APPPKT_MAX];
	uint8_t data[APPPKT_MAX][APPPKT_LEN];
	struct policy_tuple tuple;	/* the original direction */
};

/*
 * Fill @s with the flow of @kind between 10.C.C.C:CPORT (@client, @cport)
 * and 192.0.2.1 (its usual port); @name is the SNI, Host or DNS name.
 */
void apppkt_script(struct apppkt_script *s, enum apppkt_kind kind,
		   uint32_t client, uint16_t cport, const char *name);

/* Packet @i of @s as a copy of @flow_id (seq i + 1), for decide_packet(). */
void apppkt_copy(const struct apppkt_script *s, size_t i, uint64_t flow_id,
		 struct msg_packet *pkt);

#endif /* ITO_TESTS_APPPKT_H */
