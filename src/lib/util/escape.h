/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Display escaping. DNS answers and zone files are untrusted: a TXT record can
 * carry terminal escapes, NUL bytes, invalid UTF-8 or bidirectional overrides.
 * Every output format shows text in one display form: printable ASCII and
 * printable UTF-8 as they are; a backslash as \\; control bytes, bytes that are
 * not UTF-8 and DEL as \xNN; C1 controls, bidi controls and BOM as \u{NNNN}.
 */
#ifndef AL_UTIL_ESCAPE_H
#define AL_UTIL_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/** Length of the UTF-8 sequence at @p p (1..4) with its code point, or 0 when invalid. */
size_t al_utf8_decode(const unsigned char *p, size_t length, uint32_t *codepoint);
/** True when every byte is printable ASCII or printable UTF-8 and nothing needs escaping. */
bool al_text_is_clean(const char *data, size_t length);
/** Append the display form of @p data. */
void al_escape_display(al_strbuf *out, const char *data, size_t length);
/** Columns the display form of @p data takes (one per code point). */
size_t al_display_width(const char *data, size_t length);
/** Append @p data as the inside of a JSON string: display form, then JSON escapes. */
void al_escape_json(al_strbuf *out, const char *data, size_t length);
/** Append the display form of @p text (NULL: nothing), HTML-escaped (& < > " '). */
void al_escape_html(al_strbuf *out, const char *text);
/** Display form of a NUL-terminated string into a new malloc()ed string (NULL on failure). */
char *al_escape_display_dup(const char *text);

#endif
