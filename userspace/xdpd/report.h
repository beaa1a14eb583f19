/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report - the counts back to the kernel: ITO_CMD_XDP_REPORT requests of
 * ITO_A_XDP_STAT nests, each request at most ITO_NL_MSG_SIZE bytes (about
 * 170 directions), and the sessions the kernel names stale in its replies.
 *
 * A reporter fills a request until the next stat would not fit, then hands
 * it to its send function (the netlink exchange, or a test's capture) and
 * starts the next one. Stale ids are kept for the caller to remove once it
 * is done walking its sessions.
 */
#ifndef XDPD_REPORT_H
#define XDPD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "ito_nl.h"

struct reporter;

/*
 * Send @req and feed the reply to report_parse_reply(): 0 or -errno. The
 * counts of a request that failed are lost (the kernel may have gone).
 */
typedef int (*report_send_fn)(struct reporter *r, struct nlmsghdr *req,
			      void *ctx);

struct reporter {
	uint16_t family_id;
	report_send_fn send;
	void *ctx;
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *req;		/* being filled, NULL if none */
	unsigned int n_stats;		/* in req */
	int err;			/* the first failed send's, until taken */
	uint64_t *stale;		/* ids the replies named */
	size_t n_stale, stale_cap;
	/* totals */
	uint64_t requests, stats, stale_total;
};

void reporter_init(struct reporter *r, uint16_t family_id,
		   report_send_fn send, void *ctx);
void reporter_fini(struct reporter *r);

/* Queue one direction's counts; sends a full request first. */
void reporter_add(struct reporter *r, uint64_t id, uint8_t dir,
		  uint64_t pkts, uint64_t bytes);

/* The same, as a sessions counts_fn (@data is the reporter). */
void reporter_counts(uint64_t id, uint8_t dir, uint64_t pkts, uint64_t bytes,
		     void *data);

/* Send what is queued. Returns the first send error since the last flush. */
int reporter_flush(struct reporter *r);

/*
 * A reply to a report: append each ITO_A_XDP_STAT's ID to the stale list.
 * 0, -EPROTO for a malformed reply, -ENOMEM.
 */
int report_parse_reply(struct reporter *r, const struct nlmsghdr *nlh);

/* Take the stale ids: the caller removes them, then calls reporter_stale_done(). */
static inline size_t reporter_stale(const struct reporter *r,
				    const uint64_t **ids)
{
	*ids = r->stale;
	return r->n_stale;
}

static inline void reporter_stale_done(struct reporter *r)
{
	r->n_stale = 0;
}

#endif /* XDPD_REPORT_H */
