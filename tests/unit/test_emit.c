/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every output format fed with synthetic diagnostics: exact text for small
 * cases, JSON and SARIF parsed back (libyaml reads JSON), escaping of hostile
 * bytes in every format, caret alignment, GitHub's escaping, streaming, and
 * write failures of the sink.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <authlint/bulk.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "util/yaml.h"

/* ---- a sink in memory ------------------------------------------------------ */

typedef struct mem {
	al_strbuf sb;
	size_t writes;
	size_t fail_at; /* fail the n-th write (1-based); 0: never */
} mem;

static int mem_write(void *ctx, const void *data, size_t length)
{
	mem *m = ctx;
	m->writes++;
	if (m->fail_at != 0 && m->writes >= m->fail_at)
		return -1;
	al_strbuf_append(&m->sb, data, length);
	return 0;
}

static al_sink mem_sink(mem *m)
{
	al_sink s = {mem_write, m};
	return s;
}

static const al_rule *rule(const char *id)
{
	const al_rule *r = al_rules_find(t_rules(), id);
	assert_non_null(r);
	return r;
}

static al_emit_options options(void)
{
	static const char *const inputs[] = {"zone.db"};
	al_emit_options o = {0};
	o.rules = t_rules();
	o.show_source = true;
	o.command = "zone";
	o.inputs = inputs;
	o.input_count = 1;
	return o;
}

/* A finding in a zone file: SPF001 at example.com, span "-all". */
static al_diag zone_diag(void)
{
	static const char record[] = "v=spf1 mx -all include:x";
	al_diag d = {0};
	d.rule = rule("SPF001");
	d.severity = AL_SEVERITY_ERROR;
	d.kind = AL_KIND_SPF;
	d.owner = "example.com";
	d.domain = "example.com";
	d.rrtype = 16;
	d.location.file = "zone.db";
	d.location.line = 3;
	d.location.column = 20;
	d.record = record;
	d.record_length = sizeof(record) - 1;
	d.span_start = 10;
	d.span_length = 4;
	d.message = "example.com has 2 SPF records";
	d.fix = "Merge the records\ninto one.\n\nThen reload the zone.";
	return d;
}

static al_summary summary_of(size_t errors, size_t warnings, size_t notes)
{
	al_summary s = {0};
	s.by_severity[AL_SEVERITY_ERROR] = errors;
	s.by_severity[AL_SEVERITY_WARNING] = warnings;
	s.by_severity[AL_SEVERITY_NOTE] = notes;
	s.records = 1;
	return s;
}

/* Run diags through a format; returns the output (caller frees). */
static char *emit(al_format format, const al_emit_options *o, const al_diag *diags, size_t n,
		  const al_summary *s, int exit_code)
{
	mem m = {0};
	al_emitter *em = NULL;
	assert_int_equal(al_emitter_new(&em, format, mem_sink(&m), o), AL_OK);
	al_emitter_begin(em);
	for (size_t i = 0; i < n; i++)
		al_emitter_diag(em, &diags[i]);
	al_emitter_end(em, s, exit_code);
	assert_int_equal(al_emitter_status(em), AL_OK);
	al_emitter_free(em);
	char *out = al_strbuf_detach(&m.sb, NULL);
	return out ? out : strdup("");
}

/* ---- JSON read back with libyaml -------------------------------------------- */

typedef struct jdoc {
	yaml_document_t doc;
	bool loaded;
} jdoc;

static void jparse(jdoc *j, const char *text)
{
	al_error err = {0};
	al_status st = al_yaml_load_buffer("<json>", text, strlen(text), &j->doc, &err);
	if (st != AL_OK)
		fail_msg("output is not JSON: %s\n%s", err.message, text);
	j->loaded = true;
}

static void jfree(jdoc *j)
{
	if (j->loaded)
		yaml_document_delete(&j->doc);
	j->loaded = false;
}

/* A node by path "runs.0.results.1.ruleId" (numbers index sequences). */
static yaml_node_t *jget(jdoc *j, const char *path)
{
	yaml_node_t *node = al_yaml_root(&j->doc);
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *part = strtok_r(buf, ".", &save); part && node;
	     part = strtok_r(NULL, ".", &save)) {
		if (al_yaml_is_seq(node)) {
			node = al_yaml_seq_at(&j->doc, node, (size_t)strtoul(part, NULL, 10));
		} else if (al_yaml_is_map(node)) {
			node = al_yaml_map_get(&j->doc, node, part);
		} else {
			node = NULL;
		}
	}
	return node;
}

static const char *jstr(jdoc *j, const char *path)
{
	yaml_node_t *n = jget(j, path);
	if (n == NULL)
		fail_msg("no %s", path);
	const char *s = al_yaml_scalar(n);
	if (s == NULL)
		fail_msg("%s is not a scalar", path);
	return s;
}

static bool jnull(jdoc *j, const char *path)
{
	yaml_node_t *n = jget(j, path);
	return n != NULL && al_yaml_is_null(n);
}

static size_t jcount(jdoc *j, const char *path)
{
	yaml_node_t *n = jget(j, path);
	if (n == NULL)
		fail_msg("no %s", path);
	return al_yaml_is_seq(n) ? al_yaml_seq_count(n) : al_yaml_map_count(n);
}

/* ---- text --------------------------------------------------------------------- */

static void test_text_exact(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	al_summary s = summary_of(1, 0, 0);
	char *out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	assert_string_equal(out, "zone.db:3:20: error: example.com has 2 SPF records [SPF001]\n"
				 "    v=spf1 mx -all include:x\n"
				 "              ^~~~\n"
				 "    fix: Merge the records into one.\n"
				 "1 error, 0 warnings, 0 notes in 1 record\n");
	free(out);

	/* quiet: the finding line only, no summary */
	o.show_source = false;
	out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	assert_string_equal(out, "zone.db:3:20: error: example.com has 2 SPF records [SPF001]\n");
	free(out);
}

