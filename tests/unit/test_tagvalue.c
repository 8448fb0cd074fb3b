/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tag=value lexer shared by DKIM and DMARC. */
#include "helpers.h"

#include <string.h>

#include "record/tagvalue.h"
#include "util/arena.h"

static al_arena arena;

static void lex(const char *text, al_taglist *l)
{
	assert_int_equal(al_tagvalue_parse(text, strlen(text), &arena, l), AL_OK);
}

static void test_basic(void **state)
{
	(void)state;
	al_taglist l;
	const char *t = "v=DMARC1; p = reject ;rua=mailto:a@example.com,mailto:b@example.com;";
	lex(t, &l);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.problem_count, 0);
	assert_true(l.trailing_separator);
	const al_tv_tag *p = al_taglist_find(&l, t, "P", false);
	assert_non_null(p);
	assert_int_equal(p->value_length, 6);
	assert_memory_equal(t + p->value_start, "reject", 6);
	assert_null(al_taglist_find(&l, t, "P", true));
	assert_int_equal(al_taglist_count_named(&l, t, "rua", true), 1);
}

static void test_problems(void **state)
{
	(void)state;
	al_taglist l;
	lex("v=DMARC1 p=none", &l);
	assert_int_equal(l.count, 1); /* one tag whose value is "DMARC1 p=none" */
	lex("v=DKIM1;; p=abc", &l);
	assert_int_equal(l.problem_count, 1);
	assert_int_equal(l.problems[0].kind, AL_TV_EMPTY_SPEC);
	lex("v=DKIM1; k", &l);
	assert_int_equal(l.problems[0].kind, AL_TV_NO_EQUALS);
	lex("1v=x", &l);
	assert_int_equal(l.problems[0].kind, AL_TV_BAD_NAME);
	lex("=x", &l);
	assert_int_equal(l.problems[0].kind, AL_TV_EMPTY_NAME);
	lex("p=\x01z", &l);
	assert_int_equal(l.problems[0].kind, AL_TV_BAD_VALUE_CHAR);
	lex("", &l);
	assert_int_equal(l.count, 0);
	assert_int_equal(l.problem_count, 0);
}

static void test_fws(void **state)
{
	(void)state;
	al_taglist l;
	const char *t = "k=rsa;\r\n\tp=MIGf\r\n MA0G";
	lex(t, &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.problem_count, 0);
	assert_memory_equal(t + l.tags[1].value_start, "MIGf\r\n MA0G", l.tags[1].value_length);
}

static int setup(void **state)
{
	(void)state;
	al_arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	al_arena_clear(&arena);
	return 0;
}

/* A value is checked eight bytes at a time: a bad byte or a run of them is
 * found wherever it falls in a word, and blanks inside a value stay allowed. */
static void test_value_chars_by_word(void **state)
{
	(void)state;
	char t[64];
	for (size_t at = 0; at < 40; at++) {
		for (size_t run = 1; run <= 9; run += 4) {
			memset(t, 0, sizeof(t));
			memcpy(t, "p=", 2);
			for (size_t i = 0; i < 44; i++)
				t[2 + i] = (char)('A' + i % 26);
			for (size_t i = 0; i < run && at + i < 44; i++)
				t[2 + at + i] = i % 2 ? '\x7f' : '\x80';
			al_taglist l;
			lex(t, &l);
			assert_int_equal(l.count, 1);
			assert_int_equal(l.problem_count, 1);
			assert_int_equal(l.problems[0].kind, AL_TV_BAD_VALUE_CHAR);
			assert_int_equal(l.problems[0].start, 2 + at);
			size_t want = at + run <= 44 ? run : 44 - at;
			assert_int_equal(l.problems[0].length, want);
		}
	}
	al_taglist l;
	lex("p=MIGfMA0GCSqG SIb3DQEB\tAQUAA4GNADCBiQKBgQ;k=rsa", &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.problem_count, 0);
	lex("p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ\x01KBgQ\x01", &l);
	assert_int_equal(l.problem_count, 2);
	assert_int_equal(l.problems[0].start, 36);
	assert_int_equal(l.problems[1].start, 41);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_fws),
		cmocka_unit_test(test_value_chars_by_word),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
