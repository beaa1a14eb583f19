// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output through one set of field helpers. */
#include <inttypes.h>
#include <stdarg.h>

#include "print.h"

#define JSON_PRETTY_INDENT	"    "

void print_init(struct printer *p, FILE *fp, bool json, bool pretty)
{
	p->fp = fp;
	p->json = json || pretty;	/* pretty printing means pretty JSON */
	p->pretty = pretty;
	p->indent = "";
	p->label_width = 0;
	p->separator = " ";
	p->depth = 0;
	p->first[0] = true;
}

void print_text_layout(struct printer *p, const char *indent, int label_width,
		       const char *separator)
{
	p->indent = indent;
	p->label_width = label_width;
	p->separator = separator;
}

void print_json_string(FILE *fp, const char *s, bool to_key)
{
	const unsigned char *c;

	fputc('"', fp);
	for (c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '-':
			fputc(to_key ? '_' : '-', fp);
			break;
		default:
			if (*c < 0x20)
				fprintf(fp, "\\u%04x", *c);
			else
				fputc(*c, fp);	/* UTF-8 passes through */
		}
	}
	fputc('"', fp);
}

/* Pretty JSON: a new line indented to the current depth. */
static void json_newline(struct printer *p)
{
	int i;

	fputc('\n', p->fp);
	for (i = 0; i < p->depth; i++)
		fputs(JSON_PRETTY_INDENT, p->fp);
}

/* Comma and indentation before a member or element, then its key if any. */
static void json_member(struct printer *p, const char *key)
{
	if (p->depth > 0) {
		if (!p->first[p->depth])
			fputc(',', p->fp);
		if (p->pretty)
			json_newline(p);
	}
	p->first[p->depth] = false;
	if (key) {
		print_json_string(p->fp, key, true);
		fputs(p->pretty ? ": " : ":", p->fp);
	}
}

static void json_open(struct printer *p, const char *key, char bracket)
{
	if (!p->json)
		return;
	json_member(p, key);
	fputc(bracket, p->fp);
	if (p->depth < PRINT_MAX_DEPTH)
		p->depth++;
	p->first[p->depth] = true;
}

static void json_close(struct printer *p, char bracket)
{
	if (!p->json || p->depth == 0)
		return;
	p->depth--;
	if (p->pretty && !p->first[p->depth + 1])
		json_newline(p);
	fputc(bracket, p->fp);
	if (p->depth == 0) {
		fputc('\n', p->fp);
		p->first[0] = true;	/* the next top-level value starts afresh */
	}
}

void print_open_object(struct printer *p, const char *key)
{
	json_open(p, key, '{');
}

void print_close_object(struct printer *p)
{
	json_close(p, '}');
}

void print_open_array(struct printer *p, const char *key)
{
	json_open(p, key, '[');
}

void print_close_array(struct printer *p)
{
	json_close(p, ']');
}

void print_begin(struct printer *p, const char *title)
{
	if (p->json)
		print_open_object(p, NULL);
	else if (title)
		fprintf(p->fp, "%s\n", title);
}

void print_end(struct printer *p)
{
	print_close_object(p);
}

/* JSON: separator, indentation and key; text: indentation and padded label. */
static void print_label(struct printer *p, const char *label)
{
	if (!p->json) {
		fprintf(p->fp, "%s%-*s%s", p->indent, p->label_width, label,
			p->separator);
		return;
	}
	json_member(p, label);
}

void print_u64(struct printer *p, const char *label, uint64_t value,
	       const char *unit)
{
	print_label(p, label);
	fprintf(p->fp, "%" PRIu64, value);
	if (!p->json) {
		if (unit)
			fprintf(p->fp, " %s", unit);
		fputc('\n', p->fp);
	}
}

void print_hex(struct printer *p, const char *label, uint32_t value)
{
	print_label(p, label);
	if (p->json)
		fprintf(p->fp, "%" PRIu32, value);
	else
		fprintf(p->fp, "0x%" PRIx32 "\n", value);
}

void print_null(struct printer *p, const char *label, const char *text)
{
	print_label(p, label);
	if (p->json)
		fputs("null", p->fp);
	else
		fprintf(p->fp, "%s\n", text);
}

void print_yes_no(struct printer *p, const char *label, bool value)
{
	print_label(p, label);
	if (p->json)
		fputs(value ? "true" : "false", p->fp);
	else
		fprintf(p->fp, "%s\n", value ? "yes" : "no");
}

void print_string(struct printer *p, const char *label, const char *value)
{
	print_label(p, label);
	if (p->json)
		print_json_string(p->fp, value, false);
	else
		fprintf(p->fp, "%s\n", value);
}

/*
 * Whether a line style field goes out in this format; in JSON, after its
 * comma and key.
 */
static bool field_begin(struct printer *p, enum print_to to, const char *key)
{
	if (!p->json)
		return to != PRINT_JSON;
	if (to == PRINT_FP)
		return false;
	json_member(p, key);
	return true;
}

void print_field_uint(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, uint64_t value)
{
	if (!field_begin(p, to, key))
		return;
	if (p->json)
		fprintf(p->fp, "%" PRIu64, value);
	else
		fprintf(p->fp, fmt, value);
}

void print_field_str(struct printer *p, enum print_to to, const char *key,
		     const char *fmt, const char *value)
{
	if (!field_begin(p, to, key))
		return;
	if (p->json)
		print_json_string(p->fp, value, false);
	else
		fprintf(p->fp, fmt, value);
}

void print_field_bool(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, bool value)
{
	if (!field_begin(p, to, key))
		return;
	if (p->json)
		fputs(value ? "true" : "false", p->fp);
	else
		fprintf(p->fp, fmt, value ? "yes" : "no");
}

void print_field_null(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, const char *text)
{
	if (!field_begin(p, to, key))
		return;
	if (p->json)
		fputs("null", p->fp);
	else
		fprintf(p->fp, fmt, text);
}

void print_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->fp, fmt, ap);
	va_end(ap);
}
