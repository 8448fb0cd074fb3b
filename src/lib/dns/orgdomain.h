/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organizational domains: the Public Suffix List (libpsl) for RFC 7489, the
 * DNS tree walk for RFC 9989 (its lookups are in discovery.c). */
#ifndef AL_DNS_ORGDOMAIN_H
#define AL_DNS_ORGDOMAIN_H

#include <stdbool.h>

#include <authlint/dmarc_discovery.h>

/** The system list file libpsl reads (DAFSA), before falling back to the built-in list. */
#define AL_PSL_SYSTEM_FILE "/usr/share/publicsuffix/public_suffix_list.dafsa"

/**
 * The registrable domain of @p domain (UTF-8 or A-labels, lower case) by the
 * list @p psl (NULL: the default), as a pointer into @p domain; NULL when there is none (the name is a
 * public suffix itself, or not a name).
 */
const char *al_psl_registrable(const al_psl *psl, const char *domain);

/** False when @p psl (NULL: the default) has no list at all (libpsl built without one). */
bool al_psl_has_list(const al_psl *psl);

/**
 * libpsl's psl_is_public_suffix on @p name as it is (no normalization): 1 or 0;
 * -1 when there is no list. psl_registrable_domain asks the same of a name and
 * of its parents in turn (see check/psl_memo.c).
 */
int al_psl_suffix_as_is(const al_psl *psl, const char *name);

/** True when @p a and @p b have the same organizational domain by @p psl (NULL: the default)
 *  (names that are not valid compare as they are). */
bool al_same_organization(const al_psl *psl, const char *a, const char *b);

#endif
