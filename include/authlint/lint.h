/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file lint.h
 * Running the checks: over a zone, over one record string, or over a domain
 * through any source. Findings are handed to a callback in a deterministic
 * order; the library never prints.
 */
#ifndef AUTHLINT_LINT_H
#define AUTHLINT_LINT_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/config.h>
#include <authlint/diag.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif


/** Called for each finding; @p diag is valid only during the call. */
typedef void (*al_diag_fn)(void *userdata, const al_diag *diag);

typedef struct al_lint_options {
	const al_rules *rules;        /**< required */
	const al_config *config;      /**< severity overrides, waivers, policies; may be NULL */
	al_source *source;            /**< lookups go here; may be NULL (record mode, no lookups) */
	bool offline;                 /**< never send a query; report what would have needed one */
	bool no_selector_discovery;   /**< no DKIM selector given: do not probe the common ones */
	al_generation dmarc_spec;     /**< reading of DMARC records: RFC9989 (default) or RFC7489 */
	const char *const *selectors; /**< DKIM selectors to check for a domain */
	size_t selector_count;
	al_diag_fn on_diag;           /**< receives the findings; may be NULL (counts only) */
	void *userdata;
	/** Called with @c userdata after the findings of each unit that was kept (an owner name
	 *  in zone mode, a domain in check mode), while they are still valid; may be NULL. */
	void (*on_unit_end)(void *userdata);
	/** The date, in UTC, that decides whether a waiver has expired: "YYYY-MM-DD". The
	 *  caller's (the CLI takes it from SOURCE_DATE_EPOCH when set, else the clock; the
	 *  planner gives its start date). NULL: the current UTC date, for callers that do
	 *  not care. Copied. */
	const char *today;
	unsigned threads;             /**< zone mode: names linted on this many threads (0, 1: one).
					   Only for a source that may be read from several threads
					   at once: zone files and the offline layer are; live is not.
					   Findings come out in the same order whatever the number. */
	/** what include targets cost when they cannot be looked up (spf_eval.h); NULL:
	 *  the registry's provider-spf.yaml */
	const struct al_spf_snapshot *provider_snapshot;
	bool no_provider_snapshot;    /**< count such targets as unknown, always */
	/** the Public Suffix List for organizational domains (dmarc_discovery.h); NULL: the
	 *  default (the system's list). Not copied: must outlive the lint. */
	const struct al_psl *psl;
} al_lint_options;

typedef struct al_lint al_lint;

AL_EXPORT al_status al_lint_new(al_lint **out, const al_lint_options *options);
/** Free; NULL is safe. */
AL_EXPORT void al_lint_free(al_lint *lint);

/**
 * Lint every SPF, DMARC and DKIM record in a zone store, and the zone's own
 * reading problems. Findings come out in file order.
 */
AL_EXPORT al_status al_lint_zone(al_lint *lint, al_zone *zone);
/**
 * Report only what went wrong reading @p zone (ZONE findings, as one unit):
 * for commands that answer lookups from zone files without linting them. A
 * problem other than an over-long string marks the input as not read (exit 2).
 */
AL_EXPORT al_status al_lint_zone_problems(al_lint *lint, const al_zone *zone);

/**
 * Lint one record string, as `authlint record` does. @p domain gives context
 * (the owner the record would live at; NULL for none); @p label names the
 * input in locations ("<argument>", "<stdin>"). The text is the record as
 * receivers see it (strings joined), or, when it starts with a double quote,
 * the record as written in a zone file: quoted character-strings with
 * escapes, so that string boundaries are checked too.
 */
AL_EXPORT al_status al_lint_record(al_lint *lint, al_kind kind, const char *text, size_t length,
			 const char *domain, const char *label);

/**
 * The same, with the reason in @p err when the record cannot be read: a record
 * given as in a zone file ("v=spf1 mx " "-all") with an unclosed quote or a
 * bad escape gives AL_ESYNTAX.
 */
AL_EXPORT al_status al_lint_record_ex(al_lint *lint, al_kind kind, const char *text, size_t length,
			    const char *domain, const char *label, al_error *err);

/**
 * Lint the SPF record of @p domain, its DMARC policy and the configured DKIM
 * selectors through the source, as `authlint check` does.
 */
AL_EXPORT al_status al_lint_domain(al_lint *lint, const char *domain);

/** Totals so far. */
AL_EXPORT const al_summary *al_lint_summary(const al_lint *lint);



#ifdef __cplusplus
}
#endif
#endif
