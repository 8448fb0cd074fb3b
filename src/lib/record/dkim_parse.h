/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DKIM parsing into a caller's arena (the lint's unit arena), for checks. */
#ifndef AL_RECORD_DKIM_PARSE_H
#define AL_RECORD_DKIM_PARSE_H

#include <authlint/dkim.h>

struct al_arena;

/** Like al_dkim_parse, with every allocation in @p arena (nothing to free). */
al_status al_dkim_parse_arena(const char *text, size_t length, struct al_arena *arena, al_dkim_record **out);

/*
 * Keys already decoded, by their p= text and k=: a zone publishes the same
 * key at many names, and the DMARC checks of each domain parse its keys
 * again. Direct-mapped, bounded; one per thread (the caller's).
 */
typedef struct al_dkim_keycache al_dkim_keycache;
al_dkim_keycache *al_dkim_keycache_new(void);
void al_dkim_keycache_free(al_dkim_keycache *memo);
/** al_dkim_parse_arena, taking decoded keys from @p memo (may be NULL) and keeping new ones there. */
al_status al_dkim_parse_cached(const char *text, size_t length, struct al_arena *arena, al_dkim_keycache *memo,
			     al_dkim_record **out);

/**
 * Decode the p= value (@p value, @p length bytes, folding whitespace allowed)
 * for a record whose k= is @p k (@p k_known false for a k= verifiers do not know).
 */
/** A PEM public key as the DKIM key record it stands for ("v=DKIM1; k=...; p=..."), or NULL. */
const char *al_dkim_record_from_pem(struct al_arena *arena, const char *text, size_t length);
void al_dkim_key_decode(const char *value, size_t length, al_dkim_algorithm k, bool k_known,
			struct al_arena *arena, al_dkim_key *key);
/** al_dkim_key_decode through @p memo (NULL: decode). */
void al_dkim_key_decode_cached(al_dkim_keycache *memo, const char *value, size_t length, al_dkim_algorithm k,
			     bool k_known, struct al_arena *arena, al_dkim_key *key);

#endif
