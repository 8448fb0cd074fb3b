/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What one family needs to know about another's records, for cross-record
 * rules (DMARC p=reject while SPF is broken) and the planner's gates. Each
 * family implements its part; the answers come from lookups through the lint
 * (al_lint_lookup), so they work in zone, check and record mode alike.
 */
#ifndef AL_CHECK_FAMILY_API_H
#define AL_CHECK_FAMILY_API_H

#include <stdbool.h>
#include <stddef.h>

#include <authlint/dkim.h>
#include <authlint/dmarc_discovery.h>

#include "check/lint_internal.h"

/** The state of a domain's SPF, without a client IP. Implemented by the SPF family. */
typedef struct al_spf_summary {
	bool has_record;        /**< exactly one SPF record at the domain */
	bool record_count_error;/**< more than one SPF record (permerror) */
	bool lookup_failed;     /**< a lookup failed: what follows is not known */
	bool permerror;         /**< every check_host() of the domain ends in permerror: syntax,
				     over 10 DNS-querying terms, over 2 void lookups, a loop, an
				     include or redirect target without a record */
	size_t lookups;         /**< DNS-querying terms counted (a lower bound when not_followed > 0) */
	size_t void_lookups;    /**< void lookups met */
	size_t not_followed;    /**< includes/redirects not followed (offline, outside the zone) */
	const char *const *includes; /**< every include/redirect target reached, in order (unit arena) */
	size_t include_count;
} al_spf_summary;

/**
 * Analyse the SPF record of @p domain (and its include/redirect tree) through the
 * lint's source. Raises no findings. Memory lives until the end of the unit.
 */
al_status al_spf_summarize(al_lint *lint, const char *domain, al_spf_summary *out);

/* ---- DMARC (discovery.c) ---------------------------------------------------------- */

/**
 * Discover the DMARC policy of @p domain under both receiver generations
 * (RFC 9989 tree walk, RFC 7489 Public Suffix List) through the lint's source.
 * Raises no findings of its own (failed lookups are reported by the lint).
 * The result lives until the end of the unit. AL_EINVAL for a name that is
 * not valid.
 */
al_status al_dmarc_discover(al_lint *lint, const char *domain, al_dmarc_discovery **out);

/**
 * The RFC 9989 organizational domain of @p domain by the tree walk (section
 * 4.10.2), for alignment. *complete is false when a lookup failed; *org is then
 * what the answers so far give. Lives until the end of the unit.
 */
al_status al_dmarc_walk_org_domain(al_lint *lint, const char *domain, const char **org, bool *complete);

/* ---- DKIM (selectors.c) ------------------------------------------------------------- */

/** Where the selectors of a DKIM summary came from. */
typedef enum al_dkim_selector_source {
	AL_DKIM_SELECTORS_NONE = 0,     /**< none to look at (offline, nothing given, no zone) */
	AL_DKIM_SELECTORS_GIVEN,        /**< --selector, or the caller's list */
	AL_DKIM_SELECTORS_ZONE,         /**< the <selector>._domainkey owners of the zone */
	AL_DKIM_SELECTORS_DISCOVERED,   /**< the discovery list, probed (live DNS) */
} al_dkim_selector_source;

/** The DKIM keys of a domain. */
typedef struct al_dkim_summary {
	al_dkim_selector_source source;
	size_t selectors;               /**< selectors looked up */
	size_t keys;                    /**< of which had a key record */
	size_t usable;                  /**< of which usable (al_dkim_key_usable) */
	size_t failed;                  /**< lookups that failed or were not made */
	size_t not_probed;              /**< discovered: selectors of the discovery list not probed */
	const char *const *usable_selectors; /**< the usable ones (unit arena) */
} al_dkim_summary;

/**
 * Look at the DKIM keys of @p domain: @p selectors when given, else --selector,
 * else the zone's selectors for the domain (@p zone, zone mode), else the
 * discovery list in live mode. Raises no findings. Memory lives until the end
 * of the unit.
 */
al_status al_dkim_summarize(al_lint *lint, const al_zone *zone, const char *domain,
			    const char *const *selectors, size_t count, al_dkim_summary *out);

/* ---- mail domains (mail_domain.c) ------------------------------------------------- */

/** What a domain publishes for mail, from its answers. */
typedef struct al_mail_domain {
	bool known;          /**< every lookup was answered (else nothing below is) */
	bool exists;         /**< the name exists (not NXDOMAIN) */
	bool mx, null_mx;    /**< MX records to hosts; a null MX (RFC 7505) */
	bool spf, spf_minus_all; /**< an SPF record; it is exactly "v=spf1 -all" */
	bool dmarc;          /**< a DMARC record at its own _dmarc (not asked, false, with mx) */
	bool dkim;           /**< _domainkey.<domain> exists (keys below it; not asked, false, with mx) */
	bool address;        /**< A or AAAA records (asked only for "v=spf1 -all" without MX) */
	bool sends_no_mail;  /**< a null MX; no MX, SPF, DMARC or DKIM record at all; or
			      *   "v=spf1 -all" with addresses and no MX or DKIM key */
} al_mail_domain;

/** Look at what @p domain publishes for mail (through the lint's lookups). */
al_status al_mail_domain_state(al_lint *lint, const char *domain, al_mail_domain *out);
/** True when @p domain is known to send no mail: DNS006 speaks for it, not SPF005 or DMARC010. */
bool al_mail_domain_parked(al_lint *lint, const char *domain);
/**
 * Is @p name a mail domain? In zone mode: MX records, an SPF, DMARC or DKIM
 * record, or the zone apex. In check mode (no @p zone): always.
 */
bool al_mail_domain_is(al_lint *lint, const al_zone *zone, const char *name);

#endif
