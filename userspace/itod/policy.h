/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy - itod's rules: which verdict a flow gets, decided from its tuple.
 *
 * A policy is parsed from text (a file, or a string for the tests) into an
 * ordered list of rules plus a default verdict; policy_match() returns the
 * first rule whose every match holds. Parsing and matching do no I/O other
 * than reading the file and resolving interface names, and the resolver can
 * be replaced. The grammar is in itod.conf(5).
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
};

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
};

struct policy {
	struct policy_rule *rules;
	size_t n_rules;
	uint32_t default_verdict;	/* enum ito_verdict */
	unsigned int default_line;	/* 0 when implicit */
	struct settings settings;	/* "set" lines, settings.h */
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

/* Does @r match @t? */
bool policy_rule_matches(const struct policy_rule *r,
			 const struct policy_tuple *t);

/* The first matching rule, or NULL: the default verdict applies. */
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
