/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a diff: text, JSON (doc/json-schema.md, "authlint/diff"), a markdown
 * pull-request comment, and SARIF through the SARIF emitter (the added
 * findings on touched lines). Every string from a zone, a DNS answer or a
 * report is escaped: display form everywhere, and in markdown also every
 * character that would start markup or HTML.
 */
#include <authlint/diff.h>
#include <authlint/dmarc.h>
#include <authlint/plan.h>

#include <stdlib.h>
#include <string.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/markdown.h"
#include "util/strbuf.h"

al_status al_diff_format_parse(const char *text, al_diff_format *out)
{
	static const char *const names[] = {"text", "json", "markdown", "sarif"};
	for (int i = 0; i < 4; i++)
		if (text != NULL && strcmp(text, names[i]) == 0) {
			*out = (al_diff_format)i;
			return AL_OK;
		}
	return AL_EINVAL;
}

static const char *const gen_name[2] = {"RFC 7489", "RFC 9989"};

/* display form of a NUL-terminated string */
static void esc(al_strbuf *o, const char *text)
{
	if (text != NULL)
		al_escape_display(o, text, strlen(text));
}

static void count_text(al_strbuf *o, bool present, size_t n, size_t unknown, size_t voids, bool permerror)
{
	if (!present)
		al_strbuf_puts(o, "no record");
	else if (unknown > 0)
		al_strbuf_printf(o, "at least %zu (%zu not checked)", n, unknown);
	else
		al_strbuf_printf(o, "%zu", n);
	if (!present || !permerror)
		return;
	if (n > 10)
		al_strbuf_puts(o, " (over 10: permerror)");
	else if (voids > 2)
		al_strbuf_printf(o, " (%zu void lookups, over 2: permerror)", voids);
	else
		al_strbuf_puts(o, " (permerror)");
}

static size_t newly_over(const al_diff *d)
{
	size_t over = 0;
	for (size_t i = 0; i < d->spf_count; i++)
		over += d->spf[i].after_permerror && !d->spf[i].before_permerror;
	return over;
}

static void summary_line(al_strbuf *o, const al_diff *d)
{
	al_strbuf_printf(o, "%zu finding%s added, %zu fixed, %zu unchanged", d->added_count,
			 d->added_count == 1 ? "" : "s", d->fixed_count, d->unchanged);
	size_t weaker = 0;
	for (size_t i = 0; i < d->dmarc_count; i++)
		weaker += d->dmarc[i].weaker;
	size_t over = newly_over(d);
	if (over)
		al_strbuf_printf(o, "; %zu SPF record%s newly failing (permerror)", over, over == 1 ? "" : "s");
	if (weaker)
		al_strbuf_printf(o, "; %zu DMARC polic%s weakened", weaker, weaker == 1 ? "y" : "ies");
	if (d->dkim_count)
		al_strbuf_printf(o, "; %zu DKIM key%s removed", d->dkim_count, d->dkim_count == 1 ? "" : "s");
}

static void period(al_strbuf *o, const al_diff *d)
{
	if (d->period_begin < 0 || d->period_end < 0)
		return;
	char b[11], e[11];
	al_date_format(al_date_from_unix(d->period_begin), b);
	al_date_format(al_date_from_unix(d->period_end), e);
	al_strbuf_printf(o, " from %s to %s", b, e);
}

/* the sentence about a removed key, in display form */
static void dkim_text(al_strbuf *o, const al_diff *d, const al_diff_dkim *k)
{
	esc(o, k->name);
	al_strbuf_puts(o, " (selector ");
	esc(o, k->selector);
	al_strbuf_puts(o, " of ");
	esc(o, k->domain);
	al_strbuf_puts(o, ") is removed: mail still signed with it fails DKIM");
	if (!d->dkim_counted)
		return;
	if (k->messages == 0) {
		al_strbuf_printf(o, "; the reports (%zu", d->report_count);
		period(o, d);
		al_strbuf_puts(o, ") show no message signed with it");
		return;
	}
	al_strbuf_printf(o, "; the reports show %llu message%s signed with it in %zu report%s",
			 (unsigned long long)k->messages, k->messages == 1 ? "" : "s", k->reports,
			 k->reports == 1 ? "" : "s");
	period(o, d);
}

/* ---- text ----------------------------------------------------------------------- */

