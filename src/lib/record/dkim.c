/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DKIM key record parser (RFC 6376 3.2 tag lists, 3.6.1 key records,
 * RFC 8301 hashes and key sizes, RFC 8463 Ed25519). Tag names are
 * case-sensitive, a duplicate tag invalidates the record, v= must come first
 * when present. The key is decoded once, here (dkim_key.c).
 */
#include <authlint/dkim.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record/dkim_parse.h"
#include "record/parse_util.h"
#include "record/tagvalue.h"
#include "util/arena.h"

static const char *const tag_names[AL_DKIM_TAG_COUNT_] = {
	[AL_DKIM_TAG_UNKNOWN] = "?", [AL_DKIM_TAG_V] = "v", [AL_DKIM_TAG_H] = "h",
	[AL_DKIM_TAG_K] = "k",       [AL_DKIM_TAG_N] = "n", [AL_DKIM_TAG_P] = "p",
	[AL_DKIM_TAG_S] = "s",       [AL_DKIM_TAG_T] = "t", [AL_DKIM_TAG_G] = "g",
};

const char *al_dkim_tag_name(al_dkim_tag_id id)
{
	return (unsigned)id < AL_DKIM_TAG_COUNT_ ? tag_names[id] : "?";
}

const char *al_dkim_algorithm_name(al_dkim_algorithm alg)
{
	switch (alg) {
	case AL_DKIM_ALG_RSA:
		return "rsa";
	case AL_DKIM_ALG_ED25519:
		return "ed25519";
	default:
		return "unknown";
	}
}

typedef struct parser {
	al_rec_ctx c; /* arena, text, nomem */
	al_dkim_record *rec;
	al_dkim_keycache *memo; /* decoded keys, or NULL */
	al_dkim_problem *problems;
	size_t problem_count, problem_cap;
} parser;

static void problem(parser *ps, al_dkim_problem_kind kind, al_dkim_tag_id tag, size_t start,
		    size_t length, const char *detail, const char *hint)
{
	al_dkim_problem *list = al_rec_grow(&ps->c, ps->problems, ps->problem_count, &ps->problem_cap,
					    sizeof(*list));
	if (list == NULL)
		return;
	ps->problems = list;
	list[ps->problem_count++] = (al_dkim_problem){kind, tag, {start, length}, detail ? detail : "", hint};
}

#define fmt(ps, ...) al_rec_fmt(&(ps)->c, __VA_ARGS__)
#define quoted(ps, start, length) al_rec_quoted(&(ps)->c, (start), (length))

static al_dkim_tag_id tag_lookup(const char *name, size_t length)
{
	for (int id = AL_DKIM_TAG_V; id < AL_DKIM_TAG_COUNT_; id++)
		if (strlen(tag_names[id]) == length && memcmp(name, tag_names[id], length) == 0)
			return (al_dkim_tag_id)id;
	return AL_DKIM_TAG_UNKNOWN;
}

/* Items of a colon-separated list, whitespace around them allowed (FWS). */
typedef void (*item_fn)(parser *ps, const al_dkim_tag *tag, size_t start, size_t length);

static void colon_list(parser *ps, const al_dkim_tag *tag, item_fn fn)
{
	const char *t = ps->c.t;
	size_t s = tag->value.start, end = s + tag->value.length;
	for (size_t i = s; i <= end; i++) {
		if (i < end && t[i] != ':')
			continue;
		size_t a = s, b = i;
		while (a < b && isspace((unsigned char)t[a]))
			a++;
		while (b > a && isspace((unsigned char)t[b - 1]))
			b--;
		fn(ps, tag, a, b - a);
		s = i + 1;
	}
}

static bool is(parser *ps, size_t start, size_t length, const char *word)
{
	return strlen(word) == length && strncasecmp(ps->c.t + start, word, length) == 0;
}

static void hash_item(parser *ps, const al_dkim_tag *tag, size_t start, size_t length)
{
	if (is(ps, start, length, "sha256"))
		ps->rec->hashes |= AL_DKIM_HASH_SHA256;
	else if (is(ps, start, length, "sha1"))
		ps->rec->hashes |= AL_DKIM_HASH_SHA1;
	else {
		ps->rec->hashes |= AL_DKIM_HASH_OTHER;
		static const char *const known[] = {"sha256", "sha1"};
		const char *close = al_closest_word(ps->c.t + start, length, known, 2, false);
		problem(ps, AL_DKIM_PROBLEM_VALUE, tag->id, start, length,
			fmt(ps, "h= lists %s, a hash verifiers do not know", length ? quoted(ps, start, length) : "an empty item"),
			close ? fmt(ps, "did you mean %s?", close) : NULL);
	}
}

static void service_item(parser *ps, const al_dkim_tag *tag, size_t start, size_t length)
{
	(void)tag;
	if (is(ps, start, length, "email"))
		ps->rec->services |= AL_DKIM_SERVICE_EMAIL;
	else if (is(ps, start, length, "*"))
		ps->rec->services |= AL_DKIM_SERVICE_ANY;
	else
		ps->rec->services |= AL_DKIM_SERVICE_OTHER;
}

