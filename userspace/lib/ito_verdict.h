/* SPDX-License-Identifier: GPL-2.0 */
/* ito_verdict - verdict batches: the request libito's agent and itod send. */
#ifndef ITO_VERDICT_H
#define ITO_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "ito_nl.h"
#include "libito.h"

/*
 * ITO_CMD_FLOW_VERDICT with one ITO_A_FLOW nest per verdict, in @buf
 * (ITO_NL_MSG_SIZE bytes, aligned); at most the first ITO_VERDICT_BATCH
 * of the @n verdicts. The kernel applies them in order up to the first it
 * refuses (a flow that ended: -ENOENT).
 */
struct nlmsghdr *ito_verdict_build(void *buf, uint16_t family_id,
				   const struct ito_flow_verdict *v, size_t n);

/*
 * What became of one request: the @n verdicts it carried, 0 or -errno,
 * and the kernel's message ("" if none).
 */
typedef void (*ito_verdict_done_fn)(const struct ito_flow_verdict *v,
				    size_t n, int err, const char *extack,
				    void *data);

/*
 * Send @n verdicts on @nl, ITO_VERDICT_BATCH to a request, and wait for
 * each ack. A batch refused for a flow that has ended (-ENOENT) is sent
 * again one verdict at a time, so that the others get through. @done (may
 * be NULL) hears of every request. Returns 0, or the first error other
 * than -ENOENT (a verdict for an ended flow is no error).
 */
int ito_verdict_send(struct ito_nl *nl, const struct ito_flow_verdict *v,
		     size_t n, ito_verdict_done_fn done, void *data);

#endif /* ITO_VERDICT_H */
