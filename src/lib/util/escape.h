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

/*
 * Eight bytes at a time (a 64-bit word, any byte order): does the word hold a
 * byte below @p n (n <= 128), above @p n (n <= 127), or equal to @p b? Each is
 * exact about whether there is one (not about where).
 */
#define AL_BYTES_ONES 0x0101010101010101ULL
#define AL_BYTES_HIGHS 0x8080808080808080ULL
static inline uint64_t al_bytes_has_less(uint64_t x, unsigned n)
{
	return (x - AL_BYTES_ONES * n) & ~x & AL_BYTES_HIGHS;
}
static inline uint64_t al_bytes_has_more(uint64_t x, unsigned n)
{
	return ((x + AL_BYTES_ONES * (127 - n)) | x) & AL_BYTES_HIGHS;
}
static inline uint64_t al_bytes_has(uint64_t x, unsigned char b)
{
	uint64_t v = x ^ (AL_BYTES_ONES * b);
	return (v - AL_BYTES_ONES) & ~v & AL_BYTES_HIGHS;
}

/**
 * How many bytes from @p data on are shown as they are on their own:
 * printable ASCII other than the backslash (0x20-0x7e but 0x5c). The display
 * form copies such a run unchanged.
 */
size_t al_escape_plain_run(const char *data, size_t length);
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
