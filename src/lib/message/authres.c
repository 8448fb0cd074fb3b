/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The values of Authentication-Results (RFC 8601 section 2.2) and
 * Received-SPF (RFC 7208 section 9.1) header fields: what a receiver says it
 * found. A header field's value is a small grammar of its own (tokens,
 * quoted strings, nested comments), read here token by token; every loop is
 * bounded by the length of the value, comments by a nesting depth.
 */
#include "message/authres.h"
#include "util/grow.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>


/* the most results kept from one header field, and properties per result */
#define MAX_RESULTS 64
#define MAX_PROPERTIES 32
/* comments nest (RFC 5322 3.2.2); deeper ones end the parse */
#define MAX_COMMENT_DEPTH 32

typedef struct scanner {
	const char *p, *end;
	al_arena *arena;
	const char *error;
} scanner;

/* Skip white space and comments (CFWS). False when a comment does not close or nests too deep. */
static bool skip_cfws(scanner *s)
{
	for (;;) {
		while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
			s->p++;
		if (s->p >= s->end || *s->p != '(')
			return true;
		int depth = 0;
		while (s->p < s->end) {
			char c = *s->p++;
			if (c == '\\' && s->p < s->end) {
				s->p++;
			} else if (c == '(') {
				if (++depth > MAX_COMMENT_DEPTH) {
					s->error = "comments nested too deep";
					return false;
				}
			} else if (c == ')') {
				if (--depth == 0)
					break;
			}
		}
		if (depth != 0) {
			s->error = "a comment does not close";
			return false;
		}
	}
}

/* RFC 2045 tspecials and the separators of RFC 8601's grammar end a token. */
static bool token_char(char c)
{
	return (unsigned char)c > 0x20 && (unsigned char)c != 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* A token or a quoted string (RFC 2045 "value"); NULL when there is none. */
static const char *value(scanner *s)
{
	if (s->p < s->end && *s->p == '"') {
		s->p++;
		char *out = al_arena_alloc(s->arena, (size_t)(s->end - s->p) + 1);
		if (out == NULL) {
			s->error = "out of memory";
			return NULL;
		}
		size_t n = 0;
		while (s->p < s->end && *s->p != '"') {
			if (*s->p == '\\' && s->p + 1 < s->end)
				s->p++;
			out[n++] = *s->p++;
		}
		if (s->p >= s->end) {
			s->error = "a quoted string does not close";
			return NULL;
		}
		s->p++;
		out[n] = '\0';
		return out;
	}
	const char *start = s->p;
	while (s->p < s->end && token_char(*s->p))
		s->p++;
	return s->p > start ? al_arena_strndup(s->arena, start, (size_t)(s->p - start)) : NULL;
}

/* A keyword (RFC 8601: ALPHA, DIGIT, '-' and '_'), lower-cased. */
static const char *keyword(scanner *s)
{
	const char *start = s->p;
	while (s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '-' || *s->p == '_'))
		s->p++;
	if (s->p == start)
		return NULL;
	char *k = al_arena_strndup(s->arena, start, (size_t)(s->p - start));
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return k;
}

/* pvalue: a value, or [[local-part] "@"] domain-name (RFC 8601 2.2): up to CFWS or ';'. */
static const char *pvalue(scanner *s)
{
	if (s->p < s->end && *s->p == '"') {
		const char *v = value(s);
		/* "local part"@domain */
		if (v != NULL && s->p < s->end && *s->p == '@') {
			const char *start = s->p;
			while (s->p < s->end && *s->p != ';' && *s->p != '(' && *s->p != ' ' && *s->p != '\t' &&
			       *s->p != '\r' && *s->p != '\n')
				s->p++;
			return al_arena_printf(s->arena, "%s%.*s", v, (int)(s->p - start), start);
		}
		return v;
	}
	const char *start = s->p;
	while (s->p < s->end && *s->p != ';' && *s->p != '(' && *s->p != ' ' && *s->p != '\t' && *s->p != '\r' &&
	       *s->p != '\n' && *s->p != '"')
		s->p++;
	return al_arena_strndup(s->arena, start, (size_t)(s->p - start));
}

static bool expect(scanner *s, char c, const char *error)
{
	if (!skip_cfws(s))
		return false;
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return skip_cfws(s);
	}
	s->error = error;
	return false;
}

