/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a propagation result: text tables (servers down, answers across),
 * one JSON document (schema "authlint/propagation"), JSON Lines, and the
 * findings through the emitters (text, JSON, SARIF, GitHub). Every string
 * that came from a server is written in display form: TXT answers are
 * untrusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/version.h>

#include "emit/emit_internal.h"
#include "propagation/prop_internal.h"
#include "util/escape.h"
#include "util/json.h"

#define PROP_SCHEMA "authlint/propagation"
#define PROP_SCHEMA_VERSION 1

typedef struct writer {
	al_sink sink;
	al_strbuf buf;
	al_status status;
	const al_prop_write_options *options;
	bool color;
} writer;

static void flush(writer *w)
{
	if (w->buf.failed)
		w->status = AL_ENOMEM;
	else if (w->buf.length > 0 && w->status == AL_OK && w->sink.write(w->sink.ctx, w->buf.data, w->buf.length) != 0)
		w->status = AL_EIO;
	al_strbuf_reset(&w->buf);
}

static void color(writer *w, const char *code)
{
	if (w->color)
		al_strbuf_puts(&w->buf, code);
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_GREEN "\033[32m"
#define C_DIM "\033[2m"

static const char *verdict_color(al_prop_verdict v)
{
	switch (v) {
	case AL_PROP_CONSISTENT:
		return C_GREEN;
	case AL_PROP_PROPAGATING:
		return C_YELLOW;
	default:
		return C_RED;
	}
}

static const char *verdict_phrase(const al_prop_name *n)
{
	switch (n->verdict) {
	case AL_PROP_CONSISTENT:
		return "every server gives the same answer";
	case AL_PROP_PROPAGATING:
		return "the authoritative servers agree, some caches are behind";
	case AL_PROP_INCONSISTENT:
		return "the authoritative servers disagree";
	case AL_PROP_UNKNOWN:
		return "no authoritative server gave a usable answer";
	}
	return "";
}

static void escaped(al_strbuf *out, const char *text)
{
	if (text != NULL)
		al_escape_display(out, text, strlen(text));
}

static void pad(al_strbuf *out, size_t have, size_t want)
{
	for (size_t i = have; i < want; i++)
		al_strbuf_putc(out, ' ');
}

static void answer_records(al_strbuf *out, const al_prop_answer *a)
{
	if (a->status == AL_PROP_NXDOMAIN) {
		al_strbuf_puts(out, "NXDOMAIN");
		return;
	}
	if (a->status == AL_PROP_NODATA) {
		al_strbuf_puts(out, "NODATA");
		return;
	}
	for (size_t i = 0; i < a->record_count; i++) {
		if (i > 0)
			al_strbuf_puts(out, "\n       ");
		al_escape_display(out, a->records[i], strlen(a->records[i]));
	}
}

/* Is a server's row shown in a name's table? Not when it serves another zone. */
static bool row_shown(const al_prop_domain *d, const al_prop_name *n, size_t s)
{
	const al_prop_reply *r = &n->replies[s];
	if (r->status != AL_PROP_NOT_ASKED)
		return true;
	return d->servers[s].skipped && (d->servers[s].zone == NULL || n->zone == NULL ||
					 al_name_equal(d->servers[s].zone, n->zone));
}

static size_t server_cell(al_strbuf *out, const al_prop_server *s)
{
	size_t before = out->length;
	if (s->role == AL_PROP_RESOLVER)
		al_strbuf_puts(out, "resolver");
	else
		escaped(out, s->name);
	al_strbuf_putc(out, ' ');
	escaped(out, s->address);
	return out->length - before;
}

static void text_name(writer *w, const al_prop_domain *d, const al_prop_name *n)
{
	al_strbuf *b = &w->buf;
	char tbuf[16];
	al_strbuf_puts(b, "  ");
	color(w, C_BOLD);
	escaped(b, n->name);
	al_strbuf_printf(b, " %s", al_rrtype_name(n->type, tbuf));
	color(w, C_RESET);
	al_strbuf_printf(b, " (%s): ", n->purpose);
	color(w, verdict_color(n->verdict));
	al_strbuf_puts(b, al_prop_verdict_name(n->verdict));
	color(w, C_RESET);
	al_strbuf_printf(b, ", %s", verdict_phrase(n));
	if (n->incomplete)
		al_strbuf_puts(b, "; some servers gave no usable answer");
	al_strbuf_putc(b, '\n');
	bool brief = n->verdict == AL_PROP_CONSISTENT && !n->incomplete && !(w->options && w->options->verbose) &&
		     (!n->expect_known || n->expect_answer == n->authoritative_answer);
	if (brief) {
		if (n->answer_count == 1) {
			al_strbuf_puts(b, "    ");
			answer_records(b, &n->answers[0]);
			size_t servers = n->answers[0].authoritative + n->answers[0].resolvers;
			al_strbuf_printf(b, "   (%zu server%s)\n", servers, servers == 1 ? "" : "s");
		}
		flush(w);
		return;
	}
	if (w->options && w->options->quiet) {
		flush(w);
		return;
	}
	/* the table: servers down, answers across */
	size_t width = 6;
	al_strbuf tmp = AL_STRBUF_INIT;
	for (size_t s = 0; s < n->reply_count; s++) {
		if (!row_shown(d, n, s))
			continue;
		al_strbuf_reset(&tmp);
		size_t wd = server_cell(&tmp, &d->servers[s]);
		if (wd > width)
			width = wd;
	}
	int ref = n->authoritative_answer >= 0 ? n->authoritative_answer : (n->answer_count > 0 ? 0 : -1);
	al_strbuf_puts(b, "    ");
	pad(b, 0, width + 2);
	for (size_t g = 0; g < n->answer_count; g++)
		al_strbuf_printf(b, "%-9c", n->answers[g].label);
	al_strbuf_putc(b, '\n');
	for (size_t s = 0; s < n->reply_count; s++) {
		if (!row_shown(d, n, s))
			continue;
		const al_prop_reply *r = &n->replies[s];
		al_strbuf_puts(b, "    ");
		al_strbuf_reset(&tmp);
		size_t wd = server_cell(&tmp, &d->servers[s]);
		al_strbuf_append(b, tmp.data ? tmp.data : "", tmp.length);
		pad(b, wd, width + 2);
		for (size_t g = 0; g < n->answer_count; g++) {
			char cell[24];
			if (r->answer == (int)g) {
				if (r->ttl_known)
					snprintf(cell, sizeof(cell), "%u", (unsigned)r->ttl);
				else
					snprintf(cell, sizeof(cell), "-");
				bool differs = ref >= 0 && (int)g != ref;
				if (differs) {
					color(w, d->servers[s].role == AL_PROP_AUTHORITATIVE ? C_RED : C_YELLOW);
					size_t l = strlen(cell);
					if (l + 1 < sizeof(cell)) {
						cell[l] = '*';
						cell[l + 1] = '\0';
					}
				}
				al_strbuf_printf(b, "%-9s", cell);
				if (differs)
					color(w, C_RESET);
			} else {
				color(w, C_DIM);
				al_strbuf_printf(b, "%-9s", ".");
				color(w, C_RESET);
			}
		}
		if (r->answer < 0) {
			color(w, r->status == AL_PROP_NOT_ASKED ? C_DIM : C_RED);
			al_strbuf_printf(b, "%s", al_prop_status_name(r->status));
			if (r->detail != NULL) {
				al_strbuf_puts(b, ": ");
				escaped(b, r->detail);
			}
			color(w, C_RESET);
		}
		al_strbuf_putc(b, '\n');
	}
	al_strbuf_free(&tmp);
	for (size_t g = 0; g < n->answer_count; g++) {
		const al_prop_answer *a = &n->answers[g];
		al_strbuf_printf(b, "    %c  ", a->label);
		answer_records(b, a);
		al_strbuf_printf(b, "   (%zu authoritative, %zu resolver%s", a->authoritative, a->resolvers,
				 a->resolvers == 1 ? "" : "s");
		if (a->expected)
			al_strbuf_puts(b, "; expected");
		al_strbuf_puts(b, ")\n");
	}
	if (n->expect_known && n->expect_answer < 0) {
		al_strbuf_puts(b, "    expected, served by no server: ");
		if (n->expect_text != NULL)
			al_escape_display(b, n->expect_text, strlen(n->expect_text));
		al_strbuf_putc(b, '\n');
	}
	if (n->verdict == AL_PROP_PROPAGATING && n->settle_known) {
		al_strbuf_puts(b, "    caches settle by ");
		al_prop_format_time(b, n->settle_at);
		al_strbuf_puts(b, " (in ");
		al_prop_format_duration(b, n->settle_in);
		al_strbuf_puts(b, ")\n");
	} else if (n->verdict == AL_PROP_INCONSISTENT) {
		al_strbuf_puts(b, "    caches settle ");
		al_prop_format_duration(b, n->after_update);
		al_strbuf_puts(b, " after the last authoritative server serves the same answer\n");
	}
	flush(w);
}

static void text_domain(writer *w, const al_prop_domain *d)
{
	al_strbuf *b = &w->buf;
	color(w, C_BOLD);
	escaped(b, d->domain);
	color(w, C_RESET);
	al_strbuf_puts(b, ": ");
	color(w, verdict_color(d->verdict));
	al_strbuf_puts(b, al_prop_verdict_name(d->verdict));
	color(w, C_RESET);
	size_t auth = 0, res = 0;
	for (size_t s = 0; s < d->server_count; s++) {
		if (d->servers[s].role == AL_PROP_AUTHORITATIVE)
			auth++;
		else
			res++;
	}
	al_strbuf_puts(b, " (zone ");
	escaped(b, d->zone ? d->zone : "unknown");
	al_strbuf_printf(b, ", %zu authoritative server%s, %zu resolver%s)\n", auth, auth == 1 ? "" : "s", res,
			 res == 1 ? "" : "s");
	for (size_t s = 0; s < d->server_count; s++) {
		const al_prop_server *sv = &d->servers[s];
		al_strbuf_puts(b, "  ");
		size_t wd = server_cell(b, sv);
		pad(b, wd, 40);
		al_strbuf_puts(b, sv->role == AL_PROP_AUTHORITATIVE ? " authoritative" : " resolver");
		if (sv->role == AL_PROP_AUTHORITATIVE && sv->zone != NULL && d->zone != NULL &&
		    !al_name_equal(sv->zone, d->zone)) {
			al_strbuf_puts(b, " for ");
			escaped(b, sv->zone);
		}
		if (sv->manual)
			al_strbuf_puts(b, " (given)");
		switch (sv->serial_state) {
		case AL_PROP_SERIAL_NEWEST:
			al_strbuf_printf(b, ", serial %u (newest)", (unsigned)sv->serial);
			break;
		case AL_PROP_SERIAL_BEHIND:
			color(w, C_RED);
			al_strbuf_printf(b, ", serial %u (%u behind)", (unsigned)sv->serial, (unsigned)sv->behind_by);
			color(w, C_RESET);
			break;
		case AL_PROP_SERIAL_UNORDERED:
			al_strbuf_printf(b, ", serial %u (cannot be ordered)", (unsigned)sv->serial);
			break;
		case AL_PROP_SERIAL_NONE:
			break;
		}
		if (sv->skipped || sv->lame || sv->failed) {
			color(w, C_RED);
			al_strbuf_puts(b, sv->skipped ? ", not asked: " : sv->lame ? ", lame: " : ", failed: ");
			escaped(b, sv->skipped ? sv->skip_reason : sv->problem);
			color(w, C_RESET);
		}
		al_strbuf_putc(b, '\n');
	}
	for (size_t i = 0; i < d->problem_count; i++) {
		al_strbuf_puts(b, "  problem: ");
		escaped(b, d->problems[i]);
		al_strbuf_putc(b, '\n');
	}
	for (size_t i = 0; i < d->note_count; i++) {
		al_strbuf_puts(b, "  note: ");
		escaped(b, d->notes[i]);
		al_strbuf_putc(b, '\n');
	}
	flush(w);
	for (size_t k = 0; k < d->name_count; k++)
		text_name(w, d, &d->names[k]);
	if (d->settle_known && d->settle_in > 0) {
		al_strbuf_puts(b, "  every cache asked settles by ");
		al_prop_format_time(b, d->settle_at);
		al_strbuf_puts(b, " (in ");
		al_prop_format_duration(b, d->settle_in);
		al_strbuf_puts(b, ")\n");
	}
	al_strbuf_putc(b, '\n');
	flush(w);
}

static al_status findings_through_emitter(writer *w, const al_prop_result *r, al_format format, int exit_code,
					  bool whole)
{
	const al_prop_write_options *o = w->options;
	al_emit_options eo = {0};
	eo.rules = o->rules;
	eo.color = w->color;
	eo.show_source = !o->quiet;
	eo.command = "propagation";
	eo.inputs = o->inputs;
	eo.input_count = o->input_count;
	al_emitter *em = NULL;
	al_status st = al_emitter_new(&em, format, w->sink, &eo);
	if (st != AL_OK)
		return st;
	if (whole)
		al_emitter_begin(em);
	for (size_t i = 0; i < r->diag_count; i++)
		al_emitter_diag(em, &r->diags[i]);
	if (whole)
		al_emitter_end(em, &r->summary, exit_code);
	st = al_emitter_status(em);
	al_emitter_free(em);
	return st;
}

static void text_summary(writer *w, const al_prop_result *r, int exit_code)
{
	al_strbuf *b = &w->buf;
	size_t names = 0, bad = 0;
	for (size_t i = 0; i < r->domain_count; i++)
		for (size_t k = 0; k < r->domains[i].name_count; k++) {
			names++;
			bad += r->domains[i].names[k].verdict != AL_PROP_CONSISTENT;
		}
	al_strbuf_printf(b, "%s: %zu of %zu name%s not consistent; %zu quer%s, %zu without a usable answer; ",
			 al_prop_verdict_name(r->verdict), bad, names, names == 1 ? "" : "s", r->queries,
			 r->queries == 1 ? "y" : "ies", r->failed);
	al_strbuf_printf(b, "%zu error%s, %zu warning%s, %zu note%s",
			 r->summary.by_severity[AL_SEVERITY_ERROR], r->summary.by_severity[AL_SEVERITY_ERROR] == 1 ? "" : "s",
			 r->summary.by_severity[AL_SEVERITY_WARNING],
			 r->summary.by_severity[AL_SEVERITY_WARNING] == 1 ? "" : "s",
			 r->summary.by_severity[AL_SEVERITY_NOTE], r->summary.by_severity[AL_SEVERITY_NOTE] == 1 ? "" : "s");
	if (exit_code == 2)
		al_strbuf_puts(b, "; the result is incomplete");
	al_strbuf_putc(b, '\n');
	flush(w);
}

/* ---- JSON ---------------------------------------------------------------------- */

static void json_time(al_json *j, const char *key, int64_t t)
{
	al_strbuf sb = AL_STRBUF_INIT;
	al_prop_format_time(&sb, t);
	al_json_kv_string(j, key, al_strbuf_cstr(&sb));
	al_strbuf_free(&sb);
}

static void json_label(al_json *j, const char *key, const al_prop_name *n, int answer)
{
	al_json_key(j, key);
	if (answer >= 0 && (size_t)answer < n->answer_count) {
		char l[2] = {n->answers[answer].label, '\0'};
		al_json_string(j, l);
	} else {
		al_json_null(j);
	}
}

static void json_name(al_json *j, const al_prop_domain *d, const al_prop_name *n)
{
	char tbuf[16];
	al_json_kv_string(j, "name", n->name);
	al_json_kv_string(j, "rrtype", al_rrtype_name(n->type, tbuf));
	al_json_kv_string(j, "purpose", n->purpose);
	al_json_kv_string(j, "zone", n->zone);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(n->verdict));
	al_json_kv_bool(j, "incomplete", n->incomplete);
	al_json_kv_bool(j, "created", n->created);
	json_label(j, "authoritative_answer", n, n->authoritative_answer);
	al_json_key(j, "answers");
	al_json_begin_array(j);
	for (size_t g = 0; g < n->answer_count; g++) {
		const al_prop_answer *a = &n->answers[g];
		al_json_begin_object(j);
		json_label(j, "label", n, (int)g);
		al_json_kv_string(j, "status", al_prop_status_name(a->status));
		al_json_key(j, "records");
		al_json_begin_array(j);
		for (size_t i = 0; i < a->record_count; i++)
			al_json_string(j, a->records[i]);
		al_json_end_array(j);
		al_json_kv_uint(j, "authoritative", a->authoritative);
		al_json_kv_uint(j, "resolvers", a->resolvers);
		al_json_kv_uint(j, "ttl_min", a->ttl_min);
		al_json_kv_uint(j, "ttl_max", a->ttl_max);
		al_json_key(j, "serial");
		if (a->has_serial)
			al_json_uint(j, a->serial);
		else
			al_json_null(j);
		al_json_kv_bool(j, "expected", a->expected);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "replies");
	al_json_begin_array(j);
	for (size_t s = 0; s < n->reply_count; s++) {
		const al_prop_reply *r = &n->replies[s];
		if (!row_shown(d, n, s))
			continue;
		al_json_begin_object(j);
		al_json_kv_uint(j, "server", r->server);
		al_json_kv_string(j, "address", d->servers[s].address);
		al_json_kv_string(j, "status", al_prop_status_name(r->status));
		json_label(j, "answer", n, r->answer);
		al_json_key(j, "ttl");
		if (r->ttl_known)
			al_json_uint(j, r->ttl);
		else
			al_json_null(j);
		al_json_kv_string(j, "detail", r->detail);
		al_json_kv_bool(j, "tcp", r->tcp);
		al_json_kv_bool(j, "truncated", r->truncated);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	al_json_key(j, "settle");
	al_json_begin_object(j);
	al_json_kv_bool(j, "settled", n->settled);
	al_json_kv_bool(j, "known", n->settle_known);
	if (n->settle_known) {
		json_time(j, "at", n->settle_at);
		al_json_kv_uint(j, "in", n->settle_in);
	} else {
		al_json_key(j, "at");
		al_json_null(j);
		al_json_key(j, "in");
		al_json_null(j);
	}
	al_json_kv_uint(j, "after_update", n->after_update);
	al_json_end_object(j);
	al_json_key(j, "expect");
	if (n->expect_known) {
		al_json_begin_object(j);
		al_json_kv_string(j, "records", n->expect_text);
		json_label(j, "answer", n, n->expect_answer);
		al_json_kv_string(j, "file", n->expect_location.file);
		al_json_kv_uint(j, "line", n->expect_location.line);
		al_json_key(j, "serving");
		al_json_begin_array(j);
		for (size_t s = 0; s < n->reply_count; s++)
			if (n->expect_answer >= 0 && n->replies[s].answer == n->expect_answer &&
			    d->servers[s].role == AL_PROP_AUTHORITATIVE)
				al_json_string(j, d->servers[s].address);
		al_json_end_array(j);
		al_json_key(j, "not_serving");
		al_json_begin_array(j);
		for (size_t s = 0; s < n->reply_count; s++)
			if (n->replies[s].answer >= 0 && n->replies[s].answer != n->expect_answer &&
			    d->servers[s].role == AL_PROP_AUTHORITATIVE)
				al_json_string(j, d->servers[s].address);
		al_json_end_array(j);
		al_json_end_object(j);
	} else {
		al_json_null(j);
	}
}

static void json_domain(al_json *j, const al_prop_domain *d, bool with_names)
{
	al_json_kv_string(j, "domain", d->domain);
	al_json_kv_string(j, "zone", d->zone);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(d->verdict));
	al_json_kv_bool(j, "incomplete", d->incomplete);
	al_json_key(j, "newest_serial");
	if (d->serial_known)
		al_json_uint(j, d->newest_serial);
	else
		al_json_null(j);
	al_json_kv_bool(j, "serials_unordered", d->serials_unordered);
	al_json_key(j, "settle");
	al_json_begin_object(j);
	al_json_kv_bool(j, "known", d->settle_known);
	if (d->settle_known) {
		json_time(j, "at", d->settle_at);
		al_json_kv_uint(j, "in", d->settle_in);
	}
	al_json_end_object(j);
	al_json_key(j, "problems");
	al_json_begin_array(j);
	for (size_t i = 0; i < d->problem_count; i++)
		al_json_string(j, d->problems[i]);
	al_json_end_array(j);
	al_json_key(j, "notes");
	al_json_begin_array(j);
	for (size_t i = 0; i < d->note_count; i++)
		al_json_string(j, d->notes[i]);
	al_json_end_array(j);
	al_json_key(j, "servers");
	al_json_begin_array(j);
	for (size_t s = 0; s < d->server_count; s++) {
		const al_prop_server *sv = &d->servers[s];
		al_json_begin_object(j);
		al_json_kv_string(j, "name", sv->name);
		al_json_kv_string(j, "address", sv->address);
		al_json_kv_string(j, "role", sv->role == AL_PROP_AUTHORITATIVE ? "authoritative" : "resolver");
		al_json_kv_string(j, "zone", sv->zone);
		al_json_kv_bool(j, "manual", sv->manual);
		al_json_kv_bool(j, "skipped", sv->skipped);
		al_json_kv_string(j, "skip_reason", sv->skip_reason);
		al_json_kv_bool(j, "lame", sv->lame);
		al_json_kv_bool(j, "failed", sv->failed);
		al_json_kv_string(j, "problem", sv->problem);
		static const char *const states[] = {NULL, "newest", "behind", "unordered"};
		al_json_key(j, "serial");
		if (sv->serial_state != AL_PROP_SERIAL_NONE)
			al_json_uint(j, sv->serial);
		else
			al_json_null(j);
		al_json_kv_string(j, "serial_state", states[sv->serial_state]);
		al_json_kv_uint(j, "behind_by", sv->behind_by);
		al_json_end_object(j);
	}
	al_json_end_array(j);
	if (!with_names)
		return;
	al_json_key(j, "names");
	al_json_begin_array(j);
	for (size_t k = 0; k < d->name_count; k++) {
		al_json_begin_object(j);
		json_name(j, d, &d->names[k]);
		al_json_end_object(j);
	}
	al_json_end_array(j);
}

