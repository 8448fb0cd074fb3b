/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display escaping: terminal escapes, NUL, invalid UTF-8 and bidi controls never pass. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "util/escape.h"
#include "util/json.h"
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

/* ---- the fast paths against the byte-at-a-time forms they replaced -------- */

/* The display escaping as it was written before the word-at-a-time scan: one
 * byte after another, the reference the fast path must match byte for byte. */
static bool ref_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x2028 || cp == 0x2029;
}

typedef void (*ref_piece_fn)(void *ctx, const char *data, size_t length, bool escaped);

static void ref_walk(const char *data, size_t length, ref_piece_fn fn, void *ctx)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, run = 0;
	char e[16];
	while (i < length) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t n = c >= 0x80 ? al_utf8_decode(p + i, length - i, &cp) : 0;
		if (n > 0 && !ref_hidden(cp)) {
			i += n;
			continue;
		}
		if (i > run)
			fn(ctx, data + run, i - run, false);
		if (c == '\\') {
			fn(ctx, "\\\\", 2, true);
			i++;
		} else if (n > 0) {
			int k = snprintf(e, sizeof(e), "\\u{%04x}", (unsigned)cp);
			fn(ctx, e, (size_t)k, true);
			i += n;
		} else {
			snprintf(e, sizeof(e), "\\x%02x", c);
			fn(ctx, e, 4, true);
			i++;
		}
		run = i;
	}
	if (i > run)
		fn(ctx, data + run, i - run, false);
}

static void ref_display_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	(void)escaped;
	al_strbuf_append(ctx, data, length);
}

static void ref_json_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	al_strbuf *out = ctx;
	for (size_t i = 0; i < length; i++) {
		if (escaped && data[i] == '\\')
			al_strbuf_append(out, "\\\\", 2);
		else if (!escaped && data[i] == '"')
			al_strbuf_append(out, "\\\"", 2);
		else
			al_strbuf_putc(out, data[i]);
	}
}

static void ref_width_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	size_t *w = ctx;
	for (size_t i = 0; i < length; i++)
		if (escaped || ((unsigned char)data[i] & 0xc0) != 0x80)
			(*w)++;
}

static void ref_dirty_piece(void *ctx, const char *data, size_t length, bool escaped)
{
	(void)data;
	(void)length;
	if (escaped)
		*(bool *)ctx = true;
}

/* JSON's own escapes of display-form text, as al_json_string_verbatim wrote them one by one */
static void ref_verbatim(al_strbuf *out, const char *text, size_t length)
{
	al_strbuf_putc(out, '"');
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\') {
			al_strbuf_putc(out, '\\');
			al_strbuf_putc(out, (char)c);
		} else if (c == '\n') {
			al_strbuf_append(out, "\\n", 2);
		} else if (c == '\t') {
			al_strbuf_append(out, "\\t", 2);
		} else if (c < 0x20) {
			al_strbuf_printf(out, "\\u%04x", c);
		} else {
			al_strbuf_putc(out, (char)c);
		}
	}
	al_strbuf_putc(out, '"');
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

/* Random text: mostly printable ASCII (long runs, to go through the eight-byte
 * scan), with ESC, NUL, DEL, backslashes, quotes, line breaks, C1 controls, bidi
 * controls, BOM, line separators, printable UTF-8 and invalid UTF-8 among it. */
static size_t random_text(char *buf, size_t room)
{
	static const char *const pieces[] = {
		"\x1b", "\x1b[2J", "\0", "\x7f", "\\", "\"", "\n", "\t", "\r", "\x01", "\x1f",
		"\xc2\x80", "\xc2\x9b", "\xc2\x9f", "\xc2\xa0",          /* C1 controls; NBSP is printable */
		"\xe2\x80\xae", "\xe2\x80\x8e", "\xe2\x81\xa6", "\xe2\x81\xa9", /* RLO, LRM, LRI, PDI */
		"\xef\xbb\xbf", "\xe2\x80\xa8", "\xe2\x80\xa9",       /* BOM, LS, PS */
		"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xcc\x81", /* printable UTF-8 */
		"\xff", "\xfe", "\x80", "\xbf", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", /* invalid */
		"\xf4\x90\x80\x80", "\xc3", "\xe2\x80", "\xf0\x9f\x98",                   /* too high, cut */
	};
	size_t n = 0, target = rnd() % room;
	while (n < target) {
		uint32_t r = rnd() % 100;
		if (r < 70) {
			size_t run = 1 + rnd() % 24;
			for (size_t k = 0; k < run && n < room; k++)
				buf[n++] = (char)(0x20 + rnd() % 0x5f);
		} else {
			const char *p = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t len = p[0] == '\0' ? 1 : strlen(p);
			for (size_t k = 0; k < len && n < room; k++)
				buf[n++] = p[k];
		}
	}
	return n;
}

static void test_fast_paths_match(void **state)
{
	(void)state;
	char raw[320 + 8];
	al_strbuf got = AL_STRBUF_INIT, want = AL_STRBUF_INIT;
	for (int iter = 0; iter < 40000; iter++) {
		/* from an odd offset now and then: the eight-byte reads need no alignment */
		size_t shift = rnd() % 8;
		char *buf = raw + shift;
		size_t n = random_text(buf, 320);

		al_strbuf_reset(&got);
		al_strbuf_reset(&want);
		al_escape_display(&got, buf, n);
		ref_walk(buf, n, ref_display_piece, &want);
		assert_int_equal(got.length, want.length);
		assert_memory_equal(al_strbuf_cstr(&got), al_strbuf_cstr(&want), got.length);

		al_strbuf_reset(&got);
		al_strbuf_reset(&want);
		al_escape_json(&got, buf, n);
		ref_walk(buf, n, ref_json_piece, &want);
		assert_int_equal(got.length, want.length);
		assert_memory_equal(al_strbuf_cstr(&got), al_strbuf_cstr(&want), got.length);

		size_t w = 0;
		ref_walk(buf, n, ref_width_piece, &w);
		assert_int_equal(al_display_width(buf, n), w);
		bool dirty = false;
		ref_walk(buf, n, ref_dirty_piece, &dirty);
		assert_int_equal(al_text_is_clean(buf, n), !dirty);

		size_t plain = 0;
		while (plain < n && (unsigned char)buf[plain] >= 0x20 && (unsigned char)buf[plain] < 0x7f &&
		       buf[plain] != '\\')
			plain++;
		assert_int_equal(al_escape_plain_run(buf, n), plain);

		al_strbuf_reset(&got);
		al_strbuf_reset(&want);
		al_json j;
		al_json_init(&j, &got, false);
		al_json_string_verbatim(&j, buf, n);
		ref_verbatim(&want, buf, n);
		assert_int_equal(got.length, want.length);
		assert_memory_equal(al_strbuf_cstr(&got), al_strbuf_cstr(&want), got.length);
	}
	al_strbuf_free(&got);
	al_strbuf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_clean_and_width),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_fast_paths_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
