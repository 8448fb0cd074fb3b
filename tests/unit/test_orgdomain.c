/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Organizational domains: the Public Suffix List test vectors
 * (tests/data/psl/tests.txt, CC0) through authlint's PSL code, against the
 * excerpt and the whole list shipped in tests/data/psl (so they do not depend
 * on the installed list); and the names of the RFC 9989
 * tree walk.
 */
#include "helpers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <authlint/dmarc_discovery.h>

#include "check/lint_context.h"
#include "check/lint_internal.h"
#include "dns/orgdomain.h"

static al_psl *load_excerpt(void)
{
	al_psl *psl = NULL;
	al_error err = {0};
	assert_int_equal(al_psl_load_file(t_source_path("tests/data/psl/excerpt.dat"), &psl, &err), AL_OK);
	assert_non_null(psl);
	return psl;
}

static void run_vectors(const al_psl *psl)
{
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
		const char *got = strcmp(input, "null") == 0 ? al_psl_registrable(psl, NULL)
							     : al_psl_registrable(psl, input);
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
			assert_int_equal(al_dmarc_psl_organizational_domain(psl, input, out), AL_OK);
			assert_string_equal(out, expected);
		}
	}
	fclose(f);
	fprintf(stderr, "PSL test vectors: %zu/%zu pass (%s)\n", passed, checks, al_dmarc_psl_source(psl));
	assert_int_equal(checks, 78);
	assert_int_equal(passed, checks);
}

static void test_psl_vectors(void **state)
{
	(void)state;
	al_psl *psl = load_excerpt();
	run_vectors(psl);
	al_psl_free(psl);
}

/* the whole list of the tree passes them too; the default is one list, loaded once */
static void test_psl_vectors_tree(void **state)
{
	(void)state;
	run_vectors(t_psl());
	assert_string_equal(al_dmarc_psl_source(t_psl()), t_source_path("tests/data/psl/public_suffix_list.dat"));
	assert_ptr_equal(al_psl_default(), al_psl_default());
	assert_string_equal(al_dmarc_psl_source(NULL), al_dmarc_psl_source(al_psl_default()));
}

static void test_psl_api(void **state)
{
	(void)state;
	al_psl *psl = load_excerpt();
	char out[AL_NAME_MAX];
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, "Mail.Example.CO.UK.", out), AL_OK);
	assert_string_equal(out, "example.co.uk");
	/* a public suffix is its own organizational domain */
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, "co.uk", out), AL_OK);
	assert_string_equal(out, "co.uk");
	/* private rules count: each github.io site is its own */
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, "a.b.github.io", out), AL_OK);
	assert_string_equal(out, "b.github.io");
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, "a..b", out), AL_EINVAL);
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, ".", out), AL_EINVAL);
	assert_true(al_dmarc_psl_is_public_suffix(psl, "com"));
	assert_true(al_dmarc_psl_is_public_suffix(psl, "co.uk"));
	assert_false(al_dmarc_psl_is_public_suffix(psl, "example.com"));
	/* the caller's list is the one used: gitlab.io is not in the excerpt, so gitlab.io is
	 * a registrable domain under io there */
	assert_false(al_dmarc_psl_is_public_suffix(psl, "gitlab.io"));
	assert_int_equal(al_dmarc_psl_organizational_domain(psl, "a.b.gitlab.io", out), AL_OK);
	assert_string_equal(out, "gitlab.io");
	const char *src = al_dmarc_psl_source(psl);
	assert_non_null(strstr(src, "tests/data/psl/excerpt.dat"));
	al_psl_free(psl);
	/* the default list */
	assert_int_equal(al_dmarc_psl_organizational_domain(NULL, "Mail.Example.CO.UK.", out), AL_OK);
	assert_string_equal(out, "example.co.uk");
	assert_true(al_dmarc_psl_is_public_suffix(NULL, "com"));
	assert_non_null(al_dmarc_psl_source(NULL));
	al_psl_free(NULL);
}

