/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a rule: rules/<family>/<ID>.yaml (the tree, embedded at build time
 * or read from a directory, is walked in rules_tree.c). The loader is strict: unknown keys, duplicate ids
 * or names, unknown check names, bad templates and PCRE2 patterns that do not
 * compile are errors with file:line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <authlint/rule.h>

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_codes.h"
#include "rules_registry.h"

/* ---- helpers ----------------------------------------------------------- */

static const struct {
	al_kind kind;
	const char *dir;
	const char *prefix;
} families[] = {
	{AL_KIND_SPF, "spf", "SPF"},
	{AL_KIND_DMARC, "dmarc", "DMARC"},
	{AL_KIND_DKIM, "dkim", "DKIM"},
	{AL_KIND_DNS, "dns", "DNS"},
	{AL_KIND_ZONE, "zone", "ZONE"},
	{AL_KIND_LOOKUP, "lookup", "LOOKUP"},
	{AL_KIND_PROPAGATION, "propagation", "PROP"},
	{AL_KIND_PLAN, "plan", "PLAN"},
	{AL_KIND_ALIGN, "align", "ALIGN"},
	{AL_KIND_SIG, "sig", "SIG"},
	{AL_KIND_ARC, "arc", "ARC"},
	{AL_KIND_TRIAGE, "triage", "TRIAGE"},
	{AL_KIND_REPORT, "report", "REPORT"},
};

static const char *family_prefix(al_kind kind)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].kind == kind)
			return families[i].prefix;
	return NULL;
}

bool al_rules_family_from_dir(const char *dir, size_t length, al_kind *out)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strlen(families[i].dir) == length && strncmp(families[i].dir, dir, length) == 0) {
			*out = families[i].kind;
			return true;
		}
	}
	return false;
}

bool al_template_valid(const char *tmpl, char *why, size_t why_size)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (*p == '{') {
			if (p[1] == '{') {
				p++;
				continue;
			}
			const char *q = p + 1;
			while (*q == '_' || isalnum((unsigned char)*q) || *q == '-')
				q++;
			if (*q != '}' || q == p + 1) {
				snprintf(why, why_size, "placeholder at column %zu is not {name}",
					 (size_t)(p - tmpl) + 1);
				return false;
			}
			p = q;
		} else if (*p == '}') {
			if (p[1] == '}') {
				p++;
				continue;
			}
			snprintf(why, why_size, "unmatched '}' at column %zu", (size_t)(p - tmpl) + 1);
			return false;
		}
	}
	return true;
}

static bool valid_id(const char *id, const char *prefix, bool policy)
{
	size_t n = strlen(id);
	if (policy) {
		/* letters, then digits or letters and dashes: ACME001, ORG-RUA-1 */
		if (n < 2 || n > 32 || !isupper((unsigned char)id[0]))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!isupper((unsigned char)id[i]) && !isdigit((unsigned char)id[i]) && id[i] != '-')
				return false;
		return true;
	}
	size_t pl = strlen(prefix);
	if (n != pl + 3 || strncmp(id, prefix, pl) != 0)
		return false;
	for (size_t i = pl; i < n; i++)
		if (!isdigit((unsigned char)id[i]))
			return false;
	return true;
}

static bool valid_name(const char *name)
{
	if (name[0] == '\0' || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return false;
		if (*p == '-' && (p[1] == '-' || p[1] == '\0'))
			return false;
	}
	return true;
}

/* ---- reading one rule -------------------------------------------------- */

typedef struct loader {
	al_rules *rules;
	yaml_document_t *doc;
	const char *file;
	al_error *err;
} loader;

static al_status fail(loader *ld, const yaml_node_t *node, const char *fmt, const char *a, const char *b)
{
	char msg[600];
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	return al_error_set(ld->err, AL_ERULES, "%s:%lu: %s", ld->file, al_yaml_line(node), msg);
}

static al_status get_string(loader *ld, yaml_node_t *map, const char *key, bool required,
			    const char **out)
{
	yaml_node_t *v = al_yaml_map_get(ld->doc, map, key);
	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(ld, map, "missing required key '%s'", key, NULL);
		return AL_OK;
	}
	const char *s = al_yaml_scalar(v);
	if (s == NULL)
		return fail(ld, v, "'%s' must be a string", key, NULL);
	/* trim the trailing newline a block scalar leaves */
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (required && n == 0)
		return fail(ld, v, "'%s' must not be empty", key, NULL);
	*out = al_arena_strndup(&ld->rules->arena, s, n);
	return *out ? AL_OK : al_error_set(ld->err, AL_ENOMEM, "out of memory");
}

