// SPDX-License-Identifier: GPL-2.0
/* maps - the XDP program's skeleton, loaded and sized; map operations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ito_xdp.skel.h"
#include "maps.h"

/* Ports' lower devices: far more than a firewall has. */
#define MAPS_MAX_DEVICES	1024

struct maps {
	struct ito_xdp *skel;
	int sessions_fd, devices_fd;
	const struct ito_xdp_counter *counters;	/* the array, mapped */
	size_t counters_len;
	uint32_t n_slots;
};

int maps_open(struct maps **out, uint32_t max_sessions)
{
	struct maps *m = calloc(1, sizeof(*m));
	void *mem;
	int err;

	if (!m)
		return -ENOMEM;
	m->n_slots = 2 * max_sessions;
	m->skel = ito_xdp__open();
	if (!m->skel) {
		err = -errno;
		goto fail;
	}
	bpf_map__set_max_entries(m->skel->maps.sessions, m->n_slots);
	bpf_map__set_max_entries(m->skel->maps.counters, m->n_slots);
	bpf_map__set_max_entries(m->skel->maps.devices, MAPS_MAX_DEVICES);
	err = ito_xdp__load(m->skel);
	if (err)
		goto fail;
	m->sessions_fd = bpf_map__fd(m->skel->maps.sessions);
	m->devices_fd = bpf_map__fd(m->skel->maps.devices);
	/* read in place, every second: no syscall per session */
	m->counters_len = (size_t)m->n_slots * sizeof(struct ito_xdp_counter);
	mem = mmap(NULL, m->counters_len, PROT_READ, MAP_SHARED,
		   bpf_map__fd(m->skel->maps.counters), 0);
	if (mem == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	m->counters = mem;
	*out = m;
	return 0;
fail:
	ito_xdp__destroy(m->skel);
	free(m);
	return err < 0 ? err : -EINVAL;
}

void maps_close(struct maps *m)
{
	if (!m)
		return;
	if (m->counters)
		munmap((void *)m->counters, m->counters_len);
	ito_xdp__destroy(m->skel);
	free(m);
}

int maps_prog_fd(const struct maps *m)
{
	return bpf_program__fd(m->skel->progs.ito_xdp);
}

int maps_session_put(struct maps *m, const struct ito_xdp_key *key,
		     const struct ito_xdp_session *value)
{
	if (bpf_map_update_elem(m->sessions_fd, key, value, BPF_ANY))
		/* a full hash map says E2BIG */
		return errno == E2BIG || errno == ENOMEM ? -ENOSPC : -errno;
	return 0;
}

int maps_session_del(struct maps *m, const struct ito_xdp_key *key,
		     uint32_t slot)
{
	struct ito_xdp_session v;

	if (bpf_map_lookup_elem(m->sessions_fd, key, &v))
		return errno == ENOENT ? 0 : -errno;
	if (v.slot != slot)
		return 0;
	if (bpf_map_delete_elem(m->sessions_fd, key) && errno != ENOENT)
		return -errno;
	return 0;
}

void maps_counter_read(const struct maps *m, uint32_t slot,
		       struct ito_xdp_counter *c)
{
	/* the program adds atomically; each word is read whole */
	c->pkts = __atomic_load_n(&m->counters[slot].pkts, __ATOMIC_RELAXED);
	c->bytes = __atomic_load_n(&m->counters[slot].bytes, __ATOMIC_RELAXED);
}

int maps_device_add(struct maps *m, uint32_t ifindex)
{
	return bpf_map_update_elem(m->devices_fd, &ifindex, &ifindex, BPF_ANY) ?
		-errno : 0;
}

int maps_device_del(struct maps *m, uint32_t ifindex)
{
	if (bpf_map_delete_elem(m->devices_fd, &ifindex) && errno != ENOENT)
		return -errno;
	return 0;
}
