/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rule registry: storage of the loaded rules and data files, and lookup
 * by id, name or index. Reading rules/<family>/<ID>.yaml is rules_load.c.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <authlint/rule.h>

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embedded.h"
#include "rule_codes.h"
#include "rules_registry.h"
#include "util/grow.h"

/* ---- helpers ----------------------------------------------------------- */

bool al_rules_push(void **array, size_t *count, size_t *capacity, size_t size, const void *item)
{
	if (!al_grow(array, capacity, *count + 1, size))
		return false;
	memcpy((char *)*array + *count * size, item, size);
	(*count)++;
	return true;
}


/* ---- registry ---------------------------------------------------------- */

al_rules *al_rules_alloc(void)
{
	al_rules *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	al_arena_init(&r->arena);
	al_map_init(&r->by_id, true);
	al_map_init(&r->by_name, true);
	return r;
}

void al_rules_free(al_rules *rules)
{
	if (rules == NULL)
		return;
	for (size_t i = 0; i < rules->code_count; i++)
		pcre2_code_free(rules->codes[i]);
	free(rules->codes);
	free(rules->entries);
	free(rules->decls);
	al_map_free(&rules->by_id);
	al_map_free(&rules->by_name);
	al_arena_clear(&rules->arena);
	free(rules);
}

static int cmp_entry(const void *a, const void *b)
{
	const rule_entry *x = *(const rule_entry *const *)a;
	const rule_entry *y = *(const rule_entry *const *)b;
	return strcmp(x->rule.id, y->rule.id);
}

void al_rules_sort(const al_rules *rules)
{
	al_rules *r = (al_rules *)rules;
	if (!r->sorted && r->count > 1)
		qsort(r->entries, r->count, sizeof(*r->entries), cmp_entry);
	r->sorted = true;
}

/* One file of the tree: a rule (family/ID.yaml) or a data file (name.yaml). */

size_t al_rules_count(const al_rules *rules)
{
	return rules ? rules->count : 0;
}

const al_rule *al_rules_at(const al_rules *rules, size_t index)
{
	if (rules == NULL || index >= rules->count)
		return NULL;
	al_rules_sort(rules);
	return &rules->entries[index]->rule;
}

const al_rule *al_rules_find(const al_rules *rules, const char *id_or_name)
{
	if (rules == NULL || id_or_name == NULL)
		return NULL;
	rule_entry *e = al_map_get(&rules->by_id, id_or_name);
	if (e == NULL)
		e = al_map_get(&rules->by_name, id_or_name);
	return e ? &e->rule : NULL;
}

const al_decl *al_rule_decl(const al_rule *rule)
{
	return rule ? ((const rule_entry *)rule)->decl : NULL;
}

size_t al_rules_decl_count(const al_rules *rules)
{
	return rules ? rules->decl_count : 0;
}

const al_rule *al_rules_decl_at(const al_rules *rules, size_t index)
{
	if (rules == NULL || index >= rules->decl_count)
		return NULL;
	return &rules->decls[index]->rule;
}

const char *al_data_file(const char *name, size_t *length, const char **label)
{
	const al_embedded_file *f = al_embedded_find(al_embedded_data, al_embedded_data_count, name);
	if (f == NULL)
		return NULL;
	if (length)
		*length = f->size;
	if (label)
		*label = f->label;
	return f->data;
}

al_severity al_rule_severity(const al_rule *rule, al_generation reading)
{
	if (rule == NULL)
		return AL_SEVERITY_OFF;
	return reading == AL_GENERATION_RFC7489 ? rule->severity_rfc7489 : rule->severity;
}

const char *const *al_rules_retired(void)
{
	return al_rule_retired_ids;
}
