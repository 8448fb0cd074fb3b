/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Running an OpenSPF test suite (rfc7208-tests.yml format) through
 * check_host(): each document is a scenario with its zonedata (served by the
 * fixture backend) and its tests. A test passes when the result is one of the
 * accepted results and, when it names one, the explanation is the same (the
 * reference driver's default explanation is "DEFAULT").
 */
#include <stdlib.h>
#include <string.h>

#include <authlint/spf_eval.h>

#include "dns/fixture.h"
#include "util/arena.h"
#include "util/yaml.h"

#define MAX_EXPECTED 8

al_status al_spf_fixture_source(al_source **out, const char *path, const char *scenario, al_error *err)
{
	return al_fixture_source_open(path, NULL, 0, scenario, out, err);
}

al_status al_spf_fixture_source_text(al_source **out, const char *label, const char *text, size_t length,
				     const char *scenario, al_error *err)
{
	if (text == NULL)
		return AL_EINVAL;
	return al_fixture_source_open(label, text, length, scenario, out, err);
}

/* The reference driver's mapping of old result names. */
static const char *modern(const char *r)
{
	if (strcmp(r, "unknown") == 0)
		return "permerror";
	if (strcmp(r, "error") == 0)
		return "temperror";
	return r;
}

static const char *scalar_or_null(yaml_node_t *n)
{
	return al_yaml_is_scalar(n) ? al_yaml_scalar(n) : NULL;
}

/* spec: a string or a list of strings, joined with ", ". */
static const char *spec_text(al_arena *arena, yaml_document_t *doc, yaml_node_t *n)
{
	if (al_yaml_is_scalar(n))
		return al_yaml_scalar(n);
	if (!al_yaml_is_seq(n))
		return NULL;
	char buf[256];
	size_t pos = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < al_yaml_seq_count(n) && pos + 2 < sizeof(buf); i++) {
		const char *s = scalar_or_null(al_yaml_seq_at(doc, n, i));
		if (s != NULL)
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? ", " : "", s);
	}
	return al_arena_strdup(arena, buf);
}

static void run_test(al_source *dns, const char *scenario, yaml_document_t *doc, yaml_node_t *id,
		     yaml_node_t *test, bool trace, al_spf_suite_fn fn, void *userdata,
		     al_spf_suite_totals *totals)
{
	al_arena arena;
	al_arena_init(&arena);
	al_spf_suite_case c;
	memset(&c, 0, sizeof(c));
	c.scenario = scenario;
	c.id = scalar_or_null(id);
	c.spec = spec_text(&arena, doc, al_yaml_map_get(doc, test, "spec"));
	c.host = scalar_or_null(al_yaml_map_get(doc, test, "host"));
	c.mailfrom = scalar_or_null(al_yaml_map_get(doc, test, "mailfrom"));
	c.helo = scalar_or_null(al_yaml_map_get(doc, test, "helo"));
	c.explanation = scalar_or_null(al_yaml_map_get(doc, test, "explanation"));
	const char *expected[MAX_EXPECTED];
	yaml_node_t *result = al_yaml_map_get(doc, test, "result");
	if (al_yaml_is_seq(result)) {
		for (size_t i = 0; i < al_yaml_seq_count(result) && c.expected_count < MAX_EXPECTED; i++) {
			const char *r = scalar_or_null(al_yaml_seq_at(doc, result, i));
			if (r != NULL)
				expected[c.expected_count++] = modern(r);
		}
	} else if (al_yaml_is_scalar(result)) {
		expected[c.expected_count++] = modern(al_yaml_scalar(result));
	}
	c.expected = expected;
	al_spf_outcome *outcome = NULL;
	al_error err = {0};
	if (c.expected_count == 0) {
		c.why = "the test has no result";
	} else if (c.host == NULL) {
		c.why = "the test has no host";
	} else {
		al_spf_request req = {0};
		req.ip = c.host;
		req.sender = c.mailfrom;
		req.helo = c.helo;
		req.trace = trace;
		if (al_spf_check_host(dns, &req, &outcome, &err) != AL_OK) {
			c.why = al_arena_printf(&arena, "check_host() could not run: %s", err.message);
		} else {
			c.outcome = outcome;
			const char *got = al_spf_result_name(outcome->result);
			bool ok = false;
			for (size_t i = 0; i < c.expected_count; i++)
				if (strcmp(got, expected[i]) == 0)
					ok = true;
			c.preferred = strcmp(got, expected[0]) == 0;
			const char *exp = outcome->explanation ? outcome->explanation : "DEFAULT";
			if (!ok)
				c.why = al_arena_printf(&arena, "got %s, expected %s", got, expected[0]);
			else if (c.explanation != NULL && strcmp(c.explanation, exp) != 0)
				c.why = al_arena_printf(&arena, "explanation '%s', expected '%s'", exp,
							c.explanation);
			else
				c.passed = true;
		}
	}
	if (c.passed) {
		totals->passed++;
		if (!c.preferred)
			totals->not_preferred++;
	} else {
		totals->failed++;
	}
	if (fn != NULL)
		fn(userdata, &c);
	al_spf_outcome_free(outcome);
	al_arena_clear(&arena);
}

