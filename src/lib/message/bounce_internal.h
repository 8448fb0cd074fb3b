/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounce catalog's insides, shared by its loader (bounce.c) and its
 * matcher (bounce_match.c). */
#ifndef AL_MESSAGE_BOUNCE_INTERNAL_H
#define AL_MESSAGE_BOUNCE_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include <authlint/bounce.h>

#include "util/arena.h"

struct al_bounce_catalog {
	al_arena arena;
	al_bounce_receiver *receivers;
	pcre2_code **markers; /* per receiver, or NULL */
	size_t receiver_count;
	al_bounce_entry *entries;
	pcre2_code **patterns; /* per entry */
	size_t entry_count;
	al_bulk_requirement *requirements;
	size_t requirement_count;
	pcre2_match_context *mctx;
};

/** Length of an enhanced status code ("5.7.26") at @p s (class 2, 4 or 5,
 * subject and detail of 1-3 digits), 0 when there is none. */
size_t al_bounce_status_length(const char *s, size_t n);

/** The diagnostic text as the patterns read it (bounce_match.c says how);
 * malloc()ed, NULL when out of memory. */
char *al_bounce_normalize(const char *text, size_t length, char **status_out);

#endif