static void text_finding(al_strbuf *o, const char *sign, const al_diff_finding *f)
{
	const al_diag *g = f->diag;
	al_strbuf_printf(o, "  %s %s %s ", sign, al_severity_name(g->severity), g->rule->id);
	esc(o, g->owner ? g->owner : g->domain ? g->domain : "-");
	if (g->location.file != NULL) {
		al_strbuf_puts(o, " (");
		esc(o, g->location.file);
		if (g->location.line > 0)
			al_strbuf_printf(o, ":%lu", g->location.line);
		al_strbuf_puts(o, ")");
	}
	al_strbuf_puts(o, ": ");
	esc(o, g->message);
	al_strbuf_puts(o, "\n");
	size_t start, length;
	if (al_emit_span(g, &start, &length) && length > 0) {
		al_strbuf_puts(o, "      at: ");
		al_escape_display(o, g->record + start, length);
		al_strbuf_puts(o, "\n");
	}
}

static void write_text(al_strbuf *o, const al_diff *d, const char *old_label, const char *new_label)
{
	al_strbuf_puts(o, "authlint diff ");
	esc(o, old_label);
	al_strbuf_puts(o, " -> ");
	esc(o, new_label);
	al_strbuf_puts(o, "\n");
	summary_line(o, d);
	al_strbuf_puts(o, "\n");
	if (d->added_count) {
		al_strbuf_puts(o, "\nAdded findings:\n");
		for (size_t i = 0; i < d->added_count; i++)
			text_finding(o, "+", &d->added[i]);
	}
	if (d->fixed_count) {
		al_strbuf_puts(o, "\nFixed findings:\n");
		for (size_t i = 0; i < d->fixed_count; i++)
			text_finding(o, "-", &d->fixed[i]);
	}
	if (d->spf_count) {
		al_strbuf_puts(o, "\nSPF lookups (10 at most):\n");
		for (size_t i = 0; i < d->spf_count; i++) {
			const al_diff_spf *s = &d->spf[i];
			al_strbuf_puts(o, "  ");
			esc(o, s->name);
			al_strbuf_puts(o, ": ");
			count_text(o, s->before_present, s->before, s->before_unknown, s->before_voids, s->before_permerror);
			al_strbuf_puts(o, " -> ");
			count_text(o, s->after_present, s->after, s->after_unknown, s->after_voids, s->after_permerror);
			al_strbuf_puts(o, "\n");
		}
	}
	if (d->service_count) {
		al_strbuf_puts(o, "\nSending services:\n");
		for (size_t i = 0; i < d->service_count; i++) {
			const al_diff_service *s = &d->services[i];
			al_strbuf_printf(o, "  %s ", s->added ? "+" : "-");
			esc(o, s->name);
			al_strbuf_puts(o, ": ");
			esc(o, s->service);
			al_strbuf_puts(o, " (include:");
			esc(o, s->include);
			al_strbuf_puts(o, ")\n");
		}
	}
	if (d->dmarc_count) {
		al_strbuf_puts(o, "\nDMARC policies:\n");
		for (size_t i = 0; i < d->dmarc_count; i++) {
			const al_diff_dmarc *m = &d->dmarc[i];
			al_strbuf_puts(o, "  ");
			esc(o, m->name);
			al_strbuf_puts(o, ": ");
			esc(o, m->before_tags);
			al_strbuf_puts(o, " -> ");
			esc(o, m->after_tags);
			al_strbuf_puts(o, m->weaker && m->stronger ? " (weaker and stronger)"
					  : m->weaker		   ? " (weaker)"
					  : m->stronger		   ? " (stronger)"
								   : "");
			al_strbuf_puts(o, "\n");
			for (int g = 0; g < 2; g++) {
				al_strbuf_printf(o, "    %s receivers: before, ", gen_name[g]);
				esc(o, m->before_effect[g]);
				al_strbuf_puts(o, "; after, ");
				esc(o, m->after_effect[g]);
				al_strbuf_puts(o, "\n");
			}
		}
	}
	if (d->dkim_count) {
		al_strbuf_puts(o, "\nDKIM keys removed:\n");
		for (size_t i = 0; i < d->dkim_count; i++) {
			al_strbuf_puts(o, "  ");
			dkim_text(o, d, &d->dkim[i]);
			al_strbuf_puts(o, "\n");
		}
	}
	if (d->not_checked)
		al_strbuf_puts(o, "\nSome SPF targets outside the zones were not looked up: those counts are lower bounds.\n");
}

/* ---- markdown ------------------------------------------------------------------- */

