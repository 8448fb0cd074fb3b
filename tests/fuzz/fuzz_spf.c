/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SPF parser and macro tokenizer on arbitrary bytes: every span stays
 * inside the input, every term is inside its record and in order, and the
 * macro tokenizer always makes progress. The same bytes are also parsed with
 * "v=spf1 " in front, so the fuzzer reaches the terms quickly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record/spf_syntax.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, size_t size)
{
	al_arena arena;
	al_arena_init(&arena);
	al_spf_record *rec = NULL;
	if (al_spf_parse_arena(&arena, text, size, &rec) == AL_OK) {
		size_t prev_end = 0;
		for (size_t i = 0; i < rec->term_count; i++) {
			const al_spf_term *t = &rec->terms[i];
			if (t->start < prev_end || t->start + t->length > size || t->length == 0)
				abort();
			if (t->name_start + t->name_length > t->start + t->length)
				abort();
			if (t->has_value && (t->value_start < t->start || t->value_start + t->value_length > t->start + t->length))
				abort();
			if (t->cidr_length > 0 && t->cidr_start + t->cidr_length > t->start + t->length)
				abort();
			if (t->error >= (int)rec->error_count)
				abort();
			prev_end = t->start + t->length;
		}
		for (size_t i = 0; i < rec->error_count; i++) {
			const al_spf_error *e = &rec->errors[i];
			if (e->start + e->length > size || e->message == NULL || e->term >= (int)rec->term_count)
				abort();
		}
	}
	/* the tokenizer on the raw bytes, as a domain-spec and as explanation text */
	for (int exp = 0; exp < 2; exp++) {
		size_t pos = 0, steps = 0;
		al_spf_macro m;
		while (al_spf_macro_next(text, size, &pos, exp == 1, &m) != AL_SPF_MACRO_END) {
			if (m.length == 0 || m.start + m.length > size || pos > size || ++steps > size + 1)
				abort();
		}
	}
	size_t bs, bl;
	if (al_spf_domain_spec_error(text, 0, size, &bs, &bl) != NULL && bs + bl > size)
		abort();
	al_arena_clear(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size);
	char *prefixed = malloc(size + 7);
	if (prefixed == NULL)
		return 0;
	memcpy(prefixed, "v=spf1 ", 7);
	memcpy(prefixed + 7, data, size);
	check(prefixed, size + 7);
	free(prefixed);
	return 0;
}
