/* SPDX-License-Identifier: GPL-3.0-or-later */
/* authlint diff: matching findings across versions, the line diff, the effects
 * of a change, DKIM counts from reports, and escaping in the markdown comment. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <authlint/diff.h>
#include <authlint/findings.h>

#include "util/strbuf.h"

/* ---- matching ----------------------------------------------------------------- */

static al_diag make(const char *id, const char *owner, const char *record, size_t start, size_t length,
		    unsigned long line)
{
	al_diag d = {0};
	d.rule = al_rules_find(t_rules(), id);
	assert_non_null(d.rule);
	d.severity = d.rule->severity;
	d.owner = owner;
	d.record = record;
	d.record_length = record ? strlen(record) : 0;
	d.span_start = start;
	d.span_length = length;
	d.message = "a message";
	d.location.file = "z.db";
	d.location.line = line;
	return d;
}

static void add(al_findings *list, al_diag d)
{
	assert_int_equal(al_findings_add(list, &d), AL_OK);
}

static al_diff *compute(const al_findings *a, const al_findings *b)
{
	al_diff_options o = {0};
	al_diff *d = NULL;
	al_error err = {0};
	assert_int_equal(al_diff_compute(&o, a, b, &d, &err), AL_OK);
	return d;
}

static void test_moved_line_is_not_new(void **state)
{
	(void)state;
	al_findings *a = al_findings_new(), *b = al_findings_new();
	const char *rec = "v=spf1 +all";
	add(a, make("SPF001", "example.com", rec, 7, 4, 3));
	/* the same record ten lines further down, its owner in upper case */
	add(b, make("SPF001", "EXAMPLE.com", rec, 7, 4, 13));
	al_diff *d = compute(a, b);
	assert_int_equal(d->added_count, 0);
	assert_int_equal(d->fixed_count, 0);
	assert_int_equal(d->unchanged, 1);
	al_diff_free(d);
	al_findings_free(a);
	al_findings_free(b);
}

static void test_multiset_and_changes(void **state)
{
	(void)state;
	al_findings *a = al_findings_new(), *b = al_findings_new();
	const char *rec = "v=spf1 a:x.example a:x.example -all";
	/* the same finding twice before, once after: one is fixed */
	add(a, make("SPF032", "example.com", rec, 7, 11, 3));
	add(a, make("SPF032", "example.com", rec, 7, 11, 3));
	add(b, make("SPF032", "example.com", rec, 7, 11, 3));
	/* a finding at another owner is new; another rule at the same owner is new */
	add(b, make("SPF032", "www.example.com", rec, 7, 11, 4));
	add(b, make("SPF001", "example.com", rec, 0, 0, 3));
	al_diff *d = compute(a, b);
	assert_int_equal(d->unchanged, 1);
	assert_int_equal(d->fixed_count, 1);
	assert_string_equal(d->fixed[0].diag->rule->id, "SPF032");
	assert_int_equal(d->added_count, 2);
	/* in the order of the new list */
	assert_string_equal(d->added[0].diag->owner, "www.example.com");
	assert_string_equal(d->added[1].diag->rule->id, "SPF001");
	assert_int_equal(strlen(d->added[0].fingerprint), 32);
	size_t total = 0;
	for (int i = 0; i < 4; i++)
		total += d->added_summary.by_severity[i];
	assert_int_equal(total, 2);
	al_diff_free(d);
	al_findings_free(a);
	al_findings_free(b);
}

static void test_record_edited_elsewhere(void **state)
{
	(void)state;
	al_findings *a = al_findings_new(), *b = al_findings_new();
	/* the offending term stays, another term is added: the finding is the same one */
	add(a, make("SPF032", "example.com", "v=spf1 a:gone.example -all", 7, 13, 3));
	add(b, make("SPF032", "example.com", "v=spf1 mx a:gone.example -all", 10, 13, 3));
	/* a finding about the whole record stays when the record changes */
	add(a, make("SPF011", "example.com", "v=spf1 a:gone.example -all", 0, 0, 3));
	add(b, make("SPF011", "example.com", "v=spf1 mx a:gone.example -all", 0, 0, 3));
	/* a different offending term is a different finding */
	add(b, make("SPF032", "example.com", "v=spf1 mx a:gone.example -all", 7, 2, 3));
	al_diff *d = compute(a, b);
	assert_int_equal(d->unchanged, 2);
	assert_int_equal(d->fixed_count, 0);
	assert_int_equal(d->added_count, 1);
	assert_int_equal(d->added[0].diag->span_start, 7);
	/* fingerprints follow the record text: the edited record's finding has a new one */
	al_diag x = make("SPF032", "example.com", "v=spf1 a:gone.example -all", 7, 13, 3);
	al_diag y = make("SPF032", "example.com", "v=spf1 a:gone.example -all", 7, 13, 99);
	al_findings *c = al_findings_new(), *e = al_findings_new();
	add(c, x);
	add(e, y);
	al_diff *same = compute(c, e);
	assert_int_equal(same->unchanged, 1);
	al_diff_free(same);
	al_diff_free(d);
	al_findings_free(a);
	al_findings_free(b);
	al_findings_free(c);
	al_findings_free(e);
}

