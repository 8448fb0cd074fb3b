/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `.authlint.yaml`. Strict like the rule registry: an unknown key, an unknown
 * rule, a waiver without a reason, a bad date or a pattern that does not
 * compile is an error naming the file and line.
 */
#include <authlint/config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/source.h>

#include "rules_internal.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/yaml.h"

typedef struct override {
	const al_rule *rule;
	al_severity severity;
} override;

struct al_config {
	al_arena arena;
	const char *path;
	override *overrides;
	size_t override_count;
	al_waiver *waivers;
	size_t waiver_count;
	const char **resolvers;
	size_t resolver_count;
	const char **selectors;
	size_t selector_count;
	const char *fail_on;
	const char *dmarc_spec;
	const char *authserv_id;
	const char *format;
};

typedef struct reader {
	al_config *config;
	al_rules *rules;
	yaml_document_t *doc;
	const char *file;
	al_error *err;
} reader;

static al_status bad(reader *r, const yaml_node_t *node, const char *fmt, const char *a)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, a ? a : "");
	return al_error_set(r->err, AL_ECONFIG, "%s:%lu: %s", r->file, al_yaml_line(node), msg);
}

static const char *dup_scalar(reader *r, const yaml_node_t *node)
{
	const char *s = al_yaml_scalar(node);
	return s ? al_arena_strdup(&r->config->arena, s) : NULL;
}

static bool valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	int month = (s[5] - '0') * 10 + (s[6] - '0');
	int day = (s[8] - '0') * 10 + (s[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static al_status read_rules(reader *r, yaml_node_t *map)
{
	if (!al_yaml_is_map(map))
		return bad(r, map, "'rules' must map rule ids or names to a severity (error, warning, note, off)", NULL);
	size_t n = al_yaml_map_count(map);
	r->config->overrides = al_arena_calloc(&r->config->arena, n ? n : 1, sizeof(override));
	if (r->config->overrides == NULL)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(r->doc, map, i, &k, &v);
		const char *id = al_yaml_scalar(k);
		const al_rule *rule = al_rules_find(r->rules, id);
		if (rule == NULL)
			return bad(r, k, "unknown rule '%s'", id ? id : "?");
		al_severity sev;
		const char *sv = al_yaml_scalar(v);
		bool flag;
		if (sv != NULL && al_severity_parse(sv, &sev) == AL_OK) {
			/* ok */
		} else if (al_yaml_bool(v, &flag) && !flag) {
			sev = AL_SEVERITY_OFF; /* "SPF003: false" / "off" read as a boolean */
		} else {
			return bad(r, v, "severity '%s' is not error, warning, note or off", sv ? sv : "?");
		}
		for (size_t j = 0; j < r->config->override_count; j++)
			if (r->config->overrides[j].rule == rule)
				return bad(r, k, "rule '%s' is set twice", rule->id);
		r->config->overrides[r->config->override_count++] = (override){rule, sev};
	}
	return AL_OK;
}

static al_status read_waivers(reader *r, yaml_node_t *seq)
{
	static const char *const keys[] = {"rule", "name", "reason", "expires", NULL};
	if (!al_yaml_is_seq(seq))
		return bad(r, seq, "'waivers' must be a list of {rule, name, reason[, expires]}", NULL);
	size_t n = al_yaml_seq_count(seq);
	r->config->waivers = al_arena_calloc(&r->config->arena, n ? n : 1, sizeof(al_waiver));
	if (r->config->waivers == NULL)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(r->doc, seq, i);
		if (!al_yaml_is_map(item))
			return bad(r, item, "a waiver must be a mapping with rule, name and reason", NULL);
		for (size_t j = 0; j < al_yaml_map_count(item); j++) {
			yaml_node_t *k, *v;
			al_yaml_map_at(r->doc, item, j, &k, &v);
			const char *key = al_yaml_scalar(k);
			bool ok = false;
			for (const char *const *a = keys; *a; a++)
				if (key && strcmp(*a, key) == 0)
					ok = true;
			if (!ok)
				return bad(r, k, "unknown key '%s' in a waiver", key ? key : "?");
		}
		al_waiver *w = &r->config->waivers[r->config->waiver_count];
		w->file = r->file;
		w->line = al_yaml_line(item);
		yaml_node_t *rule = al_yaml_map_get(r->doc, item, "rule");
		yaml_node_t *name = al_yaml_map_get(r->doc, item, "name");
		yaml_node_t *reason = al_yaml_map_get(r->doc, item, "reason");
		yaml_node_t *expires = al_yaml_map_get(r->doc, item, "expires");
		if (rule == NULL || al_yaml_scalar(rule) == NULL)
			return bad(r, item, "a waiver needs a 'rule' (an id, a name or *)", NULL);
		if (strcmp(al_yaml_scalar(rule), "*") == 0) {
			w->rule = "*";
		} else {
			const al_rule *found = al_rules_find(r->rules, al_yaml_scalar(rule));
			if (found == NULL)
				return bad(r, rule, "unknown rule '%s'", al_yaml_scalar(rule));
			w->rule = found->id;
		}
		if (name == NULL || al_yaml_scalar(name) == NULL || al_yaml_scalar(name)[0] == '\0')
			return bad(r, item, "a waiver needs a 'name' (an owner name, or *.example.com)", NULL);
		const char *nm = al_yaml_scalar(name);
		if (strcmp(nm, "*") != 0) {
			const char *check = strncmp(nm, "*.", 2) == 0 ? nm + 2 : nm;
			char norm[AL_NAME_MAX];
			al_error nerr;
			if (al_name_normalize(check, strlen(check), norm, &nerr) != AL_OK)
				return bad(r, name, "waiver name '%s' is not a domain name", nm);
			w->name = strncmp(nm, "*.", 2) == 0 ? al_arena_printf(&r->config->arena, "*.%s", norm)
							    : al_arena_strdup(&r->config->arena, norm);
		} else {
			w->name = "*";
		}
		if (reason == NULL || al_yaml_scalar(reason) == NULL || al_yaml_scalar(reason)[0] == '\0')
			return bad(r, item, "a waiver needs a 'reason'", NULL);
		w->reason = dup_scalar(r, reason);
		if (expires != NULL) {
			const char *e = al_yaml_scalar(expires);
			if (e == NULL || !valid_date(e))
				return bad(r, expires, "'expires' must be a date YYYY-MM-DD, not '%s'", e ? e : "?");
			w->expires = dup_scalar(r, expires);
		}
		r->config->waiver_count++;
	}
	return AL_OK;
}