static void test_text_without_file(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	d.location = (al_location){NULL, 0, 0, "192.0.2.53"};
	d.record = NULL;
	d.fix = NULL;
	d.context = "asked 192.0.2.53 and 198.51.100.53";
	d.severity = AL_SEVERITY_WARNING;
	al_summary s = summary_of(0, 1, 0);
	s.lookups_failed = 1;
	char *out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 2);
	assert_string_equal(out, "example.com @192.0.2.53: warning: example.com has 2 SPF records [SPF001]\n"
				 "    note: asked 192.0.2.53 and 198.51.100.53\n"
				 "0 errors, 1 warning, 0 notes in 1 record; 1 lookup failed, the result is incomplete\n");
	free(out);
}

/* The column at which the caret stands, and where the term starts in the record line. */
static void caret_check(const char *record, size_t rlen, size_t start, size_t len, const char *shown_term)
{
	al_emit_options o = options();
	al_diag d = zone_diag();
	d.record = record;
	d.record_length = rlen;
	d.span_start = start;
	d.span_length = len;
	d.fix = NULL;
	o.show_source = true;
	al_summary s = summary_of(1, 0, 0);
	char *out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	char *line1 = strchr(out, '\n') + 1;
	char *line2 = strchr(line1, '\n') + 1;
	char *end2 = strchr(line2, '\n');
	/* the record line up to the term, counted in terminal columns */
	const char *term = strstr(line1, shown_term);
	assert_non_null(term);
	size_t cols = 0;
	for (const char *p = line1; p < term;) {
		uint32_t cp;
		size_t k = al_utf8_decode((const unsigned char *)p, (size_t)(term - p), &cp);
		assert_true(k > 0);
		/* the test's wide characters are CJK; combining marks take no column */
		if (cp >= 0x4e00 && cp <= 0x9fff)
			cols += 2;
		else if (!(cp >= 0x300 && cp <= 0x36f))
			cols += 1;
		p += k;
	}
	size_t caret = (size_t)(strchr(line2, '^') - line2);
	if (caret != cols)
		fail_msg("caret at column %zu, term at column %zu:\n%s", caret, cols, out);
	/* the carets cover the term */
	size_t tildes = 0;
	for (const char *p = line2 + caret + 1; p < end2 && *p == '~'; p++)
		tildes++;
	assert_int_equal(tildes + 1, strlen(shown_term)); /* the shown terms are ASCII */
	free(out);
}

static void test_text_caret_alignment(void **state)
{
	(void)state;
	/* multi-byte UTF-8 before the term */
	const char r1[] = "v=spf1 caf\xc3\xa9 x bad -all";
	caret_check(r1, sizeof(r1) - 1, 15, 3, "bad");
	/* wide characters take two columns */
	const char r2[] = "v=spf1 \xe4\xb8\xad\xe6\x96\x87 bad";
	caret_check(r2, sizeof(r2) - 1, 14, 3, "bad");
	/* a combining mark takes none */
	const char r3[] = "v=spf1 e\xcc\x81 bad";
	caret_check(r3, sizeof(r3) - 1, 11, 3, "bad");
	/* escaped bytes take their escape's width */
	const char r4[] = "v=spf1 \033[2J\0\xff bad";
	caret_check(r4, sizeof(r4) - 1, 14, 3, "bad");
	/* a bidi override shown as \u{202e} */
	const char r5[] = "v=spf1 \xe2\x80\xae bad";
	caret_check(r5, sizeof(r5) - 1, 11, 3, "bad");
	/* a term that itself holds escapes: the carets cover its display form */
	const char r6[] = "v=spf1 a\033b -all";
	caret_check(r6, sizeof(r6) - 1, 7, 3, "a\\x1bb");
}

static void test_text_long_record(void **state)
{
	(void)state;
	char record[2001];
	for (size_t i = 0; i < 2000; i++)
		record[i] = (char)('a' + i % 26);
	memcpy(record + 1000, "BADTERM", 7);
	record[2000] = '\0';
	caret_check(record, 2000, 1000, 7, "BADTERM");
	al_emit_options o = options();
	al_diag d = zone_diag();
	d.record = record;
	d.record_length = 2000;
	d.span_start = 1000;
	d.span_length = 7;
	al_summary s = summary_of(1, 0, 0);
	char *out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	char *line1 = strchr(out, '\n') + 1;
	size_t len = (size_t)(strchr(line1, '\n') - line1);
	assert_true(len <= 4 + 160);
	assert_memory_equal(line1, "    ...", 7);
	assert_memory_equal(line1 + len - 3, "...", 3);
	free(out);

	/* a long record of escaped bytes is cut by columns, not bytes */
	char junk[600];
	memset(junk, 0x01, sizeof(junk));
	memcpy(junk + 300, "TERM", 4);
	caret_check(junk, sizeof(junk), 300, 4, "TERM");
}

static void test_text_color(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	al_summary s = summary_of(1, 0, 0);
	char *plain = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	assert_null(strchr(plain, '\033'));
	o.color = true;
	char *colored = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 1);
	assert_non_null(strstr(colored, "\033[1;31merror\033[0m"));
	free(plain);
	free(colored);
}

static void test_text_waived(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	d.waived = true;
	d.waiver_reason = "migration ticket 42";
	d.waiver_source = ".authlint.yaml:7";
	al_summary s = summary_of(0, 0, 0);
	s.waived = 1;
	char *out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 0);
	assert_string_equal(out, "0 errors, 0 warnings, 0 notes (1 waived) in 1 record\n");
	free(out);
	o.show_waived = true;
	o.show_source = false;
	out = emit(AL_FORMAT_TEXT, &o, &d, 1, &s, 0);
	assert_string_equal(out, "zone.db:3:20: error: example.com has 2 SPF records [SPF001] "
				 "(waived: migration ticket 42, .authlint.yaml:7)\n");
	free(out);
}

/* ---- hostile bytes in every format ------------------------------------------------ */

static const char hostile_record[] = "v=spf1 \033[31mred\033[0m \0nul \r\n \xff\xfe \xe2\x80\xae\"q\"\\ -all";

static al_diag hostile_diag(void)
{
	al_diag d = zone_diag();
	d.owner = "ev\033il.\xe2\x80\xae" "example.com";
	d.record = hostile_record;
	d.record_length = sizeof(hostile_record) - 1;
	d.span_start = 7;
	d.span_length = 12;
	d.message = "bad \033[2J\r\nmsg \xff \xe2\x80\xae \"quoted\" back\\slash";
	d.fix = "fix \033 it\r\nnext";
	d.context = "ctx \x07\xc3";
	d.location.file = "zo\033ne\n.db";
	d.location.server = "srv\033";
	return d;
}

