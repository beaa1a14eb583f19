// SPDX-License-Identifier: GPL-2.0
/* itoctl's side of the conversation with the ito module. */
#include <linux/ito.h>

#include "itoctl.h"
#include "print.h"
#include "report.h"

#define EXTACK_LEN	256

int kernel_connect(struct itoctl *ctl)
{
	char extack[EXTACK_LEN];
	int err;

	err = ito_nl_open(&ctl->nl, ITO_FAMILY_NAME, extack, sizeof(extack));
	if (err)
		return report_connect_error(err, extack);
	return EXIT_OK;
}

void kernel_disconnect(struct itoctl *ctl)
{
	ito_nl_close(&ctl->nl);
}

int kernel_request(struct itoctl *ctl, struct nlmsghdr *req, mnl_cb_t cb,
		   void *data, const char *what)
{
	char extack[EXTACK_LEN];
	int err;

	err = ito_nl_talk(&ctl->nl, req, cb, data, extack, sizeof(extack));
	if (err)
		return report_kernel_error(err, extack, what);
	/* A message with a successful ack is a warning worth showing. */
	if (extack[0])
		pr_warn("%s", extack);
	return EXIT_OK;
}

int kernel_request_list(struct itoctl *ctl, struct nlmsghdr *req, mnl_cb_t cb,
			const char *what)
{
	struct printer p;
	int ret;

	/* Printed as they come: a table may hold a million entries. */
	print_init(&p, stdout, ctl->json, ctl->pretty);
	print_open_array(&p, NULL);
	ret = kernel_request(ctl, req, cb, &p, what);
	print_close_array(&p);
	return ret;
}
