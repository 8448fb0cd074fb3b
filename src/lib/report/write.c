/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing what the reports say: the sender inventory every format shares,
 * text for a person, and the choice of format (JSON, JSON Lines and CSV are
 * in write_json.c, HTML in write_html.c). Every string that came from a
 * report is escaped (util/escape.h).
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

void al_rpt_flush(rpt_out *o)
{
	if (o->b.failed)
		o->status = AL_ENOMEM;
	else if (o->b.length > 0 && o->status == AL_OK && o->sink.write(o->sink.ctx, o->b.data, o->b.length) != 0)
		o->status = AL_EIO;
	al_strbuf_reset(&o->b);
}

static void esc(rpt_out *o, const char *s)
{
	if (s != NULL)
		al_escape_display(&o->b, s, strlen(s));
}

static void small_text(rpt_out *o, const rpt_small *s, bool with_pass)
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

static void spf_text(rpt_out *o, const al_reports *r, const rpt_source *s)
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
static void fix_line(rpt_out *o, const char *fix)
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

static void findings_text(const al_findings *fs, rpt_out *o)
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
		al_rpt_flush(o);
	}
	if (fs != NULL) {
		al_strbuf_putc(&o->b, '\n');
		al_emit_severity_counts(&o->b, al_findings_summary(fs));
		al_strbuf_putc(&o->b, '\n');
	}
}

static void write_text(const al_reports *r, const al_findings *fs, rpt_out *o)
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
			al_rpt_flush(o);
		}
	}
	al_strbuf_printf(&o->b, "\n%zu report%s read, %zu duplicate%s skipped, %zu error%s, %zu warning%s (on standard error)\n",
			 r->report_count, r->report_count == 1 ? "" : "s", r->duplicates, r->duplicates == 1 ? "" : "s",
			 r->fatal_count, r->fatal_count == 1 ? "" : "s", r->problem_count - r->fatal_count,
			 r->problem_count - r->fatal_count == 1 ? "" : "s");
	findings_text(fs, o);
	al_rpt_flush(o);
}

al_status al_reports_write_problems(const al_reports *r, al_sink sink)
{
	if (r == NULL || sink.write == NULL)
		return AL_EINVAL;
	rpt_out o;
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
	al_rpt_flush(&o);
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
	rpt_out o;
	al_strbuf_init(&o.b);
	o.sink = sink;
	o.status = AL_OK;
	o.color = color;
	switch (format) {
	case AL_REPORTS_JSON:
		al_rpt_write_json(reports, findings, &o);
		break;
	case AL_REPORTS_JSONL:
		al_rpt_write_jsonl(reports, findings, &o);
		break;
	case AL_REPORTS_CSV:
		al_rpt_write_csv(reports, &o);
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
