/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file bulk.h
 * The bulk checker: lint many domains at once (SPF, DMARC, DKIM), their
 * lookups going out together through a live source (live.h).
 *
 * The domain list (normalised, deduplicated, sharded) and al_check_domains,
 * which runs each domain's lint passes as its answers come in and hands out
 * each domain's findings as soon as it is complete.
 */
#ifndef AUTHLINT_BULK_H
#define AUTHLINT_BULK_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <authlint/diag.h>
#include <authlint/lint.h>
#include <authlint/live.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The domains of a run: normalised, in input order, each once. */
typedef struct al_domain_list al_domain_list;

AL_EXPORT al_status al_domain_list_new(al_domain_list **out);
AL_EXPORT void al_domain_list_free(al_domain_list *list);
/**
 * Add one domain, optionally with DKIM selectors of its own ("example.com",
 * "example.com s1 s2"). A duplicate is skipped (its selectors are merged).
 * AL_EINVAL with the reason in @p err for a name that is not valid.
 */
AL_EXPORT al_status al_domain_list_add(al_domain_list *list, const char *line, al_error *err);
/**
 * Read a list: one domain per line, optionally followed by DKIM selectors;
 * '#' starts a comment; blank lines are skipped. A line that is not valid is
 * recorded as a problem ("FILE:LINE: reason") and skipped. AL_EIO when the
 * stream cannot be read, AL_ELIMIT past 1 GiB; @p label names it in problems
 * ("-" for stdin).
 */
AL_EXPORT al_status al_domain_list_read(al_domain_list *list, FILE *stream, const char *label, al_error *err);
AL_EXPORT size_t al_domain_list_count(const al_domain_list *list);
AL_EXPORT const char *al_domain_list_at(const al_domain_list *list, size_t index);
/** The selectors given for domain @p index (may be none). */
AL_EXPORT const char *const *al_domain_list_selectors(const al_domain_list *list, size_t index, size_t *count);
AL_EXPORT size_t al_domain_list_problem_count(const al_domain_list *list);
AL_EXPORT const char *al_domain_list_problem_at(const al_domain_list *list, size_t index);
/** Parse "K/N" (1 <= K <= N <= 1000000). */
AL_EXPORT al_status al_shard_parse(const char *text, unsigned *k, unsigned *n, al_error *err);
/**
 * Keep only shard @p k of @p n. A domain's shard comes from a hash of its
 * name, so it is the same on every machine whatever the order of the list.
 */
AL_EXPORT al_status al_domain_list_shard(al_domain_list *list, unsigned k, unsigned n);
/**
 * Keep only the domains for which @p keep returns true (@p index is the
 * position before filtering), in their order. The positions of those kept
 * change: results' index is the position in the list checked.
 */
AL_EXPORT al_status al_domain_list_filter(al_domain_list *list,
					  bool (*keep)(void *userdata, size_t index, const char *name),
					  void *userdata);

/** What al_domain_list_resume found in an earlier output. */
typedef struct al_resume_info {
	size_t lines;                 /**< lines read */
	size_t objects;               /**< lines that are one whole JSON object */
	size_t results;               /**< of which domain results ("type": "domain") */
	size_t skipped;               /**< domains of the list with a result there, dropped from it */
	size_t other_domains;         /**< results for names not in the list (another shard) */
	size_t bad_lines;             /**< lines ended by a line break that are not one whole
				       *   JSON object (a line cut short, then appended to) */
	unsigned long first_bad_line; /**< the number of the first of them (0: none) */
	bool no_final_newline;        /**< the stream does not end with a line break */
	bool cut_short;               /**< and its last line is not whole: passed over */
} al_resume_info;

/**
 * Resume an earlier run: read @p stream, the `--format jsonl` output of an
 * earlier bulk check (several appended are fine), and drop from @p list every
 * domain that has a whole result line there ({"type":"domain",...}, whatever
 * it found, incomplete results included). Other lines (summary, interrupted,
 * finding) are passed over; a line is taken only when it is one whole JSON
 * object, so a last line cut short, or such a line appended to, never counts
 * (its domain is checked again). Memory stays bounded whatever the lines'
 * length. AL_EIO when the stream cannot be read, AL_ELIMIT past 64 GiB,
 * AL_ESYNTAX when no line is a JSON object but some are not (not a jsonl
 * output); @p label names the stream in @p err.
 */
AL_EXPORT al_status al_domain_list_resume(al_domain_list *list, FILE *stream, const char *label,
					  al_resume_info *info, al_error *err);

/** Where one receiver generation found the DMARC policy of a domain. */
typedef struct al_inventory_dmarc {
	/** "name" (the domain's own _dmarc record), "tree-walk" (the organizational
	 *  domain found by the RFC 9989 tree walk), "psl" (the organizational domain
	 *  by the Public Suffix List, RFC 7489), "psd" (a public suffix domain's
	 *  record, psd=y), "none" (proven: no record applies) or "unknown" (a lookup
	 *  failed or was not made) */
	const char *found;
	const char *record_name;   /**< the _dmarc name whose record applies, or NULL */
	/** the policy asked for the domain after inheritance ("none", "quarantine",
	 *  "reject"); NULL when receivers apply none (no record, or a record they ignore) */
	const char *policy;
	/** what failing mail gets: RFC 9989 after t=y; RFC 7489 for the pct share */
	const char *applied;
	unsigned percent;          /**< RFC 7489 pct: the share of failing mail that gets @c applied */
} al_inventory_dmarc;

