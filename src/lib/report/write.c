/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing what the reports say: text for a person, JSON and JSON Lines for
 * programs (doc/reports-json.md), CSV for a spreadsheet. Every string that
 * came from a report is escaped (util/escape.h); CSV cells that a spreadsheet
 * would take for a formula are prefixed with a quote.
 */
#include "report/reports_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/strbuf.h"

#include "report/write_internal.h"

al_status al_reports_format_parse(const char *text, al_reports_format *out)
{
	static const char *const names[] = {"text", "json", "jsonl", "csv", "html"};
	for (size_t i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(text, names[i]) == 0) {
			*out = (al_reports_format)i;
			return AL_OK;
		}
	return AL_EINVAL;
}

/* ---- what a source is ---------------------------------------------------------------- */

/* The sender inventory: what a helpdesk does about each source. */
typedef enum category {
	CAT_PASSING = 0,    /* passes DMARC for all its mail */
	CAT_KNOWN_FAILING,  /* authorized by the domain's SPF, yet DMARC fails: alignment */
	CAT_PARTLY,         /* some of its mail passes, some not (forwarding, a second stream) */
	CAT_UNKNOWN_FAILING,/* not authorized, fails DMARC: spoofing, forwarding or shadow IT */
	CAT_UNCHECKED,      /* fails DMARC; not attributed (no DNS) */
	CAT_EMPTY,          /* reported with no messages (count 0): neither passing nor failing */
} category;

static const char *const category_names[] = {"passing", "authorized-failing", "partly-passing",
					     "unauthorized-failing", "failing-not-attributed", "no-messages"};

int al_rpt_category(const rpt_source *s)
{
	if (s->messages == 0)
		return CAT_EMPTY;
	if (s->dmarc_pass == s->messages)
		return CAT_PASSING;
	if (s->dmarc_pass > 0)
		return CAT_PARTLY;
	if (s->spf_result == NULL)
		return CAT_UNCHECKED;
	return strcmp(s->spf_result, "pass") == 0 ? CAT_KNOWN_FAILING : CAT_UNKNOWN_FAILING;
}

const char *al_rpt_fix(const rpt_source *s, int c, char *buf, size_t size)
{
	switch ((category)c) {
	case CAT_KNOWN_FAILING:
		snprintf(buf, size,
			 "%s is authorized by %s's SPF but its mail does not align: have it sign with DKIM as %s "
			 "(d=%s), or send with a return path under %s",
			 s->service != NULL ? s->service : "the sender", s->domain->name, s->domain->name,
			 s->domain->name, s->domain->name);
		return buf;
	case CAT_UNKNOWN_FAILING:
		snprintf(buf, size,
			 "not authorized by %s's SPF and not signed as %s: if it is yours, add it to SPF and set up "
			 "DKIM; if not, it is spoofing (or forwarding), which enforcement stops",
			 s->domain->name, s->domain->name);
		return buf;
	case CAT_PARTLY:
		snprintf(buf, size, "part of its mail fails DMARC: look at the reasons (forwarding, mailing lists) "
				    "and at mail it sends without DKIM");
		return buf;
	case CAT_UNCHECKED:
		if (s->spf_note != NULL && strstr(s->spf_note, "no usable address") != NULL)
			snprintf(buf, size, "fails DMARC; the reporter gave no usable address, so it cannot be told "
					    "who sent it");
		else
			snprintf(buf, size,
				 "fails DMARC; give the DNS (live, or --zone) to tell whether %s's SPF authorizes it",
				 s->domain->name);
		return buf;
	default:
		return NULL;
	}
}

