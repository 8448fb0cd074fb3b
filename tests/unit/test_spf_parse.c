/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SPF record parser: terms, spans, CIDRs, modifiers, and every kind of syntax error. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "record/spf_syntax.h"

static al_spf_record *parse(const char *text)
{
	al_spf_record *rec = NULL;
	assert_int_equal(al_spf_parse(text, strlen(text), &rec), AL_OK);
	assert_non_null(rec);
	return rec;
}

static bool span_is(const char *text, size_t start, size_t length, const char *want)
{
	return strlen(want) == length && strncmp(text + start, want, length) == 0;
}

static void test_terms_and_spans(void **state)
{
	(void)state;
	const char *t = "v=spf1 -ip4:192.0.2.0/24 A:mail.example.com/24//64 ~include:_spf.example.net "
			"ip6:2001:db8::/32 mx ?all redirect=r.example.com exp=e.example.com foo.bar-x_y=%{d}";
	al_spf_record *r = parse(t);
	assert_true(r->version_ok);
	assert_int_equal(r->error_count, 0);
	assert_int_equal(r->term_count, 9);
	const al_spf_term *x = &r->terms[0];
	assert_int_equal(x->type, AL_SPF_TERM_IP4);
	assert_int_equal(x->qualifier, '-');
	assert_true(x->qualifier_written);
	assert_true(span_is(t, x->start, x->length, "-ip4:192.0.2.0/24"));
	assert_true(span_is(t, x->value_start, x->value_length, "192.0.2.0"));
	assert_true(span_is(t, x->cidr_start, x->cidr_length, "/24"));
	assert_int_equal(x->cidr4, 24);
	assert_memory_equal(x->address, "\xc0\x00\x02\x00", 4);
	x = &r->terms[1];
	assert_int_equal(x->type, AL_SPF_TERM_A); /* names are case-insensitive */
	assert_int_equal(x->qualifier, '+');
	assert_false(x->qualifier_written);
	assert_true(span_is(t, x->value_start, x->value_length, "mail.example.com"));
	assert_int_equal(x->cidr4, 24);
	assert_int_equal(x->cidr6, 64);
	assert_true(span_is(t, x->cidr_start, x->cidr_length, "/24//64"));
	x = &r->terms[2];
	assert_int_equal(x->type, AL_SPF_TERM_INCLUDE);
	assert_int_equal(x->qualifier, '~');
	assert_true(span_is(t, x->name_start, x->name_length, "include"));
	x = &r->terms[3];
	assert_int_equal(x->type, AL_SPF_TERM_IP6);
	assert_int_equal(x->cidr6, 32);
	assert_int_equal(x->cidr4, -1);
	assert_int_equal(r->terms[4].type, AL_SPF_TERM_MX);
	assert_false(r->terms[4].has_value);
	assert_int_equal(r->terms[5].type, AL_SPF_TERM_ALL);
	assert_int_equal(r->terms[5].qualifier, '?');
	assert_int_equal(r->all, 5);
	assert_int_equal(r->redirect, 6);
	assert_int_equal(r->exp, 7);
	assert_true(span_is(t, r->terms[6].value_start, r->terms[6].value_length, "r.example.com"));
	x = &r->terms[8];
	assert_int_equal(x->type, AL_SPF_TERM_MODIFIER);
	assert_true(span_is(t, x->name_start, x->name_length, "foo.bar-x_y"));
	assert_true(x->has_macro);
	al_spf_record_free(r);
}

static void test_version_and_spaces(void **state)
{
	(void)state;
	al_spf_record *r = parse("v=spf1");
	assert_true(r->version_ok);
	assert_int_equal(r->term_count, 0);
	al_spf_record_free(r);
	r = parse("V=SpF1   mx    -all  ");
	assert_true(r->version_ok);
	assert_int_equal(r->term_count, 2);
	assert_int_equal(r->error_count, 0);
	al_spf_record_free(r);
	r = parse("v=spf10 mx");
	assert_false(r->version_ok);
	assert_int_equal(r->error_count, 1);
	assert_int_equal(r->errors[0].term, -1);
	assert_int_equal(r->errors[0].length, 7);
	al_spf_record_free(r);
	const char *why;
	assert_true(al_spf_near_miss(" v=spf1 mx", 10, &why));
	assert_true(al_spf_near_miss("v=spf1mx", 8, &why));
	assert_true(al_spf_near_miss("spf1 mx -all", 12, &why));
	assert_true(al_spf_near_miss("v = spf1 mx", 11, &why));
	assert_false(al_spf_near_miss("v=spf1 mx", 9, &why));
	assert_false(al_spf_near_miss("v=spf2.0/pra mx", 15, &why));
	assert_false(al_spf_near_miss("google-site-verification=x", 27, &why));
}

