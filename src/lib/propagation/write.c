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
#include "util/palette.h"
#include "propagation/write_internal.h"


void al_propw_flush(writer *w)
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


static const char *verdict_color(al_prop_verdict v)
{
	switch (v) {
	case AL_PROP_CONSISTENT:
		return AL_SGR_GOOD;
	case AL_PROP_PROPAGATING:
		return AL_SGR_UNSURE;
	default:
		return AL_SGR_BAD;
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

void al_propw_escaped(al_strbuf *out, const char *text)
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
bool al_propw_row_shown(const al_prop_domain *d, const al_prop_name *n, size_t s)
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
		al_propw_escaped(out, s->name);
	al_strbuf_putc(out, ' ');
	al_propw_escaped(out, s->address);
	return out->length - before;
}

static void text_name(writer *w, const al_prop_domain *d, const al_prop_name *n)
{
	al_strbuf *b = &w->buf;
	char tbuf[16];
	al_strbuf_puts(b, "  ");
	color(w, AL_SGR_BOLD);
	al_propw_escaped(b, n->name);
	al_strbuf_printf(b, " %s", al_rrtype_name(n->type, tbuf));
	color(w, AL_SGR_RESET);
	al_strbuf_printf(b, " (%s): ", n->purpose);
	color(w, verdict_color(n->verdict));
	al_strbuf_puts(b, al_prop_verdict_name(n->verdict));
	color(w, AL_SGR_RESET);
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
		al_propw_flush(w);
		return;
	}
	if (w->options && w->options->quiet) {
		al_propw_flush(w);
		return;
	}
	/* the table: servers down, answers across */
	size_t width = 6;
	al_strbuf tmp = AL_STRBUF_INIT;
	for (size_t s = 0; s < n->reply_count; s++) {
		if (!al_propw_row_shown(d, n, s))
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
		if (!al_propw_row_shown(d, n, s))
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
					color(w, d->servers[s].role == AL_PROP_AUTHORITATIVE ? AL_SGR_BAD : AL_SGR_UNSURE);
					size_t l = strlen(cell);
					if (l + 1 < sizeof(cell)) {
						cell[l] = '*';
						cell[l + 1] = '\0';
					}
				}
				al_strbuf_printf(b, "%-9s", cell);
				if (differs)
					color(w, AL_SGR_RESET);
			} else {
				color(w, AL_SGR_DIM);
				al_strbuf_printf(b, "%-9s", ".");
				color(w, AL_SGR_RESET);
			}
		}
		if (r->answer < 0) {
			color(w, r->status == AL_PROP_NOT_ASKED ? AL_SGR_DIM : AL_SGR_BAD);
			al_strbuf_printf(b, "%s", al_prop_status_name(r->status));
			if (r->detail != NULL) {
				al_strbuf_puts(b, ": ");
				al_propw_escaped(b, r->detail);
			}
			color(w, AL_SGR_RESET);
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
	al_propw_flush(w);
}

void al_propw_text_domain(writer *w, const al_prop_domain *d)
{
	al_strbuf *b = &w->buf;
	color(w, AL_SGR_BOLD);
	al_propw_escaped(b, d->domain);
	color(w, AL_SGR_RESET);
	al_strbuf_puts(b, ": ");
	color(w, verdict_color(d->verdict));
	al_strbuf_puts(b, al_prop_verdict_name(d->verdict));
	color(w, AL_SGR_RESET);
	size_t auth = 0, res = 0;
	for (size_t s = 0; s < d->server_count; s++) {
		if (d->servers[s].role == AL_PROP_AUTHORITATIVE)
			auth++;
		else
			res++;
	}
	al_strbuf_puts(b, " (zone ");
	al_propw_escaped(b, d->zone ? d->zone : "unknown");
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
			al_propw_escaped(b, sv->zone);
		}
		if (sv->manual)
			al_strbuf_puts(b, " (given)");
		switch (sv->serial_state) {
		case AL_PROP_SERIAL_NEWEST:
			al_strbuf_printf(b, ", serial %u (newest)", (unsigned)sv->serial);
			break;
		case AL_PROP_SERIAL_BEHIND:
			color(w, AL_SGR_BAD);
			al_strbuf_printf(b, ", serial %u (%u behind)", (unsigned)sv->serial, (unsigned)sv->behind_by);
			color(w, AL_SGR_RESET);
			break;
		case AL_PROP_SERIAL_UNORDERED:
			al_strbuf_printf(b, ", serial %u (cannot be ordered)", (unsigned)sv->serial);
			break;
		case AL_PROP_SERIAL_NONE:
			break;
		}
		if (sv->skipped || sv->lame || sv->failed) {
			color(w, AL_SGR_BAD);
			al_strbuf_puts(b, sv->skipped ? ", not asked: " : sv->lame ? ", lame: " : ", failed: ");
			al_propw_escaped(b, sv->skipped ? sv->skip_reason : sv->problem);
			color(w, AL_SGR_RESET);
		}
		al_strbuf_putc(b, '\n');
	}
	for (size_t i = 0; i < d->problem_count; i++) {
		al_strbuf_puts(b, "  problem: ");
		al_propw_escaped(b, d->problems[i]);
		al_strbuf_putc(b, '\n');
	}
	for (size_t i = 0; i < d->note_count; i++) {
		al_strbuf_puts(b, "  note: ");
		al_propw_escaped(b, d->notes[i]);
		al_strbuf_putc(b, '\n');
	}
	al_propw_flush(w);
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
	al_propw_flush(w);
}

al_status al_propw_findings_through_emitter(writer *w, const al_prop_result *r, al_format format, int exit_code,
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
	for (size_t i = 0; i < al_findings_count(r->findings); i++)
		al_emitter_diag(em, al_findings_at(r->findings, i));
	if (whole)
		al_emitter_end(em, al_findings_summary(r->findings), exit_code);
	st = al_emitter_status(em);
	al_emitter_free(em);
	return st;
}

void al_propw_text_summary(writer *w, const al_prop_result *r, int exit_code)
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
	al_emit_severity_counts(b, al_findings_summary(r->findings));
	if (exit_code == 2)
		al_strbuf_puts(b, "; the result is incomplete");
	al_strbuf_putc(b, '\n');
	al_propw_flush(w);
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
	int exit_code = o != NULL && o->exit_code_set ? o->exit_code : al_prop_exit_code(r);
	al_status st = AL_OK;
	switch (format) {
	case AL_FORMAT_TEXT:
		for (size_t i = 0; i < r->domain_count; i++)
			al_propw_text_domain(&w, &r->domains[i]);
		if (w.status == AL_OK && al_findings_count(r->findings) > 0)
			st = al_propw_findings_through_emitter(&w, r, AL_FORMAT_TEXT, exit_code, false);
		al_propw_text_summary(&w, r, exit_code);
		break;
	case AL_FORMAT_JSON:
		al_propw_write_json(&w, r, exit_code);
		break;
	case AL_FORMAT_JSONL:
		al_propw_write_jsonl(&w, r, exit_code);
		break;
	case AL_FORMAT_SARIF:
	case AL_FORMAT_GITHUB:
		st = al_propw_findings_through_emitter(&w, r, format, exit_code, true);
		break;
	default:
		st = AL_EINVAL;
	}
	al_strbuf_free(&w.buf);
	return st != AL_OK ? st : w.status;
}
