/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SPF record parser (RFC 7208 sections 4.5, 4.6, 5, 6, 7 and 12).
 *
 * Pure: no I/O. Every term and every error carries a byte span into the
 * record. The parser counts the terms first and then allocates one block for
 * the record, its terms and its errors, so memory is in proportion to the
 * record; it never reads past the given length (the text need not be
 * NUL-terminated and may contain NUL bytes).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/spf.h>

#include "record/detect.h"
#include "record/spf_syntax.h"
#include "util/arena.h"
#include "record/spf_parser.h"

/* ---- names ------------------------------------------------------------------ */

const char *al_spf_result_name(al_spf_result result)
{
	switch (result) {
	case AL_SPF_NONE:
		return "none";
	case AL_SPF_NEUTRAL:
		return "neutral";
	case AL_SPF_PASS:
		return "pass";
	case AL_SPF_FAIL:
		return "fail";
	case AL_SPF_SOFTFAIL:
		return "softfail";
	case AL_SPF_TEMPERROR:
		return "temperror";
	case AL_SPF_PERMERROR:
		return "permerror";
	}
	return "permerror";
}

al_status al_spf_result_parse(const char *text, al_spf_result *out)
{
	for (int r = AL_SPF_NONE; r <= AL_SPF_PERMERROR; r++) {
		if (strcasecmp(text, al_spf_result_name((al_spf_result)r)) == 0) {
			*out = (al_spf_result)r;
			return AL_OK;
		}
	}
	return AL_EINVAL;
}

static const struct {
	const char *name;
	al_spf_term_type type;
} mechanisms[] = {
	{"all", AL_SPF_TERM_ALL},       {"include", AL_SPF_TERM_INCLUDE}, {"a", AL_SPF_TERM_A},
	{"mx", AL_SPF_TERM_MX},         {"ptr", AL_SPF_TERM_PTR},         {"ip4", AL_SPF_TERM_IP4},
	{"ip6", AL_SPF_TERM_IP6},       {"exists", AL_SPF_TERM_EXISTS},
};

const char *al_spf_term_type_name(al_spf_term_type type)
{
	for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++)
		if (mechanisms[i].type == type)
			return mechanisms[i].name;
	switch (type) {
	case AL_SPF_TERM_REDIRECT:
		return "redirect";
	case AL_SPF_TERM_EXP:
		return "exp";
	case AL_SPF_TERM_MODIFIER:
		return "modifier";
	default:
		return "unknown";
	}
}

bool al_spf_term_is_mechanism(al_spf_term_type type)
{
	return type >= AL_SPF_TERM_ALL && type <= AL_SPF_TERM_EXISTS;
}

bool al_spf_term_queries_dns(al_spf_term_type type)
{
	switch (type) {
	case AL_SPF_TERM_INCLUDE:
	case AL_SPF_TERM_A:
	case AL_SPF_TERM_MX:
	case AL_SPF_TERM_PTR:
	case AL_SPF_TERM_EXISTS:
	case AL_SPF_TERM_REDIRECT:
		return true;
	default:
		return false;
	}
}

/* ---- character classes ----------------------------------------------------- */

bool al_spfp_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool al_spfp_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool al_spfp_is_alnum(char c)
{
	return al_spfp_is_alpha(c) || al_spfp_is_digit(c);
}

/* ---- addresses ---------------------------------------------------------------- */

/* ip4-network: dotted quad, decimal, no leading zeros. */
static bool parse_ip4(const char *t, size_t n, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || t[i] != '.')
				return false;
			i++;
		}
		size_t s = i;
		unsigned v = 0;
		while (i < n && al_spfp_is_digit(t[i]) && i - s < 4) {
			v = v * 10 + (unsigned)(t[i] - '0');
			i++;
		}
		size_t len = i - s;
		if (len == 0 || len > 3 || v > 255 || (len > 1 && t[s] == '0'))
			return false;
		out[part] = (uint8_t)v;
	}
	return i == n;
}