/* Each record has exactly one error, at the bytes given. */
static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *record;
		const char *bad;     /* the error's span */
		const char *message; /* a word of the message */
	} cases[] = {
		{"v=spf1 ip4:192.0.2.0/33 -all", "/33", "above 32"},
		{"v=spf1 ip4:1.2.3.4/032", "/032", "leading zero"},
		{"v=spf1 ip4:1.2.3", "1.2.3", "IPv4"},
		{"v=spf1 ip4:1.2.03.4", "1.2.03.4", "IPv4"},
		{"v=spf1 ip4:1.2.3.4:8080", "1.2.3.4:8080", "IPv4"},
		{"v=spf1 ip4:1.2.3.4//32", "//32", "dual"},
		{"v=spf1 ip4", "ip4", "address"},
		{"v=spf1 ip6:::1.1.1.1/129", "/129", "above 128"},
		{"v=spf1 ip6::CAFE::BABE", ":CAFE::BABE", "IPv6"},
		{"v=spf1 ip6:::1//33", "//33", "dual"},
		{"v=spf1 a/33", "/33", "above 32"},
		{"v=spf1 mx//129", "//129", "above 128"},
		{"v=spf1 a/24/64", "/64", "above 32"},
		{"v=spf1 a:", "a:", "empty"},
		{"v=spf1 mx: -all", "mx:", "empty"},
		{"v=spf1 a:museum", "museum", "top-level"},
		{"v=spf1 a:museum.", "museum.", "top-level"},
		{"v=spf1 a:abc.123", "123", "top-level"},
		{"v=spf1 a:example.-com", "-com", "top-level"},
		{"v=spf1 a:foo.example.com\r", "\r", "control"},
		{"v=spf1 include", "include", "needs"},
		{"v=spf1 include:ip5.example.com/24", "com/24", "top-level"},
		{"v=spf1 exists", "exists", "needs"},
		{"v=spf1 exists:mail.example.com/24", "com/24", "top-level"},
		{"v=spf1 ptr/0", "/0", "no CIDR"},
		{"v=spf1 ptr:", "ptr:", "empty"},
		{"v=spf1 -all.", "-all.", "unknown"},
		{"v=spf1 -all:foobar", ":foobar", "no domain"},
		{"v=spf1 -all/8", "/8", "no domain"},
		{"v=spf1 moo", "moo", "unknown"},
		{"v=spf1 redirect:t2.example.com", "redirect:t2.example.com", "unknown"},
		{"v=spf1 1up=foo", "1up=foo", "modifier name"},
		{"v=spf1 =all", "=all", "without a name"},
		{"v=spf1 ++all", "++all", "two qualifiers"},
		{"v=spf1 moo.cow/far_out=man:dog/cat", "moo.cow/far_out=man:dog/cat", "unknown"},
		{"v=spf1 foo=%abc", "%a", "not followed by"},
		{"v=spf1 exp=", "exp=", "empty"},
		{"v=spf1 exp=-all", "-all", "does not end"},
		{"v=spf1 redirect=a.example.com redirect=b.example.com", "redirect=b.example.com", "second"},
		{"v=spf1 exp=a.example.com -all exp=b.example.com", "exp=b.example.com", "second"},
		{"v=spf1 a:%{x}.example.com", "%{x}", "unknown macro"},
		{"v=spf1 a:%{d0}.example.com", "%{d0}", "nonzero"},
		{"v=spf1 a:%{r}.example.com", "%{r}", "exp"},
		{"v=spf1 a:%{d", "%{d", "closing"},
		{"v=spf1 exists:foo%.sbl.example.com", "%.", "not followed by"},
		{"v=spf1 -exists:%(ir).sbl.example.com", "%(", "not followed by"},
		{"v=spf1 a:%{d}foo", "foo", "glued"},
		{"v=spf1 \x80" "a:example.net", "\x80", "ASCII"},
		{"v=spf1 a:\xef\xbb\xbf" "garbage.example.net", "\xef", "ASCII"},
		{"v=spf1 ip4:192.0.2.5\x0a", "192.0.2.5\x0a", "IPv4"},
		{"v=spf1\tmx", "v=spf1\tmx", "does not start"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		al_spf_record *r = parse(cases[i].record);
		bool ok = r->error_count == 1 &&
			  span_is(cases[i].record, r->errors[0].start, r->errors[0].length, cases[i].bad) &&
			  strstr(r->errors[0].message, cases[i].message) != NULL;
		if (!ok) {
			fprintf(stderr, "case %zu \"%s\": %zu errors", i, cases[i].record, r->error_count);
			if (r->error_count > 0)
				fprintf(stderr, ", first at [%zu,+%zu] \"%.*s\": %s", r->errors[0].start,
					r->errors[0].length, (int)r->errors[0].length,
					cases[i].record + r->errors[0].start, r->errors[0].message);
			fprintf(stderr, "\n");
		}
		assert_true(ok);
		al_spf_record_free(r);
	}
}

