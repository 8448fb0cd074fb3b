/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Plan outputs: iCalendar by RFC 5545's rules (CRLF, 75-octet folding that
 * keeps UTF-8 sequences whole, TEXT escaping, stable UIDs, DTSTAMP), JSON and
 * YAML read back with libyaml, Markdown checklists, and hostile record text
 * escaped in every format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_helpers.h"
#include "util/escape.h"
#include "util/yaml.h"

#define RUA "rua=mailto:dmarc@example.com"
#define HEALTHY T_ZONE_HEAD T_SPF "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "\"\n"

static const al_plan *healthy(t_plan *t, const char *tmpl)
{
	t_plan_options(t, tmpl, "2026-12-01");
	t_plan_zone(t, HEALTHY);
	return t_plan_build(t, "example.com");
}

/* Unfold an iCalendar text (checking the folding on the way); caller frees. */
static char *unfold(const char *ics)
{
	size_t n = strlen(ics);
	char *out = malloc(n + 1);
	size_t o = 0;
	const char *line = ics;
	while (*line != '\0') {
		const char *crlf = strstr(line, "\r\n");
		assert_non_null(crlf); /* every line ends in CRLF */
		size_t len = (size_t)(crlf - line);
		assert_true(len <= 75);
		assert_null(memchr(line, '\n', len));
		assert_null(memchr(line, '\r', len));
		if (line[0] == ' ') {
			/* a continuation: the fold did not split a UTF-8 sequence */
			assert_false(((unsigned char)line[1] & 0xC0) == 0x80);
			memcpy(out + o, line + 1, len - 1);
			o += len - 1;
		} else {
			if (o > 0)
				out[o++] = '\n';
			memcpy(out + o, line, len);
			o += len;
		}
		line = crlf + 2;
	}
	out[o] = '\0';
	return out;
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_ics(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = healthy(&t, "default");
	char *ics = t_plan_write(p, AL_PLAN_FORMAT_ICS, NULL);
	assert_true(strncmp(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//authlint//authlint test//EN\r\n", 68) == 0);
	char *u = unfold(ics);
	assert_int_equal(count(u, "BEGIN:VEVENT\n"), p->step_count);
	assert_int_equal(count(u, "END:VEVENT\n"), p->step_count);
	assert_int_equal(count(u, "DTSTAMP:20261201T120000Z\n"), p->step_count);
	/* one event per step on its suggested date, all day */
	assert_non_null(strstr(u, "UID:quarantine-10.example.com@plan.authlint\nDTSTAMP:20261201T120000Z\n"
				  "DTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261202\n"));
	char want[64];
	char day[11];
	al_date_format(p->steps[1].suggested, day);
	snprintf(want, sizeof(want), "DTSTART;VALUE=DATE:%.4s%.2s%.2s\n", day, day + 5, day + 8);
	assert_non_null(strstr(u, want));
	/* TEXT escaping: the record's semicolons, the zone line's quotes stay */
	assert_non_null(strstr(u, "v=DMARC1\\; p=quarantine\\; pct=10\\; t=y\\; np=reject\\; " "rua=mailto:dmarc@example.com"));
	assert_null(strstr(u, "p=quarantine; pct=10"));
	assert_non_null(strstr(u, "\\n")); /* newlines in DESCRIPTION */
	assert_true(strlen(u) > 0 && strcmp(u + strlen(u) - 13, "END:VCALENDAR") == 0);
	/* UIDs are unique and stable */
	for (size_t i = 0; i < p->step_count; i++) {
		char uid[128];
		snprintf(uid, sizeof(uid), "UID:%s.example.com@plan.authlint\n", p->steps[i].id);
		assert_int_equal(count(u, uid), 1);
	}
	t_plan_free(&t);
	const al_plan *again = healthy(&t, "default");
	char *ics2 = t_plan_write(again, AL_PLAN_FORMAT_ICS, NULL);
	assert_string_equal(ics, ics2);
	/* no DTSTAMP, no calendar */
	al_plan_write_options wo = {0};
	assert_int_equal(al_plan_write(again, AL_PLAN_FORMAT_ICS, &wo, al_sink_stdio(stdout)), AL_EINVAL);
	wo.dtstamp = "2026-12-01T12:00:00Z";
	assert_int_equal(al_plan_write(again, AL_PLAN_FORMAT_ICS, &wo, al_sink_stdio(stdout)), AL_EINVAL);
	t_plan_free(&t);
	free(ics);
	free(ics2);
	free(u);
}

static void test_ics_utf8_folding(void **state)
{
	(void)state;
	/* titles of multi-byte characters at every alignment against the fold */
	for (int shift = 0; shift < 4; shift++) {
		char yaml[1024];
		snprintf(yaml, sizeof(yaml),
			 "name: t\nsummary: s\nsteps:\n"
			 "  - {id: m, policy: none, min-days: 7, suggested-days: 7,\n"
			 "     title: \"%.*sÜberwachung 🛡️ Quarantäne — prüfen, ob alle Absender ausgerichtet sind; 监控 监控 监控 监控 监控\"}\n",
			 shift, "xxx");
		t_plan t;
		t_plan_options(&t, "default", "2026-12-01");
		al_plan_template_free(t.tmpl);
		al_error err = {0};
		assert_int_equal(al_plan_template_load_buffer(&t.tmpl, "t.yaml", yaml, strlen(yaml), t_rules(), &err),
				 AL_OK);
		t.options.plan_template = t.tmpl;
		t_plan_zone(&t, T_ZONE_HEAD T_SPF);
		const al_plan *p = t_plan_build(&t, "example.com");
		char *ics = t_plan_write(p, AL_PLAN_FORMAT_ICS, NULL);
		char *u = unfold(ics);
		assert_non_null(strstr(u, "Quarantäne — prüfen\\, ob alle Absender ausgerichtet sind\\; 监控"));
		free(u);
		free(ics);
		t_plan_free(&t);
	}
}

/* Read a JSON or YAML output back and check the structure. */
static void check_tree(const char *text, const al_plan *p)
{
	yaml_document_t doc;
	al_error err = {0};
	assert_int_equal(al_yaml_load_buffer("out", text, strlen(text), &doc, &err), AL_OK);
	yaml_node_t *root = al_yaml_root(&doc);
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, root, "domain")), "example.com");
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, root, "start")), "2026-12-01");
	yaml_node_t *steps = al_yaml_map_get(&doc, root, "steps");
	assert_int_equal(al_yaml_seq_count(steps), p->step_count);
	yaml_node_t *s0 = al_yaml_seq_at(&doc, steps, 0);
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, s0, "record")), p->steps[0].record);
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, s0, "status")),
			    al_plan_step_status_name(p->steps[0].status));
	yaml_node_t *dates = al_yaml_map_get(&doc, s0, "dates");
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, dates, "earliest")), "2026-12-01");
	unsigned long v;
	assert_true(al_yaml_ulong(al_yaml_map_get(&doc, dates, "wait_days"), &v));
	assert_int_equal(v, p->steps[0].wait_days);
	yaml_node_t *e = al_yaml_map_get(&doc, al_yaml_map_get(&doc, al_yaml_map_get(&doc, s0, "effect"), "domain"),
					 "rfc7489");
	assert_true(al_yaml_ulong(al_yaml_map_get(&doc, e, "percent"), &v));
	assert_int_equal(v, 10);
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, e, "rest")), "none");
	e = al_yaml_map_get(&doc, al_yaml_map_get(&doc, al_yaml_map_get(&doc, s0, "effect"), "domain"), "rfc9989");
	bool testing = false;
	assert_true(al_yaml_bool(al_yaml_map_get(&doc, e, "testing"), &testing));
	assert_true(testing);
	yaml_node_t *gates = al_yaml_map_get(&doc, s0, "gates");
	assert_int_equal(al_yaml_seq_count(gates), p->steps[0].gate_count);
	yaml_node_t *rb = al_yaml_map_get(&doc, s0, "rollback");
	assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, rb, "record")), "v=DMARC1; p=none; " RUA);
	yaml_node_t *findings = al_yaml_map_get(&doc, root, "findings");
	assert_int_equal(al_yaml_seq_count(findings), al_findings_count(p->findings));
	yaml_document_delete(&doc);
}

