/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Documentation from the registry: `authlint explain RULE` (text, markdown),
 * `authlint rules` (text table, json, jsonl) and `authlint rules --markdown`
 * (doc/rules.md). SARIF's rule help comes from here too.
 *
 * Rule text is written as plain text in the YAML files, with `code` in
 * backticks. In markdown the rest is escaped so that *._domainkey.* or
 * <domain> read as written; code spans stay as they are.
 */
#include <string.h>

#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "rules_internal.h"
#include "util/escape.h"
#include "util/markdown.h"
#include "emit/doc_internal.h"

/* ---- output ---------------------------------------------------------------- */


void al_doc_out_flush(doc_out *o)
{
	if (o->buf.failed) {
		if (o->status == AL_OK)
			o->status = AL_ENOMEM;
	} else if (o->buf.length > 0 && o->status == AL_OK &&
		   o->sink.write(o->sink.ctx, o->buf.data, o->buf.length) != 0) {
		o->status = AL_EIO;
	}
	al_strbuf_reset(&o->buf);
}

al_status al_doc_out_finish(doc_out *o)
{
	al_doc_out_flush(o);
	al_strbuf_free(&o->buf);
	return o->status;
}

/* ---- markdown ------------------------------------------------------------ */

/* One line of plain text, escaped for markdown. */
static void md_line(al_strbuf *b, const char *line, size_t n)
{
	al_strbuf tmp = AL_STRBUF_INIT;
	al_emit_doc_text(&tmp, line, n);
	if (tmp.failed)
		b->failed = true;
	const char *s = al_strbuf_cstr(&tmp);
	size_t i = 0;
	while (s[i] == ' ')
		al_strbuf_putc(b, s[i++]);
	/* what would start a heading, a quote or an ordered list */
	if (s[i] == '#' || s[i] == '>' || s[i] == '+' || s[i] == '=') {
		al_strbuf_putc(b, '\\');
		al_strbuf_putc(b, s[i++]);
	} else {
		size_t k = i;
		while (s[k] >= '0' && s[k] <= '9')
			k++;
		if (k > i && (s[k] == '.' || s[k] == ')')) {
			al_strbuf_append(b, s + i, k - i);
			al_strbuf_putc(b, '\\');
			al_strbuf_putc(b, s[k]);
			i = k + 1;
		}
	}
	while (i < tmp.length) {
		if (s[i] == '`') {
			/* a code span the author wrote: kept as it is when it closes on
			 * this line with a run of as many backticks */
			size_t run = 0;
			while (s[i + run] == '`')
				run++;
			const char *close = NULL;
			for (size_t k = i + run; k < tmp.length && close == NULL; k++) {
				if (s[k] != '`')
					continue;
				size_t r = 0;
				while (s[k + r] == '`')
					r++;
				if (r == run)
					close = s + k;
				k += r - 1;
			}
			if (close != NULL) {
				size_t end = (size_t)(close - s) + run;
				al_strbuf_append(b, s + i, end - i);
				i = end;
				continue;
			}
		}
		if (strchr("\\`*_[]<>|&", s[i]) != NULL)
			al_strbuf_putc(b, '\\');
		al_strbuf_putc(b, s[i]);
		i++;
	}
	al_strbuf_free(&tmp);
}

/* A block of plain text (several lines) as a markdown paragraph. */
void al_doc_md_text(al_strbuf *b, const char *text)
{
	if (text == NULL)
		return;
	size_t n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		n--;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		md_line(b, text + start, i - start);
		al_strbuf_putc(b, '\n');
		start = i + 1;
	}
}

/* `text` as an inline code span (one line). */
static void md_code(al_strbuf *b, const char *text)
{
	al_strbuf tmp = AL_STRBUF_INIT;
	al_emit_doc_text(&tmp, text, strlen(text));
	if (tmp.failed)
		b->failed = true;
	al_md_code_span(b, al_strbuf_cstr(&tmp), false);
	al_strbuf_free(&tmp);
}

/* A fenced code block. */
static void md_block(al_strbuf *b, const char *text)
{
	al_strbuf tmp = AL_STRBUF_INIT;
	size_t n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		n--;
	al_emit_lines(&tmp, text, n, true);
	if (tmp.failed)
		b->failed = true;
	size_t ticks = al_md_longest_backticks(al_strbuf_cstr(&tmp)) + 1;
	if (ticks < 3)
		ticks = 3;
	for (size_t i = 0; i < ticks; i++)
		al_strbuf_putc(b, '`');
	al_strbuf_puts(b, "text\n");
	al_strbuf_append(b, al_strbuf_cstr(&tmp), tmp.length);
	al_strbuf_putc(b, '\n');
	for (size_t i = 0; i < ticks; i++)
		al_strbuf_putc(b, '`');
	al_strbuf_putc(b, '\n');
	al_strbuf_free(&tmp);
}

