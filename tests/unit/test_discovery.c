/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DMARC policy discovery against zone fixtures: the RFC 9989 tree walk (long
 * names, psd=y, psd=n, several records at a step), the RFC 7489 PSL lookup,
 * where the two disagree, non-existent names (np), wildcards, CNAMEs, failed
 * lookups, and the DOMAIN-stage findings in check mode.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/family_api.h"

/* One zone at the root, so that every name of the fixture is inside it. */
static const char fixture[] =
	"$ORIGIN .\n"
	"$TTL 300\n"
	". SOA ns.invalid. host.invalid. 1 3600 600 86400 300\n"
	/* an organizational domain with sp and np */
	"example.com. TXT \"v=spf1 -all\"\n"
	"_dmarc.example.com. TXT \"v=DMARC1; p=reject; sp=quarantine; np=none; t=n; rua=mailto:d@example.com\"\n"
	"mail.example.com. A 192.0.2.1\n"
	"own.example.com. A 192.0.2.1\n"
	"_dmarc.own.example.com. TXT \"v=DMARC1; p=none; rua=mailto:d@example.com\"\n"
	/* ten labels: the walk jumps to the 7-label suffix and never asks the 9-label name */
	"a.b.c.d.e.f.g.h.example.com. A 192.0.2.2\n"
	"_dmarc.b.c.d.e.f.g.h.example.com. TXT \"v=DMARC1; p=none; psd=n\"\n"
	"_dmarc.e.f.g.h.example.com. TXT \"v=DMARC1; p=quarantine; psd=n\"\n"
	/* a public suffix operator's record */
	"_dmarc.psd.test. TXT \"v=DMARC1; p=reject; psd=y\"\n"
	"host.org.psd.test. A 192.0.2.3\n"
	/* psd=n below the registrable domain: the generations disagree */
	"_dmarc.corp.example. TXT \"v=DMARC1; p=reject; rua=mailto:d@corp.example\"\n"
	"_dmarc.dept.corp.example. TXT \"v=DMARC1; p=none; psd=n; rua=mailto:d@corp.example\"\n"
	"host.dept.corp.example. TXT \"v=spf1 -all\"\n"
	/* several records at one step are all discarded */
	"_dmarc.example.net. TXT \"v=DMARC1; p=quarantine; rua=mailto:d@example.net\"\n"
	"multi.example.net. TXT \"v=spf1 -all\"\n"
	"_dmarc.multi.example.net. TXT \"v=DMARC1; p=none\"\n"
	"_dmarc.multi.example.net. TXT \"v=DMARC1; p=reject\"\n"
	/* a private public suffix: the PSL stops at the site, the walk goes on */
	"_dmarc.github.io. TXT \"v=DMARC1; p=reject; rua=mailto:d@github.io\"\n"
	"site.github.io. TXT \"v=spf1 -all\"\n"
	/* a wildcard at the apex answers _dmarc */
	"wild.example. TXT \"v=spf1 -all\"\n"
	"*.wild.example. TXT \"v=spf1 -all\"\n"
	/* _dmarc delegated by CNAME to a provider */
	"cn.example. TXT \"v=spf1 -all\"\n"
	"_dmarc.cn.example. CNAME cn.dmarc.provider.example.\n"
	"cn.dmarc.provider.example. TXT \"v=DMARC1; p=quarantine; rua=mailto:d@provider.example\"\n"
	/* wrong case is not a record */
	"lower.example. TXT \"v=spf1 -all\"\n"
	"_dmarc.lower.example. TXT \"v=dmarc1; p=reject\"\n";

typedef struct fx {
	al_zone *zone;
	al_source *source;
	al_lint *lint;
} fx;

static void fx_open(fx *f, const char *text, al_source *override)
{
	memset(f, 0, sizeof(*f));
	al_zone_options zo = {0};
	zo.origin = ".";
	assert_int_equal(al_zone_new(&f->zone, &zo), AL_OK);
	al_error err;
	assert_int_equal(al_zone_load_text(f->zone, "<fixture>", text, strlen(text), &err), AL_OK);
	assert_int_equal(al_zone_problem_count(f->zone), 0);
	assert_int_equal(al_source_new_zone(&f->source, f->zone), AL_OK);
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.source = override != NULL ? override : f->source;
	assert_int_equal(al_lint_new(&f->lint, &o), AL_OK);
}

