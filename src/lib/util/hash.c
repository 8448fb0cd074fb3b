/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/hash.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct al_map_slot {
	const char *key; /* NULL: empty; TOMBSTONE: removed */
	void *value;
	uint64_t hash;
};

static const char TOMBSTONE[1];

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t al_hash_bytes(const void *data, size_t length)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < length; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return mix(h);
}

uint64_t al_hash_nocase(const void *data, size_t length)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h ^= c;
		h *= 0x100000001b3ULL;
	}
	return mix(h);
}

void al_map_init(al_map *map, bool nocase)
{
	map->slots = NULL;
	map->capacity = 0;
	map->count = 0;
	map->tombstones = 0;
	map->nocase = nocase;
}

void al_map_free(al_map *map)
{
	free(map->slots);
	al_map_init(map, map->nocase);
}

static uint64_t key_hash(const al_map *map, const char *key)
{
	size_t n = strlen(key);
	return map->nocase ? al_hash_nocase(key, n) : al_hash_bytes(key, n);
}

static bool key_equal(const al_map *map, const char *a, const char *b)
{
	return map->nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static struct al_map_slot *find(const al_map *map, const char *key, uint64_t h)
{
	if (map->capacity == 0)
		return NULL;
	size_t mask = map->capacity - 1;
	for (size_t i = h & mask, n = 0; n < map->capacity; i = (i + 1) & mask, n++) {
		struct al_map_slot *s = &map->slots[i];
		if (s->key == NULL)
			return NULL;
		if (s->key != TOMBSTONE && s->hash == h && key_equal(map, s->key, key))
			return s;
	}
	return NULL;
}

/* Rehash into @p cap slots (a power of two), leaving the tombstones behind. */
static bool rehash(al_map *map, size_t cap)
{
	struct al_map_slot *slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return false;
	for (size_t i = 0; i < map->capacity; i++) {
		struct al_map_slot *s = &map->slots[i];
		if (s->key == NULL || s->key == TOMBSTONE)
			continue;
		size_t j = s->hash & (cap - 1);
		while (slots[j].key != NULL)
			j = (j + 1) & (cap - 1);
		slots[j] = *s;
	}
	free(map->slots);
	map->slots = slots;
	map->capacity = cap;
	map->tombstones = 0;
	return true;
}

void *al_map_get(const al_map *map, const char *key)
{
	struct al_map_slot *s = find(map, key, key_hash(map, key));
	return s ? s->value : NULL;
}

bool al_map_put(al_map *map, const char *key, void *value)
{
	uint64_t h = key_hash(map, key);
	struct al_map_slot *s = find(map, key, h);
	if (s != NULL) {
		s->value = value;
		return true;
	}
	/* tombstones count as used so probing always ends; a map that is mostly
	 * tombstones (many removals) is cleaned at the same size instead of grown */
	if ((map->count + map->tombstones + 1) * 4 > map->capacity * 3) {
		size_t cap = map->capacity == 0 ? 16
			     : (map->count + 1) * 2 <= map->capacity ? map->capacity : map->capacity * 2;
		if (!rehash(map, cap))
			return false;
	}
	size_t mask = map->capacity - 1;
	size_t i = h & mask;
	while (map->slots[i].key != NULL && map->slots[i].key != TOMBSTONE)
		i = (i + 1) & mask;
	if (map->slots[i].key == TOMBSTONE)
		map->tombstones--;
	map->count++;
	map->slots[i].key = key;
	map->slots[i].value = value;
	map->slots[i].hash = h;
	return true;
}

void *al_map_remove(al_map *map, const char *key)
{
	struct al_map_slot *s = find(map, key, key_hash(map, key));
	if (s == NULL)
		return NULL;
	void *v = s->value;
	s->key = TOMBSTONE;
	s->value = NULL;
	map->count--;
	map->tombstones++;
	return v;
}

bool al_map_next(const al_map *map, size_t *index, const char **key, void **value)
{
	while (*index < map->capacity) {
		struct al_map_slot *s = &map->slots[(*index)++];
		if (s->key != NULL && s->key != TOMBSTONE) {
			*key = s->key;
			*value = s->value;
			return true;
		}
	}
	return false;
}
