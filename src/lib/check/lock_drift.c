/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lock --check: lint the zones with the lock's answers and with fresh ones,
 * compare what each include costs, what each SPF name needs, the findings and
 * the answers themselves.
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/lock.h>
#include <authlint/spf_eval.h>

#include "util/arena.h"
#include "util/grow.h"

typedef struct drift_impl {
	al_lock_drift pub;
	al_arena arena;
	al_lock_drift_spf *spf;
	size_t spf_capacity;
	al_lock_question *changed, *added, *failed;
	size_t changed_capacity, added_capacity, failed_capacity;
	bool nomem;
} drift_impl;

/* ---- findings as sorted lines ----------------------------------------------------- */

typedef struct lines {
	char **items;
	size_t count, capacity;
	al_arena *arena;
	bool nomem;
} lines;

static void on_finding(void *userdata, const al_diag *d)
{
	lines *l = userdata;
	if (d->waived)
		return;
	/* a lookup the lock does not hold names the lock in its reason: LOOKUP findings
	 * compare on rule and owner */
	bool lookup = strncmp(d->rule->id, "LOOKUP", 6) == 0;
	char *line = al_arena_printf(l->arena, "%s %s: %s", d->rule->id, d->owner ? d->owner : "-",
				     lookup || d->message == NULL ? "" : d->message);
	if (line == NULL || !AL_GROW_ONE(l->items, l->count, l->capacity)) {
		l->nomem = true;
		return;
	}
	l->items[l->count++] = line;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static al_status lint_lines(const al_lint_options *base, al_source *source, al_zone *zone, lines *out)
{
	al_lint_options lo = *base;
	lo.source = source;
	lo.threads = 1;
	lo.on_diag = on_finding;
	lo.on_unit_end = NULL;
	lo.userdata = out;
	al_lint *lint = NULL;
	al_status st = al_lint_new(&lint, &lo);
	if (st == AL_OK)
		st = al_lint_zone(lint, zone);
	al_lint_free(lint);
	if (st == AL_OK && out->nomem)
		st = AL_ENOMEM;
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(char *), line_cmp);
	return st;
}

/* Lines of @p a not in @p b (both sorted), into the drift. */
static const char *const *missing(drift_impl *d, const lines *a, const lines *b, size_t *count)
{
	*count = 0;
	const char **out = al_arena_calloc(&d->arena, a->count ? a->count : 1, sizeof(char *));
	if (out == NULL) {
		d->nomem = true;
		return NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < a->count; i++) {
		while (k < b->count && strcmp(b->items[k], a->items[i]) < 0)
			k++;
		if (k < b->count && strcmp(b->items[k], a->items[i]) == 0) {
			k++;
			continue;
		}
		out[(*count)++] = a->items[i];
	}
	return out;
}

/* ---- SPF names --------------------------------------------------------------------- */

typedef struct names {
	char **items;
	size_t count, capacity;
	al_arena *arena;
	bool nomem;
} names;

static bool collect_txt_name(void *userdata, const char *name, uint64_t types)
{
	names *n = userdata;
	if (!(types & ((uint64_t)1 << AL_TYPE_TXT)))
		return true;
	char *copy = al_arena_strdup(n->arena, name);
	if (copy == NULL || !AL_GROW_ONE(n->items, n->count, n->capacity)) {
		n->nomem = true;
		return false;
	}
	n->items[n->count++] = copy;
	return true;
}

/* The includes the zone's own records make to names outside it: the first node
 * below a zone name on each path, with what it costs (the term counted). */
typedef struct provider_cost {
	const char *domain;
	const char *sender;
	bool redirect;
	bool followed;
	size_t cost;
} provider_cost;

#define MAX_PROVIDERS 64
#define MAX_PATH 64

