/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rule registry and the configuration: loading, lookups, strict errors with file:line. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_internal.h"

static char tmpdir[256];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/authlint-test-rules-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmp(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char good_rule[] =
	"id: SPF901\n"
	"name: test-rule\n"
	"severity: warning\n"
	"summary: a test\n"
	"message: \"{owner} is tested\"\n"
	"rationale: because\n"
	"references: [RFC 7208 section 1]\n"
	"fix: do nothing\n"
	"check:\n"
	"  record: spf\n"
	"  tag: include\n"
	"  not-pattern: 'evil\\.example$'\n"
	"examples:\n"
	"  bad:\n"
	"    - spf: v=spf1 include:evil.example -all\n"
	"  good:\n"
	"    - spf: v=spf1 -all\n";

static void test_builtin(void **state)
{
	(void)state;
	const al_rules *r = t_rules();
	assert_true(al_rules_count(r) >= 20);
	const al_rule *a = al_rules_find(r, "SPF001");
	assert_non_null(a);
	assert_string_equal(a->name, "spf-multiple-records");
	assert_ptr_equal(al_rules_find(r, "spf-multiple-records"), a);
	assert_ptr_equal(al_rules_find(r, "spf001"), a);
	assert_null(al_rules_find(r, "SPF999"));
	/* sorted by id */
	for (size_t i = 1; i < al_rules_count(r); i++)
		assert_true(strcmp(al_rules_at(r, i - 1)->id, al_rules_at(r, i)->id) < 0);
	assert_null(al_rules_at(r, al_rules_count(r)));
}

static void test_builtin_matches_tree(void **state)
{
	(void)state;
	al_rules *dir = NULL;
	al_error err = {0};
	assert_int_equal(al_rules_load_dir(&dir, t_source_path("rules"), &err), AL_OK);
	assert_int_equal(al_rules_count(dir), al_rules_count(t_rules()));
	for (size_t i = 0; i < al_rules_count(dir); i++)
		assert_string_equal(al_rules_at(dir, i)->id, al_rules_at(t_rules(), i)->id);
	al_rules_free(dir);
}

static void test_tested_by_exists(void **state)
{
	(void)state;
	const al_rules *r = t_rules();
	for (size_t i = 0; i < al_rules_count(r); i++) {
		const al_rule *rule = al_rules_at(r, i);
		if (rule->tested_by == NULL)
			continue;
		if (access(t_source_path(rule->tested_by), F_OK) != 0) {
			fprintf(stderr, "%s: tested-by %s does not exist\n", rule->id, rule->tested_by);
			fail();
		}
	}
}

static void expect_error(const char *rel, const char *text, const char *needle)
{
	write_file(rel, text);
	al_rules *rules = NULL;
	al_error err = {0};
	al_status st = al_rules_load_dir(&rules, tmpdir, &err);
	if (st == AL_OK || strstr(err.message, needle) == NULL) {
		fprintf(stderr, "expected an error with '%s', got status %s: %s\n", needle,
			al_status_name(st), err.message);
		al_rules_free(rules);
		fail();
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	unlink(path);
}

static void test_dir_errors(void **state)
{
	(void)state;
	write_file("spf/SPF901.yaml", good_rule);
	al_rules *rules = NULL;
	al_error err = {0};
	assert_int_equal(al_rules_load_dir(&rules, tmpdir, &err), AL_OK);
	assert_int_equal(al_rules_count(rules), 1);
	const al_rule *r = al_rules_find(rules, "test-rule");
	assert_non_null(r);
	assert_string_equal(r->check, "declarative");
	assert_int_equal(r->severity, AL_SEVERITY_WARNING);
	assert_int_equal(r->bad_count, 1);
	al_rules_free(rules);

	char buf[2048];
	/* unknown key */
	snprintf(buf, sizeof(buf), "%scolour: red\n", good_rule);
	expect_error("spf/SPF902.yaml", buf, "SPF902.yaml:18: unknown key 'colour'");
	/* duplicate id */
	expect_error("spf/SPF903.yaml", good_rule, "duplicate id 'SPF901'");
	/* id and file name */
	char *moved = strdup(good_rule);
	memcpy(strstr(moved, "SPF901"), "SPF904", 6);
	memcpy(strstr(moved, "test-rule"), "test-ruld", 9);
	expect_error("spf/SPF905.yaml", moved, "must live in SPF904.yaml");
	free(moved);
	/* unknown check */
	char *c = strdup(good_rule);
	char *chk = strstr(c, "check:\n");
	snprintf(buf, sizeof(buf), "%.*scheck: no-such-check\nexamples:\n  bad:\n    - spf: x\n  good:\n    - spf: y\n",
		 (int)(chk - c), c);
	free(c);
	char *renamed = strdup(buf);
	memcpy(strstr(renamed, "SPF901"), "SPF906", 6);
	expect_error("spf/SPF906.yaml", renamed, "unknown check 'no-such-check'");
	free(renamed);
	/* a pattern that does not compile */
	char *p = strdup(good_rule);
	memcpy(strstr(p, "SPF901"), "SPF907", 6);
	char *pat = strstr(p, "'evil\\.example$'");
	memcpy(pat, "'evil(.exampl$' ", 16);
	expect_error("spf/SPF907.yaml", p, "pattern does not compile");
	free(p);
	/* a wrong family prefix */
	char *f = strdup(good_rule);
	memcpy(strstr(f, "SPF901"), "DKIM91", 6);
	expect_error("spf/DKIM91.yaml", f, "must be SPF followed by three digits");
	free(f);
	/* a syntax error */
	expect_error("spf/SPF908.yaml", "id: [unclosed\n", "SPF908.yaml:");
	/* missing keys */
	expect_error("spf/SPF909.yaml", "id: SPF909\n", "missing required key");
}

/* DMARC018 and DMARC020 carry a severity per reading (severity: {rfc9989: .., rfc7489: ..}). */
static void test_severity_per_generation(void **state)
{
	(void)state;
	const al_rule *r = al_rules_find(t_rules(), "DMARC018");
	assert_non_null(r);
	assert_int_equal(r->severity, AL_SEVERITY_WARNING);
	assert_int_equal(r->severity_rfc7489, AL_SEVERITY_ERROR);
	assert_int_equal(al_rule_severity(r, AL_GENERATION_RFC9989), AL_SEVERITY_WARNING);
	assert_int_equal(al_rule_severity(r, AL_GENERATION_ANY), AL_SEVERITY_WARNING);
	assert_int_equal(al_rule_severity(r, AL_GENERATION_RFC7489), AL_SEVERITY_ERROR);
	/* a rule with one severity has it for both readings */
	const al_rule *one = al_rules_find(t_rules(), "SPF001");
	assert_int_equal(one->severity_rfc7489, one->severity);

	/* the finding takes the severity of the lint's reading */
	t_findings out;
	t_lint_record_spec(AL_KIND_DMARC, "v=DMARC1; rua=mailto:d@example.com; p=reject", "example.com",
			   AL_GENERATION_RFC9989, &out);
	assert_int_equal(t_count(&out, "DMARC020"), 1);
	assert_int_equal(t_find(&out, "DMARC020")->severity, AL_SEVERITY_NOTE);
	t_findings_free(&out);
	t_lint_record_spec(AL_KIND_DMARC, "v=DMARC1; rua=mailto:d@example.com; p=reject", "example.com",
			   AL_GENERATION_RFC7489, &out);
	assert_int_equal(t_count(&out, "DMARC020"), 1);
	assert_int_equal(t_find(&out, "DMARC020")->severity, AL_SEVERITY_WARNING);
	t_findings_free(&out);
	t_lint_record_spec(AL_KIND_DMARC, "v=DMARC1; rua=mailto:d@example.com", "example.com",
			   AL_GENERATION_RFC9989, &out);
	assert_int_equal(t_find(&out, "DMARC018")->severity, AL_SEVERITY_WARNING);
	t_findings_free(&out);
	t_lint_record_spec(AL_KIND_DMARC, "v=DMARC1; rua=mailto:d@example.com", "example.com",
			   AL_GENERATION_RFC7489, &out);
	assert_int_equal(t_count(&out, "DMARC018"), 1);
	assert_int_equal(t_find(&out, "DMARC018")->severity, AL_SEVERITY_ERROR);
	assert_int_equal(t_find(&out, "DMARC018")->generation, AL_GENERATION_RFC7489);
	t_findings_free(&out);

	/* a configuration override wins over both */
	al_config *c = NULL;
	al_error err = {0};
	write_file("authlint.yaml", "rules:\n  DMARC018: note\n");
	char path[512];
	snprintf(path, sizeof(path), "%s/authlint.yaml", tmpdir);
	assert_int_equal(al_config_load(&c, path, (al_rules *)t_rules(), &err), AL_OK);
	assert_int_equal(al_config_severity_for(c, r, AL_GENERATION_RFC7489), AL_SEVERITY_NOTE);
	assert_int_equal(al_config_severity_for(c, r, AL_GENERATION_RFC9989), AL_SEVERITY_NOTE);
	assert_int_equal(al_config_severity_for(NULL, r, AL_GENERATION_RFC7489), AL_SEVERITY_ERROR);
	al_config_free(c);
	unlink(path);

	/* the loader: both keys, known keys, real severities */
	char *map = strdup(good_rule);
	char buf[2048];
	char *sev = strstr(map, "severity: warning\n");
	snprintf(buf, sizeof(buf), "%.*sseverity: {rfc9989: note, rfc7489: error}\n%s", (int)(sev - map), map,
		 sev + strlen("severity: warning\n"));
	write_file("spf/SPF901.yaml", buf);
	al_rules *rules = NULL;
	assert_int_equal(al_rules_load_dir(&rules, tmpdir, &err), AL_OK);
	assert_int_equal(al_rules_find(rules, "SPF901")->severity, AL_SEVERITY_NOTE);
	assert_int_equal(al_rules_find(rules, "SPF901")->severity_rfc7489, AL_SEVERITY_ERROR);
	al_rules_free(rules);
	unlink(strcat(strcpy(path, tmpdir), "/spf/SPF901.yaml"));
	const char *bad[][2] = {
		{"severity: {rfc9989: note}\n", "needs both rfc9989 and rfc7489"},
		{"severity: {rfc9989: note, rfc7489: error, rfc4408: note}\n", "unknown key 'rfc4408' in severity"},
		{"severity: {rfc9989: note, rfc7489: loud}\n", "severity 'loud' is not error, warning or note"},
		{"severity: {rfc9989: off, rfc7489: note}\n", "severity 'off' is not error"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(sev - map), map, bad[i][0],
			 sev + strlen("severity: warning\n"));
		expect_error("spf/SPF901.yaml", buf, bad[i][1]);
	}
	free(map);
}

/* Retired ids (rules/RETIRED) are known to the loader and never come back. */
static void test_retired(void **state)
{
	(void)state;
	const char *const *retired = al_rules_retired();
	bool dmarc019 = false, dmarc021 = false;
	for (size_t i = 0; retired[i] != NULL; i++) {
		assert_null(al_rules_find(t_rules(), retired[i]));
		dmarc019 |= strcmp(retired[i], "DMARC019") == 0;
		dmarc021 |= strcmp(retired[i], "DMARC021") == 0;
	}
	assert_true(dmarc019);
	assert_true(dmarc021);
	/* a --rules-dir copy that brings one back is refused, naming the file */
	char buf[2048];
	snprintf(buf, sizeof(buf), "id: DMARC019\n%s", strchr(good_rule, '\n') + 1);
	expect_error("dmarc/DMARC019.yaml", buf, "DMARC019.yaml:1: DMARC019 was retired (merged into DMARC018");
}

static void collect_id(void *userdata, const al_diag *d)
{
	char *ids = userdata;
	size_t n = strlen(ids);
	snprintf(ids + n, 512 - n, "%s ", d->rule->id);
}

/*
 * A --rules-dir registry that leaves out rules the binary raises is not an
 * error: those rules are simply not raised (their constants map to no entry
 * when the lint is created), the rules it has work as usual.
 */
static void test_rules_dir_subset(void **state)
{
	(void)state;
	write_file("spf/SPF901.yaml", good_rule);
	al_rules *rules = NULL;
	al_error err = {0};
	assert_int_equal(al_rules_load_dir(&rules, tmpdir, &err), AL_OK);
	const char *zone = "example.com. 3600 IN TXT \"v=spf1 include:evil.example +all\"\n";
	char ids[512] = "";
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = rules;
	o.on_diag = collect_id;
	o.userdata = ids;
	t_lint_zone_options(zone, "example.com", &o, NULL);
	assert_string_equal(ids, "SPF901 ");
	/* the built-in registry raises more for the same record */
	t_findings out;
	t_lint_zone(zone, "example.com", &out);
	assert_true(out.count > 1);
	t_findings_free(&out);
	al_rules_free(rules);
	char path[512];
	snprintf(path, sizeof(path), "%s/spf/SPF901.yaml", tmpdir);
	unlink(path);
}

static void test_template_valid(void **state)
{
	(void)state;
	char why[128];
	assert_true(al_template_valid("{owner} has {count} records", why, sizeof(why)));
	assert_true(al_template_valid("literal {{braces}}", why, sizeof(why)));
	assert_false(al_template_valid("{owner has", why, sizeof(why)));
	assert_false(al_template_valid("{} empty", why, sizeof(why)));
	assert_false(al_template_valid("stray }", why, sizeof(why)));
}

/* ---- configuration ---- */

static al_config *load_config(const char *text, al_rules **rules, al_error *err, al_status *st)
{
	write_file("config/authlint.yaml", text);
	char path[512];
	snprintf(path, sizeof(path), "%s/config/authlint.yaml", tmpdir);
	al_error e = {0};
	assert_int_equal(al_rules_load_builtin(rules, &e), AL_OK);
	al_config *c = NULL;
	*st = al_config_load(&c, path, *rules, err);
	return c;
}

static void test_config(void **state)
{
	(void)state;
	al_rules *rules = NULL;
	al_error err = {0};
	al_status st;
	al_config *c = load_config(
		"# a comment\n"
		"rules:\n"
		"  SPF002: error\n"
		"  sender-id-record: off\n"
		"waivers:\n"
		"  - rule: SPF001\n"
		"    name: legacy.example.com\n"
		"    reason: migrating, OPS-1\n"
		"  - rule: DKIM001\n"
		"    name: '*.example.org'\n"
		"    reason: rotation\n"
		"    expires: 2020-01-01\n"
		"resolvers: [192.0.2.53, '[2001:db8::53]:5353']\n"
		"selectors: [s1, google]\n"
		"defaults:\n"
		"  fail-on: warning\n"
		"  dmarc-spec: '7489'\n"
		"policies:\n"
		"  - id: ACME001\n"
		"    severity: error\n"
		"    summary: reports go to the central mailbox\n"
		"    message: \"rua {value} is not the central mailbox\"\n"
		"    check:\n"
		"      record: dmarc\n"
		"      tag: rua\n"
		"      pattern: '^mailto:dmarc@reports\\.example\\.com$'\n",
		&rules, &err, &st);
	if (st != AL_OK)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(st, AL_OK);
	assert_int_equal(al_config_severity(c, al_rules_find(rules, "SPF002")), AL_SEVERITY_ERROR);
	assert_int_equal(al_config_severity(c, al_rules_find(rules, "SPF004")), AL_SEVERITY_OFF);
	assert_int_equal(al_config_severity(c, al_rules_find(rules, "SPF001")), AL_SEVERITY_ERROR);
	assert_non_null(al_config_find_waiver(c, "SPF001", "legacy.example.com", "2026-01-01"));
	assert_non_null(al_config_find_waiver(c, "SPF001", "LEGACY.example.com", "2026-01-01"));
	assert_null(al_config_find_waiver(c, "SPF001", "other.example.com", "2026-01-01"));
	assert_null(al_config_find_waiver(c, "SPF003", "legacy.example.com", "2026-01-01"));
	/* the wildcard covers names below, and the expiry date ends it */
	assert_non_null(al_config_find_waiver(c, "DKIM001", "s1._domainkey.example.org", "2019-12-31"));
	assert_null(al_config_find_waiver(c, "DKIM001", "example.org", "2019-12-31"));
	assert_null(al_config_find_waiver(c, "DKIM001", "s1._domainkey.example.org", "2020-01-02"));
	assert_int_equal(al_config_resolver_count(c), 2);
	assert_string_equal(al_config_resolver_at(c, 1), "[2001:db8::53]:5353");
	assert_int_equal(al_config_selector_count(c), 2);
	assert_string_equal(al_config_fail_on(c), "warning");
	assert_string_equal(al_config_dmarc_spec(c), "7489");
	const al_rule *policy = al_rules_find(rules, "ACME001");
	assert_non_null(policy);
	assert_int_equal(policy->family, AL_KIND_POLICY);
	assert_string_equal(policy->check, "declarative");
	al_config_free(c);
	al_rules_free(rules);
}

static void expect_config_error(const char *text, const char *needle)
{
	al_rules *rules = NULL;
	al_error err = {0};
	al_status st;
	al_config *c = load_config(text, &rules, &err, &st);
	if (st == AL_OK || strstr(err.message, needle) == NULL) {
		fprintf(stderr, "expected a config error with '%s', got %s: %s\n", needle,
			al_status_name(st), err.message);
		fail();
	}
	assert_int_equal(err.status, AL_ECONFIG);
	assert_null(c);
	al_rules_free(rules);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("colour: red\n", "authlint.yaml:1: unknown key 'colour'");
	expect_config_error("rules:\n  SPF999: error\n", "authlint.yaml:2: unknown rule 'SPF999'");
	expect_config_error("rules:\n  SPF001: loud\n", "authlint.yaml:2: severity 'loud'");
	expect_config_error("waivers:\n  - rule: SPF001\n    name: example.com\n", "needs a 'reason'");
	expect_config_error("waivers:\n  - rule: SPF001\n    name: example.com\n    reason: x\n    expires: soon\n",
			    "authlint.yaml:5: 'expires' must be a date");
	expect_config_error("defaults:\n  fail-on: sometimes\n", "fail-on 'sometimes'");
	expect_config_error("policies:\n  - id: ACME001\n    severity: error\n    summary: s\n    message: m\n"
			    "    check:\n      record: dmarc\n      tag: rua\n      pattern: '(unclosed'\n",
			    "pattern does not compile");
	expect_config_error("policies:\n  - id: SPF001\n    severity: error\n    summary: s\n    message: m\n"
			    "    check:\n      record: dmarc\n      tag: rua\n      present: true\n",
			    "duplicate id 'SPF001'");
	expect_config_error("rules: [\n", "authlint.yaml:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_builtin_matches_tree),
		cmocka_unit_test(test_tested_by_exists),
		cmocka_unit_test(test_dir_errors),
		cmocka_unit_test(test_severity_per_generation),
		cmocka_unit_test(test_retired),
		cmocka_unit_test(test_rules_dir_subset),
		cmocka_unit_test(test_template_valid),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
