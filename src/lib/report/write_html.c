/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One self-contained HTML page of what the reports say, for a helpdesk
 * analyst: no script, no external asset; the trend by day is an inline SVG.
 * Every string from a report is put in display form (util/escape.h) and then
 * HTML-escaped.
 */
#include "report/reports_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/escape.h"
#include "util/strbuf.h"

#include "report/write_internal.h"

static void html(al_strbuf *b, const char *s)
{
	al_escape_html(b, s);
}

static void small_html(al_strbuf *b, const rpt_small *s)
{
	for (size_t i = 0; i < s->count; i++) {
		if (i > 0)
			al_strbuf_puts(b, ", ");
		html(b, s->items[i].key);
		al_strbuf_printf(b, " (%llu)", (unsigned long long)s->items[i].messages);
	}
	if (s->others > 0)
		al_strbuf_printf(b, ", others (%llu)", (unsigned long long)s->others);
}

/* Bars of messages a day, the DMARC-passing part darker. */
static void trend_svg(al_strbuf *b, const rpt_domain *d)
{
	double top = 1;
	for (size_t i = 0; i < d->day_count; i++)
		if (d->days[i].messages > top)
			top = d->days[i].messages;
	const int w = 24, gap = 6, h = 120;
	size_t n = d->day_count;
	al_strbuf_printf(b,
			 "<svg class=\"trend\" role=\"img\" width=\"%zu\" height=\"%d\" viewBox=\"0 0 %zu %d\">"
			 "<title>Messages a day and the part that passed DMARC</title>",
			 n * (size_t)(w + gap) + gap, h + 20, n * (size_t)(w + gap) + gap, h + 20);
	for (size_t i = 0; i < n; i++) {
		const rpt_day *day = &d->days[i];
		int all = (int)(day->messages / top * h + 0.5), pass = (int)(day->passed / top * h + 0.5);
		size_t x = (size_t)gap + i * (size_t)(w + gap);
		char date[11];
		al_rpt_date(day->day * 86400, date);
		al_strbuf_printf(b,
				 "<g class=\"day\" data-date=\"%s\" data-messages=\"%.0f\" data-pass=\"%.0f\">"
				 "<title>%s: %.0f messages, %.0f pass DMARC</title>"
				 "<rect class=\"all\" x=\"%zu\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
				 "<rect class=\"pass\" x=\"%zu\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
				 "<text x=\"%zu\" y=\"%d\">%.5s</text></g>",
				 date, day->messages, day->passed, date, day->messages, day->passed, x, h - all, w, all, x,
				 h - pass, w, pass, x, h + 14, date + 5);
	}
	al_strbuf_puts(b, "</svg>");
}