static void fx_close(fx *f)
{
	al_lint_free(f->lint);
	al_source_free(f->source);
	al_zone_free(f->zone);
}

static al_dmarc_discovery *discover(fx *f, const char *domain)
{
	al_dmarc_discovery *d = NULL;
	assert_int_equal(al_dmarc_discover(f->lint, domain, &d), AL_OK);
	assert_non_null(d);
	return d;
}

static void test_own_and_inherited(void **state)
{
	(void)state;
	fx f;
	fx_open(&f, fixture, NULL);
	al_dmarc_discovery *d = discover(&f, "Example.COM.");
	assert_string_equal(d->domain, "example.com");
	assert_true(d->complete);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_DOMAIN);
	assert_int_equal(d->rfc7489.found, AL_DMARC_FOUND_DOMAIN);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_REJECT);
	assert_false(d->disagree);
	/* a record of its own: nothing more to ask for the policy */
	assert_int_equal(d->step_count, 1);
	assert_null(d->rfc9989.organizational_domain);
	const char *org;
	bool complete;
	assert_int_equal(al_dmarc_walk_org_domain(f.lint, "example.com", &org, &complete), AL_OK);
	assert_string_equal(org, "example.com");
	assert_true(complete);

	/* an existing subdomain gets sp */
	d = discover(&f, "mail.example.com");
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_ORGANIZATIONAL);
	assert_string_equal(d->rfc9989.policy_domain, "example.com");
	assert_int_equal(d->existence, AL_DMARC_EXISTS_YES);
	assert_int_equal(d->rfc9989.target, AL_DMARC_TARGET_SUBDOMAIN);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(d->rfc7489.effect.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_false(d->disagree);

	/* a name that does not exist gets np under RFC 9989, sp under RFC 7489 */
	d = discover(&f, "nx.example.com");
	assert_int_equal(d->existence, AL_DMARC_EXISTS_NO);
	assert_int_equal(d->rfc9989.target, AL_DMARC_TARGET_NONEXISTENT);
	assert_int_equal(d->rfc9989.effect.source, AL_DMARC_TAG_NP);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_NONE);
	assert_int_equal(d->rfc7489.effect.applied, AL_DMARC_POLICY_QUARANTINE);

	/* a subdomain with its own record: the record applies, p not sp */
	d = discover(&f, "own.example.com");
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_DOMAIN);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_NONE);
	/* ... but the organizational domain stays example.com (fewest labels) */
	assert_int_equal(al_dmarc_walk_org_domain(f.lint, "own.example.com", &org, &complete), AL_OK);
	assert_string_equal(org, "example.com");
	/* the public suffix is not asked when the registrable domain has a record */
	d = discover(&f, "mail.example.com");
	assert_int_equal(d->step_count, 3);
	assert_int_equal(d->steps[2].rcode, AL_RCODE_NOT_QUERIED);
	assert_true(d->public_suffix_unchecked);
	assert_true(d->complete);
	fx_close(&f);
}

static void test_long_names(void **state)
{
	(void)state;
	fx f;
	fx_open(&f, fixture, NULL);
	al_dmarc_discovery *d = discover(&f, "a.b.c.d.e.f.g.h.example.com");
	/* asked: the domain, then d.e.f.g.h.example.com (7 labels), e.f.g.h.example.com: psd=n
	 * stops; then example.com for RFC 7489 */
	assert_int_equal(d->step_count, 4);
	assert_true(d->steps[2].rfc9989);
	assert_false(d->steps[3].rfc9989);
	assert_true(d->steps[3].rfc7489);
	assert_string_equal(d->steps[1].domain, "d.e.f.g.h.example.com");
	assert_string_equal(d->steps[2].domain, "e.f.g.h.example.com");
	for (size_t i = 0; i < d->step_count; i++)
		assert_string_not_equal(d->steps[i].domain, "b.c.d.e.f.g.h.example.com");
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_ORGANIZATIONAL);
	assert_string_equal(d->rfc9989.organizational_domain, "e.f.g.h.example.com");
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_QUARANTINE);
	/* RFC 7489 goes to example.com (not on the walk: asked separately) */
	assert_string_equal(d->rfc7489.policy_domain, "example.com");
	assert_true(d->disagree);

	/* never more than eight names on the walk */
	d = discover(&f, "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.example.org");
	size_t walk = 0;
	for (size_t i = 0; i < d->step_count; i++)
		walk += d->steps[i].rfc9989;
	assert_int_equal(walk, 8);
	fx_close(&f);
}

