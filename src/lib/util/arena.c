/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/arena.h"

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

char *al_arena_vprintf(al_arena *arena, const char *fmt, va_list ap)
{
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
