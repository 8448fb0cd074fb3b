/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Matching a bounce to its entry of the catalog (bounce.c loads it): the
 * enhanced status code and the reply text, normalized, against each entry's
 * pattern; the rules of the match are written at the head of
 * data/bounces.yaml.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/bounce.h>

#include "message/bounce_internal.h"

#define MAX_HINT 255

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Length of an enhanced status code ("5.7.26") at @p s (class 2, 4 or 5,
 * subject and detail of 1-3 digits), 0 when there is none. */
size_t al_bounce_status_length(const char *s, size_t n)
{
	size_t i = 0;
	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	i = 2;
	for (int part = 0; part < 2; part++) {
		size_t digits = 0;
		while (i < n && is_digit(s[i]) && digits < 4) {
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return 0;
		if (part == 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && is_digit(s[i]))
		return 0;
	return i;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

/* A token that is only an enhanced status code, perhaps followed by one of
 * ":;," ("5.7.9:"); its code length in *len. */
static bool status_token(const char *t, size_t n, size_t *len)
{
	size_t s = al_bounce_status_length(t, n);
	if (s == 0 || (n != s && !(n == s + 1 && (t[s] == ':' || t[s] == ';' || t[s] == ','))))
		return false;
	*len = s;
	return true;
}

/* An SMTP reply code token: "550", "550;", or the continuation forms "550-"
 * and "550-5.7.26"; *code_at is where an enhanced code in it starts (or 0). */
static bool reply_token(const char *t, size_t n, bool *continuation, size_t *code_at)
{
	*continuation = false;
	*code_at = 0;
	if (n < 3 || (t[0] != '2' && t[0] != '4' && t[0] != '5') || !is_digit(t[1]) || !is_digit(t[2]))
		return false;
	if (n == 3)
		return true;
	if (n == 4 && t[3] == ';')
		return true;
	if (t[3] != '-')
		return false;
	*continuation = true;
	if (n == 4)
		return true;
	size_t len = 0;
	if (!status_token(t + 4, n - 4, &len))
		return false;
	*code_at = 4;
	return true;
}

/*
 * The diagnostic text as the patterns read it: white space folded to single
 * spaces, and the SMTP reply and status codes that start the text or its
 * continuation lines ("550-5.7.26 ... 550-5.7.26 ... 550 5.7.26 ...")
 * removed. At most AL_BOUNCE_MAX_TEXT bytes of @p text are read. With
 * @p status_out, the first enhanced status code seen (malloc()ed) or NULL.
 * NULL when out of memory.
 */
char *al_bounce_normalize(const char *text, size_t length, char **status_out)
{
	if (status_out)
		*status_out = NULL;
	if (length > AL_BOUNCE_MAX_TEXT)
		length = AL_BOUNCE_MAX_TEXT;
	char *out = malloc(length + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0, i = 0;
	const char *first_code = NULL;
	size_t first_len = 0;
	while (i < length) {
		while (i < length && is_space(text[i]))
			i++;
		size_t start = i;
		while (i < length && !is_space(text[i]) && text[i] != '\0')
			i++;
		size_t n = i - start;
		if (n == 0) {
			if (i < length && text[i] == '\0')
				break; /* a NUL ends the text */
			continue;
		}
		const char *t = text + start;
		bool cont = false, drop = false;
		size_t code_at = 0, code_len = 0;
		if (status_token(t, n, &code_len)) {
			drop = true;
			code_at = 0;
			if (first_code == NULL) {
				first_code = t;
				first_len = code_len;
			}
		} else if (reply_token(t, n, &cont, &code_at)) {
			if (code_at > 0 && first_code == NULL) {
				first_code = t + code_at;
				(void)status_token(t + code_at, n - code_at, &first_len);
			}
			if (cont) {
				drop = true;
			} else {
				/* a bare "550" is a reply code only before a status code */
				size_t j = i;
				while (j < length && is_space(text[j]))
					j++;
				size_t k = j;
				while (k < length && !is_space(text[k]) && text[k] != '\0')
					k++;
				size_t len2 = 0;
				drop = k > j && status_token(text + j, k - j, &len2);
			}
		}
		if (drop)
			continue;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, t, n);
		o += n;
	}
	out[o] = '\0';
	if (status_out && first_code != NULL) {
		*status_out = malloc(first_len + 1);
		if (*status_out == NULL) {
			free(out);
			return NULL;
		}
		memcpy(*status_out, first_code, first_len);
		(*status_out)[first_len] = '\0';
	}
	return out;
}

/* The first enhanced status code in a Status: value ("5.7.1 (delivery not
 * authorized)"), copied to @p buf; false when it has none. */
static bool query_status(const char *status, char *buf, size_t size)
{
	size_t n = strnlen(status, 64);
	size_t i = 0;
	while (i < n && is_space(status[i]))
		i++;
	size_t len = al_bounce_status_length(status + i, n - i);
	if (len == 0 || len >= size)
		return false;
	memcpy(buf, status + i, len);
	buf[len] = '\0';
	return true;
}

static bool hint_names(const al_bounce_receiver *r, const char *hint)
{
	if (hint == NULL || *hint == '\0')
		return false;
	const char *at = strrchr(hint, '@');
	const char *h = at ? at + 1 : hint;
	size_t n = strnlen(h, MAX_HINT + 1);
	if (n == 0 || n > MAX_HINT)
		return false;
	if (h[n - 1] == '.')
		n--;
	for (size_t i = 0; i < r->domain_count; i++) {
		size_t d = strlen(r->domains[i]);
		if (n < d || strncasecmp(h + n - d, r->domains[i], d) != 0)
			continue;
		if (n == d || h[n - d - 1] == '.')
			return true;
	}
	return false;
}

static bool receiver_known(const al_bounce_catalog *c, const al_bounce_receiver *r, const char *hint,
			   const char *norm, pcre2_match_data *md)
{
	if (hint_names(r, hint))
		return true;
	pcre2_code *marker = c->markers[r - c->receivers];
	return marker != NULL &&
	       pcre2_match(marker, (PCRE2_SPTR)norm, strlen(norm), 0, 0, md, c->mctx) >= 0;
}

bool al_bounce_catalog_match(const al_bounce_catalog *c, const al_bounce_query *q, al_bounce_match *out)
{
	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (c == NULL || q == NULL)
		return false;
	const char *text = q->text ? q->text : "";
	char *found = NULL;
	char *norm = al_bounce_normalize(text, strnlen(text, AL_BOUNCE_MAX_TEXT), &found);
	if (norm == NULL)
		return false;
	char status[16];
	bool have = q->status ? query_status(q->status, status, sizeof(status))
			      : found != NULL && strlen(found) < sizeof(status);
	if (q->status == NULL && have)
		memcpy(status, found, strlen(found) + 1);
	free(found);
	pcre2_match_data *md = have ? pcre2_match_data_create(1, NULL) : NULL;
	if (md == NULL) {
		free(norm);
		return false;
	}
	/* 1. status and text pattern; the hinted receiver's entries first */
	const al_bounce_entry *best = NULL;
	bool best_known = false;
	for (size_t i = 0; i < c->entry_count && !best_known; i++) {
		const al_bounce_entry *e = &c->entries[i];
		if (strcmp(e->status, status) != 0)
			continue;
		if (pcre2_match(c->patterns[i], (PCRE2_SPTR)norm, strlen(norm), 0, 0, md, c->mctx) < 0)
			continue;
		bool known = receiver_known(c, e->receiver, q->hint, norm, md);
		if (best == NULL || known) {
			best = e;
			best_known = known;
		}
	}
	if (best != NULL) {
		out->how = AL_BOUNCE_BY_TEXT;
		out->entry = best;
		out->receiver_known = best_known;
	}
	/* 2. the status alone, at a receiver the hint or the text names */
	for (size_t i = 0; best == NULL && i < c->entry_count; i++) {
		const al_bounce_entry *e = &c->entries[i];
		if (!e->status_alone || strcmp(e->status, status) != 0)
			continue;
		if (!receiver_known(c, e->receiver, q->hint, norm, md))
			continue;
		best = e;
		out->how = AL_BOUNCE_BY_STATUS;
		out->entry = e;
		out->receiver_known = true;
	}
	pcre2_match_data_free(md);
	free(norm);
	return best != NULL;
}
