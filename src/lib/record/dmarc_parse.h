/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DMARC parsing into a caller's arena (the lint's unit arena), for checks. */
#ifndef AL_RECORD_DMARC_PARSE_H
#define AL_RECORD_DMARC_PARSE_H

#include <authlint/dmarc.h>

struct al_arena;

/** Like al_dmarc_parse, with every allocation in @p arena (nothing to free). */
al_status al_dmarc_parse_arena(const char *text, size_t length, struct al_arena *arena,
			       al_dmarc_record **out);

/** Closest known name to @p word within a small edit distance, or NULL (typo hints). */
const char *al_closest_word(const char *word, size_t length, const char *const *words, size_t count,
			    bool case_sensitive);

/** One level below a policy: reject -> quarantine -> none. */
al_dmarc_policy al_dmarc_policy_lower(al_dmarc_policy policy);

#endif