/* No control byte but line breaks, no DEL, valid UTF-8, no bidi control:
 * with its backslashes (the escapes' own) taken out, each line is clean. */
static void assert_clean_output(const char *out, const char *format)
{
	size_t n = strlen(out);
	al_strbuf line = AL_STRBUF_INIT;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && out[i] != '\n') {
			if (out[i] != '\\')
				al_strbuf_putc(&line, out[i]);
			continue;
		}
		if (!al_text_is_clean(al_strbuf_cstr(&line), line.length))
			fail_msg("%s: a line needs escaping: %s", format, al_strbuf_cstr(&line));
		al_strbuf_reset(&line);
	}
	al_strbuf_free(&line);
	assert_null(strstr(out, "\xe2\x80\xae"));
}

static void test_hostile_every_format(void **state)
{
	(void)state;
	al_emit_options o = options();
	o.show_waived = true;
	al_diag d[2] = {hostile_diag(), hostile_diag()};
	d[1].waived = true;
	d[1].waiver_reason = "why \033 \xff";
	d[1].waiver_source = "conf\033.yaml:3";
	al_summary s = summary_of(1, 0, 0);
	for (int f = 0; f < AL_FORMAT_COUNT_; f++) {
		char *out = emit((al_format)f, &o, d, 2, &s, 1);
		assert_clean_output(out, al_format_name((al_format)f));
		assert_non_null(strstr(out, "\\x1b"));
		free(out);
	}
	/* the display form reaches JSON consumers: parse it back */
	char *out = emit(AL_FORMAT_JSON, &o, d, 2, &s, 1);
	jdoc j = {0};
	jparse(&j, out);
	assert_string_equal(jstr(&j, "findings.0.record"),
			    "v=spf1 \\x1b[31mred\\x1b[0m \\x00nul \\x0d\\x0a \\xff\\xfe \\u{202e}\"q\"\\\\ -all");
	assert_string_equal(jstr(&j, "findings.0.term"), "\\x1b[31mred\\x1b[0m");
	assert_string_equal(jstr(&j, "findings.0.message"),
			    "bad \\x1b[2J\\x0d\\x0amsg \\xff \\u{202e} \"quoted\" back\\\\slash");
	assert_string_equal(jstr(&j, "findings.0.owner"), "ev\\x1bil.\\u{202e}example.com");
	assert_string_equal(jstr(&j, "findings.0.location.file"), "zo\\x1bne\\x0a.db");
	assert_string_equal(jstr(&j, "findings.0.context"), "ctx \\x07\\xc3");
	/* a fix keeps its line breaks; the rest of each line is in display form */
	assert_string_equal(jstr(&j, "findings.0.fix"), "fix \\x1b it\\x0d\nnext");
	assert_string_equal(jstr(&j, "findings.1.waiver.reason"), "why \\x1b \\xff");
	jfree(&j);
	free(out);
	/* SARIF too */
	out = emit(AL_FORMAT_SARIF, &o, d, 2, &s, 1);
	jparse(&j, out);
	assert_string_equal(jstr(&j, "runs.0.results.0.message.text"),
			    "bad \\x1b[2J\\x0d\\x0amsg \\xff \\u{202e} \"quoted\" back\\\\slash");
	/* the file name is percent-encoded in the URI */
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
			    "zo%1Bne%0A.db");
	assert_string_equal(jstr(&j, "runs.0.results.1.suppressions.0.justification"), "why \\x1b \\xff");
	jfree(&j);
	free(out);
}

/* ---- json and jsonl ------------------------------------------------------------ */

static void test_json_document(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d[2] = {zone_diag(), zone_diag()};
	d[1].rule = rule("DNS002");
	d[1].severity = AL_SEVERITY_WARNING;
	d[1].generation = AL_GENERATION_RFC9989;
	d[1].waived = true;
	d[1].waiver_reason = "known";
	d[1].waiver_source = "zone.db:3";
	d[1].waiver_inline = true;
	d[1].record = NULL;
	d[1].location = (al_location){NULL, 0, 0, "ns1.example.net"};
	al_summary s = summary_of(1, 0, 0);
	s.waived = 1;
	char *out = emit(AL_FORMAT_JSON, &o, d, 2, &s, 1);
	jdoc j = {0};
	jparse(&j, out);
	assert_string_equal(jstr(&j, "schema"), "authlint/findings");
	assert_string_equal(jstr(&j, "version"), "1");
	assert_string_equal(jstr(&j, "tool.name"), "authlint");
	assert_string_equal(jstr(&j, "command"), "zone");
	assert_string_equal(jstr(&j, "inputs.0"), "zone.db");
	assert_int_equal(jcount(&j, "findings"), 2);
	assert_string_equal(jstr(&j, "findings.0.rule.id"), "SPF001");
	assert_string_equal(jstr(&j, "findings.0.rule.name"), "spf-multiple-records");
	assert_string_equal(jstr(&j, "findings.0.severity"), "error");
	assert_string_equal(jstr(&j, "findings.0.kind"), "spf");
	assert_true(jnull(&j, "findings.0.generation"));
	assert_string_equal(jstr(&j, "findings.0.rrtype"), "TXT");
	assert_string_equal(jstr(&j, "findings.0.location.line"), "3");
	assert_string_equal(jstr(&j, "findings.0.location.column"), "20");
	assert_true(jnull(&j, "findings.0.location.server"));
	assert_string_equal(jstr(&j, "findings.0.span.start"), "10");
	assert_string_equal(jstr(&j, "findings.0.span.length"), "4");
	assert_string_equal(jstr(&j, "findings.0.term"), "-all");
	assert_string_equal(jstr(&j, "findings.0.waived"), "false");
	assert_true(jnull(&j, "findings.0.waiver"));
	assert_string_equal(jstr(&j, "findings.1.generation"), "rfc9989");
	assert_true(jnull(&j, "findings.1.record"));
	assert_true(jnull(&j, "findings.1.span"));
	assert_true(jnull(&j, "findings.1.term"));
	assert_true(jnull(&j, "findings.1.location.file"));
	assert_true(jnull(&j, "findings.1.location.line"));
	assert_string_equal(jstr(&j, "findings.1.location.server"), "ns1.example.net");
	assert_string_equal(jstr(&j, "findings.1.waived"), "true");
	assert_string_equal(jstr(&j, "findings.1.waiver.source"), "zone.db:3");
	assert_string_equal(jstr(&j, "summary.errors"), "1");
	assert_string_equal(jstr(&j, "summary.waived"), "1");
	assert_string_equal(jstr(&j, "summary.incomplete"), "false");
	assert_string_equal(jstr(&j, "exit_code"), "1");
	jfree(&j);
	free(out);

	/* no findings: still one document */
	out = emit(AL_FORMAT_JSON, &o, NULL, 0, &s, 0);
	jparse(&j, out);
	assert_int_equal(jcount(&j, "findings"), 0);
	jfree(&j);
	free(out);
}

