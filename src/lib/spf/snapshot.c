/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The provider snapshot (data/provider-spf.yaml): what the include targets of
 * common sending services cost, as seen on a date, for the lookup tree to use
 * when it cannot look a target up (offline, a name outside the zone files):
 * "14 lookups with the provider snapshot of 2026-12-05" instead of "at least 6".
 *
 *   snapshot: 2026-12-05
 *   providers:
 *     - include: _spf.google.com
 *       lookups: 3          # what include:<name> costs, the include counted
 *       void-lookups: 0     # optional
 *       source: https://... # where the figure comes from
 *       seen: 2025-12-01    # when the source saw it
 *
 * scripts/refresh-provider-spf.py writes a new one from live DNS.
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/plan.h>
#include <authlint/source.h>

#include "rules_internal.h"
#include "spf/spf_internal.h"
#include "util/arena.h"
#include "util/file.h"
#include "util/once.h"
#include "util/yaml.h"

#define MAX_PROVIDERS 1024

struct al_spf_snapshot {
	al_arena arena;
	const char *date;
	al_spf_snapshot_entry *entries;
	size_t count;
};

void al_spf_snapshot_free(al_spf_snapshot *s)
{
	if (s == NULL)
		return;
	free(s->entries);
	al_arena_clear(&s->arena);
	free(s);
}

const char *al_spf_snapshot_date(const al_spf_snapshot *s)
{
	return s ? s->date : NULL;
}

size_t al_spf_snapshot_count(const al_spf_snapshot *s)
{
	return s ? s->count : 0;
}

const al_spf_snapshot_entry *al_spf_snapshot_find(const al_spf_snapshot *s, const char *name)
{
	for (size_t i = 0; s != NULL && name != NULL && i < s->count; i++)
		if (al_name_equal(s->entries[i].include, name))
			return &s->entries[i];
	return NULL;
}

static bool date_ok(const char *d)
{
	al_date date;
	return d != NULL && al_date_parse(d, &date) == AL_OK;
}

static al_status load_entry(al_spf_snapshot *s, yaml_document_t *doc, yaml_node_t *item, const char *label,
			    al_error *err)
{
	unsigned long line = al_yaml_line(item);
	if (!al_yaml_is_map(item))
		return al_error_set(err, AL_ERULES, "%s:%lu: a provider is a map {include, lookups, source, seen}",
				    label, line);
	const char *inc = al_yaml_scalar(al_yaml_map_get(doc, item, "include"));
	char norm[AL_NAME_MAX];
	if (inc == NULL || al_name_normalize(inc, strlen(inc), norm, NULL) != AL_OK)
		return al_error_set(err, AL_ERULES, "%s:%lu: 'include' must be a domain name", label, line);
	unsigned long lookups = 0, voids = 0;
	if (!al_yaml_ulong(al_yaml_map_get(doc, item, "lookups"), &lookups) || lookups < 1 || lookups > 1000)
		return al_error_set(err, AL_ERULES, "%s:%lu: 'lookups' must be what include:%s costs (1 or more)",
				    label, line, norm);
	yaml_node_t *v = al_yaml_map_get(doc, item, "void-lookups");
	if (v != NULL && (!al_yaml_ulong(v, &voids) || voids > 1000))
		return al_error_set(err, AL_ERULES, "%s:%lu: 'void-lookups' must be a count", label, line);
	const char *source = al_yaml_scalar(al_yaml_map_get(doc, item, "source"));
	const char *seen = al_yaml_scalar(al_yaml_map_get(doc, item, "seen"));
	if (source == NULL || source[0] == '\0')
		return al_error_set(err, AL_ERULES, "%s:%lu: every figure needs its 'source'", label, line);
	if (!date_ok(seen))
		return al_error_set(err, AL_ERULES, "%s:%lu: 'seen' must be the date YYYY-MM-DD of the source",
				    label, line);
	al_spf_snapshot_entry e = {
		.include = al_arena_strdup(&s->arena, norm),
		.lookups = (size_t)lookups,
		.void_lookups = (size_t)voids,
		.source = al_arena_strdup(&s->arena, source),
		.seen = al_arena_strdup(&s->arena, seen),
	};
	if (e.include == NULL || e.source == NULL || e.seen == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	if (al_spf_snapshot_find(s, norm) != NULL)
		return al_error_set(err, AL_ERULES, "%s:%lu: %s is listed twice", label, line, norm);
	s->entries[s->count++] = e; /* room for every entry was made before */
	return AL_OK;
}

al_status al_spf_snapshot_load_text(const char *label, const char *text, size_t length, al_spf_snapshot **out,
				    al_error *err)
{
	*out = NULL;
	al_spf_snapshot *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&s->arena);
	yaml_document_t doc;
	al_status st = al_yaml_load_buffer(label, text, length, &doc, err);
	if (st != AL_OK) {
		al_spf_snapshot_free(s);
		return st;
	}
	yaml_node_t *root = al_yaml_root(&doc);
	const char *date = al_yaml_scalar(al_yaml_map_get(&doc, root, "snapshot"));
	yaml_node_t *list = al_yaml_map_get(&doc, root, "providers");
	if (!date_ok(date))
		st = al_error_set(err, AL_ERULES, "%s: 'snapshot' must be the date YYYY-MM-DD it was taken", label);
	else if (!al_yaml_is_seq(list))
		st = al_error_set(err, AL_ERULES, "%s: no 'providers:' list", label);
	else if ((s->date = al_arena_strdup(&s->arena, date)) == NULL)
		st = al_error_set(err, AL_ENOMEM, "out of memory");
	size_t n = st == AL_OK ? al_yaml_seq_count(list) : 0;
	if (n > MAX_PROVIDERS)
		st = al_error_set(err, AL_ELIMIT, "%s: more than %d providers", label, MAX_PROVIDERS);
	/* room for every entry at once */
	if (st == AL_OK && n > 0 && (s->entries = calloc(n, sizeof(*s->entries))) == NULL)
		st = al_error_set(err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; st == AL_OK && i < n; i++)
		st = load_entry(s, &doc, al_yaml_seq_at(&doc, list, i), label, err);
	yaml_document_delete(&doc);
	if (st != AL_OK) {
		al_spf_snapshot_free(s);
		return st;
	}
	*out = s;
	return AL_OK;
}

al_status al_spf_snapshot_load_file(const char *path, al_spf_snapshot **out, al_error *err)
{
	*out = NULL;
	char *buf = NULL;
	size_t len = 0;
	al_status st = al_file_read_all(path, "a provider snapshot", (size_t)16 << 20, &buf, &len, err);
	if (st != AL_OK)
		return st;
	st = al_spf_snapshot_load_text(path, buf, len, out, err);
	free(buf);
	return st;
}

al_status al_spf_snapshot_load_builtin(al_spf_snapshot **out, al_error *err)
{
	*out = NULL;
	size_t length = 0;
	const char *label = NULL;
	const char *text = al_data_file("provider-spf.yaml", &length, &label);
	if (text == NULL)
		return AL_OK; /* a build without one: no estimates */
	return al_spf_snapshot_load_text(label ? label : "provider-spf.yaml", text, length, out, err);
}

static al_status build_builtin(void **out, al_error *err)
{
	al_spf_snapshot *s = NULL;
	al_status st = al_spf_snapshot_load_builtin(&s, err);
	*out = s;
	return st;
}

al_status al_spf_snapshot_builtin(const al_spf_snapshot **out, al_error *err)
{
	static al_once once = AL_ONCE_INIT;
	const void *value = NULL;
	al_status st = al_once_get(&once, build_builtin, &value, err);
	*out = value;
	return st;
}
