/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file live.h
 * Live DNS: a source that asks recursive resolvers, with a shared cache.
 * The bulk checker that lints many domains at once through it is in bulk.h.
 *
 * The live source sends its queries from one event loop (no threads): UDP
 * with EDNS0, TCP when an answer is truncated, retries with failover across
 * the resolvers. Answers are checked against the question before use. The
 * cache honours TTLs, positive and negative (RFC 2308), and keeps failures a
 * short while, so a provider's include used by ten thousand domains is asked
 * once.
 *
 * Used on its own (al_live_source in any al_lint), a lookup waits for its
 * answer. Under al_check_domains (bulk.h), lookups that are not in the cache
 * answer AL_RCODE_PENDING: the questions of every domain in flight go out
 * together and each domain's pass runs again once its answers are in.
 */
#ifndef AUTHLINT_LIVE_H
#define AUTHLINT_LIVE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#ifdef __cplusplus
}
#endif
#endif
