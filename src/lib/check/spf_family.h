/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SPF family inside the lint: parse hook, lookup tree through the lint, checks. */
#ifndef AL_CHECK_SPF_FAMILY_H
#define AL_CHECK_SPF_FAMILY_H

#include <authlint/spf_eval.h>

#include "check/lint_internal.h"
#include "spf/spf_internal.h"

/** The parse hook: the subject's record parsed into the unit arena (al_spf_record). */
void *al_spf_family_parse(al_lint *lint, const al_subject *subject);
/** The senders catalog of the lint's registry, loaded once per lint (NULL when absent). */
const al_senders *al_spf_lint_senders(al_lint *lint);
/**
 * The lookup tree of @p domain through the lint's lookups (counted, reported,
 * cached per run). With @p subject, its record is the root and the domain's TXT
 * is not looked up again. Lives in the unit arena.
 */
al_status al_spf_lint_tree(al_lint *lint, const char *domain, const al_subject *subject,
			   const al_spf_record *parsed, al_spf_tree *out);

/**
 * The unit's pass ended: @p keep false when it is thrown away (answers
 * pending), and the lookup trees it cached for the run leave the cache again.
 */
void al_spf_lint_pass_end(al_lint *lint, bool keep);

/* checks (spf_checks.c) */
void al_check_spf_syntax(const al_check_args *args);
void al_check_spf_policy(const al_check_args *args);
void al_check_spf_lookups(const al_check_args *args);
void al_check_spf_exp(const al_check_args *args);
void al_check_spf_domain(const al_check_args *args);
/* ip4/ip6 ranges (spf_range_checks.c) */
void al_check_spf_ranges(const al_check_args *args);

#endif