static void md_findings(al_strbuf *o, const char *title, const al_diff_finding *f, size_t n)
{
	if (n == 0)
		return;
	al_strbuf_printf(o, "\n#### %s (%zu)\n\n| Severity | Rule | Name | Where | Message | Term |\n|---|---|---|---|---|---|\n",
			 title, n);
	for (size_t i = 0; i < n; i++) {
		const al_diag *g = f[i].diag;
		al_strbuf_printf(o, "| %s | ", al_severity_name(g->severity));
		al_md_text(o, g->rule->id);
		al_strbuf_puts(o, " | ");
		al_md_text(o, g->owner ? g->owner : g->domain ? g->domain : "");
		al_strbuf_puts(o, " | ");
		if (g->location.file != NULL) {
			al_md_text(o, g->location.file);
			if (g->location.line > 0)
				al_strbuf_printf(o, "\\:%lu", g->location.line);
		}
		al_strbuf_puts(o, " | ");
		al_md_text(o, g->message);
		al_strbuf_puts(o, " | ");
		size_t start, length;
		if (al_emit_span(g, &start, &length) && length > 0) {
			al_strbuf tmp;
			al_strbuf_init(&tmp);
			al_strbuf_append(&tmp, g->record + start, length);
			al_md_text(o, al_strbuf_cstr(&tmp)); /* a NUL in the term ends it here */
			al_strbuf_free(&tmp);
		}
		al_strbuf_puts(o, " |\n");
	}
}

static void write_markdown(al_strbuf *o, const al_diff *d, const char *old_label, const char *new_label)
{
	al_strbuf tmp;
	al_strbuf_init(&tmp);
	/* the versions: a comment may hold the diffs of several files */
	al_strbuf_puts(o, "### authlint diff: ");
	al_md_text(o, old_label);
	al_strbuf_puts(o, " \xe2\x86\x92 ");
	al_md_text(o, new_label);
	al_strbuf_puts(o, "\n\n**");
	summary_line(o, d);
	al_strbuf_puts(o, "**\n");
	md_findings(o, "Added findings", d->added, d->added_count);
	md_findings(o, "Fixed findings", d->fixed, d->fixed_count);
	if (d->spf_count) {
		al_strbuf_puts(o, "\n#### SPF lookups (10 at most)\n\n| Name | Before | After |\n|---|---|---|\n");
		for (size_t i = 0; i < d->spf_count; i++) {
			const al_diff_spf *s = &d->spf[i];
			al_strbuf_puts(o, "| ");
			al_md_text(o, s->name);
			al_strbuf_puts(o, " | ");
			al_strbuf_reset(&tmp);
			count_text(&tmp, s->before_present, s->before, s->before_unknown, s->before_voids, s->before_permerror);
			al_md_text(o, al_strbuf_cstr(&tmp));
			al_strbuf_puts(o, " | ");
			al_strbuf_reset(&tmp);
			count_text(&tmp, s->after_present, s->after, s->after_unknown, s->after_voids, s->after_permerror);
			al_md_text(o, al_strbuf_cstr(&tmp));
			al_strbuf_puts(o, " |\n");
		}
	}
	if (d->service_count) {
		al_strbuf_puts(o, "\n#### Sending services\n\n| Name | Service | Include | Change |\n|---|---|---|---|\n");
		for (size_t i = 0; i < d->service_count; i++) {
			al_strbuf_puts(o, "| ");
			al_md_text(o, d->services[i].name);
			al_strbuf_puts(o, " | ");
			al_md_text(o, d->services[i].service);
			al_strbuf_puts(o, " | ");
			al_md_text(o, d->services[i].include);
			al_strbuf_printf(o, " | %s |\n", d->services[i].added ? "added" : "removed");
		}
	}
	if (d->dmarc_count) {
		al_strbuf_puts(o, "\n#### DMARC policies\n\n| Name | Before | After | RFC 7489 receivers | RFC 9989 receivers |\n"
				  "|---|---|---|---|---|\n");
		for (size_t i = 0; i < d->dmarc_count; i++) {
			const al_diff_dmarc *m = &d->dmarc[i];
			al_strbuf_puts(o, "| ");
			al_md_text(o, m->name);
			if (m->weaker)
				al_strbuf_puts(o, " (**weaker**)");
			else if (m->stronger)
				al_strbuf_puts(o, " (stronger)");
			al_strbuf_puts(o, " | ");
			al_md_text(o, m->before_tags);
			al_strbuf_puts(o, " | ");
			al_md_text(o, m->after_tags);
			for (int g = 0; g < 2; g++) {
				al_strbuf_puts(o, " | before: ");
				al_md_text(o, m->before_effect[g]);
				al_strbuf_puts(o, "<br>after: ");
				al_md_text(o, m->after_effect[g]);
			}
			al_strbuf_puts(o, " |\n");
		}
	}
	if (d->dkim_count) {
		al_strbuf_puts(o, "\n#### DKIM keys removed\n\n");
		for (size_t i = 0; i < d->dkim_count; i++) {
			al_strbuf_reset(&tmp);
			dkim_text(&tmp, d, &d->dkim[i]);
			al_strbuf_puts(o, "- ");
			/* already in display form: only markdown is left to escape */
			al_md_escape(o, al_strbuf_cstr(&tmp));
			al_strbuf_puts(o, "\n");
		}
	}
	if (d->not_checked)
		al_strbuf_puts(o, "\nSome SPF targets outside the zones were not looked up: those counts are lower bounds.\n");
	if (tmp.failed)
		o->failed = true;
	al_strbuf_free(&tmp);
}

