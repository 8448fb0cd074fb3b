/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tag=value list lexer shared by DKIM key records (RFC 6376 3.2) and
 * DMARC records (RFC 7489 6.4, RFC 9989 4.8). Pure: no I/O, spans on
 * everything, never reads past its input, allocates in proportion to it.
 */
#ifndef AL_RECORD_TAGVALUE_H
#define AL_RECORD_TAGVALUE_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/status.h>

struct al_arena;

typedef struct al_tv_tag {
	size_t start, end;                /* the whole tag-spec, separators excluded */
	size_t name_start, name_length;   /* the tag name */
	size_t value_start, value_length; /* the value, surrounding whitespace trimmed */
	bool has_equals;
} al_tv_tag;

typedef enum al_tv_problem_kind {
	AL_TV_EMPTY_SPEC = 1, /* ";;" or a spec of whitespace between separators */
	AL_TV_NO_EQUALS,      /* "p none": a tag without '=' */
	AL_TV_BAD_NAME,       /* a name that is not ALPHA *(ALPHA / DIGIT / "_") */
	AL_TV_EMPTY_NAME,     /* "=none" */
	AL_TV_BAD_VALUE_CHAR, /* a byte outside VALCHAR and whitespace in a value */
} al_tv_problem_kind;

typedef struct al_tv_problem {
	al_tv_problem_kind kind;
	size_t start, length; /* the offending bytes */
} al_tv_problem;

typedef struct al_taglist {
	al_tv_tag *tags;
	size_t count;
	al_tv_problem *problems;
	size_t problem_count;
	bool trailing_separator; /* the list ends with ';' (allowed) */
} al_taglist;

/** Lex @p text. Memory comes from @p arena. AL_ENOMEM is the only failure. */
al_status al_tagvalue_parse(const char *text, size_t length, struct al_arena *arena, al_taglist *out);
/** First tag named @p name (case-sensitive for DKIM, not for DMARC), or NULL. */
const al_tv_tag *al_taglist_find(const al_taglist *list, const char *text, const char *name,
				 bool case_sensitive);
/** Number of tags named @p name. */
size_t al_taglist_count_named(const al_taglist *list, const char *text, const char *name,
			      bool case_sensitive);

#endif
