// SPDX-License-Identifier: GPL-2.0
/* apppkt - first packets of TLS, HTTP, SSH and DNS flows, for tests. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "apppkt.h"

#define SERVER		0xc0000201u	/* 192.0.2.1 */
#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_PSH		0x08
#define TCP_ACK		0x10

struct conn {
	struct apppkt_script *s;
	uint32_t addr[2];	/* host order: client, server */
	uint16_t port[2];
	uint8_t proto;
	uint32_t next_seq[2];	/* each side's next sequence number */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One packet from side @dir (0 client) with @flags and @payload. */
static void emit(struct conn *c, int dir, uint8_t flags, const void *payload,
		 size_t plen)
{
	struct apppkt_script *s = c->s;
	uint8_t *p = s->data[s->n];
	size_t l4 = c->proto == IPPROTO_TCP ? 20 : 8;
	size_t len = 20 + l4 + plen;

	if (s->n == APPPKT_MAX || len > APPPKT_LEN)
		return;
	memset(p, 0, len);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = c->proto;
	put32(p + 12, c->addr[dir]);
	put32(p + 16, c->addr[!dir]);
	put16(p + 10, ip_csum(p, 20));
	put16(p + 20, c->port[dir]);
	put16(p + 22, c->port[!dir]);
	if (c->proto == IPPROTO_TCP) {
		put32(p + 24, c->next_seq[dir]);
		put32(p + 28, flags & TCP_ACK ? c->next_seq[!dir] : 0);
		p[32] = 5 << 4;
		p[33] = flags;
		put16(p + 34, 65535);
		c->next_seq[dir] += (uint32_t)plen +
				    (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
	} else {
		put16(p + 24, (uint16_t)(8 + plen));
	}
	memcpy(p + 20 + l4, payload, plen);
	s->dir[s->n] = (uint8_t)dir;
	s->len[s->n] = (uint16_t)len;
	s->n++;
}

static void handshake(struct conn *c)
{
	emit(c, 0, TCP_SYN, NULL, 0);
	emit(c, 1, TCP_SYN | TCP_ACK, NULL, 0);
	emit(c, 0, TCP_ACK, NULL, 0);
}

/* A TLS 1.2 ClientHello record naming @sni. */
static size_t client_hello(uint8_t *b, const char *sni)
{
	static const uint8_t suites[] = { 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f };
	size_t nlen = strlen(sni), off, ext, hs;

	b[0] = 0x16;			/* handshake record, TLS 1.0 */
	b[1] = 3;
	b[2] = 1;
	b[5] = 1;			/* ClientHello */
	off = 9;
	b[off++] = 3;			/* client version 1.2 */
	b[off++] = 3;
	memset(b + off, 0x5a, 32);	/* random */
	off += 32;
	b[off++] = 0;			/* no session id */
	put16(b + off, sizeof(suites));
	memcpy(b + off + 2, suites, sizeof(suites));
	off += 2 + sizeof(suites);
	b[off++] = 1;			/* compression: null */
	b[off++] = 0;
	ext = off;
	off += 2;
	put16(b + off, 0);		/* server_name */
	put16(b + off + 2, (uint16_t)(nlen + 5));
	put16(b + off + 4, (uint16_t)(nlen + 3));
	b[off + 6] = 0;			/* host_name */
	put16(b + off + 7, (uint16_t)nlen);
	memcpy(b + off + 9, sni, nlen);
	off += 9 + nlen;
	put16(b + ext, (uint16_t)(off - ext - 2));
	hs = off - 9;
	b[6] = (uint8_t)(hs >> 16);
	put16(b + 7, (uint16_t)hs);
	put16(b + 3, (uint16_t)(off - 5));
	return off;
}

/* A DNS message for @name, type A: a query, or an answer with 192.0.2.7. */
static size_t dns_message(uint8_t *b, const char *name, int answer)
{
	size_t off = 12;
	const char *label = name;

	memset(b, 0, 12);
	put16(b, 0x1234);
	put16(b + 2, answer ? 0x8180 : 0x0100);
	put16(b + 4, 1);
	put16(b + 6, answer ? 1 : 0);
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t n = dot ? (size_t)(dot - label) : strlen(label);

		b[off++] = (uint8_t)n;
		memcpy(b + off, label, n);
		off += n;
		label += n + (dot ? 1 : 0);
	}
	b[off++] = 0;
	put16(b + off, 1);		/* A */
	put16(b + off + 2, 1);		/* IN */
	off += 4;
	if (answer) {
		put16(b + off, 0xc00c);	/* the name, compressed */
		put16(b + off + 2, 1);
		put16(b + off + 4, 1);
		put32(b + off + 6, 300);
		put16(b + off + 10, 4);
		put32(b + off + 12, 0xc0000207u);
		off += 16;
	}
	return off;
}

void apppkt_script(struct apppkt_script *s, enum apppkt_kind kind,
		   uint32_t client, uint16_t cport, const char *name)
{
	static const uint16_t ports[__APPPKT_KIND_MAX] = { 443, 80, 22, 53, 7777, 51413 };
	struct conn c = {
		.s = s,
		.addr = { 0x0a000000u | (client & 0xffffffu), SERVER },
		.port = { cport, ports[kind] },
		.proto = kind == APPPKT_DNS ? IPPROTO_UDP : IPPROTO_TCP,
		.next_seq = { 1000 + client, 5000 + cport },
	};
	uint8_t b[APPPKT_LEN];
	size_t n;

	memset(s, 0, sizeof(*s));
	s->tuple.family = AF_INET;
	s->tuple.proto = c.proto;
	put32(s->tuple.saddr, c.addr[0]);
	put32(s->tuple.daddr, c.addr[1]);
	s->tuple.sport = cport;
	s->tuple.dport = ports[kind];
	s->tuple.iif = 1;

	switch (kind) {
	case APPPKT_TLS:
		handshake(&c);
		n = client_hello(b, name);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, n);
		/* The ServerHello's record header only: enough to be TLS. */
		memcpy(b, "\x16\x03\x03\x00\x30\x02\x00\x00\x2c\x03\x03", 11);
		memset(b + 11, 0x33, 32);
		emit(&c, 1, TCP_ACK, b, 43);
		break;
	case APPPKT_HTTP:
		handshake(&c);
		n = (size_t)snprintf((char *)b, sizeof(b),
				     "GET /index.html HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
				     name);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, n);
		n = (size_t)snprintf((char *)b, sizeof(b),
				     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok");
		emit(&c, 1, TCP_PSH | TCP_ACK, b, n);
		break;
	case APPPKT_SSH:
		handshake(&c);
		n = (size_t)snprintf((char *)b, sizeof(b), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
		emit(&c, 1, TCP_PSH | TCP_ACK, b, n);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, n);
		break;
	case APPPKT_DNS:
		emit(&c, 0, 0, b, dns_message(b, name, 0));
		emit(&c, 1, 0, b, dns_message(b, name, 1));
		break;
	case APPPKT_BITTORRENT:
		handshake(&c);
		/* pstrlen, pstr, 8 reserved bytes, info hash, peer id */
		b[0] = 19;
		memcpy(b + 1, "BitTorrent protocol", 19);
		memset(b + 20, 0, 8);
		memset(b + 28, 0xab, 20);
		memcpy(b + 48, "-TR3000-ito-selftest", 20);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, 68);
		memcpy(b + 48, "-TR3000-ito-peer0000", 20);
		emit(&c, 1, TCP_PSH | TCP_ACK, b, 68);
		break;
	default:
		handshake(&c);
		memset(b, 0x9e, 200);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, 200);
		emit(&c, 1, TCP_PSH | TCP_ACK, b, 100);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, 200);
		emit(&c, 1, TCP_PSH | TCP_ACK, b, 100);
		emit(&c, 0, TCP_PSH | TCP_ACK, b, 200);
		break;
	}
}

void apppkt_copy(const struct apppkt_script *s, size_t i, uint64_t flow_id,
		 struct msg_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->flow_id = flow_id;
	pkt->tuple = s->tuple;
	pkt->dir = s->dir[i];
	pkt->ifindex = 1;
	pkt->seq = (uint32_t)i + 1;
	pkt->len = s->len[i];
	pkt->data = s->data[i];
	pkt->data_len = s->len[i];
}