static void test_jsonl_lines(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d[2] = {zone_diag(), zone_diag()};
	d[1].rule = rule("DNS001");
	al_summary s = summary_of(2, 0, 0);
	char *out = emit(AL_FORMAT_JSONL, &o, d, 2, &s, 1);
	const char *want[] = {"finding", "finding", "summary"};
	const char *ids[] = {"SPF001", "DNS001"};
	size_t lines = 0;
	for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(lines < 3);
		jdoc j = {0};
		jparse(&j, line);
		assert_string_equal(jstr(&j, "type"), want[lines]);
		if (lines < 2) {
			assert_string_equal(jstr(&j, "rule.id"), ids[lines]);
			assert_string_equal(jstr(&j, "term"), "-all");
		} else {
			assert_string_equal(jstr(&j, "errors"), "2");
			assert_string_equal(jstr(&j, "exit_code"), "1");
			assert_string_equal(jstr(&j, "schema"), "authlint/findings");
		}
		jfree(&j);
		lines++;
	}
	assert_int_equal(lines, 3);
	free(out);
}

/* JSON Lines writes a finding's line without the JSON writer (al_emit_jsonl_finding):
 * byte for byte the line the writer makes, for findings with every member set, none,
 * hostile bytes, a waiver, a whole-record span, a span past the record, and twice each
 * (the second time the fix and the file name come from the memo). */
static void test_jsonl_same_as_writer(void **state)
{
	(void)state;
	al_diag d[10];
	d[0] = zone_diag();
	d[1] = hostile_diag();
	d[2] = hostile_diag();
	d[2].waived = true;
	d[2].waiver_reason = "why \033 \xff";
	d[2].waiver_source = "conf.yaml:3";
	d[3] = zone_diag();
	d[3].waived = true; /* no reason, no source: nulls */
	d[4] = (al_diag){0};
	d[4].rule = rule("DNS002");
	d[4].message = "";
	d[5] = zone_diag();
	d[5].span_start = 0;
	d[5].span_length = 0; /* the whole record: no term */
	d[6] = zone_diag();
	d[6].span_start = 1000; /* past the record: clamped */
	d[6].generation = AL_GENERATION_RFC9989;
	d[6].location = (al_location){NULL, 0, 0, "ns1.example.net"};
	d[6].rrtype = 99999;
	d[7] = zone_diag();
	d[7].fix = NULL;
	d[7].kind = AL_KIND_NONE;
	d[7].location.column = 0;
	d[7].location.line = 123456789;
	d[8] = hostile_diag();
	d[8].record_length = 0;
	d[9] = zone_diag();
	d[9].severity = AL_SEVERITY_NOTE;
	d[9].location.file = "zone.db"; /* the same text at another address than d[0]'s */
	al_emit_memo fixes = {0}, files = {0};
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
			al_strbuf want = AL_STRBUF_INIT, got = AL_STRBUF_INIT;
			al_json j;
			al_json_init(&j, &want, false);
			al_json_begin_object(&j);
			al_json_kv_string(&j, "type", "finding");
			al_emit_json_finding_memo(&j, &d[i], NULL);
			al_json_end_object(&j);
			al_strbuf_putc(&want, '\n');
			al_emit_jsonl_finding(&got, &d[i], round == 0 ? NULL : &fixes, round == 0 ? NULL : &files);
			assert_string_equal(al_strbuf_cstr(&got), al_strbuf_cstr(&want));
			al_strbuf_reset(&got);
			al_emit_jsonl_finding(&got, &d[i], &fixes, &files);
			assert_string_equal(al_strbuf_cstr(&got), al_strbuf_cstr(&want));
			al_strbuf_free(&want);
			al_strbuf_free(&got);
		}
	}
	al_emit_memo_free(&fixes);
	al_emit_memo_free(&files);
}

/* ---- sarif ----------------------------------------------------------------------- */

static size_t registry_index(const char *id)
{
	for (size_t i = 0; i < al_rules_count(t_rules()); i++)
		if (strcmp(al_rules_at(t_rules(), i)->id, id) == 0)
			return i;
	fail_msg("no rule %s", id);
	return 0;
}

