/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a diff: text, JSON (doc/diff.md), a markdown pull request comment. */
#include <authlint/diff.h>
#include <authlint/dmarc.h>

#include <stdlib.h>
#include <string.h>

#include "util/json.h"
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

static const char *gen_name[2] = {"RFC 7489", "RFC 9989"};

static const char *count_text(al_strbuf *tmp, bool present, size_t n, size_t unknown, bool permerror)
{
	al_strbuf_reset(tmp);
	if (!present)
		al_strbuf_puts(tmp, "no record");
	else if (unknown > 0)
		al_strbuf_printf(tmp, "at least %zu (%zu not checked)", n, unknown);
	else
		al_strbuf_printf(tmp, "%zu", n);
	if (present && permerror)
		al_strbuf_puts(tmp, n > 10 ? " (over 10: permerror)" : " (permerror)");
	return al_strbuf_cstr(tmp);
}

static void summary_line(al_strbuf *o, const al_diff *d)
{
	al_strbuf_printf(o, "%zu finding%s added, %zu fixed, %zu unchanged", d->added_count,
			 d->added_count == 1 ? "" : "s", d->fixed_count, d->unchanged);
	size_t weaker = 0;
	for (size_t i = 0; i < d->dmarc_count; i++)
		weaker += d->dmarc[i].weaker;
	size_t over = 0;
	for (size_t i = 0; i < d->spf_count; i++)
		over += d->spf[i].after_permerror && !d->spf[i].before_permerror;
	if (over)
		al_strbuf_printf(o, "; %zu SPF record%s newly over the lookup limit", over, over == 1 ? "" : "s");
	if (weaker)
		al_strbuf_printf(o, "; %zu DMARC polic%s weakened", weaker, weaker == 1 ? "y" : "ies");
	if (d->dkim_count)
		al_strbuf_printf(o, "; %zu DKIM key%s removed", d->dkim_count, d->dkim_count == 1 ? "" : "s");
}

static void text_finding(al_strbuf *o, const char *sign, const al_diff_finding *f)
{
	al_strbuf_printf(o, "  %s %s %s %s", sign, al_severity_name(f->severity), f->rule_id, f->owner);
	if (f->file)
		al_strbuf_printf(o, " (%s:%lu)", f->file, f->line);
	al_strbuf_printf(o, ": %s\n", f->message);
}

static void dkim_text(al_strbuf *o, const al_diff_dkim *k)
{
	al_strbuf_printf(o, "%s (selector %s of %s) is removed: mail still signed with it fails DKIM", k->name,
			 k->selector, k->domain);
	if (k->counted)
		al_strbuf_printf(o, "; the reports show %llu message%s signed with it in the period (%zu report%s)",
				 (unsigned long long)k->messages, k->messages == 1 ? "" : "s", k->reports,
				 k->reports == 1 ? "" : "s");
}

static void write_text(al_strbuf *o, const al_diff *d, const char *old_label, const char *new_label)
{
	al_strbuf tmp;
	al_strbuf_init(&tmp);
	al_strbuf_printf(o, "authlint diff %s -> %s\n", old_label, new_label);
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
			al_strbuf_printf(o, "  %s: %s", s->name,
					 count_text(&tmp, s->before_present, s->before, s->before_unknown, s->before_permerror));
			al_strbuf_printf(o, " -> %s\n",
					 count_text(&tmp, s->after_present, s->after, s->after_unknown, s->after_permerror));
		}
	}
	if (d->service_count) {
		al_strbuf_puts(o, "\nSending services:\n");
		for (size_t i = 0; i < d->service_count; i++)
			al_strbuf_printf(o, "  %s %s: %s (include:%s)\n", d->services[i].added ? "+" : "-",
					 d->services[i].name, d->services[i].service, d->services[i].include);
	}
	if (d->dmarc_count) {
		al_strbuf_puts(o, "\nDMARC policies:\n");
		for (size_t i = 0; i < d->dmarc_count; i++) {
			const al_diff_dmarc *m = &d->dmarc[i];
			al_strbuf_printf(o, "  %s: %s -> %s%s\n", m->name, m->before_tags, m->after_tags,
					 m->weaker ? " (weaker)" : "");
			for (int g = 0; g < 2; g++)
				al_strbuf_printf(o, "    %s receivers: before, %s; after, %s\n", gen_name[g],
						 m->before_effect[g], m->after_effect[g]);
		}
	}
	if (d->dkim_count) {
		al_strbuf_puts(o, "\nDKIM keys removed:\n");
		for (size_t i = 0; i < d->dkim_count; i++) {
			al_strbuf_puts(o, "  ");
			dkim_text(o, &d->dkim[i]);
			al_strbuf_puts(o, "\n");
		}
	}
	if (d->not_checked)
		al_strbuf_puts(o, "\nSome names outside the zones were not looked up: their lookups are not checked.\n");
	al_strbuf_free(&tmp);
}

