/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "record/txtpres.h"

#include <ctype.h>
#include <string.h>

#include "util/arena.h"

bool al_txt_is_presentation(const char *text, size_t length)
{
	size_t i = 0;
	while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < length && text[i] == '"';
}

al_status al_txt_parse_presentation(const char *text, size_t length, struct al_arena *arena,
				    al_txt_presentation *out, al_error *err)
{
	memset(out, 0, sizeof(*out));
	/* the joined text is never longer than the input */
	size_t cap = length + 1;
	uint8_t *joined = al_arena_alloc(arena, cap);
	out->lines = al_arena_alloc(arena, cap * sizeof(unsigned long));
	out->columns = al_arena_alloc(arena, cap * sizeof(unsigned long));
	size_t *ends = al_arena_alloc(arena, cap * sizeof(size_t));
	if (joined == NULL || out->lines == NULL || out->columns == NULL || ends == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	size_t pos = 0, n = 0, count = 0;
	unsigned long line = 1;
	size_t line_start = 0;
	while (pos < length) {
		char c = text[pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')') {
			if (c == '\n') {
				line++;
				line_start = pos + 1;
			}
			pos++;
			continue;
		}
		bool quoted = c == '"';
		unsigned long sline = line, scol = (unsigned long)(pos - line_start) + 1;
		size_t start_n = n;
		if (quoted)
			pos++;
		bool closed = !quoted;
		while (pos < length) {
			c = text[pos];
			if (quoted && c == '"') {
				pos++;
				closed = true;
				break;
			}
			if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')'))
				break;
			unsigned long bl = line, bc = (unsigned long)(pos - line_start) + 1;
			uint8_t byte;
			if (c == '\\') {
				if (pos + 1 >= length)
					return al_error_set(err, AL_ESYNTAX, "line %lu, column %lu: a backslash at the end",
							    bl, bc);
				if (isdigit((unsigned char)text[pos + 1])) {
					if (pos + 3 >= length || !isdigit((unsigned char)text[pos + 2]) ||
					    !isdigit((unsigned char)text[pos + 3]))
						return al_error_set(err, AL_ESYNTAX,
								    "line %lu, column %lu: \\DDD needs three digits", bl, bc);
					unsigned v = (unsigned)(text[pos + 1] - '0') * 100 +
						     (unsigned)(text[pos + 2] - '0') * 10 + (unsigned)(text[pos + 3] - '0');
					if (v > 255)
						return al_error_set(err, AL_ESYNTAX,
								    "line %lu, column %lu: \\%c%c%c is above 255", bl, bc,
								    text[pos + 1], text[pos + 2], text[pos + 3]);
					byte = (uint8_t)v;
					pos += 4;
				} else {
					byte = (uint8_t)text[pos + 1];
					pos += 2;
				}
			} else {
				if (c == '\n') {
					line++;
					line_start = pos + 1;
				}
				byte = (uint8_t)c;
				pos++;
			}
			joined[n] = byte;
			out->lines[n] = bl;
			out->columns[n] = bc;
			n++;
		}
		if (!closed)
			return al_error_set(err, AL_ESYNTAX, "line %lu, column %lu: the quoted string is not closed",
					    sline, scol);
		size_t len = n - start_n;
		if (len > out->longest) {
			out->longest = len;
			out->longest_line = sline;
			out->longest_column = scol;
		}
		ends[count++] = n;
	}
	if (count == 0)
		return al_error_set(err, AL_ESYNTAX, "no character-string");
	/* wire form: each string as written, split at 255 octets when longer */
	size_t wire = 0, prev = 0;
	for (size_t i = 0; i < count; i++) {
		size_t len = ends[i] - prev;
		wire += len + (len / 255) + 1;
		prev = ends[i];
	}
	out->rdata = al_arena_alloc(arena, wire ? wire : 1);
	if (out->rdata == NULL)
		return al_error_set(err, AL_ENOMEM, "out of memory");
	if (wire > 65535)
		return al_error_set(err, AL_ELIMIT, "the record is longer than 65535 octets");
	size_t w = 0;
	prev = 0;
	for (size_t i = 0; i < count; i++) {
		size_t len = ends[i] - prev, done = 0;
		do {
			size_t chunk = len - done > 255 ? 255 : len - done;
			out->rdata[w++] = (uint8_t)chunk;
			memcpy(out->rdata + w, joined + prev + done, chunk);
			w += chunk;
			done += chunk;
		} while (done < len);
		prev = ends[i];
	}
	out->rdlength = w;
	out->joined_length = n;
	out->string_count = count;
	return AL_OK;
}
