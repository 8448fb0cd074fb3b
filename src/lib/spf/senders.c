/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The senders catalog (data/senders.yaml): common sending services, the SPF
 * include domains they publish (PCRE2 patterns, matched case-insensitively
 * against the include target) and their usual DKIM selectors, so findings and
 * the lookup tree can say "Google Workspace" and not only _spf.google.com.
 *
 *   senders:
 *     - id: google-workspace
 *       name: Google Workspace
 *       url: https://...            (optional)
 *       spf: ['^_spf\.google\.com$']
 *       dkim-selectors: [google]    (optional)
 *       mx: ['^smtp\.google\.com$']  (optional: PCRE2 on the domain's MX hosts, so
 *                                    DKIM discovery probes its selectors first)
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "spf/spf_internal.h"
#include "util/once.h"
#include "util/yaml.h"

#define MAX_SENDERS 1024
#define MAX_PATTERNS 4096

typedef struct pattern {
	pcre2_code *code;
	size_t sender;
} pattern;

struct al_senders {
	al_arena arena;
	al_sender *senders;
	size_t count;
	pattern *patterns;
	size_t pattern_count;
	pattern *mx_patterns;
	size_t mx_pattern_count;
};

/* The one domain a pattern '^name$' matches, with '\\.' for each dot; NULL for any other pattern. */
static const char *literal_name(al_senders *s, const char *p)
{
	size_t n = strlen(p);
	if (n < 3 || p[0] != '^' || p[n - 1] != '$')
		return NULL;
	char *out = al_arena_alloc(&s->arena, n);
	if (out == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (p[i] == '\\' && p[i + 1] == '.') {
			out[k++] = '.';
			i++;
		} else if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
			   p[i] == '-' || p[i] == '_') {
			out[k++] = p[i];
		} else {
			return NULL;
		}
	}
	out[k] = '\0';
	return k ? out : NULL;
}

void al_senders_free(al_senders *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->pattern_count; i++)
		pcre2_code_free(s->patterns[i].code);
	free(s->patterns);
	for (size_t i = 0; i < s->mx_pattern_count; i++)
		pcre2_code_free(s->mx_patterns[i].code);
	free(s->mx_patterns);
	free(s->senders);
	al_arena_clear(&s->arena);
	free(s);
}

size_t al_senders_count(const al_senders *s)
{
	return s ? s->count : 0;
}

const al_sender *al_senders_at(const al_senders *s, size_t index)
{
	return s && index < s->count ? &s->senders[index] : NULL;
}

const al_sender *al_senders_match_include(const al_senders *s, const char *domain)
{
	if (s == NULL || domain == NULL || s->pattern_count == 0)
		return NULL;
	/* match data of the caller's own: a catalog is only read, so threads may share it */
	pcre2_match_data *match = pcre2_match_data_create(1, NULL);
	if (match == NULL)
		return NULL;
	const al_sender *found = NULL;
	for (size_t i = 0; i < s->pattern_count && found == NULL; i++) {
		int rc = pcre2_match(s->patterns[i].code, (PCRE2_SPTR)domain, PCRE2_ZERO_TERMINATED, 0, 0,
				     match, NULL);
		if (rc >= 0)
			found = &s->senders[s->patterns[i].sender];
	}
	pcre2_match_data_free(match);
	return found;
}

const al_sender *al_senders_match_mx(const al_senders *s, const char *host)
{
	if (s == NULL || host == NULL || s->mx_pattern_count == 0)
		return NULL;
	pcre2_match_data *match = pcre2_match_data_create(1, NULL);
	if (match == NULL)
		return NULL;
	const al_sender *found = NULL;
	for (size_t i = 0; i < s->mx_pattern_count && found == NULL; i++)
		if (pcre2_match(s->mx_patterns[i].code, (PCRE2_SPTR)host, PCRE2_ZERO_TERMINATED, 0, 0, match, NULL) >= 0)
			found = &s->senders[s->mx_patterns[i].sender];
	pcre2_match_data_free(match);
	return found;
}

static const char *text_of(al_senders *s, yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	const char *v = al_yaml_scalar(al_yaml_map_get(doc, map, key));
	return v ? al_arena_strdup(&s->arena, v) : NULL;
}