static void test_waived_take_no_part(void **state)
{
	(void)state;
	al_findings *a = al_findings_new(), *b = al_findings_new();
	al_diag w = make("SPF001", "example.com", "v=spf1 -all", 0, 0, 3);
	w.waived = true;
	add(b, w);
	al_diff *d = compute(a, b);
	assert_int_equal(d->added_count, 0);
	assert_int_equal(d->unchanged, 0);
	al_diff_free(d);
	al_findings_free(a);
	al_findings_free(b);
}

/* ---- the line diff -------------------------------------------------------------- */

static size_t ranges(const char *a, const char *b, al_diff_range *out, size_t max)
{
	al_diff_range *r = NULL;
	size_t n = 0;
	assert_int_equal(al_diff_lines(a, strlen(a), b, strlen(b), &r, &n), AL_OK);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = r[i];
	free(r);
	return n;
}

static void test_lines(void **state)
{
	(void)state;
	al_diff_range r[8];
	assert_int_equal(ranges("a\nb\nc\n", "a\nb\nc\n", r, 8), 0);
	/* CR LF and LF lines are the same lines; a missing last line break too */
	assert_int_equal(ranges("a\nb\nc\n", "a\r\nb\r\nc", r, 8), 0);
	/* an insertion in the middle */
	assert_int_equal(ranges("a\nb\nc\n", "a\nb\nX\nY\nc\n", r, 8), 1);
	assert_int_equal(r[0].first, 3);
	assert_int_equal(r[0].last, 4);
	/* a deletion touches no line of the new text */
	assert_int_equal(ranges("a\nb\nc\n", "a\nc\n", r, 8), 0);
	/* a line changed, and a line moved: the moved line is touched where it now is */
	assert_int_equal(ranges("a\nb\nc\nd\n", "d\na\nB\nc\n", r, 8), 2);
	assert_int_equal(r[0].first, 1);
	assert_int_equal(r[0].last, 1);
	assert_int_equal(r[1].first, 3);
	assert_int_equal(r[1].last, 3);
	/* everything new */
	assert_int_equal(ranges("", "x\ny\n", r, 8), 1);
	assert_int_equal(r[0].first, 1);
	assert_int_equal(r[0].last, 2);
	assert_int_equal(ranges("x\ny\n", "", r, 8), 0);
	assert_true(al_diff_ranges_hold(r, 1, 2));
	assert_false(al_diff_ranges_hold(r, 1, 3));
}

static void test_lines_past_the_table_bound(void **state)
{
	(void)state;
	/* 5000 x 5000 lines differ in the middle: past AL_DIFF_MAX_CELLS the middle counts as touched */
	size_t n = 5000;
	al_strbuf a, b;
	al_strbuf_init(&a);
	al_strbuf_init(&b);
	al_strbuf_puts(&a, "head\n");
	al_strbuf_puts(&b, "head\n");
	for (size_t i = 0; i < n; i++) {
		al_strbuf_printf(&a, "old %zu\n", i);
		al_strbuf_printf(&b, "new %zu\n", i);
	}
	al_strbuf_puts(&a, "tail\n");
	al_strbuf_puts(&b, "tail\n");
	assert_true((n + 1) * (n + 1) > AL_DIFF_MAX_CELLS);
	al_diff_range *r = NULL;
	size_t count = 0;
	assert_int_equal(al_diff_lines(a.data, a.length, b.data, b.length, &r, &count), AL_OK);
	assert_int_equal(count, 1);
	assert_int_equal(r[0].first, 2);
	assert_int_equal(r[0].last, n + 1);
	free(r);
	al_strbuf_free(&a);
	al_strbuf_free(&b);
}

/* ---- effects ---------------------------------------------------------------------- */

typedef struct version {
	al_zone *zone;
	al_source *source;
	al_findings *findings;
} version;

static void collect(void *list, const al_diag *d)
{
	assert_int_equal(al_findings_add(list, d), AL_OK);
}

