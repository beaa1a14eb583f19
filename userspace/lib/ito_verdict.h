/* SPDX-License-Identifier: GPL-2.0 */
/* ito_verdict - verdict batches: the request libito's agent and itod send. */
#ifndef ITO_VERDICT_H
#define ITO_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "libito.h"

/*
 * ITO_CMD_FLOW_VERDICT with one ITO_A_FLOW nest per verdict, in @buf
 * (ITO_NL_MSG_SIZE bytes, aligned); at most the first ITO_VERDICT_BATCH
 * of the @n verdicts. The kernel applies them in order up to the first it
 * refuses (a flow that ended: -ENOENT).
 */
struct nlmsghdr *ito_verdict_build(void *buf, uint16_t family_id,
				   const struct ito_flow_verdict *v, size_t n);

#endif /* ITO_VERDICT_H */
