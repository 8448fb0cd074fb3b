/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void al_strbuf_init(al_strbuf *sb)
{
	sb->data = NULL;
	sb->length = 0;
	sb->capacity = 0;
	sb->failed = false;
}

void al_strbuf_free(al_strbuf *sb)
{
	free(sb->data);
	al_strbuf_init(sb);
}

void al_strbuf_reset(al_strbuf *sb)
{
	sb->length = 0;
	sb->failed = false;
	if (sb->data != NULL)
		sb->data[0] = '\0';
}

bool al_strbuf_reserve(al_strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (extra > SIZE_MAX / 2 - sb->length) {
		sb->failed = true;
		return false;
	}
	size_t need = sb->length + extra + 1;
	if (need <= sb->capacity)
		return true;
	size_t cap = sb->capacity ? sb->capacity : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(sb->data, cap);
	if (p == NULL) {
		sb->failed = true;
		return false;
	}
	sb->data = p;
	sb->capacity = cap;
	return true;
}

void al_strbuf_append_grow(al_strbuf *sb, const void *data, size_t length)
{
	if (sb->data == NULL || sb->length + length + 1 > sb->capacity) {
		if (!al_strbuf_reserve(sb, length))
			return;
	} else if (sb->failed) {
		return;
	}
	if (length > 0)
		memcpy(sb->data + sb->length, data, length);
	sb->length += length;
	sb->data[sb->length] = '\0';
}

void al_strbuf_puts(al_strbuf *sb, const char *text)
{
	al_strbuf_append(sb, text, strlen(text));
}


void al_strbuf_vprintf(al_strbuf *sb, const char *fmt, va_list ap)
{
	/* format once when it fits in the room already there */
	if (sb->data != NULL && !sb->failed && sb->capacity > sb->length + 1) {
		size_t room = sb->capacity - sb->length;
		va_list aq;
		va_copy(aq, ap);
		int n = vsnprintf(sb->data + sb->length, room, fmt, aq);
		va_end(aq);
		if (n < 0) {
			sb->data[sb->length] = '\0';
			return;
		}
		if ((size_t)n < room) {
			sb->length += (size_t)n;
			return;
		}
		sb->data[sb->length] = '\0';
	}
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !al_strbuf_reserve(sb, (size_t)n))
		return;
	vsnprintf(sb->data + sb->length, (size_t)n + 1, fmt, ap);
	sb->length += (size_t)n;
}

void al_strbuf_printf(al_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	al_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *al_strbuf_cstr(const al_strbuf *sb)
{
	return sb->data != NULL ? sb->data : "";
}

char *al_strbuf_detach(al_strbuf *sb, size_t *length)
{
	if (sb->failed) {
		al_strbuf_free(sb);
		return NULL;
	}
	if (sb->data == NULL) {
		/* an empty buffer: still a string */
		if (!al_strbuf_reserve(sb, 0))
			return NULL;
		sb->data[0] = '\0';
	}
	char *p = sb->data;
	if (length != NULL)
		*length = sb->length;
	al_strbuf_init(sb);
	return p;
}

void al_strbuf_thousands(al_strbuf *sb, uint64_t n)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	size_t len = strlen(digits);
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			al_strbuf_putc(sb, ',');
		al_strbuf_putc(sb, digits[i]);
	}
}

void al_strbuf_per_day(al_strbuf *sb, double v)
{
	if (v > 0 && v < 0.5) {
		al_strbuf_puts(sb, "<1");
		return;
	}
	char digits[48];
	snprintf(digits, sizeof(digits), "%.0f", v);
	if (digits[0] == '-' || strlen(digits) > 20) {
		al_strbuf_puts(sb, digits); /* not a count of messages: as printf writes it */
		return;
	}
	al_strbuf_thousands(sb, strtoull(digits, NULL, 10));
}
