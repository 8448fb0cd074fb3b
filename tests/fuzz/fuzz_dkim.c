/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DKIM key record parser and key decoder on arbitrary bytes: spans stay inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/dkim.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const al_dkim_record *r, al_dkim_span s)
{
	if (s.start > r->length || s.length > r->length - s.start)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_dkim_record *r = NULL;
	if (al_dkim_parse((const char *)data, size, &r) != AL_OK)
		return 0;
	if (r->length != size || memcmp(r->text, data, size) != 0)
		abort();
	for (size_t i = 0; i < r->tag_count; i++) {
		inside(r, r->tags[i].spec);
		inside(r, r->tags[i].value);
	}
	for (size_t i = 0; i < r->problem_count; i++)
		inside(r, r->problems[i].span);
	if (r->key.status == AL_DKIM_KEY_OK && r->key.bits == 0)
		abort();
	(void)al_dkim_key_usable(r);
	al_dkim_record_free(r);
	return 0;
}
