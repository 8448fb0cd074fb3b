/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_host() beyond the conformance suite: the macro examples of RFC 7208
 * section 7.4, the limits at their exact edges, failures that must be
 * temperror (never "none"), names not queried offline, the trace.
 */
#include "helpers.h"
#include "spf_zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf/spf_internal.h"

/* ---- macros ---------------------------------------------------------------- */

static const char *expand(const al_spf_macro_env *env, const char *text, bool exp)
{
	static char out[1024];
	al_strbuf sb = AL_STRBUF_INIT;
	const char *why = NULL;
	bool ok = al_spf_expand(env, text, strlen(text), exp, &sb, &why);
	snprintf(out, sizeof(out), "%s", ok ? al_strbuf_cstr(&sb) : "(error)");
	al_strbuf_free(&sb);
	return out;
}

static void test_rfc_macro_examples(void **state)
{
	(void)state;
	/* RFC 7208 section 7.4: strong-bad@email.example.com from 192.0.2.3 */
	al_spf_macro_env env = {
		.sender = "strong-bad@email.example.com",
		.local = "strong-bad",
		.sender_domain = "email.example.com",
		.domain = "email.example.com",
		.ip_dotted = "192.0.2.3",
		.ip_text = "192.0.2.3",
		.ip_version = "in-addr",
		.helo = "mx.example.org",
		.receiver = "mx.example.net",
		.timestamp = "1234567890",
	};
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"%{s}", "strong-bad@email.example.com"},
		{"%{o}", "email.example.com"},
		{"%{d}", "email.example.com"},
		{"%{d4}", "email.example.com"},
		{"%{d3}", "email.example.com"},
		{"%{d2}", "example.com"},
		{"%{d1}", "com"},
		{"%{dr}", "com.example.email"},
		{"%{d2r}", "example.email"},
		{"%{l}", "strong-bad"},
		{"%{l-}", "strong.bad"},
		{"%{lr}", "strong-bad"},
		{"%{lr-}", "bad.strong"},
		{"%{l1r-}", "strong"},
		{"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
		{"%{S}", "strong-bad%40email.example.com"},
		{"%%%_%-", "% %20"},
		{"%{h}", "mx.example.org"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = expand(&env, cases[i].in, false);
		if (strcmp(got, cases[i].out) != 0)
			fprintf(stderr, "%s: got %s, want %s\n", cases[i].in, got, cases[i].out);
		assert_string_equal(got, cases[i].out);
	}
	/* c, r, t only in explanation text */
	assert_string_equal(expand(&env, "%{c} %{r} %{t}", true), "192.0.2.3 mx.example.net 1234567890");
	assert_string_equal(expand(&env, "%{c}", false), "(error)");
	/* IPv6: 2001:db8::cb01, 32 nibbles */
	env.ip_dotted = "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1";
	env.ip_version = "ip6";
	assert_int_equal(strcasecmp(expand(&env, "%{ir}.%{v}._spf.%{d2}", false),
				    "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"),
			 0);
	/* a letter without a value in the environment does not expand */
	env.local = NULL;
	assert_string_equal(expand(&env, "%{l}.x", false), "(error)");
}

static void test_targets_truncated_and_checked(void **state)
{
	(void)state;
	al_arena arena;
	al_arena_init(&arena);
	al_spf_macro_env env = {.domain = "example.com", .sender_domain = "somewhat.long.exp.example.com"};
	const char *spec = "foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com";
	const char *why;
	bool invalid;
	const char *name = al_spf_target(&arena, &env, spec, strlen(spec), &why, &invalid);
	assert_non_null(name);
	assert_true(strlen(name) <= 253);
	assert_true(strncmp(name, "somewhat.long.exp.example.com.", 30) == 0); /* foobar. dropped */
	/* an empty label or a label over 63 octets is not a name */
	name = al_spf_target(&arena, &env, "a..example.com", 14, &why, &invalid);
	assert_null(name);
	assert_true(invalid);
	char longl[80];
	memset(longl, 'x', 64);
	memcpy(longl + 64, ".example.com", 13);
	assert_null(al_spf_target(&arena, &env, longl, strlen(longl), &why, &invalid));
	assert_true(invalid);
	/* no domain-spec: the current domain; bytes outside LDH are escaped, case folded */
	assert_string_equal(al_spf_target(&arena, &env, NULL, 0, &why, &invalid), "example.com");
	assert_string_equal(al_spf_target(&arena, &env, "Foo%_Bar%_x.Example.COM.", 24, &why, &invalid),
			    "foo\\032bar\\032x.example.com");
	al_arena_clear(&arena);
}

/* ---- check_host() through a zone --------------------------------------------------- */

