/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM selectors: the discovery list (data/selectors.yaml plus the usual
 * selectors of data/senders.yaml), providers recognised by the target of a
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
/** Services that usually sign with @p selector ("Google Workspace"), comma-separated, or NULL. */
const char *al_dkim_selector_services(al_lint *lint, const char *selector);
/** The discovery list: selectors probed in live mode, in file order, without repeats. */
size_t al_dkim_discovery_list(al_lint *lint, const char *const **out);
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
