/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The report URIs of rua and ruf: mailto: (RFC 6068) with the optional size
 * limit, and the http(s) URIs some receivers accept, each checked against its
 * grammar for both receiver generations (RFC 7489 6.2-6.3, RFC 9989 4.7).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record/dmarc_parse.h"
#include "record/dmarc_parser.h"
#include "util/arena.h"

/* ---- report URIs ------------------------------------------------------------- */

static bool uri_char(unsigned char c)
{
	if (isalnum(c))
		return true;
	return strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL && c != '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A host name: LDH labels of 1..63, at most 253 octets; a trailing dot allowed. */
static bool host_ok(const char *h, size_t n)
{
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (label == 0 || label > 63 || h[i - 1] == '-' || h[i - label] == '-')
				return false;
			label = 0;
			continue;
		}
		unsigned char c = (unsigned char)h[i];
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		label++;
	}
	return true;
}

static char *lower_host(parser *ps, const char *h, size_t n)
{
	if (n > 0 && h[n - 1] == '.')
		n--;
	char *s = al_arena_strndup(ps->c.arena, h, n);
	if (s == NULL) {
		ps->c.nomem = true;
		return NULL;
	}
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Size suffix: "!" 1*DIGIT [k/m/g/t] at the end. */
static bool parse_size(const char *v, size_t n, uint64_t *out)
{
	if (n < 2 || v[0] != '!')
		return false;
	size_t i = 1;
	uint64_t x = 0;
	bool sat = false;
	while (i < n && isdigit((unsigned char)v[i])) {
		uint64_t d = (uint64_t)(v[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			sat = true;
		else
			x = x * 10 + d;
		i++;
	}
	if (i == 1)
		return false;
	unsigned shift = 0;
	if (i < n) {
		switch (tolower((unsigned char)v[i])) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		default: return false;
		}
		i++;
	}
	if (i != n)
		return false;
	if (!sat && shift && x > (UINT64_MAX >> shift))
		sat = true;
	*out = sat ? UINT64_MAX : x << shift;
	return true;
}

static void uri_problem(parser *ps, const al_dmarc_tag *tag, al_dmarc_uri *u, size_t start,
			size_t length, const char *detail, const char *hint)
{
	u->valid = false;
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_URI, tag->id, AL_GENERATION_ANY, start, length, detail, hint);
}

/* Parse "mailto:..." after the scheme: the addr-spec, percent-decoded. */
static void parse_mailto(parser *ps, const al_dmarc_tag *tag, al_dmarc_uri *u, size_t s, size_t e)
{
	const char *t = ps->c.t;
	if (e - s >= 2 && t[s] == '/' && t[s + 1] == '/') {
		uri_problem(ps, tag, u, u->span.start, e - u->span.start,
			    "a mailto: URI takes an address, not '//'",
			    fmt(ps, "write mailto:%.*s", (int)(e - s - 2), t + s + 2));
		return;
	}
	size_t q = s;
	while (q < e && t[q] != '?')
		q++;
	char *addr = al_arena_alloc(ps->c.arena, q - s + 1);
	if (addr == NULL) {
		ps->c.nomem = true;
		return;
	}
	size_t n = 0;
	for (size_t i = s; i < q; i++) {
		if (t[i] == '%') {
			int hi = i + 2 < q ? hexval(t[i + 1]) : -1;
			int lo = i + 2 < q ? hexval(t[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				uri_problem(ps, tag, u, i, 1, "'%' must start a %XX escape", NULL);
				return;
			}
			addr[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			addr[n++] = t[i];
		}
	}
	addr[n] = '\0';
	char *at = strrchr(addr, '@');
	if (n == 0 || at == NULL || at == addr || at[1] == '\0') {
		uri_problem(ps, tag, u, u->span.start, e - u->span.start,
			    fmt(ps, "%s is not a mailto: URI with an address (local@domain)",
				quoted(ps, u->span.start, e - u->span.start)),
			    NULL);
		return;
	}
	const char *dom = at + 1;
	size_t dl = strlen(dom);
	if (dom[0] == '[') {
		/* an address literal: valid, but no domain to check */
		u->address = addr;
		return;
	}
	if (!host_ok(dom, dl)) {
		uri_problem(ps, tag, u, u->span.start, e - u->span.start,
			    fmt(ps, "the address domain '%s' is not a valid host name", dom), NULL);
		return;
	}
	u->address = addr;
	u->domain = lower_host(ps, dom, dl);
}

static void parse_http(parser *ps, const al_dmarc_tag *tag, al_dmarc_uri *u, size_t s, size_t e)
{
	const char *t = ps->c.t;
	if (e - s < 2 || t[s] != '/' || t[s + 1] != '/') {
		uri_problem(ps, tag, u, u->span.start, e - u->span.start,
			    "an http(s) URI needs '//' and a host", NULL);
		return;
	}
	size_t h = s + 2, he = h;
	while (he < e && t[he] != '/' && t[he] != '?' && t[he] != '#')
		he++;
	/* userinfo@host:port */
	for (size_t i = h; i < he; i++)
		if (t[i] == '@')
			h = i + 1;
	size_t hostend = he;
	if (h < he && t[h] == '[') {
		u->address = al_arena_strndup(ps->c.arena, t + u->span.start, e - u->span.start);
		return; /* IP literal: no domain */
	}
	for (size_t i = h; i < he; i++)
		if (t[i] == ':') {
			hostend = i;
			break;
		}
	if (!host_ok(t + h, hostend - h)) {
		uri_problem(ps, tag, u, h, hostend - h,
			    fmt(ps, "%s is not a valid host name",
				hostend > h ? quoted(ps, h, hostend - h) : "the empty host"),
			    NULL);
		return;
	}
	u->address = al_arena_strndup(ps->c.arena, t + u->span.start, e - u->span.start);
	u->domain = lower_host(ps, t + h, hostend - h);
}

static void parse_uri(parser *ps, const al_dmarc_tag *tag, al_dmarc_uri *u, size_t s, size_t e)
{
	const char *t = ps->c.t;
	memset(u, 0, sizeof(*u));
	u->span.start = s;
	u->span.length = e - s;
	u->valid = true;
	if (s == e) {
		uri_problem(ps, tag, u, s, 0, fmt(ps, "%s has an empty URI", al_dmarc_tag_name(tag->id)),
			    "remove the extra ','");
		return;
	}
	/* the obsolete size suffix: the last '!' when what follows is a size */
	size_t bang = e;
	for (size_t i = e; i > s; i--)
		if (t[i - 1] == '!') {
			bang = i - 1;
			break;
		}
	size_t ue = e;
	if (bang < e) {
		uint64_t size = 0;
		const char *after = t + bang + 1;
		size_t alen = e - bang - 1;
		bool sizeish = alen > 0 && isdigit((unsigned char)after[0]) &&
			       memchr(after, '@', alen) == NULL && memchr(after, '/', alen) == NULL;
		if (parse_size(t + bang, e - bang, &size)) {
			u->has_size = true;
			u->size_valid = true;
			u->size.start = bang;
			u->size.length = e - bang;
			u->size_limit = size;
			ue = bang;
		} else if (sizeish) {
			u->has_size = true;
			u->size.start = bang;
			u->size.length = e - bang;
			ue = bang;
			uri_problem(ps, tag, u, bang, e - bang,
				    fmt(ps, "the size limit %s is not '!' digits and one of k, m, g, t",
					quoted(ps, bang, e - bang)),
				    NULL);
		}
	}
	/* bytes a URI may hold; '!' only as the size suffix */
	for (size_t i = s; i < ue; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == '%') {
			if (i + 2 >= ue || hexval(t[i + 1]) < 0 || hexval(t[i + 2]) < 0) {
				uri_problem(ps, tag, u, i, 1, "'%' must start a %XX escape", NULL);
				return;
			}
			i += 2;
			continue;
		}
		if (c == '!') {
			uri_problem(ps, tag, u, i, 1, "a '!' inside a report URI must be written %21",
				    NULL);
			return;
		}
		if (!uri_char(c)) {
			uri_problem(ps, tag, u, i, 1,
				    c == ' ' || c == '\t' ? "a URI cannot contain spaces"
							  : fmt(ps, "a URI cannot contain '%c'", c),
				    c == ' ' || c == '\t' ? al_dmarc_separator_hint(ps, s, e - s) : NULL);
			return;
		}
	}
	/* scheme ":" */
	size_t c = s;
	bool scheme = c < ue && isalpha((unsigned char)t[c]);
	while (scheme && c < ue && (isalnum((unsigned char)t[c]) || t[c] == '+' || t[c] == '-' || t[c] == '.'))
		c++;
	if (!scheme || c >= ue || t[c] != ':') {
		u->scheme = AL_DMARC_URI_NO_SCHEME;
		const char *hint = memchr(t + s, '@', ue - s)
					   ? fmt(ps, "write mailto:%.*s", (int)(ue - s), t + s)
					   : NULL;
		uri_problem(ps, tag, u, s, ue - s,
			    fmt(ps, "%s is not a URI (it has no scheme such as mailto:)",
				quoted(ps, s, ue - s)),
			    hint);
		return;
	}
	size_t sl = c - s;
	if (al_dmarc_eq_nocase(t + s, sl, "mailto")) {
		u->scheme = AL_DMARC_URI_MAILTO;
		parse_mailto(ps, tag, u, c + 1, ue);
	} else if (al_dmarc_eq_nocase(t + s, sl, "https")) {
		u->scheme = AL_DMARC_URI_HTTPS;
		parse_http(ps, tag, u, c + 1, ue);
	} else if (al_dmarc_eq_nocase(t + s, sl, "http")) {
		u->scheme = AL_DMARC_URI_HTTP;
		parse_http(ps, tag, u, c + 1, ue);
	} else {
		u->scheme = AL_DMARC_URI_OTHER;
		u->address = al_arena_strndup(ps->c.arena, t + s, ue - s);
	}
}

void al_dmarc_parse_uri_list(parser *ps, const al_dmarc_tag *tag, const al_dmarc_uri **out, size_t *count)
{
	const char *t = ps->c.t;
	size_t s = tag->value.start, end = s + tag->value.length;
	if (s == end) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_URI, tag->id, AL_GENERATION_ANY, tag->spec.start,
			tag->spec.length, fmt(ps, "%s has no value", al_dmarc_tag_name(tag->id)),
			fmt(ps, "give a mailto: URI or remove %s", al_dmarc_tag_name(tag->id)));
		return;
	}
	size_t n = 1;
	for (size_t i = s; i < end; i++)
		if (t[i] == ',')
			n++;
	al_dmarc_uri *uris = al_arena_calloc(ps->c.arena, n, sizeof(*uris));
	if (uris == NULL) {
		ps->c.nomem = true;
		return;
	}
	size_t k = 0;
	size_t a = s;
	for (size_t i = s; i <= end; i++) {
		if (i < end && t[i] != ',')
			continue;
		size_t x = a, y = i;
		while (x < y && (t[x] == ' ' || t[x] == '\t'))
			x++;
		while (y > x && (t[y - 1] == ' ' || t[y - 1] == '\t'))
			y--;
		parse_uri(ps, tag, &uris[k++], x, y);
		a = i + 1;
	}
	/* a comma inside one address leaves a piece without a scheme after it */
	for (size_t i = 1; i < k; i++) {
		const al_dmarc_uri *prev = &uris[i - 1], *cur = &uris[i];
		bool cur_at = memchr(t + cur->span.start, '@', cur->span.length) != NULL;
		bool prev_at = memchr(t + prev->span.start, '@', prev->span.length) != NULL;
		if (cur->scheme == AL_DMARC_URI_NO_SCHEME && cur->span.length > 0 &&
		    prev->scheme != AL_DMARC_URI_NO_SCHEME &&
		    (!cur_at || (prev->scheme == AL_DMARC_URI_MAILTO && !prev_at))) {
			size_t st = uris[i - 1].span.start;
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_URI, tag->id, AL_GENERATION_ANY, st,
				uris[i].span.start + uris[i].span.length - st,
				"a ',' inside a report URI splits it in two", "write the comma as %2C");
		}
	}
	*out = uris;
	*count = k;
}