static size_t provider_costs(const al_spf_tree *tree, al_source *zone, provider_cost *out)
{
	size_t n = 0;
	const char *path[MAX_PATH] = {0};
	for (size_t i = 0; i < tree->row_count && n < MAX_PROVIDERS; i++) {
		const al_spf_tree_row *row = &tree->rows[i];
		if (row->term != NULL || row->node == NULL || row->depth >= MAX_PATH)
			continue;
		path[row->depth] = row->node->domain;
		if (row->depth == 0 || path[row->depth - 1] == NULL)
			continue;
		if (al_source_covers(zone, row->node->domain) || !al_source_covers(zone, path[row->depth - 1]))
			continue;
		provider_cost *p = &out[n++];
		p->domain = row->node->domain;
		p->sender = row->node->sender;
		p->redirect = row->via != NULL && row->via->term != NULL && row->via->term->type == AL_SPF_TERM_REDIRECT;
		p->followed = row->node->status != AL_SPF_NODE_NOT_FOLLOWED &&
			      row->node->status != AL_SPF_NODE_LOOKUP_FAILED;
		p->cost = row->node->cost + 1;
	}
	return n;
}

static al_lock_drift_spf *add_spf(drift_impl *d, const char *name, const al_spf_tree *was, const al_spf_tree *now)
{
	if (!AL_GROW_ONE(d->spf, d->pub.spf_count, d->spf_capacity)) {
		d->nomem = true;
		return NULL;
	}
	al_lock_drift_spf *s = &d->spf[d->pub.spf_count++];
	memset(s, 0, sizeof(*s));
	s->name = al_arena_strdup(&d->arena, name);
	s->needs_locked = was->lookups;
	s->needs_now = now->lookups;
	s->voids_locked = was->void_lookups;
	s->voids_now = now->void_lookups;
	if (s->name == NULL)
		d->nomem = true;
	return s;
}

static void compare_spf(drift_impl *d, const al_spf_tree_options *to, const char *name, al_source *zone,
			al_source *locked, al_source *fresh)
{
	al_spf_tree *a = NULL, *b = NULL;
	if (al_spf_tree_build(locked, name, to, &a, NULL) != AL_OK ||
	    al_spf_tree_build(fresh, name, to, &b, NULL) != AL_OK || a->root == NULL || b->root == NULL ||
	    (a->root->status == AL_SPF_NODE_NO_RECORD && b->root->status == AL_SPF_NODE_NO_RECORD)) {
		al_spf_tree_free(a);
		al_spf_tree_free(b);
		return;
	}
	provider_cost pa[MAX_PROVIDERS], pb[MAX_PROVIDERS];
	size_t na = provider_costs(a, zone, pa);
	size_t nb = provider_costs(b, zone, pb);
	bool changed = false;
	for (size_t i = 0; i < nb; i++) {
		const provider_cost *was = NULL;
		for (size_t k = 0; k < na && was == NULL; k++)
			if (strcmp(pa[k].domain, pb[i].domain) == 0)
				was = &pa[k];
		bool held = was != NULL && was->followed;
		if (held && was->cost == pb[i].cost)
			continue;
		al_lock_drift_spf *s = add_spf(d, name, a, b);
		if (s == NULL)
			break;
		s->target = al_arena_strdup(&d->arena, pb[i].domain);
		s->service = pb[i].sender ? al_arena_strdup(&d->arena, pb[i].sender) : NULL;
		s->redirect = pb[i].redirect;
		s->held = held;
		s->cost_locked = held ? was->cost : 0;
		s->cost_now = pb[i].cost;
		changed = true;
	}
	if (!changed && (a->lookups != b->lookups || a->void_lookups != b->void_lookups)) {
		al_lock_drift_spf *s = add_spf(d, name, a, b);
		if (s != NULL)
			s->held = true;
		changed = true;
	}
	d->pub.spf_names_changed += changed;
	al_spf_tree_free(a);
	al_spf_tree_free(b);
}

/* ---- answers ----------------------------------------------------------------------- */

static void add_question(drift_impl *d, al_lock_question **list, size_t *count, size_t *capacity,
			 const al_lock_question *q)
{
	if (!AL_GROW_ONE(*list, *count, *capacity)) {
		d->nomem = true;
		return;
	}
	al_lock_question *c = &(*list)[(*count)++];
	*c = *q;
	c->name = al_arena_strdup(&d->arena, q->name);
	c->server = q->server ? al_arena_strdup(&d->arena, q->server) : NULL;
	c->detail = q->detail ? al_arena_strdup(&d->arena, q->detail) : NULL;
	if (c->name == NULL)
		d->nomem = true;
}