static bool parse_ip6(const char *t, size_t n, uint8_t out[16])
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(al_spfp_is_alnum(t[i]) || t[i] == ':' || t[i] == '.'))
			return false;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

/* ---- terms ---------------------------------------------------------------------- */

typedef struct parser {
	const char *t;
	size_t n;
	al_spf_record *rec;
	al_spf_term *terms;
	al_spf_error *errors;
	size_t error_capacity;
} parser;

static void add_error(parser *p, int term, size_t start, size_t length, const char *message)
{
	if (p->rec->error_count >= p->error_capacity)
		return;
	al_spf_error *e = &p->errors[p->rec->error_count];
	e->start = start;
	e->length = length;
	e->term = term;
	e->message = message;
	if (term >= 0 && p->terms[term].error < 0)
		p->terms[term].error = (int)p->rec->error_count;
	p->rec->error_count++;
}

/* Digits of a CIDR length ending at @p end (exclusive), preceded by '/'.
 * Returns the number of bytes of "/digits", or 0 when there is none. */
static size_t cidr_at_end(const char *t, size_t from, size_t end, long *value, bool *leading_zero)
{
	size_t i = end;
	while (i > from && al_spfp_is_digit(t[i - 1]) && end - i < 6)
		i--;
	if (i == end || i == from || t[i - 1] != '/')
		return 0;
	long v = 0;
	for (size_t k = i; k < end; k++)
		v = v * 10 + (t[k] - '0');
	*value = v;
	*leading_zero = end - i > 1 && t[i] == '0';
	return end - i + 1;
}

/* a, mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ] */
static void parse_dual_cidr(parser *p, int index, al_spf_term *term, size_t rest, size_t end)
{
	const char *t = p->t;
	size_t stop = end;
	long v;
	bool lz;
	size_t n6 = cidr_at_end(t, rest, stop, &v, &lz);
	if (n6 > 0 && stop - n6 > rest && t[stop - n6 - 1] == '/') {
		/* "//N" */
		if (lz) {
			add_error(p, index, stop - n6, n6, "a CIDR length with a leading zero");
			return;
		}
		if (v > 128) {
			add_error(p, index, stop - n6 - 1, n6 + 1, "an IPv6 CIDR length above 128");
			return;
		}
		term->cidr6 = (int)v;
		stop -= n6 + 1;
	}
	size_t n4 = cidr_at_end(t, rest, stop, &v, &lz);
	if (n4 > 0 && !(stop - n4 > rest && t[stop - n4 - 1] == '/')) {
		if (lz) {
			add_error(p, index, stop - n4, n4, "a CIDR length with a leading zero");
			return;
		}
		if (v > 32) {
			add_error(p, index, stop - n4, n4, "an IPv4 CIDR length above 32");
			return;
		}
		term->cidr4 = (int)v;
		stop -= n4;
	}
	if (stop < end) {
		term->cidr_start = stop;
		term->cidr_length = end - stop;
	}
	if (stop == rest)
		return; /* no domain-spec */
	if (t[rest] != ':') {
		add_error(p, index, rest, stop - rest,
			  "text after the mechanism name that is neither ':domain' nor a CIDR length");
		return;
	}
	term->has_value = true;
	term->value_start = rest + 1;
	term->value_length = stop - rest - 1;
}

static void check_domain(parser *p, int index, al_spf_term *term)
{
	size_t bs, bl;
	const char *why = al_spf_domain_spec_error(p->t, term->value_start, term->value_length, &bs, &bl);
	if (why != NULL) {
		if (term->value_length == 0) {
			bs = term->start;
			bl = term->length;
		}
		add_error(p, index, bs, bl, why);
	}
}

static void note_macros(parser *p, al_spf_term *term)
{
	term->has_macro = memchr(p->t + term->value_start, '%', term->value_length) != NULL;
}

/* ":" domain-spec to the end of the term */
static void domain_after_colon(parser *p, int index, al_spf_term *term, size_t colon, size_t end)
{
	term->has_value = true;
	term->value_start = colon + 1;
	term->value_length = end - colon - 1;
	note_macros(p, term);
	check_domain(p, index, term);
}

