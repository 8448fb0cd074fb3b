/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plan_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void t_plan_options(t_plan *t, const char *tmpl_name, const char *start)
{
	memset(t, 0, sizeof(*t));
	al_error err = {0};
	if (al_plan_template_load_builtin(&t->tmpl, tmpl_name, t_rules(), &err) != AL_OK) {
		fprintf(stderr, "template %s: %s\n", tmpl_name, err.message);
		fail();
	}
	t->options.rules = t_rules();
	t->options.psl = t_psl();
	t->options.plan_template = t->tmpl;
	t->options.offline = true;
	static const char *const selectors[] = {"s1"};
	t->options.selectors = selectors;
	t->options.selector_count = 1;
	assert_int_equal(al_date_parse(start, &t->options.start), AL_OK);
}

void t_plan_zone(t_plan *t, const char *zone_text)
{
	al_zone_options zo = {0};
	zo.origin = "example.com";
	assert_int_equal(al_zone_new(&t->zone, &zo), AL_OK);
	al_error err = {0};
	assert_int_equal(al_zone_load_text(t->zone, "<test>", zone_text, strlen(zone_text), &err), AL_OK);
	assert_int_equal(al_zone_problem_count(t->zone), 0);
	assert_int_equal(al_source_new_zone(&t->source, t->zone), AL_OK);
	t->options.source = t->source;
}

const al_plan *t_plan_build(t_plan *t, const char *domain)
{
	al_error err = {0};
	al_status st = al_plan_build(&t->options, domain, &t->plan, &err);
	if (st != AL_OK) {
		fprintf(stderr, "al_plan_build: %s\n", err.message);
		fail();
	}
	return t->plan;
}

void t_plan_free(t_plan *t)
{
	al_plan_free(t->plan);
	al_plan_template_free(t->tmpl);
	al_source_free(t->source);
	al_zone_free(t->zone);
	memset(t, 0, sizeof(*t));
}

const al_plan_step *t_step(const al_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->step_count; i++)
		if (strcmp(plan->steps[i].id, id) == 0)
			return &plan->steps[i];
	return NULL;
}

size_t t_plan_count(const al_plan *plan, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < al_findings_count(plan->findings); i++)
		if (strcmp(al_findings_at(plan->findings, i)->rule->id, id) == 0)
			n++;
	return n;
}

static int grow_write(void *ctx, const void *data, size_t length)
{
	char **buf = ctx;
	size_t old = *buf ? strlen(*buf) : 0;
	char *p = realloc(*buf, old + length + 1);
	if (p == NULL)
		return -1;
	memcpy(p + old, data, length);
	p[old + length] = '\0';
	*buf = p;
	return 0;
}

char *t_plan_write(const al_plan *plan, al_plan_format format, size_t *length)
{
	char *buf = NULL;
	al_sink sink = {grow_write, &buf};
	al_plan_write_options wo = {0};
	wo.dtstamp = "20261201T120000Z";
	wo.tool_version = "test";
	assert_int_equal(al_plan_write(plan, format, &wo, sink), AL_OK);
	assert_non_null(buf);
	if (length != NULL)
		*length = strlen(buf);
	return buf;
}
