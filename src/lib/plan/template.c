/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rollout templates: plans/<name>.yaml (embedded at build time) or a file.
 * The loader is strict, like the rule registry's: unknown keys, missing keys,
 * values out of range, rule ids the registry does not know and steps that
 * enforce less than the step before them are errors naming the file and line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "plan/plan_internal.h"
#include "util/escape.h"
#include "util/file.h"
#include "util/yaml.h"

typedef struct loader {
	al_plan_template *tmpl;
	yaml_document_t *doc;
	const char *file;
	const al_rules *rules;
	al_error *err;
} loader;

static al_status fail(loader *ld, const yaml_node_t *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static al_status fail(loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return al_error_set(ld->err, AL_ECONFIG, "%s:%lu: %s", ld->file, al_yaml_line(node), msg);
}

static al_status nomem(loader *ld)
{
	return al_error_set(ld->err, AL_ENOMEM, "%s: out of memory", ld->file);
}

static al_status check_keys(loader *ld, yaml_node_t *map, const char *const *allowed, const char *what)
{
	if (!al_yaml_is_map(map))
		return fail(ld, map, "%s must be a mapping", what);
	for (size_t i = 0; i < al_yaml_map_count(map); i++) {
		yaml_node_t *k, *v;
		al_yaml_map_at(ld->doc, map, i, &k, &v);
		const char *key = al_yaml_scalar(k);
		if (key == NULL)
			return fail(ld, k, "%s keys must be strings", what);
		bool ok = false;
		for (const char *const *a = allowed; *a != NULL && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok) {
			char list[300] = "";
			for (const char *const *a = allowed; *a != NULL; a++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 a == allowed ? "" : ", ", *a);
			return fail(ld, k, "unknown key '%s' in %s (known: %s)", key, what, list);
		}
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *k2, *v2;
			al_yaml_map_at(ld->doc, map, j, &k2, &v2);
			const char *key2 = al_yaml_scalar(k2);
			if (key2 != NULL && strcmp(key, key2) == 0)
				return fail(ld, k, "duplicate key '%s' in %s", key, what);
		}
	}
	return AL_OK;
}

/* A string value: required or not, trimmed of the newline a block scalar leaves. */
static al_status get_text(loader *ld, yaml_node_t *map, const char *key, bool required,
			  const char **out)
{
	*out = NULL;
	yaml_node_t *v = al_yaml_map_get(ld->doc, map, key);
	if (v == NULL)
		return required ? fail(ld, map, "missing required key '%s'", key) : AL_OK;
	const char *s = al_yaml_scalar(v);
	if (s == NULL || al_yaml_is_null(v))
		return fail(ld, v, "'%s' must be a non-empty string", key);
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return fail(ld, v, "'%s' must be a non-empty string", key);
	if (n > AL_PLAN_MAX_TEXT)
		return fail(ld, v, "'%s' is longer than %u bytes", key, AL_PLAN_MAX_TEXT);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return fail(ld, v, "'%s' contains a control character", key);
	*out = al_arena_strndup(&ld->tmpl->arena, s, n);
	return *out != NULL ? AL_OK : nomem(ld);
}

static al_status get_days(loader *ld, yaml_node_t *map, const char *key, unsigned *out)
{
	yaml_node_t *v = al_yaml_map_get(ld->doc, map, key);
	if (v == NULL)
		return fail(ld, map, "missing required key '%s'", key);
	unsigned long n;
	if (!al_yaml_ulong(v, &n) || n > AL_PLAN_MAX_DAYS)
		return fail(ld, v, "'%s' must be a whole number of days from 0 to %d", key,
			    AL_PLAN_MAX_DAYS);
	*out = (unsigned)n;
	return AL_OK;
}

static bool parse_policy(const char *s, al_dmarc_policy *out)
{
	static const struct {
		const char *name;
		al_dmarc_policy policy;
	} names[] = {{"none", AL_DMARC_POLICY_NONE},
		     {"quarantine", AL_DMARC_POLICY_QUARANTINE},
		     {"reject", AL_DMARC_POLICY_REJECT}};
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].policy;
			return true;
		}
	}
	return false;
}

static al_status get_sub(loader *ld, yaml_node_t *map, const char *key, al_plan_tag_action *action,
			 al_dmarc_policy *policy)
{
	*action = AL_PLAN_TAG_KEEP;
	*policy = AL_DMARC_POLICY_UNSET;
	yaml_node_t *v = al_yaml_map_get(ld->doc, map, key);
	if (v == NULL)
		return AL_OK;
	const char *s = al_yaml_scalar(v);
	if (s != NULL && strcmp(s, "inherit") == 0) {
		*action = AL_PLAN_TAG_REMOVE;
		return AL_OK;
	}
	if (!parse_policy(s, policy))
		return fail(ld, v, "'%s' must be none, quarantine, reject or inherit", key);
	*action = AL_PLAN_TAG_SET;
	return AL_OK;
}