static void load(version *v, const char *text)
{
	al_zone_options zo = {.origin = "example.com"};
	al_error err = {0};
	assert_int_equal(al_zone_new(&v->zone, &zo), AL_OK);
	assert_int_equal(al_zone_load_text(v->zone, "<test>", text, strlen(text), &err), AL_OK);
	assert_int_equal(al_source_new_zone(&v->source, v->zone), AL_OK);
	v->findings = al_findings_new();
	al_lint_options lo = {0};
	lo.rules = t_rules();
	lo.source = v->source;
	lo.offline = true;
	lo.psl = t_psl();
	lo.on_diag = collect;
	lo.userdata = v->findings;
	al_lint *lint = NULL;
	assert_int_equal(al_lint_new(&lint, &lo), AL_OK);
	assert_int_equal(al_lint_zone(lint, v->zone), AL_OK);
	al_lint_free(lint);
}

static void unload(version *v)
{
	al_findings_free(v->findings);
	al_source_free(v->source);
	al_zone_free(v->zone);
}

#define HEAD                                                                                       \
	"$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n" \
	"@ MX 10 mail\nmail A 192.0.2.2\n"                                                  \
	"a1 A 192.0.2.11\na2 A 192.0.2.12\na3 A 192.0.2.13\na4 A 192.0.2.14\na5 A 192.0.2.15\n"

static al_diff *effects(const char *old_text, const char *new_text, version *a, version *b)
{
	load(a, old_text);
	load(b, new_text);
	al_diff_options o = {0};
	o.old_source = a->source;
	o.new_source = b->source;
	o.old_zone = a->zone;
	o.new_zone = b->zone;
	o.rules = t_rules();
	al_diff *d = NULL;
	al_error err = {0};
	assert_int_equal(al_diff_compute(&o, a->findings, b->findings, &d, &err), AL_OK);
	return d;
}

static void test_effects(void **state)
{
	(void)state;
	version a = {0}, b = {0};
	al_diff *d = effects(
		HEAD "@ TXT \"v=spf1 mx a:a1.example.com -all\"\n"
		     "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
		     "s1._domainkey TXT \"v=DKIM1; k=ed25519; p=1xobfkg03OKOlopyxcNuYISidc3w0R5YfMCT9w0KBZU=\"\n"
		     "s2._domainkey CNAME s2.dkim.provider.example.\n",
		HEAD "@ TXT \"v=spf1 mx a:a1.example.com a:a2.example.com a:a3.example.com a:a4.example.com "
		     "a:a5.example.com mx:mail.example.com a:a1.example.com a:a2.example.com a:a3.example.com "
		     "a:a4.example.com -all\"\n"
		     "_dmarc TXT \"v=DMARC1; p=quarantine; pct=50; rua=mailto:d@example.com\"\n"
		     "s2._domainkey CNAME s2.dkim.provider.example.\n",
		&a, &b);
	assert_int_equal(d->spf_count, 1);
	assert_string_equal(d->spf[0].name, "example.com");
	assert_int_equal(d->spf[0].before, 2);
	assert_int_equal(d->spf[0].after, 11);
	assert_false(d->spf[0].before_permerror);
	assert_true(d->spf[0].after_permerror);
	assert_int_equal(d->dmarc_count, 1);
	assert_true(d->dmarc[0].weaker);
	assert_false(d->dmarc[0].stronger);
	assert_int_equal(d->dmarc[0].after_percent[0], 50);  /* RFC 7489 */
	assert_int_equal(d->dmarc[0].after_percent[1], 100); /* RFC 9989 has no pct */
	/* the TXT key went, the CNAME one stayed */
	assert_int_equal(d->dkim_count, 1);
	assert_string_equal(d->dkim[0].selector, "s1");
	assert_string_equal(d->dkim[0].domain, "example.com");
	bool spf011 = false;
	for (size_t i = 0; i < d->added_count; i++)
		spf011 |= strcmp(d->added[i].diag->rule->id, "SPF011") == 0;
	assert_true(spf011);
	al_diff_free(d);
	unload(&a);
	unload(&b);
}

static void test_dmarc_stronger_and_services(void **state)
{
	(void)state;
	version a = {0}, b = {0};
	al_diff *d = effects(HEAD "@ TXT \"v=spf1 mx -all\"\n_dmarc TXT \"v=DMARC1; p=none\"\n",
			     HEAD "@ TXT \"v=spf1 mx include:_spf.google.com -all\"\n"
				  "_dmarc TXT \"v=DMARC1; p=none; np=reject\"\n",
			     &a, &b);
	assert_int_equal(d->dmarc_count, 1);
	assert_false(d->dmarc[0].weaker);
	assert_true(d->dmarc[0].stronger); /* np=reject: names that do not exist, RFC 9989 */
	assert_int_equal(d->service_count, 1);
	assert_true(d->services[0].added);
	assert_string_equal(d->services[0].include, "_spf.google.com");
	/* offline: the include is not followed; the count says so */
	assert_int_equal(d->spf_count, 1);
	assert_true(d->spf[0].after_unknown > 0 || d->spf[0].after >= 2);
	al_diff_free(d);
	unload(&a);
	unload(&b);
}

