/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DMARC parsing into a caller's arena (the lint's unit arena), for checks. */
#ifndef AL_RECORD_DMARC_PARSE_H
#define AL_RECORD_DMARC_PARSE_H

#include <authlint/dmarc.h>

struct al_arena;

/** Like al_dmarc_parse, with every allocation in @p arena (nothing to free). */
al_status al_dmarc_parse_arena(const char *text, size_t length, struct al_arena *arena,
			       al_dmarc_record **out);

/** One level below a policy: reject -> quarantine -> none. */
al_dmarc_policy al_dmarc_policy_lower(al_dmarc_policy policy);

#endif
