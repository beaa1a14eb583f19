/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agent - itod's life as the ito module's agent: find the family, register,
 * receive packet copies, learn existing flows with a dump, send verdicts,
 * follow flow END events, and start over when the module is reloaded.
 *
 * Four generic netlink sockets, each with one job:
 *
 *   ctrl    nlctrl's "notify" group: the ito family appears and disappears
 *           (module load and unload); always open.
 *   copies  the socket registered as the agent. The kernel sends it
 *           ITO_CMD_PACKET copies at any time, so it only ever receives
 *           (besides the register/unregister acks it waits for itself).
 *   req     requests with a synchronous answer: verdict batches, flow
 *           dumps, family checks. Kept apart from "copies" so that waiting
 *           for a verdict's ack never has to wade through (or drop) packet
 *           copies arriving in between, and a burst of copies can never
 *           delay or reorder the acks: no deadlock, no lost copy.
 *   events  ITO_MCGRP_ENDS (ITO_MCGRP_EVENTS from a module without it),
 *           to forget flows when they end (optional: if it cannot be
 *           joined, decided flows simply age out).
 *
 * The owner polls agent_fd() for each socket, calls agent_input() when one
 * is readable, agent_timer() when agent_next_timeout() has passed and
 * agent_flush() after each round, which sends the verdicts decided in it.
 * Single-threaded. Times are milliseconds of CLOCK_MONOTONIC.
 *
 * Batches: after a round that read AGENT_HOLD_AFTER messages or more
 * (copies or events; the kernel puts several copies in a datagram),
 * agent_fd() hides both sockets for AGENT_HOLD_MS. Copies that come one
 * at a time are answered as they come; while more keep coming they are
 * read (and their verdicts sent, ITO_VERDICT_BATCH to a request) every
 * AGENT_HOLD_MS, not one wakeup, read and request per datagram; end events
 * likewise. The
 * receive buffers hold them meanwhile: AGENT_RCVBUF is thousands of copies
 * (~1 KiB each) and of end events (~300 bytes).
 */
#ifndef ITOD_AGENT_H
#define ITOD_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decide.h"
#include "ito_nl.h"
#include "message.h"

#define AGENT_RCVBUF		(4 << 20)	/* copies arrive in bursts */
#define AGENT_HOLD_MS		5		/* between reads of busy copies */
#define AGENT_HOLD_AFTER	2		/* messages in a read that is busy */
#define AGENT_INPUT_MAX		1024		/* datagrams read in a round */
#define AGENT_RX_SLOTS		32		/* datagrams read in a syscall */
#define AGENT_RETRY_MIN_MS	1000
#define AGENT_RETRY_MAX_MS	30000
#define AGENT_ACK_TIMEOUT_MS	5000
#define AGENT_CHECK_MS		10000		/* family still the same? */
#define AGENT_EXPIRE_MS		10000		/* flow table housekeeping */
#define AGENT_WARN_MS		10000		/* rate limit of repeated warnings */
/*
 * Copies lost to a full receive buffer may have been all a flow had: the
 * agent then asks for the flows still waiting (a dump), once what was
 * queued has been read, and at most every AGENT_REDUMP_MS.
 */
#define AGENT_REDUMP_DELAY_MS	100
#define AGENT_REDUMP_MS		1000

enum agent_fd {
	AGENT_FD_CTRL,
	AGENT_FD_COPIES,
	AGENT_FD_EVENTS,
	AGENT_N_FDS
};

enum agent_state {
	AGENT_DOWN,		/* no family, or waiting to retry */
	AGENT_REGISTERING,	/* AGENT_REGISTER sent, ack pending */
	AGENT_UP,		/* registered: copies flow in */
};

struct agent_stats {
	uint64_t registrations;
	uint64_t copies_overruns;	/* ENOBUFS on the copies socket */
	uint64_t events_overruns;
	uint64_t verdicts_sent;
	uint64_t verdict_requests;	/* messages that carried them */
	uint64_t verdicts_gone;		/* -ENOENT: the flow ended first */
	uint64_t verdicts_failed;
	uint64_t bad_messages;
	uint64_t redumps;		/* dumps after lost copies */
};

struct agent {
	struct ito_nl ctrl, copies, req, events;
	struct decider *decider;
	enum agent_state state;
	uint16_t family_id;
	uint32_t register_seq;
	uint64_t retry_at, retry_delay;
	uint64_t ack_deadline, check_at, expire_at, overrun_warned_at;
	uint64_t hold_until;		/* copies socket not polled before */
	bool holding;
	/*
	 * The module refused ITO_A_FLOW_APP (one older than the attribute):
	 * verdicts go without application names until it is reloaded.
	 */
	bool no_app, app_refused;
	uint64_t dump_now;
	uint64_t dumped_at;		/* the last dump of waiting flows */
	uint64_t redump_at;		/* 0, or when to dump after lost copies */
	int rcvbuf;			/* bytes for each ito socket */
	int down_err;			/* why down, logged once */
	bool stopping;
	struct ito_flow_verdict *queue;
	size_t n_queued, queue_cap;
	struct agent_stats stats;
	/*
	 * A copy may be up to 64 KiB of packet plus its attributes; only
	 * the pages that datagrams reach are ever touched.
	 */
	uint32_t rx[AGENT_RX_SLOTS][(128 << 10) / sizeof(uint32_t)];
};

/*
 * Open the ctrl socket and schedule the first connection attempt. The ito
 * sockets get @rcvbuf bytes of receive buffer (0: AGENT_RCVBUF).
 */
int agent_init(struct agent *a, struct decider *d, int rcvbuf, uint64_t now);

/* Send pending verdicts, unregister if registered, close everything. */
void agent_fini(struct agent *a);

/* The socket to poll for @which, or -1 when closed or held back. */
int agent_fd(const struct agent *a, enum agent_fd which);

void agent_input(struct agent *a, enum agent_fd which, uint64_t now);

/* Milliseconds until agent_timer() has work (0: now), at most @max. */
int agent_next_timeout(const struct agent *a, uint64_t now, int max);
void agent_timer(struct agent *a, uint64_t now);

/* Send the verdicts decided since the last call. */
void agent_flush(struct agent *a);

#endif /* ITOD_AGENT_H */