static void json_run(al_json *j, const al_prop_result *r, int exit_code)
{
	al_json_kv_uint(j, "round", r->round);
	json_time(j, "time", r->time);
	al_json_key(j, "elapsed");
	al_json_double(j, r->elapsed);
	al_json_kv_uint(j, "queries", r->queries);
	al_json_kv_uint(j, "failed", r->failed);
	al_json_kv_string(j, "verdict", al_prop_verdict_name(r->verdict));
	al_json_kv_bool(j, "incomplete", r->incomplete);
	al_json_kv_int(j, "exit_code", exit_code);
}

static void write_json(writer *w, const al_prop_result *r, int exit_code)
{
	al_json j;
	al_json_init(&j, &w->buf, true);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "schema", PROP_SCHEMA);
	al_json_kv_int(&j, "version", PROP_SCHEMA_VERSION);
	al_emit_json_tool(&j);
	json_run(&j, r, exit_code);
	al_json_key(&j, "domains");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->domain_count; i++) {
		al_json_begin_object(&j);
		json_domain(&j, &r->domains[i], true);
		al_json_end_object(&j);
		flush(w);
	}
	al_json_end_array(&j);
	al_json_key(&j, "findings");
	al_json_begin_array(&j);
	for (size_t i = 0; i < r->diag_count; i++) {
		al_json_begin_object(&j);
		al_emit_json_finding(&j, &r->diags[i]);
		al_json_end_object(&j);
	}
	al_json_end_array(&j);
	al_json_key(&j, "summary");
	al_json_begin_object(&j);
	al_emit_json_summary(&j, &r->summary);
	al_json_end_object(&j);
	al_json_end_object(&j);
	al_strbuf_putc(&w->buf, '\n');
	flush(w);
}