static al_status read_string_list(reader *r, yaml_node_t *seq, const char *what, const char ***out,
				  size_t *count)
{
	if (!al_yaml_is_seq(seq))
		return bad(r, seq, "'%s' must be a list of strings", what);
	size_t n = al_yaml_seq_count(seq);
	const char **list = al_arena_calloc(&r->config->arena, n ? n : 1, sizeof(*list));
	if (list == NULL)
		return al_error_set(r->err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(r->doc, seq, i);
		const char *s = al_yaml_scalar(item);
		if (s == NULL || s[0] == '\0')
			return bad(r, item, "'%s' items must be non-empty strings", what);
		list[i] = al_arena_strdup(&r->config->arena, s);
	}
	*out = list;
	*count = n;
	return AL_OK;
}

static al_status read_defaults(reader *r, yaml_node_t *map)
{
	static const char *const keys[] = {"fail-on", "dmarc-spec", "format", "authserv-id", NULL};
	if (!al_yaml_is_map(map))
		return bad(r, map, "'defaults' must be a mapping", NULL);
	for (size_t i = 0; i < al_yaml_map_count(map); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(r->doc, map, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		const char *val = al_yaml_scalar(v);
		bool known = false;
		for (const char *const *a = keys; *a; a++)
			if (key && strcmp(*a, key) == 0)
				known = true;
		if (!known)
			return bad(r, k, "unknown key '%s' in defaults", key ? key : "?");
		if (val == NULL)
			return bad(r, v, "'%s' must be a string", key);
		if (strcmp(key, "fail-on") == 0) {
			al_severity sev;
			if (al_severity_parse(val, &sev) != AL_OK)
				return bad(r, v, "fail-on '%s' is not error, warning, note or never", val);
			r->config->fail_on = dup_scalar(r, v);
		} else if (strcmp(key, "dmarc-spec") == 0) {
			if (strcmp(val, "7489") != 0 && strcmp(val, "9989") != 0)
				return bad(r, v, "dmarc-spec '%s' is not 7489 or 9989", val);
			r->config->dmarc_spec = dup_scalar(r, v);
		} else if (strcmp(key, "authserv-id") == 0) {
			/* RFC 8601 2.5: the receiver's own name, trusted by triage */
			if (val[0] == '\0' || strpbrk(val, " \t;()\"") != NULL)
				return bad(r, v, "authserv-id '%s' is not one token (a host name such as mx.example.com)", val);
			r->config->authserv_id = dup_scalar(r, v);
		} else {
			static const char *const formats[] = {"text", "json", "jsonl", "sarif", "github", NULL};
			bool ok = false;
			for (const char *const *f = formats; *f; f++)
				if (strcmp(*f, val) == 0)
					ok = true;
			if (!ok)
				return bad(r, v, "format '%s' is not text, json, jsonl, sarif or github", val);
			r->config->format = dup_scalar(r, v);
		}
	}
	return AL_OK;
}

static al_status read_policies(reader *r, yaml_node_t *seq)
{
	if (!al_yaml_is_seq(seq))
		return bad(r, seq, "'policies' must be a list of policy rules", NULL);
	for (size_t i = 0; i < al_yaml_seq_count(seq); i++) {
		yaml_node_t *item = al_yaml_seq_at(r->doc, seq, i);
		al_error perr;
		al_status st = al_rules_add_yaml(r->rules, r->doc, item, r->file, AL_KIND_POLICY, true, &perr);
		if (st != AL_OK) {
			if (r->err != NULL) {
				*r->err = perr;
				r->err->status = st == AL_ENOMEM ? AL_ENOMEM : AL_ECONFIG;
			}
			return st == AL_ENOMEM ? AL_ENOMEM : AL_ECONFIG;
		}
	}
	return AL_OK;
}

al_status al_config_new_empty(al_config **out)
{
	al_config *c = calloc(1, sizeof(*c));
	*out = c;
	if (c == NULL)
		return AL_ENOMEM;
	al_arena_init(&c->arena);
	return AL_OK;
}

static al_status load_document(al_config **out, const char *path, yaml_document_t doc, al_rules *rules,
				al_error *err);

al_status al_config_load(al_config **out, const char *path, al_rules *rules, al_error *err)
{
	*out = NULL;
	yaml_document_t doc;
	al_status st = al_yaml_load_file(path, "a configuration file", &doc, err);
	if (st != AL_OK) {
		if (err != NULL && st == AL_ESYNTAX)
			err->status = AL_ECONFIG;
		return st == AL_ESYNTAX ? AL_ECONFIG : st;
	}
	return load_document(out, path, doc, rules, err);
}

al_status al_config_load_buffer(al_config **out, const char *label, const char *data, size_t length,
				al_rules *rules, al_error *err)
{
	*out = NULL;
	yaml_document_t doc;
	al_status st = al_yaml_load_buffer(label, data, length, &doc, err);
	if (st != AL_OK) {
		if (err != NULL && st == AL_ESYNTAX)
			err->status = AL_ECONFIG;
		return st == AL_ESYNTAX ? AL_ECONFIG : st;
	}
	return load_document(out, label, doc, rules, err);
}

/* Read the configuration from @p doc (deleted here) that came from @p path. */
static al_status load_document(al_config **out, const char *path, yaml_document_t doc, al_rules *rules,
				al_error *err)
{
	al_status st;
	al_config *c;
	if ((st = al_config_new_empty(&c)) != AL_OK) {
		yaml_document_delete(&doc);
		return al_error_set(err, st, "out of memory");
	}
	c->path = al_arena_strdup(&c->arena, path);
	reader r = {c, rules, &doc, c->path, err};
	yaml_node_t *root = al_yaml_root(&doc);
	if (root != NULL && !al_yaml_is_map(root) && !al_yaml_is_null(root))
		st = bad(&r, root, "the configuration must be a mapping", NULL);
	static const char *const keys[] = {"rules", "waivers", "resolvers", "selectors", "defaults",
					   "policies", NULL};
	for (size_t i = 0; st == AL_OK && i < al_yaml_map_count(root); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(&doc, root, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		bool known = false;
		for (const char *const *a = keys; *a; a++)
			if (key && strcmp(*a, key) == 0)
				known = true;
		if (!known) {
			st = bad(&r, k, "unknown key '%s' (expected rules, waivers, resolvers, selectors, defaults, policies)",
				 key ? key : "?");
			break;
		}
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *k2, *v2;
			al_yaml_map_at(&doc, root, j, &k2, &v2);
			if (al_yaml_scalar(k2) && strcmp(al_yaml_scalar(k2), key) == 0)
				st = bad(&r, k, "key '%s' appears twice", key);
		}
		if (st != AL_OK)
			break;
		if (al_yaml_is_null(v))
			continue;
		if (strcmp(key, "policies") == 0)
			st = read_policies(&r, v);
	}
	/* the rest after policies, so that overrides and waivers can name them */
	for (size_t i = 0; st == AL_OK && i < al_yaml_map_count(root); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(&doc, root, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		if (al_yaml_is_null(v))
			continue;
		if (strcmp(key, "rules") == 0)
			st = read_rules(&r, v);
		else if (strcmp(key, "waivers") == 0)
			st = read_waivers(&r, v);
		else if (strcmp(key, "resolvers") == 0)
			st = read_string_list(&r, v, "resolvers", &c->resolvers, &c->resolver_count);
		else if (strcmp(key, "selectors") == 0)
			st = read_string_list(&r, v, "selectors", &c->selectors, &c->selector_count);
		else if (strcmp(key, "defaults") == 0)
			st = read_defaults(&r, v);
	}
	yaml_document_delete(&doc);
	if (st != AL_OK) {
		al_config_free(c);
		return st;
	}
	*out = c;
	return AL_OK;
}

void al_config_free(al_config *config)
{
	if (config == NULL)
		return;
	al_arena_clear(&config->arena);
	free(config);
}

const char *al_config_path(const al_config *config)
{
	return config ? config->path : NULL;
}

al_severity al_config_severity(const al_config *config, const al_rule *rule)
{
	return al_config_severity_for(config, rule, AL_GENERATION_ANY);
}

al_severity al_config_severity_for(const al_config *config, const al_rule *rule, al_generation reading)
{
	if (rule == NULL)
		return AL_SEVERITY_OFF;
	if (config != NULL)
		for (size_t i = 0; i < config->override_count; i++)
			if (config->overrides[i].rule == rule)
				return config->overrides[i].severity;
	return al_rule_severity(rule, reading);
}

static bool name_matches(const char *pattern, const char *owner)
{
	if (strcmp(pattern, "*") == 0)
		return true;
	if (strncmp(pattern, "*.", 2) == 0) {
		const char *parent = pattern + 2;
		return al_name_is_subdomain(owner, parent) && !al_name_equal(owner, parent);
	}
	return al_name_equal(pattern, owner);
}

/* The first waiver for the rule at the owner that is in force (or, with
 * @p expired, that has expired) on @p today. */
static const al_waiver *find_waiver(const al_config *config, const char *rule_id, const char *owner,
				    const char *today, bool expired)
{
	if (config == NULL || rule_id == NULL)
		return NULL;
	for (size_t i = 0; i < config->waiver_count; i++) {
		const al_waiver *w = &config->waivers[i];
		if (strcmp(w->rule, "*") != 0 && strcasecmp(w->rule, rule_id) != 0)
			continue;
		if (!name_matches(w->name, owner ? owner : ""))
			continue;
		bool over = w->expires != NULL && today != NULL && strcmp(today, w->expires) > 0;
		if (over == expired)
			return w;
	}
	return NULL;
}

const al_waiver *al_config_find_waiver(const al_config *config, const char *rule_id,
				       const char *owner, const char *today)
{
	return find_waiver(config, rule_id, owner, today, false);
}

const al_waiver *al_config_find_expired_waiver(const al_config *config, const char *rule_id,
					       const char *owner, const char *today)
{
	return find_waiver(config, rule_id, owner, today, true);
}

size_t al_config_waiver_count(const al_config *config)
{
	return config ? config->waiver_count : 0;
}

const al_waiver *al_config_waiver_at(const al_config *config, size_t index)
{
	return config && index < config->waiver_count ? &config->waivers[index] : NULL;
}

size_t al_config_resolver_count(const al_config *config)
{
	return config ? config->resolver_count : 0;
}

const char *al_config_resolver_at(const al_config *config, size_t index)
{
	return config && index < config->resolver_count ? config->resolvers[index] : NULL;
}

const char *al_config_fail_on(const al_config *config)
{
	return config ? config->fail_on : NULL;
}

const char *al_config_dmarc_spec(const al_config *config)
{
	return config ? config->dmarc_spec : NULL;
}

const char *al_config_authserv_id(const al_config *config)
{
	return config ? config->authserv_id : NULL;
}

const char *al_config_format(const al_config *config)
{
	return config ? config->format : NULL;
}

size_t al_config_selector_count(const al_config *config)
{
	return config ? config->selector_count : 0;
}

const char *al_config_selector_at(const al_config *config, size_t index)
{
	return config && index < config->selector_count ? config->selectors[index] : NULL;
}
