/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Markdown for untrusted text. Every Markdown writer (the plan's checklist, the
 * change review, the rule reference) shows text through these: the display form
 * of util/escape.h first, then Markdown's own specials, so that a TXT record can
 * neither start markup nor a link, a mention, an entity or raw HTML, and no
 * backtick in it can close the code span that holds it.
 */
#ifndef AL_UTIL_MARKDOWN_H
#define AL_UTIL_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/** What GitHub-flavoured Markdown (tables, autolinks, mentions, math) could read as markup. */
#define AL_MD_SPECIAL "\\`*_[]()<>|&#~!@:$"

/** Append @p shown (text already in display form) with every AL_MD_SPECIAL byte backslash-escaped. */
void al_md_escape(al_strbuf *out, const char *shown);
/** Append the display form of @p text (NULL: nothing) with every AL_MD_SPECIAL byte backslash-escaped. */
void al_md_text(al_strbuf *out, const char *text);
/** The longest run of backticks in @p text: a code fence must be longer. */
size_t al_md_longest_backticks(const char *text);
/**
 * Append @p shown (text already in display form) as an inline code span, fenced
 * with one backtick more than its longest run and padded with a space when it
 * starts or ends with a backtick. With @p in_table a '|' is escaped, since inside
 * a table row it still ends the cell.
 */
void al_md_code_span(al_strbuf *out, const char *shown, bool in_table);
/** Append the display form of @p text as a code span (see al_md_code_span). */
void al_md_code(al_strbuf *out, const char *text, bool in_table);

#endif
