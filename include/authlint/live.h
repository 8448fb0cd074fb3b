/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file live.h
 * Live DNS: a source that asks recursive resolvers, with a shared cache, and
 * the bulk checker that lints many domains at once through it.
 *
 * The live source sends its queries from one event loop (no threads): UDP
 * with EDNS0, TCP when an answer is truncated, retries with failover across
 * the resolvers. Answers are checked against the question before use. The
 * cache honours TTLs, positive and negative (RFC 2308), and keeps failures a
 * short while, so a provider's include used by ten thousand domains is asked
 * once.
 *
 * Used on its own (al_live_source in any al_lint), a lookup waits for its
 * answer. Under al_check_domains, lookups that are not in the cache answer
 * AL_RCODE_PENDING: the questions of every domain in flight go out together
 * and each domain's pass runs again once its answers are in.
 */
#ifndef AUTHLINT_LIVE_H
#define AUTHLINT_LIVE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <authlint/diag.h>
#include <authlint/lint.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct al_live al_live;

typedef struct al_live_options {
	/** "IP", "IP:PORT", "[IPv6]:PORT"; tried in order, failing over on timeout or SERVFAIL */
	const char *const *resolvers;
	size_t resolver_count;
	/** When no resolver is given: read the nameserver lines of this file
	 *  (the CLI passes /etc/resolv.conf). The library reads nothing else. */
	const char *resolv_conf;
	double timeout;          /**< seconds per try (0: 2) */
	unsigned tries;          /**< sends per question over all resolvers (0: 3) */
	size_t max_in_flight;    /**< queries on the wire at once (0: 200) */
	size_t cache_bytes;      /**< memory for answers no domain in flight uses (0: 64 MiB) */
	uint32_t failure_ttl;    /**< seconds a failed lookup is remembered (0: 30) */
	uint32_t max_ttl;        /**< cap on any TTL (0: 86400) */
	bool no_recursion;       /**< RD off: the servers given are authoritative */
} al_live_options;

/** Start the engine. Fails with a message for a bad resolver address or no resolver at all. */
AL_EXPORT al_status al_live_new(al_live **out, const al_live_options *options, al_error *err);
/** Free; the source it handed out goes with it. NULL is safe. */
AL_EXPORT void al_live_free(al_live *live);
/** The source to give al_lint (borrowed; lives as long as @p live). */
AL_EXPORT al_source *al_live_source(al_live *live);
/** "127.0.0.1:53, [::1]:53": the resolvers in use. */
AL_EXPORT const char *al_live_describe(const al_live *live);

typedef struct al_live_stats {
	size_t queries;          /**< questions sent (after the cache) */
	size_t sent;             /**< datagrams and TCP connections */
	size_t received;
	size_t retries;
	size_t timeouts;         /**< tries that timed out */
	size_t tcp;              /**< TCP exchanges */
	size_t failed;           /**< questions that ended without an answer (timeout, error) */
	size_t dropped;          /**< responses dropped: wrong source, id, question, malformed */
	size_t cache_hits;       /**< lookups answered from the cache */
	size_t cache_entries;
	size_t cache_bytes;
	size_t evicted;
	size_t max_in_flight;
} al_live_stats;

AL_EXPORT void al_live_get_stats(const al_live *live, al_live_stats *out);

/* ---- bulk checking --------------------------------------------------------- */

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
 * stream cannot be read; @p label names it in problems ("-" for stdin).
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
} al_check_options;

/**
 * Lint every domain of @p list: SPF, DMARC and DKIM (the selectors of the
 * options and the list). Results come out in the order domains finish; the
 * findings of a domain are the same for the same answers. @p total gets the
 * run's totals (may be NULL).
 */
AL_EXPORT al_status al_check_domains(const al_check_options *options, const al_domain_list *list,
			   al_summary *total);

#ifdef __cplusplus
}
#endif
#endif