/* ---- DKIM counts from reports ------------------------------------------------------ */

static void test_count_dkim(void **state)
{
	(void)state;
	version a = {0}, b = {0};
	al_diff *d = effects(HEAD "s1._domainkey TXT \"v=DKIM1; k=ed25519; p=1xobfkg03OKOlopyxcNuYISidc3w0R5YfMCT9w0KBZU=\"\n",
			     HEAD, &a, &b);
	assert_int_equal(d->dkim_count, 1);
	/* a directory with the same report twice: counted once */
	char dir[] = "/tmp/authlint-diff-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[512], copy[512];
	snprintf(path, sizeof(path), "%s", t_source_path("tests/data/reports/rfc7489.xml"));
	for (int i = 0; i < 2; i++) {
		snprintf(copy, sizeof(copy), "%s/r%d.xml", dir, i);
		FILE *in = fopen(path, "rb"), *out = fopen(copy, "wb");
		assert_non_null(in);
		assert_non_null(out);
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, n, out), n);
		fclose(in);
		fclose(out);
	}
	assert_int_equal(al_diff_count_dkim(d, dir, NULL), AL_OK);
	assert_true(d->dkim_counted);
	assert_int_equal(d->report_count, 1);
	assert_int_equal(d->dkim[0].messages, 120); /* the records of rfc7489.xml signed d=example.com s=s1 */
	assert_int_equal(d->dkim[0].reports, 1);
	assert_true(d->period_begin > 0 && d->period_end >= d->period_begin);
	for (int i = 0; i < 2; i++) {
		snprintf(copy, sizeof(copy), "%s/r%d.xml", dir, i);
		unlink(copy);
	}
	rmdir(dir);
	al_diff_free(d);
	unload(&a);
	unload(&b);
}

/* ---- escaping ---------------------------------------------------------------------- */

static int mem_write(void *ctx, const void *data, size_t length)
{
	al_strbuf_append(ctx, data, length);
	return 0;
}

/* @p pattern occurs in @p s without a backslash before it */
static bool unescaped(const char *s, const char *pattern)
{
	for (const char *p = s; (p = strstr(p, pattern)) != NULL; p++)
		if (p == s || p[-1] != '\\')
			return true;
	return false;
}

static void test_markdown_escapes_records(void **state)
{
	(void)state;
	al_findings *a = al_findings_new(), *b = al_findings_new();
	const char *rec = "v=spf1 include:<img src=x>|`@team`[l](http://e.example/)\x1b -all";
	al_diag g = make("SPF001", "<b>x</b>.example.com", rec, 7, strlen(rec) - 12, 3);
	g.message = "bad <script>alert(1)</script> | @admins";
	add(b, g);
	al_diff *d = compute(a, b);
	al_strbuf out;
	al_strbuf_init(&out);
	al_sink sink = {mem_write, &out};
	assert_int_equal(al_diff_write(d, NULL, AL_DIFF_MARKDOWN, "old", "new", sink), AL_OK);
	const char *s = al_strbuf_cstr(&out);
	assert_false(unescaped(s, "<img"));
	assert_false(unescaped(s, "<script"));
	assert_false(unescaped(s, "<b>"));
	assert_false(unescaped(s, "@"));
	assert_false(unescaped(s, "`"));
	assert_false(unescaped(s, "[l]"));
	assert_null(strstr(s, "\x1b"));
	assert_non_null(strstr(s, "\\<img"));
	assert_non_null(strstr(s, "\\@team"));
	assert_non_null(strstr(s, "\\|"));
	/* the text output escapes control bytes */
	al_strbuf_reset(&out);
	assert_int_equal(al_diff_write(d, NULL, AL_DIFF_TEXT, "old", "new", sink), AL_OK);
	assert_null(strstr(al_strbuf_cstr(&out), "\x1b"));
	assert_non_null(strstr(al_strbuf_cstr(&out), "\\x1b"));
	/* SARIF needs the registry */
	assert_int_equal(al_diff_write(d, NULL, AL_DIFF_SARIF, "old", "new", sink), AL_EINVAL);
	al_strbuf_free(&out);
	al_diff_free(d);
	al_findings_free(a);
	al_findings_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_line_is_not_new),
		cmocka_unit_test(test_multiset_and_changes),
		cmocka_unit_test(test_record_edited_elsewhere),
		cmocka_unit_test(test_waived_take_no_part),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_lines_past_the_table_bound),
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_dmarc_stronger_and_services),
		cmocka_unit_test(test_count_dkim),
		cmocka_unit_test(test_markdown_escapes_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
