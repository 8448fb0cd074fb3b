/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

void *al_arena_grow(al_arena *arena, void *items, size_t count, size_t *capacity, size_t size)
{
	if (count < *capacity)
		return items;
	size_t cap = *capacity ? *capacity * 2 : 8;
	if (cap < *capacity || (size != 0 && cap > SIZE_MAX / size))
		return NULL;
	void *p = al_arena_alloc(arena, cap * size);
	if (p == NULL)
		return NULL;
	if (count > 0)
		memcpy(p, items, count * size);
	*capacity = cap;
	return p;
}

bool al_grow(void **items, size_t *capacity, size_t need, size_t size)
{
	if (need <= *capacity)
		return true;
	size_t cap = *capacity ? *capacity : 16;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	if (size != 0 && cap > SIZE_MAX / size)
		return false;
	void *p = realloc(*items, cap * size);
	if (p == NULL)
		return false;
	*items = p;
	*capacity = cap;
	return true;
}