const char *al_rpt_category_name(int c)
{
	return c >= 0 && c <= CAT_EMPTY ? category_names[c] : "unknown";
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void al_rpt_date(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t < 0 || gmtime_r(&tt, &tm) == NULL) {
		strcpy(out, "-");
		return;
	}
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- text ------------------------------------------------------------------------------- */

typedef struct out {
	al_strbuf b;
	al_sink sink;
	al_status status;
	bool color;
} out;

static void flush(out *o)
{
	if (o->b.failed)
		o->status = AL_ENOMEM;
	else if (o->b.length > 0 && o->status == AL_OK && o->sink.write(o->sink.ctx, o->b.data, o->b.length) != 0)
		o->status = AL_EIO;
	al_strbuf_reset(&o->b);
}

static void esc(out *o, const char *s)
{
	if (s != NULL)
		al_escape_display(&o->b, s, strlen(s));
}

static void small_text(out *o, const rpt_small *s, bool with_pass)
{
	for (size_t i = 0; i < s->count; i++) {
		if (i > 0)
			al_strbuf_puts(&o->b, ", ");
		esc(o, s->items[i].key);
		if (with_pass)
			al_strbuf_printf(&o->b, " (%llu, %llu pass)", (unsigned long long)s->items[i].messages,
					 (unsigned long long)s->items[i].passed);
		else
			al_strbuf_printf(&o->b, " (%llu)", (unsigned long long)s->items[i].messages);
	}
	if (s->others > 0)
		al_strbuf_printf(&o->b, ", others (%llu)", (unsigned long long)s->others);
}

static void spf_text(out *o, const al_reports *r, const rpt_source *s)
{
	if (!r->attributed) {
		al_strbuf_puts(&o->b, "not attributed");
		return;
	}
	if (s->spf_result == NULL) {
		esc(o, s->spf_note);
		return;
	}
	al_strbuf_printf(&o->b, "%s", s->spf_result);
	if (s->spf_term != NULL) {
		al_strbuf_puts(&o->b, " via ");
		esc(o, s->spf_term);
	} else if (strcmp(s->spf_result, "pass") != 0) {
		al_strbuf_puts(&o->b, " (not authorized by ");
		esc(o, s->domain->name);
		al_strbuf_puts(&o->b, "'s SPF)");
	}
	if (s->service != NULL) {
		al_strbuf_puts(&o->b, " [");
		esc(o, s->service);
		al_strbuf_putc(&o->b, ']');
	}
}

/* The first paragraph of a fix, on one line. */
static void fix_line(out *o, const char *fix)
{
	const char *end = strstr(fix, "\n\n");
	size_t n = end ? (size_t)(end - fix) : strlen(fix);
	while (n > 0 && (fix[n - 1] == '\n' || fix[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++) {
		char c = fix[i] == '\n' ? ' ' : fix[i];
		al_escape_display(&o->b, &c, 1);
	}
}

static void findings_text(const al_findings *fs, out *o)
{
	size_t shown = 0;
	for (size_t i = 0; fs != NULL && i < al_findings_count(fs); i++) {
		const al_diag *d = al_findings_at(fs, i);
		if (d->waived)
			continue;
		if (shown++ == 0)
			al_strbuf_puts(&o->b, "\nfindings:\n");
		al_strbuf_printf(&o->b, "  %s %s ", al_severity_name(d->severity), d->rule->id);
		if (d->location.file != NULL) {
			esc(o, d->location.file);
			if (d->location.line > 0)
				al_strbuf_printf(&o->b, ":%lu", d->location.line);
			al_strbuf_puts(&o->b, ": ");
		} else if (d->owner != NULL) {
			esc(o, d->owner);
			al_strbuf_puts(&o->b, ": ");
		}
		esc(o, d->message);
		al_strbuf_putc(&o->b, '\n');
		if (d->fix != NULL) {
			al_strbuf_puts(&o->b, "    fix: ");
			fix_line(o, d->fix);
			al_strbuf_putc(&o->b, '\n');
		}
		flush(o);
	}
	if (fs != NULL) {
		const al_summary *s = al_findings_summary(fs);
		al_strbuf_printf(&o->b, "\n%zu error%s, %zu warning%s, %zu note%s\n", s->by_severity[AL_SEVERITY_ERROR],
				 s->by_severity[AL_SEVERITY_ERROR] == 1 ? "" : "s", s->by_severity[AL_SEVERITY_WARNING],
				 s->by_severity[AL_SEVERITY_WARNING] == 1 ? "" : "s", s->by_severity[AL_SEVERITY_NOTE],
				 s->by_severity[AL_SEVERITY_NOTE] == 1 ? "" : "s");
	}
}

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

static void write_text(const al_reports *r, const al_findings *fs, out *o)
{
	size_t reporters_total = 0;
	int64_t first = -1, last = -1;
	for (size_t i = 0; i < r->report_count; i++) {
		const rpt_report *p = &r->reports[i];
		if (p->begin >= 0 && (first < 0 || p->begin < first))
			first = p->begin;
		if (p->end > last)
			last = p->end;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = p->org_name && r->reports[k].org_name && strcmp(p->org_name, r->reports[k].org_name) == 0;
		reporters_total += !seen;
	}
	char d1[11], d2[11];
	al_rpt_date(first, d1);
	al_rpt_date(last > 0 ? last - 1 : last, d2);
	al_strbuf_printf(&o->b, "%zu report%s from %zu reporter%s, %s to %s", r->report_count,
			 r->report_count == 1 ? "" : "s", reporters_total, reporters_total == 1 ? "" : "s", d1, d2);
	if (r->duplicates > 0)
		al_strbuf_printf(&o->b, "; %zu received again and counted once", r->duplicates);
	al_strbuf_putc(&o->b, '\n');
	if (!r->attributed || r->options.source == NULL)
		al_strbuf_puts(&o->b, "sources not attributed through SPF: no DNS to ask (--offline without --zone)\n");
	if (r->options.spf_record != NULL) {
		al_strbuf_puts(&o->b, "what if the SPF record were: ");
		esc(o, r->options.spf_record);
		al_strbuf_putc(&o->b, '\n');
	}
	for (size_t k = 0; k < r->domain_count; k++) {
		const rpt_domain *d = r->domain_list[k];
		al_strbuf_putc(&o->b, '\n');
		esc(o, d->name);
		al_strbuf_printf(&o->b, ": %llu message%s, DMARC pass %llu (%.1f%%), DKIM aligned %llu, SPF aligned %llu\n",
				 (unsigned long long)d->messages, d->messages == 1 ? "" : "s",
				 (unsigned long long)d->dmarc_pass, pct(d->dmarc_pass, d->messages),
				 (unsigned long long)d->dkim_aligned, (unsigned long long)d->spf_aligned);
		al_strbuf_puts(&o->b, "  dispositions:");
		for (int i = 1; i < 6; i++)
			if (d->disposition[i] > 0)
				al_strbuf_printf(&o->b, " %s %llu", al_report_disposition_name((al_report_disposition)i),
						 (unsigned long long)d->disposition[i]);
		if (d->disposition[0] > 0)
			al_strbuf_printf(&o->b, " (not given) %llu", (unsigned long long)d->disposition[0]);
		al_strbuf_putc(&o->b, '\n');
		al_strbuf_puts(&o->b, "  policy as reporters saw it: ");
		small_text(o, &d->policies, false);
		al_strbuf_putc(&o->b, '\n');
		if (d->test_mode > 0)
			al_strbuf_printf(&o->b, "  %llu message%s reported under policy_test_mode (t=y)\n",
					 (unsigned long long)d->test_mode, d->test_mode == 1 ? "" : "s");
		al_strbuf_puts(&o->b, "  reporters: ");
		small_text(o, &d->reporters, false);
		al_strbuf_putc(&o->b, '\n');
		if (d->day_count > 0) {
			al_strbuf_puts(&o->b, "  by day:\n");
			for (size_t i = 0; i < d->day_count; i++) {
				char day[11];
				al_rpt_date(d->days[i].day * 86400, day);
				al_strbuf_printf(&o->b, "    %s  %8.0f messages  %5.1f%% DMARC pass\n", day,
						 d->days[i].messages,
						 d->days[i].messages > 0 ? 100.0 * d->days[i].passed / d->days[i].messages
									 : 0.0);
			}
		}
		al_strbuf_puts(&o->b, "  sources:\n");
		for (size_t i = 0; i < r->source_count; i++) {
			const rpt_source *s = r->source_list[i];
			if (s->domain != d)
				continue;
			category c = al_rpt_category(s);
			al_strbuf_puts(&o->b, "    ");
			esc(o, s->ip);
			al_strbuf_printf(&o->b, "  %llu message%s, DMARC pass %.0f%%  [%s]\n", (unsigned long long)s->messages,
					 s->messages == 1 ? "" : "s", pct(s->dmarc_pass, s->messages), category_names[c]);
			al_strbuf_puts(&o->b, "      SPF of the domain: ");
			spf_text(o, r, s);
			al_strbuf_putc(&o->b, '\n');
			if (s->whatif_result != NULL) {
				al_strbuf_printf(&o->b, "      with the proposed record: %s", s->whatif_result);
				if (s->whatif_term != NULL) {
					al_strbuf_puts(&o->b, " via ");
					esc(o, s->whatif_term);
				}
				bool before = s->spf_result != NULL && strcmp(s->spf_result, "pass") == 0;
				bool after = strcmp(s->whatif_result, "pass") == 0;
				if (before != after)
					al_strbuf_printf(&o->b, "  (%s an SPF pass for %llu message%s)",
							 after ? "gains" : "loses", (unsigned long long)s->messages,
							 s->messages == 1 ? "" : "s");
				al_strbuf_putc(&o->b, '\n');
			}
			al_strbuf_printf(&o->b, "      aligned: DKIM %llu, SPF %llu; header from ",
					 (unsigned long long)s->dkim_aligned, (unsigned long long)s->spf_aligned);
			small_text(o, &s->header_from, false);
			if (s->envelope_from.count > 0) {
				al_strbuf_puts(&o->b, "; envelope ");
				small_text(o, &s->envelope_from, false);
			}
			al_strbuf_putc(&o->b, '\n');
			if (s->signers.count > 0) {
				al_strbuf_puts(&o->b, "      DKIM signers: ");
				small_text(o, &s->signers, true);
				al_strbuf_putc(&o->b, '\n');
			}
			if (s->reasons.count > 0) {
				al_strbuf_puts(&o->b, "      override reasons: ");
				small_text(o, &s->reasons, false);
				al_strbuf_putc(&o->b, '\n');
			}
			al_strbuf_puts(&o->b, "      reporters: ");
			small_text(o, &s->reporters, false);
			al_strbuf_putc(&o->b, '\n');
			char fix[600];
			const char *f = al_rpt_fix(s, c, fix, sizeof(fix));
			if (f != NULL) {
				al_strbuf_puts(&o->b, "      fix: ");
				esc(o, f);
				al_strbuf_putc(&o->b, '\n');
			}
			flush(o);
		}
	}
	al_strbuf_printf(&o->b, "\n%zu report%s read, %zu duplicate%s skipped, %zu error%s, %zu warning%s (on standard error)\n",
			 r->report_count, r->report_count == 1 ? "" : "s", r->duplicates, r->duplicates == 1 ? "" : "s",
			 r->fatal_count, r->fatal_count == 1 ? "" : "s", r->problem_count - r->fatal_count,
			 r->problem_count - r->fatal_count == 1 ? "" : "s");
	findings_text(fs, o);
	flush(o);
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
	category c = al_rpt_category(s);
	al_json_kv_string(j, "category", category_names[c]);
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

static void write_json(const al_reports *r, const al_findings *fs, out *o)
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
				flush(o);
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
	flush(o);
}

static void line_begin(al_json *j, out *o, const char *type)
{
	al_json_init(j, &o->b, false);
	al_json_begin_object(j);
	al_json_kv_string(j, "type", type);
}

static void line_end(al_json *j, out *o)
{
	al_json_end_object(j);
	al_strbuf_putc(&o->b, '\n');
	if (o->b.length > 1 << 16)
		flush(o);
}

static void write_jsonl(const al_reports *r, const al_findings *fs, out *o)
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
	flush(o);
}

/* ---- CSV --------------------------------------------------------------------------------------- */

static void cell(out *o, const char *s, bool last)
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

static void num(out *o, uint64_t n)
{
	al_strbuf_printf(&o->b, "%llu,", (unsigned long long)n);
}

static void small_cell(out *o, const rpt_small *s, bool last)
{
	al_strbuf joined;
	al_strbuf_init(&joined);
	for (size_t i = 0; i < s->count; i++)
		al_strbuf_printf(&joined, "%s%s", i ? "; " : "", s->items[i].key);
	cell(o, al_strbuf_cstr(&joined), last);
	al_strbuf_free(&joined);
}

static void write_csv(const al_reports *r, out *o)
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
		cell(o, category_names[al_rpt_category(s)], false);
		small_cell(o, &s->header_from, false);
		small_cell(o, &s->envelope_from, false);
		small_cell(o, &s->signers, false);
		small_cell(o, &s->reasons, false);
		small_cell(o, &s->reporters, true);
		if (o->b.length > 1 << 16)
			flush(o);
	}
	flush(o);
}

