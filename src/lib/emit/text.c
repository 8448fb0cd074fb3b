/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text: "file:line:col: severity: message [ID]", then the record with a
 * caret under the offending term, and the fix. Colour only when asked.
 */
#include <string.h>

#include "emit/emit_internal.h"
#include "util/escape.h"

#define WINDOW 100 /* display columns of record shown around the span */

static const char *sev_color(al_severity s)
{
	switch (s) {
	case AL_SEVERITY_ERROR:
		return "\033[1;31m";
	case AL_SEVERITY_WARNING:
		return "\033[1;33m";
	default:
		return "\033[1;36m";
	}
}

static void color(al_emitter *em, const char *code)
{
	if (em->options.color)
		al_strbuf_puts(&em->buf, code);
}

void al_emit_text_location(al_strbuf *out, const al_diag *d);
void al_emit_text_location(al_strbuf *out, const al_diag *d)
{
	const al_location *l = &d->location;
	if (l->file != NULL) {
		al_escape_display(out, l->file, strlen(l->file));
		if (l->line > 0) {
			al_strbuf_printf(out, ":%lu", l->line);
			if (l->column > 0)
				al_strbuf_printf(out, ":%lu", l->column);
		}
	} else if (d->owner != NULL) {
		al_escape_display(out, d->owner, strlen(d->owner));
		if (l->server != NULL) {
			al_strbuf_puts(out, " @");
			al_escape_display(out, l->server, strlen(l->server));
		}
	} else {
		al_strbuf_puts(out, "authlint");
	}
}

/* The record, cut to a window around the span when long, and a caret line. */
static void show_record(al_emitter *em, const al_diag *d)
{
	const char *r = d->record;
	size_t n = d->record_length;
	size_t start = d->span_start, len = d->span_length;
	if (start > n)
		start = n;
	if (len > n - start)
		len = n - start;
	size_t from = 0, to = n;
	bool cut_left = false, cut_right = false;
	if (al_display_width(r, n) > WINDOW * 2) {
		if (start > WINDOW / 2) {
			from = start - WINDOW / 2;
			while (from > 0 && ((unsigned char)r[from] & 0xc0) == 0x80)
				from--;
			cut_left = true;
		}
		size_t end = start + (len ? len : 1) + WINDOW / 2;
		if (end < n) {
			to = end;
			while (to < n && ((unsigned char)r[to] & 0xc0) == 0x80)
				to++;
			cut_right = to < n;
		}
	}
	al_strbuf_puts(&em->buf, "    ");
	if (cut_left)
		al_strbuf_puts(&em->buf, "...");
	al_escape_display(&em->buf, r + from, to - from);
	if (cut_right)
		al_strbuf_puts(&em->buf, "...");
	al_strbuf_putc(&em->buf, '\n');
	if (len == 0)
		return;
	size_t pad = al_display_width(r + from, start - from) + (cut_left ? 3 : 0);
	size_t width = al_display_width(r + start, (start + len > to ? to : start + len) - start);
	al_strbuf_puts(&em->buf, "    ");
	for (size_t i = 0; i < pad; i++)
		al_strbuf_putc(&em->buf, ' ');
	color(em, "\033[1;32m");
	al_strbuf_putc(&em->buf, '^');
	for (size_t i = 1; i < width; i++)
		al_strbuf_putc(&em->buf, '~');
	color(em, "\033[0m");
	al_strbuf_putc(&em->buf, '\n');
}

static void text_diag(al_emitter *em, const al_diag *d)
{
	if (d->waived && !em->options.show_waived)
		return;
	color(em, "\033[1m");
	al_emit_text_location(&em->buf, d);
	al_strbuf_puts(&em->buf, ": ");
	color(em, "\033[0m");
	color(em, sev_color(d->severity));
	al_strbuf_puts(&em->buf, al_severity_name(d->severity));
	color(em, "\033[0m");
	al_strbuf_puts(&em->buf, ": ");
	al_escape_display(&em->buf, d->message, strlen(d->message));
	al_strbuf_puts(&em->buf, " [");
	al_strbuf_puts(&em->buf, d->rule->id);
	al_strbuf_puts(&em->buf, "]");
	if (d->waived) {
		al_strbuf_puts(&em->buf, " (waived: ");
		al_escape_display(&em->buf, d->waiver_reason ? d->waiver_reason : "", d->waiver_reason ? strlen(d->waiver_reason) : 0);
		al_strbuf_putc(&em->buf, ')');
	}
	al_strbuf_putc(&em->buf, '\n');
	if (em->options.show_source && d->record != NULL)
		show_record(em, d);
	if (em->options.show_source && d->context != NULL) {
		al_strbuf_puts(&em->buf, "    note: ");
		al_escape_display(&em->buf, d->context, strlen(d->context));
		al_strbuf_putc(&em->buf, '\n');
	}
	if (em->options.show_source && d->fix != NULL) {
		al_strbuf_puts(&em->buf, "    fix: ");
		/* the first line of the fix; `authlint explain` has the rest */
		const char *nl = strchr(d->fix, '\n');
		al_escape_display(&em->buf, d->fix, nl ? (size_t)(nl - d->fix) : strlen(d->fix));
		al_strbuf_putc(&em->buf, '\n');
	}
	al_emit_flush(em);
}

static void plural(al_strbuf *b, size_t n, const char *word)
{
	al_strbuf_printf(b, "%zu %s%s", n, word, n == 1 ? "" : "s");
}

static void text_end(al_emitter *em, const al_summary *s, int exit_code)
{
	(void)exit_code;
	if (!em->options.show_source)
		return;
	al_strbuf *b = &em->buf;
	plural(b, s->by_severity[AL_SEVERITY_ERROR], "error");
	al_strbuf_puts(b, ", ");
	plural(b, s->by_severity[AL_SEVERITY_WARNING], "warning");
	al_strbuf_puts(b, ", ");
	plural(b, s->by_severity[AL_SEVERITY_NOTE], "note");
	if (s->waived > 0)
		al_strbuf_printf(b, " (%zu waived)", s->waived);
	al_strbuf_puts(b, " in ");
	plural(b, s->records, "record");
	if (s->lookups_failed > 0)
		al_strbuf_printf(b, "; %zu lookups failed, the result is incomplete", s->lookups_failed);
	if (s->not_queried > 0)
		al_strbuf_printf(b, "; %zu lookups not made (offline)", s->not_queried);
	if (s->input_error)
		al_strbuf_puts(b, "; some input could not be read");
	al_strbuf_putc(b, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_text_ops = {
	.diag = text_diag,
	.end = text_end,
};