void al_doc_md_heading(al_strbuf *b, int level, const char *title)
{
	for (int i = 0; i < level; i++)
		al_strbuf_putc(b, '#');
	al_strbuf_putc(b, ' ');
	al_strbuf_puts(b, title);
	al_strbuf_puts(b, "\n\n");
}

/* ---- plain text ---------------------------------------------------------- */

/* Lines of @p text, each indented. */
static void text_block(al_strbuf *b, const char *text, const char *indent)
{
	if (text == NULL)
		return;
	size_t n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		n--;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		if (i > start)
			al_strbuf_puts(b, indent);
		al_emit_doc_text(b, text + start, i - start);
		al_strbuf_putc(b, '\n');
		start = i + 1;
	}
}

static void doc_line(al_strbuf *b, const char *text)
{
	if (text != NULL)
		al_emit_doc_text(b, text, strlen(text));
}

/* ---- pieces of a rule ------------------------------------------------------ */

static const char *record_name(al_kind kind)
{
	switch (kind) {
	case AL_KIND_SPF:
		return "SPF";
	case AL_KIND_DMARC:
		return "DMARC";
	case AL_KIND_DKIM:
		return "DKIM";
	default:
		return al_kind_name(kind);
	}
}

/* What a declarative rule tests, as one sentence (no final full stop). */
static void decl_sentence(al_strbuf *b, const al_decl *d, bool markdown)
{
	const char *what = d->record == AL_KIND_SPF ? "term" : "tag";
	void (*code)(al_strbuf *, const char *) = markdown ? md_code : doc_line;
	if (d->tag == NULL) {
		al_strbuf_printf(b, "the whole %s record ", record_name(d->record));
	} else if (d->op == AL_DECL_PRESENT || d->op == AL_DECL_ABSENT) {
		al_strbuf_printf(b, "the %s %s ", record_name(d->record), what);
		code(b, d->tag);
		al_strbuf_putc(b, ' ');
	} else {
		al_strbuf_printf(b, "each value of the %s %s ", record_name(d->record), what);
		code(b, d->tag);
		al_strbuf_putc(b, ' ');
	}
	switch (d->op) {
	case AL_DECL_PRESENT:
		al_strbuf_puts(b, "must be present");
		break;
	case AL_DECL_ABSENT:
		al_strbuf_puts(b, "must be absent");
		break;
	case AL_DECL_PATTERN:
	case AL_DECL_NOT_PATTERN:
		al_strbuf_puts(b, d->op == AL_DECL_PATTERN ? "must match the pattern " : "must not match the pattern ");
		code(b, d->pattern ? d->pattern : "");
		break;
	case AL_DECL_VALUES:
		al_strbuf_puts(b, "must be one of ");
		for (size_t i = 0; i < d->value_count; i++) {
			if (i > 0)
				al_strbuf_puts(b, ", ");
			code(b, d->values[i]);
		}
		break;
	}
	if (d->domain != NULL) {
		al_strbuf_puts(b, " (records at or below ");
		code(b, d->domain);
		al_strbuf_putc(b, ')');
	}
}

void al_emit_rule_check(al_strbuf *b, const al_rule *rule, bool markdown)
{
	const al_decl *d = al_rule_decl(rule);
	if (d != NULL) {
		al_strbuf_puts(b, rule->family == AL_KIND_POLICY ? "Organisation policy (declarative): "
								 : "Declarative: ");
		decl_sentence(b, d, markdown);
		al_strbuf_putc(b, '.');
	} else if (rule->check != NULL) {
		al_strbuf_puts(b, "Raised by the C check ");
		if (markdown)
			md_code(b, rule->check);
		else
			doc_line(b, rule->check);
		al_strbuf_putc(b, '.');
	}
	if (rule->tested_by != NULL) {
		al_strbuf_puts(b, " Tested by ");
		if (markdown)
			md_code(b, rule->tested_by);
		else
			doc_line(b, rule->tested_by);
		al_strbuf_putc(b, '.');
	}
}

static const char *example_title(al_example_kind kind)
{
	switch (kind) {
	case AL_EXAMPLE_SPF:
		return "SPF record";
	case AL_EXAMPLE_DMARC:
		return "DMARC record";
	case AL_EXAMPLE_DKIM:
		return "DKIM key record";
	case AL_EXAMPLE_ZONE:
		return "zone file";
	case AL_EXAMPLE_TEXT:
		return "illustration";
	}
	return "example";
}