static void write_jsonl(writer *w, const al_prop_result *r, int exit_code)
{
	al_json j;
	for (size_t i = 0; i < r->domain_count; i++) {
		const al_prop_domain *d = &r->domains[i];
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "domain");
		json_domain(&j, d, false);
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
		flush(w);
		for (size_t k = 0; k < d->name_count; k++) {
			al_json_init(&j, &w->buf, false);
			al_json_begin_object(&j);
			al_json_kv_string(&j, "type", "name");
			al_json_kv_string(&j, "domain", d->domain);
			json_name(&j, d, &d->names[k]);
			al_json_end_object(&j);
			al_strbuf_putc(&w->buf, '\n');
			flush(w);
		}
	}
	for (size_t i = 0; i < r->diag_count; i++) {
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "finding");
		al_emit_json_finding(&j, &r->diags[i]);
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
		flush(w);
	}
	al_json_init(&j, &w->buf, false);
	al_json_begin_object(&j);
	al_json_kv_string(&j, "type", "summary");
	al_json_kv_string(&j, "schema", PROP_SCHEMA);
	al_json_kv_int(&j, "version", PROP_SCHEMA_VERSION);
	al_emit_json_tool(&j);
	json_run(&j, r, exit_code);
	al_emit_json_summary(&j, &r->summary);
	al_json_end_object(&j);
	al_strbuf_putc(&w->buf, '\n');
	flush(w);
}

