/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "record/tagvalue.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/escape.h"
#include "util/grow.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool add_problem(al_taglist *l, struct al_arena *arena, size_t *cap, al_tv_problem_kind kind,
			size_t start, size_t length)
{
	al_tv_problem *p = al_arena_grow(arena, (void *)l->problems, l->problem_count, cap, sizeof(*p));
	if (p == NULL)
		return false;
	l->problems = p;
	l->problems[l->problem_count++] = (al_tv_problem){kind, start, length};
	return true;
}

al_status al_tagvalue_parse(const char *text, size_t length, struct al_arena *arena, al_taglist *out)
{
	memset(out, 0, sizeof(*out));
	/* at most one tag per separator, plus one */
	size_t seps = 1;
	for (const char *p = text, *end = text + length; p < end && (p = memchr(p, ';', (size_t)(end - p))) != NULL;
	     p++)
		seps++;
	out->tags = al_arena_alloc(arena, seps * sizeof(al_tv_tag));
	if (out->tags == NULL)
		return AL_ENOMEM;
	size_t pcap = 0;
	size_t pos = 0;
	while (pos <= length) {
		const char *semi = pos < length ? memchr(text + pos, ';', length - pos) : NULL;
		size_t seg_end = semi != NULL ? (size_t)(semi - text) : length;
		size_t s = pos, e = seg_end;
		while (s < e && is_ws(text[s]))
			s++;
		while (e > s && is_ws(text[e - 1]))
			e--;
		bool last = seg_end >= length;
		if (s == e) {
			if (last) {
				/* nothing after the final ';' (or an empty input) */
				out->trailing_separator = pos > 0;
				break;
			}
			if (!add_problem(out, arena, &pcap, AL_TV_EMPTY_SPEC, pos, seg_end - pos + 1))
				return AL_ENOMEM;
			pos = seg_end + 1;
			continue;
		}
		al_tv_tag *t = &out->tags[out->count++];
		memset(t, 0, sizeof(*t));
		t->start = s;
		t->end = e;
		const char *eq = memchr(text + s, '=', e - s);
		size_t name_end = eq ? (size_t)(eq - text) : e;
		size_t ne = name_end;
		while (ne > s && is_ws(text[ne - 1]))
			ne--;
		t->name_start = s;
		t->name_length = ne - s;
		if (eq == NULL) {
			/* a name alone: report the spec */
			if (!add_problem(out, arena, &pcap, AL_TV_NO_EQUALS, s, e - s))
				return AL_ENOMEM;
		} else {
			t->has_equals = true;
			size_t vs = name_end + 1;
			while (vs < e && is_ws(text[vs]))
				vs++;
			t->value_start = vs;
			t->value_length = e - vs;
			for (size_t i = vs; i < e; i++) {
				/* eight bytes at a time while all are visible ASCII (a key's base64) */
				while (i + 8 <= e) {
					uint64_t v;
					memcpy(&v, text + i, 8);
					if (al_bytes_has_less(v, 0x21) | al_bytes_has_more(v, 0x7e))
						break;
					i += 8;
				}
				if (i >= e)
					break;
				unsigned char c = (unsigned char)text[i];
				if (!(is_ws((char)c) || (c >= 0x21 && c <= 0x7e))) {
					size_t j = i;
					while (j < e && !(is_ws(text[j]) || ((unsigned char)text[j] >= 0x21 &&
									      (unsigned char)text[j] <= 0x7e)))
						j++;
					if (!add_problem(out, arena, &pcap, AL_TV_BAD_VALUE_CHAR, i, j - i))
						return AL_ENOMEM;
					i = j;
				}
			}
			if (t->name_length == 0) {
				if (!add_problem(out, arena, &pcap, AL_TV_EMPTY_NAME, s, (size_t)(eq - text) - s + 1))
					return AL_ENOMEM;
			}
		}
		if (t->name_length > 0) {
			bool ok = is_alpha(text[t->name_start]);
			for (size_t i = 1; ok && i < t->name_length; i++) {
				char c = text[t->name_start + i];
				ok = is_alpha(c) || is_digit(c) || c == '_';
			}
			if (!ok && !add_problem(out, arena, &pcap, AL_TV_BAD_NAME, t->name_start, t->name_length))
				return AL_ENOMEM;
		}
		if (last)
			break;
		pos = seg_end + 1;
	}
	return AL_OK;
}

static bool name_is(const al_tv_tag *t, const char *text, const char *name, bool cs)
{
	size_t n = strlen(name);
	if (t->name_length != n)
		return false;
	return cs ? strncmp(text + t->name_start, name, n) == 0
		  : strncasecmp(text + t->name_start, name, n) == 0;
}

const al_tv_tag *al_taglist_find(const al_taglist *list, const char *text, const char *name,
				 bool case_sensitive)
{
	for (size_t i = 0; i < list->count; i++)
		if (name_is(&list->tags[i], text, name, case_sensitive))
			return &list->tags[i];
	return NULL;
}

size_t al_taglist_count_named(const al_taglist *list, const char *text, const char *name,
			      bool case_sensitive)
{
	size_t n = 0;
	for (size_t i = 0; i < list->count; i++)
		if (name_is(&list->tags[i], text, name, case_sensitive))
			n++;
	return n;
}