static al_status check_keys(loader *ld, yaml_node_t *map, const char *const *allowed, const char *what)
{
	for (size_t i = 0; i < al_yaml_map_count(map); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(ld->doc, map, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		if (key == NULL)
			return fail(ld, k, "%s keys must be strings", what, NULL);
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = true;
		if (!ok)
			return fail(ld, k, "unknown key '%s' in %s", key, what);
		/* duplicate keys */
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *k2, *v2;
			al_yaml_map_at(ld->doc, map, j, &k2, &v2);
			const char *key2 = al_yaml_scalar(k2);
			if (key2 && strcmp(key, key2) == 0)
				return fail(ld, k, "duplicate key '%s' in %s", key, what);
		}
	}
	return AL_OK;
}

static al_status compile_pattern(loader *ld, yaml_node_t *node, const char *pattern, void **code)
{
	int errcode = 0;
	PCRE2_SIZE erroffset = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode,
				       &erroffset, NULL);
	if (re == NULL) {
		PCRE2_UCHAR buf[256];
		pcre2_get_error_message(errcode, buf, sizeof(buf));
		char where[64];
		snprintf(where, sizeof(where), "%zu", (size_t)erroffset + 1);
		char msg[400];
		snprintf(msg, sizeof(msg), "%s (at pattern offset %s)", (const char *)buf, where);
		return fail(ld, node, "pattern does not compile: %s%s", msg, NULL);
	}
	if (!al_rules_push((void **)&ld->rules->codes, &ld->rules->code_count, &ld->rules->code_capacity,
		  sizeof(void *), &re)) {
		pcre2_code_free(re);
		return al_error_set(ld->err, AL_ENOMEM, "out of memory");
	}
	*code = re;
	return AL_OK;
}

static al_status read_decl(loader *ld, yaml_node_t *node, al_decl **out)
{
	static const char *const keys[] = {"record", "tag", "present", "absent", "pattern",
					   "not-pattern", "values", "domain", NULL};
	al_status st = check_keys(ld, node, keys, "check");
	if (st != AL_OK)
		return st;
	al_decl *d = al_arena_calloc(&ld->rules->arena, 1, sizeof(*d));
	if (d == NULL)
		return al_error_set(ld->err, AL_ENOMEM, "out of memory");
	const char *record = NULL;
	if ((st = get_string(ld, node, "record", true, &record)) != AL_OK)
		return st;
	if (al_kind_parse(record, &d->record) != AL_OK ||
	    (d->record != AL_KIND_SPF && d->record != AL_KIND_DMARC && d->record != AL_KIND_DKIM))
		return fail(ld, node, "check record '%s' is not spf, dmarc or dkim", record, NULL);
	if ((st = get_string(ld, node, "tag", false, &d->tag)) != AL_OK)
		return st;
	if ((st = get_string(ld, node, "domain", false, &d->domain)) != AL_OK)
		return st;
	int ops = 0;
	yaml_node_t *v;
	bool flag;
	if ((v = al_yaml_map_get(ld->doc, node, "present")) != NULL) {
		if (!al_yaml_bool(v, &flag) || !flag)
			return fail(ld, v, "'present' takes true", NULL, NULL);
		d->op = AL_DECL_PRESENT;
		ops++;
	}
	if ((v = al_yaml_map_get(ld->doc, node, "absent")) != NULL) {
		if (!al_yaml_bool(v, &flag) || !flag)
			return fail(ld, v, "'absent' takes true", NULL, NULL);
		d->op = AL_DECL_ABSENT;
		ops++;
	}
	if ((v = al_yaml_map_get(ld->doc, node, "pattern")) != NULL) {
		if ((st = get_string(ld, node, "pattern", true, &d->pattern)) != AL_OK)
			return st;
		if ((st = compile_pattern(ld, v, d->pattern, &d->code)) != AL_OK)
			return st;
		d->op = AL_DECL_PATTERN;
		ops++;
	}
	if ((v = al_yaml_map_get(ld->doc, node, "not-pattern")) != NULL) {
		if ((st = get_string(ld, node, "not-pattern", true, &d->pattern)) != AL_OK)
			return st;
		if ((st = compile_pattern(ld, v, d->pattern, &d->code)) != AL_OK)
			return st;
		d->op = AL_DECL_NOT_PATTERN;
		ops++;
	}
	if ((v = al_yaml_map_get(ld->doc, node, "values")) != NULL) {
		size_t n = al_yaml_seq_count(v);
		if (!al_yaml_is_seq(v) || n == 0)
			return fail(ld, v, "'values' must be a non-empty list", NULL, NULL);
		const char **vals = al_arena_calloc(&ld->rules->arena, n, sizeof(*vals));
		if (vals == NULL)
			return al_error_set(ld->err, AL_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			const char *s = al_yaml_scalar(al_yaml_seq_at(ld->doc, v, i));
			if (s == NULL)
				return fail(ld, v, "'values' items must be strings", NULL, NULL);
			vals[i] = al_arena_strdup(&ld->rules->arena, s);
		}
		d->values = vals;
		d->value_count = n;
		d->op = AL_DECL_VALUES;
		ops++;
	}
	if (ops != 1)
		return fail(ld, node,
			    "a check needs exactly one of present, absent, pattern, not-pattern, values",
			    NULL, NULL);
	if ((d->op == AL_DECL_PRESENT || d->op == AL_DECL_ABSENT) && d->tag == NULL)
		return fail(ld, node, "'present' and 'absent' need a 'tag'", NULL, NULL);
	*out = d;
	return AL_OK;
}

