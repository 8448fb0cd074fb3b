/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Organizational domains: the Public Suffix List test vectors
 * (tests/data/psl/tests.txt, CC0) through authlint's PSL code, and the names
 * of the RFC 9989 tree walk.
 */
#include "helpers.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <authlint/dmarc_discovery.h>

#include "check/orgdomain.h"

static void test_psl_vectors(void **state)
{
	(void)state;
	(void)t_rules(); /* loads the list of tests/data/psl, not the installed one */
	assert_string_equal(al_dmarc_psl_source(), t_source_path("tests/data/psl/public_suffix_list.dat"));
	FILE *f = fopen(t_source_path("tests/data/psl/tests.txt"), "r");
	assert_non_null(f);
	char line[512];
	size_t checks = 0, passed = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || strncmp(line, "//", 2) == 0)
			continue;
		char input[256], expected[256];
		if (sscanf(line, "%255s %255s", input, expected) != 2)
			fail_msg("bad line: %s", line);
		checks++;
		/* the list works on lower-case names; ASCII is all the vectors mix */
		for (char *p = input; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		const char *got = strcmp(input, "null") == 0 ? al_psl_registrable(NULL)
							     : al_psl_registrable(input);
		bool ok = strcmp(expected, "null") == 0 ? got == NULL : got != NULL && strcmp(got, expected) == 0;
		if (ok)
			passed++;
		else
			fprintf(stderr, "PSL vector %s: expected %s, got %s\n", input, expected,
				got ? got : "null");
		/* names in A-label form also go through the public API */
		if (ok && got != NULL && strspn(input, "abcdefghijklmnopqrstuvwxyz0123456789-.") == strlen(input) &&
		    input[0] != '.') {
			char out[AL_NAME_MAX];
			assert_int_equal(al_dmarc_psl_organizational_domain(input, out), AL_OK);
			assert_string_equal(out, expected);
		}
	}
	fclose(f);
	fprintf(stderr, "PSL test vectors: %zu/%zu pass (%s)\n", passed, checks, al_dmarc_psl_source());
	assert_int_equal(checks, 78);
	assert_int_equal(passed, checks);
}

static void test_psl_api(void **state)
{
	(void)state;
	char out[AL_NAME_MAX];
	assert_int_equal(al_dmarc_psl_organizational_domain("Mail.Example.CO.UK.", out), AL_OK);
	assert_string_equal(out, "example.co.uk");
	/* a public suffix is its own organizational domain */
	assert_int_equal(al_dmarc_psl_organizational_domain("co.uk", out), AL_OK);
	assert_string_equal(out, "co.uk");
	/* private rules count: each github.io site is its own */
	assert_int_equal(al_dmarc_psl_organizational_domain("a.b.github.io", out), AL_OK);
	assert_string_equal(out, "b.github.io");
	assert_int_equal(al_dmarc_psl_organizational_domain("a..b", out), AL_EINVAL);
	assert_int_equal(al_dmarc_psl_organizational_domain(".", out), AL_EINVAL);
	assert_true(al_dmarc_psl_is_public_suffix("com"));
	assert_true(al_dmarc_psl_is_public_suffix("co.uk"));
	assert_false(al_dmarc_psl_is_public_suffix("example.com"));
	assert_non_null(al_dmarc_psl_source());
}

static void test_tree_walk_names(void **state)
{
	(void)state;
	const char *out[8];
	size_t n = al_dmarc_tree_walk_names("a.mail.example.com", out);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "a.mail.example.com");
	assert_string_equal(out[1], "mail.example.com");
	assert_string_equal(out[3], "com");
	/* RFC 9989 4.10: the example with twelve labels asks eight names */
	n = al_dmarc_tree_walk_names("a.b.c.d.e.f.g.h.i.j.mail.example.com", out);
	assert_int_equal(n, 8);
	assert_string_equal(out[0], "a.b.c.d.e.f.g.h.i.j.mail.example.com");
	assert_string_equal(out[1], "g.h.i.j.mail.example.com");
	assert_string_equal(out[2], "h.i.j.mail.example.com");
	assert_string_equal(out[7], "com");
	/* exactly eight labels: the 7-label suffix is the parent */
	n = al_dmarc_tree_walk_names("a.b.c.d.e.f.example.com", out);
	assert_int_equal(n, 8);
	assert_string_equal(out[1], "b.c.d.e.f.example.com");
	n = al_dmarc_tree_walk_names("com", out);
	assert_int_equal(n, 1);
	assert_int_equal(al_dmarc_tree_walk_names(".", out), 0);
	assert_int_equal(al_dmarc_tree_walk_names("", out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_vectors),
		cmocka_unit_test(test_psl_api),
		cmocka_unit_test(test_tree_walk_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
