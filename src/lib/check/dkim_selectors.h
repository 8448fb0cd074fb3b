/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM selectors: the selectors probed for a domain in live mode (those of its
 * services in data/senders.yaml, then data/selectors.yaml's common list),
 * providers recognised by the target of a
 * selector's CNAME, and the selectors a zone file holds per domain.
 */
#ifndef AL_CHECK_DKIM_SELECTORS_H
#define AL_CHECK_DKIM_SELECTORS_H

#include <stddef.h>

#include "check/lint_internal.h"
#include "check/selector_list.h"
#include "util/arena.h"
#include "util/hash.h"


/** The provider whose CNAME target pattern matches @p target, or NULL. */
const char *al_dkim_provider_of(al_lint *lint, const char *target);
/** The lint's memo of decoded DKIM keys (record/dkim_parse.h), or NULL. */
struct al_dkim_keycache *al_dkim_lint_keycache(al_lint *lint);
/** Services that usually sign with @p selector ("Google Workspace"), comma-separated, or NULL. */
const char *al_dkim_selector_services(al_lint *lint, const char *selector);
/** Why a selector is probed for a domain. */
typedef enum al_dkim_probe_why {
	AL_DKIM_PROBE_SPF,      /**< a service the domain's SPF tree includes signs with it */
	AL_DKIM_PROBE_MX,       /**< a service its MX hosts name signs with it */
	AL_DKIM_PROBE_COMMON,   /**< the common list (data/selectors.yaml) */
	AL_DKIM_PROBE_PAIR,     /**< the second of a pair whose first holds a key */
} al_dkim_probe_why;

typedef struct al_dkim_probe {
	const char *selector;
	al_dkim_probe_why why;
	const char *service;    /**< the service (SPF, MX), the pair's first (PAIR), else NULL */
	const char *name;       /**< <selector>._domainkey.<domain> */
	const al_answer *answer;/**< its TXT answer */
} al_dkim_probe;

/** The selectors probed for one domain, in order (unit arena). */
typedef struct al_dkim_probes {
	al_dkim_probe *items;
	size_t count;
	size_t not_probed;      /**< selectors of the discovery list left out */
	bool truncated;         /**< more than AL_DKIM_MAX_PROBE wanted */
	bool pending;           /**< answers still coming: ask again in the next pass */
} al_dkim_probes;

/**
 * Probe the DKIM selectors of @p domain, cheapest first: those of the services
 * named by its SPF tree and its MX hosts (senders.yaml), the common list, then
 * the second of a pair whose first holds a key (data/selectors.yaml). Every
 * lookup is made through the lint; the caller decides what the answers mean.
 */
al_status al_dkim_probe_domain(al_lint *lint, const char *domain, al_dkim_probes *out);
/** True when the probe's answer holds records (a key record, or what stands at the name). */
bool al_dkim_probe_has_key(const al_dkim_probe *p);

/**
 * The selectors a zone holds for @p domain (owners <selector>._domainkey.<domain>).
 * Built in one pass over the zone the first time it is asked.
 */
size_t al_dkim_zone_selectors(al_lint *lint, const al_zone *zone, const char *domain, const char *const **out);

/**
 * The lint's memo of DKIM key verdicts, "<owner>/<hash of the RDATA>" -> 1 (no
 * key), 2 (unusable), 3 (usable): the DMARC checks of every domain ask about
 * the same keys. Its keys live in *arena. NULL when it cannot be had.
 */
al_map *al_dkim_key_memo(al_lint *lint, al_arena **arena);

#endif