/* ---- JSON ----------------------------------------------------------------------- */

static void json_findings(al_json *j, const char *key, const al_diff_finding *f, size_t n)
{
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		al_json_begin_object(j);
		al_emit_json_finding(j, f[i].diag);
		al_json_kv_string(j, "fingerprint", f[i].fingerprint);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void json_count(al_json *j, const char *key, bool present, size_t n, size_t unknown, size_t voids,
		       bool permerror)
{
	al_json_key(j, key);
	if (!present) {
		al_json_null(j);
		return;
	}
	al_json_begin_object(j);
	al_json_kv_uint(j, "lookups", n);
	al_json_kv_uint(j, "not_checked", unknown);
	al_json_kv_uint(j, "void_lookups", voids);
	al_json_kv_bool(j, "permerror", permerror);
	al_json_end_object(j);
}

static void json_date(al_json *j, const char *key, int64_t t)
{
	al_json_key(j, key);
	if (t < 0) {
		al_json_null(j);
		return;
	}
	char b[11];
	al_date_format(al_date_from_unix(t), b);
	al_json_string(j, b);
}

static void write_json(al_strbuf *o, const al_diff *d, const char *old_label, const char *new_label)
{
	al_json j;
	al_json_init(&j, o, true);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "schema", "authlint/diff");
	al_json_kv_int(&j, "version", 1);
	al_emit_json_tool(&j);
	al_json_kv_string(&j, "old", old_label);
	al_json_kv_string(&j, "new", new_label);
	al_json_key(&j, "summary");
	al_json_begin_object(&j);
	al_json_kv_uint(&j, "added", d->added_count);
	al_json_kv_uint(&j, "fixed", d->fixed_count);
	al_json_kv_uint(&j, "unchanged", d->unchanged);
	static const char *const sev[4] = {"off", "note", "warning", "error"};
	for (int s = 3; s >= 1; s--) {
		char key[32];
		snprintf(key, sizeof(key), "added_%ss", sev[s]);
		al_json_kv_uint(&j, key, d->added_summary.by_severity[s]);
	}
	al_json_kv_bool(&j, "not_checked", d->not_checked);
	al_json_end_object(&j);
	json_findings(&j, "added", d->added, d->added_count);
	json_findings(&j, "fixed", d->fixed, d->fixed_count);
	al_json_key(&j, "spf");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->spf_count; i++) {
		const al_diff_spf *s = &d->spf[i];
		al_json_begin_object(&j);
		al_json_kv_string(&j, "name", s->name);
		json_count(&j, "before", s->before_present, s->before, s->before_unknown, s->before_voids, s->before_permerror);
		json_count(&j, "after", s->after_present, s->after, s->after_unknown, s->after_voids, s->after_permerror);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "services");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->service_count; i++) {
		al_json_begin_object(&j);
		al_json_kv_string(&j, "name", d->services[i].name);
		al_json_kv_string(&j, "service", d->services[i].service);
		al_json_kv_string(&j, "include", d->services[i].include);
		al_json_kv_string(&j, "change", d->services[i].added ? "added" : "removed");
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "dmarc");
	al_json_begin_array(&j);
	static const char *const gkey[2] = {"rfc7489", "rfc9989"};
	for (size_t i = 0; i < d->dmarc_count; i++) {
		const al_diff_dmarc *m = &d->dmarc[i];
		al_json_begin_object(&j);
		al_json_kv_string(&j, "name", m->name);
		for (int side = 0; side < 2; side++) {
			al_json_key(&j, side ? "after" : "before");
			al_json_begin_object(&j);
			al_json_key(&j, "record");
			if (side ? m->after != NULL : m->before != NULL)
				al_json_string_n(&j, side ? m->after : m->before, side ? m->after_length : m->before_length);
			else
				al_json_null(&j);
			al_json_kv_string(&j, "tags", side ? m->after_tags : m->before_tags);
			for (int g = 0; g < 2; g++) {
				al_json_key(&j, gkey[g]);
				al_json_begin_object(&j);
				int applied = side ? m->after_applied[g] : m->before_applied[g];
				al_json_key(&j, "applied");
				if (applied)
					al_json_string(&j, al_dmarc_policy_name((al_dmarc_policy)applied));
				else
					al_json_null(&j);
				al_json_kv_uint(&j, "percent", side ? m->after_percent[g] : m->before_percent[g]);
				al_json_kv_string(&j, "effect", side ? m->after_effect[g] : m->before_effect[g]);
				al_json_end_object(&j);
			}
			al_json_end_object(&j);
		}
		al_json_kv_bool(&j, "weaker", m->weaker);
		al_json_kv_bool(&j, "stronger", m->stronger);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "dkim_removed");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->dkim_count; i++) {
		const al_diff_dkim *k = &d->dkim[i];
		al_json_begin_object(&j);
		al_json_kv_string(&j, "name", k->name);
		al_json_kv_string(&j, "selector", k->selector);
		al_json_kv_string(&j, "domain", k->domain);
		al_json_key(&j, "messages");
		if (d->dkim_counted)
			al_json_uint(&j, k->messages);
		else
			al_json_null(&j);
		al_json_key(&j, "reports");
		if (d->dkim_counted)
			al_json_uint(&j, k->reports);
		else
			al_json_null(&j);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "reports");
	if (d->dkim_counted) {
		al_json_begin_object(&j);
		al_json_kv_uint(&j, "count", d->report_count);
		json_date(&j, "begin", d->period_begin);
		json_date(&j, "end", d->period_end);
		al_json_end_object(&j);
	} else {
		al_json_null(&j);
	}
	al_json_end_object(&j);
	al_strbuf_puts(o, "\n");
}

