/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DMARC record parser (RFC 7489 6.3-6.4, RFC 9989 4.7-4.8) and the policy
 * a record gives to failing mail under each receiver generation.
 *
 * One pass over the tag list from the shared tag=value lexer; every value is
 * checked against its grammar for both generations at once, and what only one
 * generation objects to carries that generation.
 */
#include <authlint/dmarc.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record/dmarc_parse.h"
#include "record/dmarc_parser.h"
#include "record/parse_util.h"
#include "record/tagvalue.h"
#include "util/arena.h"

/* ---- names ----------------------------------------------------------------- */

static const char *const tag_names[AL_DMARC_TAG_COUNT_] = {
	[AL_DMARC_TAG_UNKNOWN] = "?",  [AL_DMARC_TAG_V] = "v",         [AL_DMARC_TAG_P] = "p",
	[AL_DMARC_TAG_SP] = "sp",      [AL_DMARC_TAG_NP] = "np",       [AL_DMARC_TAG_PSD] = "psd",
	[AL_DMARC_TAG_T] = "t",        [AL_DMARC_TAG_ADKIM] = "adkim", [AL_DMARC_TAG_ASPF] = "aspf",
	[AL_DMARC_TAG_RUA] = "rua",    [AL_DMARC_TAG_RUF] = "ruf",     [AL_DMARC_TAG_FO] = "fo",
	[AL_DMARC_TAG_PCT] = "pct",    [AL_DMARC_TAG_RF] = "rf",       [AL_DMARC_TAG_RI] = "ri",
};

const char *al_dmarc_tag_name(al_dmarc_tag_id id)
{
	return (unsigned)id < AL_DMARC_TAG_COUNT_ ? tag_names[id] : "?";
}

al_generation al_dmarc_tag_generation(al_dmarc_tag_id id)
{
	switch (id) {
	case AL_DMARC_TAG_NP:
	case AL_DMARC_TAG_PSD:
	case AL_DMARC_TAG_T:
		return AL_GENERATION_RFC9989;
	case AL_DMARC_TAG_PCT:
	case AL_DMARC_TAG_RF:
	case AL_DMARC_TAG_RI:
		return AL_GENERATION_RFC7489;
	default:
		return AL_GENERATION_ANY;
	}
}

const char *al_dmarc_policy_name(al_dmarc_policy policy)
{
	switch (policy) {
	case AL_DMARC_POLICY_NONE:
		return "none";
	case AL_DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case AL_DMARC_POLICY_REJECT:
		return "reject";
	case AL_DMARC_POLICY_INVALID:
		return "(invalid)";
	default:
		return "(unset)";
	}
}

al_dmarc_policy al_dmarc_policy_lower(al_dmarc_policy policy)
{
	if (policy == AL_DMARC_POLICY_REJECT)
		return AL_DMARC_POLICY_QUARANTINE;
	if (policy == AL_DMARC_POLICY_QUARANTINE)
		return AL_DMARC_POLICY_NONE;
	return policy;
}

/* ---- parser state (record/dmarc_parser.h) ------------------------------ */

void al_dmarc_add_problem(parser *ps, al_dmarc_problem_kind kind, al_dmarc_tag_id tag, al_generation gen,
		    size_t start, size_t length, const char *detail, const char *hint)
{
	al_dmarc_problem *list = al_rec_grow(&ps->c, ps->problems, ps->problem_count, &ps->problem_cap,
					     sizeof(*list));
	if (list == NULL)
		return;
	ps->problems = list;
	list[ps->problem_count++] = (al_dmarc_problem){kind, tag, gen, {start, length}, detail ? detail : "", hint};
}


bool al_dmarc_eq_nocase(const char *t, size_t length, const char *word)
{
	return strlen(word) == length && strncasecmp(t, word, length) == 0;
}

static al_dmarc_tag_id tag_lookup(const char *name, size_t length)
{
	for (int id = AL_DMARC_TAG_V; id < AL_DMARC_TAG_COUNT_; id++)
		if (al_dmarc_eq_nocase(name, length, tag_names[id]))
			return (al_dmarc_tag_id)id;
	return AL_DMARC_TAG_UNKNOWN;
}