static void test_json_yaml(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = healthy(&t, "default");
	char *json = t_plan_write(p, AL_PLAN_FORMAT_JSON, NULL);
	assert_true(json[0] == '{');
	check_tree(json, p);
	char *yaml = t_plan_write(p, AL_PLAN_FORMAT_YAML, NULL);
	check_tree(yaml, p);
	/* strings that read as something else unquoted are quoted */
	assert_non_null(strstr(yaml, "start: \"2026-12-01\""));
	free(json);
	free(yaml);
	t_plan_free(&t);
}

static void test_markdown(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = healthy(&t, "default");
	char *md = t_plan_write(p, AL_PLAN_FORMAT_MARKDOWN, NULL);
	assert_true(strncmp(md, "# DMARC rollout plan: example.com\n", 34) == 0);
	assert_int_equal(count(md, "\n## Step "), p->step_count);
	assert_non_null(strstr(md, "- [ ] Publish at `_dmarc.example.com`:\n\n  ```\n  _dmarc.example.com. 3600 IN TXT "
				   "\"v=DMARC1; p=quarantine; pct=10; t=y; np=reject; " RUA "\"\n  ```\n"));
	assert_non_null(strstr(md, "| RFC 7489 | quarantine 10%, rest none |"));
	assert_non_null(strstr(md, "- [ ] Confirm: Aggregate reports have come in for at least two weeks\n"));
	assert_non_null(strstr(md, "- [x] `SPF001` spf-multiple-records: passes now\n"));
	free(md);
	t_plan_free(&t);
}

