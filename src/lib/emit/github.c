/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * github: workflow commands that GitHub Actions turns into annotations:
 *   ::error file=F,line=L,col=C,endColumn=E,title=ID name::message
 * Text is first put in display form (util/escape.h), then escaped the way
 * the Actions runner reads it: in data % CR LF, in properties also : and ,.
 * Waived findings are not annotated.
 */
#include <string.h>

#include "emit/emit_internal.h"
#include "util/escape.h"

static void github_escape(al_strbuf *out, const char *s, size_t n, bool property)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%')
			al_strbuf_puts(out, "%25");
		else if (c == '\r')
			al_strbuf_puts(out, "%0D");
		else if (c == '\n')
			al_strbuf_puts(out, "%0A");
		else if (property && c == ':')
			al_strbuf_puts(out, "%3A");
		else if (property && c == ',')
			al_strbuf_puts(out, "%2C");
		else
			al_strbuf_putc(out, c);
	}
}

/* The display form of @p text (n bytes), escaped for a command. */
static void put_escaped(al_strbuf *out, al_strbuf *tmp, const char *text, size_t n, bool property)
{
	al_strbuf_reset(tmp);
	al_escape_display(tmp, text, n);
	if (tmp->failed)
		out->failed = true;
	github_escape(out, al_strbuf_cstr(tmp), tmp->length, property);
}

static const char *command_for(al_severity s)
{
	switch (s) {
	case AL_SEVERITY_ERROR:
		return "error";
	case AL_SEVERITY_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

static void github_diag(al_emitter *em, const al_diag *d)
{
	if (d->waived)
		return;
	al_strbuf *b = &em->buf;
	al_strbuf tmp = AL_STRBUF_INIT;
	al_strbuf_printf(b, "::%s ", command_for(d->severity));
	const al_location *l = &d->location;
	if (l->file != NULL && !al_emit_is_pseudo_file(l->file)) {
		al_strbuf_puts(b, "file=");
		put_escaped(b, &tmp, l->file, strlen(l->file), true);
		al_strbuf_putc(b, ',');
		if (l->line > 0) {
			al_strbuf_printf(b, "line=%lu,", l->line);
			if (l->column > 0) {
				al_strbuf_printf(b, "col=%lu,", l->column);
				size_t start, length;
				if (al_emit_span(d, &start, &length) && length > 0)
					al_strbuf_printf(b, "endColumn=%lu,", l->column + (unsigned long)length);
			}
		}
	}
	al_strbuf_puts(b, "title=");
	put_escaped(b, &tmp, d->rule->id, strlen(d->rule->id), true);
	if (d->rule->name != NULL) {
		al_strbuf_putc(b, ' ');
		put_escaped(b, &tmp, d->rule->name, strlen(d->rule->name), true);
	}
	al_strbuf_puts(b, "::");
	if (l->file == NULL || al_emit_is_pseudo_file(l->file)) {
		/* no file to point at: say where the record came from */
		al_strbuf_reset(&tmp);
		al_emit_text_location(&tmp, d);
		if (tmp.failed)
			b->failed = true;
		github_escape(b, al_strbuf_cstr(&tmp), tmp.length, false);
		al_strbuf_puts(b, ": ");
	}
	put_escaped(b, &tmp, d->message, strlen(d->message), false);
	if (d->fix != NULL) {
		al_strbuf_puts(b, "%0Afix: ");
		al_strbuf_reset(&tmp);
		al_emit_fix_paragraph(&tmp, d->fix);
		if (tmp.failed)
			b->failed = true;
		github_escape(b, al_strbuf_cstr(&tmp), tmp.length, false);
	}
	al_strbuf_putc(b, '\n');
	al_strbuf_free(&tmp);
	al_emit_flush(em);
}

static void github_end(al_emitter *em, const al_summary *s, int exit_code)
{
	(void)exit_code;
	if (!em->options.show_source)
		return;
	/* a plain line: the log shows it, no annotation is made */
	al_strbuf_puts(&em->buf, "authlint: ");
	al_emit_summary_line(&em->buf, s);
	al_strbuf_putc(&em->buf, '\n');
	al_emit_flush(em);
}

const al_emitter_ops al_emit_github_ops = {
	.diag = github_diag,
	.end = github_end,
};
