/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Inside propagation: the pure parts (normalising an answer, grouping servers
 * by answer, RFC 1982 serials, verdicts, settle times), which the unit tests
 * call without a network, and what the run, the findings and the writers
 * share.
 */
#ifndef AL_PROPAGATION_INTERNAL_H
#define AL_PROPAGATION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/propagation.h>

#include "dns/query.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* ---- normalising one answer ------------------------------------------------- */

/** Longest CNAME chain followed inside one answer. */
#define AL_PROP_MAX_CHAIN 8
/** Records of one answer kept, at most (the rest make the answer FAILED: too large). */
#define AL_PROP_MAX_RECORDS 256

/** One server's answer to one question, normalised. Strings live in the arena given. */
typedef struct al_prop_norm {
	al_prop_status status;
	const char *key;            /**< ANSWER, NODATA, NXDOMAIN: what servers are grouped by */
	const char **records;       /**< display form, sorted (raw bytes) */
	size_t record_count;
	bool ttl_known;
	uint32_t ttl;               /**< min TTL of the records, or the negative TTL */
	bool has_serial;            /**< an SOA answer: its serial */
	uint32_t serial;
	const char *soa_owner;      /**< the SOA's owner in the answer or authority section, or NULL */
	const char *detail;         /**< LAME / FAILED: why */
} al_prop_norm;

/**
 * Normalise @p reply to the question (@p qname, @p qtype) asked of a server of
 * @p role. @p zone (may be NULL) is the zone compared: records of a CNAME
 * chain that leave it are shown but not compared, because an authoritative
 * server of the zone does not serve them. AL_ENOMEM only.
 */
al_status al_prop_normalize_reply(al_arena *arena, al_prop_role role, const char *qname,
				  uint16_t qtype, const char *zone, const al_dns_reply *reply,
				  al_prop_norm *out);

/**
 * Normalise what a source (the --expect zone file) answers, the same way: the
 * same records give the same key as a server's answer. @p answer must not be
 * a failed lookup.
 */
al_status al_prop_normalize_answer(al_arena *arena, const char *qname, uint16_t qtype,
				   const char *zone, const al_answer *answer, al_prop_norm *out);

/**
 * Display form of one record: TXT as its character-strings in quotes
 * ("v=spf1 " "-all"; bytes as received, a quote or backslash inside escaped
 * with a backslash), other types as "TYPE rdata" in presentation form. The
 * owner comes first when it is not @p qname.
 */
void al_prop_format_rr(al_strbuf *out, const al_rr *rr, const char *qname);
/** The canonical form compared: owner, type, and the RDATA (names lower case, TXT as hex). */
void al_prop_canonical_rr(al_strbuf *out, const al_rr *rr);
/** The serial of SOA RDATA; false when it does not parse. */
bool al_prop_soa_serial(const al_rr *rr, uint32_t *serial);
/** The negative TTL an SOA gives (RFC 2308 section 5: min of its TTL and MINIMUM). */
bool al_prop_soa_negative_ttl(const al_rr *rr, uint32_t *ttl);

/* ---- RFC 1982 serials ------------------------------------------------------------ */

typedef enum al_serial_order {
	AL_SERIAL_EQUAL = 0,
	AL_SERIAL_LESS,      /**< a < b */
	AL_SERIAL_GREATER,   /**< a > b */
	AL_SERIAL_UNDEFINED, /**< a and b are 2^31 apart: RFC 1982 leaves it undefined */
} al_serial_order;

/** Compare two serials by RFC 1982 section 3.2 with SERIAL_BITS 32. */
al_serial_order al_prop_serial_compare(uint32_t a, uint32_t b);
/**
 * The newest of @p count serials: one that is greater than or equal to every
 * other. False when there is none (two are 2^31 apart, or they span so much
 * that the order is not transitive) or @p count is 0.
 */