static void parse_mechanism(parser *p, int index, al_spf_term *term)
{
	const char *t = p->t;
	size_t i = term->start, end = term->start + term->length;
	term->type = AL_SPF_TERM_UNKNOWN;
	term->qualifier = '+';
	if (t[i] == '+' || t[i] == '-' || t[i] == '~' || t[i] == '?') {
		term->qualifier = t[i];
		term->qualifier_written = true;
		i++;
	}
	size_t ns = i;
	while (i < end && t[i] != ':' && t[i] != '/' && t[i] != '=')
		i++;
	term->name_start = ns;
	term->name_length = i - ns;
	for (size_t k = 0; k < sizeof(mechanisms) / sizeof(mechanisms[0]); k++) {
		if (strlen(mechanisms[k].name) == term->name_length &&
		    strncasecmp(t + ns, mechanisms[k].name, term->name_length) == 0)
			term->type = mechanisms[k].type;
	}
	size_t rest = i;
	switch (term->type) {
	case AL_SPF_TERM_UNKNOWN: {
		const char *why = "an unknown mechanism";
		for (size_t k = term->start; k < end; k++) {
			unsigned char c = (unsigned char)t[k];
			if (c >= 0x80) {
				why = "a byte that is not ASCII";
				add_error(p, index, k, 1, why);
				return;
			}
			if (c < 0x21 || c == 0x7f) {
				why = c == '\t' ? "a tab (terms are separated by spaces only)"
						: "a control character";
				add_error(p, index, k, 1, why);
				return;
			}
		}
		if (term->name_length == 0)
			why = term->qualifier_written ? "a qualifier without a mechanism"
						      : "a term without a name";
		else if (rest < end && t[rest] == '=')
			why = "a modifier name that is not valid (ALPHA *( ALPHA / DIGIT / - / _ / . ))";
		else if (term->name_length > 1 && strchr("+-~?", t[ns]) != NULL)
			why = "two qualifiers";
		add_error(p, index, term->start, term->length, why);
		return;
	}
	case AL_SPF_TERM_ALL:
		if (rest < end)
			add_error(p, index, rest, end - rest, "\"all\" takes no domain and no CIDR length");
		return;
	case AL_SPF_TERM_INCLUDE:
	case AL_SPF_TERM_EXISTS:
		if (rest >= end || t[rest] != ':') {
			add_error(p, index, rest < end ? rest : term->start, rest < end ? end - rest : term->length,
				  rest >= end ? "a mechanism that needs ':domain'"
					      : "a mechanism that takes no CIDR length");
			return;
		}
		domain_after_colon(p, index, term, rest, end);
		return;
	case AL_SPF_TERM_PTR:
		if (rest == end)
			return;
		if (t[rest] != ':') {
			add_error(p, index, rest, end - rest, "\"ptr\" takes no CIDR length");
			return;
		}
		domain_after_colon(p, index, term, rest, end);
		return;
	case AL_SPF_TERM_A:
	case AL_SPF_TERM_MX: {
		size_t before = p->rec->error_count;
		parse_dual_cidr(p, index, term, rest, end);
		if (p->rec->error_count == before && term->has_value) {
			note_macros(p, term);
			check_domain(p, index, term);
		}
		return;
	}
	case AL_SPF_TERM_IP4:
	case AL_SPF_TERM_IP6: {
		bool v6 = term->type == AL_SPF_TERM_IP6;
		if (rest >= end || t[rest] != ':') {
			add_error(p, index, rest < end ? rest : term->start, rest < end ? end - rest : term->length,
				  v6 ? "\"ip6\" needs ':address'" : "\"ip4\" needs ':address'");
			return;
		}
		size_t vs = rest + 1, ve = end;
		long v;
		bool lz;
		size_t nc = cidr_at_end(t, vs, ve, &v, &lz);
		if (nc > 0) {
			if (ve - nc > vs && t[ve - nc - 1] == '/') {
				add_error(p, index, ve - nc - 1, nc + 1,
					  "a dual CIDR length (//) is only for a and mx");
				return;
			}
			if (lz) {
				add_error(p, index, ve - nc, nc, "a CIDR length with a leading zero");
				return;
			}
			if (v > (v6 ? 128 : 32)) {
				add_error(p, index, ve - nc, nc,
					  v6 ? "an IPv6 CIDR length above 128" : "an IPv4 CIDR length above 32");
				return;
			}
			if (v6)
				term->cidr6 = (int)v;
			else
				term->cidr4 = (int)v;
			term->cidr_start = ve - nc;
			term->cidr_length = nc;
			ve -= nc;
		}
		term->has_value = true;
		term->value_start = vs;
		term->value_length = ve - vs;
		bool ok = v6 ? parse_ip6(t + vs, ve - vs, term->address)
			     : parse_ip4(t + vs, ve - vs, term->address);
		if (!ok)
			add_error(p, index, vs, ve - vs,
				  v6 ? "not an IPv6 address (RFC 4291 text form)"
				     : "not an IPv4 address (a dotted quad, no leading zeros)");
		return;
	}
	default:
		return;
	}
}

