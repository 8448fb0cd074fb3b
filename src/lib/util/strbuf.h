/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growable byte buffer, always NUL-terminated. */
#ifndef AL_UTIL_STRBUF_H
#define AL_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct al_strbuf {
	char *data;     /* NUL-terminated when not NULL */
	size_t length;
	size_t capacity;
	bool failed;    /* an allocation failed; further appends are dropped */
} al_strbuf;

#define AL_STRBUF_INIT { NULL, 0, 0, false }

void al_strbuf_init(al_strbuf *sb);
void al_strbuf_free(al_strbuf *sb);
/** Empty it, keeping the memory. */
void al_strbuf_reset(al_strbuf *sb);
/** Make room for @p extra more bytes; false when out of memory. */
bool al_strbuf_reserve(al_strbuf *sb, size_t extra);
/* what al_strbuf_append and al_strbuf_putc do when the room is not there (or failed) */
void al_strbuf_append_grow(al_strbuf *sb, const void *data, size_t length);

/* Inline: the writers append many short pieces, nearly always into room already there. */
static inline void al_strbuf_append(al_strbuf *sb, const void *data, size_t length)
{
	if (sb->data != NULL && !sb->failed && length < sb->capacity - sb->length) {
		if (length > 0) /* data may be NULL then */
			memcpy(sb->data + sb->length, data, length);
		sb->length += length;
		sb->data[sb->length] = '\0';
		return;
	}
	al_strbuf_append_grow(sb, data, length);
}

static inline void al_strbuf_putc(al_strbuf *sb, char c)
{
	if (sb->data != NULL && !sb->failed && sb->length + 2 <= sb->capacity) {
		sb->data[sb->length++] = c;
		sb->data[sb->length] = '\0';
		return;
	}
	al_strbuf_append_grow(sb, &c, 1);
}

void al_strbuf_puts(al_strbuf *sb, const char *text);
/** Append a string literal (its length known at compile time). */
#define AL_STRBUF_LIT(sb, literal) al_strbuf_append((sb), "" literal, sizeof(literal) - 1)
void al_strbuf_printf(al_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void al_strbuf_vprintf(al_strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/** Text so far ("" when empty); valid until the next append. */
const char *al_strbuf_cstr(const al_strbuf *sb);
/** Take the buffer (caller frees); the strbuf is empty afterwards. NULL if it failed. */
char *al_strbuf_detach(al_strbuf *sb, size_t *length);
/** @p n with thousands separated by commas ("4,100"), as the text outputs count messages. */
void al_strbuf_thousands(al_strbuf *sb, uint64_t n);
/** Messages a day, rounded as printf's %.0f rounds: "4,100"; "<1" for more than none and less than one. */
void al_strbuf_per_day(al_strbuf *sb, double v);

#endif