/**
 * What a bulk check found for one domain, so a fleet can be queried without
 * reading the findings: the SPF record's cost and result, the DMARC policy in
 * force under each receiver generation, the DKIM selectors with a usable key.
 * Strings are static or live as long as the result.
 */
typedef struct al_domain_inventory {
	/** "record" (one SPF record), "none" (proven: none), "several" (more than
	 *  one: permerror) or "unknown" (the lookup failed or was not made) */
	const char *spf_state;
	const char *spf_record;       /**< the record, or NULL */
	size_t spf_lookups;           /**< DNS-querying terms of the whole tree */
	bool spf_lookups_lower_bound; /**< some include or redirect could not be followed:
					   the true count is at least spf_lookups */
	size_t spf_void_lookups;
	/** what check_host() gives a host the record does not list: "fail",
	 *  "softfail", "neutral", "pass", "permerror", "none" (no record) or
	 *  "unknown" (a lookup it needs failed or was not made) */
	const char *spf_result;
	al_inventory_dmarc dmarc_rfc9989;
	al_inventory_dmarc dmarc_rfc7489;
	/** where the DKIM selectors looked at came from: "given" (--selector, the
	 *  domains file), "discovered" (the usual selectors, probed) or "none"
	 *  (none looked at: offline, or --no-discover without selectors) */
	const char *dkim_source;
	size_t dkim_selectors_asked;
	size_t dkim_keys;             /**< selectors with a key record, usable or not */
	size_t dkim_failed;           /**< selector lookups that failed or were not made */
	const char *const *dkim_usable; /**< the selectors with a usable key */
	size_t dkim_usable_count;
	size_t dkim_not_probed;       /**< discovered: selectors of the discovery list not probed */
} al_domain_inventory;

/** What one domain came to. Valid only during the callback. */
typedef struct al_domain_result {
	const char *domain;
	size_t index;              /**< position in the list */
	const al_diag *diags;      /**< findings, sorted, waived ones included */
	size_t diag_count;
	al_summary summary;        /**< this domain's counts */
	bool incomplete;           /**< a lookup failed or a budget was hit */
	const char *budget;        /**< NULL, or which budget was hit ("queries", "time") */
	size_t questions;          /**< distinct (name, type) questions the domain needed */
	size_t passes;             /**< lint passes run (one per level of the lookup tree) */
	double elapsed;            /**< seconds from its start to its result */
	const al_domain_inventory *inventory; /**< NULL when the domain's name was not valid */
} al_domain_result;

typedef void (*al_result_fn)(void *userdata, const al_domain_result *result);

typedef struct al_check_progress {
	size_t done, total, in_flight;
	size_t findings;           /**< not waived, all severities */
	size_t incomplete;         /**< domains with a failed lookup or a budget hit */
	size_t queries;            /**< questions sent */
	double elapsed;            /**< seconds */
	double rate;               /**< domains per second so far */
	double eta;                /**< seconds left at that rate (0 when unknown) */
} al_check_progress;

typedef void (*al_progress_fn)(void *userdata, const al_check_progress *progress);

/** The DNS sources of one more bulk-check thread. */
typedef struct al_check_sources {
	al_live *live;             /**< its engine (event loop and cache) */
	al_source *source;         /**< what its lint asks (the engine's source, or a zone then it) */
	void *userdata;            /**< the caller's, for closing */
} al_check_sources;

typedef struct al_check_options {
	/** rules, config, source, offline, dmarc_spec, selectors; on_diag and userdata are not used */
	al_lint_options lint;
	al_live *live;             /**< the engine to wait on; NULL when the source answers at once */
	/** Threads, each with an event loop and engine of its own (0, 1: one). Needs
	 *  open_sources: it makes the sources of every thread but the first, which
	 *  uses lint.source and live. Results come out in the order domains finish. */
	unsigned threads;
	al_status (*open_sources)(void *userdata, al_check_sources *out);
	void (*close_sources)(void *userdata, al_check_sources *sources);
	void *sources_userdata;
	size_t jobs;               /**< domains in flight (0: 200) */
	size_t max_questions;      /**< per domain (0: 500) */
	double max_seconds;        /**< per domain (0: 60) */
	al_result_fn on_result;    /**< each domain's result, as soon as it is complete */
	void *userdata;
	al_progress_fn on_progress;/**< called at most every progress_interval seconds, and at the end */
	double progress_interval;  /**< 0: 0.5 */
	void *progress_userdata;
	/** Asked between passes and at least every 100 ms while answers are
	 *  awaited (NULL: never). Once it returns true no domain starts, the
	 *  domains in flight are dropped without a result (a result handed out
	 *  is always whole) and al_check_domains returns AL_ECANCELED. With
	 *  threads it is called from each of them: reading a volatile
	 *  sig_atomic_t that a signal handler sets is the intended use. */
	bool (*cancelled)(void *userdata);
	void *cancel_userdata;
} al_check_options;

/**
 * Lint every domain of @p list: SPF, DMARC and DKIM (the selectors of the
 * options and the list). Results come out in the order domains finish; the
 * findings of a domain are the same for the same answers. @p total gets the
 * run's totals (may be NULL): with AL_ECANCELED, those of the domains handed
 * out.
 */
AL_EXPORT al_status al_check_domains(const al_check_options *options, const al_domain_list *list,
			   al_summary *total);

#ifdef __cplusplus
}
#endif
#endif
