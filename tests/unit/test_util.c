/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena, strbuf, map, JSON writer, YAML helpers. */
#include "helpers.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/yaml.h"

static void test_arena(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	char *s = al_arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	void *big = al_arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_non_null(al_arena_printf(&a, "%d", i));
	assert_int_equal(((uintptr_t)al_arena_alloc(&a, 3)) % 16, 0);
	assert_string_equal(s, "hello");
	al_arena_clear(&a);
}

/* Formats of strings and counts only are put together without vsnprintf: the
 * same text as snprintf's, and everything else still goes to vsnprintf. */
static void test_arena_concat(void **state)
{
	(void)state;
	al_arena a;
	al_arena_init(&a);
	char want[512];
	const char *volatile null_string = NULL; /* opaque to the format checks */
	assert_string_equal(al_arena_printf(&a, "_dmarc.%s", "example.com"), "_dmarc.example.com");
	assert_string_equal(al_arena_printf(&a, "%s", ""), "");
	assert_string_equal(al_arena_printf(&a, "%s", "x"), "x");
	assert_string_equal(al_arena_printf(&a, "plain text"), "plain text");
	assert_string_equal(al_arena_printf(&a, "%s", null_string), "(null)");
	assert_string_equal(al_arena_printf(&a, "100%% of %s%%", "it"), "100% of it%");
	assert_string_equal(al_arena_printf(&a, "%%%%"), "%%");
	assert_string_equal(al_arena_printf(&a, "%s:%lu", "zone.db", 0UL), "zone.db:0");
	snprintf(want, sizeof(want), "%s:%lu", "f", ULONG_MAX);
	assert_string_equal(al_arena_printf(&a, "%s:%lu", "f", ULONG_MAX), want);
	snprintf(want, sizeof(want), "%zu selector%s and %u more", (size_t)SIZE_MAX, "s", UINT_MAX);
	assert_string_equal(al_arena_printf(&a, "%zu selector%s and %u more", (size_t)SIZE_MAX, "s", UINT_MAX),
			    want);
	/* eight conversions are put together here, a ninth goes to vsnprintf: the same text */
	assert_string_equal(al_arena_printf(&a, "%s%s%s%s%s%s%s%s", "a", "b", "c", "d", "e", "f", "g", "h"),
			    "abcdefgh");
	assert_string_equal(al_arena_printf(&a, "%s%s%s%s%s%s%s%s%s", "a", "b", "c", "d", "e", "f", "g", "h", "i"),
			    "abcdefghi");
	/* what the fast path does not take */
	assert_string_equal(al_arena_printf(&a, "%d/%5s/%.2s/%x", -3, "ab", "xyz", 255U), "-3/   ab/xy/ff");
	assert_string_equal(al_arena_printf(&a, "%s=%.*s", "k", 2, "value"), "k=va");
	/* long pieces: the result is whole and NUL-terminated */
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *p = al_arena_printf(&a, "<%s|%s>", big, big);
	assert_int_equal(strlen(p), 2 * (sizeof(big) - 1) + 3);
	assert_int_equal(((uintptr_t)al_arena_printf(&a, "%s", "x")) % 16, 0);
	al_arena_clear(&a);
}

static void test_map(void **state)
{
	(void)state;
	al_map m;
	al_map_init(&m, true);
	char keys[1000][16];
	for (int i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "Key%d", i);
		assert_true(al_map_put(&m, keys[i], keys[i]));
	}
	assert_ptr_equal(al_map_get(&m, "key500"), keys[500]);
	assert_ptr_equal(al_map_remove(&m, "KEY500"), keys[500]);
	assert_null(al_map_get(&m, "key500"));
	assert_true(al_map_put(&m, keys[500], keys[500]));
	size_t it = 0, n = 0;
	const char *k;
	void *v;
	while (al_map_next(&m, &it, &k, &v))
		n++;
	assert_int_equal(n, 1000);
	al_map_free(&m);
}

static void test_json(void **state)
{
	(void)state;
	al_strbuf sb = AL_STRBUF_INIT;
	al_json j;
	al_json_init(&j, &sb, false);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "a", "x\"y");
	al_json_key(&j, "list");
	al_json_begin_array(&j);
	al_json_int(&j, -1);
	al_json_int(&j, 0);
	al_json_int(&j, LLONG_MIN);
	al_json_int(&j, LLONG_MAX);
	al_json_uint(&j, ULLONG_MAX);
	al_json_uint(&j, 10);
	al_json_bool(&j, true);
	al_json_null(&j);
	al_json_end_array(&j);
	al_json_key(&j, "empty");
	al_json_begin_object(&j);
	al_json_end_object(&j);
	al_json_end_object(&j);
	assert_string_equal(sb.data, "{\"a\":\"x\\\"y\",\"list\":[-1,0,-9223372036854775808,9223372036854775807,"
			     "18446744073709551615,10,true,null],\"empty\":{}}");
	al_strbuf_free(&sb);
}