static void compare_answers(drift_impl *d, al_lock_recorder *rec, al_lock *lock)
{
	for (size_t i = 0; i < al_lock_recorder_count(rec); i++) {
		al_lock_question q;
		al_lock_recorder_at(rec, i, &q);
		if (al_rcode_failed(q.rcode) || q.rcode == AL_RCODE_NOT_QUERIED || q.rcode == AL_RCODE_PENDING) {
			add_question(d, &d->failed, &d->pub.failed_count, &d->failed_capacity, &q);
			continue;
		}
		bool held = false;
		bool same = al_lock_recorder_same(rec, i, lock, &held);
		if (!held)
			add_question(d, &d->added, &d->pub.added_count, &d->added_capacity, &q);
		else if (!same)
			add_question(d, &d->changed, &d->pub.changed_count, &d->changed_capacity, &q);
	}
}

void al_lock_drift_free(al_lock_drift *drift)
{
	if (drift == NULL)
		return;
	drift_impl *d = (drift_impl *)drift;
	free(d->spf);
	free(d->changed);
	free(d->added);
	free(d->failed);
	al_arena_clear(&d->arena);
	free(d);
}

bool al_lock_drift_changes_findings(const al_lock_drift *d)
{
	return d != NULL && d->spf_count + d->findings_new_count + d->findings_gone_count > 0;
}

al_status al_lock_drift_compute(al_lock *lock, al_zone *zone, al_source *live, const al_lint_options *lint,
				al_lock_drift **out)
{
	*out = NULL;
	if (lock == NULL || zone == NULL || live == NULL || lint == NULL)
		return AL_EINVAL;
	drift_impl *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return AL_ENOMEM;
	al_arena_init(&d->arena);
	al_source *zs = NULL, *lock_src = NULL, *locked = NULL, *recorded = NULL, *fresh = NULL;
	al_lock_recorder *rec = NULL;
	lines was = {.arena = &d->arena}, now = {.arena = &d->arena};
	names spf_names = {.arena = &d->arena};
	al_status st = al_source_new_zone(&zs, zone);
	if (st == AL_OK)
		st = al_source_new_lock(&lock_src, lock, NULL);
	if (st == AL_OK)
		st = al_source_new_layered(&locked, zs, lock_src);
	if (st == AL_OK)
		st = al_lock_recorder_new(&rec, live, &recorded);
	if (st == AL_OK)
		st = al_source_new_layered(&fresh, zs, recorded);
	if (st == AL_OK)
		st = lint_lines(lint, locked, zone, &was);
	if (st == AL_OK)
		st = lint_lines(lint, fresh, zone, &now);
	if (st == AL_OK) {
		al_zone_foreach_name(zone, collect_txt_name, &spf_names);
		if (spf_names.nomem)
			st = AL_ENOMEM;
	}
	al_spf_tree_options to = {0};
	to.rules = lint->rules;
	to.no_snapshot = true;
	for (size_t i = 0; st == AL_OK && i < spf_names.count; i++)
		compare_spf(d, &to, spf_names.items[i], zs, locked, fresh);
	if (st == AL_OK) {
		compare_answers(d, rec, lock);
		d->pub.findings_new = missing(d, &now, &was, &d->pub.findings_new_count);
		d->pub.findings_gone = missing(d, &was, &now, &d->pub.findings_gone_count);
		d->pub.spf = d->spf;
		d->pub.changed = d->changed;
		d->pub.added = d->added;
		d->pub.failed = d->failed;
		if (d->nomem)
			st = AL_ENOMEM;
	}
	free(was.items);
	free(now.items);
	free(spf_names.items);
	al_source_free(fresh);
	al_lock_recorder_free(rec);
	al_source_free(locked);
	al_source_free(lock_src);
	al_source_free(zs);
	if (st != AL_OK) {
		al_lock_drift_free(&d->pub);
		return st;
	}
	*out = &d->pub;
	return AL_OK;
}