static void test_psd(void **state)
{
	(void)state;
	fx f;
	fx_open(&f, fixture, NULL);
	/* psd=y at psd.test: the organizational domain is org.psd.test, which has no
	 * record, so the public suffix's policy applies */
	al_dmarc_discovery *d = discover(&f, "host.org.psd.test");
	assert_string_equal(d->rfc9989.organizational_domain, "org.psd.test");
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_PSD);
	assert_string_equal(d->rfc9989.policy_domain, "psd.test");
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_REJECT);
	/* RFC 7489: test is not a listed suffix, so psd.test is registrable; no record there */
	assert_int_equal(d->rfc7489.found, AL_DMARC_FOUND_ORGANIZATIONAL);
	assert_string_equal(d->rfc7489.policy_domain, "psd.test");

	/* psd=n below the registrable domain */
	d = discover(&f, "host.dept.corp.example");
	assert_string_equal(d->rfc9989.organizational_domain, "dept.corp.example");
	assert_string_equal(d->rfc9989.policy_domain, "dept.corp.example");
	assert_string_equal(d->rfc7489.organizational_domain, "corp.example");
	assert_string_equal(d->rfc7489.policy_domain, "corp.example");
	assert_true(d->disagree);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_NONE);
	assert_int_equal(d->rfc7489.effect.applied, AL_DMARC_POLICY_REJECT);
	fx_close(&f);
}

static void test_several_records_and_suffixes(void **state)
{
	(void)state;
	fx f;
	fx_open(&f, fixture, NULL);
	al_dmarc_discovery *d = discover(&f, "multi.example.net");
	assert_int_equal(d->steps[0].record_count, 2);
	assert_null(d->steps[0].record);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_ORGANIZATIONAL);
	assert_string_equal(d->rfc9989.policy_domain, "example.net");
	assert_int_equal(d->rfc7489.found, AL_DMARC_FOUND_ORGANIZATIONAL);

	/* github.io is a (private) public suffix: RFC 7489 stops at the site */
	d = discover(&f, "site.github.io");
	assert_string_equal(d->rfc7489.organizational_domain, "site.github.io");
	assert_int_equal(d->rfc7489.found, AL_DMARC_FOUND_NONE);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_ORGANIZATIONAL);
	assert_string_equal(d->rfc9989.policy_domain, "github.io");
	assert_true(d->disagree);

	/* wrong-case versions do not count; a CNAME to a provider does */
	d = discover(&f, "lower.example");
	assert_int_equal(d->steps[0].record_count, 0);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_NONE);
	d = discover(&f, "cn.example");
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_DOMAIN);
	assert_int_equal(d->rfc9989.effect.applied, AL_DMARC_POLICY_QUARANTINE);
	/* the wildcard's SPF record is not a DMARC record */
	d = discover(&f, "wild.example");
	assert_string_equal(d->steps[0].wildcard, "*.wild.example");
	assert_true(d->steps[0].spf_record);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_NONE);
	fx_close(&f);
}

/* ---- failures are not absence ------------------------------------------------ */

typedef struct failing {
	al_source *inner;
	const char *fail_name;
	al_answer answer;
} failing;

static al_status failing_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	failing *f = impl;
	if (strcmp(name, f->fail_name) == 0) {
		memset(&f->answer, 0, sizeof(f->answer));
		f->answer.rcode = AL_RCODE_SERVFAIL;
		f->answer.qname = f->answer.name = name;
		f->answer.qtype = type;
		f->answer.server = "192.0.2.53:53";
		*out = &f->answer;
		return AL_OK;
	}
	return al_source_lookup(f->inner, name, type, out);
}

static void failing_release(void *impl, const al_answer *a)
{
	failing *f = impl;
	if (a != &f->answer)
		al_source_release(f->inner, a);
}

static bool failing_covers(const void *impl, const char *name)
{
	(void)impl;
	(void)name;
	return true;
}

static const al_source_ops failing_ops = {
	.kind = "test",
	.lookup = failing_lookup,
	.release = failing_release,
	.covers = failing_covers,
	.destroy = free,
};