/* ---- SARIF ---------------------------------------------------------------------- */

static bool on_touched_line(const al_diff_options *options, const al_diag *g)
{
	if (options == NULL || g->location.file == NULL || g->location.line == 0)
		return false;
	for (size_t i = 0; i < options->touched_count; i++) {
		const al_diff_touched *t = &options->touched[i];
		if (t->file != NULL && strcmp(t->file, g->location.file) == 0 &&
		    al_diff_ranges_hold(t->ranges, t->count, g->location.line))
			return true;
	}
	return false;
}

static al_status write_sarif(const al_diff *d, const al_diff_options *options, const char *new_label, al_sink sink)
{
	if (options == NULL || options->rules == NULL)
		return AL_EINVAL;
	al_emit_options eo = {0};
	eo.rules = options->rules;
	eo.command = "diff";
	const char *inputs[1] = {new_label};
	eo.inputs = inputs;
	eo.input_count = new_label != NULL;
	al_emitter *em = NULL;
	al_status st = al_emitter_new(&em, AL_FORMAT_SARIF, sink, &eo);
	if (st != AL_OK)
		return st;
	al_emitter_begin(em);
	al_summary sum = {0};
	for (size_t i = 0; i < d->added_count; i++) {
		const al_diag *g = d->added[i].diag;
		if (!on_touched_line(options, g))
			continue;
		al_emitter_diag(em, g);
		if ((unsigned)g->severity <= AL_SEVERITY_ERROR)
			sum.by_severity[g->severity]++;
	}
	al_emitter_end(em, &sum, options->exit_code);
	st = al_emitter_status(em);
	al_emitter_free(em);
	return st;
}

al_status al_diff_write(const al_diff *diff, const al_diff_options *options, al_diff_format format,
			const char *old_label, const char *new_label, al_sink sink)
{
	if (diff == NULL)
		return AL_EINVAL;
	if (format == AL_DIFF_SARIF)
		return write_sarif(diff, options, new_label, sink);
	al_strbuf o;
	al_strbuf_init(&o);
	if (format == AL_DIFF_JSON)
		write_json(&o, diff, old_label, new_label);
	else if (format == AL_DIFF_MARKDOWN)
		write_markdown(&o, diff, old_label, new_label);
	else
		write_text(&o, diff, old_label, new_label);
	size_t len = 0;
	bool failed = o.failed;
	char *text = al_strbuf_detach(&o, &len);
	al_status st = AL_OK;
	if (text == NULL || failed)
		st = AL_ENOMEM;
	else if (sink.write(sink.ctx, text, len) != 0)
		st = AL_EIO;
	free(text);
	return st;
}
