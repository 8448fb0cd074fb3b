/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Declarative rules and organisation policies: a tag (DMARC, DKIM) or term
 * (SPF) of a record must be present or absent, or each of its values must (not)
 * match a PCRE2 pattern or lie in a set.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#include <strings.h>

#include "check/lint_internal.h"
#include "record/tagvalue.h"
#include "rules_internal.h"
#include "util/arena.h"

typedef struct value {
	size_t start, length;
} value;

#define MAX_VALUES 256

/* Is the tag list-valued, and with which separator? */
static char list_separator(al_kind kind, const char *tag)
{
	if (kind == AL_KIND_DMARC && (strcasecmp(tag, "rua") == 0 || strcasecmp(tag, "ruf") == 0))
		return ',';
	if (kind == AL_KIND_DMARC && strcasecmp(tag, "fo") == 0)
		return ':';
	if (kind == AL_KIND_DKIM && (strcmp(tag, "h") == 0 || strcmp(tag, "s") == 0 || strcmp(tag, "k") == 0))
		return ':';
	return 0;
}

static size_t split(const char *t, size_t start, size_t length, char sep, value *out, size_t n, size_t max)
{
	size_t end = start + length, s = start;
	for (size_t i = start; i <= end && n < max; i++) {
		if (i == end || t[i] == sep) {
			size_t a = s, b = i;
			while (a < b && (t[a] == ' ' || t[a] == '\t'))
				a++;
			while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t'))
				b--;
			out[n++] = (value){a, b - a};
			s = i + 1;
		}
	}
	return n;
}

/* Values of @p tag in a DMARC or DKIM record; returns count, *present. */
static size_t tag_values(al_lint *lint, const al_subject *s, const char *tag, value *out, bool *present)
{
	al_taglist list;
	*present = false;
	if (al_tagvalue_parse(s->text, s->length, al_lint_unit_arena(lint), &list) != AL_OK)
		return 0;
	bool cs = s->kind == AL_KIND_DKIM;
	char sep = list_separator(s->kind, tag);
	size_t n = 0;
	for (size_t i = 0; i < list.count; i++) {
		const al_tv_tag *t = &list.tags[i];
		size_t k = strlen(tag);
		if (t->name_length != k || (cs ? strncmp(s->text + t->name_start, tag, k)
					       : strncasecmp(s->text + t->name_start, tag, k)) != 0)
			continue;
		*present = true;
		if (sep)
			n = split(s->text, t->value_start, t->value_length, sep, out, n, MAX_VALUES);
		else if (n < MAX_VALUES)
			out[n++] = (value){t->value_start, t->value_length};
	}
	return n;
}

/* Values of SPF terms named @p tag ("include", "ip4", "redirect", "all"). */
static size_t spf_values(const al_subject *s, const char *tag, value *out, bool *present)
{
	const char *t = s->text;
	size_t n = 0, i = 0, len = s->length;
	size_t k = strlen(tag);
	*present = false;
	while (i < len && n < MAX_VALUES) {
		while (i < len && t[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && t[i] != ' ')
			i++;
		size_t end = i;
		if (end == start)
			break;
		size_t p = start;
		if (t[p] == '+' || t[p] == '-' || t[p] == '~' || t[p] == '?')
			p++;
		if (end - p < k || strncasecmp(t + p, tag, k) != 0)
			continue;
		size_t q = p + k;
		if (q == end) {
			*present = true;
			out[n++] = (value){start, end - start};
		} else if (t[q] == ':' || t[q] == '=' || t[q] == '/') {
			*present = true;
			size_t v = (t[q] == '/') ? q : q + 1;
			out[n++] = (value){v, end - v};
		}
	}
	return n;
}

static bool matches(const al_decl *d, const char *text, size_t length)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(d->code, NULL);
	if (md == NULL)
		return false;
	int rc = pcre2_match(d->code, (PCRE2_SPTR)text, length, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

void al_check_declarative(const al_check_args *args)
{
	const al_subject *s = args->subject;
	al_lint *lint = args->lint;
	const al_rules *rules = al_lint_rules(lint);
	if (s == NULL)
		return;
	for (size_t r = 0; r < al_rules_decl_count(rules); r++) {
		const al_rule *rule = al_rules_decl_at(rules, r);
		const al_decl *d = al_rule_decl(rule);
		if (d == NULL || d->record != s->kind)
			continue;
		if (d->domain != NULL && (s->domain == NULL || !al_name_is_subdomain(s->domain, d->domain)))
			continue;
		if (!al_lint_rule_on(lint, rule))
			continue;
		value vals[MAX_VALUES];
		bool present = false;
		size_t n;
		if (d->tag == NULL) {
			vals[0] = (value){0, s->length};
			n = 1;
			present = true;
		} else if (s->kind == AL_KIND_SPF) {
			n = spf_values(s, d->tag, vals, &present);
		} else {
			n = tag_values(lint, s, d->tag, vals, &present);
		}
		if (d->op == AL_DECL_PRESENT || d->op == AL_DECL_ABSENT) {
			if ((d->op == AL_DECL_PRESENT) == present)
				continue;
			al_finding *f = al_finding_begin_rule(lint, rule, s);
			al_finding_arg(f, "tag", "%s", d->tag);
			if (present && n > 0) {
				al_finding_span(f, vals[0].start, vals[0].length);
				al_finding_arg(f, "value", "%.*s", (int)vals[0].length, s->text + vals[0].start);
			}
			al_finding_end(lint, f);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const char *v = s->text + vals[i].start;
			size_t vl = vals[i].length;
			bool bad;
			if (d->op == AL_DECL_VALUES) {
				bad = true;
				for (size_t j = 0; j < d->value_count; j++)
					if (strlen(d->values[j]) == vl && strncasecmp(d->values[j], v, vl) == 0)
						bad = false;
			} else {
				bool m = matches(d, v, vl);
				bad = d->op == AL_DECL_PATTERN ? !m : m;
			}
			if (!bad)
				continue;
			al_finding *f = al_finding_begin_rule(lint, rule, s);
			al_finding_span(f, vals[i].start, vl);
			al_finding_arg(f, "tag", "%s", d->tag ? d->tag : "record");
			al_finding_arg(f, "value", "%.*s", (int)vl, v);
			if (d->pattern)
				al_finding_arg(f, "pattern", "%s", d->pattern);
			al_finding_end(lint, f);
		}
	}
}
