/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SPF family inside the lint: the parse hook (each record parsed once into
 * the unit arena), the per-run state (the lookup-tree cache and the senders
 * catalog), lookups through the lint, and al_spf_summarize() for the other
 * families and the planner.
 */
#include <stdlib.h>
#include <string.h>

#include "check/family_api.h"
#include "check/lint_context.h"
#include "check/spf_family.h"
#include "record/spf_syntax.h"
#include "util/arena.h"

typedef struct spf_state {
	al_spf_cache cache;
	const al_senders *senders; /* the shared built-in catalog */
	bool senders_loaded;
	const al_spf_snapshot *snapshot; /* the shared built-in one, when the options give none */
	bool snapshot_loaded;
	al_arena arena;
} spf_state;

static void state_free(void *p)
{
	spf_state *s = p;
	if (s == NULL)
		return;
	al_spf_cache_clear(&s->cache);
	al_arena_clear(&s->arena);
	free(s);
}

static spf_state *state_of(al_lint *lint)
{
	spf_state *s = al_lint_family_state(lint, AL_KIND_SPF);
	if (s != NULL)
		return s;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	al_spf_cache_init(&s->cache);
	al_arena_init(&s->arena);
	al_lint_set_family_state(lint, AL_KIND_SPF, s, state_free);
	return s;
}

const al_senders *al_spf_lint_senders(al_lint *lint)
{
	spf_state *s = state_of(lint);
	if (s == NULL)
		return NULL;
	if (!s->senders_loaded) {
		s->senders_loaded = true;
		al_error err;
		/* a catalog that does not load only costs the names; the registry loader reports it */
		if (al_senders_builtin(&s->senders, &err) != AL_OK)
			s->senders = NULL;
	}
	return s->senders;
}

void *al_spf_family_parse(al_lint *lint, const al_subject *subject)
{
	al_spf_record *rec = NULL;
	if (al_spf_parse_arena(al_lint_unit_arena(lint), subject->text, subject->length, &rec) != AL_OK)
		return NULL;
	return rec;
}

void al_spf_lint_pass_end(al_lint *lint, bool keep)
{
	spf_state *s = al_lint_family_state(lint, AL_KIND_SPF);
	if (s != NULL)
		al_spf_cache_end_pass(&s->cache, keep);
}

/* The provider snapshot the lookup tree estimates with, or NULL. */
static const al_spf_snapshot *lint_snapshot(al_lint *lint)
{
	const al_lint_options *o = al_lint_get_options(lint);
	if (o->no_provider_snapshot)
		return NULL;
	if (o->provider_snapshot != NULL)
		return o->provider_snapshot;
	spf_state *s = state_of(lint);
	if (s == NULL)
		return NULL;
	if (!s->snapshot_loaded) {
		s->snapshot_loaded = true;
		al_error err;
		/* a snapshot that does not load gives no estimates: the targets stay unknown */
		if (al_spf_snapshot_builtin(&s->snapshot, &err) != AL_OK)
			s->snapshot = NULL;
	}
	return s->snapshot;
}

static const al_answer *lint_lookup(void *ctx, const char *name, uint16_t type)
{
	return al_lint_lookup(ctx, name, type);
}

static const al_answer *lint_lookup_shared(void *ctx, const char *name, uint16_t type)
{
	return al_lint_lookup_shared(ctx, name, type);
}

static const al_answer *lint_lookup_probe(void *ctx, const char *name, uint16_t type)
{
	return al_lint_lookup_probe(ctx, name, type);
}

static void lint_lookup_count(void *ctx, size_t n)
{
	al_lint_lookup_count(ctx, n);
}

