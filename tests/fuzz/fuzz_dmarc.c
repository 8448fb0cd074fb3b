/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DMARC parser on arbitrary bytes: spans stay inside the input, effects are defined. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <authlint/dmarc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const al_dmarc_record *r, al_dmarc_span s)
{
	if (s.start > r->length || s.length > r->length - s.start)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_dmarc_record *r = NULL;
	if (al_dmarc_parse((const char *)data, size, &r) != AL_OK)
		return 0;
	if (r->length != size || memcmp(r->text, data, size) != 0 || r->text[size] != '\0')
		abort();
	for (size_t i = 0; i < r->tag_count; i++) {
		inside(r, r->tags[i].spec);
		inside(r, r->tags[i].name);
		inside(r, r->tags[i].value);
	}
	for (size_t i = 0; i < r->problem_count; i++) {
		inside(r, r->problems[i].span);
		if (r->problems[i].detail == NULL)
			abort();
	}
	for (size_t i = 0; i < r->rua_count; i++)
		inside(r, r->rua[i].span);
	for (size_t i = 0; i < r->ruf_count; i++)
		inside(r, r->ruf[i].span);
	for (int g = AL_GENERATION_ANY; g <= AL_GENERATION_RFC9989; g++) {
		for (int t = AL_DMARC_TARGET_DOMAIN; t <= AL_DMARC_TARGET_NONEXISTENT; t++) {
			al_dmarc_effect e;
			char buf[64];
			al_dmarc_effect_of(r, (al_generation)g, (al_dmarc_target)t, &e);
			if (e.applies && (e.applied < AL_DMARC_POLICY_NONE || e.applied > e.requested))
				abort();
			al_dmarc_effect_describe(r, (al_generation)g, (al_dmarc_target)t, &e, buf, sizeof(buf));
		}
	}
	al_dmarc_record_free(r);
	return 0;
}