static void parse_modifier(parser *p, int index, al_spf_term *term, size_t name_end)
{
	const char *t = p->t;
	term->name_start = term->start;
	term->name_length = name_end - term->start;
	term->has_value = true;
	term->value_start = name_end + 1;
	term->value_length = term->start + term->length - name_end - 1;
	note_macros(p, term);
	if (term->name_length == 8 && strncasecmp(t + term->start, "redirect", 8) == 0)
		term->type = AL_SPF_TERM_REDIRECT;
	else if (term->name_length == 3 && strncasecmp(t + term->start, "exp", 3) == 0)
		term->type = AL_SPF_TERM_EXP;
	else
		term->type = AL_SPF_TERM_MODIFIER;
	if (term->type == AL_SPF_TERM_MODIFIER) {
		/* unknown-modifier = name "=" macro-string: the value must still parse */
		size_t pos = 0;
		al_spf_macro m;
		const char *v = t + term->value_start;
		while (al_spf_macro_next(v, term->value_length, &pos, false, &m) != AL_SPF_MACRO_END) {
			if (m.token == AL_SPF_MACRO_ERROR) {
				add_error(p, index, term->value_start + m.start, m.length, m.error);
				return;
			}
		}
		return;
	}
	int *first = term->type == AL_SPF_TERM_REDIRECT ? &p->rec->redirect : &p->rec->exp;
	if (*first >= 0) {
		add_error(p, index, term->start, term->length,
			  term->type == AL_SPF_TERM_REDIRECT ? "a second redirect= modifier"
							     : "a second exp= modifier");
		return;
	}
	*first = index;
	check_domain(p, index, term);
}

