/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "util/markdown.h"

#include <string.h>

#include "util/escape.h"

void al_md_escape(al_strbuf *out, const char *shown)
{
	for (const char *p = shown; *p != '\0'; p++) {
		if (strchr(AL_MD_SPECIAL, *p) != NULL)
			al_strbuf_putc(out, '\\');
		al_strbuf_putc(out, *p);
	}
}

void al_md_text(al_strbuf *out, const char *text)
{
	if (text == NULL)
		return;
	al_strbuf shown = AL_STRBUF_INIT;
	al_escape_display(&shown, text, strlen(text));
	al_md_escape(out, al_strbuf_cstr(&shown));
	if (shown.failed)
		out->failed = true;
	al_strbuf_free(&shown);
}

size_t al_md_longest_backticks(const char *text)
{
	size_t run = 0, longest = 0;
	for (const char *p = text; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

void al_md_code_span(al_strbuf *out, const char *shown, bool in_table)
{
	size_t n = strlen(shown);
	size_t fence = al_md_longest_backticks(shown) + 1;
	bool pad = n > 0 && (shown[0] == '`' || shown[n - 1] == '`');
	for (size_t i = 0; i < fence; i++)
		al_strbuf_putc(out, '`');
	if (pad)
		al_strbuf_putc(out, ' ');
	for (size_t i = 0; i < n; i++) {
		if (in_table && shown[i] == '|')
			al_strbuf_putc(out, '\\');
		al_strbuf_putc(out, shown[i]);
	}
	if (pad)
		al_strbuf_putc(out, ' ');
	for (size_t i = 0; i < fence; i++)
		al_strbuf_putc(out, '`');
}

void al_md_code(al_strbuf *out, const char *text, bool in_table)
{
	al_strbuf shown = AL_STRBUF_INIT;
	if (text != NULL)
		al_escape_display(&shown, text, strlen(text));
	if (shown.failed)
		out->failed = true;
	al_md_code_span(out, al_strbuf_cstr(&shown), in_table);
	al_strbuf_free(&shown);
}
