/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display escaping: terminal escapes, NUL, invalid UTF-8 and bidi controls never pass. */
#include "helpers.h"

#include <string.h>

#include "util/escape.h"
#include "util/markdown.h"

static char *esc(const char *data, size_t n)
{
	static al_strbuf sb;
	al_strbuf_reset(&sb);
	al_escape_display(&sb, data, n);
	return sb.data ? sb.data : "";
}

static void test_display(void **state)
{
	(void)state;
	assert_string_equal(esc("v=spf1 -all", 11), "v=spf1 -all");
	assert_string_equal(esc("a\033[2Jb", 6), "a\\x1b[2Jb");
	assert_string_equal(esc("a\0b", 3), "a\\x00b");
	assert_string_equal(esc("tab\there\n", 9), "tab\\x09here\\x0a");
	assert_string_equal(esc("back\\slash", 10), "back\\\\slash");
	assert_string_equal(esc("\xff\xfe", 2), "\\xff\\xfe");
	assert_string_equal(esc("caf\xc3\xa9", 5), "caf\xc3\xa9");          /* UTF-8 stays */
	assert_string_equal(esc("\xc3", 1), "\\xc3");                        /* truncated */
	assert_string_equal(esc("\xc0\xaf", 2), "\\xc0\\xaf");               /* overlong */
	assert_string_equal(esc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");      /* surrogate */
	assert_string_equal(esc("x\xe2\x80\xaey", 5), "x\\u{202e}y");        /* RLO */
	assert_string_equal(esc("\xc2\x9b", 2), "\\u{009b}");                /* C1 CSI */
	assert_string_equal(esc("\x7f", 1), "\\x7f");
}

static void test_clean_and_width(void **state)
{
	(void)state;
	assert_true(al_text_is_clean("v=DMARC1; p=none", 16));
	assert_false(al_text_is_clean("a\033b", 3));
	assert_int_equal(al_display_width("abc", 3), 3);
	assert_int_equal(al_display_width("caf\xc3\xa9", 5), 4);
	assert_int_equal(al_display_width("a\033", 2), 5);
}

static void test_json(void **state)
{
	(void)state;
	al_strbuf sb = AL_STRBUF_INIT;
	al_escape_json(&sb, "say \"hi\"\n\\", 10);
	assert_string_equal(sb.data, "say \\\"hi\\\"\\\\x0a\\\\\\\\");
	al_strbuf_free(&sb);
}

static void test_markdown(void **state)
{
	(void)state;
	al_strbuf sb = AL_STRBUF_INIT;
	/* markup, a link, a mention and a terminal escape are all taken literally */
	al_md_text(&sb, "*x* [a](http://e) @team \033");
	assert_string_equal(sb.data, "\\*x\\* \\[a\\]\\(http\\://e\\) \\@team \\\\x1b");
	al_strbuf_reset(&sb);
	al_md_text(&sb, NULL);
	assert_int_equal(sb.length, 0);
	/* a code span is fenced past the longest backtick run and padded when it starts with one */
	al_md_code(&sb, "a``b", false);
	assert_string_equal(sb.data, "```a``b```");
	al_strbuf_reset(&sb);
	al_md_code(&sb, "`x|y", true);
	assert_string_equal(sb.data, "`` `x\\|y ``");
	al_strbuf_reset(&sb);
	al_md_code(&sb, "x|y", false);
	assert_string_equal(sb.data, "`x|y`");
	assert_int_equal(al_md_longest_backticks("a`b```c``"), 3);
	al_strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_clean_and_width),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_markdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