typedef struct suite_state {
	const char *path;
	const char *only;
	bool trace;
	al_spf_suite_fn fn;
	void *userdata;
	al_spf_suite_totals *totals;
} suite_state;

/* One scenario: its zonedata as DNS, then its tests. */
static al_status run_scenario(void *userdata, yaml_document_t *doc, yaml_node_t *root, bool *stop, al_error *err)
{
	(void)stop;
	suite_state *ss = userdata;
	yaml_node_t *tests = al_yaml_map_get(doc, root, "tests");
	const char *scenario = scalar_or_null(al_yaml_map_get(doc, root, "description"));
	if (!al_yaml_is_map(tests))
		return al_error_set(err, AL_ESYNTAX, "%s:%lu: a scenario without tests", ss->path, al_yaml_line(root));
	al_source *dns = NULL;
	al_status st = al_fixture_source_from_node(doc, al_yaml_map_get(doc, root, "zonedata"), ss->path, &dns, err);
	if (st != AL_OK)
		return st;
	for (size_t i = 0; i < al_yaml_map_count(tests); i++) {
		yaml_node_t *k, *v;
		if (!al_yaml_map_at(doc, tests, i, &k, &v))
			continue;
		if (ss->only != NULL && (!al_yaml_is_scalar(k) || strcmp(al_yaml_scalar(k), ss->only) != 0))
			continue;
		run_test(dns, scenario ? scenario : "", doc, k, v, ss->trace, ss->fn, ss->userdata, ss->totals);
	}
	al_source_free(dns);
	return AL_OK;
}

static al_status suite_run(const char *path, const char *text, size_t length, const char *only, bool trace,
			   al_spf_suite_fn fn, void *userdata, al_spf_suite_totals *totals, al_error *err)
{
	memset(totals, 0, sizeof(*totals));
	suite_state ss = {path, only, trace, fn, userdata, totals};
	size_t documents = 0;
	al_status st = al_fixture_foreach_document(path, text, length, run_scenario, &ss, &documents, err);
	if (st == AL_OK && documents == 0)
		st = al_error_set(err, AL_ESYNTAX, "%s: no scenario in the file", path);
	return st;
}

al_status al_spf_suite_run(const char *path, const char *only, bool trace, al_spf_suite_fn fn,
			   void *userdata, al_spf_suite_totals *totals, al_error *err)
{
	return suite_run(path, NULL, 0, only, trace, fn, userdata, totals, err);
}

al_status al_spf_suite_run_text(const char *label, const char *text, size_t length, const char *only,
				bool trace, al_spf_suite_fn fn, void *userdata, al_spf_suite_totals *totals,
				al_error *err)
{
	if (text == NULL)
		return AL_EINVAL;
	return suite_run(label, text, length, only, trace, fn, userdata, totals, err);
}
