/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printer for text and JSON, in two styles.
 *
 * Settings style (show, counters, flow get): each field goes through one
 * call, which writes it either as an aligned "label : value" line or as a
 * JSON member whose key is the label with '-' turned into '_' (the CLI
 * keyword in snake_case).
 *
 * Line style (port show, flow show, monitor), after iproute2's json_print:
 * print_field_*() take a printf format for the text and a key for JSON;
 * PRINT_FP writes only the text, PRINT_JSON only the member, PRINT_ANY both.
 * JSON objects and arrays nest with print_open_*() / print_close_*().
 */
#ifndef ITOCTL_PRINT_H
#define ITOCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PRINT_MAX_DEPTH	8

enum print_to {
	PRINT_ANY,
	PRINT_JSON,
	PRINT_FP,
};

struct printer {
	FILE *fp;
	bool json;
	bool pretty;
	/* Text lines are "<indent><label padded to label_width><separator><value>". */
	const char *indent;
	int label_width;
	const char *separator;
	/* JSON: containers open now, and whether each has no member yet. */
	int depth;
	bool first[PRINT_MAX_DEPTH + 1];
};

void print_init(struct printer *p, FILE *fp, bool json, bool pretty);
void print_text_layout(struct printer *p, const char *indent, int label_width,
		       const char *separator);

/* Open/close the one object of a command's output; @title is text only. */
void print_begin(struct printer *p, const char *title);
void print_end(struct printer *p);

/* @unit (may be NULL) follows the number in text, JSON has the bare number. */
void print_u64(struct printer *p, const char *label, uint64_t value,
	       const char *unit);
/* Text 0x and hexadecimal digits (a mark, a mask), JSON the number. */
void print_hex(struct printer *p, const char *label, uint32_t value);
/* Text @text (a word such as "none"), JSON null: a setting that is unset. */
void print_null(struct printer *p, const char *label, const char *text);
/* Text "yes"/"no", JSON true/false. */
void print_yes_no(struct printer *p, const char *label, bool value);
void print_string(struct printer *p, const char *label, const char *value);

/*
 * JSON containers, member of the enclosing object when @key is set, else an
 * element of the enclosing array (or the top level). Nothing in text. The
 * outermost close ends the line.
 */
void print_open_object(struct printer *p, const char *key);
void print_close_object(struct printer *p);
void print_open_array(struct printer *p, const char *key);
void print_close_array(struct printer *p);

/* Line style fields; @fmt takes the one value (text only). */
void print_field_uint(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, uint64_t value);
void print_field_str(struct printer *p, enum print_to to, const char *key,
		     const char *fmt, const char *value);
/* JSON true/false; text @fmt with "yes" or "no". */
void print_field_bool(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, bool value);
/* JSON null; text @fmt with @text (a word such as "any"): a value unset. */
void print_field_null(struct printer *p, enum print_to to, const char *key,
		      const char *fmt, const char *text);
/* Text only, nothing in JSON. */
void print_text(struct printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* @s as a quoted JSON string; with @to_key, '-' becomes '_'. */
void print_json_string(FILE *fp, const char *s, bool to_key);

#endif /* ITOCTL_PRINT_H */