static void test_valid_edge_cases(void **state)
{
	(void)state;
	static const char *const good[] = {
		"v=spf1 a:foo.example.xn--zckzah -all",   /* a dash in the toplabel */
		"v=spf1 a:foo:bar/baz.example.com",        /* ':' and '/' in a domain */
		"v=spf1 a:mail.example.com. -all",         /* a trailing dot */
		"v=spf1 a:foo.123-456 -all",                /* toplabel: 1*alnum "-" ... alnum */
		"v=spf1 a:%{H}.bar -all",
		"v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
		"v=spf1 exists:%{i}.%{l2r-}.user.%{d2}",
		"v=spf1 exists:%{l2r+-}.user.%{d2}",
		"v=spf1 redirect=%{d}.d.spf.example.com.",
		"v=spf1 -all exp=%{ir}.example.com",
		"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
		"v=spf1 default=+",
		"v=spf1 foo=",
		"v=spf1 ip6:::1.1.1.1/0 ip6:Cafe:Babe:8000::/33 ip4:0.0.0.0/0",
		"v=spf1 a/0 mx//0 a/32//128",
		"v=spf1 all -all",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		al_spf_record *r = parse(good[i]);
		if (r->error_count != 0)
			fprintf(stderr, "\"%s\": %s\n", good[i], r->errors[0].message);
		assert_int_equal(r->error_count, 0);
		al_spf_record_free(r);
	}
}

static void test_nul_and_length(void **state)
{
	(void)state;
	/* a NUL inside the record is an error, and nothing past the length is read */
	const char text[] = "v=spf1 a:foo.example.com\0 -all";
	al_spf_record *r = NULL;
	assert_int_equal(al_spf_parse(text, sizeof(text) - 1, &r), AL_OK);
	assert_int_equal(r->error_count, 1);
	assert_int_equal(r->term_count, 2);
	al_spf_record_free(r);
	assert_int_equal(al_spf_parse(text, 10, &r), AL_OK); /* "v=spf1 a:f" */
	assert_int_equal(r->term_count, 1);
	assert_true(span_is(text, r->terms[0].start, r->terms[0].length, "a:f"));
	al_spf_record_free(r);
	/* thousands of terms: one block, every term parsed */
	static char big[80000];
	size_t pos = (size_t)snprintf(big, sizeof(big), "v=spf1");
	for (int i = 0; i < 3000; i++)
		pos += (size_t)snprintf(big + pos, sizeof(big) - pos, " ip4:10.%d.%d.0/24", i / 256, i % 256);
	r = parse(big);
	assert_int_equal(r->term_count, 3000);
	assert_int_equal(r->error_count, 0);
	al_spf_record_free(r);
}

static void test_macro_tokens(void **state)
{
	(void)state;
	const char *t = "%{L3r+-}x%%%_%-%{d}";
	size_t pos = 0;
	al_spf_macro m;
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_EXPAND);
	assert_int_equal(m.letter, 'l');
	assert_true(m.url_escape);
	assert_int_equal(m.digits, 3);
	assert_true(m.reverse);
	assert_int_equal(m.delimiters, (1u << 2) | (1u << 1)); /* '+' and '-' */
	assert_int_equal(m.length, 8);
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_LITERAL);
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_ESCAPE);
	assert_string_equal(m.text, "%");
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_ESCAPE);
	assert_string_equal(m.text, " ");
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_ESCAPE);
	assert_string_equal(m.text, "%20");
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_EXPAND);
	assert_int_equal(m.letter, 'd');
	assert_int_equal(al_spf_macro_next(t, strlen(t), &pos, false, &m), AL_SPF_MACRO_END);
	/* explanation text allows spaces and c, r, t */
	const char *e = "from %{c} at %{t}";
	pos = 0;
	int tokens = 0;
	while (al_spf_macro_next(e, strlen(e), &pos, true, &m) != AL_SPF_MACRO_END) {
		assert_int_not_equal(m.token, AL_SPF_MACRO_ERROR);
		tokens++;
	}
	assert_int_equal(tokens, 4);
	pos = 0;
	assert_int_equal(al_spf_macro_next(e, strlen(e), &pos, false, &m), AL_SPF_MACRO_LITERAL);
	assert_int_equal(al_spf_macro_next(e, strlen(e), &pos, false, &m), AL_SPF_MACRO_ERROR); /* the space */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_and_spans),
		cmocka_unit_test(test_version_and_spaces),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_valid_edge_cases),
		cmocka_unit_test(test_nul_and_length),
		cmocka_unit_test(test_macro_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
