/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the emitters share: locations, spans, the summary, JSON objects. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/source.h>
#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "rules_internal.h"
#include "util/escape.h"

void al_emit_escaped(al_strbuf *out, const char *text)
{
	if (text != NULL)
		al_escape_display(out, text, strlen(text));
}

void al_emit_doc_text(al_strbuf *out, const char *text, size_t length)
{
	size_t start = 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] != '\\')
			continue;
		al_escape_display(out, text + start, i - start);
		al_strbuf_putc(out, '\\');
		start = i + 1;
	}
	al_escape_display(out, text + start, length - start);
}

bool al_emit_is_pseudo_file(const char *file)
{
	size_t n = file ? strlen(file) : 0;
	return n >= 2 && file[0] == '<' && file[n - 1] == '>';
}

bool al_emit_span(const al_diag *d, size_t *start, size_t *length)
{
	*start = 0;
	*length = 0;
	if (d->record == NULL)
		return false;
	size_t n = d->record_length;
	size_t s = d->span_start < n ? d->span_start : n;
	size_t l = d->span_length < n - s ? d->span_length : n - s;
	*start = s;
	*length = l;
	return true;
}

bool al_emit_fingerprint(const al_diag *d, char hex[AL_EMIT_FINGERPRINT_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	const char zero = 0;
	const char *owner = d->owner ? d->owner : d->domain ? d->domain : "";
	ok = ok && EVP_DigestUpdate(ctx, d->rule->id, strlen(d->rule->id)) == 1 &&
	     EVP_DigestUpdate(ctx, &zero, 1) == 1;
	for (const char *p = owner; ok && *p; p++) {
		char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
		ok = EVP_DigestUpdate(ctx, &c, 1) == 1;
	}
	size_t start, length;
	if (al_emit_span(d, &start, &length)) {
		char span[64];
		int k = snprintf(span, sizeof(span), "%c%zu:%zu%c", 0, start, length, 0);
		ok = ok && EVP_DigestUpdate(ctx, span, (size_t)k) == 1 &&
		     EVP_DigestUpdate(ctx, d->record, d->record_length) == 1;
	} else {
		/* no record: the message says what it is about */
		const char *message = d->message ? d->message : "";
		ok = ok && EVP_DigestUpdate(ctx, &zero, 1) == 1 &&
		     EVP_DigestUpdate(ctx, message, strlen(message)) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return false;
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return true;
}

const char *al_emit_rrtype(const al_diag *d, char buf[16])
{
	if (d->rrtype == 0 || d->rrtype > 0xffff)
		return NULL;
	return al_rrtype_name((uint16_t)d->rrtype, buf);
}

/* ":N" without printf (two per finding of a zone). */
static void put_number(al_strbuf *out, unsigned long n)
{
	char digits[24];
	size_t i = sizeof(digits);
	digits[--i] = '\0';
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	digits[--i] = ':';
	al_strbuf_append(out, digits + i, sizeof(digits) - 1 - i);
}

void al_emit_text_location(al_strbuf *out, const al_diag *d)
{
	al_emit_text_location_memo(out, d, NULL);
}

void al_emit_text_location_memo(al_strbuf *out, const al_diag *d, al_emit_memo *files)
{
	const al_location *l = &d->location;
	if (l->file != NULL) {
		if (files != NULL)
			al_emit_memo_append(files, out, l->file, al_emit_escaped);
		else
			al_emit_escaped(out, l->file);
		if (l->line > 0) {
			put_number(out, l->line);
			if (l->column > 0)
				put_number(out, l->column);
		}
	} else if (d->owner != NULL || d->domain != NULL) {
		al_emit_escaped(out, d->owner ? d->owner : d->domain);
		if (l->server != NULL) {
			al_strbuf_puts(out, " @");
			al_emit_escaped(out, l->server);
		}
	} else if (l->server != NULL) {
		al_strbuf_putc(out, '@');
		al_emit_escaped(out, l->server);
	} else {
		al_strbuf_puts(out, "authlint");
	}
}

void al_emit_fix_paragraph(al_strbuf *out, const char *fix)
{
	if (fix == NULL)
		return;
	const char *p = fix;
	bool first = true;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t a = 0;
		while (a < n && (p[a] == ' ' || p[a] == '\t'))
			a++;
		if (a == n) {
			if (!first)
				break; /* a blank line ends the paragraph */
		} else {
			if (!first)
				al_strbuf_putc(out, ' ');
			al_escape_display(out, p + a, n - a);
			first = false;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void plural(al_strbuf *b, size_t n, const char *word)
{
	al_strbuf_printf(b, "%zu %s%s", n, word, n == 1 ? "" : "s");
}

void al_emit_severity_counts(al_strbuf *b, const al_summary *s)
{
	plural(b, s->by_severity[AL_SEVERITY_ERROR], "error");
	al_strbuf_puts(b, ", ");
	plural(b, s->by_severity[AL_SEVERITY_WARNING], "warning");
	al_strbuf_puts(b, ", ");
	plural(b, s->by_severity[AL_SEVERITY_NOTE], "note");
	if (s->waived > 0)
		al_strbuf_printf(b, " (%zu waived)", s->waived);
}

void al_emit_summary_line(al_strbuf *b, const al_summary *s)
{
	al_emit_severity_counts(b, s);
	al_strbuf_puts(b, " in ");
	plural(b, s->records, "record");
	if (s->lookups_failed > 0)
		al_strbuf_printf(b, "; %zu lookup%s failed, the result is incomplete", s->lookups_failed,
				 s->lookups_failed == 1 ? "" : "s");
	if (s->not_queried > 0)
		al_strbuf_printf(b, "; %zu lookup%s not made", s->not_queried, s->not_queried == 1 ? "" : "s");
	if (s->input_error)
		al_strbuf_puts(b, "; some input could not be read");
}

/* ---- JSON ---------------------------------------------------------------- */

void al_emit_lines(al_strbuf *out, const char *text, size_t length, bool doc)
{
	size_t start = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && text[i] != '\n')
			continue;
		if (doc)
			al_emit_doc_text(out, text + start, i - start);
		else
			al_escape_display(out, text + start, i - start);
		if (i < length)
			al_strbuf_putc(out, '\n');
		start = i + 1;
	}
}

void al_emit_json_lines(al_json *j, const char *text, bool doc)
{
	if (text == NULL) {
		al_json_null(j);
		return;
	}
	al_strbuf tmp = AL_STRBUF_INIT;
	al_emit_lines(&tmp, text, strlen(text), doc);
	if (tmp.failed)
		j->out->failed = true;
	al_json_string_verbatim(j, al_strbuf_cstr(&tmp), tmp.length);
	al_strbuf_free(&tmp);
}

static void kv_lines(al_json *j, const char *key, const char *text, bool doc)
{
	al_json_key(j, key);
	al_emit_json_lines(j, text, doc);
}

void al_emit_json_tool(al_json *j)
{
	al_json_key(j, "tool");
	al_json_begin_object(j);
	al_json_kv_string(j, "name", "authlint");
	al_json_kv_string(j, "version", al_version());
	al_json_end_object(j);
}

void al_emit_json_inputs(al_json *j, const al_emit_options *o)
{
	al_json_kv_string(j, "command", o->command);
	al_json_key(j, "inputs");
	al_json_begin_array(j);
	for (size_t i = 0; o->inputs != NULL && i < o->input_count; i++)
		if (o->inputs[i] != NULL)
			al_json_string(j, o->inputs[i]);
	al_json_end_array(j);
}

/* ---- memo ---------------------------------------------------------------- */

void al_emit_memo_append(al_emit_memo *memo, al_strbuf *out, const char *text,
			 void (*render)(al_strbuf *out, const char *text))
{
	uint64_t k = (uint64_t)(uintptr_t)text * 0x9e3779b97f4a7c15ULL; /* Fibonacci hashing */
	al_emit_memo_slot *s = &memo->slots[k >> 58];
	if (s->key == text && strcmp(s->source, text) == 0) {
		al_strbuf_append(out, s->shown, s->shown_length);
		return;
	}
	al_strbuf shown = AL_STRBUF_INIT;
	render(&shown, text);
	char *source = strdup(text);
	if (shown.failed || source == NULL) {
		/* no room to keep it: write it all the same */
		free(source);
		al_strbuf_free(&shown);
		render(out, text);
		return;
	}
	free(s->source);
	free(s->shown);
	s->key = text;
	s->source = source;
	s->shown = al_strbuf_detach(&shown, &s->shown_length);
	if (s->shown == NULL) {
		free(s->source);
		s->key = NULL;
		s->source = NULL;
		render(out, text);
		return;
	}
	al_strbuf_append(out, s->shown, s->shown_length);
}

void al_emit_memo_free(al_emit_memo *memo)
{
	for (size_t i = 0; i < AL_EMIT_MEMO_SLOTS; i++) {
		free(memo->slots[i].source);
		free(memo->slots[i].shown);
	}
	memset(memo, 0, sizeof(*memo));
}

/* A fix as the JSON string of its lines (al_emit_json_lines), quotes included. */
static void json_fix_string(al_strbuf *out, const char *fix)
{
	al_json j;
	al_json_init(&j, out, false);
	al_emit_json_lines(&j, fix, false);
}

void al_emit_json_finding(al_json *j, const al_diag *d)
{
	al_emit_json_finding_memo(j, d, NULL);
}

/* The members of a finding, with their names as literals: written as they are,
 * without a look at each (JSON Lines writes two dozen for every finding). */
#define KV_STRING(j, key, text)                         \
	do {                                            \
		AL_JSON_KEY(j, key);                    \
		al_json_string_or_null(j, text);        \
	} while (0)
#define KV_UINT(j, key, value)                          \
	do {                                            \
		AL_JSON_KEY(j, key);                    \
		al_json_uint(j, value);                 \
	} while (0)
#define KV_BOOL(j, key, value)                          \
	do {                                            \
		AL_JSON_KEY(j, key);                    \
		al_json_bool(j, value);                 \
	} while (0)
#define KV_UINT_OR_NULL(j, key, value)                  \
	do {                                            \
		AL_JSON_KEY(j, key);                    \
		if ((value) == 0)                       \
			al_json_null(j);                \
		else                                    \
			al_json_uint(j, value);         \
	} while (0)

void al_emit_json_finding_memo(al_json *j, const al_diag *d, al_emit_memo *fixes)
{
	char tbuf[16];
	AL_JSON_KEY(j, "rule");
	al_json_begin_object(j);
	KV_STRING(j, "id", d->rule->id);
	KV_STRING(j, "name", d->rule->name);
	al_json_end_object(j);
	KV_STRING(j, "severity", al_severity_name(d->severity));
	KV_STRING(j, "kind", d->kind == AL_KIND_NONE ? NULL : al_kind_name(d->kind));
	KV_STRING(j, "generation", al_generation_name(d->generation));
	KV_STRING(j, "owner", d->owner);
	KV_STRING(j, "domain", d->domain);
	KV_STRING(j, "rrtype", al_emit_rrtype(d, tbuf));
	AL_JSON_KEY(j, "location");
	al_json_begin_object(j);
	KV_STRING(j, "file", d->location.file);
	KV_UINT_OR_NULL(j, "line", d->location.line);
	KV_UINT_OR_NULL(j, "column", d->location.column);
	KV_STRING(j, "server", d->location.server);
	al_json_end_object(j);
	size_t start, length;
	bool has_record = al_emit_span(d, &start, &length);
	AL_JSON_KEY(j, "record");
	if (has_record)
		al_json_string_n(j, d->record, d->record_length);
	else
		al_json_null(j);
	AL_JSON_KEY(j, "span");
	if (has_record) {
		al_json_begin_object(j);
		KV_UINT(j, "start", start);
		KV_UINT(j, "length", length);
		al_json_end_object(j);
	} else {
		al_json_null(j);
	}
	AL_JSON_KEY(j, "term");
	if (has_record && length > 0)
		al_json_string_n(j, d->record + start, length);
	else
		al_json_null(j);
	KV_STRING(j, "message", d->message);
	if (fixes != NULL && d->fix != NULL) {
		AL_JSON_KEY(j, "fix");
		al_json_begin_raw(j);
		al_emit_memo_append(fixes, j->out, d->fix, json_fix_string);
	} else {
		kv_lines(j, "fix", d->fix, false);
	}
	KV_STRING(j, "context", d->context);
	KV_BOOL(j, "waived", d->waived);
	AL_JSON_KEY(j, "waiver");
	if (d->waived) {
		al_json_begin_object(j);
		KV_STRING(j, "reason", d->waiver_reason);
		KV_STRING(j, "source", d->waiver_source);
		al_json_end_object(j);
	} else {
		al_json_null(j);
	}
}

/* ---- one JSON Lines finding ---------------------------------------------- */

/* A string as al_json_string_or_null writes it. */
static void jsonl_string(al_strbuf *out, const char *text)
{
	if (text == NULL) {
		AL_STRBUF_LIT(out, "null");
		return;
	}
	al_strbuf_putc(out, '"');
	al_escape_json(out, text, strlen(text));
	al_strbuf_putc(out, '"');
}

/* The same for a text that is not NULL (al_emit_memo_append's render). */
static void jsonl_string_render(al_strbuf *out, const char *text)
{
	jsonl_string(out, text);
}

/* A number as al_json_uint writes it, or null for 0 (KV_UINT_OR_NULL). */
static void jsonl_uint(al_strbuf *out, unsigned long long value, bool zero_is_null)
{
	if (value == 0 && zero_is_null) {
		AL_STRBUF_LIT(out, "null");
		return;
	}
	al_json_put_decimal(out, false, value);
}

void al_emit_jsonl_finding(al_strbuf *out, const al_diag *d, al_emit_memo *fixes, al_emit_memo *files)
{
	/* byte for byte what al_json (not pretty) writes for
	 * {"type":"finding", al_emit_json_finding_memo's members}: the member
	 * names and punctuation between two values go in one literal each */
	char tbuf[16];
	AL_STRBUF_LIT(out, "{\"type\":\"finding\",\"rule\":{\"id\":");
	jsonl_string(out, d->rule->id);
	AL_STRBUF_LIT(out, ",\"name\":");
	jsonl_string(out, d->rule->name);
	AL_STRBUF_LIT(out, "},\"severity\":");
	jsonl_string(out, al_severity_name(d->severity));
	AL_STRBUF_LIT(out, ",\"kind\":");
	jsonl_string(out, d->kind == AL_KIND_NONE ? NULL : al_kind_name(d->kind));
	AL_STRBUF_LIT(out, ",\"generation\":");
	jsonl_string(out, al_generation_name(d->generation));
	AL_STRBUF_LIT(out, ",\"owner\":");
	jsonl_string(out, d->owner);
	AL_STRBUF_LIT(out, ",\"domain\":");
	jsonl_string(out, d->domain);
	AL_STRBUF_LIT(out, ",\"rrtype\":");
	jsonl_string(out, al_emit_rrtype(d, tbuf));
	AL_STRBUF_LIT(out, ",\"location\":{\"file\":");
	if (d->location.file != NULL && files != NULL)
		al_emit_memo_append(files, out, d->location.file, jsonl_string_render);
	else
		jsonl_string(out, d->location.file);
	AL_STRBUF_LIT(out, ",\"line\":");
	jsonl_uint(out, d->location.line, true);
	AL_STRBUF_LIT(out, ",\"column\":");
	jsonl_uint(out, d->location.column, true);
	AL_STRBUF_LIT(out, ",\"server\":");
	jsonl_string(out, d->location.server);
	AL_STRBUF_LIT(out, "},\"record\":");
	size_t start, length;
	bool has_record = al_emit_span(d, &start, &length);
	if (has_record) {
		al_strbuf_putc(out, '"');
		al_escape_json(out, d->record, d->record_length);
		AL_STRBUF_LIT(out, "\",\"span\":{\"start\":");
		jsonl_uint(out, start, false);
		AL_STRBUF_LIT(out, ",\"length\":");
		jsonl_uint(out, length, false);
		AL_STRBUF_LIT(out, "},\"term\":");
		if (length > 0) {
			al_strbuf_putc(out, '"');
			al_escape_json(out, d->record + start, length);
			al_strbuf_putc(out, '"');
		} else {
			AL_STRBUF_LIT(out, "null");
		}
	} else {
		AL_STRBUF_LIT(out, "null,\"span\":null,\"term\":null");
	}
	AL_STRBUF_LIT(out, ",\"message\":");
	jsonl_string(out, d->message);
	AL_STRBUF_LIT(out, ",\"fix\":");
	if (d->fix == NULL)
		AL_STRBUF_LIT(out, "null");
	else if (fixes != NULL)
		al_emit_memo_append(fixes, out, d->fix, json_fix_string);
	else
		json_fix_string(out, d->fix);
	AL_STRBUF_LIT(out, ",\"context\":");
	jsonl_string(out, d->context);
	if (d->waived) {
		AL_STRBUF_LIT(out, ",\"waived\":true,\"waiver\":{\"reason\":");
		jsonl_string(out, d->waiver_reason);
		AL_STRBUF_LIT(out, ",\"source\":");
		jsonl_string(out, d->waiver_source);
		AL_STRBUF_LIT(out, "}}\n");
	} else {
		AL_STRBUF_LIT(out, ",\"waived\":false,\"waiver\":null}\n");
	}
}

void al_emit_json_summary(al_json *j, const al_summary *s)
{
	al_json_kv_uint(j, "errors", s->by_severity[AL_SEVERITY_ERROR]);
	al_json_kv_uint(j, "warnings", s->by_severity[AL_SEVERITY_WARNING]);
	al_json_kv_uint(j, "notes", s->by_severity[AL_SEVERITY_NOTE]);
	al_json_kv_uint(j, "waived", s->waived);
	al_json_kv_uint(j, "names", s->names);
	al_json_kv_uint(j, "records", s->records);
	al_json_kv_uint(j, "lookups", s->lookups);
	al_json_kv_uint(j, "lookups_failed", s->lookups_failed);
	al_json_kv_uint(j, "not_queried", s->not_queried);
	al_json_kv_bool(j, "input_error", s->input_error);
	al_json_kv_bool(j, "incomplete", s->incomplete);
}

static const char *example_kind_name(al_example_kind kind)
{
	switch (kind) {
	case AL_EXAMPLE_SPF:
		return "spf";
	case AL_EXAMPLE_DMARC:
		return "dmarc";
	case AL_EXAMPLE_DKIM:
		return "dkim";
	case AL_EXAMPLE_ZONE:
		return "zone";
	case AL_EXAMPLE_TEXT:
		return "text";
	}
	return "text";
}

static void json_examples(al_json *j, const char *key, const al_rule_example *ex, size_t n)
{
	al_json_key(j, key);
	al_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		al_json_begin_object(j);
		al_json_kv_string(j, "kind", example_kind_name(ex[i].kind));
		kv_lines(j, "text", ex[i].text, true);
		kv_lines(j, "domain", ex[i].domain, true);
		kv_lines(j, "dmarc_spec", ex[i].dmarc_spec, true);
		kv_lines(j, "note", ex[i].note, true);
		al_json_kv_uint(j, "line", ex[i].line);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static const char *decl_op_name(al_decl_op op)
{
	switch (op) {
	case AL_DECL_PRESENT:
		return "present";
	case AL_DECL_ABSENT:
		return "absent";
	case AL_DECL_PATTERN:
		return "pattern";
	case AL_DECL_NOT_PATTERN:
		return "not-pattern";
	case AL_DECL_VALUES:
		return "values";
	}
	return "?";
}

void al_emit_json_rule(al_json *j, const al_rule *r)
{
	al_json_kv_string(j, "id", r->id);
	al_json_kv_string(j, "name", r->name);
	al_json_kv_string(j, "family", al_kind_name(r->family));
	al_json_kv_string(j, "severity", al_severity_name(r->severity));
	if (r->severity_rfc7489 != r->severity)
		al_json_kv_string(j, "severity_rfc7489", al_severity_name(r->severity_rfc7489));
	al_json_kv_string(j, "generation", al_generation_name(r->generation));
	kv_lines(j, "summary", r->summary, true);
	kv_lines(j, "message", r->message, true);
	kv_lines(j, "rationale", r->rationale, true);
	kv_lines(j, "fix", r->fix, true);
	al_json_key(j, "references");
	al_json_begin_array(j);
	for (size_t i = 0; i < r->reference_count; i++)
		al_emit_json_lines(j, r->references[i], true);
	al_json_end_array(j);
	kv_lines(j, "check", r->check, true);
	kv_lines(j, "tested_by", r->tested_by, true);
	const al_decl *decl = al_rule_decl(r);
	al_json_key(j, "declarative");
	if (decl != NULL) {
		al_json_begin_object(j);
		al_json_kv_string(j, "record", al_kind_name(decl->record));
		kv_lines(j, "tag", decl->tag, true);
		al_json_kv_string(j, "test", decl_op_name(decl->op));
		kv_lines(j, "pattern", decl->pattern, true);
		al_json_key(j, "values");
		if (decl->op == AL_DECL_VALUES) {
			al_json_begin_array(j);
			for (size_t i = 0; i < decl->value_count; i++)
				al_emit_json_lines(j, decl->values[i], true);
			al_json_end_array(j);
		} else {
			al_json_null(j);
		}
		kv_lines(j, "domain", decl->domain, true);
		al_json_end_object(j);
	} else {
		al_json_null(j);
	}
	al_json_key(j, "examples");
	al_json_begin_object(j);
	json_examples(j, "bad", r->bad, r->bad_count);
	json_examples(j, "good", r->good, r->good_count);
	al_json_end_object(j);
	al_json_key(j, "source");
	al_json_begin_object(j);
	al_json_kv_string(j, "file", r->source_file);
	al_json_kv_uint(j, "line", r->source_line);
	al_json_end_object(j);
}