/* A list of rule ids the registry knows, in its spelling. */
static al_status get_rule_list(loader *ld, yaml_node_t *map, const char *key, const char *const **out,
			       size_t *count)
{
	*out = NULL;
	*count = 0;
	yaml_node_t *v = al_yaml_map_get(ld->doc, map, key);
	if (v == NULL || al_yaml_is_null(v))
		return AL_OK;
	if (!al_yaml_is_seq(v))
		return fail(ld, v, "'%s' must be a list of rule ids", key);
	size_t n = al_yaml_seq_count(v);
	if (n > AL_PLAN_MAX_GATES)
		return fail(ld, v, "'%s' has more than %d items", key, AL_PLAN_MAX_GATES);
	const char **ids = al_arena_calloc(&ld->tmpl->arena, n ? n : 1, sizeof(*ids));
	if (ids == NULL)
		return nomem(ld);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(ld->doc, v, i);
		const char *s = al_yaml_scalar(item);
		if (s == NULL)
			return fail(ld, item, "'%s' items must be rule ids", key);
		const al_rule *rule = al_rules_find(ld->rules, s);
		if (rule == NULL) {
			char *shown = al_escape_display_dup(s);
			al_status st = fail(ld, item, "'%s' is not a rule in the registry (see authlint rules)",
					    shown != NULL ? shown : "?");
			free(shown);
			return st;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(ids[j], rule->id) == 0)
				return fail(ld, item, "%s is listed twice in '%s'", rule->id, key);
		ids[i] = rule->id;
	}
	*out = ids;
	*count = n;
	return AL_OK;
}

static al_status get_confirm(loader *ld, yaml_node_t *gates, al_plan_gates *out)
{
	yaml_node_t *v = al_yaml_map_get(ld->doc, gates, "confirm");
	if (v == NULL || al_yaml_is_null(v))
		return AL_OK;
	if (!al_yaml_is_seq(v))
		return fail(ld, v, "'confirm' must be a list of checklist items");
	size_t n = al_yaml_seq_count(v);
	if (n > AL_PLAN_MAX_GATES)
		return fail(ld, v, "'confirm' has more than %d items", AL_PLAN_MAX_GATES);
	const char **items = al_arena_calloc(&ld->tmpl->arena, n ? n : 1, sizeof(*items));
	if (items == NULL)
		return nomem(ld);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = al_yaml_seq_at(ld->doc, v, i);
		const char *s = al_yaml_scalar(item);
		size_t len = s != NULL ? strlen(s) : 0;
		if (s == NULL || len == 0 || al_yaml_is_null(item))
			return fail(ld, item, "'confirm' items must be non-empty strings");
		if (len > AL_PLAN_MAX_TEXT)
			return fail(ld, item, "a 'confirm' item is longer than %u bytes", AL_PLAN_MAX_TEXT);
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
			len--;
		items[i] = al_arena_strndup(&ld->tmpl->arena, s, len);
		if (items[i] == NULL)
			return nomem(ld);
	}
	out->confirm = items;
	out->confirm_count = n;
	return AL_OK;
}

static al_status get_gates(loader *ld, yaml_node_t *map, al_plan_gates *out)
{
	memset(out, 0, sizeof(*out));
	yaml_node_t *g = al_yaml_map_get(ld->doc, map, "gates");
	if (g == NULL || al_yaml_is_null(g))
		return AL_OK;
	static const char *const keys[] = {"rules", "confirm", NULL};
	al_status st = check_keys(ld, g, keys, "gates");
	if (st == AL_OK)
		st = get_rule_list(ld, g, "rules", &out->rules, &out->rule_count);
	if (st == AL_OK)
		st = get_confirm(ld, g, out);
	return st;
}

static bool valid_step_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 40 || id[0] == '-' || id[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)id[i]) && !isdigit((unsigned char)id[i]) && id[i] != '-')
			return false;
	return true;
}

static const char *default_title(al_arena *arena, const al_plan_template_step *s)
{
	const char *word = s->policy == AL_DMARC_POLICY_NONE	     ? "Monitor"
			   : s->policy == AL_DMARC_POLICY_QUARANTINE ? "Quarantine"
								     : "Reject";
	if (s->pct >= 0 && s->pct < 100 && s->policy != AL_DMARC_POLICY_NONE)
		return al_arena_printf(arena, "%s %d%%%s", word, s->pct, s->testing ? " (t=y)" : "");
	return al_arena_printf(arena, "%s%s", word, s->testing ? " (t=y)" : "");
}