/* a markdown table cell: | and line breaks would end it; backquotes open code */
static void cell(al_strbuf *o, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '|' || *p == '`' || *p == '*' || *p == '_' || *p == '<' || *p == '>' || *p == '[' ||
		    *p == ']' || *p == '\\')
			al_strbuf_putc(o, '\\');
		al_strbuf_putc(o, *p == '\n' ? ' ' : *p);
	}
}

static void md_findings(al_strbuf *o, const char *title, const al_diff_finding *f, size_t n)
{
	if (n == 0)
		return;
	al_strbuf_printf(o, "\n#### %s (%zu)\n\n| Severity | Rule | Name | Where | Message |\n|---|---|---|---|---|\n",
			 title, n);
	for (size_t i = 0; i < n; i++) {
		al_strbuf_printf(o, "| %s | %s | ", al_severity_name(f[i].severity), f[i].rule_id);
		cell(o, f[i].owner);
		al_strbuf_puts(o, " | ");
		if (f[i].file) {
			cell(o, f[i].file);
			al_strbuf_printf(o, ":%lu", f[i].line);
		}
		al_strbuf_puts(o, " | ");
		cell(o, f[i].message);
		al_strbuf_puts(o, " |\n");
	}
}

static void write_markdown(al_strbuf *o, const al_diff *d)
{
	al_strbuf tmp;
	al_strbuf_init(&tmp);
	al_strbuf_puts(o, "### authlint diff\n\n**");
	summary_line(o, d);
	al_strbuf_puts(o, "**\n");
	md_findings(o, "Added findings", d->added, d->added_count);
	md_findings(o, "Fixed findings", d->fixed, d->fixed_count);
	if (d->spf_count) {
		al_strbuf_puts(o, "\n#### SPF lookups (10 at most)\n\n| Name | Before | After |\n|---|---|---|\n");
		for (size_t i = 0; i < d->spf_count; i++) {
			const al_diff_spf *s = &d->spf[i];
			al_strbuf_puts(o, "| ");
			cell(o, s->name);
			al_strbuf_puts(o, " | ");
			cell(o, count_text(&tmp, s->before_present, s->before, s->before_unknown, s->before_permerror));
			al_strbuf_puts(o, " | ");
			cell(o, count_text(&tmp, s->after_present, s->after, s->after_unknown, s->after_permerror));
			al_strbuf_puts(o, " |\n");
		}
	}
	if (d->service_count) {
		al_strbuf_puts(o, "\n#### Sending services\n\n| Name | Service | Include | Change |\n|---|---|---|---|\n");
		for (size_t i = 0; i < d->service_count; i++) {
			al_strbuf_puts(o, "| ");
			cell(o, d->services[i].name);
			al_strbuf_puts(o, " | ");
			cell(o, d->services[i].service);
			al_strbuf_puts(o, " | ");
			cell(o, d->services[i].include);
			al_strbuf_printf(o, " | %s |\n", d->services[i].added ? "added" : "removed");
		}
	}
	if (d->dmarc_count) {
		al_strbuf_puts(o, "\n#### DMARC policies\n\n| Name | Before | After | RFC 7489 receivers | RFC 9989 receivers |\n"
				  "|---|---|---|---|---|\n");
		for (size_t i = 0; i < d->dmarc_count; i++) {
			const al_diff_dmarc *m = &d->dmarc[i];
			al_strbuf_puts(o, "| ");
			cell(o, m->name);
			al_strbuf_puts(o, " | ");
			cell(o, m->before_tags);
			al_strbuf_puts(o, " | ");
			cell(o, m->after_tags);
			for (int g = 0; g < 2; g++) {
				al_strbuf_puts(o, " | before: ");
				cell(o, m->before_effect[g]);
				al_strbuf_puts(o, "; after: ");
				cell(o, m->after_effect[g]);
			}
			al_strbuf_puts(o, " |\n");
		}
	}
	if (d->dkim_count) {
		al_strbuf_puts(o, "\n#### DKIM keys removed\n\n");
		for (size_t i = 0; i < d->dkim_count; i++) {
			al_strbuf_reset(&tmp);
			dkim_text(&tmp, &d->dkim[i]);
			al_strbuf_puts(o, "- ");
			cell(o, al_strbuf_cstr(&tmp));
			al_strbuf_puts(o, "\n");
		}
	}
	if (d->not_checked)
		al_strbuf_puts(o, "\nSome names outside the zones were not looked up: their lookups are not checked.\n");
	al_strbuf_free(&tmp);
}

static void jstr(al_json *j, const char *key, const char *text)
{
	al_json_key(j, key);
	if (text == NULL)
		al_json_null(j);
	else
		al_json_string_verbatim(j, text, strlen(text));
}

