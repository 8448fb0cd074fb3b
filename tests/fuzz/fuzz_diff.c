/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * authlint diff on arbitrary bytes: the input up to its first NUL byte is the
 * old zone text, the rest the new one. Both are linted offline, compared, and
 * written in one format picked by the input's length modulo 16: SARIF for 3,
 * else text, json and markdown in turn. The writers are a function of the
 * diff, and every SARIF output carries the help of every rule (415 KB), which
 * took 62% of the time of an input when each was written in all four, and a
 * quarter of it when every fourth input was SARIF. The touched lines of the new text lie inside
 * it, in order, and a text compared with itself has none. No crash, hang or
 * leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/authlint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static al_rules *rules;

/* The registry once, not per input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rules == NULL && al_rules_load_builtin(&rules, NULL) != AL_OK)
		abort();
	return 0;
}

typedef struct version {
	al_zone *zone;
	al_source *zone_source, *top;
	al_findings *findings;
} version;

static void collect(void *list, const al_diag *d)
{
	(void)al_findings_add(list, d);
}

static void load(version *v, const char *label, const char *text, size_t length)
{
	al_zone_options zo = {0};
	zo.origin = "example.com";
	zo.max_records = 1000;
	zo.max_file_bytes = (size_t)1 << 20; /* an $INCLUDE of a file on the disk too */
	al_error err;
	if (al_zone_new(&v->zone, &zo) != AL_OK)
		abort();
	al_zone_load_text(v->zone, label, text, length, &err);
	if (al_source_new_zone(&v->zone_source, v->zone) != AL_OK ||
	    al_source_new_layered(&v->top, v->zone_source, NULL) != AL_OK)
		abort();
	v->findings = al_findings_new();
	if (v->findings == NULL)
		abort();
	al_lint_options o = {0};
	o.rules = rules;
	o.source = v->top;
	o.offline = true;
	o.on_diag = collect;
	o.userdata = v->findings;
	al_lint *lint = NULL;
	if (al_lint_new(&lint, &o) != AL_OK)
		abort();
	al_lint_zone(lint, v->zone);
	al_lint_free(lint);
	al_findings_sort(v->findings);
}

static void unload(version *v)
{
	al_findings_free(v->findings);
	al_source_free(v->top);
	al_source_free(v->zone_source);
	al_zone_free(v->zone);
}

static int discard(void *ctx, const void *data, size_t length)
{
	(void)ctx;
	(void)data;
	(void)length;
	return 0;
}

static size_t line_count(const char *text, size_t length)
{
	size_t n = 0;
	for (size_t i = 0; i < length; i++)
		n += text[i] == '\n';
	return n + (length > 0 && text[length - 1] != '\n');
}

static void check_lines(const char *a, size_t alen, const char *b, size_t blen)
{
	al_diff_range *r = NULL;
	size_t n = 0;
	if (al_diff_lines(a, alen, b, blen, &r, &n) != AL_OK)
		abort();
	size_t lines = line_count(b, blen);
	for (size_t i = 0; i < n; i++)
		if (r[i].first < 1 || r[i].first > r[i].last || r[i].last > lines ||
		    (i > 0 && r[i].first <= r[i - 1].last + 1))
			abort();
	free(r);
	if (al_diff_lines(b, blen, b, blen, &r, &n) != AL_OK || n != 0)
		abort();
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (rules == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > (256u << 10))
		return 0;
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t alen = nul ? (size_t)(nul - text) : size / 2;
	const char *b = text + alen + (nul != NULL);
	size_t blen = size - alen - (nul != NULL);
	check_lines(text, alen, b, blen);
	version old_v = {0}, new_v = {0};
	load(&old_v, "old", text, alen);
	load(&new_v, "new", b, blen);
	al_diff_options o = {0};
	o.old_source = old_v.top;
	o.new_source = new_v.top;
	o.old_zone = old_v.zone;
	o.new_zone = new_v.zone;
	o.rules = rules;
	al_diff_range all = {1, (unsigned long)-1};
	al_diff_touched touched = {"new", &all, 1};
	o.touched = &touched;
	o.touched_count = 1;
	al_diff *d = NULL;
	al_error err;
	if (al_diff_compute(&o, old_v.findings, new_v.findings, &d, &err) == AL_OK) {
		if (d->added_count + d->unchanged > al_findings_count(new_v.findings) ||
		    d->fixed_count + d->unchanged > al_findings_count(old_v.findings))
			abort();
		al_sink sink = {discard, NULL};
		/* SARIF for one input in 16, the others in turn: its driver part, every
		 * rule with its help (415 KB), is the same for every input, and took
		 * a quarter of the time of all inputs when it came every fourth */
		size_t pick = size % 16;
		al_diff_format f = pick == 3 ? AL_DIFF_SARIF : (al_diff_format)(pick % 3);
		if (al_diff_write(d, &o, f, "old", "new", sink) != AL_OK)
			abort();
	}
	al_diff_free(d);
	unload(&new_v);
	unload(&old_v);
	return 0;
}