bool al_prop_serial_newest(const uint32_t *serials, size_t count, uint32_t *newest);
/** How far @p serial is behind @p newest: (newest - serial) modulo 2^32. */
uint32_t al_prop_serial_distance(uint32_t newest, uint32_t serial);

/* ---- grouping and verdicts ------------------------------------------------------- */

/** One server's reply as grouping sees it. */
typedef struct al_prop_item {
	al_prop_role role;
	al_prop_status status;
	const char *key;      /**< for ANSWER, NODATA, NXDOMAIN */
	bool ttl_known;
	uint32_t ttl;
} al_prop_item;

/** One group of servers giving the same answer. */
typedef struct al_prop_group {
	size_t first;         /**< the first item giving it */
	al_prop_status status;
	const char *key;
	size_t authoritative, resolvers;
	bool ttl_known;
	uint32_t ttl_min, ttl_max;
} al_prop_group;

/**
 * Group the items that answered (ANSWER, NODATA, NXDOMAIN) by status and key.
 * @p assign receives each item's group index, or -1; @p groups (room for
 * @p count) receives the groups, the most common first (authoritative servers
 * before resolvers, then by key). Returns the number of groups.
 */
size_t al_prop_group_items(const al_prop_item *items, size_t count, int *assign, al_prop_group *groups);

/**
 * The verdict for a name from its grouped items: UNKNOWN when no
 * authoritative server answered, INCONSISTENT when they are in more than one
 * group, PROPAGATING when a resolver is in another group, else CONSISTENT.
 * *authoritative_group gets the group of the authoritative servers (or -1),
 * *incomplete whether an item is LAME or FAILED.
 */
al_prop_verdict al_prop_decide(const al_prop_item *items, size_t count, const int *assign,
			       int *authoritative_group, bool *incomplete);

/** The worse of two verdicts: UNKNOWN > INCONSISTENT > PROPAGATING > CONSISTENT. */
al_prop_verdict al_prop_verdict_worse(al_prop_verdict a, al_prop_verdict b);

/** When caches settle, for one name. */
typedef struct al_prop_settle {
	bool settled;         /**< nothing is behind */
	bool known;           /**< @c in is known (the authoritative servers agree) */
	uint32_t in;          /**< seconds from now */
	uint32_t after_update;/**< inconsistent: seconds caches may lag after the last server is updated */
	bool created;         /**< records on some servers where others say NXDOMAIN or NODATA */
} al_prop_settle;

/**
 * The settle time of a name. CONSISTENT: settled. PROPAGATING: the longest
 * TTL a resolver that is behind reports (the time its cache drops the old
 * answer; a negative answer by its SOA's TTL), and for a name just created
 * (records where caches hold NXDOMAIN or NODATA) at least
 * @p zone_negative_ttl (when @p negative_known), since any cache may hold the
 * negative answer that long. INCONSISTENT: not known; after_update is the
 * longest TTL any server gives, the negative TTL too for a created name.
 */
void al_prop_settle_compute(const al_prop_item *items, size_t count, const int *assign,
			    al_prop_verdict verdict, int authoritative_group, bool negative_known,
			    uint32_t zone_negative_ttl, al_prop_settle *out);

/* ---- findings and output ------------------------------------------------------- */

/*
 * The text of a problem or note, as al_prop_domain.problems and .notes give it
 * (and as the message of its rule reads); NULL for an unknown kind.
 */
const char *al_prop_issue_text(al_arena *arena, const al_prop_issue *issue);

/** Raise the PROP findings of a result into @p into (empty), which result->findings then shows. */
al_status al_prop_findings(al_prop_result *result, al_findings *into, const al_rules *rules,
			   const al_config *config);

/** "12s", "5m 3s", "1h 2m", "2d 3h". */
void al_prop_format_duration(al_strbuf *out, uint64_t seconds);
/** "2026-11-22T10:00:00Z". */
void al_prop_format_time(al_strbuf *out, int64_t unix_time);

#endif
