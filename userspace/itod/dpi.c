// SPDX-License-Identifier: GPL-2.0
/* dpi - the shared nDPI detection module, made on first use. */
#include <stdlib.h>
#include <string.h>

#include "dpi.h"

#ifdef HAVE_NDPI
#include <ndpi_api.h>

static struct ndpi_detection_module_struct *module;
static bool init_failed;

void *dpi_module(void)
{
	NDPI_PROTOCOL_BITMASK all;

	if (module || init_failed)
		return module;
	module = ndpi_init_detection_module(ndpi_no_prefs);
	if (!module) {
		init_failed = true;	/* out of memory: do not retry per flow */
		return NULL;
	}
	/* The kernel tells each copy's direction: nDPI must not guess it. */
	ndpi_set_detection_preferences(module,
				       ndpi_pref_direction_detect_disable, 1);
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(module, &all);
	ndpi_finalize_initialization(module);
	return module;
}

bool dpi_available(void)
{
	return dpi_module() != NULL;
}

/* nDPI takes non-const names; copy rather than cast the const away. */
static int lookup(const char *name, bool category)
{
	char buf[64];

	if (!dpi_module() || strlen(name) >= sizeof(buf))
		return -1;
	strcpy(buf, name);
	return category ? ndpi_get_category_id(module, buf) :
			  ndpi_get_protocol_id(module, buf);
}

int dpi_app_id(const char *name)
{
	return lookup(name, false);
}

int dpi_category_id(const char *name)
{
	return lookup(name, true);
}

const char *dpi_app_name(uint16_t id)
{
	const char *n = dpi_module() ? ndpi_get_proto_name(module, id) : NULL;

	return n ? n : "?";
}

const char *dpi_category_name(uint16_t id)
{
	const char *n = NULL;

	if (dpi_module() && id < NDPI_PROTOCOL_NUM_CATEGORIES)
		n = ndpi_category_get_name(module,
					   (ndpi_protocol_category_t)id);
	return n ? n : "?";
}

size_t dpi_flow_size(void)
{
	return ndpi_detection_get_sizeof_ndpi_flow_struct();
}

const char *dpi_version(void)
{
	return ndpi_revision();
}

void dpi_exit(void)
{
	if (module)
		ndpi_exit_detection_module(module);
	module = NULL;
	init_failed = false;
}

#else /* !HAVE_NDPI */

bool dpi_available(void)
{
	return false;
}

void *dpi_module(void)
{
	return NULL;
}

int dpi_app_id(const char *name)
{
	(void)name;
	return -1;
}

int dpi_category_id(const char *name)
{
	(void)name;
	return -1;
}

const char *dpi_app_name(uint16_t id)
{
	(void)id;
	return "?";
}

const char *dpi_category_name(uint16_t id)
{
	(void)id;
	return "?";
}

size_t dpi_flow_size(void)
{
	return 0;
}

const char *dpi_version(void)
{
	return "none";
}

void dpi_exit(void)
{
}

#endif /* HAVE_NDPI */
