/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The plan as an iCalendar file (RFC 5545): one all-day event per step on its
 * suggested date. Lines end in CRLF and are folded at 75 octets without
 * splitting a UTF-8 sequence (3.1); TEXT values escape backslash, semicolon,
 * comma and newline (3.3.11); UIDs are stable for a domain and step, so
 * importing a new version of the plan updates the events (3.8.4.7); DTSTAMP
 * is given by the caller (the library reads no clock).
 */
#include <stdarg.h>
#include <string.h>

#include <authlint/version.h>

#include "plan/plan_internal.h"
#include "util/escape.h"

#define ICS_LINE 75

/* Append one content line, folded: each piece up to a fold in one append. @p line
 * is UTF-8 without CR or LF. */
static void content_line(al_strbuf *out, const char *line, size_t length)
{
	size_t col = 0;
	for (size_t i = 0; i < length;) {
		size_t start = i;
		while (i < length) {
			size_t n = 1;
			unsigned char c = (unsigned char)line[i];
			if (c >= 0xC0) {
				/* the length of the sequence; the text was made valid UTF-8 before */
				n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
				if (i + n > length)
					n = length - i;
			}
			if (col + n > ICS_LINE)
				break;
			col += n;
			i += n;
		}
		al_strbuf_append(out, line + start, i - start);
		if (i < length) {
			al_strbuf_puts(out, "\r\n ");
			col = 1;
		}
	}
	al_strbuf_puts(out, "\r\n");
}

/* NAME:value with @p value as TEXT (display form, then escaped). */
static void text_property(al_strbuf *out, const char *name, const char *value)
{
	al_strbuf shown = AL_STRBUF_INIT, line = AL_STRBUF_INIT;
	/* line by line: the line breaks of @p value are its own, the rest is shown escaped */
	for (const char *v = value; *v != '\0';) {
		const char *nl = strchr(v, '\n');
		size_t n = nl != NULL ? (size_t)(nl - v) : strlen(v);
		al_escape_display(&shown, v, n);
		if (nl == NULL)
			break;
		al_strbuf_putc(&shown, '\n');
		v = nl + 1;
	}
	al_strbuf_puts(&line, name);
	al_strbuf_putc(&line, ':');
	/* runs without a byte to escape in one append */
	for (const char *p = al_strbuf_cstr(&shown); *p != '\0';) {
		size_t run = strcspn(p, "\\;,\n");
		al_strbuf_append(&line, p, run);
		p += run;
		if (*p == '\0')
			break;
		if (*p == '\n') {
			al_strbuf_puts(&line, "\\n");
		} else {
			al_strbuf_putc(&line, '\\');
			al_strbuf_putc(&line, *p);
		}
		p++;
	}
	content_line(out, al_strbuf_cstr(&line), line.length);
	al_strbuf_free(&shown);
	al_strbuf_free(&line);
}