static al_status read_step(loader *ld, yaml_node_t *node, al_plan_template_step *s)
{
	static const char *const keys[] = {"id",   "title", "note",     "policy",	      "pct",
					   "t",	   "sp",    "np",	"min-days",	      "suggested-days",
					   "gates", "intends", NULL};
	al_status st = check_keys(ld, node, keys, "a step");
	if (st != AL_OK)
		return st;
	memset(s, 0, sizeof(*s));
	s->line = al_yaml_line(node);
	s->pct = -1;
	if ((st = get_text(ld, node, "id", true, &s->id)) != AL_OK)
		return st;
	if (!valid_step_id(s->id)) {
		char *shown = al_escape_display_dup(s->id);
		st = fail(ld, al_yaml_map_get(ld->doc, node, "id"),
			  "step id '%s' must be lower-case letters, digits and dashes (at most 40)",
			  shown != NULL ? shown : "?");
		free(shown);
		return st;
	}
	if ((st = get_text(ld, node, "title", false, &s->title)) != AL_OK ||
	    (st = get_text(ld, node, "note", false, &s->note)) != AL_OK)
		return st;
	yaml_node_t *v = al_yaml_map_get(ld->doc, node, "policy");
	if (v == NULL)
		return fail(ld, node, "step '%s' has no 'policy'", s->id);
	if (!parse_policy(al_yaml_scalar(v), &s->policy))
		return fail(ld, v, "'policy' must be none, quarantine or reject");
	if ((v = al_yaml_map_get(ld->doc, node, "pct")) != NULL) {
		unsigned long pct;
		if (!al_yaml_ulong(v, &pct) || pct > 100)
			return fail(ld, v, "'pct' must be a whole number from 0 to 100");
		if (s->policy == AL_DMARC_POLICY_NONE)
			return fail(ld, v, "'pct' has no effect with policy none");
		/* pct=100 is the default: the record leaves it out */
		s->pct = pct == 100 ? -1 : (int)pct;
	}
	if ((v = al_yaml_map_get(ld->doc, node, "t")) != NULL) {
		const char *t = al_yaml_scalar(v);
		if (t == NULL || (strcmp(t, "y") != 0 && strcmp(t, "n") != 0))
			return fail(ld, v, "'t' must be y or n");
		s->testing = t[0] == 'y';
		if (s->testing && s->policy == AL_DMARC_POLICY_NONE)
			return fail(ld, v, "'t: y' has no effect with policy none");
	}
	if ((st = get_sub(ld, node, "sp", &s->sp_action, &s->sp)) != AL_OK ||
	    (st = get_sub(ld, node, "np", &s->np_action, &s->np)) != AL_OK)
		return st;
	if ((st = get_days(ld, node, "min-days", &s->min_days)) != AL_OK ||
	    (st = get_days(ld, node, "suggested-days", &s->suggested_days)) != AL_OK)
		return st;
	if (s->suggested_days < s->min_days)
		return fail(ld, al_yaml_map_get(ld->doc, node, "suggested-days"),
			    "'suggested-days' (%u) is less than 'min-days' (%u)", s->suggested_days,
			    s->min_days);
	if ((st = get_gates(ld, node, &s->gates)) != AL_OK)
		return st;
	if ((st = get_rule_list(ld, node, "intends", &s->intends, &s->intend_count)) != AL_OK)
		return st;
	if (s->title == NULL && (s->title = default_title(&ld->tmpl->arena, s)) == NULL)
		return nomem(ld);
	return AL_OK;
}

static al_status read_hardening(loader *ld, yaml_node_t *root)
{
	al_plan_template_step *h = &ld->tmpl->hardening;
	memset(h, 0, sizeof(*h));
	h->id = "hardening";
	h->title = "Hardening";
	h->policy = AL_DMARC_POLICY_REJECT;
	h->pct = -1;
	h->min_days = 14;
	h->suggested_days = 28;
	yaml_node_t *node = al_yaml_map_get(ld->doc, root, "hardening");
	if (node == NULL)
		return AL_OK;
	static const char *const keys[] = {"min-days", "suggested-days", "gates", NULL};
	al_status st = check_keys(ld, node, keys, "hardening");
	if (st != AL_OK)
		return st;
	h->line = al_yaml_line(node);
	if ((st = get_days(ld, node, "min-days", &h->min_days)) != AL_OK ||
	    (st = get_days(ld, node, "suggested-days", &h->suggested_days)) != AL_OK)
		return st;
	if (h->suggested_days < h->min_days)
		return fail(ld, node, "'suggested-days' (%u) is less than 'min-days' (%u)",
			    h->suggested_days, h->min_days);
	return get_gates(ld, node, &h->gates);
}

