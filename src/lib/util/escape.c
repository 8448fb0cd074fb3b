/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t al_utf8_decode(const unsigned char *p, size_t length, uint32_t *codepoint)
{
	if (length == 0)
		return 0;
	unsigned char c = p[0];
	size_t n;
	uint32_t cp, min;
	if (c < 0x80) {
		*codepoint = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (length < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*codepoint = cp;
	return n;
}

/* Code points that are shown escaped even though they are valid UTF-8. */
static bool hidden_codepoint(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f)          /* C1 controls */
	       || cp == 0x200e || cp == 0x200f     /* LRM, RLM */
	       || (cp >= 0x202a && cp <= 0x202e)   /* bidi embeddings and overrides */
	       || (cp >= 0x2066 && cp <= 0x2069)   /* bidi isolates */
	       || cp == 0xfeff                     /* BOM / zero-width no-break space */
	       || cp == 0x2028 || cp == 0x2029;    /* line and paragraph separators */
}

/* A byte shown as it is without looking further: printable ASCII but the backslash. */
static inline bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

static inline size_t plain_run(const unsigned char *p, size_t length)
{
	size_t i = 0;
	/* eight bytes at a time while none is special; the bytes of the word
	 * that has one are looked at one by one below */
	for (; i + 8 <= length; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		if (al_bytes_has_less(v, 0x20) | al_bytes_has_more(v, 0x7e) | al_bytes_has(v, '\\'))
			break;
	}
	while (i < length && plain_byte(p[i]))
		i++;
	return i;
}

size_t al_escape_plain_run(const char *data, size_t length)
{
	return plain_run((const unsigned char *)data, length);
}

static const char hex_digits[] = "0123456789abcdef";

/* Visit the display form piece by piece: either a run of bytes shown as they
 * are, or an escape string. Inlined into each user, so that the visitor is
 * called directly. */
typedef void (*piece_fn)(void *ctx, const char *data, size_t length, bool escaped);

static inline __attribute__((always_inline)) void walk(const char *data, size_t length, piece_fn fn, void *ctx)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, run = 0;
	char esc[16];
	while (i < length) {
		i += plain_run(p + i, length - i);
		if (i >= length)
			break;
		unsigned char c = p[i];
		uint32_t cp = 0;
		size_t n = c >= 0x80 ? al_utf8_decode(p + i, length - i, &cp) : 0;
		if (n > 0 && !hidden_codepoint(cp)) {
			i += n;
			continue;
		}
		if (i > run)
			fn(ctx, data + run, i - run, false);
		if (c == '\\') {
			fn(ctx, "\\\\", 2, true);
			i++;
		} else if (n > 0) {
			int k = snprintf(esc, sizeof(esc), "\\u{%04x}", (unsigned)cp);
			fn(ctx, esc, (size_t)k, true);
			i += n;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex_digits[c >> 4];
			esc[3] = hex_digits[c & 15];
			fn(ctx, esc, 4, true);
			i++;
		}
		run = i;
	}
	if (i > run)
		fn(ctx, data + run, i - run, false);
}

static void count_dirty(void *ctx, const char *data, size_t length, bool escaped)
{
	(void)data;
	(void)length;
	if (escaped)
		*(bool *)ctx = true;
}

bool al_text_is_clean(const char *data, size_t length)
{
	bool dirty = false;
	walk(data, length, count_dirty, &dirty);
	return !dirty;
}

static void append_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	(void)escaped;
	al_strbuf_append(ctx, data, length);
}

void al_escape_display(al_strbuf *out, const char *data, size_t length)
{
	walk(data, length, append_piece, out);
}

static void width_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	size_t *w = ctx;
	if (escaped) {
		*w += length;
		return;
	}
	/* count code points: every byte that is not a continuation byte
	 * (10xxxxxx), eight at a time */
	size_t i = 0;
	for (; i + 8 <= length; i += 8) {
		uint64_t v;
		memcpy(&v, data + i, 8);
		uint64_t continuation = v & ~(v << 1) & AL_BYTES_HIGHS;
		*w += 8 - (size_t)__builtin_popcountll(continuation);
	}
	for (; i < length; i++)
		if (((unsigned char)data[i] & 0xc0) != 0x80)
			(*w)++;
}

size_t al_display_width(const char *data, size_t length)
{
	size_t w = 0;
	walk(data, length, width_piece, &w);
	return w;
}

/* Bytes shown as they are in a JSON string too: printable ASCII but the
 * backslash and the quote. */
static inline size_t json_plain_run(const unsigned char *p, size_t length)
{
	size_t i = 0;
	for (; i + 8 <= length; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		if (al_bytes_has_less(v, 0x20) | al_bytes_has_more(v, 0x7e) | al_bytes_has(v, '\\') |
		    al_bytes_has(v, '"'))
			break;
	}
	while (i < length && plain_byte(p[i]) && p[i] != '"')
		i++;
	return i;
}

/* The display form, then JSON's escapes: every backslash of an escape doubled,
 * a quote in the text as \". Written out directly (the same text as walking the
 * display form's pieces). */
void al_escape_json(al_strbuf *out, const char *data, size_t length)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, run = 0;
	while (i < length) {
		i += json_plain_run(p + i, length - i);
		if (i >= length)
			break;
		unsigned char c = p[i];
		uint32_t cp = 0;
		size_t n = c >= 0x80 ? al_utf8_decode(p + i, length - i, &cp) : 0;
		if (n > 0 && !hidden_codepoint(cp)) {
			i += n; /* printable UTF-8: part of the run */
			continue;
		}
		if (i > run)
			al_strbuf_append(out, data + run, i - run);
		if (c == '"') {
			al_strbuf_append(out, "\\\"", 2);
			i++;
		} else if (c == '\\') {
			al_strbuf_append(out, "\\\\\\\\", 4); /* \\ shown, each doubled */
			i++;
		} else if (n > 0) {
			char esc[16];
			int k = snprintf(esc, sizeof(esc), "\\\\u{%04x}", (unsigned)cp);
			al_strbuf_append(out, esc, (size_t)k);
			i += n;
		} else {
			char esc[5] = {'\\', '\\', 'x', hex_digits[c >> 4], hex_digits[c & 15]};
			al_strbuf_append(out, esc, 5);
			i++;
		}
		run = i;
	}
	if (i > run)
		al_strbuf_append(out, data + run, i - run);
}

char *al_escape_display_dup(const char *text)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_escape_display(&sb, text, strlen(text));
	return al_strbuf_detach(&sb, NULL);
}

void al_escape_html(al_strbuf *out, const char *text)
{
	if (text == NULL)
		return;
	al_strbuf shown;
	al_strbuf_init(&shown);
	al_escape_display(&shown, text, strlen(text));
	for (const char *p = al_strbuf_cstr(&shown); *p; p++) {
		switch (*p) {
		case '&': al_strbuf_puts(out, "&amp;"); break;
		case '<': al_strbuf_puts(out, "&lt;"); break;
		case '>': al_strbuf_puts(out, "&gt;"); break;
		case '"': al_strbuf_puts(out, "&quot;"); break;
		case '\'': al_strbuf_puts(out, "&#39;"); break;
		default: al_strbuf_putc(out, *p);
		}
	}
	al_strbuf_free(&shown);
}
