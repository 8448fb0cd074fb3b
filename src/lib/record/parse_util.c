/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the DMARC and DKIM parsers share (parse_util.h). */
#include "record/parse_util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/grow.h"

char *al_rec_fmt(al_rec_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = al_arena_vprintf(c->arena, fmt, ap);
	va_end(ap);
	if (s == NULL)
		c->nomem = true;
	return s;
}

char *al_rec_quoted(al_rec_ctx *c, size_t start, size_t length)
{
	if (length > 60)
		return al_rec_fmt(c, "'%.*s...'", 57, c->t + start);
	return al_rec_fmt(c, "'%.*s'", (int)length, c->t + start);
}

void *al_rec_grow(al_rec_ctx *c, void *items, size_t count, size_t *capacity, size_t size)
{
	if (c->nomem)
		return NULL;
	void *p = al_arena_grow(c->arena, items, count, capacity, size);
	if (p == NULL)
		c->nomem = true;
	return p;
}

/* The arena first, then the public struct, aligned for anything. */
typedef struct owned {
	al_arena arena;
	alignas(max_align_t) unsigned char record[];
} owned;

al_status al_rec_parse_owned(const char *text, size_t length, size_t size, al_rec_parse_fn parse, void **out)
{
	*out = NULL;
	owned *o = malloc(sizeof(*o) + size);
	if (o == NULL)
		return AL_ENOMEM;
	al_arena_init(&o->arena);
	void *r = NULL;
	al_status st = parse(text != NULL ? text : "", text != NULL ? length : 0, &o->arena, &r);
	if (st != AL_OK) {
		al_arena_clear(&o->arena);
		free(o);
		return st;
	}
	/* everything the struct points to lives in the arena, so a copy of it is whole */
	memcpy(o->record, r, size);
	*out = o->record;
	return AL_OK;
}

void al_rec_free_owned(void *record)
{
	if (record == NULL)
		return;
	owned *o = (owned *)((unsigned char *)record - offsetof(owned, record));
	al_arena_clear(&o->arena);
	free(o);
}

/* Optimal string alignment distance (Damerau-Levenshtein without repeated
 * edits of a substring), for short words only. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m, bool cs)
{
	enum { MAXW = 24 };
	if (n > MAXW || m > MAXW)
		return (size_t)-1;
	size_t d[MAXW + 1][MAXW + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			char x = a[i - 1], y = b[j - 1];
			if (!cs) {
				x = (char)tolower((unsigned char)x);
				y = (char)tolower((unsigned char)y);
			}
			size_t cost = x == y ? 0 : 1;
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1) {
				char px = a[i - 2], py = b[j - 2];
				if (!cs) {
					px = (char)tolower((unsigned char)px);
					py = (char)tolower((unsigned char)py);
				}
				if (x == py && px == y && d[i - 2][j - 2] + 1 < v)
					v = d[i - 2][j - 2] + 1;
			}
			d[i][j] = v;
		}
	}
	return d[n][m];
}

const char *al_closest_word(const char *word, size_t length, const char *const *words, size_t count,
			    bool case_sensitive)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	bool tie = false;
	for (size_t i = 0; i < count; i++) {
		size_t wl = strlen(words[i]);
		size_t dist = edit_distance(word, length, words[i], wl, case_sensitive);
		/* one edit for short words, two for words of five letters or more */
		size_t limit = (wl >= 5 && length >= 4) ? 2 : 1;
		if (wl == 1 || length == 1)
			limit = 0; /* single letters are too easy to hit by accident */
		if (dist > limit || dist == 0)
			continue;
		if (dist < best_d) {
			best = words[i];
			best_d = dist;
			tie = false;
		} else if (dist == best_d) {
			tie = true;
		}
	}
	return tie ? NULL : best;
}