static void test_psl_load_errors(void **state)
{
	(void)state;
	al_psl *psl = NULL;
	al_error err = {0};
	assert_int_equal(al_psl_load_file(t_source_path("tests/data/psl/no-such-file.dat"), &psl, &err),
			 AL_ENOENT);
	assert_null(psl);
	assert_non_null(strstr(err.message, "no-such-file.dat"));
	/* a file with no rule: only a comment */
	char path[] = "/tmp/authlint-psl-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("// only a comment\n\n", f);
	fclose(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(al_psl_load_file(path, &psl, &err), AL_ESYNTAX);
	assert_null(psl);
	assert_non_null(strstr(err.message, "holds no rule"));
	unlink(path);
	assert_int_equal(al_psl_load_file(NULL, &psl, &err), AL_EINVAL);
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

/* The lint's PSL memo (check/psl_memo.c) answers as the list does, from its small table
 * and, once the lint has asked about many names, from the full one; each name twice. */
static void test_psl_memo(void **state)
{
	(void)state;
	al_lint_options o = {0};
	o.rules = t_rules();
	o.psl = t_psl();
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &o), AL_OK);
	static const char *const tails[] = {"example.com", "co.uk", "example.co.uk", "com", "github.io",
					    "a.github.io", "invalid", "b.c.example.org", "kawasaki.jp"};
	char name[AL_NAME_MAX], via_memo[AL_NAME_MAX], direct[AL_NAME_MAX];
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < 600; i++) {
			const char *tail = tails[i % (sizeof(tails) / sizeof(tails[0]))];
			if (i < 20)
				snprintf(name, sizeof(name), "%s", tail);
			else
				snprintf(name, sizeof(name), "n%zu.%s", i, tail);
			al_status a = al_lint_org_domain(lint, name, via_memo);
			al_status b = al_dmarc_psl_organizational_domain(o.psl, name, direct);
			assert_int_equal(a, b);
			if (a == AL_OK)
				assert_string_equal(via_memo, direct);
			assert_int_equal(al_lint_public_suffix(lint, name), al_dmarc_psl_is_public_suffix(o.psl, name));
			if (round == 0 && i == 10)
				assert_int_equal(lint->psl_memo_slots, AL_PSL_MEMO_FIRST_SLOTS); /* still small */
		}
	}
	assert_int_equal(lint->psl_memo_slots, AL_PSL_MEMO_SLOTS); /* grown */
	assert_true(al_lint_same_organization(lint, "a.example.co.uk", "b.example.co.uk"));
	assert_false(al_lint_same_organization(lint, "a.example.co.uk", "example2.co.uk"));
	al_lint_free(lint);
}

/* The memo asks libpsl once per name and takes the parents' answers from its
 * table (psl_registrable_domain's walk, redone): every test vector's name, in
 * both orders of asking, with a few labels put in front, in upper case, with a
 * trailing dot, and past libpsl's nine-label cut, answers as the list does. */
static void check_memo_names(al_lint *lint, const al_psl *psl, const char *name, bool suffix_first)
{
	char via_memo[AL_NAME_MAX], direct[AL_NAME_MAX];
	for (int again = 0; again < 2; again++) {
		if (suffix_first)
			assert_int_equal(al_lint_public_suffix(lint, name), al_dmarc_psl_is_public_suffix(psl, name));
		al_status a = al_lint_org_domain(lint, name, via_memo);
		al_status b = al_dmarc_psl_organizational_domain(psl, name, direct);
		assert_int_equal(a, b);
		if (a == AL_OK)
			assert_string_equal(via_memo, direct);
		assert_int_equal(al_lint_public_suffix(lint, name), al_dmarc_psl_is_public_suffix(psl, name));
	}
}

static void test_psl_memo_walk(void **state)
{
	(void)state;
	al_psl *excerpt = load_excerpt();
	const al_psl *lists[] = {excerpt, t_psl()};
	static const char *const fronts[] = {"", "a.", "x.y.", "Mail.", "1.2.3.4.5.6.7.", "1.2.3.4.5.6.7.8.9.10."};
	static const char *const extra[] = {"www.ck", "a.www.ck", "b.a.ck", "ck", "city.kawasaki.jp",
					    "a.city.kawasaki.jp", "b.a.kawasaki.jp", "a.b.github.io", "github.io",
					    "a.b.c.d.e.f.g.h.example.co.uk", "example.co.uk.", "a..b", ".", "",
					    "invalid", "x.invalid", "forgot.his.name", "a.forgot.his.name"};
	for (size_t l = 0; l < 2; l++) {
		for (int order = 0; order < 2; order++) {
			al_lint_options o = {0};
			o.rules = t_rules();
			o.psl = lists[l];
			al_lint *lint = NULL;
			assert_int_equal(al_lint_new(&lint, &o), AL_OK);
			FILE *f = fopen(t_source_path("tests/data/psl/tests.txt"), "r");
			assert_non_null(f);
			char line[512], input[256], expected[256], name[AL_NAME_MAX];
			size_t names = 0;
			while (fgets(line, sizeof(line), f) != NULL) {
				if (line[0] == '/' || sscanf(line, "%255s %255s", input, expected) != 2 ||
				    strcmp(input, "null") == 0)
					continue;
				for (size_t i = 0; i < sizeof(fronts) / sizeof(fronts[0]); i++) {
					snprintf(name, sizeof(name), "%s%s", fronts[i], input);
					check_memo_names(lint, o.psl, name, order == 1);
					names++;
				}
			}
			fclose(f);
			assert_true(names > 400);
			for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
				for (size_t k = 0; k < sizeof(fronts) / sizeof(fronts[0]); k++) {
					snprintf(name, sizeof(name), "%s%s", fronts[k], extra[i]);
					check_memo_names(lint, o.psl, name, order == 0);
				}
			al_lint_free(lint);
		}
	}
	al_psl_free(excerpt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_vectors),
		cmocka_unit_test(test_psl_vectors_tree),
		cmocka_unit_test(test_psl_api),
		cmocka_unit_test(test_psl_load_errors),
		cmocka_unit_test(test_tree_walk_names),
		cmocka_unit_test(test_psl_memo),
		cmocka_unit_test(test_psl_memo_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