static void test_text(void **state)
{
	(void)state;
	t_plan t;
	const al_plan *p = healthy(&t, "fast");
	char *text = t_plan_write(p, AL_PLAN_FORMAT_TEXT, NULL);
	assert_true(strncmp(text, "DMARC rollout plan for example.com\n", 35) == 0);
	assert_non_null(strstr(text, "step 1 of 4  quarantine-50  "));
	assert_non_null(strstr(text, "earliest 2026-12-01, suggested 2026-12-01; hold at least 7 days, 14 suggested"));
	assert_non_null(strstr(text, "rollback   v=DMARC1; p=none; " RUA "\n"));
	free(text);
	t_plan_free(&t);
}

/* Record text from DNS can hold anything: no format passes control bytes through. */
static void test_hostile(void **state)
{
	(void)state;
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, T_ZONE_HEAD T_SPF
		    "_dmarc IN TXT \"v=DMARC1; p=none; " RUA "; x\\027[31m=`|`\\255\\010\"\n");
	const al_plan *p = t_plan_build(&t, "example.com");
	assert_non_null(memchr(p->current.record, 0x1b, strlen(p->current.record)));
	for (al_plan_format f = AL_PLAN_FORMAT_TEXT; f <= AL_PLAN_FORMAT_ICS; f++) {
		size_t n = 0;
		char *out = t_plan_write(p, f, &n);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)out[i];
			if (c < 0x20 && c != '\n' && !(f == AL_PLAN_FORMAT_ICS && c == '\r')) {
				fprintf(stderr, "format %s: byte 0x%02x at %zu\n", al_plan_format_name(f), c, i);
				fail();
			}
			assert_int_not_equal(c, 0x7f);
		}
		/* valid UTF-8 everywhere */
		size_t i = 0;
		while (i < n) {
			uint32_t cp;
			size_t k = al_utf8_decode((const unsigned char *)out + i, n - i, &cp);
			assert_true(k > 0);
			i += k;
		}
		if (f == AL_PLAN_FORMAT_MARKDOWN)
			/* the rollback record holds backticks: its code block fence is longer */
			assert_non_null(strstr(out, "``v=DMARC1; p=none; " RUA "; x\\x1b[31m=`\\|`\\xff\\x0a``"));
		free(out);
	}
	t_plan_free(&t);
}

/* A sink that keeps every piece it is given, or fails from piece @c fail_at on. */
typedef struct pieces {
	char *text;
	size_t length, count, fail_at;
} pieces;

static int pieces_write(void *ctx, const void *data, size_t length)
{
	pieces *pc = ctx;
	pc->count++;
	if (pc->fail_at > 0 && pc->count >= pc->fail_at)
		return -1;
	pc->text = realloc(pc->text, pc->length + length + 1);
	assert_non_null(pc->text);
	memcpy(pc->text + pc->length, data, length);
	pc->length += length;
	pc->text[pc->length] = '\0';
	return 0;
}

/* How many places of the plan hold @p record: the current record, rollbacks, and
 * the findings (the plan's and its gates') that carry it. */
static size_t carrying(const al_plan *p, const char *record)
{
	size_t n = p->current.record != NULL && strcmp(p->current.record, record) == 0;
	for (size_t s = 0; s < p->step_count; s++)
		n += p->steps[s].rollback != NULL && strcmp(p->steps[s].rollback, record) == 0;
	for (size_t i = 0; i < al_findings_count(p->findings); i++) {
		const al_diag *d = al_findings_at(p->findings, i);
		n += d->record != NULL && strcmp(d->record, record) == 0;
	}
	for (size_t s = 0; s < p->step_count; s++)
		for (size_t g = 0; g < p->steps[s].gate_count; g++)
			for (size_t f = 0; f < p->steps[s].gates[g].finding_count; f++) {
				const al_diag *d = p->steps[s].gates[g].findings[f];
				n += d->record != NULL && strcmp(d->record, record) == 0;
			}
	return n;
}

/* A record with many findings, each carrying the whole record: JSON and YAML run to
 * hundreds of KB, written in pieces; the record is written whole every time. */
