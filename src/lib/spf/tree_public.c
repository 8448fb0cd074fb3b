/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lookup tree's public face: the analyzer (catalog, snapshot and run cache shared by many trees), al_spf_tree_build and freeing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns/wire.h"
#include "record/spf_syntax.h"
#include "spf/spf_internal.h"

/* ---- the public tree ------------------------------------------------------------------------------ */

struct al_spf_analyzer {
	const al_senders *senders; /* the shared built-in catalog */
	al_spf_cache cache;
	const al_spf_snapshot *snapshot;
	const al_spf_snapshot *own_snapshot; /* the shared built-in one */
};

struct tree_impl {
	al_spf_tree pub;
	al_arena arena;
	al_spf_analyzer *owned; /* al_spf_tree_build: the tree's own analyzer */
};

al_status al_spf_analyzer_new(al_spf_analyzer **out, const al_spf_tree_options *options, al_error *err)
{
	*out = NULL;
	al_spf_analyzer *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_spf_cache_init(&a->cache);
	if (options != NULL && options->rules != NULL) {
		al_status st = al_senders_builtin(&a->senders, err);
		if (st == AL_OK && options->snapshot == NULL && !options->no_snapshot)
			st = al_spf_snapshot_builtin(&a->own_snapshot, err);
		if (st != AL_OK) {
			al_spf_analyzer_free(a);
			return st;
		}
	}
	if (options != NULL && !options->no_snapshot)
		a->snapshot = options->snapshot != NULL ? options->snapshot : a->own_snapshot;
	*out = a;
	return AL_OK;
}

void al_spf_analyzer_free(al_spf_analyzer *a)
{
	if (a == NULL)
		return;
	al_spf_cache_clear(&a->cache);
	free(a);
}

al_status al_spf_analyzer_tree(al_spf_analyzer *a, al_source *source, const char *domain, al_spf_tree **out,
			       al_error *err)
{
	*out = NULL;
	char norm[AL_NAME_MAX];
	if (domain == NULL || al_name_normalize(domain, strlen(domain), norm, err) != AL_OK)
		return AL_EINVAL;
	struct tree_impl *impl = calloc(1, sizeof(*impl));
	if (impl == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&impl->arena);
	al_spf_source_dns sd;
	al_spf_tree_ctx ctx = {0};
	ctx.dns = al_spf_source_dns_open(&sd, source);
	ctx.arena = &impl->arena;
	ctx.senders = a->senders;
	ctx.snapshot = a->snapshot;
	ctx.cache = &a->cache;
	const char *root = al_arena_strdup(&impl->arena, norm);
	al_status st = root ? al_spf_tree_analyse(&ctx, root, NULL, 0, NULL, &impl->pub) : AL_ENOMEM;
	al_spf_source_dns_close(&sd);
	if (st != AL_OK) {
		al_spf_tree_free(&impl->pub);
		return al_error_set(err, st, "%s", al_status_message(st));
	}
	*out = &impl->pub;
	return AL_OK;
}

al_status al_spf_tree_build(al_source *source, const char *domain, const al_spf_tree_options *options,
			    al_spf_tree **out, al_error *err)
{
	al_spf_analyzer *a = NULL;
	al_status st = al_spf_analyzer_new(&a, options, err);
	if (st != AL_OK)
		return st;
	st = al_spf_analyzer_tree(a, source, domain, out, err);
	if (st != AL_OK) {
		al_spf_analyzer_free(a);
		return st;
	}
	/* the tree points into the analyzer's cache and catalog: it owns them now */
	((struct tree_impl *)*out)->owned = a;
	return AL_OK;
}

void al_spf_tree_free(al_spf_tree *tree)
{
	if (tree == NULL)
		return;
	struct tree_impl *impl = (struct tree_impl *)tree;
	al_arena_clear(&impl->arena);
	al_spf_analyzer_free(impl->owned);
	free(impl);
}