static void flag_item(parser *ps, const al_dkim_tag *tag, size_t start, size_t length)
{
	(void)tag;
	if (is(ps, start, length, "y"))
		ps->rec->flags |= AL_DKIM_FLAG_Y;
	else if (is(ps, start, length, "s"))
		ps->rec->flags |= AL_DKIM_FLAG_S;
	else
		ps->rec->flags |= AL_DKIM_FLAG_OTHER;
}

static const char *const known_names[] = {"v", "h", "k", "n", "p", "s", "t"};

static void parse_tags(parser *ps, const al_taglist *lex)
{
	const char *t = ps->c.t;
	al_dkim_record *r = ps->rec;
	al_dkim_tag *tags = al_arena_calloc(ps->c.arena, lex->count ? lex->count : 1, sizeof(*tags));
	if (tags == NULL) {
		ps->c.nomem = true;
		return;
	}
	bool broken = false;
	for (size_t i = 0; i < lex->problem_count; i++) {
		const al_tv_problem *lp = &lex->problems[i];
		const char *what = NULL, *hint = NULL;
		switch (lp->kind) {
		case AL_TV_EMPTY_SPEC:
			what = "an empty tag between two ';'";
			hint = "remove the extra ';'";
			break;
		case AL_TV_NO_EQUALS:
			what = fmt(ps, "%s is not tag=value", quoted(ps, lp->start, lp->length));
			break;
		case AL_TV_BAD_NAME:
			what = fmt(ps, "the tag name %s is not a letter followed by letters, digits or '_'",
				   quoted(ps, lp->start, lp->length));
			break;
		case AL_TV_EMPTY_NAME:
			what = "a '=' without a tag name before it";
			break;
		case AL_TV_BAD_VALUE_CHAR:
			what = "a value holds a byte outside printable ASCII";
			break;
		}
		problem(ps, AL_DKIM_PROBLEM_SYNTAX, AL_DKIM_TAG_UNKNOWN, lp->start, lp->length, what, hint);
		broken = true;
	}
	for (size_t i = 0; i < lex->count; i++) {
		const al_tv_tag *lt = &lex->tags[i];
		al_dkim_tag *tag = &tags[i];
		tag->spec = (al_dkim_span){lt->start, lt->end - lt->start};
		tag->name = (al_dkim_span){lt->name_start, lt->name_length};
		tag->value = (al_dkim_span){lt->value_start, lt->value_length};
		tag->has_equals = lt->has_equals;
		if (!lt->has_equals || lt->name_length == 0)
			continue;
		tag->id = tag_lookup(t + lt->name_start, lt->name_length);
		if (tag->id == AL_DKIM_TAG_UNKNOWN) {
			/* names are case-sensitive: P= is not p= */
			const char *hint = NULL;
			for (int id = AL_DKIM_TAG_V; id < AL_DKIM_TAG_COUNT_ && hint == NULL; id++)
				if (strlen(tag_names[id]) == lt->name_length &&
				    strncasecmp(t + lt->name_start, tag_names[id], lt->name_length) == 0)
					hint = fmt(ps, "tag names are case-sensitive: write %s=", tag_names[id]);
			if (hint == NULL) {
				const char *close = al_closest_word(t + lt->name_start, lt->name_length, known_names,
								    sizeof(known_names) / sizeof(known_names[0]), true);
				hint = close ? fmt(ps, "did you mean %s?", close) : NULL;
			}
			problem(ps, AL_DKIM_PROBLEM_UNKNOWN_TAG, AL_DKIM_TAG_UNKNOWN, lt->name_start, lt->name_length,
				fmt(ps, "%s is not a key record tag", quoted(ps, lt->name_start, lt->name_length)), hint);
			continue;
		}
		if (tag->id == AL_DKIM_TAG_G) {
			problem(ps, AL_DKIM_PROBLEM_UNKNOWN_TAG, AL_DKIM_TAG_G, lt->start, lt->end - lt->start,
				"g= (key granularity) is obsolete since RFC 6376", "remove g=");
		}
		if (r->tag[tag->id] != NULL) {
			tag->duplicate = true;
			broken = true;
			problem(ps, AL_DKIM_PROBLEM_DUPLICATE, tag->id, lt->start, lt->end - lt->start,
				fmt(ps, "%s= appears more than once", tag_names[tag->id]), "keep one of them");
			continue;
		}
		r->tag[tag->id] = tag;
	}
	r->tags = tags;
	r->tag_count = lex->count;

	/* v=DKIM1 first, when present (RFC 6376 3.6.1) */
	const al_dkim_tag *v = r->tag[AL_DKIM_TAG_V];
	if (v != NULL) {
		if (lex->count == 0 || &tags[0] != v) {
			problem(ps, AL_DKIM_PROBLEM_VERSION, AL_DKIM_TAG_V, v->spec.start, v->spec.length,
				"v= is not the first tag", "move v=DKIM1 to the front, or remove it");
			broken = true;
		} else if (!(v->value.length == 5 && memcmp(t + v->value.start, "DKIM1", 5) == 0)) {
			bool caseonly = v->value.length == 5 && strncasecmp(t + v->value.start, "DKIM1", 5) == 0;
			problem(ps, AL_DKIM_PROBLEM_VERSION, AL_DKIM_TAG_V, v->value.start, v->value.length,
				fmt(ps, "the version %s is not DKIM1%s",
				    v->value.length ? quoted(ps, v->value.start, v->value.length) : "(empty)",
				    caseonly ? " (the value is case-sensitive)" : ""),
				"write v=DKIM1");
			broken = true;
		}
	}
	/* k=, h=, s=, t= */
	bool k_known = true;
	r->k = AL_DKIM_ALG_RSA;
	const al_dkim_tag *k = r->tag[AL_DKIM_TAG_K];
	if (k != NULL) {
		if (is(ps, k->value.start, k->value.length, "rsa"))
			r->k = AL_DKIM_ALG_RSA;
		else if (is(ps, k->value.start, k->value.length, "ed25519"))
			r->k = AL_DKIM_ALG_ED25519;
		else {
			r->k = AL_DKIM_ALG_UNKNOWN;
			k_known = false;
			static const char *const algs[] = {"rsa", "ed25519"};
			const char *close = al_closest_word(t + k->value.start, k->value.length, algs, 2, false);
			problem(ps, AL_DKIM_PROBLEM_VALUE, AL_DKIM_TAG_K, k->value.start, k->value.length,
				fmt(ps, "k=%s is not rsa or ed25519",
				    k->value.length ? quoted(ps, k->value.start, k->value.length) : "(empty)"),
				close ? fmt(ps, "did you mean k=%s?", close) : NULL);
		}
	}
	if (r->tag[AL_DKIM_TAG_H] != NULL)
		colon_list(ps, r->tag[AL_DKIM_TAG_H], hash_item);
	if (r->tag[AL_DKIM_TAG_S] != NULL)
		colon_list(ps, r->tag[AL_DKIM_TAG_S], service_item);
	if (r->tag[AL_DKIM_TAG_T] != NULL)
		colon_list(ps, r->tag[AL_DKIM_TAG_T], flag_item);
	const al_dkim_tag *p = r->tag[AL_DKIM_TAG_P];
	if (p == NULL) {
		r->key.status = AL_DKIM_KEY_MISSING;
		broken = true;
	} else {
		al_dkim_key_decode_cached(ps->memo, t + p->value.start, p->value.length, r->k, k_known, ps->c.arena,
					&r->key);
	}
	r->valid = !broken;
}

