/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the DMARC and DKIM parsers share: messages built in the record's arena,
 * growing arrays there, records that own their memory, and typo hints.
 */
#ifndef AL_RECORD_PARSE_UTIL_H
#define AL_RECORD_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/status.h>

struct al_arena;

/** A parser's arena, the text it reads, and whether an allocation failed. */
typedef struct al_rec_ctx {
	struct al_arena *arena;
	const char *t;
	bool nomem;
} al_rec_ctx;

/** printf into the arena; NULL (and nomem set) when out of memory. */
char *al_rec_fmt(al_rec_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Bytes of the text quoted for a message ('...'), cut after 57 when longer than 60. */
char *al_rec_quoted(al_rec_ctx *c, size_t start, size_t length);
/**
 * Room for one more element of @p size in an array of @p count held in the
 * arena (doubling @p *capacity). Returns the array, or NULL with nomem set.
 */
void *al_rec_grow(al_rec_ctx *c, void *items, size_t count, size_t *capacity, size_t size);

/** Parse into an arena (al_dmarc_parse_arena, al_dkim_parse_arena, typed as void). */
typedef al_status (*al_rec_parse_fn)(const char *text, size_t length, struct al_arena *arena, void **out);
/**
 * Parse a record that owns its memory: the public struct of @p size is copied
 * into a block that also holds the arena. Free with al_rec_free_owned.
 */
al_status al_rec_parse_owned(const char *text, size_t length, size_t size, al_rec_parse_fn parse, void **out);
void al_rec_free_owned(void *record);

/**
 * The word of @p words closest to @p word (@p length bytes) within a small edit
 * distance (one edit, two for words of five letters or more; transpositions
 * count as one), or NULL when there is none or two are equally close.
 */
const char *al_closest_word(const char *word, size_t length, const char *const *words, size_t count,
			    bool case_sensitive);

#endif
