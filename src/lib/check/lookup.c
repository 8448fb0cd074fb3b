/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lookup gate: every DNS lookup of a check goes through al_lint_lookup,
 * which asks each (name, type) once per unit (check mode; zone mode has a memo
 * across units), counts it, keeps its answer until the end of the unit, and reports a
 * failed lookup (LOOKUP001) or one not made (LOOKUP002) once per unit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/lint_context.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/grow.h"

/* ---- lookups ------------------------------------------------------------- */

static const al_answer offline_answer = {
	.rcode = AL_RCODE_NOT_QUERIED,
	.server = "none",
	.detail = "no DNS source (offline, or no resolver)",
};

bool al_lint_has_source(const al_lint *lint)
{
	return lint->options.source != NULL;
}

bool al_lint_pending(const al_lint *lint)
{
	return lint->pending;
}

static void report_lookup(al_lint *l, const char *name, uint16_t type, const al_answer *a)
{
	char key[AL_NAME_MAX + 16];
	char tbuf[16];
	snprintf(key, sizeof(key), "%s/%u", name, (unsigned)type);
	if (al_map_get(&l->reported, key) != NULL)
		return;
	char *k = al_arena_strdup(&l->unit_arena, key);
	if (k == NULL || !al_map_put(&l->reported, k, k))
		return;
	al_rule_code rule = a->rcode == AL_RCODE_NOT_QUERIED ? AL_RULE_LOOKUP002 : AL_RULE_LOOKUP001;
	al_finding *f = al_finding_begin(l, rule, NULL);
	if (f == NULL)
		return;
	al_finding_owner(f, al_arena_strdup(&l->unit_arena, name));
	al_location loc = {0};
	/* a lookup not made was answered by nobody */
	loc.server = a->rcode == AL_RCODE_NOT_QUERIED ? NULL : a->server;
	al_finding_location(f, &loc);
	al_finding_arg(f, "name", "%s", name);
	al_finding_arg(f, "type", "%s", al_rrtype_name(type, tbuf));
	al_finding_arg(f, "rcode", "%s", al_rcode_name(a->rcode));
	al_finding_arg(f, "reason", "%s", a->detail ? a->detail : al_rcode_name(a->rcode));
	al_finding_arg(f, "server", "%s", a->server ? a->server : "-");
	al_finding_end(l, f);
}

/* An answer that stays the same for the rest of the run: the zone store's
 * (read-only while a zone is linted), or "not asked" offline; never one
 * from a live source, nor one still pending. */
static bool memo_keeps(const al_lint *lint, const al_answer *a)
{
	if (lint->zone == NULL || a->rcode == AL_RCODE_PENDING)
		return false;
	return a->rcode == AL_RCODE_NOT_QUERIED || (a->server != NULL && strcmp(a->server, "zone") == 0);
}

static lookup_memo_slot *memo_slot(al_lint *lint, const char *name, size_t length, uint16_t type,
				   uint64_t *hash)
{
	if (lint->zone == NULL || name == NULL || length >= AL_LOOKUP_MEMO_NAME)
		return NULL;
	if (lint->memo == NULL) {
		lint->memo = calloc(AL_LOOKUP_MEMO_FIRST, sizeof(*lint->memo));
		if (lint->memo == NULL)
			return NULL;
		lint->memo_slots = AL_LOOKUP_MEMO_FIRST;
	}
	*hash = al_hash_bytes(name, length) ^ ((uint64_t)type * 0x9e3779b97f4a7c15ULL);
	return &lint->memo[*hash & (lint->memo_slots - 1)];
}

/*
 * Twice the slots, every answer moved to its slot there: two answers in
 * different slots stay apart (a slot's index only gains a bit of the hash),
 * so none is lost. The memo then holds what a table of AL_LOOKUP_MEMO_SLOTS
 * from the start would: an answer is pushed out only by another with the
 * same slot at the full size. False without memory (the table stays as it was).
 */
static bool memo_grow(al_lint *lint)
{
	size_t slots = lint->memo_slots * 2;
	lookup_memo_slot *grown = calloc(slots, sizeof(*grown));
	if (grown == NULL)
		return false;
	for (size_t i = 0; i < lint->memo_slots; i++)
		if (lint->memo[i].answer != NULL)
			grown[lint->memo[i].hash & (slots - 1)] = lint->memo[i];
	free(lint->memo);
	lint->memo = grown;
	lint->memo_slots = slots;
	return true;
}

void al_lint_memo_clear(al_lint *lint)
{
	if (lint->memo == NULL)
		return;
	for (size_t i = 0; i < lint->memo_slots; i++)
		if (lint->memo[i].answer != NULL)
			al_source_release(lint->options.source, lint->memo[i].answer);
	free(lint->memo);
	lint->memo = NULL;
	lint->memo_slots = 0;
}

/* Keep the answer just added to the unit's release list in its memo slot;
 * the one it replaces takes its place in the list. */
static void memo_keep(al_lint *lint, lookup_memo_slot *slot, uint64_t hash, const char *name, size_t length,
		      uint16_t type, const al_answer *a)
{
	/* the slot holds another name's answer: a larger table, while there is room for one */
	while (slot->answer != NULL && lint->memo_slots < AL_LOOKUP_MEMO_SLOTS && memo_grow(lint))
		slot = &lint->memo[hash & (lint->memo_slots - 1)];
	const al_answer *old = slot->answer;
	if (old != NULL)
		lint->answers[lint->answer_count - 1] = old;
	else
		lint->answer_count--;
	slot->answer = a;
	slot->hash = hash;
	slot->type = type;
	memcpy(slot->name, name, length + 1);
}

