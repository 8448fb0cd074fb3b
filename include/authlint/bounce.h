/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file bounce.h
 * What a receiver's bounce says about authentication, and what the big
 * receivers require of (bulk) senders: the catalogs data/bounces.yaml and
 * data/bulk-senders.yaml, built into the library, each entry with its
 * published source and the date it was read.
 *
 * A bounce (its enhanced status code, its diagnostic text, and optionally the
 * failed recipient's domain or the remote MTA's name) is matched to at most
 * one entry: a status whose entry's text pattern finds the diagnostic beats a
 * status alone, and a status alone is trusted only for a known receiver (see
 * the head of data/bounces.yaml). An unknown bounce matches nothing: no cause
 * is ever guessed. The diagnostic text is untrusted: it is only matched, never
 * copied into an entry; the entries' strings are the catalog's own.
 */
#ifndef AUTHLINT_BOUNCE_H
#define AUTHLINT_BOUNCE_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest diagnostic text matched (bytes); the rest of a longer one is not read. */
#define AL_BOUNCE_MAX_TEXT (64u * 1024)

/** A receiver named by the bounce catalog. Strings are owned by the catalog. */
typedef struct al_bounce_receiver {
	const char *id;             /**< "gmail", "outlook.com", "microsoft-365", "yahoo" */
	const char *name;           /**< "Gmail" */
	const char *const *domains; /**< recipient domains that identify it (may be none) */
	size_t domain_count;
	const char *marker;         /**< PCRE2 pattern present in all its bounces, or NULL */
	const char *source;
	const char *retrieved;      /**< YYYY-MM-DD */
} al_bounce_receiver;

/** Another wording of an entry's bounce: an earlier version of the source,
 * or the bounce as received, quoted on another published page. */
typedef struct al_bounce_quote {
	const char *quote;
	const char *source;         /**< URL of the page that quotes it */
	const char *archived;       /**< URL of a dated copy of it, or NULL */
} al_bounce_quote;

/** One bounce of data/bounces.yaml. Strings are owned by the catalog. */
typedef struct al_bounce_entry {
	const char *id;             /**< "gmail-5.7.26-dmarc" */
	const al_bounce_receiver *receiver;
	const char *status;         /**< enhanced status code, "5.7.26" */
	unsigned smtp;              /**< reply code the source gives (550), 0 when it gives none */
	const char *quote;          /**< the text as the source quotes it */
	const char *match;          /**< PCRE2 pattern (case-insensitive) for the diagnostic text */
	bool status_alone;          /**< the status alone identifies it at its receiver */
	const char *verdict;        /**< one of al_bounce_verdicts() */
	const char *cause;          /**< plain words */
	const char *fix;
	const char *who;            /**< "dns-owner", "sending-service" or "nobody" */
	const char *source;         /**< URL of the receiver's published page */
	const char *archived;       /**< URL of a dated copy of it, or NULL */
	const char *retrieved;      /**< YYYY-MM-DD */
	const al_bounce_quote *also; /**< other wordings that @c match finds too */
	size_t also_count;
} al_bounce_entry;

/** One requirement of data/bulk-senders.yaml. Strings are owned by the catalog. */
typedef struct al_bulk_requirement {
	const char *id;             /**< "gmail-bulk-dmarc" */
	const char *receiver;       /**< receiver id ("gmail", "yahoo", "outlook.com") */
	const char *requirement;    /**< one of al_bulk_requirement_names() */
	bool bulk;                  /**< applies to bulk senders only (else to all senders) */
	bool recommended;           /**< recommended, not required */
	const char *threshold;      /**< the receiver's words for who must comply */
	unsigned long per_day;      /**< messages a day that make a bulk sender, 0 when unpublished */
	const char *since;          /**< when enforcement began ("2024-02-01"), or NULL */
	const char *detail;         /**< the receiver's words */
	const char *source;
	const char *archived;       /**< or NULL */
	const char *retrieved;
} al_bulk_requirement;

/** How a bounce matched its entry. */
typedef enum al_bounce_how {
	AL_BOUNCE_NONE = 0,         /**< no entry: the cause is unknown */
	AL_BOUNCE_BY_TEXT,          /**< the status and the entry's text pattern */
	AL_BOUNCE_BY_STATUS,        /**< the status alone, at a known receiver */
} al_bounce_how;

