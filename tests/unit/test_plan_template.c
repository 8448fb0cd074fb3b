/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rollout templates: the built-in ones, and every error of a bad one with its file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_helpers.h"

static void test_builtins(void **state)
{
	(void)state;
	const char *want[] = {"cautious", "default", "fast", "rfc9989"};
	size_t n = 0;
	for (; al_plan_template_builtin_at(n) != NULL; n++) {
		assert_true(n < 4);
		assert_string_equal(al_plan_template_builtin_at(n), want[n]);
		al_plan_template *t = NULL;
		al_error err = {0};
		assert_int_equal(al_plan_template_load_builtin(&t, want[n], t_rules(), &err), AL_OK);
		assert_string_equal(al_plan_template_name(t), want[n]);
		char source[64];
		snprintf(source, sizeof(source), "plans/%s.yaml", want[n]);
		assert_string_equal(al_plan_template_source(t), source);
		assert_true(al_plan_template_step_count(t) >= 5);
		const al_plan_template_step *first = al_plan_template_step_at(t, 0);
		assert_int_equal(first->policy, AL_DMARC_POLICY_NONE);
		const al_plan_template_step *last =
			al_plan_template_step_at(t, al_plan_template_step_count(t) - 1);
		assert_int_equal(last->policy, AL_DMARC_POLICY_REJECT);
		assert_int_equal(last->pct, -1);
		assert_false(last->testing);
		for (size_t i = 0; i < al_plan_template_step_count(t); i++) {
			const al_plan_template_step *s = al_plan_template_step_at(t, i);
			assert_true(s->suggested_days >= s->min_days);
			/* the pct templates carry t=y on every partial step; rfc9989 uses no pct */
			if (strcmp(want[n], "rfc9989") == 0)
				assert_int_equal(s->pct, -1);
			else if (s->pct >= 0)
				assert_true(s->testing);
			if (s->policy != AL_DMARC_POLICY_NONE)
				assert_true(s->gates.rule_count > 0);
			assert_true(s->gates.confirm_count > 0);
		}
		al_plan_template_free(t);
	}
	assert_int_equal(n, 4);
	assert_null(al_plan_template_builtin_at(4));
}

static void test_default_ramp(void **state)
{
	(void)state;
	al_plan_template *t = NULL;
	al_error err = {0};
	assert_int_equal(al_plan_template_load_builtin(&t, "default", t_rules(), &err), AL_OK);
	static const struct {
		al_dmarc_policy p;
		int pct;
	} ramp[] = {{AL_DMARC_POLICY_NONE, -1},       {AL_DMARC_POLICY_QUARANTINE, 10},
		    {AL_DMARC_POLICY_QUARANTINE, 25}, {AL_DMARC_POLICY_QUARANTINE, 50},
		    {AL_DMARC_POLICY_QUARANTINE, 75}, {AL_DMARC_POLICY_QUARANTINE, -1},
		    {AL_DMARC_POLICY_REJECT, 10},     {AL_DMARC_POLICY_REJECT, 25},
		    {AL_DMARC_POLICY_REJECT, 50},     {AL_DMARC_POLICY_REJECT, 75},
		    {AL_DMARC_POLICY_REJECT, -1}};
	assert_int_equal(al_plan_template_step_count(t), 11);
	for (size_t i = 0; i < 11; i++) {
		const al_plan_template_step *s = al_plan_template_step_at(t, i);
		assert_int_equal(s->policy, ramp[i].p);
		assert_int_equal(s->pct, ramp[i].pct);
		assert_int_equal(s->testing, ramp[i].pct >= 0);
		/* 2-4 weeks a step */
		assert_int_equal(s->min_days, 14);
		assert_int_equal(s->suggested_days, 28);
	}
	/* np=reject comes with the first enforcing step */
	assert_int_equal(al_plan_template_step_at(t, 1)->np_action, AL_PLAN_TAG_SET);
	assert_int_equal(al_plan_template_step_at(t, 1)->np, AL_DMARC_POLICY_REJECT);
	assert_int_equal(al_plan_template_step_at(t, 0)->np_action, AL_PLAN_TAG_KEEP);
	assert_int_equal(al_plan_template_step_at(t, 0)->sp_action, AL_PLAN_TAG_KEEP);
	assert_null(al_plan_template_step_at(t, 11));
	assert_int_equal(al_plan_template_hardening(t)->min_days, 14);
	al_plan_template_free(t);

	assert_int_equal(al_plan_template_load_builtin(&t, "nope", t_rules(), &err), AL_ENOENT);
	assert_non_null(strstr(err.message, "default"));
	assert_null(t);
}