static void test_yaml(void **state)
{
	(void)state;
	yaml_document_t doc;
	al_error err = {0};
	const char *text = "a: 1\nb: [x, y]\nc:\n  d: true\n";
	assert_int_equal(al_yaml_load_buffer("t.yaml", text, strlen(text), &doc, &err), AL_OK);
	yaml_node_t *root = al_yaml_root(&doc);
	unsigned long n;
	assert_true(al_yaml_ulong(al_yaml_map_get(&doc, root, "a"), &n));
	assert_int_equal(n, 1);
	yaml_node_t *b = al_yaml_map_get(&doc, root, "b");
	assert_int_equal(al_yaml_seq_count(b), 2);
	assert_string_equal(al_yaml_scalar(al_yaml_seq_at(&doc, b, 1)), "y");
	yaml_node_t *c = al_yaml_map_get(&doc, root, "c");
	assert_int_equal(al_yaml_line(c), 4);
	bool flag = false;
	assert_true(al_yaml_bool(al_yaml_map_get(&doc, c, "d"), &flag));
	assert_true(flag);
	yaml_document_delete(&doc);
	const char *bad = "a: [1, 2\nb: 3\n";
	assert_int_equal(al_yaml_load_buffer("bad.yaml", bad, strlen(bad), &doc, &err), AL_ESYNTAX);
	assert_non_null(strstr(err.message, "bad.yaml:"));
}

/* Nesting, size and alias cycles are bounded while the document is read,
 * before its tree is built: the error names the file and the line. */
static void test_yaml_bounds(void **state)
{
	(void)state;
	yaml_document_t doc;
	al_error err = {0};
	/* 64 levels are read, 65 are not */
	char text[4096];
	for (int depth = AL_YAML_MAX_DEPTH; depth <= AL_YAML_MAX_DEPTH + 1; depth++) {
		size_t n = (size_t)snprintf(text, sizeof(text), "# a comment\nrules: ");
		for (int i = 1; i < depth; i++)
			text[n++] = '[';
		for (int i = 1; i < depth; i++)
			text[n++] = ']';
		text[n] = '\0';
		al_status st = al_yaml_load_buffer("deep.yaml", text, n, &doc, &err);
		if (depth == AL_YAML_MAX_DEPTH) {
			assert_int_equal(st, AL_OK);
			yaml_document_delete(&doc);
		} else {
			assert_int_equal(st, AL_ESYNTAX);
			assert_string_equal(err.message, "deep.yaml:2: nested deeper than 64 levels");
		}
	}
	/* a deep document far larger than the bound is refused as quickly */
	size_t big = 400000;
	char *deep = malloc(2 * big + 16);
	assert_non_null(deep);
	memset(deep, '[', big);
	memset(deep + big, ']', big);
	assert_int_equal(al_yaml_load_buffer("deeper.yaml", deep, 2 * big, &doc, &err), AL_ESYNTAX);
	assert_non_null(strstr(err.message, "deeper.yaml:1: nested deeper"));
	/* too many nodes */
	size_t items = AL_YAML_MAX_NODES + 10, len = 0;
	char *wide = realloc(deep, 3 * items + 16);
	assert_non_null(wide);
	wide[len++] = '\n';
	wide[len++] = '[';
	for (size_t i = 0; i < items; i++) {
		wide[len++] = '1';
		wide[len++] = ',';
	}
	wide[len++] = ']';
	assert_int_equal(al_yaml_load_buffer("wide.yaml", wide, len, &doc, &err), AL_ESYNTAX);
	assert_non_null(strstr(err.message, "wide.yaml:2: more than 100000 nodes"));
	free(wide);
	/* aliases: shared nodes are fine, one inside the node it names is a cycle */
	const char *alias = "a: &x {k: v}\nb: *x\n";
	assert_int_equal(al_yaml_load_buffer("alias.yaml", alias, strlen(alias), &doc, &err), AL_OK);
	yaml_node_t *b = al_yaml_map_get(&doc, al_yaml_root(&doc), "b");
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, b, "k")), "v");
	yaml_document_delete(&doc);
	const char *cycle = "a: 1\nb: &x [1, *x]\n";
	assert_int_equal(al_yaml_load_buffer("cycle.yaml", cycle, strlen(cycle), &doc, &err), AL_ESYNTAX);
	assert_string_equal(err.message, "cycle.yaml:2: an alias to a node that contains it");
	const char *undefined = "a: *nothing\n";
	assert_int_equal(al_yaml_load_buffer("u.yaml", undefined, strlen(undefined), &doc, &err), AL_ESYNTAX);
	assert_non_null(strstr(err.message, "u.yaml:1: "));
	/* several documents in one stream, and an empty one */
	al_yaml_stream stream;
	const char *two = "---\na: 1\n---\nb: 2\n";
	assert_int_equal(al_yaml_stream_open_buffer(&stream, "two.yaml", two, strlen(two), &err), AL_OK);
	bool got = false;
	assert_int_equal(al_yaml_stream_next(&stream, &doc, &got, &err), AL_OK);
	assert_true(got);
	assert_non_null(al_yaml_map_get(&doc, al_yaml_root(&doc), "a"));
	yaml_document_delete(&doc);
	assert_int_equal(al_yaml_stream_next(&stream, &doc, &got, &err), AL_OK);
	assert_true(got);
	assert_int_equal(al_yaml_line(al_yaml_map_get(&doc, al_yaml_root(&doc), "b")), 4);
	yaml_document_delete(&doc);
	assert_int_equal(al_yaml_stream_next(&stream, &doc, &got, &err), AL_OK);
	assert_false(got);
	al_yaml_stream_close(&stream);
	assert_int_equal(al_yaml_load_buffer("empty.yaml", "", 0, &doc, &err), AL_OK);
	assert_null(al_yaml_root(&doc));
	yaml_document_delete(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_arena_concat),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_yaml),
		cmocka_unit_test(test_yaml_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
