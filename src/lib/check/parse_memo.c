/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parsed DMARC and DKIM records kept across units (zone mode): a domain's
 * unit parses its _dmarc record (policy discovery) and its keys (the DKIM
 * summary of the cross checks), then the record's own unit parses it again,
 * and every host's discovery parses its parent's policy once more. A parse is
 * a function of the record's bytes alone, so its result is kept by them, in
 * a direct-mapped table whose slots each own an arena.
 *
 * A slot handed out in the current unit is never replaced in it (the unit's
 * checks hold its record until the unit ends); the record asked then is
 * parsed into the unit arena as before. The results are only read (every
 * check takes them const).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/lint_context.h"
#include "util/arena.h"

/* The slot's hash: eight bytes a step (al_hash_bytes takes one; a DKIM key is
 * 400 bytes); a slot is taken only after a full compare, so it needs only spread. */
static uint64_t text_hash(const char *text, size_t length, al_kind kind)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL * (length + 1) ^ (uint64_t)kind;
	size_t i = 0;
	for (; i + 8 <= length; i += 8) {
		uint64_t w;
		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	uint64_t tail = 0;
	memcpy(&tail, text + i, length - i);
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

al_status al_lint_parse_memo(al_lint *lint, al_kind kind, const char *text, size_t length,
			     al_lint_parse_fn parse, void **out)
{
	*out = NULL;
	if (lint->zone == NULL || text == NULL || length > AL_PARSE_MEMO_MAX_TEXT)
		return parse(lint, text, length, al_lint_unit_arena(lint), out);
	if (lint->parse_memo == NULL) {
		lint->parse_memo = calloc(AL_PARSE_MEMO_SLOTS, sizeof(*lint->parse_memo));
		if (lint->parse_memo == NULL)
			return parse(lint, text, length, al_lint_unit_arena(lint), out);
		for (size_t i = 0; i < AL_PARSE_MEMO_SLOTS; i++)
			al_arena_init(&lint->parse_memo[i].arena);
	}
	uint64_t h = text_hash(text, length, kind);
	parse_memo_slot *s = &lint->parse_memo[h & (AL_PARSE_MEMO_SLOTS - 1)];
	if (s->record != NULL && s->hash == h && s->kind == kind && s->length == length &&
	    memcmp(s->text, text, length) == 0) {
		s->unit = lint->unit_serial;
		*out = s->record;
		return AL_OK;
	}
	if (s->record != NULL && s->unit == lint->unit_serial)
		return parse(lint, text, length, al_lint_unit_arena(lint), out); /* in use in this unit */
	s->record = NULL;
	al_arena_clear(&s->arena);
	char *copy = al_arena_memdup(&s->arena, text, length + 1);
	if (copy == NULL)
		return parse(lint, text, length, al_lint_unit_arena(lint), out);
	copy[length] = '\0';
	void *record = NULL;
	al_status st = parse(lint, copy, length, &s->arena, &record);
	if (st != AL_OK || record == NULL) {
		al_arena_clear(&s->arena);
		return parse(lint, text, length, al_lint_unit_arena(lint), out);
	}
	s->hash = h;
	s->kind = kind;
	s->length = length;
	s->text = copy;
	s->record = record;
	s->unit = lint->unit_serial;
	*out = record;
	return AL_OK;
}

void al_lint_parse_memo_free(al_lint *lint)
{
	if (lint->parse_memo == NULL)
		return;
	for (size_t i = 0; i < AL_PARSE_MEMO_SLOTS; i++)
		al_arena_clear(&lint->parse_memo[i].arena);
	free(lint->parse_memo);
	lint->parse_memo = NULL;
}
