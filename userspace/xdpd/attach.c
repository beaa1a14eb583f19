// SPDX-License-Identifier: GPL-2.0
/* attach - the program on the ports' devices, native mode, by bpf_link. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/if_link.h>

#include "attach.h"
#include "log.h"
#include "maps.h"

void attach_init(struct attach *a, struct maps *maps)
{
	memset(a, 0, sizeof(*a));
	a->maps = maps;
}

static const char *dev_name(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%u", ifindex);
	return buf;
}

static void attach_one(struct attach *a, uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	struct attached *d = &a->dev[a->n++];
	char name[IF_NAMESIZE];
	int err;

	d->ifindex = ifindex;
	d->seen = true;
	d->link_fd = bpf_link_create(maps_prog_fd(a->maps), (int)ifindex,
				     BPF_XDP, &opts);
	if (d->link_fd < 0) {
		/* once per device: it stays in the list as refused */
		log_warn("%s: no native XDP (%s): left to the kernel's fast path",
			 dev_name(ifindex, name), strerror(errno));
		d->link_fd = -1;
		return;
	}
	err = maps_device_add(a->maps, ifindex);
	if (err) {
		log_warn("%s: not a redirect target (%s): detached",
			 dev_name(ifindex, name), strerror(-err));
		close(d->link_fd);
		d->link_fd = -1;
		return;
	}
	log_info("%s: XDP program attached", dev_name(ifindex, name));
}

static void detach_one(struct attach *a, struct attached *d)
{
	char name[IF_NAMESIZE];

	if (d->link_fd < 0)
		return;
	/* no packet is redirected to it while it goes */
	maps_device_del(a->maps, d->ifindex);
	close(d->link_fd);
	d->link_fd = -1;
	log_info("%s: XDP program detached", dev_name(d->ifindex, name));
}

void attach_sync(struct attach *a, const uint32_t *want, size_t n_want)
{
	size_t i, j;

	for (i = 0; i < a->n; i++)
		a->dev[i].seen = false;
	for (j = 0; j < n_want; j++) {
		for (i = 0; i < a->n && a->dev[i].ifindex != want[j]; i++)
			;
		if (i < a->n)
			a->dev[i].seen = true;
		else if (a->n < PORTS_MAX_DEVICES)
			attach_one(a, want[j]);
	}
	/* gone from the list: detached, and forgotten (a refusal too) */
	for (i = 0; i < a->n;) {
		if (a->dev[i].seen) {
			i++;
			continue;
		}
		detach_one(a, &a->dev[i]);
		a->dev[i] = a->dev[--a->n];
	}
}

void attach_none(struct attach *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		detach_one(a, &a->dev[i]);
	a->n = 0;
}

size_t attach_count(const struct attach *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		n += a->dev[i].link_fd >= 0;
	return n;
}