static void test_failures(void **state)
{
	(void)state;
	fx base;
	fx_open(&base, fixture, NULL);
	failing *impl = calloc(1, sizeof(*impl));
	impl->inner = base.source;
	impl->fail_name = "_dmarc.example.com";
	al_source *src;
	assert_int_equal(al_source_new(&src, &failing_ops, impl), AL_OK);
	al_lint_options o = {0};
	o.psl = t_psl();
	o.rules = t_rules();
	o.source = src;
	al_lint *lint;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	al_dmarc_discovery *d = NULL;
	assert_int_equal(al_dmarc_discover(lint, "mail.example.com", &d), AL_OK);
	assert_false(d->complete);
	assert_int_equal(d->rfc9989.found, AL_DMARC_FOUND_UNKNOWN);
	assert_int_equal(d->rfc7489.found, AL_DMARC_FOUND_UNKNOWN);
	assert_false(d->disagree);
	al_lint_free(lint);

	/* in check mode: a lookup failure, and no "no record" finding */
	t_findings out;
	t_lint_domain(src, "mail.example.com", NULL, 0, &out);
	assert_false(t_has(&out, "DMARC010"));
	assert_true(t_has(&out, "LOOKUP001"));
	t_findings_free(&out);
	al_source_free(src);
	fx_close(&base);
}

/* ---- the findings in check mode ------------------------------------------------ */

static void check(const char *domain, t_findings *out)
{
	fx f;
	fx_open(&f, fixture, NULL);
	t_lint_domain(f.source, domain, NULL, 0, out);
	fx_close(&f);
}

static void test_findings(void **state)
{
	(void)state;
	t_findings out;
	check("mail.example.com", &out);
	const t_finding *n = t_find(&out, "DMARC042");
	assert_non_null(n);
	assert_non_null(strstr(n->message, "_dmarc.example.com"));
	assert_non_null(strstr(n->message, "sp=quarantine applies to an existing subdomain"));
	assert_false(t_has(&out, "DMARC010"));
	t_findings_free(&out);

	check("nx.example.com", &out);
	n = t_find(&out, "DMARC042");
	assert_non_null(n);
	assert_non_null(strstr(n->message, "does not exist"));
	assert_non_null(strstr(n->message, "RFC 9989 receivers: np=none applies"));
	assert_non_null(strstr(n->message, "RFC 7489 receivers:"));
	t_findings_free(&out);

	check("host.dept.corp.example", &out);
	n = t_find(&out, "DMARC041");
	assert_non_null(n);
	assert_int_equal(n->severity, AL_SEVERITY_WARNING);
	assert_non_null(strstr(n->message, "_dmarc.corp.example"));
	assert_non_null(strstr(n->message, "_dmarc.dept.corp.example"));
	assert_false(t_has(&out, "DMARC042"));
	t_findings_free(&out);

	check("lower.example", &out);
	n = t_find(&out, "DMARC010");
	assert_non_null(n);
	assert_int_equal(n->generation, AL_GENERATION_ANY);
	t_findings_free(&out);

	check("wild.example", &out);
	assert_true(t_has(&out, "DMARC043"));
	assert_true(t_has(&out, "DMARC010"));
	t_findings_free(&out);

	check("example.com", &out);
	assert_false(t_has(&out, "DMARC010"));
	assert_false(t_has(&out, "DMARC041"));
	assert_false(t_has(&out, "DMARC042"));
	t_findings_free(&out);
}

static void test_zone_mode(void **state)
{
	(void)state;
	/* offline zone mode: _dmarc.com is outside the zone and a public suffix:
	 * not asked (no "not checked" note per name), mentioned in the context */
	t_findings out;
	t_lint_zone("example.com. 3600 IN TXT \"v=spf1 mx -all\"\n"
		    "www.example.com. 3600 IN TXT \"v=spf1 -all\"\n",
		    "example.com", &out);
	/* once, at the organizational domain: www.example.com would only repeat it */
	assert_int_equal(t_count(&out, "DMARC010"), 1);
	assert_false(t_has(&out, "LOOKUP002"));
	const t_finding *n = t_find(&out, "DMARC010");
	assert_non_null(n->context);
	assert_non_null(strstr(n->context, "_dmarc.com"));
	t_findings_free(&out);
	/* a subdomain zone whose organizational domain is outside: not checked, not missing */
	t_lint_zone("sub.example.com. 3600 IN TXT \"v=spf1 -all\"\n", "sub.example.com", &out);
	assert_false(t_has(&out, "DMARC010"));
	assert_true(t_has(&out, "LOOKUP002"));
	t_findings_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_and_inherited),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_psd),
		cmocka_unit_test(test_several_records_and_suffixes),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_zone_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
