// SPDX-License-Identifier: GPL-2.0
/* ito_verdict - verdict batches (ITO_CMD_FLOW_VERDICT): built and sent. */
#include <errno.h>
#include <string.h>

#include <linux/ito.h>

#include "ito_nl.h"
#include "ito_verdict.h"

/*
 * A batch must fit the request buffer: each nest is 4 + 12 + 8 bytes, and
 * 4 + ITO_APP_NAME_LEN more with an application name.
 */
_Static_assert(ITO_VERDICT_BATCH * (24 + 4 + ITO_APP_NAME_LEN) + 64 <=
	       ITO_NL_MSG_SIZE,
	       "ITO_VERDICT_BATCH does not fit ITO_NL_MSG_SIZE");

struct nlmsghdr *ito_verdict_build(void *buf, uint16_t family_id,
				   const struct ito_flow_verdict *v, size_t n)
{
	struct nlmsghdr *nlh;
	size_t i;

	nlh = ito_nl_msg_start(buf, family_id, ITO_CMD_FLOW_VERDICT,
			       ITO_FAMILY_VERSION, 0);
	for (i = 0; i < n && i < ITO_VERDICT_BATCH; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, ITO_A_FLOW);

		mnl_attr_put_u64(nlh, ITO_A_FLOW_ID, v[i].flow_id);
		mnl_attr_put_u32(nlh, ITO_A_FLOW_VERDICT, v[i].verdict);
		/* Only when named: a module without ITO_A_FLOW_APP refuses it. */
		if (v[i].app[0]) {
			char app[ITO_APP_NAME_LEN];

			memcpy(app, v[i].app, sizeof(app));
			app[sizeof(app) - 1] = '\0';	/* the caller's may not be */
			mnl_attr_put_strz(nlh, ITO_A_FLOW_APP, app);
		}
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

#define VERDICT_EXTACK_LEN	256

/* One request of at most ITO_VERDICT_BATCH verdicts, told to @done. */
static int send_one(struct ito_nl *nl, const struct ito_flow_verdict *v,
		    size_t n, ito_verdict_done_fn done, void *data)
{
	uint32_t buf[ITO_NL_MSG_SIZE / sizeof(uint32_t)];
	char extack[VERDICT_EXTACK_LEN];
	int err;

	err = ito_nl_talk(nl, ito_verdict_build(buf, nl->family.id, v, n),
			  NULL, NULL, extack, sizeof(extack));
	if (done)
		done(v, n, err, extack, data);
	return err;
}

/* The first error that counts: a flow that ended is none. */
static void keep_first(int *first, int err)
{
	if (err && err != -ENOENT && !*first)
		*first = err;
}

int ito_verdict_send(struct ito_nl *nl, const struct ito_flow_verdict *v,
		     size_t n, ito_verdict_done_fn done, void *data)
{
	size_t at, len, i;
	int first = 0, err;

	for (at = 0; at < n; at += len) {
		len = n - at < ITO_VERDICT_BATCH ? n - at : ITO_VERDICT_BATCH;
		err = send_one(nl, v + at, len, done, data);
		if (err != -ENOENT || len == 1) {
			keep_first(&first, err);
			continue;
		}
		/*
		 * The kernel applies a batch up to the first flow it does not
		 * know: one by one, the rest get through.
		 */
		for (i = 0; i < len; i++)
			keep_first(&first, send_one(nl, v + at + i, 1, done, data));
	}
	return first;
}