static void test_sarif_structure(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d[5] = {zone_diag(), zone_diag(), zone_diag(), zone_diag(), zone_diag()};
	d[0].location.file = "zones/my zone#1.db";
	/* inline waiver: the source names the zone file */
	d[1].waived = true;
	d[1].waiver_reason = "legacy sender";
	d[1].waiver_source = "zone.db:3";
	d[1].waiver_inline = true;
	/* configuration waiver */
	d[2].waived = true;
	d[2].waiver_reason = "ticket 7";
	d[2].waiver_source = ".authlint.yaml:12";
	d[2].severity = AL_SEVERITY_NOTE;
	/* live: no file */
	d[3].location = (al_location){NULL, 0, 0, "192.0.2.1"};
	d[3].severity = AL_SEVERITY_WARNING;
	/* a rule that is not in the registry */
	static const al_rule stray = {.id = "X-STRAY", .name = "stray", .severity = AL_SEVERITY_ERROR,
				      .summary = "s", .message = "m"};
	d[4].rule = &stray;
	d[4].location.file = "/srv/dns/zones/b.db";
	o.base_dir = "/srv/dns/";
	al_summary s = summary_of(3, 1, 0);
	s.input_error = true;
	char *out = emit(AL_FORMAT_SARIF, &o, d, 5, &s, 2);
	jdoc j = {0};
	jparse(&j, out);
	assert_string_equal(jstr(&j, "version"), "2.1.0");
	assert_string_equal(jstr(&j, "runs.0.tool.driver.name"), "authlint");
	assert_int_equal(jcount(&j, "runs.0.tool.driver.rules"), al_rules_count(t_rules()));
	size_t spf001 = registry_index("SPF001");
	char path[128];
	snprintf(path, sizeof(path), "runs.0.tool.driver.rules.%zu.id", spf001);
	assert_string_equal(jstr(&j, path), "SPF001");
	snprintf(path, sizeof(path), "runs.0.tool.driver.rules.%zu.defaultConfiguration.level", spf001);
	assert_string_equal(jstr(&j, path), "error");
	snprintf(path, sizeof(path), "runs.0.tool.driver.rules.%zu.help.markdown", spf001);
	assert_non_null(strstr(jstr(&j, path), "### How to fix"));
	snprintf(path, sizeof(path), "runs.0.tool.driver.rules.%zu.properties.tags.0", spf001);
	assert_string_equal(jstr(&j, path), "spf");
	char num[32];
	snprintf(num, sizeof(num), "%zu", spf001);
	assert_string_equal(jstr(&j, "runs.0.results.0.ruleIndex"), num);
	assert_string_equal(jstr(&j, "runs.0.results.0.ruleId"), "SPF001");
	assert_string_equal(jstr(&j, "runs.0.results.0.level"), "error");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
			    "zones/my%20zone%231.db");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId"),
			    "%SRCROOT%");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.region.startLine"), "3");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.region.startColumn"), "20");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.physicalLocation.region.endColumn"), "24");
	assert_string_equal(jstr(&j, "runs.0.results.0.locations.0.logicalLocations.0.name"), "example.com");
	assert_null(jget(&j, "runs.0.results.0.suppressions"));
	assert_string_equal(jstr(&j, "runs.0.results.1.suppressions.0.kind"), "inSource");
	assert_string_equal(jstr(&j, "runs.0.results.1.suppressions.0.justification"), "legacy sender");
	assert_string_equal(jstr(&j, "runs.0.results.2.suppressions.0.kind"), "external");
	assert_string_equal(jstr(&j, "runs.0.results.2.suppressions.0.properties.source"), ".authlint.yaml:12");
	assert_string_equal(jstr(&j, "runs.0.results.2.level"), "note");
	assert_null(jget(&j, "runs.0.results.3.locations.0.physicalLocation"));
	assert_string_equal(jstr(&j, "runs.0.results.3.locations.0.logicalLocations.0.fullyQualifiedName"),
			    "example.com.");
	assert_string_equal(jstr(&j, "runs.0.results.3.properties.location.server"), "192.0.2.1");
	assert_null(jget(&j, "runs.0.results.4.ruleIndex"));
	assert_string_equal(jstr(&j, "runs.0.results.4.locations.0.physicalLocation.artifactLocation.uri"),
			    "zones/b.db");
	/* artifacts: each file once, in order of first use, indexes match */
	assert_int_equal(jcount(&j, "runs.0.artifacts"), 3);
	assert_string_equal(jstr(&j, "runs.0.artifacts.0.location.uri"), "zones/my%20zone%231.db");
	assert_string_equal(jstr(&j, "runs.0.artifacts.1.location.uri"), "zone.db");
	assert_string_equal(jstr(&j, "runs.0.results.1.locations.0.physicalLocation.artifactLocation.index"), "1");
	assert_string_equal(jstr(&j, "runs.0.results.2.locations.0.physicalLocation.artifactLocation.index"), "1");
	assert_string_equal(jstr(&j, "runs.0.originalUriBaseIds.%SRCROOT%.uri"), "file:///srv/dns/");
	assert_string_equal(jstr(&j, "runs.0.invocations.0.executionSuccessful"), "false");
	assert_string_equal(jstr(&j, "runs.0.invocations.0.exitCode"), "2");
	assert_string_equal(jstr(&j, "runs.0.invocations.0.toolExecutionNotifications.0.level"), "error");
	/* fingerprints: equal for the same finding on another line, different otherwise */
	const char *fp0 = jstr(&j, "runs.0.results.0.partialFingerprints.authlint/v1");
	const char *fp1 = jstr(&j, "runs.0.results.1.partialFingerprints.authlint/v1");
	assert_int_equal(strlen(fp0), 32);
	assert_string_equal(fp0, fp1); /* same rule, owner, record, span; another file */
	char *fp = strdup(fp0);
	jfree(&j);
	free(out);

	al_diag moved = zone_diag(), other = zone_diag(), renamed = zone_diag();
	moved.location.line = 99;
	moved.location.column = 1;
	other.span_start = 0;
	renamed.owner = "www.example.com";
	al_diag three[3] = {moved, other, renamed};
	out = emit(AL_FORMAT_SARIF, &o, three, 3, &s, 1);
	jparse(&j, out);
	assert_string_equal(jstr(&j, "runs.0.results.0.partialFingerprints.authlint/v1"), fp);
	assert_string_not_equal(jstr(&j, "runs.0.results.1.partialFingerprints.authlint/v1"), fp);
	assert_string_not_equal(jstr(&j, "runs.0.results.2.partialFingerprints.authlint/v1"), fp);
	jfree(&j);
	free(out);
	free(fp);
}

/* ---- github ----------------------------------------------------------------------- */

static void test_github(void **state)
{
	(void)state;
	al_emit_options o = options();
	o.show_source = false;
	al_diag d[4] = {zone_diag(), zone_diag(), zone_diag(), zone_diag()};
	d[0].location.file = "a,b:c%d.db";
	d[0].message = "100% sure: a, b";
	d[1].severity = AL_SEVERITY_WARNING;
	d[1].location = (al_location){NULL, 0, 0, "192.0.2.1"};
	d[1].fix = NULL;
	d[2].severity = AL_SEVERITY_NOTE;
	d[2].location.file = "<argument>";
	d[2].location.line = 1;
	d[2].location.column = 11;
	d[2].fix = NULL;
	d[3].waived = true;
	al_summary s = summary_of(1, 1, 1);
	char *out = emit(AL_FORMAT_GITHUB, &o, d, 4, &s, 1);
	assert_string_equal(out,
		"::error file=a%2Cb%3Ac%25d.db,line=3,col=20,endColumn=24,title=SPF001 spf-multiple-records::"
		"100%25 sure: a, b%0Afix: Merge the records into one.\n"
		"::warning title=SPF001 spf-multiple-records::example.com @192.0.2.1: example.com has 2 SPF records\n"
		"::notice title=SPF001 spf-multiple-records::<argument>:1:11: example.com has 2 SPF records\n");
	free(out);
	/* the summary is a plain log line */
	o.show_source = true;
	out = emit(AL_FORMAT_GITHUB, &o, NULL, 0, &s, 1);
	assert_string_equal(out, "authlint: 1 error, 1 warning, 1 note in 1 record\n");
	free(out);
}

