/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Resume a bulk run: read the jsonl output of an earlier `authlint check` and
 * drop from the list the domains it holds a whole result line for.
 *
 * A run cut short (a signal, a crash, a full disk) leaves whole lines and at
 * most one last line cut short; a run resumed with `>>` onto such a file
 * glues its first line to that piece. So a line counts only when it is one
 * whole JSON object, checked by a strict scanner: a line cut short and then
 * appended to is never taken for a result (its domain is checked again).
 * The scanner keeps only the top-level "type" and "domain" strings, so memory
 * stays bounded whatever the length of a line.
 */
#include <authlint/bulk.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/strbuf.h"

#define MAX_DEPTH 64
#define MAX_RESUME_BYTES ((unsigned long long)64 << 30)
#define MAX_CAPTURE 1100 /* a name of 255 bytes, each shown as \xNN at worst, and more */

enum expect { X_START, X_VALUE, X_VALUE_OR_END, X_KEY_OR_END, X_KEY, X_COLON, X_AFTER, X_DONE, X_BAD };
enum token { T_NONE, T_STRING, T_ESCAPE, T_HEX, T_NUMBER, T_LITERAL };
enum number { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };
enum wanted { W_NONE, W_TYPE, W_DOMAIN };

typedef struct scanner {
	enum expect state;
	enum token token;
	enum number number;
	char stack[MAX_DEPTH];
	int depth;
	int hex_left;
	const char *literal;
	bool string_is_key;
	enum wanted key;  /* the depth-1 key whose value comes next */
	char capture[MAX_CAPTURE];
	size_t capture_length;
	bool capture_overflow;
	char type[16];
	char domain[MAX_CAPTURE];
	bool has_type, has_domain;
} scanner;

static void scan_reset(scanner *s)
{
	s->state = X_START;
	s->token = T_NONE;
	s->depth = 0;
	s->key = W_NONE;
	s->has_type = s->has_domain = false;
}

static void capture_char(scanner *s, char c)
{
	if (s->capture_length + 1 < sizeof(s->capture))
		s->capture[s->capture_length++] = c;
	else
		s->capture_overflow = true;
}

/* A value ended at the current depth. */
static void value_done(scanner *s)
{
	if (s->depth == 1)
		s->key = W_NONE;
	s->state = s->depth == 0 ? X_DONE : X_AFTER;
}

static void close_container(scanner *s)
{
	s->depth--;
	value_done(s);
}

static void string_done(scanner *s)
{
	s->token = T_NONE;
	s->capture[s->capture_length] = '\0';
	if (s->string_is_key) {
		s->key = W_NONE;
		if (s->depth == 1 && !s->capture_overflow) {
			if (strcmp(s->capture, "type") == 0)
				s->key = W_TYPE;
			else if (strcmp(s->capture, "domain") == 0)
				s->key = W_DOMAIN;
		}
		s->state = X_COLON;
		return;
	}
	if (s->depth == 1 && !s->capture_overflow) {
		if (s->key == W_TYPE && s->capture_length < sizeof(s->type)) {
			memcpy(s->type, s->capture, s->capture_length + 1);
			s->has_type = true;
		} else if (s->key == W_DOMAIN) {
			memcpy(s->domain, s->capture, s->capture_length + 1);
			s->has_domain = true;
		}
	}
	value_done(s);
}

static void start_string(scanner *s, bool key)
{
	s->token = T_STRING;
	s->string_is_key = key;
	s->capture_length = 0;
	s->capture_overflow = false;
}

static bool push(scanner *s, char c)
{
	if (s->depth >= MAX_DEPTH)
		return false;
	s->stack[s->depth++] = c;
	return true;
}

