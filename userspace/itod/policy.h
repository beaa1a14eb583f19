/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy - itod's rules: which verdict a flow gets, decided from its tuple.
 *
 * A policy is parsed from text (a file, or a string for the tests) into an
 * ordered list of rules plus a default verdict; policy_match() returns the
 * first rule whose every match holds. Parsing and matching do no I/O other
 * than reading the file and resolving interface names, and the resolver can
 * be replaced. The grammar is in itod.conf(5).
 *
 * Application matches (app, category, sni, host) need the flow's
 * classification (classify.h): policy_match_app() says when a rule that
 * could match is waiting for it.
 */
#ifndef ITOD_POLICY_H
#define ITOD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <net/if.h>

#include "settings.h"

#define POLICY_ERR_LEN		512
#define POLICY_MAX_FILE		(4u << 20)	/* refuse larger files */
#define POLICY_MAX_AFTER	1024		/* ITO_A_CONFIG_MIN_PKTS's top */

/* What a rule looks at; a rule may use each at most once. */
enum policy_match_bit {
	POLICY_M_PROTO	= 1u << 0,
	POLICY_M_SRC	= 1u << 1,
	POLICY_M_DST	= 1u << 2,
	POLICY_M_SPORT	= 1u << 3,
	POLICY_M_DPORT	= 1u << 4,
	POLICY_M_IIF	= 1u << 5,
	POLICY_M_APP	= 1u << 6,	/* nDPI protocol (master or app) */
	POLICY_M_CATEGORY = 1u << 7,	/* nDPI category */
	POLICY_M_SNI	= 1u << 8,	/* TLS/QUIC server name suffix */
	POLICY_M_HOST	= 1u << 9,	/* other host names: HTTP, DNS */
};

/* The matches that need the flow classified. */
#define POLICY_M_NEEDS_APP \
	(POLICY_M_APP | POLICY_M_CATEGORY | POLICY_M_SNI | POLICY_M_HOST)

/* Host names as nDPI keeps them (host_server_name), NUL included. */
#define POLICY_NAME_LEN		80

struct policy_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];	/* network order, host bits zero */
};

struct policy_range {
	uint16_t lo, hi;	/* inclusive */
};

struct policy_rule {
	unsigned int line;	/* where it was written, for messages */
	uint32_t verdict;	/* enum ito_verdict */
	uint32_t match;		/* enum policy_match_bit set */
	uint8_t proto;
	struct policy_prefix src, dst;
	struct policy_range sport, dport;
	char iif_name[IF_NAMESIZE];
	unsigned int iif;
	unsigned int after;	/* decide at this packet copy (1 = first) */
	uint16_t app;		/* nDPI protocol id */
	uint16_t category;	/* nDPI category id */
	char sni[POLICY_NAME_LEN];	/* lower case, a domain suffix */
	char host[POLICY_NAME_LEN];
};

/*
 * What classification found out about a flow. A flow nDPI gave up on has
 * both ids DPI_APP_UNKNOWN (0, nDPI's "Unknown") and no name.
 */
struct policy_app {
	uint16_t master;	/* e.g. TLS for TLS.Google; 0 if none */
	uint16_t app;		/* e.g. Google, or TLS alone */
	uint16_t category;
	bool name_is_sni;	/* @name came from a TLS or QUIC hello */
	char name[POLICY_NAME_LEN];	/* "": none */
};

struct policy {
	struct policy_rule *rules;
	size_t n_rules;
	uint32_t default_verdict;	/* enum ito_verdict */
	unsigned int default_line;	/* 0 when implicit */
	struct settings settings;	/* "set" lines, settings.h */
	bool needs_app;			/* some rule has POLICY_M_NEEDS_APP */
};

/* A flow as the kernel describes it (ito.h: addresses network order). */
struct policy_tuple {
	uint8_t family;
	uint8_t proto;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport, dport;
	uint32_t iif;
};

/* Interface name to index, 0 when unknown (if_nametoindex's contract). */
typedef unsigned int (*policy_ifindex_fn)(const char *name);

/*
 * Parse @text (NUL terminated) into @p. @name is the file name used in
 * messages, @ifindex resolves "iif" names (NULL: if_nametoindex). Returns
 * 0, or -EINVAL with "NAME:LINE: message" in @err (POLICY_ERR_LEN bytes);
 * on error @p is left empty. -ENOMEM when out of memory.
 */
int policy_parse(struct policy *p, const char *name, const char *text,
		 policy_ifindex_fn ifindex, char *err, size_t err_len);

/* Read and parse @path; -errno with a message in @err on failure. */
int policy_load(struct policy *p, const char *path, policy_ifindex_fn ifindex,
		char *err, size_t err_len);

void policy_free(struct policy *p);

/* Does @r's tuple part match @t? (Application matches are not looked at.) */
bool policy_rule_matches(const struct policy_rule *r,
			 const struct policy_tuple *t);

/* Does @r's application part match @app? */
bool policy_rule_matches_app(const struct policy_rule *r,
			     const struct policy_app *app);

/*
 * The first rule matching @t and @app, or NULL: the default verdict
 * applies. @app NULL means "not classified yet": when a rule with
 * application matches would be looked at, *@pending is set and NULL
 * returned, as the answer depends on the classification.
 */
const struct policy_rule *policy_match_app(const struct policy *p,
					   const struct policy_tuple *t,
					   const struct policy_app *app,
					   bool *pending);

/*
 * The first matching rule for a flow that will not be classified (found
 * by a dump): application matches see an unknown application.
 */
const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_tuple *t);

/* 1-based number of @r in @p, as log lines show it. */
static inline size_t policy_rule_number(const struct policy *p,
					const struct policy_rule *r)
{
	return (size_t)(r - p->rules) + 1;
}

/* A rule in the file's syntax, without its action: "proto tcp dport 22". */
void policy_format_matches(const struct policy_rule *r, char *buf,
			   size_t len);

/* Every rule, numbered, then the default: what "itod --check" prints. */
void policy_print(const struct policy *p, FILE *fp);

#endif /* ITOD_POLICY_H */