/* "none p=reject": a separator seems to be missing before a tag. */
const char *al_dmarc_separator_hint(parser *ps, size_t start, size_t length)
{
	const char *v = ps->c.t + start;
	for (size_t i = 1; i + 1 < length; i++) {
		if (v[i] != ' ' && v[i] != '\t')
			continue;
		size_t j = i;
		while (j < length && (v[j] == ' ' || v[j] == '\t'))
			j++;
		size_t k = j;
		while (k < length && isalpha((unsigned char)v[k]))
			k++;
		if (k > j && k < length && v[k] == '=' && tag_lookup(v + j, k - j) != AL_DMARC_TAG_UNKNOWN)
			return fmt(ps, "a ';' seems to be missing before '%.*s='", (int)(k - j), v + j);
	}
	return NULL;
}

/* ---- values ----------------------------------------------------------------- */

static const char *const policy_words[] = {"none", "quarantine", "reject"};

static al_dmarc_policy parse_policy(parser *ps, const al_dmarc_tag *tag, al_generation gen)
{
	const char *v = ps->c.t + tag->value.start;
	size_t n = tag->value.length;
	for (size_t i = 0; i < 3; i++)
		if (al_dmarc_eq_nocase(v, n, policy_words[i]))
			return (al_dmarc_policy)(AL_DMARC_POLICY_NONE + i);
	const char *hint = al_dmarc_separator_hint(ps, tag->value.start, n);
	if (hint == NULL) {
		const char *close = al_closest_word(v, n, policy_words, 3, false);
		if (close != NULL)
			hint = fmt(ps, "did you mean %s=%s?", tag_names[tag->id], close);
	}
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, gen, tag->value.start, n,
		fmt(ps, "%s=%s is not none, quarantine or reject", tag_names[tag->id],
		    n ? quoted(ps, tag->value.start, n) : "(empty)"),
		hint);
	return AL_DMARC_POLICY_INVALID;
}

static al_dmarc_alignment parse_alignment(parser *ps, const al_dmarc_tag *tag)
{
	const char *v = ps->c.t + tag->value.start;
	size_t n = tag->value.length;
	if (al_dmarc_eq_nocase(v, n, "r"))
		return AL_DMARC_ALIGN_RELAXED;
	if (al_dmarc_eq_nocase(v, n, "s"))
		return AL_DMARC_ALIGN_STRICT;
	const char *hint = NULL;
	if (n > 1 && (al_dmarc_eq_nocase(v, n, "relaxed") || al_dmarc_eq_nocase(v, n, "strict")))
		hint = fmt(ps, "write %s=%c", tag_names[tag->id], tolower((unsigned char)v[0]));
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_ANY, tag->value.start, n,
		fmt(ps, "%s=%s is not r (relaxed) or s (strict)", tag_names[tag->id],
		    n ? quoted(ps, tag->value.start, n) : "(empty)"),
		hint);
	return AL_DMARC_ALIGN_INVALID;
}

static al_dmarc_flag parse_flag(parser *ps, const al_dmarc_tag *tag, bool allow_u)
{
	const char *v = ps->c.t + tag->value.start;
	size_t n = tag->value.length;
	if (al_dmarc_eq_nocase(v, n, "y"))
		return AL_DMARC_FLAG_Y;
	if (al_dmarc_eq_nocase(v, n, "n"))
		return AL_DMARC_FLAG_N;
	if (allow_u && al_dmarc_eq_nocase(v, n, "u"))
		return AL_DMARC_FLAG_U;
	const char *hint = NULL;
	if (al_dmarc_eq_nocase(v, n, "yes") || al_dmarc_eq_nocase(v, n, "true") || al_dmarc_eq_nocase(v, n, "1"))
		hint = fmt(ps, "write %s=y", tag_names[tag->id]);
	else if (al_dmarc_eq_nocase(v, n, "no") || al_dmarc_eq_nocase(v, n, "false") || al_dmarc_eq_nocase(v, n, "0"))
		hint = fmt(ps, "write %s=n", tag_names[tag->id]);
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC9989, tag->value.start, n,
		fmt(ps, "%s=%s is not %s", tag_names[tag->id],
		    n ? quoted(ps, tag->value.start, n) : "(empty)", allow_u ? "y, n or u" : "y or n"),
		hint);
	return AL_DMARC_FLAG_INVALID;
}

