// SPDX-License-Identifier: GPL-2.0
/* policy - parse itod.conf and match flows against its rules. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ito.h>

#include "dpi.h"
#include "ito_names.h"
#include "libito.h"
#include "policy.h"

#define MAX_WORDS	64

/* Parser state for one text. */
struct parser {
	const char *name;
	unsigned int line;
	policy_ifindex_fn ifindex;
	char *err;
	size_t err_len;
	struct policy *p;
	size_t cap;
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (!ps->err || !ps->err_len)
		return -EINVAL;
	if (ps->line)
		n = snprintf(ps->err, ps->err_len, "%s:%u: ", ps->name,
			     ps->line);
	else
		n = snprintf(ps->err, ps->err_len, "%s: ", ps->name);
	if (n < ps->err_len) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int verdict_from_name(const char *word, uint32_t *verdict)
{
	return ito_name_value(ito_agent_verdict_names, word, verdict) ? 0 : -1;
}

/* Plain decimal, no sign, no leading garbage, at most @max. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static int parse_proto(struct parser *ps, const char *word, uint8_t *proto)
{
	unsigned long v;
	uint32_t named;

	if (ito_name_value(ito_proto_names, word, &named)) {
		*proto = (uint8_t)named;
		return 0;
	}
	if (!parse_uint(word, 255, &v))
		return fail(ps, "bad protocol \"%s\" (expected tcp, udp, icmp, icmpv6 or 0-255)",
			    word);
	*proto = (uint8_t)v;
	return 0;
}

static void prefix_mask(struct policy_prefix *pfx)
{
	unsigned int bytes = pfx->family == AF_INET ? 4 : 16;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int bit = i * 8;

		if (bit >= pfx->len)
			pfx->addr[i] = 0;
		else if (pfx->len - bit < 8)
			pfx->addr[i] &= (uint8_t)(0xff00u >> (pfx->len - bit));
	}
}

static int parse_prefix(struct parser *ps, const char *word,
			struct policy_prefix *pfx)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(word, '/');
	size_t alen = slash ? (size_t)(slash - word) : strlen(word);
	unsigned int max;
	unsigned long len;
	struct policy_prefix net;

	memset(pfx, 0, sizeof(*pfx));
	if (alen >= sizeof(addr))
		return fail(ps, "bad address \"%s\"", word);
	memcpy(addr, word, alen);
	addr[alen] = '\0';

	if (strchr(addr, ':')) {
		pfx->family = AF_INET6;
		max = 128;
	} else {
		pfx->family = AF_INET;
		max = 32;
	}
	if (inet_pton(pfx->family, addr, pfx->addr) != 1)
		return fail(ps, "bad %s address \"%s\"",
			    pfx->family == AF_INET ? "IPv4" : "IPv6", addr);
	len = max;
	if (slash && !parse_uint(slash + 1, max, &len))
		return fail(ps, "prefix length of \"%s\" must be 0-%u", word,
			    max);
	pfx->len = (uint8_t)len;

	net = *pfx;
	prefix_mask(&net);
	if (memcmp(net.addr, pfx->addr, sizeof(net.addr))) {
		char buf[INET6_ADDRSTRLEN];

		inet_ntop(net.family, net.addr, buf, sizeof(buf));
		return fail(ps, "\"%s\" has host bits set (the network is %s/%u)",
			    word, buf, net.len);
	}
	return 0;
}

static int parse_range(struct parser *ps, const char *word,
		       struct policy_range *r)
{
	char lo[8];
	const char *dash = strchr(word, '-');
	unsigned long a, b;

	if (!dash) {
		if (!parse_uint(word, 65535, &a))
			return fail(ps, "bad port \"%s\" (expected 0-65535 or a range P-Q)",
				    word);
		r->lo = r->hi = (uint16_t)a;
		return 0;
	}
	if ((size_t)(dash - word) >= sizeof(lo))
		return fail(ps, "bad port range \"%s\" (expected P-Q within 0-65535)",
			    word);
	memcpy(lo, word, dash - word);
	lo[dash - word] = '\0';
	if (!parse_uint(lo, 65535, &a) || !parse_uint(dash + 1, 65535, &b))
		return fail(ps, "bad port range \"%s\" (expected P-Q within 0-65535)",
			    word);
	if (a > b)
		return fail(ps, "port range \"%s\" is reversed (the first port must not be above the second)",
			    word);
	r->lo = (uint16_t)a;
	r->hi = (uint16_t)b;
	return 0;
}

static int parse_iif(struct parser *ps, const char *word,
		     struct policy_rule *r)
{
	if (strlen(word) >= sizeof(r->iif_name))
		return fail(ps, "interface name \"%s\" is too long", word);
	strcpy(r->iif_name, word);
	r->iif = ps->ifindex(word);
	if (!r->iif)
		return fail(ps, "unknown interface \"%s\"", word);
	return 0;
}

/* "app tls", "category web": checked against nDPI's own lists. */
static int parse_dpi_name(struct parser *ps, const char *key,
			  const char *value, uint16_t *id)
{
	bool cat = !strcmp(key, "category");
	int n;

	if (!dpi_available())
		return fail(ps, "\"%s\" cannot be used: %s", key, DPI_MISSING);
	n = cat ? dpi_category_id(value) : dpi_app_id(value);
	if (n < 0 || n > UINT16_MAX)
		return fail(ps, "unknown %s \"%s\" (not in nDPI's list of %s)",
			    cat ? "category" : "application", value,
			    cat ? "categories" : "protocols");
	*id = (uint16_t)n;
	return 0;
}

/* "sni example.com": a domain name suffix, kept in lower case. */
static int parse_suffix(struct parser *ps, const char *key,
			const char *value, char *out)
{
	size_t i, len = strlen(value);

	if (!dpi_available())
		return fail(ps, "\"%s\" cannot be used: %s", key, DPI_MISSING);
	if (len >= POLICY_NAME_LEN)
		return fail(ps, "\"%s\" name \"%s\" is too long (at most %d characters)",
			    key, value, POLICY_NAME_LEN - 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return fail(ps, "bad \"%s\" name \"%s\" (expected a domain name suffix such as example.com)",
				    key, value);
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return 0;
}

static const char *const match_names[] = {
	"proto", "src", "dst", "sport", "dport", "iif",
	"app", "category", "sni", "host",
};

static int parse_match(struct parser *ps, struct policy_rule *r,
		       const char *key, const char *value)
{
	unsigned int bit;
	unsigned long n;
	int err;

	if (!strcmp(key, "after")) {
		if (!value)
			return fail(ps, "\"after\" needs a packet count");
		if (r->after)
			return fail(ps, "\"after\" given twice");
		if (!parse_uint(value, POLICY_MAX_AFTER, &n) || n < 1)
			return fail(ps, "bad packet count \"%s\" for \"after\" (expected 1-%u)",
				    value, POLICY_MAX_AFTER);
		r->after = (unsigned int)n;
		return 0;
	}
	for (bit = 0; bit < ARRAY_SIZE(match_names); bit++)
		if (!strcmp(key, match_names[bit]))
			break;
	if (bit == ARRAY_SIZE(match_names))
		return fail(ps, "unknown keyword \"%s\"", key);
	if (!value)
		return fail(ps, "\"%s\" needs a value", key);
	if (r->match & (1u << bit))
		return fail(ps, "\"%s\" given twice", key);

	switch (1u << bit) {
	case POLICY_M_PROTO:
		err = parse_proto(ps, value, &r->proto);
		break;
	case POLICY_M_SRC:
		err = parse_prefix(ps, value, &r->src);
		break;
	case POLICY_M_DST:
		err = parse_prefix(ps, value, &r->dst);
		break;
	case POLICY_M_SPORT:
		err = parse_range(ps, value, &r->sport);
		break;
	case POLICY_M_DPORT:
		err = parse_range(ps, value, &r->dport);
		break;
	case POLICY_M_IIF:
		err = parse_iif(ps, value, r);
		break;
	case POLICY_M_APP:
		err = parse_dpi_name(ps, key, value, &r->app);
		break;
	case POLICY_M_CATEGORY:
		err = parse_dpi_name(ps, key, value, &r->category);
		break;
	case POLICY_M_SNI:
		err = parse_suffix(ps, key, value, r->sni);
		break;
	default:
		err = parse_suffix(ps, key, value, r->host);
		break;
	}
	if (err)
		return err;
	r->match |= 1u << bit;

	if ((r->match & (POLICY_M_SRC | POLICY_M_DST)) ==
	    (POLICY_M_SRC | POLICY_M_DST) && r->src.family != r->dst.family)
		return fail(ps, "\"src\" and \"dst\" mix IPv4 and IPv6");
	return 0;
}

static int add_rule(struct parser *ps, const struct policy_rule *r)
{
	struct policy *p = ps->p;

	if (p->n_rules == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		struct policy_rule *rules;

		rules = realloc(p->rules, cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		p->rules = rules;
		ps->cap = cap;
	}
	p->rules[p->n_rules++] = *r;
	return 0;
}

static int parse_line(struct parser *ps, char **words, size_t n)
{
	struct policy_rule r = { .line = ps->line };
	size_t i;
	int err;

	if (!strcmp(words[0], "set")) {
		char msg[POLICY_ERR_LEN / 2];

		if (n != 3)
			return fail(ps, "\"set\" takes a name and a value");
		if (settings_parse(&ps->p->settings, words[1], words[2], msg,
				   sizeof(msg)))
			return fail(ps, "%s", msg);
		return 0;
	}
	if (!strcmp(words[0], "default")) {
		if (n != 2 || verdict_from_name(words[1], &r.verdict))
			return fail(ps, "\"default\" takes one action: offload, inspect, inspect-all or block");
		if (ps->p->default_line)
			return fail(ps, "duplicate \"default\" (the first is on line %u)",
				    ps->p->default_line);
		ps->p->default_verdict = r.verdict;
		ps->p->default_line = ps->line;
		return 0;
	}
	if (verdict_from_name(words[0], &r.verdict))
		return fail(ps, "unknown action \"%s\" (expected offload, inspect, inspect-all, block or default)",
			    words[0]);
	for (i = 1; i < n; i += 2) {
		err = parse_match(ps, &r, words[i], i + 1 < n ? words[i + 1] : NULL);
		if (err)
			return err;
	}
	if (!r.after)
		r.after = 1;
	if (r.match & POLICY_M_NEEDS_APP)
		ps->p->needs_app = true;
	return add_rule(ps, &r);
}

/* Split @line in place on blanks, dropping a "#" comment. */
static int split(struct parser *ps, char *line, char **words, size_t *n)
{
	char *hash = strchr(line, '#');
	char *save = NULL, *w;

	if (hash)
		*hash = '\0';
	*n = 0;
	for (w = strtok_r(line, " \t\r\v\f", &save); w;
	     w = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (*n == MAX_WORDS)
			return fail(ps, "more than %d words on one line",
				    MAX_WORDS);
		words[(*n)++] = w;
	}
	return 0;
}

int policy_parse(struct policy *p, const char *name, const char *text,
		 policy_ifindex_fn ifindex, char *err, size_t err_len)
{
	struct parser ps = {
		.name = name,
		.ifindex = ifindex ? ifindex : if_nametoindex,
		.err = err,
		.err_len = err_len,
		.p = p,
	};
	char *copy, *line, *next;
	char *words[MAX_WORDS];
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->default_verdict = ITO_VERDICT_INSPECT;
	settings_init(&p->settings);
	if (err && err_len)
		err[0] = '\0';
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;

	for (line = copy; line; line = next) {
		size_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ps.line++;
		ret = split(&ps, line, words, &n);
		if (!ret && n)
			ret = parse_line(&ps, words, n);
		if (ret)
			break;
	}
	free(copy);
	if (ret) {
		if (ret == -ENOMEM)
			fail(&ps, "out of memory");
		policy_free(p);
	}
	return ret;
}

int policy_load(struct policy *p, const char *path, policy_ifindex_fn ifindex,
		char *err, size_t err_len)
{
	struct parser ps = { .name = path, .err = err, .err_len = err_len };
	struct stat st;
	ssize_t got;
	size_t len = 0;
	char *text;
	int fd, ret;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fail(&ps, "%s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		fail(&ps, "%s", strerror(-ret));
		return ret;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > POLICY_MAX_FILE) {
		close(fd);
		if (!S_ISREG(st.st_mode))
			return fail(&ps, "not a regular file");
		return fail(&ps, "larger than %u bytes", POLICY_MAX_FILE);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		fail(&ps, "out of memory");
		return -ENOMEM;
	}
	while (len < (size_t)st.st_size) {
		got = read(fd, text + len, (size_t)st.st_size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	ret = len < (size_t)st.st_size ? -EIO : 0;
	close(fd);
	if (ret) {
		free(text);
		fail(&ps, "short read");
		return ret;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		return fail(&ps, "contains a NUL byte");
	}
	ret = policy_parse(p, path, text, ifindex, err, err_len);
	free(text);
	return ret;
}

void policy_free(struct policy *p)
{
	free(p->rules);
	memset(p, 0, sizeof(*p));
	p->default_verdict = ITO_VERDICT_INSPECT;
	settings_init(&p->settings);
}

static bool prefix_matches(const struct policy_prefix *pfx, uint8_t family,
			   const uint8_t *addr)
{
	unsigned int full = pfx->len / 8, rest = pfx->len % 8;

	if (pfx->family != family)
		return false;
	if (memcmp(pfx->addr, addr, full))
		return false;
	if (rest && (addr[full] & (uint8_t)(0xff00u >> rest)) != pfx->addr[full])
		return false;
	return true;
}

static bool in_range(const struct policy_range *r, uint16_t v)
{
	return v >= r->lo && v <= r->hi;
}

bool policy_rule_matches(const struct policy_rule *r,
			 const struct policy_tuple *t)
{
	if ((r->match & POLICY_M_PROTO) && r->proto != t->proto)
		return false;
	if ((r->match & POLICY_M_SRC) &&
	    !prefix_matches(&r->src, t->family, t->saddr))
		return false;
	if ((r->match & POLICY_M_DST) &&
	    !prefix_matches(&r->dst, t->family, t->daddr))
		return false;
	if ((r->match & POLICY_M_SPORT) && !in_range(&r->sport, t->sport))
		return false;
	if ((r->match & POLICY_M_DPORT) && !in_range(&r->dport, t->dport))
		return false;
	if ((r->match & POLICY_M_IIF) && r->iif != t->iif)
		return false;
	return true;
}

/* @name is @suffix or ends with "." @suffix (or @suffix starts with "."). */
static bool suffix_matches(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (!n || s > n || strcasecmp(name + n - s, suffix))
		return false;
	return s == n || suffix[0] == '.' || name[n - s - 1] == '.';
}

bool policy_rule_matches_app(const struct policy_rule *r,
			     const struct policy_app *app)
{
	if ((r->match & POLICY_M_APP) && r->app != app->app &&
	    r->app != app->master)
		return false;
	if ((r->match & POLICY_M_CATEGORY) && r->category != app->category)
		return false;
	if ((r->match & POLICY_M_SNI) &&
	    (!app->name_is_sni || !suffix_matches(app->name, r->sni)))
		return false;
	if ((r->match & POLICY_M_HOST) &&
	    (app->name_is_sni || !suffix_matches(app->name, r->host)))
		return false;
	return true;
}

const struct policy_rule *policy_match_app(const struct policy *p,
					   const struct policy_tuple *t,
					   const struct policy_app *app,
					   bool *pending)
{
	size_t i;

	if (pending)
		*pending = false;
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!policy_rule_matches(r, t))
			continue;
		if (!(r->match & POLICY_M_NEEDS_APP))
			return r;
		if (!app) {
			/* Rules after this one must wait too: first match wins. */
			if (pending)
				*pending = true;
			return NULL;
		}
		if (policy_rule_matches_app(r, app))
			return r;
	}
	return NULL;
}

const struct policy_rule *policy_match(const struct policy *p,
				       const struct policy_tuple *t)
{
	static const struct policy_app unknown;

	return policy_match_app(p, t, &unknown, NULL);
}

static size_t append(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	return n < 0 ? off : off + (size_t)n;
}

static size_t append_prefix(char *buf, size_t len, size_t off,
			    const char *key, const struct policy_prefix *pfx)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(pfx->family, pfx->addr, addr, sizeof(addr));
	return append(buf, len, off, " %s %s/%u", key, addr, pfx->len);
}

static size_t append_range(char *buf, size_t len, size_t off,
			   const char *key, const struct policy_range *r)
{
	if (r->lo == r->hi)
		return append(buf, len, off, " %s %u", key, r->lo);
	return append(buf, len, off, " %s %u-%u", key, r->lo, r->hi);
}

void policy_format_matches(const struct policy_rule *r, char *buf, size_t len)
{
	char num[8];
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	if (r->match & POLICY_M_PROTO)
		off = append(buf, len, off, " proto %s",
			     ito_proto_name(r->proto, num, sizeof(num)));
	if (r->match & POLICY_M_SRC)
		off = append_prefix(buf, len, off, "src", &r->src);
	if (r->match & POLICY_M_DST)
		off = append_prefix(buf, len, off, "dst", &r->dst);
	if (r->match & POLICY_M_SPORT)
		off = append_range(buf, len, off, "sport", &r->sport);
	if (r->match & POLICY_M_DPORT)
		off = append_range(buf, len, off, "dport", &r->dport);
	if (r->match & POLICY_M_IIF)
		off = append(buf, len, off, " iif %s", r->iif_name);
	if (r->match & POLICY_M_APP)
		off = append(buf, len, off, " app %s", dpi_app_name(r->app));
	if (r->match & POLICY_M_CATEGORY)
		off = append(buf, len, off, " category %s",
			     dpi_category_name(r->category));
	if (r->match & POLICY_M_SNI)
		off = append(buf, len, off, " sni %s", r->sni);
	if (r->match & POLICY_M_HOST)
		off = append(buf, len, off, " host %s", r->host);
	if (r->after > 1)
		off = append(buf, len, off, " after %u", r->after);
	/* Drop the leading blank. */
	if (len && buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

void policy_print(const struct policy *p, FILE *fp)
{
	char matches[512];
	size_t i;

	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		policy_format_matches(r, matches, sizeof(matches));
		fprintf(fp, "rule %zu (line %u): %s%s%s\n", i + 1, r->line,
			ito_verdict_name(r->verdict), matches[0] ? " " : "",
			matches);
	}
	settings_print(&p->settings, fp);
	if (p->default_line)
		fprintf(fp, "default (line %u): %s\n", p->default_line,
			ito_verdict_name(p->default_verdict));
	else
		fprintf(fp, "default (implicit): %s\n",
			ito_verdict_name(p->default_verdict));
}
