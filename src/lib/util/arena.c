/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct al_arena_chunk {
	al_arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

#define ARENA_ALIGN 16
#define ARENA_FIRST 4096
#define ARENA_MAX_CHUNK (1u << 20)

void al_arena_init(al_arena *arena)
{
	arena->head = NULL;
	arena->chunk_size = ARENA_FIRST;
	arena->total = 0;
}

void al_arena_clear(al_arena *arena)
{
	al_arena_chunk *c = arena->head;
	while (c != NULL) {
		al_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	al_arena_init(arena);
}

static void *alloc_aligned(al_arena *arena, size_t size, size_t align)
{
	if (size > SIZE_MAX / 2)
		return NULL;
	size_t need = (size + align - 1) & ~(align - 1);
	if (need == 0)
		need = align;
	/* keep the chunk's fill aligned for the next caller */
	al_arena_chunk *head = arena->head;
	if (head != NULL && align == ARENA_ALIGN && (head->used & (ARENA_ALIGN - 1)) != 0)
		head->used = (head->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (head != NULL && head->used > head->size)
		head->used = head->size;
	al_arena_chunk *c = arena->head;
	if (c == NULL || c->size - c->used < need) {
		size_t csize = arena->chunk_size;
		if (need > csize / 4) {
			/* a large block gets a chunk of its own, kept behind the head */
			al_arena_chunk *big = malloc(sizeof(*big) + need);
			if (big == NULL)
				return NULL;
			big->size = need;
			big->used = need;
			arena->total += need;
			if (c != NULL) {
				big->next = c->next;
				c->next = big;
			} else {
				big->next = NULL;
				arena->head = big;
			}
			return big->data;
		}
		c = malloc(sizeof(*c) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = arena->head;
		arena->head = c;
		arena->total += csize;
		if (arena->chunk_size < ARENA_MAX_CHUNK)
			arena->chunk_size *= 2;
	}
	void *p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

void *al_arena_alloc(al_arena *arena, size_t size)
{
	return alloc_aligned(arena, size, ARENA_ALIGN);
}

void *al_arena_alloc8(al_arena *arena, size_t size)
{
	return alloc_aligned(arena, size, 8);
}

void *al_arena_calloc(al_arena *arena, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	void *p = al_arena_alloc(arena, count * size);
	if (p != NULL)
		memset(p, 0, count * size);
	return p;
}

char *al_arena_strndup(al_arena *arena, const char *text, size_t length)
{
	char *p = al_arena_alloc(arena, length + 1);
	if (p == NULL)
		return NULL;
	if (length > 0)
		memcpy(p, text, length);
	p[length] = '\0';
	return p;
}

char *al_arena_strdup(al_arena *arena, const char *text)
{
	if (text == NULL)
		return NULL;
	return al_arena_strndup(arena, text, strlen(text));
}

void *al_arena_memdup(al_arena *arena, const void *data, size_t length)
{
	void *p = al_arena_alloc(arena, length);
	if (p != NULL && length > 0)
		memcpy(p, data, length);
	return p;
}

char *al_arena_concat(al_arena *arena, const char *a, const char *b, const char *c)
{
	size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
	char *p = al_arena_alloc(arena, la + lb + lc + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, a ? a : "", la);
	memcpy(p + la, b ? b : "", lb);
	memcpy(p + la + lb, c ? c : "", lc);
	p[la + lb + lc] = '\0';
	return p;
}

/*
 * Most of what is formatted is names and short messages put together from
 * strings and counts ("_dmarc.%s", "%s:%lu"): such a format, with nothing but
 * %s, %zu, %lu, %u and %% in it (at most eight of them), is put together here by
 * copying, without vsnprintf. The text is the same as vsnprintf's (a NULL
 * string too: glibc's "(null)"). False when the format is not of that kind.
 */
#define CONCAT_PIECES 8

typedef struct piece {
	const char *data;
	size_t length;
} piece;

static size_t put_unsigned(char *end, unsigned long long v)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return (size_t)(end - p);
}

static bool concat_format(al_arena *arena, const char *fmt, va_list ap, char **out)
{
	piece pieces[2 * CONCAT_PIECES + 1];
	char digits[CONCAT_PIECES][24];
	size_t n = 0, numbers = 0, total = 0;
	const char *lit = fmt;
	const char *p = fmt;
	/* check the whole format before taking any argument */
	for (size_t args = 0; (p = strchr(p, '%')) != NULL; p++) {
		if (p[1] == 's' || p[1] == 'u' || p[1] == '%')
			p++;
		else if ((p[1] == 'z' || p[1] == 'l') && p[2] == 'u')
			p += 2;
		else
			return false;
		if (++args > CONCAT_PIECES)
			return false;
	}
	for (p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		if (p > lit)
			pieces[n++] = (piece){lit, (size_t)(p - lit)};
		p++;
		if (*p == '%') {
			lit = p; /* the second '%' starts the next literal */
			continue;
		}
		if (*p == 's') {
			const char *s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			pieces[n++] = (piece){s, strlen(s)};
		} else {
			unsigned long long v;
			if (*p == 'u') {
				v = va_arg(ap, unsigned);
			} else if (*p == 'z') {
				v = va_arg(ap, size_t);
				p++;
			} else {
				v = va_arg(ap, unsigned long);
				p++;
			}
			char *end = digits[numbers] + sizeof(digits[numbers]);
			size_t k = put_unsigned(end, v);
			pieces[n++] = (piece){end - k, k};
			numbers++;
		}
		lit = p + 1;
	}
	if (*lit != '\0')
		pieces[n++] = (piece){lit, strlen(lit)};
	for (size_t i = 0; i < n; i++)
		total += pieces[i].length;
	char *r = al_arena_alloc(arena, total + 1);
	*out = r;
	if (r == NULL)
		return true;
	for (size_t i = 0; i < n; i++) {
		memcpy(r, pieces[i].data, pieces[i].length);
		r += pieces[i].length;
	}
	*r = '\0';
	return true;
}

char *al_arena_vprintf(al_arena *arena, const char *fmt, va_list ap)
{
	if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == '\0') {
		/* a finding's argument, most of the time */
		const char *text = va_arg(ap, const char *);
		return al_arena_strdup(arena, text != NULL ? text : "(null)");
	}
	char *out = NULL;
	va_list cq;
	va_copy(cq, ap);
	bool done = concat_format(arena, fmt, cq, &out);
	va_end(cq);
	if (done)
		return out;
	/* format once, into the head chunk's free space, when it fits there
	 * (nearly always: most of what is formatted is short) */
	al_arena_chunk *c = arena->head;
	if (c != NULL) {
		size_t used = (c->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		if (used < c->size && c->size - used > 1) {
			char *p = (char *)c->data + used;
			size_t room = c->size - used;
			va_list aq;
			va_copy(aq, ap);
			int n = vsnprintf(p, room, fmt, aq);
			va_end(aq);
			if (n < 0)
				return NULL;
			if ((size_t)n < room) {
				c->used = used + (((size_t)n + 1 + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1));
				if (c->used > c->size)
					c->used = c->size;
				return p;
			}
		}
	}
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	char *p = al_arena_alloc(arena, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *al_arena_printf(al_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = al_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}