al_status al_prop_write(const al_prop_result *r, al_format format, al_sink sink, const al_prop_write_options *o)
{
	if (r == NULL || o == NULL || o->rules == NULL || sink.write == NULL)
		return AL_EINVAL;
	writer w = {0};
	w.sink = sink;
	w.options = o;
	w.color = o->color && format == AL_FORMAT_TEXT;
	al_strbuf_init(&w.buf);
	int exit_code = al_prop_exit_code(r);
	al_status st = AL_OK;
	switch (format) {
	case AL_FORMAT_TEXT:
		for (size_t i = 0; i < r->domain_count; i++)
			text_domain(&w, &r->domains[i]);
		if (w.status == AL_OK && r->diag_count > 0)
			st = findings_through_emitter(&w, r, AL_FORMAT_TEXT, exit_code, false);
		text_summary(&w, r, exit_code);
		break;
	case AL_FORMAT_JSON:
		write_json(&w, r, exit_code);
		break;
	case AL_FORMAT_JSONL:
		write_jsonl(&w, r, exit_code);
		break;
	case AL_FORMAT_SARIF:
	case AL_FORMAT_GITHUB:
		st = findings_through_emitter(&w, r, format, exit_code, true);
		break;
	default:
		st = AL_EINVAL;
	}
	al_strbuf_free(&w.buf);
	return st != AL_OK ? st : w.status;
}