static bool all_digits(const char *v, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return false;
	return true;
}

static void parse_pct(parser *ps, const al_dmarc_tag *tag)
{
	const char *v = ps->c.t + tag->value.start;
	size_t n = tag->value.length;
	al_dmarc_record *r = ps->rec;
	if (all_digits(v, n) && n <= 3) {
		unsigned x = 0;
		for (size_t i = 0; i < n; i++)
			x = x * 10 + (unsigned)(v[i] - '0');
		if (x <= 100) {
			r->pct_valid = true;
			r->pct = x;
			return;
		}
	}
	const char *hint = NULL;
	if (n >= 2 && v[n - 1] == '%' && all_digits(v, n - 1))
		hint = fmt(ps, "write pct=%.*s", (int)(n - 1), v);
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC7489, tag->value.start, n,
		fmt(ps, "pct=%s is not an integer from 0 to 100",
		    n ? quoted(ps, tag->value.start, n) : "(empty)"),
		hint);
}

static void parse_ri(parser *ps, const al_dmarc_tag *tag)
{
	const char *v = ps->c.t + tag->value.start;
	size_t n = tag->value.length;
	if (all_digits(v, n)) {
		uint64_t x = 0;
		bool over = false;
		for (size_t i = 0; i < n && !over; i++) {
			x = x * 10 + (uint64_t)(v[i] - '0');
			over = x > UINT32_MAX;
		}
		if (!over) {
			ps->rec->ri_valid = true;
			ps->rec->ri = (uint32_t)x;
			return;
		}
	}
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC7489, tag->value.start, n,
		fmt(ps, "ri=%s is not a number of seconds (an unsigned 32-bit integer)",
		    n ? quoted(ps, tag->value.start, n) : "(empty)"),
		NULL);
}

/* A colon list: calls fn for each item with its bounds. */
typedef void (*item_fn)(parser *ps, const al_dmarc_tag *tag, size_t start, size_t length, void *ud);

static void colon_list(parser *ps, const al_dmarc_tag *tag, item_fn fn, void *ud)
{
	size_t s = tag->value.start, end = s + tag->value.length;
	for (size_t i = s; i <= end; i++) {
		if (i == end || ps->c.t[i] == ':') {
			fn(ps, tag, s, i - s, ud);
			s = i + 1;
		}
	}
}

typedef struct fo_state {
	unsigned seen;
	unsigned repeated;
	size_t zero_at, one_at;
	bool bad;
} fo_state;

static void fo_item(parser *ps, const al_dmarc_tag *tag, size_t start, size_t length, void *ud)
{
	fo_state *st = ud;
	const char *v = ps->c.t + start;
	unsigned bit = 0;
	if (length == 1) {
		switch (tolower((unsigned char)v[0])) {
		case '0':
			bit = AL_DMARC_FO_0;
			st->zero_at = start;
			break;
		case '1':
			bit = AL_DMARC_FO_1;
			st->one_at = start;
			break;
		case 'd':
			bit = AL_DMARC_FO_D;
			break;
		case 's':
			bit = AL_DMARC_FO_S;
			break;
		}
	}
	if (bit == 0) {
		st->bad = true;
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_ANY, start, length,
			fmt(ps, "fo option %s is not 0, 1, d or s (options are separated by ':')",
			    length ? quoted(ps, start, length) : "(empty)"),
			NULL);
		return;
	}
	if (st->seen & bit)
		st->repeated |= bit;
	st->seen |= bit;
}

static void parse_fo(parser *ps, const al_dmarc_tag *tag)
{
	fo_state st = {0};
	colon_list(ps, tag, fo_item, &st);
	ps->rec->fo = st.seen;
	if ((st.seen & AL_DMARC_FO_0) && (st.seen & AL_DMARC_FO_1)) {
		size_t a = st.zero_at < st.one_at ? st.zero_at : st.one_at;
		size_t b = st.zero_at < st.one_at ? st.one_at : st.zero_at;
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC9989, a, b - a + 1,
			"fo=0 and fo=1 are mutually exclusive under RFC 9989", "keep one of 0 and 1");
	}
	if (st.repeated & (AL_DMARC_FO_D | AL_DMARC_FO_S))
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC9989, tag->value.start,
			tag->value.length, "d and s may appear at most once in fo under RFC 9989", NULL);
}

