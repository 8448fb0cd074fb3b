/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text: "file:line:col: severity: message [ID]", then the record with a
 * caret under the offending term, and the fix. Colour only when asked.
 *
 * The record is shown in display form (util/escape.h), so the caret is
 * placed by terminal columns of that form: an escape such as \x1b takes its
 * four columns, a wide character two (libunistring's uc_width), a combining
 * mark none. A long record is cut to a window around the term.
 */
#include <string.h>
#include <uniwidth.h>

#include "emit/emit_internal.h"
#include "util/escape.h"
#include "util/palette.h"

#define SHOW_ALL 160  /* records up to this many columns are shown whole */
#define BEFORE 60     /* columns of context kept before the term in a window */

static void color(al_emitter *em, const char *code)
{
	if (em->options.color)
		al_strbuf_puts(&em->buf, code);
}

/* Columns of the display form of the unit (a byte or a code point) at r[i];
 * *n receives its length in bytes. Splits the text exactly as the display
 * escaping does. */
static size_t unit_width(const char *r, size_t i, size_t len, size_t *n)
{
	unsigned char c = (unsigned char)r[i];
	*n = 1;
	if (c >= 0x20 && c < 0x7f)
		return c == '\\' ? 2 : 1;
	if (c < 0x80)
		return al_display_width(r + i, 1);
	uint32_t cp;
	size_t k = al_utf8_decode((const unsigned char *)r + i, len - i, &cp);
	if (k == 0)
		return al_display_width(r + i, 1);
	*n = k;
	if (!al_text_is_clean(r + i, k))
		return al_display_width(r + i, k); /* shown as \u{NNNN} */
	int w = uc_width(cp, "UTF-8");
	return w < 0 ? 1 : (size_t)w;
}

static size_t columns(const char *r, size_t from, size_t to)
{
	size_t w = 0, n;
	for (size_t i = from; i < to; i += n) {
		/* the common case, printable ASCII: one column each */
		size_t k = al_escape_plain_run(r + i, to - i);
		w += k;
		i += k;
		if (i >= to)
			break;
		w += unit_width(r, i, to, &n);
	}
	return w;
}

/* @p count copies of @p c. */
static void put_run(al_strbuf *b, char c, size_t count)
{
	char run[64];
	memset(run, c, sizeof(run));
	while (count > 0) {
		size_t k = count < sizeof(run) ? count : sizeof(run);
		al_strbuf_append(b, run, k);
		count -= k;
	}
}

/* The record, cut to a window around the span when long, and a caret line. */
static void show_record(al_emitter *em, const al_diag *d)
{
	const char *r = d->record;
	size_t n = d->record_length, start, len, unit;
	al_emit_span(d, &start, &len);
	size_t from = 0, to = n;
	size_t before = columns(r, 0, start);
	if (before + columns(r, start, n) > SHOW_ALL) {
		/* first unit boundary with at most BEFORE columns up to the span */
		size_t acc = 0;
		while (from < start && acc < before && before - acc > BEFORE) {
			/* printable ASCII, one column a byte, while the loop would go on */
			size_t k = al_escape_plain_run(r + from, start - from);
			if (k > before - BEFORE - acc)
				k = before - BEFORE - acc;
			if (k > 0) {
				acc += k;
				from += k;
				continue;
			}
			acc += unit_width(r, from, n, &unit);
			from += unit;
		}
		size_t budget = SHOW_ALL - (from > 0 ? 3 : 0) - 3, used = 0;
		to = from;
		while (to < n) {
			/* printable ASCII: taken up to the span whatever the budget, then while it lasts */
			size_t k = al_escape_plain_run(r + to, n - to);
			size_t free_k = to <= start ? start - to + 1 : 0;
			if (k > free_k) {
				size_t left = used + free_k < budget ? budget - used - free_k : 0;
				if (k > free_k + left)
					k = free_k + left;
			}
			if (k > 0) {
				used += k;
				to += k;
				continue;
			}
			size_t w = unit_width(r, to, n, &unit);
			if (used + w > budget && to > start)
				break;
			used += w;
			to += unit;
		}
	}
	AL_STRBUF_LIT(&em->buf, "    ");
	if (from > 0)
		AL_STRBUF_LIT(&em->buf, "...");
	al_escape_display(&em->buf, r + from, to - from);
	if (to < n)
		AL_STRBUF_LIT(&em->buf, "...");
	al_strbuf_putc(&em->buf, '\n');
	if (len == 0)
		return; /* the finding is about the whole record */
	size_t pad = columns(r, from, start) + (from > 0 ? 3 : 0);
	size_t width = columns(r, start, start + len < to ? start + len : to);
	AL_STRBUF_LIT(&em->buf, "    ");
	put_run(&em->buf, ' ', pad);
	color(em, AL_SGR_CARET);
	al_strbuf_putc(&em->buf, '^');
	if (width > 1)
		put_run(&em->buf, '~', width - 1);
	color(em, AL_SGR_RESET);
	al_strbuf_putc(&em->buf, '\n');
}

static void text_diag(al_emitter *em, const al_diag *d)
{
	if (d->waived && !em->options.show_waived)
		return;
	color(em, AL_SGR_BOLD);
	al_emit_text_location_memo(&em->buf, d, &em->fixes);
	AL_STRBUF_LIT(&em->buf, ":");
	color(em, AL_SGR_RESET);
	al_strbuf_putc(&em->buf, ' ');
	color(em, al_sgr_severity(d->severity));
	al_strbuf_puts(&em->buf, al_severity_name(d->severity));
	color(em, AL_SGR_RESET);
	AL_STRBUF_LIT(&em->buf, ": ");
	al_emit_escaped(&em->buf, d->message);
	AL_STRBUF_LIT(&em->buf, " [");
	al_emit_escaped(&em->buf, d->rule->id);
	al_strbuf_putc(&em->buf, ']');
	if (d->waived) {
		AL_STRBUF_LIT(&em->buf, " (waived: ");
		al_emit_escaped(&em->buf, d->waiver_reason ? d->waiver_reason : "no reason given");
		if (d->waiver_source != NULL) {
			AL_STRBUF_LIT(&em->buf, ", ");
			al_emit_escaped(&em->buf, d->waiver_source);
		}
		al_strbuf_putc(&em->buf, ')');
	}
	al_strbuf_putc(&em->buf, '\n');
	if (em->options.show_source && d->record != NULL)
		show_record(em, d);
	if (em->options.show_source && d->context != NULL) {
		AL_STRBUF_LIT(&em->buf, "    note: ");
		al_emit_escaped(&em->buf, d->context);
		al_strbuf_putc(&em->buf, '\n');
	}
	if (em->options.show_source && d->fix != NULL) {
		/* the fix's first paragraph; `authlint explain` has the rest */
		AL_STRBUF_LIT(&em->buf, "    fix: ");
		al_emit_memo_append(&em->fixes, &em->buf, d->fix, al_emit_fix_paragraph);
		al_strbuf_putc(&em->buf, '\n');
	}
	al_emit_flush(em);
}

static void text_end(al_emitter *em, const al_summary *s, int exit_code)
{
	(void)exit_code;
	if (!em->options.show_source)
		return;
	al_emit_summary_line(&em->buf, s);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_text_ops = {
	.diag = text_diag,
	.end = text_end,
};
