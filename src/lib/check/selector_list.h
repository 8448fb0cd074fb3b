/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DKIM selector discovery list, one for every command that probes
 * selectors (check's discovery, propagation): the selectors of
 * data/selectors.yaml in file order, then the usual selectors of the
 * services in data/senders.yaml, without repeats, at most AL_DKIM_MAX_PROBE.
 */
#ifndef AL_CHECK_SELECTOR_LIST_H
#define AL_CHECK_SELECTOR_LIST_H

#include <stddef.h>

#include <authlint/rule.h>

#include "spf/spf_internal.h"
#include "util/arena.h"

/** Most selectors probed for one domain. */
#define AL_DKIM_MAX_PROBE 64

/**
 * Build the discovery list from the built-in data (data/selectors.yaml,
 * data/senders.yaml). @p senders is the catalog when the
 * caller has it loaded already, or NULL (then it is loaded and freed here).
 * The array and its strings live in @p arena; *out is NULL when the list is
 * empty. A selectors.yaml that does not parse contributes nothing
 * (tests/unit/test_dkim.c proves the built-in one parses).
 */
size_t al_selector_list_load(const al_senders *senders, al_arena *arena,
			     const char ***out);

#endif
