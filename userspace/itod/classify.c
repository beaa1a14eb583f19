// SPDX-License-Identifier: GPL-2.0
/* classify - per-flow nDPI state for the flows awaiting their application. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "dpi.h"

#ifdef HAVE_NDPI
#include <ndpi_api.h>
#endif

#define NIL		UINT32_MAX
#define MIN_SLOTS	64u
#define TRIM_MAX	65535u	/* an IP length's top */

struct classify_flow {
	uint64_t id;			/* 0: free */
	uint64_t started_ms;
	uint32_t prev, next;		/* age list; free list through next */
	bool done;			/* @app is final */
	struct policy_tuple tuple;
	struct policy_app app;
	void *nf;			/* struct ndpi_flow_struct, reused */
};

int classify_init(struct classifier *c)
{
	memset(c, 0, sizeof(*c));
	c->free_head = c->oldest = c->newest = NIL;
	return flowtab_init(&c->index, SETTINGS_CLASSIFY_LIMIT);
}

void classify_fini(struct classifier *c)
{
	uint32_t i;

	for (i = 0; i < c->n_slots; i++) {
#ifdef HAVE_NDPI
		if (c->slots[i].nf && c->slots[i].id)
			ndpi_free_flow_data(c->slots[i].nf);
#endif
		free(c->slots[i].nf);
	}
	free(c->slots);
	free(c->trim);
	flowtab_fini(&c->index);
	memset(c, 0, sizeof(*c));
}

size_t classify_flow_size(void)
{
	/* The index is at most half full: two of its slots per flow. */
	return sizeof(struct classify_flow) +
	       2 * sizeof(struct flowtab_entry) + dpi_flow_size();
}

void classify_label(const struct policy_app *app, char *buf, size_t len)
{
	if (app->master && app->app && app->master != app->app)
		snprintf(buf, len, "%s.%s", dpi_app_name(app->master),
			 dpi_app_name(app->app));
	else
		snprintf(buf, len, "%s",
			 dpi_app_name(app->app ? app->app : app->master));
}

static void unlink_slot(struct classifier *c, uint32_t i)
{
	struct classify_flow *f = &c->slots[i];

	if (f->prev != NIL)
		c->slots[f->prev].next = f->next;
	else
		c->oldest = f->next;
	if (f->next != NIL)
		c->slots[f->next].prev = f->prev;
	else
		c->newest = f->prev;
}

static void free_slot(struct classifier *c, uint32_t i)
{
	struct classify_flow *f = &c->slots[i];

	unlink_slot(c, i);
	flowtab_del(&c->index, f->id);
#ifdef HAVE_NDPI
	/* Strings nDPI allocated (TLS names...); the struct stays for reuse. */
	if (f->nf)
		ndpi_free_flow_data(f->nf);
#endif
	f->id = 0;
	f->next = c->free_head;
	c->free_head = i;
	c->n_pending--;
}

void classify_forget(struct classifier *c, uint64_t flow_id)
{
	struct flowtab_entry *e = flowtab_find(&c->index, flow_id);

	if (e)
		free_slot(c, e->verdict);
}

void classify_clear(struct classifier *c)
{
	while (c->oldest != NIL)
		free_slot(c, c->oldest);
}

uint64_t classify_next_expiry(const struct classifier *c, uint64_t timeout_ms)
{
	if (c->oldest == NIL)
		return 0;
	return c->slots[c->oldest].started_ms + timeout_ms;
}

#ifdef HAVE_NDPI

/* Double the slots (they are addressed by number, so realloc is safe). */
static int grow(struct classifier *c)
{
	uint32_t n = c->n_slots ? c->n_slots * 2 : MIN_SLOTS, i;
	struct classify_flow *s;

	if (n > SETTINGS_CLASSIFY_LIMIT || n < c->n_slots)
		return -ENOSPC;
	s = realloc(c->slots, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + c->n_slots, 0, (n - c->n_slots) * sizeof(*s));
	for (i = n; i-- > c->n_slots;) {
		s[i].next = c->free_head;
		c->free_head = i;
	}
	c->slots = s;
	c->n_slots = n;
	return 0;
}

static bool is_tls(uint16_t id)
{
	return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_QUIC ||
	       id == NDPI_PROTOCOL_DTLS;
}

