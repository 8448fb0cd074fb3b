/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DKIM parsing into a caller's arena (the lint's unit arena), for checks. */
#ifndef AL_RECORD_DKIM_PARSE_H
#define AL_RECORD_DKIM_PARSE_H

#include <authlint/dkim.h>

struct al_arena;

/** Like al_dkim_parse, with every allocation in @p arena (nothing to free). */
al_status al_dkim_parse_arena(const char *text, size_t length, struct al_arena *arena, al_dkim_record **out);

/**
 * Decode the p= value (@p value, @p length bytes, folding whitespace allowed)
 * for a record whose k= is @p k (@p k_known false for a k= verifiers do not know).
 */
/** A PEM public key as the DKIM key record it stands for ("v=DKIM1; k=...; p=..."), or NULL. */
const char *al_dkim_record_from_pem(struct al_arena *arena, const char *text, size_t length);
void al_dkim_key_decode(const char *value, size_t length, al_dkim_algorithm k, bool k_known,
			struct al_arena *arena, al_dkim_key *key);

#endif