static al_status load_sender(al_senders *s, yaml_document_t *doc, yaml_node_t *item, const char *label,
			     al_error *err)
{
	unsigned long line = al_yaml_line(item);
	if (!al_yaml_is_map(item))
		return al_error_set(err, AL_ERULES, "%s:%lu: a sender is not a mapping", label, line);
	static const char *const keys[] = {"id", "name", "url", "spf", "dkim-selectors", "envelope", "mx", NULL};
	for (size_t i = 0; i < al_yaml_map_count(item); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(doc, item, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		bool known = false;
		for (size_t j = 0; key != NULL && keys[j] != NULL; j++)
			if (strcmp(key, keys[j]) == 0)
				known = true;
		if (!known)
			return al_error_set(err, AL_ERULES, "%s:%lu: unknown key '%s' in a sender", label,
					    al_yaml_line(k), key ? key : "?");
	}
	al_sender *d = &s->senders[s->count];
	memset(d, 0, sizeof(*d));
	d->id = text_of(s, doc, item, "id");
	d->name = text_of(s, doc, item, "name");
	d->url = text_of(s, doc, item, "url");
	if (d->id == NULL || d->name == NULL)
		return al_error_set(err, AL_ERULES, "%s:%lu: a sender needs an id and a name", label, line);
	/* envelope: own (the customer's MAIL FROM) or provider (a bounce domain of its own, the default) */
	yaml_node_t *env = al_yaml_map_get(doc, item, "envelope");
	if (env != NULL) {
		const char *e = al_yaml_scalar(env);
		if (e == NULL || (strcmp(e, "own") != 0 && strcmp(e, "provider") != 0))
			return al_error_set(err, AL_ERULES, "%s:%lu: envelope must be own or provider", label,
					    al_yaml_line(env));
		d->own_envelope = strcmp(e, "own") == 0;
	}
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->senders[i].id, d->id) == 0)
			return al_error_set(err, AL_ERULES, "%s:%lu: sender '%s' is defined twice", label, line,
					    d->id);
	yaml_node_t *sel = al_yaml_map_get(doc, item, "dkim-selectors");
	size_t nsel = al_yaml_seq_count(sel);
	if (nsel > 0) {
		const char **list = al_arena_calloc(&s->arena, nsel, sizeof(*list));
		if (list == NULL)
			return al_error_set(err, AL_ENOMEM, "out of memory");
		for (size_t i = 0; i < nsel; i++) {
			const char *v = al_yaml_scalar(al_yaml_seq_at(doc, sel, i));
			if (v == NULL)
				return al_error_set(err, AL_ERULES, "%s:%lu: a DKIM selector is not a string",
						    label, al_yaml_line(sel));
			list[i] = al_arena_strdup(&s->arena, v);
		}
		d->selectors = list;
		d->selector_count = nsel;
	}
	static const char *const kinds[2] = {"spf", "mx"};
	for (size_t kind = 0; kind < 2; kind++) {
		yaml_node_t *list = al_yaml_map_get(doc, item, kinds[kind]);
		pattern *to = kind == 0 ? s->patterns : s->mx_patterns;
		size_t *count = kind == 0 ? &s->pattern_count : &s->mx_pattern_count;
		for (size_t i = 0; i < al_yaml_seq_count(list); i++) {
			yaml_node_t *pn = al_yaml_seq_at(doc, list, i);
			const char *p = al_yaml_scalar(pn);
			if (p == NULL)
				return al_error_set(err, AL_ERULES, "%s:%lu: an %s pattern is not a string", label,
						    al_yaml_line(pn), kinds[kind]);
			if (*count >= MAX_PATTERNS)
				return al_error_set(err, AL_ELIMIT, "%s:%lu: more than %d %s patterns", label,
						    al_yaml_line(pn), MAX_PATTERNS, kinds[kind]);
			int code = 0;
			PCRE2_SIZE offset = 0;
			pcre2_code *re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &code,
						       &offset, NULL);
			if (re == NULL) {
				PCRE2_UCHAR buf[256];
				pcre2_get_error_message(code, buf, sizeof(buf));
				return al_error_set(err, AL_ERULES,
						    "%s:%lu: pattern '%s' does not compile: %s (offset %zu)", label,
						    al_yaml_line(pn), p, (const char *)buf, (size_t)offset + 1);
			}
			to[*count].code = re;
			to[*count].sender = s->count;
			if (kind == 0 && d->include == NULL)
				d->include = literal_name(s, p);
			(*count)++;
		}
	}
	s->count++;
	return AL_OK;
}

al_status al_senders_load_text(const char *label, const char *text, size_t length, al_senders **out,
			       al_error *err)
{
	*out = NULL;
	al_senders *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_arena_init(&s->arena);
	s->senders = calloc(MAX_SENDERS, sizeof(*s->senders));
	s->patterns = calloc(MAX_PATTERNS, sizeof(*s->patterns));
	s->mx_patterns = calloc(MAX_PATTERNS, sizeof(*s->mx_patterns));
	if (s->senders == NULL || s->patterns == NULL || s->mx_patterns == NULL) {
		al_senders_free(s);
		return al_error_set(err, AL_ENOMEM, "out of memory");
	}
	al_status st = AL_OK;
	if (text != NULL && length > 0) {
		yaml_document_t doc;
		st = al_yaml_load_buffer(label, text, length, &doc, err);
		if (st == AL_OK) {
			yaml_node_t *root = al_yaml_root(&doc);
			yaml_node_t *list = al_yaml_map_get(&doc, root, "senders");
			if (root != NULL && !al_yaml_is_seq(list))
				st = al_error_set(err, AL_ERULES, "%s: no 'senders:' list", label);
			for (size_t i = 0; st == AL_OK && i < al_yaml_seq_count(list); i++) {
				if (s->count >= MAX_SENDERS) {
					st = al_error_set(err, AL_ELIMIT, "%s: more than %d senders", label,
							  MAX_SENDERS);
					break;
				}
				st = load_sender(s, &doc, al_yaml_seq_at(&doc, list, i), label, err);
			}
			yaml_document_delete(&doc);
		}
	}
	if (st != AL_OK) {
		al_senders_free(s);
		return st;
	}
	*out = s;
	return AL_OK;
}

al_status al_senders_load(al_senders **out, al_error *err)
{
	size_t length = 0;
	const char *label = NULL;
	const char *text = al_data_file("senders.yaml", &length, &label);
	return al_senders_load_text(label ? label : "senders.yaml", text, length, out, err);
}

/* The built-in catalog, parsed and compiled once per process (the first caller
 * pays; every later lint, plan and analyzer shares it; see util/once.h). */
static al_status build_builtin(void **out, al_error *err)
{
	al_senders *s = NULL;
	al_status st = al_senders_load(&s, err);
	*out = s;
	return st;
}

al_status al_senders_builtin(const al_senders **out, al_error *err)
{
	static al_once once = AL_ONCE_INIT;
	const void *value = NULL;
	al_status st = al_once_get(&once, build_builtin, &value, err);
	*out = value;
	return st;
}