al_status al_dkim_parse_arena(const char *text, size_t length, al_arena *arena, al_dkim_record **out)
{
	return al_dkim_parse_cached(text, length, arena, NULL, out);
}

al_status al_dkim_parse_cached(const char *text, size_t length, al_arena *arena, al_dkim_keycache *memo,
			     al_dkim_record **out)
{
	*out = NULL;
	al_dkim_record *r = al_arena_calloc(arena, 1, sizeof(*r));
	char *copy = al_arena_strndup(arena, text, length);
	if (r == NULL || copy == NULL)
		return AL_ENOMEM;
	r->text = copy;
	r->length = length;
	parser ps = {.c = {.arena = arena, .t = copy}, .rec = r, .memo = memo};
	al_taglist lex;
	if (al_tagvalue_parse(copy, length, arena, &lex) != AL_OK)
		return AL_ENOMEM;
	parse_tags(&ps, &lex);
	if (ps.c.nomem)
		return AL_ENOMEM;
	r->problems = ps.problems;
	r->problem_count = ps.problem_count;
	*out = r;
	return AL_OK;
}

static al_status parse_void(const char *text, size_t length, al_arena *arena, void **out)
{
	al_dkim_record *r = NULL;
	al_status st = al_dkim_parse_arena(text, length, arena, &r);
	*out = r;
	return st;
}

al_status al_dkim_parse(const char *text, size_t length, al_dkim_record **out)
{
	void *r = NULL;
	al_status st = al_rec_parse_owned(text, length, sizeof(al_dkim_record), parse_void, &r);
	*out = r;
	return st;
}

void al_dkim_record_free(al_dkim_record *record)
{
	al_rec_free_owned(record);
}

bool al_dkim_key_usable(const al_dkim_record *r)
{
	if (r == NULL || !r->valid || r->key.status != AL_DKIM_KEY_OK)
		return false;
	if (r->key.algorithm == AL_DKIM_ALG_RSA && r->key.bits < 1024)
		return false;
	if (r->hashes != 0 && !(r->hashes & AL_DKIM_HASH_SHA256))
		return false;
	if (r->services != 0 && !(r->services & (AL_DKIM_SERVICE_EMAIL | AL_DKIM_SERVICE_ANY)))
		return false;
	return true;
}
