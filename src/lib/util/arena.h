/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bump allocator: many small allocations freed at once. */
#ifndef AL_UTIL_ARENA_H
#define AL_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct al_arena_chunk al_arena_chunk;

typedef struct al_arena {
	al_arena_chunk *head;
	size_t chunk_size; /* size of the next ordinary chunk */
	size_t total;      /* bytes obtained from malloc */
} al_arena;

/** An empty arena; nothing is allocated until the first use. */
void al_arena_init(al_arena *arena);
/** Free every chunk; the arena can be used again. */
void al_arena_clear(al_arena *arena);
/** Aligned (16) memory; NULL only when out of memory. */
void *al_arena_alloc(al_arena *arena, size_t size);
/** Memory aligned to 8 only, for many small records (zone stores). */
void *al_arena_alloc8(al_arena *arena, size_t size);
/** Zeroed memory. */
void *al_arena_calloc(al_arena *arena, size_t count, size_t size);
/** Copy of @p length bytes, NUL-terminated. */
char *al_arena_strndup(al_arena *arena, const char *text, size_t length);
char *al_arena_strdup(al_arena *arena, const char *text);
void *al_arena_memdup(al_arena *arena, const void *data, size_t length);
/**
 * @p a, @p b and @p c (NULL: nothing) one after another, NUL-terminated: the
 * names the checks ask ("_dmarc." + domain) without a format to read.
 */
char *al_arena_concat(al_arena *arena, const char *a, const char *b, const char *c);
char *al_arena_printf(al_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *al_arena_vprintf(al_arena *arena, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