/* Check mode: the answer this unit already holds for (name, type), when a
 * check asks again what another asked; NULL if none (zone mode has its memo). */
static const al_answer *unit_answer(const al_lint *lint, const char *name, uint16_t type)
{
	if (lint->zone != NULL || name == NULL)
		return NULL;
	for (size_t i = lint->asked_count; i-- > 0;) {
		const al_answer *a = lint->asked[i];
		if (a->qtype == type && a->qname != NULL && al_name_equal(a->qname, name))
			return a;
	}
	return NULL;
}

static const al_answer *lookup(al_lint *lint, const char *name, uint16_t type);

const al_answer *al_lint_lookup(al_lint *lint, const char *name, uint16_t type)
{
	/* asked before in this unit: not asked again, nor counted or reported again */
	const al_answer *a = unit_answer(lint, name, type);
	if (a != NULL)
		return a;
	a = lookup(lint, name, type);
	if (lint->zone == NULL && a->qname != NULL && AL_GROW_ONE(lint->asked, lint->asked_count, lint->asked_capacity))
		lint->asked[lint->asked_count++] = a;
	return a;
}

const al_answer *al_lint_lookup_shared(al_lint *lint, const char *name, uint16_t type)
{
	if (lint->zone == NULL)
		return al_lint_lookup(lint, name, type);
	return lookup(lint, name, type);
}

void al_lint_lookup_mark(const al_lint *lint, al_lookup_mark *mark)
{
	mark->lookups = lint->summary.lookups;
	mark->failed = lint->summary.lookups_failed;
	mark->not_queried = lint->summary.not_queried;
}

bool al_lint_lookup_clean_since(const al_lint *lint, const al_lookup_mark *mark, size_t *count)
{
	*count = lint->summary.lookups - mark->lookups;
	return !lint->pending && !lint->discard && lint->summary.lookups_failed == mark->failed &&
	       lint->summary.not_queried == mark->not_queried;
}

void al_lint_lookup_replay(al_lint *lint, size_t count)
{
	if (lint->zone == NULL)
		return; /* check mode: a unit's repeated question is not counted again */
	lint->summary.lookups += count;
	lint->unit_lookups += count;
}

/* Through the zone memo or the source; the answer kept until the unit ends. */
static const al_answer *fetch(al_lint *lint, const char *name, uint16_t type)
{
	const al_answer *a = NULL;
	uint64_t hash = 0;
	size_t length = name != NULL ? strlen(name) : 0;
	lookup_memo_slot *slot = NULL;
	if (lint->options.source == NULL) {
		a = &offline_answer;
	} else if ((slot = memo_slot(lint, name, length, type, &hash)) != NULL && slot->answer != NULL &&
		   slot->hash == hash && slot->type == type && memcmp(slot->name, name, length + 1) == 0) {
		a = slot->answer;
	} else {
		al_status st = al_source_lookup(lint->options.source, name, type, &a);
		if (st != AL_OK || a == NULL) {
			static const al_answer invalid = {
				.rcode = AL_RCODE_ERROR,
				.server = "none",
				.detail = "the name is not a valid domain name",
			};
			static const al_answer nomem = {
				.rcode = AL_RCODE_ERROR,
				.server = "none",
				.detail = "out of memory",
			};
			a = st == AL_EINVAL ? &invalid : &nomem;
		} else {
			if (lint->answer_count == lint->answer_capacity &&
			    !AL_GROW_ONE(lint->answers, lint->answer_count, lint->answer_capacity)) {
				al_source_release(lint->options.source, a);
				return &offline_answer;
			}
			lint->answers[lint->answer_count++] = a;
			if (slot != NULL && memo_keeps(lint, a))
				memo_keep(lint, slot, hash, name, length, type, a);
		}
	}
	return a;
}

const al_answer *al_lint_lookup_probe(al_lint *lint, const char *name, uint16_t type)
{
	if (lint->zone == NULL)
		return al_lint_lookup(lint, name, type);
	return fetch(lint, name, type);
}

void al_lint_lookup_count(al_lint *lint, size_t count)
{
	if (lint->zone == NULL)
		return; /* check mode: each probe was counted (once per unit) */
	lint->summary.lookups += count;
	lint->unit_lookups += count;
}

/* Through the zone memo or the source, counted; failures reported once per unit. */
static const al_answer *lookup(al_lint *lint, const char *name, uint16_t type)
{
	lint->summary.lookups++;
	lint->unit_lookups++;
	const al_answer *a = fetch(lint, name, type);
	if (a->rcode == AL_RCODE_PENDING) {
		/* the pass will be thrown away: build no more findings in it */
		lint->pending = true;
		lint->discard = true;
		return a;
	}
	if (a->rcode == AL_RCODE_NOT_QUERIED) {
		lint->summary.not_queried++;
		report_lookup(lint, name, type, a);
	} else if (al_rcode_failed(a->rcode)) {
		lint->summary.lookups_failed++;
		lint->summary.incomplete = true;
		report_lookup(lint, name, type, a);
	}
	return a;
}