static void rf_item(parser *ps, const al_dmarc_tag *tag, size_t start, size_t length, void *ud)
{
	(void)ud;
	const char *v = ps->c.t + start;
	bool ok = length > 0 && isalpha((unsigned char)v[0]);
	for (size_t i = 1; ok && i < length; i++)
		ok = isalnum((unsigned char)v[i]);
	if (!ok) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC7489, start, length,
			fmt(ps, "rf format %s is not a keyword (formats are separated by ':')",
			    length ? quoted(ps, start, length) : "(empty)"),
			NULL);
		return;
	}
	if (al_dmarc_eq_nocase(v, length, "afrf"))
		ps->rec->rf |= AL_DMARC_RF_AFRF;
	else if (al_dmarc_eq_nocase(v, length, "iodef"))
		ps->rec->rf |= AL_DMARC_RF_IODEF;
	else {
		ps->rec->rf |= AL_DMARC_RF_OTHER;
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VALUE, tag->id, AL_GENERATION_RFC7489, start, length,
			fmt(ps, "rf format %s is not one receivers know (afrf)", quoted(ps, start, length)),
			"write rf=afrf or remove rf");
	}
}

/* ---- the record ---------------------------------------------------------------- */

static const char *const known_names[] = {"v",   "p",    "sp",  "np",  "psd", "t",  "adkim",
					  "aspf", "rua", "ruf", "fo",  "pct", "rf", "ri"};

/* "fo:1", "rua:mailto:x": a ':' where the '=' should be. */
static const char *colon_hint(parser *ps, size_t start, size_t length)
{
	const char *v = ps->c.t + start;
	const char *colon = memchr(v, ':', length);
	if (colon == NULL)
		return NULL;
	size_t nl = (size_t)(colon - v);
	if (tag_lookup(v, nl) == AL_DMARC_TAG_UNKNOWN)
		return NULL;
	return fmt(ps, "write %.*s=%.*s", (int)nl, v, (int)(length - nl - 1), colon + 1);
}

static void check_version(parser *ps, const al_taglist *lex)
{
	const char *t = ps->c.t;
	al_dmarc_record *r = ps->rec;
	size_t n = r->length;
	if (lex->count == 0) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY, 0, n,
			"the record has no tags; it must start with v=DMARC1", NULL);
		return;
	}
	const al_dmarc_tag *first = &r->tags[0];
	if (first->id != AL_DMARC_TAG_V) {
		const al_dmarc_tag *v = r->tag[AL_DMARC_TAG_V];
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY,
			v ? v->spec.start : first->spec.start,
			v ? v->spec.length : first->spec.length,
			v ? "v=DMARC1 is not the first tag" : "the record does not start with v=DMARC1",
			"start the record with v=DMARC1;");
		return;
	}
	if (first->spec.start > 0) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY, 0,
			first->spec.start, "the record starts with whitespace before v=DMARC1",
			"remove the leading whitespace");
		return;
	}
	const char *v = t + first->value.start;
	size_t vl = first->value.length;
	if (vl == 6 && memcmp(v, "DMARC1", 6) == 0) {
		r->is_dmarc = true;
		return;
	}
	if (vl == 6 && strncasecmp(v, "DMARC1", 6) == 0) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY,
			first->value.start, vl,
			fmt(ps, "the version %s is not DMARC1: the value is case-sensitive",
			    quoted(ps, first->value.start, vl)),
			"write v=DMARC1 in capitals");
		return;
	}
	if (vl > 6 && strncasecmp(v, "DMARC1", 6) == 0 && (v[6] == ' ' || v[6] == '\t')) {
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY,
			first->value.start, vl,
			fmt(ps, "the version is %s: a ';' is missing after v=DMARC1",
			    quoted(ps, first->value.start, vl)),
			"write v=DMARC1; then the other tags");
		return;
	}
	al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_VERSION, AL_DMARC_TAG_V, AL_GENERATION_ANY, first->value.start, vl,
		fmt(ps, "the version %s is not DMARC1", vl ? quoted(ps, first->value.start, vl) : "(empty)"),
		"write v=DMARC1");
}