/* "SPF record for example.com (read as an RFC 7489 receiver): note" */
static void example_caption(al_strbuf *b, const al_rule_example *ex, bool markdown)
{
	al_strbuf_puts(b, example_title(ex->kind));
	if (ex->domain != NULL) {
		al_strbuf_puts(b, ex->kind == AL_EXAMPLE_ZONE ? ", origin " : " at ");
		if (markdown)
			md_code(b, ex->domain);
		else
			doc_line(b, ex->domain);
	}
	if (ex->dmarc_spec != NULL) {
		al_strbuf_puts(b, " (read as an RFC ");
		doc_line(b, ex->dmarc_spec);
		al_strbuf_puts(b, " receiver)");
	}
	if (ex->note != NULL) {
		al_strbuf_puts(b, " - ");
		if (markdown) {
			al_strbuf tmp = AL_STRBUF_INIT;
			al_doc_md_text(&tmp, ex->note);
			/* one line: the note's line breaks become spaces */
			for (size_t i = 0; i + 1 < tmp.length; i++)
				al_strbuf_putc(b, tmp.data[i] == '\n' ? ' ' : tmp.data[i]);
			if (tmp.failed)
				b->failed = true;
			al_strbuf_free(&tmp);
		} else {
			al_strbuf tmp = AL_STRBUF_INIT;
			al_emit_lines(&tmp, ex->note, strlen(ex->note), true);
			for (size_t i = 0; i < tmp.length; i++)
				al_strbuf_putc(b, tmp.data[i] == '\n' ? ' ' : tmp.data[i]);
			if (tmp.failed)
				b->failed = true;
			al_strbuf_free(&tmp);
		}
	}
}

static void examples_md(al_strbuf *b, const char *label, const al_rule_example *ex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		al_strbuf_printf(b, "%s: ", label);
		example_caption(b, &ex[i], true);
		al_strbuf_puts(b, "\n\n");
		md_block(b, ex[i].text ? ex[i].text : "");
		al_strbuf_putc(b, '\n');
	}
}

static void examples_text(al_strbuf *b, const char *label, const al_rule_example *ex, size_t n)
{
	if (n == 0)
		return;
	al_strbuf_printf(b, "%s:\n", label);
	for (size_t i = 0; i < n; i++) {
		al_strbuf_puts(b, "  ");
		example_caption(b, &ex[i], false);
		al_strbuf_puts(b, ":\n");
		text_block(b, ex[i].text, "    ");
	}
	al_strbuf_putc(b, '\n');
}

/* How to fix, references, examples, check; @p level: markdown heading level. */
static void help_body(al_strbuf *b, const al_rule *r, bool markdown, int level)
{
	if (markdown) {
		if (r->fix != NULL) {
			al_doc_md_heading(b, level, "How to fix");
			al_doc_md_text(b, r->fix);
			al_strbuf_putc(b, '\n');
		}
		if (r->reference_count > 0) {
			al_doc_md_heading(b, level, "References");
			for (size_t i = 0; i < r->reference_count; i++) {
				al_strbuf_puts(b, "- ");
				md_line(b, r->references[i], strlen(r->references[i]));
				al_strbuf_putc(b, '\n');
			}
			al_strbuf_putc(b, '\n');
		}
		if (r->bad_count + r->good_count > 0) {
			al_doc_md_heading(b, level, "Examples");
			examples_md(b, "Bad", r->bad, r->bad_count);
			examples_md(b, "Good", r->good, r->good_count);
		}
		al_doc_md_heading(b, level, "Check");
		al_emit_rule_check(b, r, true);
		al_strbuf_puts(b, "\n");
		return;
	}
	if (r->fix != NULL) {
		al_strbuf_puts(b, "How to fix:\n");
		text_block(b, r->fix, "  ");
		al_strbuf_putc(b, '\n');
	}
	if (r->reference_count > 0) {
		al_strbuf_puts(b, "References:\n");
		for (size_t i = 0; i < r->reference_count; i++) {
			al_strbuf_puts(b, "  - ");
			doc_line(b, r->references[i]);
			al_strbuf_putc(b, '\n');
		}
		al_strbuf_putc(b, '\n');
	}
	examples_text(b, "Bad examples", r->bad, r->bad_count);
	examples_text(b, "Good examples", r->good, r->good_count);
	al_strbuf_puts(b, "Check:\n  ");
	al_emit_rule_check(b, r, false);
	al_strbuf_puts(b, "\n");
}

void al_emit_rule_help(al_strbuf *out, const al_rule *rule, bool markdown)
{
	help_body(out, rule, markdown, 3);
}

void al_doc_anchor(al_strbuf *b, const char *id)
{
	for (const char *p = id; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			al_strbuf_putc(b, c);
	}
}

