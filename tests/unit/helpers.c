/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static al_rules *rules;

static void free_rules(void)
{
	al_rules_free(rules);
	rules = NULL;
}

static al_psl *psl;

static void free_psl(void)
{
	al_psl_free(psl);
	psl = NULL;
}

const al_psl *t_psl(void)
{
	if (psl == NULL) {
		al_error err = {0};
		/* the Public Suffix List of the tree, whatever is installed */
		if (al_psl_load_file(t_source_path("tests/data/psl/public_suffix_list.dat"), &psl, &err) != AL_OK) {
			fprintf(stderr, "cannot load the test Public Suffix List: %s\n", err.message);
			abort();
		}
		atexit(free_psl);
	}
	return psl;
}

const al_rules *t_rules(void)
{
	if (rules == NULL) {
		al_error err = {0};
		if (al_rules_load_builtin(&rules, &err) != AL_OK) {
			fprintf(stderr, "cannot load the built-in rules: %s\n", err.message);
			abort();
		}
		atexit(free_rules);
	}
	return rules;
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void collect(void *userdata, const al_diag *d)
{
	t_findings *f = userdata;
	if (f->count >= T_MAX_FINDINGS)
		return;
	t_finding *t = &f->items[f->count++];
	snprintf(t->id, sizeof(t->id), "%s", d->rule->id);
	t->message = dup0(d->message);
	t->owner = dup0(d->owner);
	t->context = dup0(d->context);
	t->line = d->location.line;
	t->column = d->location.column;
	t->severity = d->severity;
	t->generation = d->generation;
	t->span_start = d->span_start;
	t->span_length = d->span_length;
	t->waived = d->waived;
}

static al_lint *new_lint(al_source *source, const al_config *config, al_generation spec,
			 const char *const *selectors, size_t selector_count, t_findings *out)
{
	memset(out, 0, sizeof(*out));
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.config = config;
	o.source = source;
	o.offline = true;
	o.dmarc_spec = spec;
	o.selectors = selectors;
	o.selector_count = selector_count;
	o.on_diag = collect;
	o.userdata = out;
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	return lint;
}

void t_lint_zone_options(const char *zone_text, const char *origin, al_lint_options *o,
			 al_summary *summary)
{
	al_zone_options zo = {0};
	zo.origin = origin;
	al_zone *zone = NULL;
	assert_int_equal(al_zone_new(&zone, &zo), AL_OK);
	al_error err;
	al_zone_load_text(zone, "<test>", zone_text, strlen(zone_text), &err);
	al_source *zs = NULL, *top = NULL;
	assert_int_equal(al_source_new_zone(&zs, zone), AL_OK);
	assert_int_equal(al_source_new_layered(&top, zs, NULL), AL_OK);
	if (o->rules == NULL)
		o->rules = t_rules();
	if (o->psl == NULL)
		o->psl = t_psl();
	o->source = top;
	o->offline = true;
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, o), AL_OK);
	assert_int_equal(al_lint_zone(lint, zone), AL_OK);
	if (summary != NULL)
		*summary = *al_lint_summary(lint);
	al_lint_free(lint);
	al_source_free(top);
	al_source_free(zs);
	al_zone_free(zone);
}

void t_lint_zone_with(const char *zone_text, const char *origin, const al_config *config,
		      al_generation spec, t_findings *out)
{
	memset(out, 0, sizeof(*out));
	al_lint_options o = {0};
	o.psl = t_psl();
	o.config = config;
	o.dmarc_spec = spec;
	o.on_diag = collect;
	o.userdata = out;
	t_lint_zone_options(zone_text, origin, &o, &out->summary);
	out->status = AL_OK;
}

void t_lint_zone(const char *zone_text, const char *origin, t_findings *out)
{
	t_lint_zone_with(zone_text, origin, NULL, AL_GENERATION_ANY, out);
}

void t_lint_record_spec(al_kind kind, const char *text, const char *domain, al_generation spec,
			t_findings *out)
{
	al_lint *lint = new_lint(NULL, NULL, spec, NULL, 0, out);
	out->status = al_lint_record(lint, kind, text, strlen(text), domain, "<test>");
	out->summary = *al_lint_summary(lint);
	al_lint_free(lint);
}

void t_lint_record(al_kind kind, const char *text, const char *domain, t_findings *out)
{
	t_lint_record_spec(kind, text, domain, AL_GENERATION_ANY, out);
}

void t_lint_domain(al_source *source, const char *domain, const char *const *selectors,
		   size_t selector_count, t_findings *out)
{
	al_lint *lint = new_lint(source, NULL, AL_GENERATION_ANY, selectors, selector_count, out);
	out->status = al_lint_domain(lint, domain);
	out->summary = *al_lint_summary(lint);
	al_lint_free(lint);
}

size_t t_count(const t_findings *f, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].id, id) == 0)
			n++;
	return n;
}

bool t_has(const t_findings *f, const char *id)
{
	return t_count(f, id) > 0;
}

const t_finding *t_find(const t_findings *f, const char *id)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

const char *t_ids(const t_findings *f)
{
	static char buf[4096];
	size_t pos = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < f->count && pos + 40 < sizeof(buf); i++)
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? " " : "", f->items[i].id);
	return f->count ? buf : "(none)";
}

void t_findings_free(t_findings *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].message);
		free(f->items[i].owner);
		free(f->items[i].context);
	}
	f->count = 0;
}

const char *t_source_path(const char *relative)
{
	static char buf[4096];
	const char *root = getenv("AUTHLINT_SOURCE_ROOT");
	snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", relative);
	return buf;
}
