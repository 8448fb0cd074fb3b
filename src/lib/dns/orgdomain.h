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

/** True when @p a and @p b have the same organizational domain by @p psl (NULL: the default)
 *  (names that are not valid compare as they are). */
bool al_same_organization(const al_psl *psl, const char *a, const char *b);

#endif