#define HEAD "name: t\nsummary: a test\nsteps:\n"
#define MON "  - {id: monitor, policy: none, min-days: 7, suggested-days: 14}\n"

static void load_fails(const char *yaml, const char *want)
{
	al_plan_template *t = NULL;
	al_error err = {0};
	al_status st = al_plan_template_load_buffer(&t, "t.yaml", yaml, strlen(yaml), t_rules(), &err);
	if (st == AL_OK || strstr(err.message, want) == NULL) {
		fprintf(stderr, "want an error containing '%s', got %s: %s\n", want, al_status_name(st),
			err.message);
		fail();
	}
	assert_null(t);
}

static void test_errors(void **state)
{
	(void)state;
	load_fails("", "t.yaml:1: the template is empty");
	load_fails("name: [", "t.yaml:2: did not find expected node content");
	load_fails("- a\n- b\n", "t.yaml:1: a template must be a mapping");
	load_fails("name: t\nsummary: s\n", "missing required key 'steps'");
	load_fails("name: t\nsteps: []\nsummary: s\n", "t.yaml:2: 'steps' must be a non-empty list");
	load_fails(HEAD MON "colour: blue\n", "t.yaml:5: unknown key 'colour' in a template");
	load_fails(HEAD "  - id: monitor\n    policy: none\n    min-days: 7\n    suggested-days: 7\n    pcts: 5\n",
		   "t.yaml:8: unknown key 'pcts' in a step");
	load_fails(HEAD "  - {id: monitor, min-days: 7, suggested-days: 7}\n", "t.yaml:4: step 'monitor' has no 'policy'");
	load_fails(HEAD "  - {id: m, policy: block, min-days: 7, suggested-days: 7}\n",
		   "'policy' must be none, quarantine or reject");
	load_fails(HEAD "  - {id: q, policy: quarantine, pct: 101, min-days: 7, suggested-days: 7}\n",
		   "'pct' must be a whole number from 0 to 100");
	load_fails(HEAD "  - {id: q, policy: quarantine, pct: -5, min-days: 7, suggested-days: 7}\n",
		   "'pct' must be a whole number");
	load_fails(HEAD "  - {id: n, policy: none, pct: 50, min-days: 7, suggested-days: 7}\n",
		   "'pct' has no effect with policy none");
	load_fails(HEAD "  - {id: n, policy: none, t: y, min-days: 7, suggested-days: 7}\n",
		   "'t: y' has no effect with policy none");
	load_fails(HEAD "  - {id: q, policy: quarantine, t: yes, min-days: 7, suggested-days: 7}\n",
		   "'t' must be y or n");
	load_fails(HEAD "  - {id: q, policy: quarantine, sp: maybe, min-days: 7, suggested-days: 7}\n",
		   "'sp' must be none, quarantine, reject or inherit");
	load_fails(HEAD "  - {id: q, policy: quarantine, min-days: 400, suggested-days: 400}\n",
		   "'min-days' must be a whole number of days from 0 to 365");
	load_fails(HEAD "  - {id: q, policy: quarantine, min-days: 14, suggested-days: 7}\n",
		   "'suggested-days' (7) is less than 'min-days' (14)");
	load_fails(HEAD "  - {id: q, policy: quarantine, suggested-days: 7}\n", "missing required key 'min-days'");
	load_fails(HEAD "  - {id: Quarantine, policy: quarantine, min-days: 7, suggested-days: 7}\n",
		   "step id 'Quarantine' must be lower-case");
	load_fails(HEAD MON MON, "t.yaml:5: step id 'monitor' is used twice (first at line 4)");
	load_fails(HEAD "  - id: q\n    policy: quarantine\n    min-days: 7\n    suggested-days: 7\n"
			"    gates:\n      rules: [SPF001, XYZ999]\n",
		   "t.yaml:9: 'XYZ999' is not a rule in the registry");
	load_fails(HEAD "  - id: q\n    policy: quarantine\n    min-days: 7\n    suggested-days: 7\n"
			"    gates:\n      rules: [SPF001, spf-multiple-records]\n",
		   "SPF001 is listed twice in 'rules'");
	load_fails(HEAD "  - id: q\n    policy: quarantine\n    min-days: 7\n    suggested-days: 7\n"
			"    gates:\n      confirm: [\"\"]\n",
		   "'confirm' items must be non-empty strings");
	load_fails(HEAD "  - id: q\n    policy: quarantine\n    min-days: 7\n    suggested-days: 7\n"
			"    gates:\n      check: [SPF001]\n",
		   "unknown key 'check' in gates");
	load_fails(HEAD "  - id: q\n    policy: quarantine\n    min-days: 7\n    suggested-days: 7\n"
			"    intends: [NOPE001]\n",
		   "'NOPE001' is not a rule in the registry");
	/* a step that enforces less than the one before it */
	load_fails(HEAD "  - {id: q, policy: quarantine, min-days: 7, suggested-days: 7}\n"
			"  - {id: q50, policy: quarantine, pct: 50, t: y, min-days: 7, suggested-days: 7}\n",
		   "t.yaml:5: step 'q50' enforces less than step 'q' for RFC 7489 receivers "
		   "(quarantine 50%, rest none after quarantine)");
	load_fails(HEAD "  - {id: q50, policy: quarantine, pct: 50, min-days: 7, suggested-days: 7}\n"
			"  - {id: q75, policy: quarantine, pct: 75, t: y, min-days: 7, suggested-days: 7}\n",
		   "step 'q75' enforces less than step 'q50' for RFC 9989 receivers "
		   "(none (t=y lowers quarantine) after quarantine)");
	load_fails(HEAD MON "hardening: {min-days: 3}\n", "missing required key 'suggested-days'");
	load_fails("name: Bad Name\nsummary: s\nsteps:\n" MON, "name 'Bad Name' must be lower-case");
	/* control bytes in text are refused, and ids are shown escaped */
	load_fails(HEAD "  - {id: \"a\\e\", policy: none, min-days: 7, suggested-days: 7}\n",
		   "t.yaml:4: 'id' contains a control character");
	load_fails(HEAD "  - {id: \"\xc3\x84\", policy: none, min-days: 7, suggested-days: 7}\n",
		   "step id '\xc3\x84' must be lower-case");
	load_fails(HEAD "  - {id: m, title: \"x\\ey\", policy: none, min-days: 7, suggested-days: 7}\n",
		   "'title' contains a control character");
}