/* One rule as a markdown section with a heading of @p level. */
void al_doc_rule_md(al_strbuf *b, const al_rule *r, int level)
{
	al_strbuf_puts(b, "<a id=\"");
	al_doc_anchor(b, r->id);
	al_strbuf_puts(b, "\"></a>\n");
	for (int i = 0; i < level; i++)
		al_strbuf_putc(b, '#');
	al_strbuf_putc(b, ' ');
	md_line(b, r->id, strlen(r->id));
	al_strbuf_putc(b, ' ');
	md_line(b, r->name, strlen(r->name));
	al_strbuf_puts(b, "\n\n");
	al_doc_md_text(b, r->summary);
	al_strbuf_putc(b, '\n');
	al_strbuf_printf(b, "- Severity: %s", al_severity_name(r->severity));
	if (r->severity_rfc7489 != r->severity)
		al_strbuf_printf(b, "; %s when read as RFC 7489 receivers (`--dmarc-spec 7489`)",
				 al_severity_name(r->severity_rfc7489));
	al_strbuf_putc(b, '\n');
	al_strbuf_printf(b, "- Family: %s\n", al_kind_name(r->family));
	if (r->generation != AL_GENERATION_ANY)
		al_strbuf_printf(b, "- Concerns: %s receivers\n",
				 r->generation == AL_GENERATION_RFC7489 ? "RFC 7489" : "RFC 9989");
	al_strbuf_puts(b, "- Message: ");
	md_code(b, r->message ? r->message : "");
	al_strbuf_putc(b, '\n');
	if (r->source_file != NULL) {
		al_strbuf_puts(b, "- Defined in: ");
		md_code(b, r->source_file);
		al_strbuf_putc(b, '\n');
	}
	al_strbuf_putc(b, '\n');
	if (r->rationale != NULL) {
		al_doc_md_heading(b, level + 1, "Why");
		al_doc_md_text(b, r->rationale);
		al_strbuf_putc(b, '\n');
	}
	help_body(b, r, true, level + 1);
}

static void rule_text(al_strbuf *b, const al_rule *r)
{
	doc_line(b, r->id);
	al_strbuf_putc(b, ' ');
	doc_line(b, r->name);
	al_strbuf_printf(b, " (%s, %s)\n", al_severity_name(r->severity), al_kind_name(r->family));
	text_block(b, r->summary, "");
	if (r->severity_rfc7489 != r->severity)
		al_strbuf_printf(b, "Severity %s when read as RFC 7489 receivers (--dmarc-spec 7489).\n",
				 al_severity_name(r->severity_rfc7489));
	if (r->generation != AL_GENERATION_ANY)
		al_strbuf_printf(b, "Concerns %s receivers.\n",
				 r->generation == AL_GENERATION_RFC7489 ? "RFC 7489" : "RFC 9989");
	al_strbuf_puts(b, "\nMessage:\n");
	text_block(b, r->message, "  ");
	al_strbuf_putc(b, '\n');
	if (r->rationale != NULL) {
		al_strbuf_puts(b, "Why:\n");
		text_block(b, r->rationale, "  ");
		al_strbuf_putc(b, '\n');
	}
	help_body(b, r, false, 0);
	if (r->source_file != NULL) {
		al_strbuf_puts(b, "\nDefined in: ");
		doc_line(b, r->source_file);
		if (r->source_line > 0)
			al_strbuf_printf(b, ":%lu", r->source_line);
		al_strbuf_putc(b, '\n');
	}
}

al_status al_rule_write_json(const al_rule *rule, al_format format, al_sink sink)
{
	if (rule == NULL || sink.write == NULL)
		return AL_EINVAL;
	if (format != AL_FORMAT_JSON && format != AL_FORMAT_JSONL)
		return AL_EUNSUPPORTED;
	doc_out o = {AL_STRBUF_INIT, sink, AL_OK};
	al_json j;
	al_json_init(&j, &o.buf, format == AL_FORMAT_JSON);
	al_json_begin_object(&j);
	if (format == AL_FORMAT_JSONL)
		al_json_kv_string(&j, "type", "rule");
	al_emit_json_rule(&j, rule);
	al_json_end_object(&j);
	al_strbuf_putc(&o.buf, '\n');
	return al_doc_out_finish(&o);
}

al_status al_rule_explain(const al_rule *rule, bool markdown, al_sink sink)
{
	if (rule == NULL || sink.write == NULL)
		return AL_EINVAL;
	doc_out o = {AL_STRBUF_INIT, sink, AL_OK};
	if (markdown)
		al_doc_rule_md(&o.buf, rule, 2);
	else
		rule_text(&o.buf, rule);
	return al_doc_out_finish(&o);
}