al_status al_rpt_write_html(const al_reports *r, const al_findings *findings, al_sink sink)
{
	al_strbuf b;
	al_strbuf_init(&b);
	al_strbuf_puts(&b,
		       "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width\">"
		       "<title>DMARC aggregate reports</title><style>"
		       "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
		       "h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em}"
		       "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;"
		       "text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}"
		       ".passing{background:#e8f5e9}.authorized-failing{background:#fff3e0}"
		       ".partly-passing{background:#fffde7}.unauthorized-failing{background:#ffebee}"
		       ".failing-not-attributed{background:#eceff1}"
		       "svg.trend rect.all{fill:#ef9a9a}svg.trend rect.pass{fill:#43a047}svg.trend text{font-size:9px}"
		       ".note{color:#555}</style></head><body>\n<h1>DMARC aggregate reports</h1>\n");
	uint64_t messages = 0, pass = 0;
	for (size_t i = 0; i < r->domain_count; i++) {
		messages += r->domain_list[i]->messages;
		pass += r->domain_list[i]->dmarc_pass;
	}
	al_strbuf_printf(&b,
			 "<p id=\"summary\"><span id=\"reports\">%zu</span> reports, <span id=\"messages\">%llu</span> "
			 "messages, <span id=\"dmarc-pass\">%llu</span> passing DMARC; %zu received twice and counted "
			 "once; %zu errors and %zu warnings reading them.</p>\n",
			 r->report_count, (unsigned long long)messages, (unsigned long long)pass, r->duplicates,
			 r->fatal_count, r->problem_count - r->fatal_count);
	if (!r->attributed || r->options.source == NULL)
		al_strbuf_puts(&b, "<p class=\"note\">Sources were not attributed through SPF: no DNS to ask.</p>\n");
	for (size_t k = 0; k < r->domain_count; k++) {
		const rpt_domain *d = r->domain_list[k];
		al_strbuf_puts(&b, "<section class=\"domain\"><h2>");
		html(&b, d->name);
		al_strbuf_printf(&b,
				 "</h2>\n<table class=\"totals\"><tr><th>messages</th><th>DMARC pass</th>"
				 "<th>DKIM aligned</th><th>SPF aligned</th></tr><tr><td class=\"n\">%llu</td>"
				 "<td class=\"n\">%llu (%.1f%%)</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>"
				 "</table>\n<p>Policy as reporters saw it: ",
				 (unsigned long long)d->messages, (unsigned long long)d->dmarc_pass,
				 d->messages ? 100.0 * (double)d->dmarc_pass / (double)d->messages : 0.0,
				 (unsigned long long)d->dkim_aligned, (unsigned long long)d->spf_aligned);
		small_html(&b, &d->policies);
		al_strbuf_puts(&b, ". Reporters: ");
		small_html(&b, &d->reporters);
		al_strbuf_puts(&b, ".</p>\n");
		if (d->day_count > 0)
			trend_svg(&b, d);
		al_strbuf_puts(&b, "\n<table class=\"sources\"><tr><th>source</th><th>messages</th><th>DMARC pass</th>"
				   "<th>SPF of the domain</th><th>DKIM signers</th><th>inventory</th><th>what to do</th>"
				   "</tr>\n");
		for (size_t i = 0; i < r->source_count; i++) {
			const rpt_source *s = r->source_list[i];
			if (s->domain != d)
				continue;
			int c = al_rpt_category(s);
			al_strbuf_printf(&b, "<tr class=\"source %s\"><td>", al_rpt_category_name(c));
			html(&b, s->ip);
			al_strbuf_printf(&b, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
					 (unsigned long long)s->messages, (unsigned long long)s->dmarc_pass);
			if (s->spf_result != NULL) {
				html(&b, s->spf_result);
				if (s->spf_term != NULL) {
					al_strbuf_puts(&b, " via <code>");
					html(&b, s->spf_term);
					al_strbuf_puts(&b, "</code>");
				}
				if (s->service != NULL) {
					al_strbuf_puts(&b, " <b class=\"service\">");
					html(&b, s->service);
					al_strbuf_puts(&b, "</b>");
				}
			} else {
				html(&b, r->attributed ? s->spf_note : "not attributed");
			}
			al_strbuf_puts(&b, "</td><td>");
			small_html(&b, &s->signers);
			al_strbuf_printf(&b, "</td><td>%s</td><td>", al_rpt_category_name(c));
			char fix[600];
			html(&b, al_rpt_fix(s, c, fix, sizeof(fix)));
			al_strbuf_puts(&b, "</td></tr>\n");
		}
		al_strbuf_puts(&b, "</table></section>\n");
	}
	size_t shown = 0;
	for (size_t i = 0; findings != NULL && i < al_findings_count(findings); i++) {
		const al_diag *d = al_findings_at(findings, i);
		if (d->waived)
			continue;
		if (shown++ == 0)
			al_strbuf_puts(&b, "<h2>Findings</h2>\n<ul class=\"findings\">\n");
		al_strbuf_printf(&b, "<li class=\"%s\"><span class=\"rule\">%s</span> ", al_severity_name(d->severity), d->rule->id);
		html(&b, d->message);
		if (d->fix != NULL) {
			al_strbuf_puts(&b, "<br><i>fix:</i> ");
			html(&b, d->fix);
		}
		al_strbuf_puts(&b, "</li>\n");
	}
	if (shown > 0)
		al_strbuf_puts(&b, "</ul>\n");
	if (r->problem_count > 0) {
		al_strbuf_puts(&b, "<h2>Problems reading the reports</h2>\n<ul class=\"problems\">\n");
		for (size_t i = 0; i < r->problem_count; i++) {
			const al_reports_problem *p = &r->problems[i];
			al_strbuf_printf(&b, "<li class=\"%s\">", p->fatal ? "error" : "warning");
			html(&b, p->path);
			if (p->member != NULL) {
				al_strbuf_puts(&b, " [");
				html(&b, p->member);
				al_strbuf_puts(&b, "]");
			}
			if (p->line > 0)
				al_strbuf_printf(&b, ":%zu", p->line);
			al_strbuf_puts(&b, ": ");
			html(&b, p->message);
			al_strbuf_puts(&b, "</li>\n");
		}
		al_strbuf_puts(&b, "</ul>\n");
	}
	al_strbuf_puts(&b, "</body></html>\n");
	al_status st = AL_OK;
	if (b.failed)
		st = AL_ENOMEM;
	else if (sink.write(sink.ctx, b.data, b.length) != 0)
		st = AL_EIO;
	al_strbuf_free(&b);
	return st;
}