static al_status read_examples(loader *ld, yaml_node_t *list, const al_rule_example **out,
			       size_t *count)
{
	static const char *const keys[] = {"spf", "dmarc", "dkim", "zone", "text", "domain",
					   "origin", "dmarc-spec", "note", NULL};
	*out = NULL;
	*count = 0;
	if (list == NULL)
		return AL_OK;
	if (!al_yaml_is_seq(list))
		return fail(ld, list, "examples must be a list", NULL, NULL);
	size_t n = al_yaml_seq_count(list);
	al_rule_example *ex = al_arena_calloc(&ld->rules->arena, n ? n : 1, sizeof(*ex));
	if (ex == NULL)
		return al_error_set(ld->err, AL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(ld->doc, list, i);
		if (!al_yaml_is_map(item))
			return fail(ld, item, "an example must be a mapping", NULL, NULL);
		al_status st = check_keys(ld, item, keys, "example");
		if (st != AL_OK)
			return st;
		static const struct {
			const char *key;
			al_example_kind kind;
		} kinds[] = {{"spf", AL_EXAMPLE_SPF},   {"dmarc", AL_EXAMPLE_DMARC},
			     {"dkim", AL_EXAMPLE_DKIM}, {"zone", AL_EXAMPLE_ZONE},
			     {"text", AL_EXAMPLE_TEXT}};
		int found = 0;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			yaml_node_t *v = al_yaml_map_get(ld->doc, item, kinds[k].key);
			if (v == NULL)
				continue;
			const char *s = al_yaml_scalar(v);
			if (s == NULL)
				return fail(ld, v, "example '%s' must be a string", kinds[k].key, NULL);
			ex[i].kind = kinds[k].kind;
			ex[i].text = al_arena_strdup(&ld->rules->arena, s);
			found++;
		}
		if (found != 1)
			return fail(ld, item, "an example needs exactly one of spf, dmarc, dkim, zone, text",
				    NULL, NULL);
		const char *domain = NULL, *origin = NULL;
		if ((st = get_string(ld, item, "domain", false, &domain)) != AL_OK ||
		    (st = get_string(ld, item, "origin", false, &origin)) != AL_OK ||
		    (st = get_string(ld, item, "dmarc-spec", false, &ex[i].dmarc_spec)) != AL_OK ||
		    (st = get_string(ld, item, "note", false, &ex[i].note)) != AL_OK)
			return st;
		ex[i].domain = domain ? domain : origin;
		if (ex[i].dmarc_spec && strcmp(ex[i].dmarc_spec, "7489") != 0 &&
		    strcmp(ex[i].dmarc_spec, "9989") != 0)
			return fail(ld, item, "dmarc-spec must be 7489 or 9989", NULL, NULL);
		ex[i].line = al_yaml_line(item);
	}
	*out = ex;
	*count = n;
	return AL_OK;
}

static al_status one_severity(loader *ld, yaml_node_t *node, const char *text, al_severity *out)
{
	if (text == NULL || al_severity_parse(text, out) != AL_OK || *out == AL_SEVERITY_OFF)
		return fail(ld, node, "severity '%s' is not error, warning or note", text ? text : "", NULL);
	return AL_OK;
}

/*
 * severity: warning, or one per DMARC reading:
 * severity: {rfc9989: warning, rfc7489: error} (both keys required).
 */
