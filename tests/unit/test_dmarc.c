/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC record parser and the policy a record gives under each generation. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include <authlint/dmarc_discovery.h>

static al_dmarc_record *parse(const char *text)
{
	al_dmarc_record *r = NULL;
	assert_int_equal(al_dmarc_parse(text, strlen(text), &r), AL_OK);
	assert_non_null(r);
	return r;
}

/* The bytes of a span. */
static char *span_text(const al_dmarc_record *r, al_dmarc_span s)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%.*s", (int)s.length, r->text + s.start);
	return buf;
}

static const al_dmarc_problem *find_problem(const al_dmarc_record *r, al_dmarc_problem_kind kind,
					    al_dmarc_tag_id tag)
{
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].kind == kind && r->problems[i].tag == tag)
			return &r->problems[i];
	return NULL;
}

static void test_every_tag(void **state)
{
	(void)state;
	const char *t = "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=r; "
			"rua=mailto:agg@example.com; ruf=mailto:fail@example.com; fo=1:d; pct=50; "
			"rf=afrf; ri=3600";
	al_dmarc_record *r = parse(t);
	assert_true(r->is_dmarc);
	assert_int_equal(r->problem_count, 0);
	assert_int_equal(r->tag_count, 14);
	for (int id = AL_DMARC_TAG_V; id < AL_DMARC_TAG_COUNT_; id++)
		assert_non_null(r->tag[id]);
	assert_int_equal(r->p, AL_DMARC_POLICY_REJECT);
	assert_int_equal(r->sp, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(r->np, AL_DMARC_POLICY_REJECT);
	assert_int_equal(r->psd, AL_DMARC_FLAG_N);
	assert_int_equal(r->t, AL_DMARC_FLAG_Y);
	assert_int_equal(r->adkim, AL_DMARC_ALIGN_STRICT);
	assert_int_equal(r->aspf, AL_DMARC_ALIGN_RELAXED);
	assert_int_equal(r->fo, AL_DMARC_FO_1 | AL_DMARC_FO_D);
	assert_true(r->pct_valid);
	assert_int_equal(r->pct, 50);
	assert_int_equal(r->rf, AL_DMARC_RF_AFRF);
	assert_true(r->ri_valid);
	assert_int_equal(r->ri, 3600);
	assert_int_equal(r->rua_count, 1);
	assert_string_equal(r->rua[0].address, "agg@example.com");
	assert_string_equal(r->rua[0].domain, "example.com");
	assert_int_equal(r->ruf_count, 1);
	/* spans */
	assert_string_equal(span_text(r, r->tag[AL_DMARC_TAG_SP]->value), "quarantine");
	assert_string_equal(span_text(r, r->tag[AL_DMARC_TAG_SP]->name), "sp");
	assert_string_equal(span_text(r, r->tag[AL_DMARC_TAG_RI]->spec), "ri=3600");
	assert_string_equal(span_text(r, r->rua[0].span), "mailto:agg@example.com");
	al_dmarc_record_free(r);
}

static void test_separators(void **state)
{
	(void)state;
	/* *WSP ";" *WSP and *WSP "=" *WSP, a trailing separator, upper-case names and values */
	al_dmarc_record *r = parse("v=DMARC1 ;p = Reject\t;  SP=none ;");
	assert_true(r->is_dmarc);
	assert_int_equal(r->problem_count, 0);
	assert_int_equal(r->p, AL_DMARC_POLICY_REJECT);
	assert_int_equal(r->sp, AL_DMARC_POLICY_NONE);
	assert_string_equal(span_text(r, r->tag[AL_DMARC_TAG_P]->value), "Reject");
	al_dmarc_record_free(r);

	r = parse("v=DMARC1;;p=none");
	const al_dmarc_problem *p = find_problem(r, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN);
	assert_non_null(p);
	assert_int_equal(r->p, AL_DMARC_POLICY_NONE);
	al_dmarc_record_free(r);

	r = parse("v=DMARC1; p=none\r\n; rua=mailto:a@example.com");
	p = find_problem(r, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN);
	assert_non_null(p);
	assert_non_null(strstr(p->detail, "line break"));
	al_dmarc_record_free(r);
}

static void test_version(void **state)
{
	(void)state;
	al_dmarc_record *r = parse("v=dmarc1; p=none");
	assert_false(r->is_dmarc);
	const al_dmarc_problem *p = find_problem(r, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V);
	assert_non_null(p);
	assert_non_null(strstr(p->detail, "case-sensitive"));
	assert_string_equal(span_text(r, p->span), "dmarc1");
	al_dmarc_record_free(r);

	r = parse("v=DMARC1 p=none; rua=mailto:a@example.com");
	assert_false(r->is_dmarc);
	p = find_problem(r, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V);
	assert_non_null(strstr(p->detail, "';' is missing"));
	al_dmarc_record_free(r);

	r = parse("p=none; v=DMARC1");
	assert_false(r->is_dmarc);
	p = find_problem(r, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V);
	assert_string_equal(span_text(r, p->span), "v=DMARC1");
	al_dmarc_record_free(r);

	r = parse(" v=DMARC1; p=none");
	assert_false(r->is_dmarc);
	al_dmarc_record_free(r);

	r = parse("v=DMARC2; p=none");
	assert_false(r->is_dmarc);
	assert_non_null(find_problem(r, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V));
	al_dmarc_record_free(r);

	r = parse("");
	assert_false(r->is_dmarc);
	al_dmarc_record_free(r);
}

static void test_duplicates_and_unknown(void **state)
{
	(void)state;
	al_dmarc_record *r = parse("v=DMARC1; p=none; p=reject; rau=mailto:a@example.com; fo:1; "
				   "rf:afrf; policy=reject; x_y=1");
	const al_dmarc_problem *p = find_problem(r, AL_DMARC_PROBLEM_DUPLICATE, AL_DMARC_TAG_P);
	assert_non_null(p);
	assert_string_equal(span_text(r, p->span), "p=reject");
	assert_int_equal(r->p, AL_DMARC_POLICY_NONE); /* the first one is kept */
	assert_true(r->tags[2].duplicate);
	size_t unknown = 0, syntax = 0;
	bool rau = false, fo = false, rf = false;
	for (size_t i = 0; i < r->problem_count; i++) {
		p = &r->problems[i];
		if (p->kind == AL_DMARC_PROBLEM_UNKNOWN_TAG) {
			unknown++;
			if (strcmp(span_text(r, p->span), "rau") == 0) {
				assert_string_equal(p->hint, "did you mean rua?");
				rau = true;
			}
		}
		if (p->kind == AL_DMARC_PROBLEM_SYNTAX) {
			syntax++;
			if (p->hint && strcmp(p->hint, "write fo=1") == 0)
				fo = true;
			if (p->hint && strcmp(p->hint, "write rf=afrf") == 0)
				rf = true;
		}
	}
	assert_true(rau && fo && rf);
	assert_int_equal(unknown, 2); /* rau, policy */
	assert_int_equal(syntax, 3);  /* fo:1, rf:afrf, x_y */
	al_dmarc_record_free(r);
}

static void test_values(void **state)
{
	(void)state;
	al_dmarc_record *r = parse("v=DMARC1; p=quarentine; sp=; np=maybe; adkim=strict; t=yes; psd=x; "
				   "pct=101; ri=-1; fo=0:1:x; rf=afrf:foo");
	const al_dmarc_problem *p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_P);
	assert_string_equal(p->hint, "did you mean p=quarantine?");
	assert_int_equal(p->generation, AL_GENERATION_ANY);
	assert_int_equal(r->p, AL_DMARC_POLICY_INVALID);
	assert_int_equal(r->sp, AL_DMARC_POLICY_INVALID);
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_NP);
	assert_int_equal(p->generation, AL_GENERATION_RFC9989);
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_ADKIM);
	assert_string_equal(p->hint, "write adkim=s");
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_T);
	assert_string_equal(p->hint, "write t=y");
	assert_int_equal(p->generation, AL_GENERATION_RFC9989);
	assert_non_null(find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_PSD));
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_PCT);
	assert_int_equal(p->generation, AL_GENERATION_RFC7489);
	assert_false(r->pct_valid);
	assert_int_equal(r->pct, 100);
	assert_false(r->ri_valid);
	assert_non_null(find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_RI));
	assert_non_null(find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_RF));
	/* fo: 'x' is wrong for both; 0 with 1 only for RFC 9989 */
	size_t fo_any = 0, fo_9989 = 0;
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].tag == AL_DMARC_TAG_FO)
			*(r->problems[i].generation == AL_GENERATION_RFC9989 ? &fo_9989 : &fo_any) += 1;
	assert_int_equal(fo_any, 1);
	assert_int_equal(fo_9989, 1);
	al_dmarc_record_free(r);

	r = parse("v=DMARC1; p=none p=reject");
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_P);
	assert_string_equal(p->hint, "a ';' seems to be missing before 'p='");
	al_dmarc_record_free(r);

	r = parse("v=DMARC1; p=none; pct=100%");
	p = find_problem(r, AL_DMARC_PROBLEM_VALUE, AL_DMARC_TAG_PCT);
	assert_string_equal(p->hint, "write pct=100");
	al_dmarc_record_free(r);
}

