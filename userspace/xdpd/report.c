// SPDX-License-Identifier: GPL-2.0
/* report - ITO_CMD_XDP_REPORT requests of bounded size, stale ids back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/ito.h>

#include "report.h"

void reporter_init(struct reporter *r, uint16_t family_id,
		   report_send_fn send, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->family_id = family_id;
	r->send = send;
	r->ctx = ctx;
}

void reporter_fini(struct reporter *r)
{
	free(r->stale);
	r->stale = NULL;
	r->n_stale = r->stale_cap = 0;
}

static void send_queued(struct reporter *r)
{
	int err;

	if (!r->req || !r->n_stats)
		return;
	err = r->send(r, r->req, r->ctx);
	if (err && !r->err)
		r->err = err;
	r->requests++;
	r->req = NULL;
	r->n_stats = 0;
}

static bool put_stat(struct nlmsghdr *nlh, uint64_t id, uint8_t dir,
		     uint64_t pkts, uint64_t bytes)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, ITO_NL_MSG_SIZE, ITO_A_XDP_STAT);
	if (!nest)
		return false;
	if (!mnl_attr_put_u64_check(nlh, ITO_NL_MSG_SIZE, ITO_A_XDP_STAT_ID, id) ||
	    !mnl_attr_put_u8_check(nlh, ITO_NL_MSG_SIZE, ITO_A_XDP_STAT_DIR, dir) ||
	    !mnl_attr_put_u64_check(nlh, ITO_NL_MSG_SIZE, ITO_A_XDP_STAT_PKTS, pkts) ||
	    !mnl_attr_put_u64_check(nlh, ITO_NL_MSG_SIZE, ITO_A_XDP_STAT_BYTES, bytes)) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

void reporter_add(struct reporter *r, uint64_t id, uint8_t dir,
		  uint64_t pkts, uint64_t bytes)
{
	if (!r->req)
		r->req = ito_nl_msg_start(r->buf, r->family_id,
					  ITO_CMD_XDP_REPORT, ITO_FAMILY_VERSION, 0);
	if (!put_stat(r->req, id, dir, pkts, bytes)) {
		send_queued(r);
		r->req = ito_nl_msg_start(r->buf, r->family_id,
					  ITO_CMD_XDP_REPORT, ITO_FAMILY_VERSION, 0);
		/* an empty request has room for one */
		put_stat(r->req, id, dir, pkts, bytes);
	}
	r->n_stats++;
	r->stats++;
}

void reporter_counts(uint64_t id, uint8_t dir, uint64_t pkts, uint64_t bytes,
		     void *data)
{
	reporter_add(data, id, dir, pkts, bytes);
}

int reporter_flush(struct reporter *r)
{
	int err;

	send_queued(r);
	err = r->err;
	r->err = 0;
	return err;
}

static int add_stale(struct reporter *r, uint64_t id)
{
	if (r->n_stale == r->stale_cap) {
		size_t cap = r->stale_cap ? 2 * r->stale_cap : 256;
		uint64_t *ids = realloc(r->stale, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		r->stale = ids;
		r->stale_cap = cap;
	}
	r->stale[r->n_stale++] = id;
	r->stale_total++;
	return 0;
}

int report_parse_reply(struct reporter *r, const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EPROTO;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[ITO_A_XDP_STAT_MAX + 1] = { NULL };

		if (mnl_attr_get_type(attr) != ITO_A_XDP_STAT)
			continue;
		if (ito_nl_parse_nested(attr, tb, ITO_A_XDP_STAT_MAX) ||
		    !tb[ITO_A_XDP_STAT_ID] ||
		    mnl_attr_validate(tb[ITO_A_XDP_STAT_ID], MNL_TYPE_U64) < 0)
			return -EPROTO;
		err = add_stale(r, mnl_attr_get_u64(tb[ITO_A_XDP_STAT_ID]));
		if (err)
			return err;
	}
	return 0;
}
