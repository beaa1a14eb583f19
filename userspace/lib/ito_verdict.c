// SPDX-License-Identifier: GPL-2.0
/* ito_verdict - verdict batches (ITO_CMD_FLOW_VERDICT). */
#include <linux/ito.h>

#include "ito_nl.h"
#include "ito_verdict.h"

/* A batch must fit the request buffer: each nest is 4 + 12 + 8 bytes. */
_Static_assert(ITO_VERDICT_BATCH * 24 + 64 <= ITO_NL_MSG_SIZE,
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
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}
