/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registry's own layout, shared by rules.c (storage and lookup) and
 * rules_load.c (reading YAML into it). Internal to those two files.
 */
#ifndef AL_RULES_REGISTRY_H
#define AL_RULES_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "rules_internal.h"
#include "util/arena.h"
#include "util/hash.h"

typedef struct rule_entry {
	al_rule rule; /* first: an al_rule pointer is a rule_entry pointer */
	al_decl *decl;
} rule_entry;

struct al_rules {
	al_arena arena;
	rule_entry **entries; /* sorted by id once loading is done */
	size_t count, capacity;
	bool sorted;
	al_map by_id;   /* nocase */
	al_map by_name; /* nocase */
	rule_entry **decls;
	size_t decl_count, decl_capacity;
	void **codes; /* compiled patterns to free */
	size_t code_count, code_capacity;
};

/* An empty registry; NULL when out of memory. */
al_rules *al_rules_alloc(void);
/* Sort the entries by id (once, after loading). */
void al_rules_sort(const al_rules *rules);
/* Append @p item (@p size bytes) to a growable array; false when out of memory. */
bool al_rules_push(void **array, size_t *count, size_t *capacity, size_t size, const void *item);

#endif