static void test_good_custom(void **state)
{
	(void)state;
	const char *yaml = HEAD MON
		"  - id: quarantine-half\n"
		"    title: Half\n"
		"    policy: quarantine\n"
		"    pct: 50\n"
		"    t: y\n"
		"    sp: inherit\n"
		"    np: reject\n"
		"    min-days: 10\n"
		"    suggested-days: 20\n"
		"    intends: [DMARC004]\n"
		"    gates:\n"
		"      rules: [spf-multiple-records]\n"
		"      confirm:\n"
		"        - Reports read\n"
		"  - {id: full, policy: quarantine, pct: 100, min-days: 0, suggested-days: 0}\n";
	al_plan_template *t = NULL;
	al_error err = {0};
	assert_int_equal(al_plan_template_load_buffer(&t, "custom.yaml", yaml, strlen(yaml), t_rules(), &err),
			 AL_OK);
	assert_string_equal(al_plan_template_source(t), "custom.yaml");
	const al_plan_template_step *s = al_plan_template_step_at(t, 1);
	assert_string_equal(s->title, "Half");
	assert_int_equal(s->line, 5);
	assert_int_equal(s->sp_action, AL_PLAN_TAG_REMOVE);
	assert_int_equal(s->np_action, AL_PLAN_TAG_SET);
	assert_int_equal(s->gates.rule_count, 1);
	/* names resolve to ids */
	assert_string_equal(s->gates.rules[0], "SPF001");
	assert_string_equal(s->gates.confirm[0], "Reports read");
	assert_string_equal(s->intends[0], "DMARC004");
	/* a default title; pct: 100 is the default and is not written */
	const al_plan_template_step *full = al_plan_template_step_at(t, 2);
	assert_string_equal(full->title, "Quarantine");
	assert_int_equal(full->pct, -1);
	assert_string_equal(al_plan_template_step_at(t, 0)->title, "Monitor");
	/* no hardening section: the defaults */
	assert_int_equal(al_plan_template_hardening(t)->min_days, 14);
	assert_int_equal(al_plan_template_hardening(t)->suggested_days, 28);
	al_plan_template_free(t);
}

static void test_file(void **state)
{
	(void)state;
	al_plan_template *t = NULL;
	al_error err = {0};
	assert_int_equal(al_plan_template_load_file(&t, "/nonexistent/plan.yaml", t_rules(), &err), AL_ENOENT);
	assert_non_null(strstr(err.message, "/nonexistent/plan.yaml"));
	assert_int_equal(al_plan_template_load_file(&t, t_source_path("plans/fast.yaml"), t_rules(), &err), AL_OK);
	assert_string_equal(al_plan_template_name(t), "fast");
	al_plan_template_free(t);
	al_plan_template_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_default_ramp),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_good_custom),
		cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