/* nDPI's answer, and the host name it found, into @f->app. */
static void finish(struct classify_flow *f, ndpi_protocol p)
{
	struct ndpi_flow_struct *nf = f->nf;
	struct policy_app *app = &f->app;
	size_t i;

	memset(app, 0, sizeof(*app));
	app->master = p.master_protocol;
	app->app = p.app_protocol;
	app->category = (uint16_t)p.category;
	app->name_is_sni = is_tls(app->master) || is_tls(app->app);
	for (i = 0; i + 1 < sizeof(app->name) &&
		    i < sizeof(nf->host_server_name) && nf->host_server_name[i];
	     i++)
		app->name[i] = (char)tolower((unsigned char)nf->host_server_name[i]);
	f->done = true;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * @data as nDPI will take it: when the copy is shorter than its IP header
 * says (cut at snaplen), a copy with the length fixed (nDPI checks no
 * checksum); the copy as it is when there is
 * no memory for that (nDPI then skips it).
 */
static const uint8_t *trimmed(struct classifier *c, const uint8_t *data,
			      uint32_t *len)
{
	uint32_t claimed;

	if (*len < 40)
		return data;
	if ((data[0] >> 4) == 4)
		claimed = get16(data + 2);
	else if ((data[0] >> 4) == 6)
		claimed = 40u + get16(data + 4);
	else
		return data;
	if (claimed <= *len || *len > TRIM_MAX)
		return data;
	if (!c->trim && !(c->trim = malloc(TRIM_MAX)))
		return data;
	memcpy(c->trim, data, *len);
	if ((data[0] >> 4) == 4) {
		c->trim[2] = (uint8_t)(*len >> 8);
		c->trim[3] = (uint8_t)*len;
	} else {
		c->trim[4] = (uint8_t)((*len - 40) >> 8);
		c->trim[5] = (uint8_t)(*len - 40);
	}
	return c->trim;
}

static void give_up(struct classify_flow *f)
{
	uint8_t guessed = 0;

	/* No guess from ports: a policy on "app" must not trust port 443. */
	finish(f, ndpi_detection_giveup(dpi_module(), f->nf, 0, &guessed));
}

static int start(struct classifier *c, uint64_t flow_id,
		 const struct policy_tuple *t, uint64_t now_ms, uint32_t *slot)
{
	size_t nf_size = dpi_flow_size();
	struct classify_flow *f;
	uint32_t i;
	int err;

	if (c->free_head == NIL && (err = grow(c)))
		return err;
	i = c->free_head;
	f = &c->slots[i];
	if (!f->nf) {
		f->nf = malloc(nf_size);
		if (!f->nf)
			return -ENOMEM;
	}
	err = flowtab_put(&c->index, flow_id, i, 0);
	if (err)
		return err;
	c->free_head = f->next;
	memset(f->nf, 0, nf_size);
	f->id = flow_id;
	f->started_ms = now_ms;
	f->done = false;
	f->tuple = *t;
	f->prev = c->newest;
	f->next = NIL;
	if (c->newest != NIL)
		c->slots[c->newest].next = i;
	else
		c->oldest = i;
	c->newest = i;
	c->n_pending++;
	c->stats.started++;
	*slot = i;
	return 0;
}

enum classify_state classify_packet(struct classifier *c, uint64_t flow_id,
				    const struct policy_tuple *t, uint8_t dir,
				    uint32_t seq, const void *data,
				    uint32_t len, uint64_t now_ms,
				    uint32_t max, uint32_t max_copies,
				    struct policy_app *app)
{
	struct flowtab_entry *e = flowtab_find(&c->index, flow_id);
	struct ndpi_flow_struct *nf;
	struct classify_flow *f;
	ndpi_protocol p;
	uint32_t i;

	if (e) {
		i = e->verdict;
	} else {
		if (!dpi_module() || c->n_pending >= max ||
		    start(c, flow_id, t, now_ms, &i)) {
			c->stats.full++;
			return CLASSIFY_REFUSED;
		}
	}
	f = &c->slots[i];
	if (!f->done) {
		nf = f->nf;
		/* The kernel knows which side spoke (ito.h's DIR): tell nDPI. */
		nf->packet_direction = dir ? 1 : 0;
		data = trimmed(c, data, &len);
		p = ndpi_detection_process_packet(dpi_module(), nf, data,
						  len > 0xffff ? 0xffff :
						  (unsigned short)len, now_ms);
		if (p.master_protocol || p.app_protocol) {
			finish(f, p);
			c->stats.classified++;
		} else if (seq >= max_copies) {
			give_up(f);
			c->stats.gave_up++;
		}
	}
	if (!f->done)
		return CLASSIFY_PENDING;
	*app = f->app;
	return CLASSIFY_DONE;
}

bool classify_expire(struct classifier *c, uint64_t now_ms,
		     uint64_t timeout_ms, uint64_t *flow_id,
		     struct policy_tuple *t, struct policy_app *app)
{
	struct classify_flow *f;

	if (c->oldest == NIL)
		return false;
	f = &c->slots[c->oldest];
	if (f->started_ms + timeout_ms > now_ms)
		return false;
	if (!f->done) {
		give_up(f);
		c->stats.timed_out++;
	}
	*flow_id = f->id;
	*t = f->tuple;
	*app = f->app;
	free_slot(c, c->oldest);
	return true;
}

#else /* !HAVE_NDPI */

enum classify_state classify_packet(struct classifier *c, uint64_t flow_id,
				    const struct policy_tuple *t, uint8_t dir,
				    uint32_t seq, const void *data,
				    uint32_t len, uint64_t now_ms,
				    uint32_t max, uint32_t max_copies,
				    struct policy_app *app)
{
	(void)flow_id, (void)t, (void)dir, (void)seq, (void)data, (void)len;
	(void)now_ms, (void)max, (void)max_copies, (void)app;
	c->stats.full++;
	return CLASSIFY_REFUSED;
}

bool classify_expire(struct classifier *c, uint64_t now_ms,
		     uint64_t timeout_ms, uint64_t *flow_id,
		     struct policy_tuple *t, struct policy_app *app)
{
	(void)c, (void)now_ms, (void)timeout_ms, (void)flow_id, (void)t;
	(void)app;
	return false;
}

#endif /* HAVE_NDPI */
