/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A list of findings that owns its strings: the one deep copy of a finding. */
#include "findings_internal.h"

#include <stdlib.h>
#include <string.h>

#include <authlint/rule.h>

#include "util/grow.h"

void al_findings_init(al_findings *list, al_arena *arena)
{
	memset(list, 0, sizeof(*list));
	al_arena_init(&list->own);
	list->arena = arena != NULL ? arena : &list->own;
}

void al_findings_fini(al_findings *list)
{
	if (list == NULL)
		return;
	if (list->arena == &list->own)
		free(list->items);
	al_arena_clear(&list->own);
	memset(list, 0, sizeof(*list));
}

void al_findings_reset(al_findings *list)
{
	list->count = 0;
	memset(&list->summary, 0, sizeof(list->summary));
	if (list->arena == &list->own)
		al_arena_clear(&list->own);
}

al_findings *al_findings_new(void)
{
	al_findings *list = malloc(sizeof(*list));
	if (list != NULL)
		al_findings_init(list, NULL);
	return list;
}

void al_findings_free(al_findings *list)
{
	al_findings_fini(list);
	free(list);
}

static bool copy_str(al_arena *a, const char **s)
{
	if (*s == NULL)
		return true;
	*s = al_arena_strdup(a, *s);
	return *s != NULL;
}

/* A string the previous finding holds the same text of (the findings of one
 * name share their owner, domain and file) is shared with it, not copied again. */
static bool copy_or_share(al_arena *a, const char **s, const char *previous)
{
	if (*s != NULL && previous != NULL && strcmp(*s, previous) == 0) {
		*s = previous;
		return true;
	}
	return copy_str(a, s);
}

/* In the owner's arena the array grows there (the old one stays until the arena goes). */
static bool grow(al_findings *list)
{
	if (list->arena == &list->own)
		return AL_GROW_ONE(list->items, list->count, list->capacity);
	al_diag *p = al_arena_grow(list->arena, list->items, list->count, &list->capacity, sizeof(*p));
	if (p == NULL)
		return false;
	list->items = p;
	return true;
}

al_status al_findings_add(al_findings *list, const al_diag *diag)
{
	if (!grow(list))
		return AL_ENOMEM;
	al_diag c = *diag;
	al_arena *a = list->arena;
	const al_diag *prev = list->count > 0 ? &list->items[list->count - 1] : NULL;
	bool ok = copy_or_share(a, &c.owner, prev ? prev->owner : NULL) &&
		  copy_or_share(a, &c.domain, prev ? prev->domain : NULL) &&
		  copy_or_share(a, &c.location.file, prev ? prev->location.file : NULL) &&
		  copy_str(a, &c.location.server) && copy_str(a, &c.message) &&
		  /* the rule's own fix lives as long as the rule the finding points to */
		  ((diag->rule != NULL && c.fix == diag->rule->fix) || copy_str(a, &c.fix)) && copy_str(a, &c.context) &&
		  copy_str(a, &c.waiver_reason) && copy_str(a, &c.waiver_source);
	/* the record may hold NUL bytes: copy its length, and a terminator for writers that print it;
	 * the findings of one record share one copy (a record runs to 60000 bytes, and the
	 * planner keeps the findings of each step) */
	if (ok && diag->record != NULL && prev != NULL && prev->record != NULL &&
	    prev->record_length == diag->record_length &&
	    (prev->record == diag->record || memcmp(prev->record, diag->record, diag->record_length) == 0)) {
		c.record = prev->record;
	} else if (ok && diag->record != NULL) {
		char *r = al_arena_alloc(a, diag->record_length + 1);
		if (r == NULL)
			ok = false;
		else {
			memcpy(r, diag->record, diag->record_length);
			r[diag->record_length] = '\0';
			c.record = r;
		}
	}
	if (!ok)
		return AL_ENOMEM;
	list->items[list->count++] = c;
	if (c.waived)
		list->summary.waived++;
	else if ((unsigned)c.severity < sizeof(list->summary.by_severity) / sizeof(list->summary.by_severity[0]))
		list->summary.by_severity[c.severity]++;
	return AL_OK;
}

void al_findings_collect(void *list, const al_diag *diag)
{
	/* out of memory: the caller sees fewer findings than raised; al_findings_add
	 * returns the status to callers that can act on it */
	(void)al_findings_add(list, diag);
}

void al_findings_add_counts(al_findings *list, const al_summary *run)
{
	al_summary *s = &list->summary;
	s->names += run->names;
	s->records += run->records;
	s->lookups += run->lookups;
	s->lookups_failed += run->lookups_failed;
	s->not_queried += run->not_queried;
	s->input_error = s->input_error || run->input_error;
	s->incomplete = s->incomplete || run->incomplete;
}

static int cmp_str0(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (a == NULL)
		return -1;
	if (b == NULL)
		return 1;
	return strcmp(a, b);
}

int al_diag_compare(const void *pa, const void *pb)
{
	const al_diag *a = pa, *b = pb;
	int c;
	if ((c = cmp_str0(a->location.file, b->location.file)) != 0)
		return c;
	if (a->location.line != b->location.line)
		return a->location.line < b->location.line ? -1 : 1;
	if (a->location.column != b->location.column)
		return a->location.column < b->location.column ? -1 : 1;
	if ((c = cmp_str0(a->owner, b->owner)) != 0)
		return c;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if (a->span_start != b->span_start)
		return a->span_start < b->span_start ? -1 : 1;
	if ((c = cmp_str0(a->message, b->message)) != 0)
		return c;
	/* two records at one name (no line to tell them apart in check mode) each
	 * keep their own finding: the record is part of the place */
	if (a->record == NULL || b->record == NULL)
		return a->record == b->record ? 0 : a->record == NULL ? -1 : 1;
	size_t n = a->record_length < b->record_length ? a->record_length : b->record_length;
	if ((c = memcmp(a->record, b->record, n)) != 0)
		return c;
	return a->record_length == b->record_length ? 0 : a->record_length < b->record_length ? -1 : 1;
}

void al_findings_sort(al_findings *list)
{
	if (list->count > 1)
		qsort(list->items, list->count, sizeof(*list->items), al_diag_compare);
}

size_t al_findings_count(const al_findings *list)
{
	return list != NULL ? list->count : 0;
}

const al_diag *al_findings_at(const al_findings *list, size_t index)
{
	return list != NULL && index < list->count ? &list->items[index] : NULL;
}

const al_summary *al_findings_summary(const al_findings *list)
{
	static const al_summary none;
	return list != NULL ? &list->summary : &none;
}
