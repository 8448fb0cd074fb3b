/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SPF unit tests: a zone text (origin example.com) as the DNS, offline outside it. */
#ifndef AL_TEST_SPF_ZONE_H
#define AL_TEST_SPF_ZONE_H

#include <string.h>

#include "helpers.h"

typedef struct zone_fixture {
	al_zone *zone;
	al_source *zs, *top;
} zone_fixture;

static inline void zone_open(zone_fixture *z, const char *text)
{
	al_zone_options zo = {0};
	zo.origin = "example.com";
	assert_int_equal(al_zone_new(&z->zone, &zo), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(z->zone, "<test>", text, strlen(text), &err), AL_OK);
	assert_int_equal(al_source_new_zone(&z->zs, z->zone), AL_OK);
	assert_int_equal(al_source_new_layered(&z->top, z->zs, NULL), AL_OK);
}

static inline void zone_close(zone_fixture *z)
{
	al_source_free(z->top);
	al_source_free(z->zs);
	al_zone_free(z->zone);
}

#endif
