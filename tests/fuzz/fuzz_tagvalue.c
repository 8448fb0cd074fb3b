/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tag=value lexer on arbitrary bytes: spans stay inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "record/tagvalue.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_arena arena;
	al_arena_init(&arena);
	al_taglist list;
	if (al_tagvalue_parse((const char *)data, size, &arena, &list) == AL_OK) {
		for (size_t i = 0; i < list.count; i++) {
			const al_tv_tag *t = &list.tags[i];
			if (t->end > size || t->start > t->end || t->name_start + t->name_length > size ||
			    t->value_start + t->value_length > size)
				abort();
		}
		for (size_t i = 0; i < list.problem_count; i++)
			if (list.problems[i].start + list.problems[i].length > size)
				abort();
	}
	al_arena_clear(&arena);
	return 0;
}
