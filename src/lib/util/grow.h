/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One growable array: room for @p need items of @p size bytes in *items. */
#ifndef AL_UTIL_GROW_H
#define AL_UTIL_GROW_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Make room for at least @p need items: the capacity doubles (16 at first)
 * and *items is reallocated. False, with *items and *capacity unchanged, when
 * memory ran out or the size would overflow.
 */
bool al_grow(void **items, size_t *capacity, size_t need, size_t size);

/*
 * The same in an arena, for arrays that live as long as it: returns the array
 * to use (the old one stays in the arena until it goes), or NULL when memory
 * ran out (then nothing changed).
 */
struct al_arena;
void *al_arena_grow(struct al_arena *arena, void *items, size_t count, size_t *capacity, size_t size);

/* Room for one more item after the @p count there are. */
#define AL_GROW_ONE(items, count, capacity)                                                  \
	al_grow((void **)&(items), &(capacity), (count) + 1, sizeof(*(items)))

#endif
