/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading the source text of one TXT record again, after libzscanner has
 * parsed it: to point at the exact line and column of a term, and to find a
 * quoted string over 255 octets that the scanner split silently.
 *
 * The walk follows RFC 1035 master-file syntax: an optional owner (absent
 * when the line starts with a blank), TTL and class in either order, the
 * type, then character-strings, quoted or not, with \X and \DDD escapes,
 * parentheses across lines and comments.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dns/zone_internal.h"
#include "util/escape.h"

typedef struct cursor {
	const char *text;
	size_t length;
	size_t pos;
	unsigned long line;
	size_t line_start;
	int paren;
} cursor;

static void advance(cursor *c)
{
	if (c->pos < c->length && c->text[c->pos] == '\n') {
		c->line++;
		c->line_start = c->pos + 1;
	}
	c->pos++;
}

/* Skip blanks, and inside parentheses also comments and line breaks. Returns
 * false at the end of the record (a line break outside parentheses). */
static bool skip_blank(cursor *c)
{
	while (c->pos < c->length) {
		char ch = c->text[c->pos];
		if (ch == ' ' || ch == '\t' || ch == '\r') {
			advance(c);
		} else if (ch == '(') {
			c->paren++;
			advance(c);
		} else if (ch == ')') {
			if (c->paren > 0)
				c->paren--;
			advance(c);
		} else if (ch == ';') {
			while (c->pos < c->length && c->text[c->pos] != '\n')
				advance(c);
		} else if (ch == '\n') {
			if (c->paren == 0)
				return false;
			advance(c);
		} else {
			return true;
		}
	}
	return false;
}

/* An unquoted token's extent (no decoding). */
static size_t token_end(const cursor *c)
{
	size_t p = c->pos;
	while (p < c->length) {
		char ch = c->text[p];
		if (ch == '\\' && p + 1 < c->length) {
			p += 2;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ';' || ch == '(' || ch == ')')
			break;
		p++;
	}
	return p;
}

static bool word_is(const cursor *c, size_t end, const char *w)
{
	size_t n = strlen(w);
	return end - c->pos == n && strncasecmp(c->text + c->pos, w, n) == 0;
}

static bool is_ttl(const cursor *c, size_t end)
{
	if (end == c->pos || !isdigit((unsigned char)c->text[c->pos]))
		return false;
	for (size_t p = c->pos; p < end; p++) {
		char ch = (char)tolower((unsigned char)c->text[p]);
		if (!isdigit((unsigned char)ch) && ch != 's' && ch != 'm' && ch != 'h' && ch != 'd' && ch != 'w')
			return false;
	}
	return true;
}

static bool is_class(const cursor *c, size_t end)
{
	return word_is(c, end, "IN") || word_is(c, end, "CH") || word_is(c, end, "HS") ||
	       word_is(c, end, "CS") ||
	       (end - c->pos > 5 && strncasecmp(c->text + c->pos, "CLASS", 5) == 0);
}

/* Decode one character-string at the cursor, reporting each byte from
 * w->skip_to on (the bytes before it are only counted). */
static void walk_string(cursor *c, size_t *index, const zsource_walk *w)
{
	bool quoted = c->text[c->pos] == '"';
	unsigned long start_line = c->line;
	size_t decoded = 0;
	if (quoted)
		advance(c);
	while (c->pos < c->length && (w->stop == NULL || !*w->stop)) {
		char ch = c->text[c->pos];
		if (quoted && ch == '"') {
			advance(c);
			break;
		}
		if (!quoted && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ';' ||
				ch == '(' || ch == ')'))
			break;
		bool report = w->byte_fn != NULL && *index >= w->skip_to;
		if (quoted && !report) {
			/* plain bytes nobody wants reported: count them in one go */
			size_t room = c->length - c->pos;
			if (w->byte_fn != NULL && w->skip_to - *index < room)
				room = w->skip_to - *index;
			const char *t = c->text + c->pos;
			size_t k = 0;
			for (; k + 8 <= room; k += 8) {
				uint64_t v;
				memcpy(&v, t + k, 8);
				if (al_bytes_has(v, '"') | al_bytes_has(v, '\\') | al_bytes_has(v, '\n'))
					break;
			}
			while (k < room && t[k] != '"' && t[k] != '\\' && t[k] != '\n')
				k++;
			if (k > 0) {
				c->pos += k;
				*index += k;
				decoded += k;
				continue;
			}
		}
		unsigned long line = c->line;
		unsigned long column = (unsigned long)(c->pos - c->line_start) + 1;
		if (ch == '\\' && c->pos + 1 < c->length) {
			if (c->pos + 3 < c->length && isdigit((unsigned char)c->text[c->pos + 1]) &&
			    isdigit((unsigned char)c->text[c->pos + 2]) &&
			    isdigit((unsigned char)c->text[c->pos + 3])) {
				advance(c);
				advance(c);
				advance(c);
				advance(c);
			} else {
				advance(c);
				advance(c);
			}
		} else if (ch == '\n') {
			advance(c);
		} else {
			c->pos++; /* neither a line break nor an escape */
		}
		if (report)
			w->byte_fn(w->ctx, *index, line, column);
		(*index)++;
		decoded++;
	}
	if (w->string_fn != NULL)
		w->string_fn(w->ctx, decoded, start_line);
}

bool al_zone_walk_txt_source(const char *text, size_t length, size_t offset, unsigned long first_line,
			     const zsource_walk *walk)
{
	if (offset > length)
		return false;
	/* the line start, to count columns */
	size_t ls = offset;
	while (ls > 0 && text[ls - 1] != '\n')
		ls--;
	cursor c = {text, length, offset, first_line, ls, 0};
	/* owner: present when the record does not start with a blank */
	if (offset == ls || (text[offset] != ' ' && text[offset] != '\t')) {
		if (!skip_blank(&c))
			return false;
		c.pos = token_end(&c);
	}
	/* TTL and class in either order, then the type */
	bool found_type = false;
	for (int i = 0; i < 4 && !found_type; i++) {
		if (!skip_blank(&c))
			return false;
		size_t end = token_end(&c);
		if (is_ttl(&c, end) || is_class(&c, end)) {
			c.pos = end;
			continue;
		}
		if (word_is(&c, end, "TXT") || word_is(&c, end, "SPF") || word_is(&c, end, "TYPE16") ||
		    word_is(&c, end, "TYPE99")) {
			c.pos = end;
			found_type = true;
		} else {
			return false;
		}
	}
	if (!found_type)
		return false;
	size_t index = 0;
	for (int n = 0; n < 65536 && (walk->stop == NULL || !*walk->stop); n++) {
		if (!skip_blank(&c))
			break;
		if (c.text[c.pos] == '\\' && c.pos + 1 < c.length && c.text[c.pos + 1] == '#')
			return false; /* RFC 3597 generic form: no strings to map */
		walk_string(&c, &index, walk);
	}
	return true;
}