/* Bytes the grammar does not allow anywhere: outside %x20-7E, except a tab in
 * a separator or around '=' (WSP). */
static void check_bytes(parser *ps)
{
	const char *t = ps->c.t;
	size_t n = ps->rec->length;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if ((c >= 0x20 && c <= 0x7e) || c == '\t')
			continue;
		size_t j = i;
		while (j < n && !(((unsigned char)t[j] >= 0x20 && (unsigned char)t[j] <= 0x7e) || t[j] == '\t'))
			j++;
		const char *what = (c == '\r' || c == '\n') ? "a line break" : "a byte outside printable ASCII";
		al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN, AL_GENERATION_ANY, i, j - i,
			fmt(ps, "the record contains %s", what), NULL);
		i = j;
	}
}

static void parse_value(parser *ps, al_dmarc_tag *tag)
{
	al_dmarc_record *r = ps->rec;
	switch (tag->id) {
	case AL_DMARC_TAG_P:
		r->p = parse_policy(ps, tag, AL_GENERATION_ANY);
		break;
	case AL_DMARC_TAG_SP:
		r->sp = parse_policy(ps, tag, AL_GENERATION_ANY);
		break;
	case AL_DMARC_TAG_NP:
		r->np = parse_policy(ps, tag, AL_GENERATION_RFC9989);
		break;
	case AL_DMARC_TAG_ADKIM:
		r->adkim = parse_alignment(ps, tag);
		break;
	case AL_DMARC_TAG_ASPF:
		r->aspf = parse_alignment(ps, tag);
		break;
	case AL_DMARC_TAG_T:
		r->t = parse_flag(ps, tag, false);
		break;
	case AL_DMARC_TAG_PSD:
		r->psd = parse_flag(ps, tag, true);
		break;
	case AL_DMARC_TAG_PCT:
		parse_pct(ps, tag);
		break;
	case AL_DMARC_TAG_RI:
		parse_ri(ps, tag);
		break;
	case AL_DMARC_TAG_RF:
		colon_list(ps, tag, rf_item, NULL);
		break;
	case AL_DMARC_TAG_FO:
		parse_fo(ps, tag);
		break;
	case AL_DMARC_TAG_RUA:
		al_dmarc_parse_uri_list(ps, tag, &r->rua, &r->rua_count);
		break;
	case AL_DMARC_TAG_RUF:
		al_dmarc_parse_uri_list(ps, tag, &r->ruf, &r->ruf_count);
		break;
	default:
		break;
	}
}