/* ---- bulk check results -------------------------------------------------------------- */

static void test_domain_result(void **state)
{
	(void)state;
	al_emit_options o = options();
	o.command = "check";
	al_diag d[2] = {zone_diag(), zone_diag()};
	d[1].rule = rule("DNS002");
	al_domain_result r = {0};
	r.domain = "example.com";
	r.index = 7;
	r.diags = d;
	r.diag_count = 2;
	r.summary = summary_of(2, 0, 0);
	r.incomplete = true;
	r.budget = "queries";
	r.questions = 12;
	r.passes = 3;
	r.elapsed = 0.25;
	/* jsonl: the domain is one line holding its findings */
	mem m = {0};
	al_emitter *em = NULL;
	assert_int_equal(al_emitter_new(&em, AL_FORMAT_JSONL, mem_sink(&m), &o), AL_OK);
	al_emitter_begin(em);
	al_emitter_result(em, &r);
	char *nl = strchr(al_strbuf_cstr(&m.sb), '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, ""); /* written at once, as one line */
	jdoc j = {0};
	*nl = '\0';
	jparse(&j, al_strbuf_cstr(&m.sb));
	*nl = '\n';
	assert_string_equal(jstr(&j, "type"), "domain");
	assert_string_equal(jstr(&j, "domain"), "example.com");
	assert_string_equal(jstr(&j, "index"), "7");
	assert_int_equal(jcount(&j, "findings"), 2);
	assert_string_equal(jstr(&j, "findings.1.rule.id"), "DNS002");
	assert_string_equal(jstr(&j, "summary.errors"), "2");
	assert_string_equal(jstr(&j, "incomplete"), "true");
	assert_string_equal(jstr(&j, "budget"), "queries");
	assert_string_equal(jstr(&j, "questions"), "12");
	assert_string_equal(jstr(&j, "elapsed"), "0.25");
	jfree(&j);
	al_emitter_end(em, &r.summary, 2);
	assert_int_equal(al_emitter_status(em), AL_OK);
	al_emitter_free(em);
	al_strbuf_free(&m.sb);
	/* the other formats: its findings one by one */
	char *out = NULL;
	m = (mem){0};
	assert_int_equal(al_emitter_new(&em, AL_FORMAT_JSON, mem_sink(&m), &o), AL_OK);
	al_emitter_result(em, &r);
	al_emitter_end(em, &r.summary, 2);
	out = al_strbuf_detach(&m.sb, NULL);
	jparse(&j, out);
	assert_int_equal(jcount(&j, "findings"), 2);
	assert_string_equal(jstr(&j, "command"), "check");
	jfree(&j);
	free(out);
	al_emitter_free(em);
}

/* ---- streaming and failures --------------------------------------------------------- */

static void test_streaming(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	for (int f = 0; f < AL_FORMAT_COUNT_; f++) {
		mem m = {0};
		al_emitter *em = NULL;
		assert_int_equal(al_emitter_new(&em, (al_format)f, mem_sink(&m), &o), AL_OK);
		al_emitter_begin(em);
		al_emitter_diag(em, &d);
		/* the finding is in the sink before the run ends */
		assert_non_null(strstr(al_strbuf_cstr(&m.sb), "example.com has 2 SPF records"));
		al_emitter_end(em, NULL, 1);
		assert_int_equal(al_emitter_status(em), AL_OK);
		al_emitter_free(em);
		al_strbuf_free(&m.sb);
	}
}

/* The fixes and file names shown are kept by address: a text changed at the
 * same address is shown as it is now, and one seen before the same as then. */
static void test_memo_same_address(void **state)
{
	(void)state;
	al_emit_options o = options();
	for (int f = 0; f < 2; f++) {
		al_format format = f == 0 ? AL_FORMAT_TEXT : AL_FORMAT_JSONL;
		char fix[64], file[32];
		mem m = {0};
		al_emitter *em = NULL;
		assert_int_equal(al_emitter_new(&em, format, mem_sink(&m), &o), AL_OK);
		al_emitter_begin(em);
		al_diag d = zone_diag();
		d.fix = fix;
		d.location.file = file;
		strcpy(fix, "First fix.\nSame paragraph.\n\nNot shown in text.");
		strcpy(file, "one.zone");
		al_emitter_diag(em, &d);
		al_emitter_diag(em, &d);
		strcpy(fix, "Second \033[2J fix\\.");
		strcpy(file, "two\033.zone");
		al_emitter_diag(em, &d);
		al_emitter_end(em, NULL, 1);
		assert_int_equal(al_emitter_status(em), AL_OK);
		al_emitter_free(em);
		const char *out = al_strbuf_cstr(&m.sb);
		if (format == AL_FORMAT_TEXT) {
			const char *first = strstr(out, "    fix: First fix. Same paragraph.\n");
			assert_non_null(first);
			assert_non_null(strstr(first + 1, "    fix: First fix. Same paragraph.\n"));
			assert_non_null(strstr(out, "    fix: Second \\x1b[2J fix\\\\.\n"));
			assert_non_null(strstr(out, "one.zone:3:20: "));
			assert_non_null(strstr(out, "two\\x1b.zone:3:20: "));
			assert_null(strstr(out, "Not shown"));
		} else {
			const char *first = strstr(out, "\"fix\":\"First fix.\\nSame paragraph.\\n\\nNot shown in text.\"");
			assert_non_null(first);
			assert_non_null(strstr(first + 1, "\"fix\":\"First fix.\\nSame paragraph.\\n\\nNot shown in text.\""));
			assert_non_null(strstr(out, "\"fix\":\"Second \\\\x1b[2J fix\\\\\\\\.\""));
		}
		al_strbuf_free(&m.sb);
	}
}

static void test_write_failure(void **state)
{
	(void)state;
	al_emit_options o = options();
	al_diag d = zone_diag();
	al_summary s = summary_of(1, 0, 0);
	for (int f = 0; f < AL_FORMAT_COUNT_; f++) {
		for (size_t at = 1; at <= 3; at++) {
			mem m = {.fail_at = at};
			al_emitter *em = NULL;
			assert_int_equal(al_emitter_new(&em, (al_format)f, mem_sink(&m), &o), AL_OK);
			al_emitter_begin(em);
			al_emitter_diag(em, &d);
			al_emitter_diag(em, &d);
			al_emitter_end(em, &s, 1);
			if (m.writes >= at)
				assert_int_equal(al_emitter_status(em), AL_EIO);
			al_emitter_free(em);
			al_strbuf_free(&m.sb);
		}
	}
	mem m = {.fail_at = 1};
	assert_int_equal(al_rules_write_list(t_rules(), AL_FORMAT_TEXT, mem_sink(&m)), AL_EIO);
	m = (mem){.fail_at = 2};
	assert_int_equal(al_rules_write_list(t_rules(), AL_FORMAT_JSONL, mem_sink(&m)), AL_EIO);
	al_strbuf_free(&m.sb);
	m = (mem){.fail_at = 1};
	assert_int_equal(al_rules_write_markdown(t_rules(), mem_sink(&m)), AL_EIO);
	m = (mem){.fail_at = 1};
	assert_int_equal(al_rule_explain(rule("SPF001"), false, mem_sink(&m)), AL_EIO);
	m = (mem){.fail_at = 1};
	assert_int_equal(al_rule_explain(rule("SPF001"), true, mem_sink(&m)), AL_EIO);
	/* a finding without a rule is refused, not written */
	mem ok = {0};
	al_emitter *em = NULL;
	assert_int_equal(al_emitter_new(&em, AL_FORMAT_JSON, mem_sink(&ok), &o), AL_OK);
	al_diag bad = zone_diag();
	bad.rule = NULL;
	al_emitter_diag(em, &bad);
	assert_int_equal(al_emitter_status(em), AL_EINVAL);
	al_emitter_free(em);
	al_strbuf_free(&ok.sb);
}

/* ---- the registry ---------------------------------------------------------------------- */

static char *rules_output(al_format format)
{
	mem m = {0};
	assert_int_equal(al_rules_write_list(t_rules(), format, mem_sink(&m)), AL_OK);
	char *out = al_strbuf_detach(&m.sb, NULL);
	return out ? out : strdup("");
}

static void test_rules_list(void **state)
{
	(void)state;
	char *text = rules_output(AL_FORMAT_TEXT);
	assert_memory_equal(text, "ID", 2);
	assert_non_null(strstr(text, "SEVERITY  NAME"));
	/* one line per rule plus the header */
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, al_rules_count(t_rules()) + 1);
	/* the SUMMARY column starts at the same place on every line */
	const char *col = strstr(text, "SUMMARY");
	size_t at = (size_t)(col - text);
	const al_rule *first = al_rules_at(t_rules(), 0);
	const char *line2 = strchr(text, '\n') + 1;
	assert_memory_equal(line2 + at, first->summary, strlen(first->summary));
	free(text);

	char *json = rules_output(AL_FORMAT_JSON);
	jdoc j = {0};
	jparse(&j, json);
	assert_string_equal(jstr(&j, "schema"), "authlint/rules");
	assert_int_equal(jcount(&j, "rules"), al_rules_count(t_rules()));
	size_t i = registry_index("SPF001");
	char path[96];
	snprintf(path, sizeof(path), "rules.%zu.examples.bad.0.kind", i);
	assert_string_equal(jstr(&j, path), "zone");
	snprintf(path, sizeof(path), "rules.%zu.references.0", i);
	assert_string_equal(jstr(&j, path), rule("SPF001")->references[0]);
	snprintf(path, sizeof(path), "rules.%zu.rationale", i);
	assert_string_equal(jstr(&j, path), rule("SPF001")->rationale);
	jfree(&j);
	free(json);

	char *jsonl = rules_output(AL_FORMAT_JSONL);
	size_t n = 0;
	for (char *save = NULL, *line = strtok_r(jsonl, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		jparse(&j, line);
		assert_string_equal(jstr(&j, "type"), "rule");
		assert_string_equal(jstr(&j, "id"), al_rules_at(t_rules(), n)->id);
		jfree(&j);
		n++;
	}
	assert_int_equal(n, al_rules_count(t_rules()));
	free(jsonl);

	mem m = {0};
	assert_int_equal(al_rules_write_list(t_rules(), AL_FORMAT_SARIF, mem_sink(&m)), AL_EUNSUPPORTED);
	al_strbuf_free(&m.sb);
}

static void test_explain_and_markdown(void **state)
{
	(void)state;
	mem m = {0};
	assert_int_equal(al_rule_explain(rule("SPF001"), false, mem_sink(&m)), AL_OK);
	const char *t = al_strbuf_cstr(&m.sb);
	assert_memory_equal(t, "SPF001 spf-multiple-records (error, spf)\n", 41);
	const char *sections[] = {"\nMessage:\n", "\nWhy:\n", "\nHow to fix:\n", "\nReferences:\n",
				  "\nBad examples:\n", "\nGood examples:\n", "\nCheck:\n  Raised by the C check record-selection.",
				  "\nDefined in: rules/spf/SPF001.yaml:1\n"};
	const char *last = t;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *p = strstr(t, sections[i]);
		if (p == NULL || p < last)
			fail_msg("explain lacks %s in order:\n%s", sections[i], t);
		last = p;
	}
	al_strbuf_free(&m.sb);

	/* markdown escapes what markdown would eat: `_dmarc.<domain>` */
	m = (mem){0};
	assert_int_equal(al_rule_explain(rule("DMARC001"), true, mem_sink(&m)), AL_OK);
	t = al_strbuf_cstr(&m.sb);
	assert_memory_equal(t, "<a id=\"dmarc001\"></a>\n## DMARC001 dmarc-record-outside-dmarc\n", 61);
	assert_non_null(strstr(t, "\\_dmarc.\\<domain\\>"));
	assert_non_null(strstr(t, "```text\n_dmarc.example.com. 3600 IN TXT"));
	al_strbuf_free(&m.sb);

	/* the reference: every rule has its anchor and its row */
	m = (mem){0};
	assert_int_equal(al_rules_write_markdown(t_rules(), mem_sink(&m)), AL_OK);
	t = al_strbuf_cstr(&m.sb);
	for (size_t i = 0; i < al_rules_count(t_rules()); i++) {
		const al_rule *r = al_rules_at(t_rules(), i);
		char want[128];
		snprintf(want, sizeof(want), "\n### %s %s\n", r->id, r->name);
		assert_non_null(strstr(t, want));
		snprintf(want, sizeof(want), "| [%s](#", r->id);
		assert_non_null(strstr(t, want));
	}
	assert_null(strstr(t, "\n\n\n"));
	assert_int_equal(t[m.sb.length - 1], '\n');
	assert_int_not_equal(t[m.sb.length - 2], '\n');
	al_strbuf_free(&m.sb);
}