static al_plan_policy step_policy(const al_plan_template_step *s)
{
	al_plan_policy p = {0};
	p.p = s->policy;
	p.pct = s->pct;
	p.t = s->testing;
	p.sp = s->sp_action == AL_PLAN_TAG_SET ? s->sp : AL_DMARC_POLICY_UNSET;
	p.np = s->np_action == AL_PLAN_TAG_SET ? s->np : AL_DMARC_POLICY_UNSET;
	p.rua = "mailto:dmarc@example.com";
	return p;
}

/* A step may not enforce less than the one before it, on either generation. */
static al_status check_order(loader *ld, yaml_node_t *steps)
{
	al_plan_template *t = ld->tmpl;
	for (size_t i = 1; i < t->step_count; i++) {
		al_plan_policy a = step_policy(&t->steps[i - 1]), b = step_policy(&t->steps[i]);
		unsigned a7, a9, b7, b9;
		al_plan_policy_strengths(&a, AL_DMARC_TARGET_DOMAIN, &a7, &a9);
		al_plan_policy_strengths(&b, AL_DMARC_TARGET_DOMAIN, &b7, &b9);
		if (b7 >= a7 && b9 >= a9)
			continue;
		bool rfc7489 = b7 < a7;
		al_arena scratch;
		al_arena_init(&scratch);
		const char *ta = al_plan_policy_text(&scratch, &a), *tb = al_plan_policy_text(&scratch, &b);
		al_plan_effect ea[3], eb[3];
		al_plan_effects_of(&scratch, ta, ta ? strlen(ta) : 0, ea);
		al_plan_effects_of(&scratch, tb, tb ? strlen(tb) : 0, eb);
		al_status st = fail(ld, al_yaml_seq_at(ld->doc, steps, i),
				    "step '%s' enforces less than step '%s' for RFC %s receivers (%s after %s)",
				    t->steps[i].id, t->steps[i - 1].id, rfc7489 ? "7489" : "9989",
				    rfc7489 ? eb[0].rfc7489_text : eb[0].rfc9989_text,
				    rfc7489 ? ea[0].rfc7489_text : ea[0].rfc9989_text);
		al_arena_clear(&scratch);
		return st;
	}
	return AL_OK;
}

static al_status read_template(loader *ld)
{
	yaml_node_t *root = al_yaml_root(ld->doc);
	if (root == NULL)
		return al_error_set(ld->err, AL_ECONFIG, "%s:1: the template is empty", ld->file);
	static const char *const keys[] = {"name", "summary", "description", "steps", "hardening", NULL};
	al_status st = check_keys(ld, root, keys, "a template");
	if (st != AL_OK)
		return st;
	al_plan_template *t = ld->tmpl;
	if ((st = get_text(ld, root, "name", true, &t->name)) != AL_OK ||
	    (st = get_text(ld, root, "summary", true, &t->summary)) != AL_OK ||
	    (st = get_text(ld, root, "description", false, &t->description)) != AL_OK)
		return st;
	if (!valid_step_id(t->name)) {
		char *shown = al_escape_display_dup(t->name);
		st = fail(ld, al_yaml_map_get(ld->doc, root, "name"),
			  "name '%s' must be lower-case letters, digits and dashes",
			  shown != NULL ? shown : "?");
		free(shown);
		return st;
	}
	yaml_node_t *steps = al_yaml_map_get(ld->doc, root, "steps");
	if (steps == NULL)
		return fail(ld, root, "missing required key 'steps'");
	size_t n = al_yaml_seq_count(steps);
	if (!al_yaml_is_seq(steps) || n == 0)
		return fail(ld, steps, "'steps' must be a non-empty list");
	if (n > AL_PLAN_MAX_STEPS)
		return fail(ld, steps, "'steps' has more than %d steps", AL_PLAN_MAX_STEPS);
	t->steps = al_arena_calloc(&t->arena, n, sizeof(*t->steps));
	if (t->steps == NULL)
		return nomem(ld);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *node = al_yaml_seq_at(ld->doc, steps, i);
		if ((st = read_step(ld, node, &t->steps[i])) != AL_OK)
			return st;
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->steps[j].id, t->steps[i].id) == 0)
				return fail(ld, node, "step id '%s' is used twice (first at line %lu)",
					    t->steps[i].id, t->steps[j].line);
		t->step_count = i + 1;
	}
	if ((st = read_hardening(ld, root)) != AL_OK)
		return st;
	return check_order(ld, steps);
}

