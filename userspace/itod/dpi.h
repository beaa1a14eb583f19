/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dpi - the process's one nDPI detection module and its names.
 *
 * nDPI's module holds the protocol and category tables (about 10 MB): the
 * policy parser checks "app" and "category" names against it and the
 * classifier (classify.h) feeds it packets, so both share one, made on
 * first use and kept until dpi_exit(). Single-threaded, as itod is.
 *
 * Built without nDPI (no HAVE_NDPI), dpi_available() is false and the
 * lookups fail: the parser then refuses the application matches, saying
 * why (DPI_MISSING).
 */
#ifndef ITOD_DPI_H
#define ITOD_DPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DPI_MISSING	"itod was built without nDPI (libndpi-dev)"

/* The id nDPI gives a flow it could not identify: "app unknown". */
#define DPI_APP_UNKNOWN	0

/* Built with nDPI and its module could be made. */
bool dpi_available(void);

/* nDPI's struct ndpi_detection_module_struct, or NULL (see above). */
void *dpi_module(void);

/* A protocol or category name, case-insensitive, to nDPI's id; -1 if none. */
int dpi_app_id(const char *name);
int dpi_category_id(const char *name);

/* Names for ids ("TLS", "Web"); "?" when unknown or without nDPI. */
const char *dpi_app_name(uint16_t id);
const char *dpi_category_name(uint16_t id);

/* nDPI's version ("4.2.0"), or "none". */
const char *dpi_version(void);

/* Bytes of nDPI's per-flow state (struct ndpi_flow_struct); 0 without. */
size_t dpi_flow_size(void);

/* Free the module (at exit, so leak checkers stay quiet). */
void dpi_exit(void);

#endif /* ITOD_DPI_H */
