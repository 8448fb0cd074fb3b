/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file dmarc_discovery.h
 * DMARC policy discovery results, organizational domains (Public Suffix List
 * and the RFC 9989 tree walk) and identifier alignment. The record parser is
 * authlint/dmarc.h.
 */
#ifndef AUTHLINT_DMARC_DISCOVERY_H
#define AUTHLINT_DMARC_DISCOVERY_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/diag.h>
#include <authlint/dmarc.h>
#include <authlint/lint.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- discovery ----------------------------------------------------------- */

/** Queries of the RFC 9989 tree walk, at most; plus the author domain and one PSL query. */
#define AL_DMARC_MAX_STEPS 10

/** One _dmarc name asked during discovery. */
typedef struct al_dmarc_step {
	const char *domain;               /**< the domain whose _dmarc.<domain> was asked */
	al_rcode rcode;                   /**< how the lookup went */
	size_t record_count;              /**< TXT records starting with v=DMARC1 (any case) */
	const al_dmarc_record *record;    /**< the one valid record, or NULL (none, several, failed) */
	bool rfc9989;                     /**< part of the RFC 9989 tree walk */
	bool rfc7489;                     /**< asked by an RFC 7489 receiver (author or PSL domain) */
	bool public_suffix;               /**< the domain is a public suffix by the PSL */
	const char *wildcard;             /**< the wildcard that synthesised the answer (zone), or NULL */
	size_t other_count;               /**< TXT records there that are not DMARC records */
	bool spf_record;                  /**< ... one of which is an SPF record */
} al_dmarc_step;

/** Where a generation found the policy. */
typedef enum al_dmarc_found {
	AL_DMARC_FOUND_UNKNOWN = 0,   /**< a lookup failed or was not made: not known */
	AL_DMARC_FOUND_NONE,          /**< proven: no policy applies */
	AL_DMARC_FOUND_DOMAIN,        /**< the domain's own record */
	AL_DMARC_FOUND_ORGANIZATIONAL,/**< the organizational domain's record */
	AL_DMARC_FOUND_PSD,           /**< a public suffix domain's record (psd=y; RFC 9989) */
} al_dmarc_found;

/** What one receiver generation does for the domain. */
typedef struct al_dmarc_outcome {
	al_dmarc_found found;
	const char *organizational_domain; /**< RFC 9989: by the tree walk (section 4.10.2);
					        RFC 7489: by the PSL; NULL when not determined */
	const char *policy_domain;         /**< the domain whose record applies, or NULL */
	const al_dmarc_record *record;     /**< that record, or NULL */
	al_dmarc_target target;            /**< what the domain is to the policy domain */
	al_dmarc_effect effect;            /**< what failing mail gets */
} al_dmarc_outcome;

typedef enum al_dmarc_existence {
	AL_DMARC_EXISTS_UNKNOWN = 0, /**< not asked (not needed) or the lookup failed */
	AL_DMARC_EXISTS_YES,
	AL_DMARC_EXISTS_NO,          /**< NXDOMAIN: np applies under RFC 9989 */
} al_dmarc_existence;

/** The policy discovery of one domain under both generations. */
typedef struct al_dmarc_discovery {
	const char *domain;               /**< the author domain, normalised */
	al_dmarc_step steps[AL_DMARC_MAX_STEPS];
	size_t step_count;                /**< in the order asked */
	al_dmarc_existence existence;
	al_dmarc_outcome rfc9989;
	al_dmarc_outcome rfc7489;
	bool disagree;                    /**< the generations apply different records (or one none) */
	bool complete;                    /**< every lookup needed was answered */
	bool public_suffix_unchecked;     /**< a public suffix's _dmarc was outside what the source
					       answers for (a zone file) and was not asked; the outcomes
					       assume it holds no record */
} al_dmarc_discovery;

/* ---- the Public Suffix List ---------------------------------------------- */

/** A Public Suffix List, as RFC 7489 receivers use it to find organizational
 *  domains. Read-only once loaded: one list may serve several lints and threads. */
typedef struct al_psl al_psl;

/**
 * Load the list in @p file: the publicsuffix.org text format
 * (public_suffix_list.dat) or libpsl's compiled DAFSA form. A file that cannot
 * be read is AL_ENOENT, one that holds no rule AL_ESYNTAX, with @p err naming it.
 * The caller owns *@p out (al_psl_free).
 */
AL_EXPORT al_status al_psl_load_file(const char *file, al_psl **out, al_error *err);
/** Free a list from al_psl_load_file; NULL is fine. */
AL_EXPORT void al_psl_free(al_psl *psl);
/**
 * The default list: the system's (/usr/share/publicsuffix/public_suffix_list.dafsa)
 * or, failing that, the one built into libpsl. Loaded once, owned by the library.
 * Every function below takes NULL for it.
 */
AL_EXPORT const al_psl *al_psl_default(void);

/**
 * The organizational domain of @p domain by the list @p psl (NULL: the default)
 * (RFC 7489 3.2): the registrable domain (ICANN and private rules), or the
 * domain itself when it is a public suffix. AL_EINVAL for a name that is not valid.
 */
AL_EXPORT al_status al_dmarc_psl_organizational_domain(const al_psl *psl, const char *domain,
							char out[AL_NAME_MAX]);
/** True when @p domain is a public suffix by @p psl (NULL: the default), the
 *  implicit "*" rule included. */
AL_EXPORT bool al_dmarc_psl_is_public_suffix(const al_psl *psl, const char *domain);
/** Which list @p psl (NULL: the default) is: its file name, or "libpsl built-in list". */
AL_EXPORT const char *al_dmarc_psl_source(const al_psl *psl);

/**
 * The RFC 9989 tree walk targets for @p domain, in order, as suffixes of it:
 * the domain, then (for 8 or more labels) its 7-label suffix, then one label
 * less each time, down to the top-level domain. At most 8. Returns the count.
 */
AL_EXPORT size_t al_dmarc_tree_walk_names(const char *domain, const char *out[8]);

/* ---- identifier alignment ------------------------------------------------------ */

/**
 * Lint identifier alignment, as `authlint align` does: for the From domain
 * @p from (a domain or an address), whether the SPF identifier @p mail_from
 * (the MAIL FROM domain or address; may be NULL) and each DKIM signing domain
 * (d=) align with it, relaxed and strict, with the organizational domains of
 * both receiver generations (RFC 7489: Public Suffix List; RFC 9989: DNS tree
 * walk) and the mode the From domain's DMARC policy asks for. Findings come
 * out as ALIGN rules through the lint's callback. AL_EINVAL for a name that
 * is not valid.
 */
AL_EXPORT al_status al_lint_align(al_lint *lint, const char *from, const char *mail_from,
			const char *const *dkim_domains, size_t dkim_count);

#ifdef __cplusplus
}
#endif
#endif