static void json_findings(al_json *j, const char *key, const al_diff_finding *f, size_t n)
{
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		al_json_begin_object(j);
		jstr(j, "rule", f[i].rule_id);
		jstr(j, "severity", al_severity_name(f[i].severity));
		jstr(j, "owner", f[i].owner);
		jstr(j, "record", f[i].record);
		jstr(j, "message", f[i].message);
		jstr(j, "file", f[i].file);
		al_json_kv_uint(j, "line", f[i].line);
		jstr(j, "fingerprint", f[i].fingerprint);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void json_count(al_json *j, const char *key, bool present, size_t n, size_t unknown, bool permerror)
{
	al_json_key(j, key);
	if (!present) {
		al_json_null(j);
		return;
	}
	al_json_begin_object(j);
	al_json_kv_uint(j, "lookups", n);
	al_json_kv_uint(j, "not_checked", unknown);
	al_json_kv_bool(j, "permerror", permerror);
	al_json_end_object(j);
}

static void write_json(al_strbuf *o, const al_diff *d, const char *old_label, const char *new_label)
{
	al_json j;
	al_json_init(&j, o, true);
	al_json_begin_object(&j);
	jstr(&j, "old", old_label);
	jstr(&j, "new", new_label);
	al_json_key(&j, "summary");
	al_json_begin_object(&j);
	al_json_kv_uint(&j, "added", d->added_count);
	al_json_kv_uint(&j, "fixed", d->fixed_count);
	al_json_kv_uint(&j, "unchanged", d->unchanged);
	al_json_kv_bool(&j, "not_checked", d->not_checked);
	al_json_end_object(&j);
	json_findings(&j, "added", d->added, d->added_count);
	json_findings(&j, "fixed", d->fixed, d->fixed_count);
	al_json_key(&j, "spf");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->spf_count; i++) {
		const al_diff_spf *s = &d->spf[i];
		al_json_begin_object(&j);
		jstr(&j, "name", s->name);
		json_count(&j, "before", s->before_present, s->before, s->before_unknown, s->before_permerror);
		json_count(&j, "after", s->after_present, s->after, s->after_unknown, s->after_permerror);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "services");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->service_count; i++) {
		al_json_begin_object(&j);
		jstr(&j, "name", d->services[i].name);
		jstr(&j, "service", d->services[i].service);
		jstr(&j, "include", d->services[i].include);
		jstr(&j, "change", d->services[i].added ? "added" : "removed");
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "dmarc");
	al_json_begin_array(&j);
	static const char *const gkey[2] = {"rfc7489", "rfc9989"};
	for (size_t i = 0; i < d->dmarc_count; i++) {
		const al_diff_dmarc *m = &d->dmarc[i];
		al_json_begin_object(&j);
		jstr(&j, "name", m->name);
		for (int side = 0; side < 2; side++) {
			al_json_key(&j, side ? "after" : "before");
			al_json_begin_object(&j);
			jstr(&j, "record", side ? m->after : m->before);
			jstr(&j, "tags", side ? m->after_tags : m->before_tags);
			for (int g = 0; g < 2; g++) {
				al_json_key(&j, gkey[g]);
				al_json_begin_object(&j);
				int applied = side ? m->after_applied[g] : m->before_applied[g];
				jstr(&j, "applied", applied ? al_dmarc_policy_name((al_dmarc_policy)applied) : NULL);
				jstr(&j, "effect", side ? m->after_effect[g] : m->before_effect[g]);
				al_json_end_object(&j);
			}
			al_json_end_object(&j);
		}
		al_json_kv_bool(&j, "weaker", m->weaker);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "dkim_removed");
	al_json_begin_array(&j);
	for (size_t i = 0; i < d->dkim_count; i++) {
		const al_diff_dkim *k = &d->dkim[i];
		al_json_begin_object(&j);
		jstr(&j, "name", k->name);
		jstr(&j, "selector", k->selector);
		jstr(&j, "domain", k->domain);
		al_json_key(&j, "messages");
		if (k->counted)
			al_json_uint(&j, k->messages);
		else
			al_json_null(&j);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_end_object(&j);
	al_strbuf_puts(o, "\n");
}

al_status al_diff_write(const al_diff *diff, const al_diff_options *options, al_diff_format format,
			const char *old_label, const char *new_label, al_sink sink)
{
	(void)options;
	if (diff == NULL || format == AL_DIFF_SARIF)
		return AL_EINVAL;
	al_strbuf o;
	al_strbuf_init(&o);
	if (format == AL_DIFF_JSON)
		write_json(&o, diff, old_label, new_label);
	else if (format == AL_DIFF_MARKDOWN)
		write_markdown(&o, diff);
	else
		write_text(&o, diff, old_label, new_label);
	size_t len = 0;
	char *text = al_strbuf_detach(&o, &len);
	al_status st = AL_OK;
	if (text == NULL)
		st = AL_ENOMEM;
	else if (sink.write(sink.ctx, text, len) != 0)
		st = AL_EIO;
	free(text);
	return st;
}