/** A bounce to explain. Every field may be NULL. */
typedef struct al_bounce_query {
	const char *status;         /**< DSN Status: ("5.7.26"); NULL: the first code in the text */
	const char *text;           /**< Diagnostic-Code: or the SMTP reply, as received (untrusted) */
	const char *hint;           /**< failed recipient's domain or remote MTA host name */
} al_bounce_query;

typedef struct al_bounce_match {
	al_bounce_how how;
	const al_bounce_entry *entry;     /**< borrowed from the catalog; NULL with AL_BOUNCE_NONE */
	bool receiver_known;              /**< the hint or the text identified the entry's receiver */
} al_bounce_match;

typedef struct al_bounce_catalog al_bounce_catalog;

/**
 * Load the built-in catalogs (data/bounces.yaml and data/bulk-senders.yaml).
 * On success *out is the caller's, to free with al_bounce_catalog_free.
 * AL_ERULES (file and line in @p err) if a built-in file is invalid.
 */
AL_EXPORT al_status al_bounce_catalog_load(al_bounce_catalog **out, al_error *err);
/**
 * Load the catalogs from files (tests, or a newer copy of the data); NULL
 * takes that built-in file. Each file is read whole, bounded by the YAML
 * reader's limits. AL_ENOENT/AL_EIO when a file cannot be read, AL_ESYNTAX
 * or AL_ERULES (file:line in @p err) when it is not a valid catalog: unknown
 * keys, a missing source or retrieved date, a verdict, who or requirement
 * outside the documented sets, a pattern that does not compile. *out is the
 * caller's on success.
 */
AL_EXPORT al_status al_bounce_catalog_load_files(const char *bounces_path, const char *bulk_path,
						 al_bounce_catalog **out, al_error *err);
/** Free a catalog and everything it owns; NULL is fine. */
AL_EXPORT void al_bounce_catalog_free(al_bounce_catalog *catalog);

/** Number of bounce entries; entry @p index (borrowed, valid until the catalog is freed), NULL past the end. */
AL_EXPORT size_t al_bounce_catalog_count(const al_bounce_catalog *catalog);
AL_EXPORT const al_bounce_entry *al_bounce_catalog_at(const al_bounce_catalog *catalog, size_t index);
/** The entry with id @p id (borrowed), or NULL. */
AL_EXPORT const al_bounce_entry *al_bounce_catalog_find(const al_bounce_catalog *catalog, const char *id);

/** Number of receivers; receiver @p index (borrowed), NULL past the end. */
AL_EXPORT size_t al_bounce_catalog_receiver_count(const al_bounce_catalog *catalog);
AL_EXPORT const al_bounce_receiver *al_bounce_catalog_receiver_at(const al_bounce_catalog *catalog, size_t index);

/**
 * Match a bounce (see the rules at the head of data/bounces.yaml). Fills
 * @p out (entry borrowed from the catalog) and returns true when an entry
 * matched; false with out->how == AL_BOUNCE_NONE when none did, or when the
 * query has no status and its text none either. Reads at most
 * AL_BOUNCE_MAX_TEXT bytes of the text, with PCRE2 match limits; never
 * keeps or copies the text. Safe to call from several threads at once.
 */
AL_EXPORT bool al_bounce_catalog_match(const al_bounce_catalog *catalog, const al_bounce_query *query,
				       al_bounce_match *out);

/** Number of bulk-sender requirements; requirement @p index (borrowed), NULL past the end. */
AL_EXPORT size_t al_bounce_catalog_requirement_count(const al_bounce_catalog *catalog);
AL_EXPORT const al_bulk_requirement *al_bounce_catalog_requirement_at(const al_bounce_catalog *catalog,
									size_t index);

/** The documented verdicts, NULL-terminated (static storage). */
AL_EXPORT const char *const *al_bounce_verdicts(void);
/** The documented requirement names of data/bulk-senders.yaml, NULL-terminated (static storage). */
AL_EXPORT const char *const *al_bulk_requirement_names(void);

#ifdef __cplusplus
}
#endif

#endif