/* A character outside any string, number or literal. */
static void structural(scanner *s, unsigned char c)
{
	if (c == ' ' || c == '\t' || c == '\r')
		return;
	switch (s->state) {
	case X_START:
		/* a line is one object */
		if (c == '{' && push(s, '{'))
			s->state = X_KEY_OR_END;
		else
			s->state = X_BAD;
		return;
	case X_VALUE_OR_END:
		if (c == ']') {
			close_container(s);
			return;
		}
		/* fall through */
	case X_VALUE:
		if (c == '{')
			s->state = push(s, '{') ? X_KEY_OR_END : X_BAD;
		else if (c == '[')
			s->state = push(s, '[') ? X_VALUE_OR_END : X_BAD;
		else if (c == '"')
			start_string(s, false);
		else if (c == '-' || (c >= '0' && c <= '9')) {
			s->token = T_NUMBER;
			s->number = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
		} else if (c == 't' || c == 'f' || c == 'n') {
			s->token = T_LITERAL;
			s->literal = c == 't' ? "rue" : c == 'f' ? "alse" : "ull";
		} else
			s->state = X_BAD;
		return;
	case X_KEY_OR_END:
		if (c == '}') {
			close_container(s);
			return;
		}
		/* fall through */
	case X_KEY:
		if (c == '"')
			start_string(s, true);
		else
			s->state = X_BAD;
		return;
	case X_COLON:
		s->state = c == ':' ? X_VALUE : X_BAD;
		return;
	case X_AFTER: {
		char top = s->stack[s->depth - 1];
		if (c == ',')
			s->state = top == '{' ? X_KEY : X_VALUE;
		else if ((c == '}' && top == '{') || (c == ']' && top == '['))
			close_container(s);
		else
			s->state = X_BAD;
		return;
	}
	case X_DONE:
	case X_BAD:
		s->state = X_BAD;
		return;
	}
}

/* The number token goes on with @p c, or ends before it (false). */
static bool number_goes_on(scanner *s, unsigned char c)
{
	bool digit = c >= '0' && c <= '9';
	switch (s->number) {
	case N_MINUS:
		if (!digit)
			break;
		s->number = c == '0' ? N_ZERO : N_INT;
		return true;
	case N_ZERO:
	case N_INT:
		if (digit && s->number == N_INT)
			return true;
		if (c == '.') {
			s->number = N_DOT;
			return true;
		}
		if (c == 'e' || c == 'E') {
			s->number = N_E;
			return true;
		}
		return false;
	case N_DOT:
		if (!digit)
			break;
		s->number = N_FRAC;
		return true;
	case N_FRAC:
		if (digit)
			return true;
		if (c == 'e' || c == 'E') {
			s->number = N_E;
			return true;
		}
		return false;
	case N_E:
		if (c == '+' || c == '-') {
			s->number = N_ESIGN;
			return true;
		}
		/* fall through */
	case N_ESIGN:
		if (!digit)
			break;
		s->number = N_EXP;
		return true;
	case N_EXP:
		return digit;
	}
	s->state = X_BAD; /* a number that cannot end here */
	return true;
}

static void scan_char(scanner *s, unsigned char c)
{
	switch (s->token) {
	case T_STRING:
		if (c == '"')
			string_done(s);
		else if (c < 0x20)
			s->state = X_BAD;
		else {
			if (c == '\\')
				s->token = T_ESCAPE;
			capture_char(s, (char)c);
		}
		return;
	case T_ESCAPE:
		if (c == 'u') {
			s->token = T_HEX;
			s->hex_left = 4;
		} else if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' && c != 'n' && c != 'r' &&
			   c != 't') {
			s->state = X_BAD;
		} else {
			s->token = T_STRING;
		}
		capture_char(s, (char)c);
		return;
	case T_HEX:
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			s->state = X_BAD;
			return;
		}
		capture_char(s, (char)c);
		if (--s->hex_left == 0)
			s->token = T_STRING;
		return;
	case T_LITERAL:
		if ((char)c != *s->literal) {
			s->state = X_BAD;
			return;
		}
		if (*++s->literal == '\0') {
			s->token = T_NONE;
			value_done(s);
		}
		return;
	case T_NUMBER:
		if (number_goes_on(s, c))
			return;
		s->token = T_NONE;
		value_done(s);
		break; /* then @p c itself */
	case T_NONE:
		break;
	}
	structural(s, c);
}

/* ---- the list ------------------------------------------------------------------------ */

typedef struct resume_run {
	al_map names;      /* a name as the output shows it in JSON -> index + 1 */
	char **owned;      /* the shown forms that differ from the names */
	size_t owned_count, owned_capacity;
	bool *done;
} resume_run;

static bool not_done(void *userdata, size_t index, const char *name)
{
	(void)name;
	const resume_run *r = userdata;
	return !r->done[index];
}

static void run_free(resume_run *r)
{
	al_map_free(&r->names);
	for (size_t i = 0; i < r->owned_count; i++)
		free(r->owned[i]);
	free(r->owned);
	free(r->done);
}

/* The map from each name as jsonl shows it (al_escape_json, as the emitter
 * writes it) to its index. */