static void raw_property(al_strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void raw_property(al_strbuf *out, const char *fmt, ...)
{
	al_strbuf line = AL_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	al_strbuf_vprintf(&line, fmt, ap);
	va_end(ap);
	content_line(out, al_strbuf_cstr(&line), line.length);
	al_strbuf_free(&line);
}

static void ics_date(al_date d, char out[9])
{
	char buf[11];
	al_date_format(d, buf);
	memcpy(out, buf, 4);
	memcpy(out + 4, buf + 5, 2);
	memcpy(out + 6, buf + 8, 2);
	out[8] = '\0';
}

/* 20261201T000000Z */
static bool valid_stamp(const char *s)
{
	if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static void description(al_strbuf *d, const al_plan *plan, const al_plan_step *s)
{
	char earliest[11];
	al_date_format(s->earliest, earliest);
	al_strbuf_printf(d, "Step %zu of %zu (%s): %s.\n", s->number, plan->step_count, s->id,
			 al_plan_step_status_name(s->status));
	if (s->record_changes)
		al_strbuf_printf(d, "Publish at %s:\n%s\n", plan->current.owner, s->zone_line);
	else
		al_strbuf_printf(d, "No change at %s.\n", plan->current.owner);
	al_strbuf_printf(d, "Earliest %s. Hold at least %u days (%u suggested).\n", earliest, s->min_days,
			 s->suggested_days);
	al_strbuf_printf(d, "RFC 7489 receivers: %s. RFC 9989 receivers: %s.\n", s->effect[0].rfc7489_text,
			 s->effect[0].rfc9989_text);
	if (s->impact.measured) {
		const al_plan_impact *im = &s->impact;
		static const char *const text[5] = {
			"On the failing mail of the report period, a day: RFC 7489 receivers ",
			" quarantined, ", " rejected; RFC 9989 receivers ", " quarantined, ", " rejected"};
		al_plan_impact_numbers(d, im, text);
		if (im->from != NULL)
			al_strbuf_printf(d, " (from %s)", im->from);
		al_strbuf_puts(d, ".\n");
	}
	for (size_t i = 0; i < s->gate_count; i++) {
		const al_plan_gate *g = &s->gates[i];
		if (g->rule != NULL)
			al_strbuf_printf(d, "[%s] %s %s\n", al_plan_gate_state_name(g->state), g->rule->id,
					 g->rule->name);
		else
			al_strbuf_printf(d, "[%s] %s\n", al_plan_gate_state_name(g->state), g->text);
	}
	if (s->record_changes)
		al_strbuf_printf(d, "Rollback: %s\n", s->rollback_zone_line != NULL ? s->rollback_zone_line
										  : "delete the record");
	for (size_t i = 0; i < s->note_count; i++)
		al_strbuf_printf(d, "Note: %s\n", s->notes[i]);
	if (d->length > 0 && d->data[d->length - 1] == '\n')
		d->data[--d->length] = '\0';
}

al_status al_plan_write_ics(const al_plan *plan, const al_plan_write_options *options, al_strbuf *out)
{
	if (!valid_stamp(options->dtstamp))
		return AL_EINVAL;
	raw_property(out, "BEGIN:VCALENDAR");
	raw_property(out, "VERSION:2.0");
	raw_property(out, "PRODID:-//authlint//authlint %s//EN",
		     options->tool_version != NULL ? options->tool_version : al_version());
	raw_property(out, "CALSCALE:GREGORIAN");
	raw_property(out, "METHOD:PUBLISH");
	for (size_t i = 0; i < plan->step_count; i++) {
		const al_plan_step *s = &plan->steps[i];
		char day[9], next[9];
		ics_date(s->suggested, day);
		ics_date(al_date_add_days(s->suggested, 1), next);
		raw_property(out, "BEGIN:VEVENT");
		/* the domain is a printable name; step ids are [a-z0-9-] */
		raw_property(out, "UID:%s.%s@plan.authlint", s->id, plan->domain);
		raw_property(out, "DTSTAMP:%s", options->dtstamp);
		raw_property(out, "DTSTART;VALUE=DATE:%s", day);
		raw_property(out, "DTEND;VALUE=DATE:%s", next);
		al_strbuf summary = AL_STRBUF_INIT;
		al_strbuf_printf(&summary, "DMARC %s step %zu/%zu: %s", plan->domain, s->number,
				 plan->step_count, s->title);
		if (s->status == AL_PLAN_STEP_BLOCKED)
			al_strbuf_puts(&summary, " (blocked)");
		text_property(out, "SUMMARY", al_strbuf_cstr(&summary));
		al_strbuf_free(&summary);
		al_strbuf d = AL_STRBUF_INIT;
		description(&d, plan, s);
		text_property(out, "DESCRIPTION", al_strbuf_cstr(&d));
		al_strbuf_free(&d);
		raw_property(out, "CATEGORIES:DMARC");
		raw_property(out, "STATUS:%s", s->status == AL_PLAN_STEP_READY ? "CONFIRMED" : "TENTATIVE");
		raw_property(out, "TRANSP:TRANSPARENT");
		raw_property(out, "END:VEVENT");
	}
	raw_property(out, "END:VCALENDAR");
	return AL_OK;
}