al_status al_spf_lint_tree(al_lint *lint, const char *domain, const al_subject *subject,
			   const al_spf_record *parsed, al_spf_tree *out)
{
	spf_state *s = state_of(lint);
	al_spf_tree_ctx ctx = {0};
	/* without a source (record mode, --offline) every target is asked all the
	 * same: the lint answers NOT-QUERIED and reports what was not checked */
	ctx.dns.lookup = lint_lookup;
	ctx.dns.lookup_shared = lint_lookup_shared;
	ctx.dns.probe = lint_lookup_probe;
	ctx.dns.count = lint_lookup_count;
	/* zone mode: the store does not change while it is linted, and a name
	 * outside it (not asked) leaves the subtree out of the cache */
	ctx.dns.fixed = lint->zone != NULL;
	ctx.dns.ctx = lint;
	ctx.arena = al_lint_unit_arena(lint);
	ctx.cache = s ? &s->cache : NULL;
	ctx.senders = al_spf_lint_senders(lint);
	ctx.snapshot = lint_snapshot(lint);
	if (subject != NULL)
		return al_spf_tree_analyse(&ctx, domain, subject->text, subject->length, parsed, out);
	/* check mode: the unit's answers are asked once, so the tree of the same
	 * name in the same unit comes out the same (the cross checks and the
	 * inventory each want it) */
	al_spf_tree *kept = lint->zone == NULL ? lint->spf_tree : NULL;
	if (kept != NULL && kept->root != NULL && kept->root->domain != NULL && strcmp(kept->root->domain, domain) == 0) {
		*out = *kept;
		return AL_OK;
	}
	al_status st = al_spf_tree_analyse(&ctx, domain, NULL, 0, NULL, out);
	if (st == AL_OK && lint->zone == NULL && out->root != NULL && out->root->domain != NULL) {
		kept = al_arena_alloc(al_lint_unit_arena(lint), sizeof(*kept));
		if (kept != NULL) {
			*kept = *out;
			lint->spf_tree = kept;
		}
	}
	return st;
}

/* ---- the summary ---------------------------------------------------------------- */

static void collect_includes(const al_spf_node *n, const char **list, size_t *count, size_t max)
{
	for (size_t i = 0; i < n->term_count; i++) {
		const al_spf_tree_term *tt = &n->terms[i];
		if (!tt->evaluated || tt->child == NULL || tt->child->domain == NULL)
			continue;
		bool seen = false;
		for (size_t k = 0; k < *count; k++)
			if (strcmp(list[k], tt->child->domain) == 0)
				seen = true;
		if (!seen && *count < max)
			list[(*count)++] = tt->child->domain;
		if (tt->child->status == AL_SPF_NODE_OK)
			collect_includes(tt->child, list, count, max);
	}
}

al_status al_spf_summarize(al_lint *lint, const char *domain, al_spf_summary *out)
{
	memset(out, 0, sizeof(*out));
	char norm[AL_NAME_MAX];
	if (domain == NULL || al_name_normalize(domain, strlen(domain), norm, NULL) != AL_OK)
		return AL_EINVAL;
	const char *name = al_arena_strdup(al_lint_unit_arena(lint), norm);
	if (name == NULL)
		return AL_ENOMEM;
	al_spf_tree tree;
	al_status st = al_spf_lint_tree(lint, name, NULL, NULL, &tree);
	if (st != AL_OK)
		return st;
	const al_spf_node *root = tree.root;
	switch (root->status) {
	case AL_SPF_NODE_OK:
		out->has_record = true;
		break;
	case AL_SPF_NODE_MULTIPLE:
		out->record_count_error = true;
		out->permerror = true;
		break;
	case AL_SPF_NODE_LOOKUP_FAILED:
	case AL_SPF_NODE_NOT_FOLLOWED:
	case AL_SPF_NODE_TOO_DEEP:
		out->lookup_failed = true;
		break;
	default:
		break;
	}
	if (root->status != AL_SPF_NODE_OK)
		return AL_OK;
	out->lookups = tree.lookups;
	out->void_lookups = tree.void_lookups;
	out->not_followed = tree.not_followed;
	out->permerror = root->permerror || tree.lookups > AL_SPF_MAX_LOOKUPS ||
			 tree.void_lookups > AL_SPF_MAX_VOID_LOOKUPS;
	/* a lookup below that failed: what follows is not known (not made: not_followed) */
	for (size_t i = 0; i < tree.row_count; i++) {
		const al_spf_node *n = tree.rows[i].node;
		if (tree.rows[i].term == NULL && n->status == AL_SPF_NODE_LOOKUP_FAILED)
			out->lookup_failed = true;
	}
	size_t max = 256;
	const char **list = al_arena_calloc(al_lint_unit_arena(lint), max, sizeof(*list));
	if (list != NULL) {
		size_t count = 0;
		collect_includes(root, list, &count, max);
		out->includes = list;
		out->include_count = count;
	}
	return AL_OK;
}