/* ---- changes between rounds ---------------------------------------------------------- */

static const al_prop_domain *find_domain(const al_prop_result *r, const char *domain)
{
	for (size_t i = 0; i < r->domain_count; i++)
		if (strcmp(r->domains[i].domain, domain) == 0)
			return &r->domains[i];
	return NULL;
}

static const al_prop_name *find_name(const al_prop_domain *d, const al_prop_name *n)
{
	for (size_t k = 0; d != NULL && k < d->name_count; k++)
		if (d->names[k].type == n->type && strcmp(d->names[k].name, n->name) == 0)
			return &d->names[k];
	return NULL;
}

/* What a server answers, as one short text. */
static void reply_text(al_strbuf *out, const al_prop_name *n, size_t s)
{
	if (s >= n->reply_count) {
		al_strbuf_puts(out, "(not asked)");
		return;
	}
	const al_prop_reply *r = &n->replies[s];
	if (r->answer < 0) {
		al_strbuf_puts(out, al_prop_status_name(r->status));
		return;
	}
	const al_prop_answer *a = &n->answers[r->answer];
	if (a->status != AL_PROP_ANSWER) {
		al_strbuf_puts(out, a->status == AL_PROP_NXDOMAIN ? "NXDOMAIN" : "NODATA");
		return;
	}
	for (size_t i = 0; i < a->record_count; i++) {
		if (i > 0)
			al_strbuf_puts(out, " | ");
		al_strbuf_puts(out, a->records[i]);
	}
}