al_status al_reports_write_problems(const al_reports *r, al_sink sink)
{
	if (r == NULL || sink.write == NULL)
		return AL_EINVAL;
	out o;
	al_strbuf_init(&o.b);
	o.sink = sink;
	o.status = AL_OK;
	o.color = false;
	for (size_t i = 0; i < r->problem_count; i++) {
		const al_reports_problem *p = &r->problems[i];
		al_strbuf_printf(&o.b, "authlint: %s: ", p->fatal ? "error" : "warning");
		esc(&o, p->path);
		if (p->member != NULL) {
			al_strbuf_puts(&o.b, " [");
			esc(&o, p->member);
			al_strbuf_putc(&o.b, ']');
		}
		if (p->line > 0)
			al_strbuf_printf(&o.b, ":%zu", p->line);
		al_strbuf_puts(&o.b, ": ");
		esc(&o, p->message);
		al_strbuf_putc(&o.b, '\n');
	}
	flush(&o);
	al_strbuf_free(&o.b);
	return o.status;
}

al_status al_reports_write(const al_reports *reports, al_reports_format format, bool color, al_sink sink)
{
	return al_reports_write_findings(reports, NULL, format, color, sink);
}

al_status al_reports_write_findings(const al_reports *reports, const al_findings *findings, al_reports_format format,
				    bool color, al_sink sink)
{
	if (reports == NULL || sink.write == NULL)
		return AL_EINVAL;
	al_rpt_sort((al_reports *)reports);
	out o;
	al_strbuf_init(&o.b);
	o.sink = sink;
	o.status = AL_OK;
	o.color = color;
	switch (format) {
	case AL_REPORTS_JSON:
		write_json(reports, findings, &o);
		break;
	case AL_REPORTS_JSONL:
		write_jsonl(reports, findings, &o);
		break;
	case AL_REPORTS_CSV:
		write_csv(reports, &o);
		break;
	case AL_REPORTS_HTML:
		o.status = al_rpt_write_html(reports, findings, sink);
		break;
	default:
		write_text(reports, findings, &o);
		break;
	}
	al_strbuf_free(&o.b);
	return o.status;
}