al_status al_plan_template_load_buffer(al_plan_template **out, const char *label, const char *data,
				       size_t length, const al_rules *rules, al_error *err)
{
	*out = NULL;
	if (label == NULL || data == NULL || rules == NULL)
		return al_error_set(err, AL_EINVAL, "a template needs a label, text and a registry");
	if (length > AL_PLAN_MAX_TEMPLATE_BYTES)
		return al_error_set(err, AL_ELIMIT, "%s: larger than %u bytes", label,
				    AL_PLAN_MAX_TEMPLATE_BYTES);
	al_plan_template *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	al_arena_init(&t->arena);
	t->source = al_arena_strdup(&t->arena, label);
	yaml_document_t doc;
	al_error yerr = {0};
	al_status st = al_yaml_load_buffer(label, data, length, &doc, &yerr);
	if (st != AL_OK) {
		al_plan_template_free(t);
		/* the YAML error names the file and line already */
		return al_error_set(err, st == AL_ENOMEM ? st : AL_ECONFIG, "%s", yerr.message);
	}
	loader ld = {t, &doc, label, rules, err};
	st = t->source != NULL ? read_template(&ld) : nomem(&ld);
	yaml_document_delete(&doc);
	if (st != AL_OK) {
		al_plan_template_free(t);
		return st;
	}
	*out = t;
	return AL_OK;
}

al_status al_plan_template_load_file(al_plan_template **out, const char *path, const al_rules *rules,
				     al_error *err)
{
	*out = NULL;
	char *data = NULL;
	size_t length = 0;
	al_status st =
		al_file_read_all(path, "a plan template", AL_PLAN_MAX_TEMPLATE_BYTES, &data, &length, err);
	if (st != AL_OK)
		return st;
	st = al_plan_template_load_buffer(out, path, data, length, rules, err);
	free(data);
	return st;
}

const char *al_plan_template_builtin_at(size_t index)
{
	static char names[AL_PLAN_MAX_STEPS][48];
	if (index >= al_embedded_plans_count || index >= AL_PLAN_MAX_STEPS)
		return NULL;
	const char *path = al_embedded_plans[index].path;
	const char *dot = strrchr(path, '.');
	size_t n = dot != NULL ? (size_t)(dot - path) : strlen(path);
	if (n >= sizeof(names[index]))
		n = sizeof(names[index]) - 1;
	/* the same bytes every time: concurrent callers write what is already there */
	memcpy(names[index], path, n);
	names[index][n] = '\0';
	return names[index];
}

al_status al_plan_template_load_builtin(al_plan_template **out, const char *name,
					const al_rules *rules, al_error *err)
{
	*out = NULL;
	for (size_t i = 0; name != NULL && i < al_embedded_plans_count; i++) {
		const char *n = al_plan_template_builtin_at(i);
		if (n == NULL || strcmp(n, name) != 0)
			continue;
		char label[96];
		snprintf(label, sizeof(label), "plans/%s", al_embedded_plans[i].path);
		return al_plan_template_load_buffer(out, label, al_embedded_plans[i].data,
						    al_embedded_plans[i].size, rules, err);
	}
	char list[200] = "";
	for (size_t i = 0; al_plan_template_builtin_at(i) != NULL; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 al_plan_template_builtin_at(i));
	return al_error_set(err, AL_ENOENT, "no built-in template '%s' (there are: %s)",
			    name != NULL ? name : "", list);
}

void al_plan_template_free(al_plan_template *tmpl)
{
	if (tmpl == NULL)
		return;
	al_arena_clear(&tmpl->arena);
	free(tmpl);
}

const char *al_plan_template_name(const al_plan_template *t)
{
	return t->name;
}

const char *al_plan_template_summary(const al_plan_template *t)
{
	return t->summary;
}

const char *al_plan_template_description(const al_plan_template *t)
{
	return t->description;
}

const char *al_plan_template_source(const al_plan_template *t)
{
	return t->source;
}

size_t al_plan_template_step_count(const al_plan_template *t)
{
	return t->step_count;
}

const al_plan_template_step *al_plan_template_step_at(const al_plan_template *t, size_t index)
{
	return index < t->step_count ? &t->steps[index] : NULL;
}

const al_plan_template_step *al_plan_template_hardening(const al_plan_template *t)
{
	return &t->hardening;
}