static al_spf_outcome *run(al_source *src, const char *ip, const char *sender)
{
	al_spf_request req = {0};
	req.ip = ip;
	req.sender = sender;
	req.helo = "mail.example.com";
	req.trace = true;
	al_spf_outcome *o = NULL;
	al_error err = {0};
	assert_int_equal(al_spf_check_host(src, &req, &o, &err), AL_OK);
	return o;
}

static void test_lookup_limit_edges(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "ten IN TXT \"v=spf1 a a a a a a a a a a ip4:192.0.2.9 -all\"\n"
		      "ten IN A 192.0.2.1\n"
		      "eleven IN TXT \"v=spf1 a a a a a a a a a include:inc.example.com ip4:192.0.2.9 -all\"\n"
		      "eleven IN A 192.0.2.1\n"
		      "inc IN TXT \"v=spf1 a -all\"\n"
		      "early IN TXT \"v=spf1 ip4:192.0.2.9 a a a a a a a a a a a a -all\"\n"
		      "early IN A 192.0.2.1\n");
	al_spf_outcome *o = run(z.top, "192.0.2.9", "x@ten.example.com");
	assert_int_equal(o->result, AL_SPF_PASS); /* ten is allowed */
	assert_int_equal(o->lookups, 10);
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.9", "x@eleven.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR); /* the include is the tenth, its "a" the eleventh */
	assert_int_equal(o->lookups, 11);
	al_spf_outcome_free(o);
	/* the limit counts evaluated terms only: a match before the eleventh passes */
	o = run(z.top, "192.0.2.9", "x@early.example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	assert_int_equal(o->lookups, 0);
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.10", "x@early.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR);
	assert_int_equal(o->lookups, 11);
	assert_non_null(strstr(o->reason, "more than 10"));
	al_spf_outcome_free(o);
	zone_close(&z);
}

static void test_void_and_mx_limits(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "two IN TXT \"v=spf1 a:n1.example.com a:n2.example.com ?all\"\n"
		      "three IN TXT \"v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ?all\"\n"
		      "mx10 IN TXT \"v=spf1 mx -all\"\n"
		      "mx10 IN MX 1 m1\nmx10 IN MX 2 m2\nmx10 IN MX 3 m3\nmx10 IN MX 4 m4\nmx10 IN MX 5 m5\n"
		      "mx10 IN MX 6 m6\nmx10 IN MX 7 m7\nmx10 IN MX 8 m8\nmx10 IN MX 9 m9\nmx10 IN MX 10 m10\n"
		      "mx11 IN TXT \"v=spf1 mx -all\"\n"
		      "mx11 IN MX 1 m1\nmx11 IN MX 2 m2\nmx11 IN MX 3 m3\nmx11 IN MX 4 m4\nmx11 IN MX 5 m5\n"
		      "mx11 IN MX 6 m6\nmx11 IN MX 7 m7\nmx11 IN MX 8 m8\nmx11 IN MX 9 m9\nmx11 IN MX 10 m10\n"
		      "mx11 IN MX 11 m11\n"
		      "m1 IN A 192.0.2.1\nm2 IN A 192.0.2.2\nm3 IN A 192.0.2.3\nm4 IN A 192.0.2.4\n"
		      "m5 IN A 192.0.2.5\nm6 IN A 192.0.2.6\nm7 IN A 192.0.2.7\nm8 IN A 192.0.2.8\n"
		      "m9 IN A 192.0.2.9\nm10 IN A 192.0.2.10\nm11 IN A 192.0.2.11\n");
	al_spf_outcome *o = run(z.top, "192.0.2.99", "x@two.example.com");
	assert_int_equal(o->result, AL_SPF_NEUTRAL);
	assert_int_equal(o->void_lookups, 2);
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.99", "x@three.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR);
	assert_non_null(strstr(o->reason, "void"));
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.10", "x@mx10.example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	assert_int_equal(o->lookups, 1); /* the MX names' address lookups do not count toward 10 */
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.1", "x@mx11.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR);
	assert_non_null(strstr(o->reason, "11 MX records"));
	al_spf_outcome_free(o);
	zone_close(&z);
}

