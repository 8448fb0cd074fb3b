/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Driver entry points for the library's own engines (live check, planner). */
#ifndef AL_CHECK_LINT_PRIVATE_H
#define AL_CHECK_LINT_PRIVATE_H

#include <stdbool.h>

#include <authlint/bulk.h>
#include <authlint/lint.h>

/** Today's date in UTC as "YYYY-MM-DD" (waiver expiry). */
const char *al_lint_today(const al_lint *lint);
/** Record that input could not be read or did not parse (exit 2). */
void al_lint_mark_input_error(al_lint *lint);
/**
 * One pass over a domain. With an asynchronous source, *pending says that some
 * answers were not in yet: nothing was reported, and the caller runs the pass
 * again when they are.
 */
al_status al_lint_domain_try(al_lint *lint, const char *domain, bool *pending);

/**
 * Hand out the findings raised outside a pass (by the library's own engines:
 * propagation raises its findings itself), sorted, and start a new unit.
 */
void al_lint_unit_end(al_lint *lint);

/**
 * DKIM selectors of the next domain only (check mode: a domains file may name
 * a domain's own), looked up after the options' selectors. Borrowed until the
 * next call; NULL, 0 to clear.
 */
void al_lint_set_domain_selectors(al_lint *lint, const char *const *selectors, size_t count);

/** Collect each domain's inventory after its checks (check mode; inventory.c). */
void al_lint_want_inventory(al_lint *lint, bool want);
/** The inventory of the domain of the unit that is ending, or NULL. */
const al_domain_inventory *al_lint_inventory(const al_lint *lint);

#endif