static size_t server_in(const al_prop_domain *d, const al_prop_server *s)
{
	for (size_t i = 0; i < d->server_count; i++)
		if (strcmp(d->servers[i].address, s->address) == 0 && d->servers[i].role == s->role)
			return i;
	return SIZE_MAX;
}

static void change(writer *w, al_format format, const al_prop_result *after, const char *domain,
		   const char *name, const char *type, const char *server, const char *what, const char *from,
		   const char *to)
{
	if (format == AL_FORMAT_JSONL) {
		al_json j;
		al_json_init(&j, &w->buf, false);
		al_json_begin_object(&j);
		al_json_kv_string(&j, "type", "change");
		al_json_kv_uint(&j, "round", after->round);
		json_time(&j, "time", after->time);
		al_json_kv_string(&j, "domain", domain);
		al_json_kv_string(&j, "name", name);
		al_json_kv_string(&j, "rrtype", type);
		al_json_kv_string(&j, "server", server);
		al_json_kv_string(&j, "what", what);
		al_json_kv_string(&j, "from", from);
		al_json_kv_string(&j, "to", to);
		al_json_end_object(&j);
		al_strbuf_putc(&w->buf, '\n');
	} else {
		al_strbuf *b = &w->buf;
		al_strbuf_printf(b, "round %u ", after->round);
		al_prop_format_time(b, after->time);
		al_strbuf_puts(b, ": ");
		escaped(b, name ? name : domain);
		if (type != NULL)
			al_strbuf_printf(b, " %s", type);
		if (server != NULL) {
			al_strbuf_puts(b, " @");
			escaped(b, server);
		}
		al_strbuf_printf(b, " %s: ", what);
		escaped(b, from);
		al_strbuf_puts(b, " -> ");
		escaped(b, to);
		al_strbuf_putc(b, '\n');
	}
	flush(w);
}