static void test_big_tree(void **state)
{
	(void)state;
	char record[2048] = "v=DMARC1; p=none; " RUA;
	for (int i = 0; i < 40; i++)
		snprintf(record + strlen(record), sizeof(record) - strlen(record), "; x%d=\"\\\x01", i);
	/* the zone line: strings of at most 200 bytes, quotes and backslashes escaped */
	char zone[8192] = T_ZONE_HEAD T_SPF "_dmarc IN TXT";
	for (size_t i = 0, n = strlen(record); i < n; i += 200) {
		strcat(zone, " \"");
		for (size_t k = i; k < n && k < i + 200; k++) {
			char c = record[k];
			size_t z = strlen(zone);
			if (c == '"' || c == '\\')
				zone[z++] = '\\';
			if ((unsigned char)c < 0x20)
				z += (size_t)sprintf(zone + z, "\\%03u", (unsigned char)c);
			else
				zone[z++] = c;
			zone[z] = '\0';
		}
		strcat(zone, "\"");
	}
	strcat(zone, "\n");
	t_plan t;
	t_plan_options(&t, "default", "2026-12-01");
	t_plan_zone(&t, zone);
	const al_plan *p = t_plan_build(&t, "example.com");
	assert_string_equal(p->current.record, record);
	size_t want = carrying(p, record);
	assert_true(want > 100);
	al_strbuf esc = AL_STRBUF_INIT;
	al_strbuf_puts(&esc, "\"record\": \"");
	al_escape_json(&esc, record, strlen(record));
	al_strbuf_puts(&esc, "\",");
	al_strbuf shown = AL_STRBUF_INIT;
	al_escape_display(&shown, record, strlen(record));
	al_plan_write_options wo = {0};
	wo.dtstamp = "20261201T120000Z";
	wo.tool_version = "test";
	for (al_plan_format f = AL_PLAN_FORMAT_JSON; f <= AL_PLAN_FORMAT_YAML; f++) {
		pieces pc = {0};
		assert_int_equal(al_plan_write(p, f, &wo, (al_sink){pieces_write, &pc}), AL_OK);
		assert_true(pc.length > 128 * 1024);
		assert_true(pc.count > 2);
		assert_int_equal(strlen(pc.text), pc.length);
		/* the whole output reads back, every finding with its record */
		yaml_document_t doc;
		al_error err = {0};
		assert_int_equal(al_yaml_load_buffer("out", pc.text, pc.length, &doc, &err), AL_OK);
		yaml_node_t *root = al_yaml_root(&doc);
		assert_string_equal(al_yaml_scalar(al_yaml_map_get(&doc, root, "domain")), "example.com");
		yaml_node_t *findings = al_yaml_map_get(&doc, root, "findings");
		assert_int_equal(al_yaml_seq_count(findings), al_findings_count(p->findings));
		size_t seen = 0;
		for (size_t i = 0; i < al_yaml_seq_count(findings); i++) {
			const char *r = al_yaml_scalar(al_yaml_map_get(&doc, al_yaml_seq_at(&doc, findings, i), "record"));
			seen += r != NULL && strcmp(r, al_strbuf_cstr(&shown)) == 0;
		}
		assert_true(seen > 0);
		yaml_document_delete(&doc);
		if (f == AL_PLAN_FORMAT_JSON)
			assert_int_equal(count(pc.text, al_strbuf_cstr(&esc)), want);
		free(pc.text);
		/* a sink that fails: AL_EIO, and nothing more is handed to it */
		pieces bad = {.fail_at = 2};
		assert_int_equal(al_plan_write(p, f, &wo, (al_sink){pieces_write, &bad}), AL_EIO);
		assert_int_equal(bad.count, 2);
		free(bad.text);
	}
	al_strbuf_free(&esc);
	al_strbuf_free(&shown);
	t_plan_free(&t);
}

static void test_formats(void **state)
{
	(void)state;
	al_plan_format f;
	assert_int_equal(al_plan_format_parse("md", &f), AL_OK);
	assert_int_equal(f, AL_PLAN_FORMAT_MARKDOWN);
	assert_int_equal(al_plan_format_parse("ics", &f), AL_OK);
	assert_int_equal(f, AL_PLAN_FORMAT_ICS);
	assert_int_equal(al_plan_format_parse("sarif", &f), AL_EINVAL);
	assert_string_equal(al_plan_format_name(AL_PLAN_FORMAT_YAML), "yaml");
	assert_string_equal(al_plan_gate_state_name(AL_PLAN_GATE_FIXED), "fixed");
	assert_string_equal(al_plan_step_kind_name(AL_PLAN_STEP_SUBDOMAIN), "subdomain");
	assert_string_equal(al_plan_step_status_name(AL_PLAN_STEP_UNVERIFIED), "unverified");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ics),
		cmocka_unit_test(test_ics_utf8_folding),
		cmocka_unit_test(test_json_yaml),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_big_tree),
		cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
