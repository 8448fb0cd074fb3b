/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every rule's bad examples raise it and its good examples do not; no rendered
 * message keeps a {placeholder}; every finding's span lies inside its record.
 */
#include "helpers.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool unfilled_placeholder(const char *m)
{
	for (const char *p = m; p && *p; p++) {
		if (*p != '{')
			continue;
		const char *q = p + 1;
		while (*q == '_' || *q == '-' || isalnum((unsigned char)*q))
			q++;
		if (*q == '}' && q > p + 1)
			return true;
	}
	return false;
}

static void run_example(const al_rule *rule, const al_rule_example *ex, t_findings *out)
{
	al_generation spec = AL_GENERATION_ANY;
	if (ex->dmarc_spec != NULL)
		spec = strcmp(ex->dmarc_spec, "7489") == 0 ? AL_GENERATION_RFC7489 : AL_GENERATION_RFC9989;
	(void)rule;
	switch (ex->kind) {
	case AL_EXAMPLE_SPF:
		t_lint_record_spec(AL_KIND_SPF, ex->text, ex->domain ? ex->domain : "example.com", spec, out);
		break;
	case AL_EXAMPLE_DMARC:
		t_lint_record_spec(AL_KIND_DMARC, ex->text, ex->domain ? ex->domain : "example.com", spec, out);
		break;
	case AL_EXAMPLE_DKIM:
		t_lint_record_spec(AL_KIND_DKIM, ex->text,
				   ex->domain ? ex->domain : "s1._domainkey.example.com", spec, out);
		break;
	case AL_EXAMPLE_ZONE:
		t_lint_zone_with(ex->text, ex->domain ? ex->domain : "example.com", NULL, spec, out);
		break;
	default:
		memset(out, 0, sizeof(*out));
		break;
	}
}

static void test_examples(void **state)
{
	(void)state;
	const al_rules *rules = t_rules();
	size_t failures = 0, checked = 0;
	static t_findings f;
	for (size_t i = 0; i < al_rules_count(rules); i++) {
		const al_rule *r = al_rules_at(rules, i);
		for (int good = 0; good < 2; good++) {
			const al_rule_example *list = good ? r->good : r->bad;
			size_t n = good ? r->good_count : r->bad_count;
			for (size_t k = 0; k < n; k++) {
				const al_rule_example *ex = &list[k];
				if (ex->kind == AL_EXAMPLE_TEXT)
					continue;
				run_example(r, ex, &f);
				checked++;
				bool has = t_has(&f, r->id);
				if (good ? has : !has) {
					fprintf(stderr, "%s:%lu: %s %s example %zu: %s raised, got: %s\n",
						r->source_file, ex->line, r->id, good ? "good" : "bad", k + 1,
						good ? "was" : "was not", t_ids(&f));
					failures++;
				}
				for (size_t j = 0; j < f.count; j++) {
					if (unfilled_placeholder(f.items[j].message)) {
						fprintf(stderr, "%s:%lu: %s example raised %s with an unfilled placeholder: %s\n",
							r->source_file, ex->line, r->id, f.items[j].id, f.items[j].message);
						failures++;
					}
				}
				t_findings_free(&f);
			}
		}
	}
	fprintf(stderr, "%zu examples checked, %zu failures\n", checked, failures);
	assert_true(checked > 0);
	assert_int_equal(failures, 0);
}

static void test_every_rule_has_examples(void **state)
{
	(void)state;
	const al_rules *rules = t_rules();
	for (size_t i = 0; i < al_rules_count(rules); i++) {
		const al_rule *r = al_rules_at(rules, i);
		assert_true(r->bad_count > 0);
		assert_true(r->good_count > 0);
		bool testable = false;
		for (size_t k = 0; k < r->bad_count; k++)
			if (r->bad[k].kind != AL_EXAMPLE_TEXT)
				testable = true;
		if (!testable && r->tested_by == NULL) {
			fprintf(stderr, "%s has no testable bad example and no tested-by\n", r->id);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_has_examples),
		cmocka_unit_test(test_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