/* A registry read from a directory holding @p files ({relative path, text}). */
static al_rules *load_rules(const char *const files[][2], size_t n, char *dir, size_t dir_size)
{
	snprintf(dir, dir_size, "/tmp/authlint-test-emit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		char *slash = strrchr(path, '/');
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	al_rules *rules = NULL;
	al_error err = {0};
	if (al_rules_load_dir(&rules, dir, &err) != AL_OK)
		fail_msg("cannot load the test rules: %s", err.message);
	return rules;
}

static void remove_rules(const char *const files[][2], size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		remove(path);
		*strrchr(path, '/') = '\0';
		rmdir(path);
	}
	rmdir(dir);
}

/* Rule text with terminal escapes and markdown syntax is documented safely;
 * a declarative rule says what it tests. */
static void test_doc_escaping(void **state)
{
	(void)state;
	static const char *const files[][2] = {
		{"dmarc/DMARC999.yaml",
		 "id: DMARC999\n"
		 "name: hostile\n"
		 "severity: warning\n"
		 "summary: \"sum *bold* \\e]0;title\\a\"\n"
		 "message: \"{owner} `x`\"\n"
		 "rationale: |\n"
		 "  # not a heading\n"
		 "  1. not a list\n"
		 "  <script>\n"
		 "  see `_dmarc.<d>` and a lone ` tick\n"
		 "references: [\"RFC 7489 \\e[2J section 6.3\"]\n"
		 "fix: \"fix \\e it\"\n"
		 "check: {record: dmarc, tag: rua, pattern: '^mailto:[^@]+@reports\\.example\\.com$'}\n"
		 "examples:\n"
		 "  bad:\n"
		 "    - zone: |\n"
		 "        _dmarc.example.com. 1 IN TXT \"v=DMARC1; p=none; rua=mailto:a@x\\032y ```\"\n"
		 "      note: \"note \\e\"\n"
		 "  good:\n"
		 "    - dmarc: \"v=DMARC1; p=none\"\n"},
	};
	char dir[64];
	al_rules *rules = load_rules(files, 1, dir, sizeof(dir));
	const al_rule *r = al_rules_find(rules, "DMARC999");
	assert_non_null(r);
	for (int md = 0; md < 2; md++) {
		mem m = {0};
		assert_int_equal(al_rule_explain(r, md, mem_sink(&m)), AL_OK);
		const char *t = al_strbuf_cstr(&m.sb);
		assert_clean_output(t, md ? "explain markdown" : "explain text");
		assert_non_null(strstr(t, "\\x1b"));
		/* zone examples keep their backslashes as written */
		assert_non_null(strstr(t, "x\\032y"));
		if (md) {
			assert_non_null(strstr(t, "\\# not a heading"));
			assert_non_null(strstr(t, "1\\. not a list"));
			assert_non_null(strstr(t, "\\<script\\>"));
			/* a code span the author wrote stays; a lone backtick is escaped */
			assert_non_null(strstr(t, "see `_dmarc.<d>` and a lone \\` tick"));
			assert_non_null(strstr(t, "sum \\*bold\\*"));
			/* the example holds ```: the fence is longer */
			assert_non_null(strstr(t, "````text\n"));
			assert_non_null(strstr(t, "`` {owner} `x` ``"));
			assert_non_null(strstr(t, "Declarative: each value of the DMARC tag `rua` must match the pattern "
						  "`^mailto:[^@]+@reports\\.example\\.com$`."));
		} else {
			assert_non_null(strstr(t, "Declarative: each value of the DMARC tag rua must match the pattern "
						  "^mailto:[^@]+@reports\\.example\\.com$."));
		}
		al_strbuf_free(&m.sb);
	}
	/* every format of the list and the reference stay clean too */
	for (int f = AL_FORMAT_TEXT; f <= AL_FORMAT_JSONL; f++) {
		mem m = {0};
		assert_int_equal(al_rules_write_list(rules, (al_format)f, mem_sink(&m)), AL_OK);
		assert_clean_output(al_strbuf_cstr(&m.sb), "rules list");
		al_strbuf_free(&m.sb);
	}
	mem m = {0};
	assert_int_equal(al_rules_write_markdown(rules, mem_sink(&m)), AL_OK);
	assert_clean_output(al_strbuf_cstr(&m.sb), "rules markdown");
	al_strbuf_free(&m.sb);
	al_rules_free(rules);
	remove_rules(files, 1, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_exact),
		cmocka_unit_test(test_text_without_file),
		cmocka_unit_test(test_text_caret_alignment),
		cmocka_unit_test(test_text_long_record),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_text_waived),
		cmocka_unit_test(test_hostile_every_format),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_jsonl_lines),
		cmocka_unit_test(test_jsonl_same_as_writer),
		cmocka_unit_test(test_sarif_structure),
		cmocka_unit_test(test_github),
		cmocka_unit_test(test_domain_result),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_memo_same_address),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_rules_list),
		cmocka_unit_test(test_explain_and_markdown),
		cmocka_unit_test(test_doc_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