static al_status index_names(resume_run *r, const al_domain_list *list)
{
	size_t count = al_domain_list_count(list);
	al_map_init(&r->names, true);
	r->done = calloc(count ? count : 1, sizeof(*r->done));
	if (r->done == NULL)
		return AL_ENOMEM;
	al_strbuf sb;
	al_strbuf_init(&sb);
	al_status st = AL_OK;
	for (size_t i = 0; i < count && st == AL_OK; i++) {
		const char *name = al_domain_list_at(list, i);
		al_strbuf_reset(&sb);
		al_escape_json(&sb, name, strlen(name));
		const char *key = name;
		if (sb.data == NULL) {
			st = AL_ENOMEM;
			break;
		}
		if (strcmp(sb.data, name) != 0) {
			bool room = AL_GROW_ONE(r->owned, r->owned_count, r->owned_capacity);
			char *copy = strdup(sb.data);
			if (!room || copy == NULL) {
				free(copy);
				st = AL_ENOMEM;
				break;
			}
			r->owned[r->owned_count++] = copy;
			key = copy;
		}
		if (!al_map_put(&r->names, key, (void *)(uintptr_t)(i + 1)))
			st = AL_ENOMEM;
	}
	al_strbuf_free(&sb);
	return st;
}

/* One line ended (at a line break, or at the end of the stream). */
static void line_done(resume_run *r, scanner *s, unsigned long lineno, al_resume_info *info)
{
	if (s->state == X_START)
		return; /* blank */
	if (s->state != X_DONE || s->token != T_NONE) {
		info->bad_lines++;
		if (info->first_bad_line == 0)
			info->first_bad_line = lineno;
		return;
	}
	info->objects++;
	if (!s->has_type || strcmp(s->type, "domain") != 0 || !s->has_domain)
		return;
	info->results++;
	void *found = al_map_get(&r->names, s->domain);
	if (found == NULL) {
		info->other_domains++;
		return;
	}
	size_t index = (size_t)(uintptr_t)found - 1;
	if (!r->done[index]) {
		r->done[index] = true;
		info->skipped++;
	}
}

static al_status scan_stream(resume_run *r, FILE *stream, const char *label, al_resume_info *info,
			     al_error *err)
{
	scanner *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	scan_reset(s);
	unsigned long long total = 0;
	unsigned long lineno = 1;
	bool in_line = false;
	int c;
	flockfile(stream); /* for getc_unlocked */
	while ((c = getc_unlocked(stream)) != EOF) {
		if (++total > MAX_RESUME_BYTES)
			break;
		if (c == '\n') {
			line_done(r, s, lineno, info);
			scan_reset(s);
			lineno++;
			in_line = false;
			continue;
		}
		in_line = true;
		if (s->state != X_BAD)
			scan_char(s, (unsigned char)c);
	}
	bool failed = ferror(stream) != 0;
	funlockfile(stream);
	info->lines = lineno - 1;
	if (in_line) {
		/* no line break at the end: a line cut short, unless it is whole */
		info->lines++;
		info->no_final_newline = true;
		if (s->state == X_DONE && s->token == T_NONE)
			line_done(r, s, lineno, info);
		else
			info->cut_short = true;
	}
	free(s);
	if (total > MAX_RESUME_BYTES)
		return al_error_set(err, AL_ELIMIT, "%s: larger than 64 GiB, the limit for a file to resume from",
				    label);
	if (failed)
		return al_error_set(err, AL_EIO, "%s: read error", label);
	if (info->objects == 0 && info->bad_lines > 0)
		return al_error_set(err, AL_ESYNTAX,
				    "%s:%lu: not the --format jsonl output of authlint check (no line is a JSON object)",
				    label, info->first_bad_line);
	return AL_OK;
}

al_status al_domain_list_resume(al_domain_list *list, FILE *stream, const char *label, al_resume_info *info,
				al_error *err)
{
	al_resume_info local;
	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	resume_run r;
	memset(&r, 0, sizeof(r));
	al_status st = index_names(&r, list);
	if (st != AL_OK) {
		run_free(&r);
		return al_error_set(err, st, "%s: out of memory", label);
	}
	st = scan_stream(&r, stream, label, info, err);
	if (st == AL_OK && info->skipped > 0 && al_domain_list_filter(list, not_done, &r) != AL_OK)
		st = al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	run_free(&r);
	return st;
}
