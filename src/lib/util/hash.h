/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hashing and a string-keyed open-addressing map. */
#ifndef AL_UTIL_HASH_H
#define AL_UTIL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** 64-bit hash of bytes (FNV-1a with a final mix). */
uint64_t al_hash_bytes(const void *data, size_t length);
/** Same, ASCII case-insensitive (for DNS names). */
uint64_t al_hash_nocase(const void *data, size_t length);

/**
 * A map from NUL-terminated keys to pointers. Keys are borrowed (the caller
 * keeps them alive, usually in an arena). Optional case-insensitive keys.
 */
typedef struct al_map {
	struct al_map_slot *slots;
	size_t capacity; /* power of two, or 0 */
	size_t count;    /* keys in the map */
	size_t tombstones; /* slots of removed keys, until the next rehash */
	bool nocase;
} al_map;

void al_map_init(al_map *map, bool nocase);
void al_map_free(al_map *map);
/** The value for @p key, or NULL. */
void *al_map_get(const al_map *map, const char *key);
/** Insert or replace; false when out of memory. */
bool al_map_put(al_map *map, const char *key, void *value);
/** Remove; returns the old value or NULL. */
void *al_map_remove(al_map *map, const char *key);
/** Iterate: start with *index = 0; false at the end. */
bool al_map_next(const al_map *map, size_t *index, const char **key, void **value);

#endif