al_status al_prop_write_changes(const al_prop_result *before, const al_prop_result *after, al_format format,
				al_sink sink, const al_prop_write_options *o)
{
	if (after == NULL || sink.write == NULL)
		return AL_EINVAL;
	if (before == NULL || (format != AL_FORMAT_TEXT && format != AL_FORMAT_JSONL))
		return AL_OK;
	writer w = {0};
	w.sink = sink;
	w.options = o;
	al_strbuf_init(&w.buf);
	al_strbuf from = AL_STRBUF_INIT, to = AL_STRBUF_INIT;
	size_t changes = 0;
	for (size_t i = 0; i < after->domain_count; i++) {
		const al_prop_domain *d = &after->domains[i];
		const al_prop_domain *pd = find_domain(before, d->domain);
		if (pd == NULL)
			continue;
		for (size_t k = 0; k < d->name_count; k++) {
			const al_prop_name *n = &d->names[k];
			const al_prop_name *pn = find_name(pd, n);
			char tbuf[16];
			const char *type = al_rrtype_name(n->type, tbuf);
			if (pn == NULL) {
				change(&w, format, after, d->domain, n->name, type, NULL, "asked", "-",
				       al_prop_verdict_name(n->verdict));
				changes++;
				continue;
			}
			for (size_t s = 0; s < d->server_count; s++) {
				if (!row_shown(d, n, s))
					continue;
				size_t ps = server_in(pd, &d->servers[s]);
				al_strbuf_reset(&from);
				al_strbuf_reset(&to);
				if (ps == SIZE_MAX)
					al_strbuf_puts(&from, "(not asked)");
				else
					reply_text(&from, pn, ps);
				reply_text(&to, n, s);
				if (strcmp(al_strbuf_cstr(&from), al_strbuf_cstr(&to)) != 0) {
					change(&w, format, after, d->domain, n->name, type, d->servers[s].address,
					       "answer", al_strbuf_cstr(&from), al_strbuf_cstr(&to));
					changes++;
				}
			}
			if (pn->verdict != n->verdict) {
				change(&w, format, after, d->domain, n->name, type, NULL, "verdict",
				       al_prop_verdict_name(pn->verdict), al_prop_verdict_name(n->verdict));
				changes++;
			}
		}
		for (size_t s = 0; s < d->server_count; s++) {
			const al_prop_server *sv = &d->servers[s];
			size_t ps = server_in(pd, sv);
			if (ps == SIZE_MAX || sv->serial_state == AL_PROP_SERIAL_NONE)
				continue;
			const al_prop_server *old = &pd->servers[ps];
			if (old->serial_state != AL_PROP_SERIAL_NONE && old->serial != sv->serial) {
				char a[16], b2[16];
				snprintf(a, sizeof(a), "%u", (unsigned)old->serial);
				snprintf(b2, sizeof(b2), "%u", (unsigned)sv->serial);
				change(&w, format, after, d->domain, d->zone, "SOA", sv->address, "serial", a, b2);
				changes++;
			}
		}
	}
	if (changes == 0 && format == AL_FORMAT_TEXT) {
		al_strbuf_printf(&w.buf, "round %u ", after->round);
		al_prop_format_time(&w.buf, after->time);
		al_strbuf_printf(&w.buf, ": no change (%s)\n", al_prop_verdict_name(after->verdict));
		flush(&w);
	}
	al_strbuf_free(&from);
	al_strbuf_free(&to);
	al_strbuf_free(&w.buf);
	return w.status;
}