static void test_uris(void **state)
{
	(void)state;
	al_dmarc_record *r = parse("v=DMARC1; p=none; rua=mailto:a@Example.COM!10m , "
				   "mailto:b%2Cc@example.net,https://reports.example.org/dmarc, "
				   "reports@example.com, mailto://x@example.com, mailto:a!b@example.com, "
				   "ftp://example.com/x, mailto:x@example.com!1x, mailto:x@bad_host..com");
	assert_int_equal(r->rua_count, 9);
	const al_dmarc_uri *u = r->rua;
	assert_int_equal(u[0].scheme, AL_DMARC_URI_MAILTO);
	assert_true(u[0].valid && u[0].has_size && u[0].size_valid);
	assert_int_equal(u[0].size_limit, 10u << 20);
	assert_string_equal(u[0].domain, "example.com");
	assert_string_equal(span_text(r, u[0].size), "!10m");
	assert_true(u[1].valid);
	assert_string_equal(u[1].address, "b,c@example.net");
	assert_int_equal(u[2].scheme, AL_DMARC_URI_HTTPS);
	assert_string_equal(u[2].domain, "reports.example.org");
	assert_int_equal(u[3].scheme, AL_DMARC_URI_NO_SCHEME);
	assert_false(u[3].valid);
	assert_false(u[4].valid);
	assert_false(u[5].valid);
	assert_int_equal(u[6].scheme, AL_DMARC_URI_OTHER);
	assert_true(u[6].valid);
	assert_true(u[7].has_size);
	assert_false(u[7].size_valid);
	assert_false(u[8].valid);
	bool hint = false;
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].hint && strcmp(r->problems[i].hint, "write mailto:reports@example.com") == 0)
			hint = true;
	assert_true(hint);
	assert_true(al_dmarc_has_valid_rua(r));
	al_dmarc_record_free(r);

	/* a comma inside an address splits it */
	r = parse("v=DMARC1; p=none; rua=mailto:dmarc+a,b@example.com");
	const al_dmarc_problem *p = find_problem(r, AL_DMARC_PROBLEM_URI, AL_DMARC_TAG_RUA);
	assert_non_null(p);
	bool comma = false;
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].hint && strstr(r->problems[i].hint, "%2C"))
			comma = true;
	assert_true(comma);
	al_dmarc_record_free(r);

	r = parse("v=DMARC1; p=none; rua=");
	assert_non_null(find_problem(r, AL_DMARC_PROBLEM_URI, AL_DMARC_TAG_RUA));
	assert_int_equal(r->rua_count, 0);
	assert_false(al_dmarc_has_valid_rua(r));
	al_dmarc_record_free(r);
}