static al_status read_severity(loader *ld, yaml_node_t *node, al_rule *r)
{
	static const char *const keys[] = {"rfc9989", "rfc7489", NULL};
	yaml_node_t *v = al_yaml_map_get(ld->doc, node, "severity");
	if (v == NULL)
		return fail(ld, node, "missing required key '%s'", "severity", NULL);
	if (!al_yaml_is_map(v)) {
		al_status st = one_severity(ld, v, al_yaml_scalar(v), &r->severity);
		r->severity_rfc7489 = r->severity;
		return st;
	}
	al_status st = check_keys(ld, v, keys, "severity");
	if (st != AL_OK)
		return st;
	yaml_node_t *s9 = al_yaml_map_get(ld->doc, v, "rfc9989");
	yaml_node_t *s7 = al_yaml_map_get(ld->doc, v, "rfc7489");
	if (s9 == NULL || s7 == NULL)
		return fail(ld, v, "a severity per generation needs both rfc9989 and rfc7489", NULL, NULL);
	if ((st = one_severity(ld, s9, al_yaml_scalar(s9), &r->severity)) != AL_OK)
		return st;
	return one_severity(ld, s7, al_yaml_scalar(s7), &r->severity_rfc7489);
}

al_status al_rules_add_yaml(al_rules *rules, yaml_document_t *doc, yaml_node_t *node,
			    const char *file, al_kind family, bool policy, al_error *err)
{
	static const char *const keys[] = {"id", "name", "severity", "summary", "message",
					   "rationale", "references", "fix", "examples", "check",
					   "generation", "tested-by", NULL};
	loader ld = {rules, doc, file, err};
	if (!al_yaml_is_map(node))
		return fail(&ld, node, "a rule must be a mapping", NULL, NULL);
	al_status st = check_keys(&ld, node, keys, policy ? "policy" : "rule");
	if (st != AL_OK)
		return st;
	rule_entry *e = al_arena_calloc(&rules->arena, 1, sizeof(*e));
	if (e == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	al_rule *r = &e->rule;
	r->family = family;
	r->source_file = al_arena_strdup(&rules->arena, file);
	r->source_line = al_yaml_line(node);

	const char *generation = NULL;
	if ((st = get_string(&ld, node, "id", true, &r->id)) != AL_OK ||
	    (st = get_string(&ld, node, "name", !policy, &r->name)) != AL_OK ||
	    (st = get_string(&ld, node, "summary", true, &r->summary)) != AL_OK ||
	    (st = get_string(&ld, node, "message", true, &r->message)) != AL_OK ||
	    (st = get_string(&ld, node, "rationale", !policy, &r->rationale)) != AL_OK ||
	    (st = get_string(&ld, node, "fix", !policy, &r->fix)) != AL_OK ||
	    (st = get_string(&ld, node, "generation", false, &generation)) != AL_OK ||
	    (st = get_string(&ld, node, "tested-by", false, &r->tested_by)) != AL_OK)
		return st;
	yaml_node_t *idnode = al_yaml_map_get(doc, node, "id");
	if (!valid_id(r->id, family_prefix(family), policy)) {
		if (policy)
			return fail(&ld, idnode, "policy id '%s' must be upper-case letters, digits and dashes",
				    r->id, NULL);
		return fail(&ld, idnode, "id '%s' must be %s followed by three digits", r->id,
			    family_prefix(family));
	}
	if (r->name == NULL) {
		char *lower = al_arena_strdup(&rules->arena, r->id);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r->name = lower;
	}
	if (!valid_name(r->name))
		return fail(&ld, al_yaml_map_get(doc, node, "name"),
			    "name '%s' must be lower-case words joined by dashes", r->name, NULL);
	if (!policy)
		for (size_t i = 0; al_rule_retired_ids[i] != NULL; i++)
			if (strcasecmp(r->id, al_rule_retired_ids[i]) == 0)
				return fail(&ld, idnode, "%s was retired (%s); ids are never reused", r->id,
					    al_rule_retired_why[i]);
	if ((st = read_severity(&ld, node, r)) != AL_OK)
		return st;
	if (generation == NULL || strcmp(generation, "any") == 0)
		r->generation = AL_GENERATION_ANY;
	else if (strcmp(generation, "rfc7489") == 0)
		r->generation = AL_GENERATION_RFC7489;
	else if (strcmp(generation, "rfc9989") == 0)
		r->generation = AL_GENERATION_RFC9989;
	else
		return fail(&ld, al_yaml_map_get(doc, node, "generation"),
			    "generation '%s' is not any, rfc7489 or rfc9989", generation, NULL);
	char why[128];
	if (!al_template_valid(r->message, why, sizeof(why)))
		return fail(&ld, al_yaml_map_get(doc, node, "message"), "message: %s", why, NULL);

	yaml_node_t *refs = al_yaml_map_get(doc, node, "references");
	if (refs != NULL || !policy) {
		size_t n = al_yaml_seq_count(refs);
		if (!al_yaml_is_seq(refs) || n == 0)
			return fail(&ld, refs ? refs : node, "'references' must be a non-empty list",
				    NULL, NULL);
		const char **list = al_arena_calloc(&rules->arena, n, sizeof(*list));
		if (list == NULL)
			return al_error_set(err, AL_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			const char *s = al_yaml_scalar(al_yaml_seq_at(doc, refs, i));
			if (s == NULL || s[0] == '\0')
				return fail(&ld, refs, "references must be strings", NULL, NULL);
			list[i] = al_arena_strdup(&rules->arena, s);
		}
		r->references = list;
		r->reference_count = n;
	}

	yaml_node_t *check = al_yaml_map_get(doc, node, "check");
	if (check == NULL)
		return fail(&ld, node, "missing required key '%s'", "check", NULL);
	if (al_yaml_is_map(check)) {
		if ((st = read_decl(&ld, check, &e->decl)) != AL_OK)
			return st;
		r->check = "declarative";
	} else {
		const char *name = al_yaml_scalar(check);
		if (name == NULL)
			return fail(&ld, check, "'check' must name a C check or be a mapping", NULL, NULL);
		if (policy)
			return fail(&ld, check, "a policy's check must be a mapping (record, tag, pattern)",
				    NULL, NULL);
		bool known = false;
		for (const char *const *c = al_rules_check_names(); *c; c++)
			if (strcmp(*c, name) == 0)
				known = true;
		if (!known)
			return fail(&ld, check, "unknown check '%s'", name, NULL);
		r->check = al_arena_strdup(&rules->arena, name);
	}

	yaml_node_t *examples = al_yaml_map_get(doc, node, "examples");
	if (examples != NULL) {
		static const char *const ekeys[] = {"bad", "good", NULL};
		if (!al_yaml_is_map(examples))
			return fail(&ld, examples, "'examples' must have 'bad' and 'good' lists", NULL,
				    NULL);
		if ((st = check_keys(&ld, examples, ekeys, "examples")) != AL_OK)
			return st;
		if ((st = read_examples(&ld, al_yaml_map_get(doc, examples, "bad"), &r->bad,
					&r->bad_count)) != AL_OK ||
		    (st = read_examples(&ld, al_yaml_map_get(doc, examples, "good"), &r->good,
					&r->good_count)) != AL_OK)
			return st;
	}
	if (!policy && (r->bad_count == 0 || r->good_count == 0))
		return fail(&ld, examples ? examples : node,
			    "a rule needs at least one bad and one good example", NULL, NULL);
	bool illustration = false;
	for (size_t i = 0; i < r->bad_count; i++)
		if (r->bad[i].kind == AL_EXAMPLE_TEXT)
			illustration = true;
	if (illustration && r->tested_by == NULL)
		return fail(&ld, examples, "a rule with 'text' examples must name its test in 'tested-by'",
			    NULL, NULL);

	if (al_map_get(&rules->by_id, r->id) != NULL) {
		const al_rule *other = al_map_get(&rules->by_id, r->id);
		char where[300];
		snprintf(where, sizeof(where), "%s:%lu", other->source_file, other->source_line);
		return fail(&ld, idnode, "duplicate id '%s' (also in %s)", r->id, where);
	}
	if (al_map_get(&rules->by_name, r->name) != NULL)
		return fail(&ld, node, "duplicate name '%s'", r->name, NULL);
	if (!al_map_put(&rules->by_id, r->id, e) || !al_map_put(&rules->by_name, r->name, e) ||
	    !al_rules_push((void **)&rules->entries, &rules->count, &rules->capacity, sizeof(e), &e))
		return al_error_set(err, AL_ENOMEM, "out of memory");
	if (e->decl != NULL &&
	    !al_rules_push((void **)&rules->decls, &rules->decl_count, &rules->decl_capacity, sizeof(e), &e))
		return al_error_set(err, AL_ENOMEM, "out of memory");
	rules->sorted = false;
	return AL_OK;
}