static void test_include_redirect_exp(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"v=spf1 include:_spf.example.com -all exp=why.example.com\"\n"
		      "_spf IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
		      "why IN TXT \"%{i} may not send for %{d}\"\n"
		      "gone IN TXT \"v=spf1 include:nothere.example.com -all\"\n"
		      "red IN TXT \"v=spf1 redirect=_spf.example.com\"\n"
		      "rednone IN TXT \"v=spf1 redirect=nothere.example.com\"\n"
		      "v6 IN TXT \"v=spf1 ip6:2001:db8::/32 -all\"\n"
		      "two IN TXT \"v=spf1 -all\"\ntwo IN TXT \"v=spf1 +all\"\n");
	al_spf_outcome *o = run(z.top, "192.0.2.7", "x@example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	assert_string_equal(o->mechanism, "include:_spf.example.com");
	al_spf_outcome_free(o);
	o = run(z.top, "198.51.100.7", "x@example.com");
	assert_int_equal(o->result, AL_SPF_FAIL);
	assert_string_equal(o->explanation, "198.51.100.7 may not send for example.com");
	al_spf_outcome_free(o);
	o = run(z.top, "198.51.100.7", "x@gone.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR); /* an include without a record */
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.7", "x@red.example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	assert_int_equal(o->lookups, 1);
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.7", "x@rednone.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR);
	al_spf_outcome_free(o);
	o = run(z.top, "::ffff:192.0.2.7", "x@v6.example.com");
	assert_int_equal(o->result, AL_SPF_FAIL); /* an IPv4-mapped address is IPv4 */
	assert_string_equal(o->ip, "192.0.2.7");
	al_spf_outcome_free(o);
	o = run(z.top, "2001:db8::1", "x@v6.example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	al_spf_outcome_free(o);
	o = run(z.top, "2001:db8::1", "x@two.example.com");
	assert_int_equal(o->result, AL_SPF_PERMERROR);
	al_spf_outcome_free(o);
	o = run(z.top, "2001:db8::1", "x@nothere.example.com");
	assert_int_equal(o->result, AL_SPF_NONE);
	al_spf_outcome_free(o);
	/* the null sender checks the HELO name as postmaster@helo */
	o = run(z.top, "192.0.2.7", "");
	assert_string_equal(o->sender, "postmaster@mail.example.com");
	assert_string_equal(o->domain, "mail.example.com");
	al_spf_outcome_free(o);
	zone_close(&z);
}

static void test_offline_is_temperror(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"v=spf1 include:_spf.google.com -all\"\n");
	al_spf_outcome *o = run(z.top, "192.0.2.7", "x@example.com");
	/* a name outside the zone is not queried: temperror, never none or a pass */
	assert_int_equal(o->result, AL_SPF_TEMPERROR);
	assert_non_null(strstr(o->reason, "not queried"));
	al_spf_outcome_free(o);
	o = run(z.top, "192.0.2.7", "x@outside.example.org");
	assert_int_equal(o->result, AL_SPF_TEMPERROR);
	al_spf_outcome_free(o);
	zone_close(&z);
	/* no source at all */
	o = run(NULL, "192.0.2.7", "x@example.com");
	assert_int_equal(o->result, AL_SPF_TEMPERROR);
	al_spf_outcome_free(o);
}

static void test_trace(void **state)
{
	(void)state;
	zone_fixture z;
	zone_open(&z, "@ IN TXT \"v=spf1 a:gone.example.com mx -all\"\n@ IN MX 10 mail\nmail IN A 192.0.2.25\n");
	al_spf_outcome *o = run(z.top, "192.0.2.25", "x@example.com");
	assert_int_equal(o->result, AL_SPF_PASS);
	assert_string_equal(o->mechanism, "mx");
	size_t queries = 0, voids = 0, terms = 0;
	for (size_t i = 0; i < o->event_count; i++) {
		const al_spf_event *ev = &o->events[i];
		if (ev->kind == AL_SPF_EVENT_QUERY) {
			queries++;
			if (ev->is_void) {
				voids++;
				assert_string_equal(ev->name, "gone.example.com");
			}
		}
		if (ev->kind == AL_SPF_EVENT_TERM)
			terms++;
	}
	assert_int_equal(queries, 4); /* TXT, A gone, MX, A mail */
	assert_int_equal(voids, 1);
	assert_int_equal(terms, 2);
	/* the text form escapes and ends with the result */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(al_spf_outcome_write(o, AL_FORMAT_TEXT, false, al_sink_stdio(f)), AL_OK);
	fclose(f);
	assert_non_null(strstr(buf, "result: pass (mx in example.com)"));
	assert_non_null(strstr(buf, "void lookup 1 of 2"));
	free(buf);
	al_spf_outcome_free(o);
	zone_close(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_macro_examples),
		cmocka_unit_test(test_targets_truncated_and_checked),
		cmocka_unit_test(test_lookup_limit_edges),
		cmocka_unit_test(test_void_and_mx_limits),
		cmocka_unit_test(test_include_redirect_exp),
		cmocka_unit_test(test_offline_is_temperror),
		cmocka_unit_test(test_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
