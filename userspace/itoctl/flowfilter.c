// SPDX-License-Identifier: GPL-2.0
/* "flow show" filters, matched over the dump as conntrack -L does. */
#include <string.h>

#include "dev.h"
#include "flow.h"
#include "flowfilter.h"
#include "ito_names.h"
#include "parse.h"
#include "report.h"
#include "usage.h"

static int parse_proto(struct flow_filter *f, const char *kw, const char *arg)
{
	uint64_t number;
	uint32_t value;

	if (ito_name_value(ito_proto_names, arg, &value)) {
		f->proto = value;
		return EXIT_OK;
	}
	if (!digits_value(arg, strlen(arg), UINT8_MAX, &number)) {
		pr_err("argument of \"%s\" must be a protocol name such as \"tcp\" or a number up to %u, not \"%s\"",
		       kw, UINT8_MAX, arg);
		return EXIT_USAGE;
	}
	f->proto = number;
	return EXIT_OK;
}

static int parse_src(struct flow_filter *f, const char *kw, const char *arg)
{
	return parse_prefix(kw, arg, &f->src, &f->src_len) ? EXIT_USAGE : EXIT_OK;
}

static int parse_dst(struct flow_filter *f, const char *kw, const char *arg)
{
	return parse_prefix(kw, arg, &f->dst, &f->dst_len) ? EXIT_USAGE : EXIT_OK;
}

static int parse_sport(struct flow_filter *f, const char *kw, const char *arg)
{
	return parse_u16(kw, arg, &f->sport) ? EXIT_USAGE : EXIT_OK;
}

static int parse_dport(struct flow_filter *f, const char *kw, const char *arg)
{
	return parse_u16(kw, arg, &f->dport) ? EXIT_USAGE : EXIT_OK;
}

/* A device of this namespace by name, or any ifindex by number. */
static int parse_iif(struct flow_filter *f, const char *kw, const char *arg)
{
	uint64_t index;

	(void)kw;	/* dev_index() names the device */
	if (digits_value(arg, strlen(arg), UINT32_MAX, &index)) {
		f->iif = index;
		return EXIT_OK;
	}
	return dev_index(arg, &f->iif);
}

static int parse_verdict(struct flow_filter *f, const char *kw,
			 const char *arg)
{
	return parse_choice(kw, arg, ito_verdict_names, &f->verdict) ?
	       EXIT_USAGE : EXIT_OK;
}

static const struct filter_word {
	const char *word;
	unsigned int attr;	/* the ITO_A_FLOW_* it matches */
	int (*parse)(struct flow_filter *f, const char *kw, const char *arg);
} filter_words[] = {
	{ "proto",	ITO_A_FLOW_PROTO,	parse_proto },
	{ "src",	ITO_A_FLOW_SADDR,	parse_src },
	{ "dst",	ITO_A_FLOW_DADDR,	parse_dst },
	{ "sport",	ITO_A_FLOW_SPORT,	parse_sport },
	{ "dport",	ITO_A_FLOW_DPORT,	parse_dport },
	{ "iif",	ITO_A_FLOW_IIF,		parse_iif },
	{ "verdict",	ITO_A_FLOW_VERDICT,	parse_verdict },
	{ NULL, 0, NULL }
};

static const struct filter_word *find_word(const char *word)
{
	const struct filter_word *w;

	for (w = filter_words; w->word; w++)
		if (keyword_is(word, w->word))
			return w;
	return NULL;
}

bool flow_filter_is_keyword(const char *word)
{
	return find_word(word) != NULL;
}

int flow_filter_parse(struct flow_filter *f, const char *keyword,
		      const char *arg)
{
	const struct filter_word *w = find_word(keyword);
	int ret;

	if (!w)
		return usage_error(keyword);
	if (f->has & (1u << w->attr)) {
		duplicate_argument(keyword, arg);
		return EXIT_USAGE;
	}
	ret = w->parse(f, keyword, arg);
	if (!ret)
		f->has |= 1u << w->attr;
	return ret;
}

/* The first @bits bits of @a and @b are equal. */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & mask);
}

static bool addr_in(const uint8_t *addr, uint8_t len,
		    const struct ip_addr *prefix, uint8_t bits)
{
	return len == prefix->len && prefix_equal(addr, prefix->bytes, bits);
}

/* The value of @attr matches, the flow having it (checked before). */
static bool attr_matches(const struct flow_filter *f,
			 const struct ito_flow *flow, unsigned int attr)
{
	switch (attr) {
	case ITO_A_FLOW_PROTO:
		return flow->proto == f->proto;
	case ITO_A_FLOW_SADDR:
		return addr_in(flow->saddr, flow->saddr_len, &f->src, f->src_len);
	case ITO_A_FLOW_DADDR:
		return addr_in(flow->daddr, flow->daddr_len, &f->dst, f->dst_len);
	case ITO_A_FLOW_SPORT:
		return flow->sport == f->sport;
	case ITO_A_FLOW_DPORT:
		return flow->dport == f->dport;
	case ITO_A_FLOW_IIF:
		return flow->iif == f->iif;
	case ITO_A_FLOW_VERDICT:
		return flow->verdict == f->verdict;
	}
	return false;
}

bool flow_filter_match(const struct flow_filter *f, const struct ito_flow *flow)
{
	const struct filter_word *w;

	/* A flow that does not say (an older module's) does not match. */
	if ((flow->present & f->has) != f->has)
		return false;
	for (w = filter_words; w->word; w++)
		if ((f->has & (1u << w->attr)) &&
		    !attr_matches(f, flow, w->attr))
			return false;
	return true;
}