static void parse_term(parser *p, int index)
{
	al_spf_term *term = &p->terms[index];
	const char *t = p->t;
	size_t i = term->start, end = term->start + term->length;
	/* a modifier: name "=" with name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
	if (al_spfp_is_alpha(t[i])) {
		size_t k = i + 1;
		while (k < end && (al_spfp_is_alnum(t[k]) || t[k] == '-' || t[k] == '_' || t[k] == '.'))
			k++;
		if (k < end && t[k] == '=') {
			parse_modifier(p, index, term, k);
			return;
		}
	}
	parse_mechanism(p, index, term);
}

static size_t count_terms(const char *t, size_t n, size_t from)
{
	size_t count = 0;
	size_t i = from;
	while (i < n) {
		while (i < n && t[i] == ' ')
			i++;
		if (i >= n)
			break;
		count++;
		while (i < n && t[i] != ' ')
			i++;
	}
	return count;
}


typedef void *(*alloc_fn)(void *ctx, size_t size);

static al_status parse_with(alloc_fn alloc, void *ctx, const char *text, size_t length,
			    al_spf_record **out)
{
	*out = NULL;
	if (text == NULL)
		length = 0;
	bool vok = al_text_is_spf(text, length);
	size_t count = vok ? count_terms(text, length, 6) : 0;
	size_t error_capacity = count + 1;
	size_t size = sizeof(al_spf_record) + count * sizeof(al_spf_term) +
		      error_capacity * sizeof(al_spf_error);
	if (count > (SIZE_MAX / 2) / sizeof(al_spf_term))
		return AL_ENOMEM;
	char *block = alloc(ctx, size);
	if (block == NULL)
		return AL_ENOMEM;
	memset(block, 0, size);
	al_spf_record *rec = (al_spf_record *)(void *)block;
	al_spf_term *terms = (al_spf_term *)(void *)(block + sizeof(*rec));
	al_spf_error *errors = (al_spf_error *)(void *)(block + sizeof(*rec) + count * sizeof(al_spf_term));
	rec->text = text;
	rec->length = length;
	rec->version_ok = vok;
	rec->terms = terms;
	rec->errors = errors;
	rec->redirect = rec->exp = rec->all = -1;
	parser p = {text, length, rec, terms, errors, error_capacity};
	if (!vok) {
		size_t e = 0;
		while (e < length && text[e] != ' ')
			e++;
		add_error(&p, -1, 0, e, "the record does not start with \"v=spf1\" followed by a space");
		*out = rec;
		return AL_OK;
	}
	size_t i = 6, k = 0;
	while (i < length && k < count) {
		while (i < length && text[i] == ' ')
			i++;
		if (i >= length)
			break;
		size_t s = i;
		while (i < length && text[i] != ' ')
			i++;
		al_spf_term *term = &terms[k];
		term->start = s;
		term->length = i - s;
		term->cidr4 = term->cidr6 = -1;
		term->error = -1;
		parse_term(&p, (int)k);
		if (term->type == AL_SPF_TERM_ALL && rec->all < 0)
			rec->all = (int)k;
		k++;
	}
	rec->term_count = k;
	*out = rec;
	return AL_OK;
}

static void *arena_alloc(void *ctx, size_t size)
{
	return al_arena_alloc(ctx, size);
}

static void *heap_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

al_status al_spf_parse_arena(al_arena *arena, const char *text, size_t length, al_spf_record **out)
{
	return parse_with(arena_alloc, arena, text, length, out);
}

al_status al_spf_parse(const char *text, size_t length, al_spf_record **out)
{
	return parse_with(heap_alloc, NULL, text, length, out);
}

void al_spf_record_free(al_spf_record *record)
{
	free(record);
}

/* ---- near misses ------------------------------------------------------------------ */

static size_t skip_ws(const char *t, size_t n, size_t i)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n' || t[i] == '"'))
		i++;
	return i;
}

bool al_spf_near_miss(const char *t, size_t n, const char **why)
{
	if (al_text_is_spf(t, n))
		return false;
	size_t i = skip_ws(t, n, 0);
	if (i > 0 && al_text_is_spf(t + i, n - i)) {
		*why = "starts with whitespace or a quote before v=spf1";
		return true;
	}
	if (n - i >= 6 && strncasecmp(t + i, "v=spf1", 6) == 0) {
		*why = "has no space after v=spf1";
		return true;
	}
	if (n - i >= 8 && strncasecmp(t + i, "v=spf2.0", 8) == 0)
		return false; /* Sender ID: its own rule */
	if (n - i >= 5 && strncasecmp(t + i, "spf1 ", 5) == 0) {
		*why = "is missing the v= of v=spf1";
		return true;
	}
	/* "v = spf1", "v= spf1", "v =spf1" */
	size_t j = i;
	if (j < n && (t[j] == 'v' || t[j] == 'V')) {
		j++;
		bool ws = false;
		while (j < n && (t[j] == ' ' || t[j] == '\t'))
			j++, ws = true;
		if (j < n && t[j] == '=') {
			j++;
			while (j < n && (t[j] == ' ' || t[j] == '\t'))
				j++, ws = true;
			if (ws && n - j >= 4 && strncasecmp(t + j, "spf1", 4) == 0) {
				*why = "has spaces around the = of v=spf1";
				return true;
			}
		}
	}
	return false;
}
