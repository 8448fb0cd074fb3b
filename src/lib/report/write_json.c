/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the reports say, for programs: JSON and JSON Lines (doc/reports-json.md)
 * and CSV for a spreadsheet. Every string that came from a report is escaped
 * (util/escape.h); CSV cells that a spreadsheet would take for a formula are
 * prefixed with a quote.
 */
#include "report/reports_internal.h"

#include <string.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/strbuf.h"

#include "report/write_internal.h"

static void findings_json(al_json *j, const al_findings *fs)
{
	al_json_key(j, "findings");
	al_json_begin_array(j);
	for (size_t i = 0; i < al_findings_count(fs); i++) {
		al_json_begin_object(j);
		al_emit_json_finding(j, al_findings_at(fs, i));
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void small_json(al_json *j, const char *key, const rpt_small *s, bool with_pass)
{
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < s->count; i++) {
		al_json_begin_object(j);
		al_json_kv_string(j, "name", s->items[i].key);
		al_json_kv_uint(j, "messages", s->items[i].messages);
		if (with_pass)
			al_json_kv_uint(j, "pass", s->items[i].passed);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	if (s->others > 0)
		al_json_kv_uint(j, key[0] == 'd' ? "dkim_signers_others" : "others", s->others);
}

static void dispositions_json(al_json *j, const uint64_t *disp)
{
	al_json_key(j, "dispositions");
	al_json_begin_object(j);
	for (int i = 1; i < 6; i++)
		al_json_kv_uint(j, al_report_disposition_name((al_report_disposition)i), disp[i]);
	al_json_kv_uint(j, "absent", disp[0]);
	al_json_end_object(j);
}

static void kv_or_null(al_json *j, const char *key, const char *v)
{
	al_json_key(j, key);
	al_json_string_or_null(j, v);
}

static void report_json(al_json *j, const rpt_report *p)
{
	static const char *const formats[] = {"rfc7489", "draft", "rfc9990"};
	kv_or_null(j, "domain", p->domain);
	kv_or_null(j, "org_name", p->org_name);
	kv_or_null(j, "report_id", p->report_id);
	al_json_kv_int(j, "begin", p->begin);
	al_json_kv_int(j, "end", p->end);
	al_json_kv_uint(j, "records", p->records);
	al_json_kv_uint(j, "messages", p->messages);
	al_json_kv_uint(j, "dmarc_pass", p->dmarc_pass);
	al_json_kv_string(j, "format", formats[p->format]);
	kv_or_null(j, "p", p->p);
	kv_or_null(j, "sp", p->sp);
	kv_or_null(j, "np", p->np);
	if (p->pct >= 0)
		al_json_kv_int(j, "pct", p->pct);
	kv_or_null(j, "testing", p->testing);
	kv_or_null(j, "discovery_method", p->discovery_method);
	al_json_kv_string(j, "file", p->path);
	kv_or_null(j, "member", p->member);
	al_json_kv_bool(j, "complete", p->complete);
}

static void domain_json(al_json *j, const rpt_domain *d)
{
	al_json_kv_string(j, "domain", d->name);
	al_json_kv_uint(j, "reports", d->reports);
	al_json_kv_uint(j, "messages", d->messages);
	al_json_kv_uint(j, "dmarc_pass", d->dmarc_pass);
	al_json_kv_uint(j, "dkim_aligned_pass", d->dkim_aligned);
	al_json_kv_uint(j, "spf_aligned_pass", d->spf_aligned);
	al_json_kv_uint(j, "policy_test_mode", d->test_mode);
	dispositions_json(j, d->disposition);
	small_json(j, "reporters", &d->reporters, false);
	small_json(j, "policies_seen", &d->policies, false);
	al_json_key(j, "days");
	al_json_begin_array(j);
	for (size_t i = 0; i < d->day_count; i++) {
		char day[11];
		al_rpt_date(d->days[i].day * 86400, day);
		al_json_begin_object(j);
		al_json_kv_string(j, "date", day);
		al_json_key(j, "messages");
		al_json_double(j, d->days[i].messages);
		al_json_key(j, "dmarc_pass");
		al_json_double(j, d->days[i].passed);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void source_json(al_json *j, const al_reports *r, const rpt_source *s)
{
	al_json_kv_string(j, "domain", s->domain->name);
	al_json_kv_string(j, "source_ip", s->ip);
	al_json_kv_uint(j, "messages", s->messages);
	al_json_kv_uint(j, "dmarc_pass", s->dmarc_pass);
	al_json_kv_uint(j, "dkim_aligned_pass", s->dkim_aligned);
	al_json_kv_uint(j, "spf_aligned_pass", s->spf_aligned);
	dispositions_json(j, s->disposition);
	small_json(j, "header_from", &s->header_from, false);
	small_json(j, "envelope_from", &s->envelope_from, false);
	small_json(j, "dkim_signers", &s->signers, true);
	small_json(j, "reasons", &s->reasons, false);
	small_json(j, "reporters", &s->reporters, false);
	al_json_key(j, "spf");
	al_json_begin_object(j);
	al_json_kv_bool(j, "checked", s->spf_result != NULL);
	kv_or_null(j, "result", s->spf_result);
	kv_or_null(j, "term", s->spf_term);
	kv_or_null(j, "service", s->service);
	kv_or_null(j, "note", r->attributed ? s->spf_note : "not attributed");
	al_json_end_object(j);
	if (s->whatif_result != NULL) {
		al_json_key(j, "proposed_spf");
		al_json_begin_object(j);
		al_json_kv_string(j, "result", s->whatif_result);
		kv_or_null(j, "term", s->whatif_term);
		al_json_end_object(j);
	}
	int c = al_rpt_category(s);
	al_json_kv_string(j, "category", al_rpt_category_name(c));
	char fix[600];
	kv_or_null(j, "fix", al_rpt_fix(s, c, fix, sizeof(fix)));
}

static void problem_json(al_json *j, const al_reports_problem *p)
{
	al_json_kv_string(j, "file", p->path);
	kv_or_null(j, "member", p->member);
	al_json_kv_uint(j, "line", p->line);
	al_json_kv_string(j, "message", p->message);
	al_json_kv_bool(j, "fatal", p->fatal);
}

static void summary_json(al_json *j, const al_reports *r)
{
	uint64_t messages = 0, pass = 0;
	for (size_t i = 0; i < r->domain_count; i++) {
		messages += r->domain_list[i]->messages;
		pass += r->domain_list[i]->dmarc_pass;
	}
	al_json_kv_uint(j, "reports", r->report_count);
	al_json_kv_uint(j, "duplicates", r->duplicates);
	al_json_kv_uint(j, "domains", r->domain_count);
	al_json_kv_uint(j, "sources", r->source_count);
	al_json_kv_uint(j, "messages", messages);
	al_json_kv_uint(j, "dmarc_pass", pass);
	al_json_kv_uint(j, "errors", r->fatal_count);
	al_json_kv_uint(j, "warnings", r->problem_count - r->fatal_count);
	al_json_kv_bool(j, "attributed", r->attributed && r->options.source != NULL);
}

void al_rpt_write_json(const al_reports *r, const al_findings *fs, rpt_out *o)
{
	al_json j;
	al_json_init(&j, &o->b, true);
	al_json_begin_object(&j);
	al_json_key(&j, "reports");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->report_count; i++) {
		al_json_begin_object(&j);
		report_json(&j, &r->reports[i]);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "domains");
	al_json_begin_array(&j);
	for (size_t k = 0; k < r->domain_count; k++) {
		const rpt_domain *d = r->domain_list[k];
		al_json_begin_object(&j);
		domain_json(&j, d);
		al_json_key(&j, "sources");
		al_json_begin_array(&j);
		for (size_t i = 0; i < r->source_count; i++) {
			if (r->source_list[i]->domain != d)
				continue;
			al_json_begin_object(&j);
			source_json(&j, r, r->source_list[i]);
			al_json_end_object(&j);
			if (o->b.length > 1 << 16)
				al_rpt_flush(o);
		}
		al_json_end_array(&j);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "problems");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->problem_count; i++) {
		al_json_begin_object(&j);
		problem_json(&j, &r->problems[i]);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	if (fs != NULL)
		findings_json(&j, fs);
	al_json_key(&j, "summary");
	al_json_begin_object(&j);
	summary_json(&j, r);
	al_json_end_object(&j);
	al_json_end_object(&j);
	al_strbuf_putc(&o->b, '\n');
	al_rpt_flush(o);
}

static void line_begin(al_json *j, rpt_out *o, const char *type)
{
	al_json_init(j, &o->b, false);
	al_json_begin_object(j);
	al_json_kv_string(j, "type", type);
}

static void line_end(al_json *j, rpt_out *o)
{
	al_json_end_object(j);
	al_strbuf_putc(&o->b, '\n');
	if (o->b.length > 1 << 16)
		al_rpt_flush(o);
}

void al_rpt_write_jsonl(const al_reports *r, const al_findings *fs, rpt_out *o)
{
	al_json j;
	for (size_t i = 0; i < r->report_count; i++) {
		line_begin(&j, o, "report");
		report_json(&j, &r->reports[i]);
		line_end(&j, o);
	}
	for (size_t k = 0; k < r->domain_count; k++) {
		line_begin(&j, o, "domain");
		domain_json(&j, r->domain_list[k]);
		line_end(&j, o);
	}
	for (size_t i = 0; i < r->source_count; i++) {
		line_begin(&j, o, "source");
		source_json(&j, r, r->source_list[i]);
		line_end(&j, o);
	}
	for (size_t i = 0; i < r->problem_count; i++) {
		line_begin(&j, o, "problem");
		problem_json(&j, &r->problems[i]);
		line_end(&j, o);
	}
	for (size_t i = 0; fs != NULL && i < al_findings_count(fs); i++) {
		line_begin(&j, o, "finding");
		al_emit_json_finding(&j, al_findings_at(fs, i));
		line_end(&j, o);
	}
	line_begin(&j, o, "summary");
	summary_json(&j, r);
	line_end(&j, o);
	al_rpt_flush(o);
}

/* ---- CSV --------------------------------------------------------------------------------------- */

static void cell(rpt_out *o, const char *s, bool last)
{
	al_strbuf display;
	al_strbuf_init(&display);
	if (s != NULL)
		al_escape_display(&display, s, strlen(s));
	const char *t = al_strbuf_cstr(&display);
	al_strbuf_putc(&o->b, '"');
	/* a spreadsheet runs a cell that starts like a formula (CWE-1236) */
	if (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@')
		al_strbuf_putc(&o->b, '\'');
	for (const char *p = t; *p; p++) {
		if (*p == '"')
			al_strbuf_putc(&o->b, '"');
		al_strbuf_putc(&o->b, *p);
	}
	al_strbuf_putc(&o->b, '"');
	al_strbuf_puts(&o->b, last ? "\r\n" : ",");
	al_strbuf_free(&display);
}

static void num(rpt_out *o, uint64_t n)
{
	al_strbuf_printf(&o->b, "%llu,", (unsigned long long)n);
}

static void small_cell(rpt_out *o, const rpt_small *s, bool last)
{
	al_strbuf joined;
	al_strbuf_init(&joined);
	for (size_t i = 0; i < s->count; i++)
		al_strbuf_printf(&joined, "%s%s", i ? "; " : "", s->items[i].key);
	cell(o, al_strbuf_cstr(&joined), last);
	al_strbuf_free(&joined);
}

void al_rpt_write_csv(const al_reports *r, rpt_out *o)
{
	al_strbuf_puts(&o->b, "domain,source_ip,messages,dmarc_pass,dkim_aligned_pass,spf_aligned_pass,"
			      "spf_result,spf_term,service,category,header_from,envelope_from,dkim_signers,reasons,"
			      "reporters\r\n");
	for (size_t i = 0; i < r->source_count; i++) {
		const rpt_source *s = r->source_list[i];
		cell(o, s->domain->name, false);
		cell(o, s->ip, false);
		num(o, s->messages);
		num(o, s->dmarc_pass);
		num(o, s->dkim_aligned);
		num(o, s->spf_aligned);
		cell(o, s->spf_result != NULL ? s->spf_result : "not checked", false);
		cell(o, s->spf_term, false);
		cell(o, s->service, false);
		cell(o, al_rpt_category_name(al_rpt_category(s)), false);
		small_cell(o, &s->header_from, false);
		small_cell(o, &s->envelope_from, false);
		small_cell(o, &s->signers, false);
		small_cell(o, &s->reasons, false);
		small_cell(o, &s->reporters, true);
		if (o->b.length > 1 << 16)
			al_rpt_flush(o);
	}
	al_rpt_flush(o);
}

