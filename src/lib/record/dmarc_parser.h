/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC parser's state, shared by dmarc.c (tags and values) and
 * dmarc_uri.c (the report-URI grammar). Private to record/. */
#ifndef AL_RECORD_DMARC_PARSER_H
#define AL_RECORD_DMARC_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/dmarc.h>

#include "record/parse_util.h"

typedef struct parser {
	al_rec_ctx c; /* arena, text, nomem */
	al_dmarc_record *rec;
	al_dmarc_problem *problems;
	size_t problem_count, problem_cap;
} parser;

#define fmt(ps, ...) al_rec_fmt(&(ps)->c, __VA_ARGS__)
#define quoted(ps, start, length) al_rec_quoted(&(ps)->c, (start), (length))

/** Record a problem of the record (kind, tag, generation, span, detail, hint). */
void al_dmarc_add_problem(parser *ps, al_dmarc_problem_kind kind, al_dmarc_tag_id tag, al_generation gen,
			  size_t start, size_t length, const char *detail, const char *hint);
/** @p t (@p length bytes) is @p word, ignoring case. */
bool al_dmarc_eq_nocase(const char *t, size_t length, const char *word);
/** A hint when a value runs into the next tag (a ';' missing), or NULL. */
const char *al_dmarc_separator_hint(parser *ps, size_t start, size_t length);
/** Parse the URI list of rua or ruf (RFC 7489 6.2, RFC 9989 4.7). */
void al_dmarc_parse_uri_list(parser *ps, const al_dmarc_tag *tag, const al_dmarc_uri **out, size_t *count);

#endif