static void effect(const char *text, al_generation gen, al_dmarc_target target, al_dmarc_effect *e)
{
	al_dmarc_record *r = parse(text);
	al_dmarc_effect_of(r, gen, target, e);
	char buf[512];
	size_t n = al_dmarc_effect_describe(r, gen, target, e, buf, sizeof(buf));
	assert_true(n > 0 && n < sizeof(buf));
	al_dmarc_record_free(r);
}

static void test_effects(void **state)
{
	(void)state;
	al_dmarc_effect e;
	const char *rec = "v=DMARC1; p=reject; sp=quarantine; np=none";
	effect(rec, AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_REJECT);
	assert_int_equal(e.source, AL_DMARC_TAG_P);
	effect(rec, AL_GENERATION_RFC9989, AL_DMARC_TARGET_SUBDOMAIN, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_QUARANTINE);
	effect(rec, AL_GENERATION_RFC9989, AL_DMARC_TARGET_NONEXISTENT, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_NONE);
	assert_int_equal(e.source, AL_DMARC_TAG_NP);
	/* RFC 7489 receivers do not know np */
	effect(rec, AL_GENERATION_RFC7489, AL_DMARC_TARGET_NONEXISTENT, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_int_equal(e.source, AL_DMARC_TAG_SP);

	/* t=y lowers one level for RFC 9989; pct samples for RFC 7489 */
	rec = "v=DMARC1; p=reject; pct=25; t=y";
	effect(rec, AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_int_equal(e.requested, AL_DMARC_POLICY_REJECT);
	assert_int_equal(e.applied, AL_DMARC_POLICY_QUARANTINE);
	assert_true(e.testing);
	assert_int_equal(e.percent, 100);
	effect(rec, AL_GENERATION_RFC7489, AL_DMARC_TARGET_DOMAIN, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_REJECT);
	assert_int_equal(e.percent, 25);
	assert_int_equal(e.rest, AL_DMARC_POLICY_QUARANTINE);
	assert_false(e.testing);
	effect("v=DMARC1; p=quarantine; t=y", AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_NONE);
	effect("v=DMARC1; p=none; t=y", AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_int_equal(e.applied, AL_DMARC_POLICY_NONE);
	assert_false(e.testing);

	/* missing or invalid p: p=none with a valid rua, nothing without */
	effect("v=DMARC1; rua=mailto:a@example.com", AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_true(e.applies && e.fallback);
	assert_int_equal(e.applied, AL_DMARC_POLICY_NONE);
	effect("v=DMARC1; p=bogus", AL_GENERATION_RFC7489, AL_DMARC_TARGET_DOMAIN, &e);
	assert_false(e.applies);
	/* an invalid np breaks the record for RFC 9989 receivers only */
	rec = "v=DMARC1; p=reject; np=bogus; rua=mailto:a@example.com";
	effect(rec, AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_true(e.fallback);
	effect(rec, AL_GENERATION_RFC7489, AL_DMARC_TARGET_DOMAIN, &e);
	assert_false(e.fallback);
	assert_int_equal(e.applied, AL_DMARC_POLICY_REJECT);
	/* not a DMARC record */
	effect("v=dmarc1; p=reject", AL_GENERATION_RFC9989, AL_DMARC_TARGET_DOMAIN, &e);
	assert_false(e.applies);
}

static void test_bounded(void **state)
{
	(void)state;
	/* long and hostile inputs: no crash, spans inside the text */
	char big[70000];
	size_t n = 0;
	n += (size_t)snprintf(big, sizeof(big), "v=DMARC1; p=none; rua=");
	while (n + 40 < sizeof(big))
		n += (size_t)snprintf(big + n, sizeof(big) - n, "mailto:a@example.com,");
	al_dmarc_record *r = NULL;
	assert_int_equal(al_dmarc_parse(big, n, &r), AL_OK);
	assert_true(r->rua_count > 1000);
	for (size_t i = 0; i < r->problem_count; i++)
		assert_true(r->problems[i].span.start + r->problems[i].span.length <= r->length);
	al_dmarc_record_free(r);
	const char nul[] = "v=DMARC1; p=no\0ne";
	assert_int_equal(al_dmarc_parse(nul, sizeof(nul) - 1, &r), AL_OK);
	assert_int_equal(r->p, AL_DMARC_POLICY_INVALID);
	al_dmarc_record_free(r);
	al_dmarc_record_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_tag),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_duplicates_and_unknown),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