static void parse_tags(parser *ps, const al_taglist *lex)
{
	const char *t = ps->c.t;
	al_dmarc_record *r = ps->rec;
	al_dmarc_tag *tags = al_arena_calloc(ps->c.arena, lex->count ? lex->count : 1, sizeof(*tags));
	if (tags == NULL) {
		ps->c.nomem = true;
		return;
	}
	/* lexer problems: empty specs and names that are not names */
	for (size_t i = 0; i < lex->problem_count; i++) {
		const al_tv_problem *lp = &lex->problems[i];
		if (lp->kind == AL_TV_EMPTY_SPEC)
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN, AL_GENERATION_ANY,
				lp->start, lp->length, "an empty tag between two ';'",
				"remove the extra ';'");
		else if (lp->kind == AL_TV_EMPTY_NAME)
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN, AL_GENERATION_ANY,
				lp->start, lp->length, "a '=' without a tag name before it", NULL);
	}
	for (size_t i = 0; i < lex->count; i++) {
		const al_tv_tag *lt = &lex->tags[i];
		al_dmarc_tag *tag = &tags[i];
		tag->spec = (al_dmarc_span){lt->start, lt->end - lt->start};
		tag->name = (al_dmarc_span){lt->name_start, lt->name_length};
		tag->value = (al_dmarc_span){lt->value_start, lt->value_length};
		tag->has_equals = lt->has_equals;
		tag->id = tag_lookup(t + lt->name_start, lt->name_length);
		if (!lt->has_equals) {
			const char *hint = colon_hint(ps, lt->start, lt->end - lt->start);
			if (hint == NULL && tag->id != AL_DMARC_TAG_UNKNOWN)
				hint = fmt(ps, "write %s=<value>", tag_names[tag->id]);
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_SYNTAX, tag->id, AL_GENERATION_ANY, lt->start,
				lt->end - lt->start,
				fmt(ps, "%s is not tag=value", quoted(ps, lt->start, lt->end - lt->start)),
				hint);
			tag->id = AL_DMARC_TAG_UNKNOWN;
			continue;
		}
		if (lt->name_length == 0)
			continue;
		if (tag->id == AL_DMARC_TAG_UNKNOWN) {
			bool alpha = true;
			for (size_t k = 0; k < lt->name_length; k++)
				if (!isalpha((unsigned char)t[lt->name_start + k]))
					alpha = false;
			if (!alpha) {
				al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_SYNTAX, AL_DMARC_TAG_UNKNOWN, AL_GENERATION_ANY,
					lt->name_start, lt->name_length,
					fmt(ps, "the tag name %s is not letters only",
					    quoted(ps, lt->name_start, lt->name_length)),
					colon_hint(ps, lt->name_start, lt->name_length));
				continue;
			}
			const char *close = al_closest_word(t + lt->name_start, lt->name_length, known_names,
							    sizeof(known_names) / sizeof(known_names[0]),
							    false);
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_UNKNOWN_TAG, AL_DMARC_TAG_UNKNOWN, AL_GENERATION_ANY,
				lt->name_start, lt->name_length,
				fmt(ps, "%s is not a DMARC tag", quoted(ps, lt->name_start, lt->name_length)),
				close ? fmt(ps, "did you mean %s?", close) : NULL);
			continue;
		}
		if (r->tag[tag->id] != NULL) {
			tag->duplicate = true;
			al_dmarc_add_problem(ps, AL_DMARC_PROBLEM_DUPLICATE, tag->id, AL_GENERATION_ANY, lt->start,
				lt->end - lt->start,
				fmt(ps, "%s appears more than once", tag_names[tag->id]),
				"keep one of them");
			continue;
		}
		r->tag[tag->id] = tag;
		if (tag->id == AL_DMARC_TAG_V)
			continue;
		parse_value(ps, tag);
	}
	r->tags = tags;
	r->tag_count = lex->count;
}

al_status al_dmarc_parse_arena(const char *text, size_t length, al_arena *arena, al_dmarc_record **out)
{
	*out = NULL;
	al_dmarc_record *r = al_arena_calloc(arena, 1, sizeof(*r));
	char *copy = al_arena_strndup(arena, text, length);
	if (r == NULL || copy == NULL)
		return AL_ENOMEM;
	r->text = copy;
	r->length = length;
	r->pct = 100;
	r->ri = 86400;
	parser ps = {.c = {.arena = arena, .t = copy}, .rec = r};
	al_taglist lex;
	if (al_tagvalue_parse(copy, length, arena, &lex) != AL_OK)
		return AL_ENOMEM;
	check_bytes(&ps);
	parse_tags(&ps, &lex);
	if (!ps.c.nomem)
		check_version(&ps, &lex);
	if (ps.c.nomem)
		return AL_ENOMEM;
	r->problems = ps.problems;
	r->problem_count = ps.problem_count;
	*out = r;
	return AL_OK;
}

static al_status parse_void(const char *text, size_t length, al_arena *arena, void **out)
{
	al_dmarc_record *r = NULL;
	al_status st = al_dmarc_parse_arena(text, length, arena, &r);
	*out = r;
	return st;
}

al_status al_dmarc_parse(const char *text, size_t length, al_dmarc_record **out)
{
	void *r = NULL;
	al_status st = al_rec_parse_owned(text, length, sizeof(al_dmarc_record), parse_void, &r);
	*out = r;
	return st;
}

void al_dmarc_record_free(al_dmarc_record *record)
{
	al_rec_free_owned(record);
}

bool al_dmarc_record_discarded(const al_dmarc_record *r)
{
	if (r == NULL || !r->is_dmarc)
		return false;
	for (size_t i = 0; i < r->tag_count; i++)
		if (r->tags[i].duplicate)
			return true;
	return false;
}

bool al_dmarc_has_valid_rua(const al_dmarc_record *record)
{
	for (size_t i = 0; i < record->rua_count; i++)
		if (record->rua[i].valid && (!record->rua[i].has_size || record->rua[i].size_valid))
			return true;
	return false;
}
