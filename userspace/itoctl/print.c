// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output through one set of field helpers. */
#include <inttypes.h>

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
	p->first_member = true;
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

void print_begin(struct printer *p, const char *title)
{
	p->first_member = true;
	if (p->json)
		fputc('{', p->fp);
	else if (title)
		fprintf(p->fp, "%s\n", title);
}

void print_end(struct printer *p)
{
	if (!p->json)
		return;
	if (p->pretty && !p->first_member)
		fputc('\n', p->fp);
	fputs("}\n", p->fp);
}

/* JSON: separator, indentation and key; text: indentation and padded label. */
static void print_label(struct printer *p, const char *label)
{
	if (!p->json) {
		fprintf(p->fp, "%s%-*s%s", p->indent, p->label_width, label,
			p->separator);
		return;
	}
	if (!p->first_member)
		fputc(',', p->fp);
	if (p->pretty)
		fputs("\n" JSON_PRETTY_INDENT, p->fp);
	p->first_member = false;
	print_json_string(p->fp, label, true);
	fputs(p->pretty ? ": " : ":", p->fp);
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