/* One resinfo after its ';': methodspec [reasonspec] *propspec. */
static bool resinfo(scanner *s, al_ar_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!skip_cfws(s))
		return false;
	r->method = keyword(s);
	if (r->method == NULL) {
		s->error = "a result does not start with a method name";
		return false;
	}
	if (!skip_cfws(s))
		return false;
	if (s->p < s->end && *s->p == '/') { /* method-version */
		s->p++;
		if (!skip_cfws(s))
			return false;
		while (s->p < s->end && isdigit((unsigned char)*s->p))
			s->p++;
	}
	if (!expect(s, '=', "a method is not followed by '=' and its result"))
		return false;
	r->result = keyword(s);
	if (r->result == NULL) {
		s->error = "a method has no result";
		return false;
	}
	al_ar_property *props = NULL;
	size_t count = 0, cap = 0;
	for (;;) {
		if (!skip_cfws(s))
			break;
		if (s->p >= s->end || *s->p == ';')
			break;
		const char *save = s->p;
		const char *word = keyword(s);
		if (word == NULL) {
			s->error = "unexpected text after a result";
			break;
		}
		if (!skip_cfws(s))
			break;
		if (strcmp(word, "reason") == 0 && s->p < s->end && *s->p == '=') {
			s->p++;
			if (!skip_cfws(s))
				break;
			r->reason = value(s);
			continue;
		}
		if (s->p >= s->end || *s->p != '.') {
			s->p = save;
			s->error = "a property is not written ptype.property=value";
			break;
		}
		s->p++;
		if (!skip_cfws(s))
			break;
		/* property names are keywords; "header.b" and "header.d" are the common ones */
		const char *prop = keyword(s);
		if (prop == NULL || !expect(s, '=', "a property has no '=' and value")) {
			if (s->error == NULL)
				s->error = "a property has no name";
			break;
		}
		const char *v = pvalue(s);
		if (count < MAX_PROPERTIES) {
			al_ar_property *np = al_arena_grow(s->arena, props, count, &cap, sizeof(*np));
			if (np == NULL) {
				s->error = "out of memory";
				break;
			}
			props = np;
			props[count++] = (al_ar_property){word, prop, v};
		}
	}
	r->properties = props;
	r->property_count = count;
	return s->error == NULL;
}

void al_authres_parse(al_arena *arena, const char *text, al_authres *out)
{
	memset(out, 0, sizeof(*out));
	scanner s = {text, text + strlen(text), arena, NULL};
	if (!skip_cfws(&s))
		goto done;
	out->authserv_id = value(&s);
	if (out->authserv_id == NULL) {
		s.error = "no authserv-id";
		goto done;
	}
	if (!skip_cfws(&s))
		goto done;
	/* authres-version */
	while (s.p < s.end && isdigit((unsigned char)*s.p))
		s.p++;
	al_ar_result *results = al_arena_calloc(arena, MAX_RESULTS, sizeof(*results));
	size_t count = 0;
	if (results == NULL) {
		s.error = "out of memory";
		goto done;
	}
	for (size_t guard = 0; guard < MAX_RESULTS * 4; guard++) {
		if (!skip_cfws(&s))
			break;
		if (s.p >= s.end)
			break;
		if (*s.p != ';') {
			s.error = "results are not separated by ';'";
			break;
		}
		s.p++;
		if (!skip_cfws(&s))
			break;
		if (s.p >= s.end)
			break;
		if (count == 0 && s.end - s.p >= 4 && strncasecmp(s.p, "none", 4) == 0) {
			const char *after = s.p + 4;
			scanner t = s;
			t.p = after;
			if (skip_cfws(&t) && t.p >= t.end) {
				out->no_result = true;
				s.p = t.p;
				break;
			}
		}
		if (count == MAX_RESULTS) {
			out->truncated = true;
			break;
		}
		al_ar_result r;
		bool ok = resinfo(&s, &r);
		if (r.method != NULL && r.result != NULL)
			results[count++] = r;
		if (!ok)
			break;
	}
	out->results = results;
	out->result_count = count;
done:
	out->error = s.error;
}

const al_ar_result *al_authres_find(const al_authres *ar, const char *method, size_t from, size_t *index)
{
	if (ar == NULL)
		return NULL;
	for (size_t i = from; i < ar->result_count; i++) {
		if (strcmp(ar->results[i].method, method) == 0) {
			if (index != NULL)
				*index = i;
			return &ar->results[i];
		}
	}
	return NULL;
}

const char *al_authres_property(const al_ar_result *r, const char *ptype, const char *property)
{
	for (size_t i = 0; r != NULL && i < r->property_count; i++)
		if (strcasecmp(r->properties[i].ptype, ptype) == 0 &&
		    strcasecmp(r->properties[i].property, property) == 0)
			return r->properties[i].value;
	return NULL;
}

void al_received_spf_parse(al_arena *arena, const char *text, al_received_spf *out)
{
	memset(out, 0, sizeof(*out));
	scanner s = {text, text + strlen(text), arena, NULL};
	if (!skip_cfws(&s))
		return;
	out->result = keyword(&s);
	/* key-value-list (RFC 7208 9.1): key "=" dot-atom / quoted-string, separated by ';' */
	for (size_t guard = 0; guard < 64 && s.p < s.end; guard++) {
		if (!skip_cfws(&s) || s.p >= s.end)
			break;
		if (*s.p == ';') {
			s.p++;
			continue;
		}
		const char *key = keyword(&s);
		if (key == NULL || !expect(&s, '=', "")) {
			/* free text (an explanation) that is not a key=value: skip one character */
			if (key == NULL)
				s.p++;
			s.error = NULL;
			continue;
		}
		const char *v = pvalue(&s);
		if (strcmp(key, "client-ip") == 0)
			out->client_ip = v;
		else if (strcmp(key, "envelope-from") == 0)
			out->envelope_from = v;
		else if (strcmp(key, "helo") == 0)
			out->helo = v;
	}
}
