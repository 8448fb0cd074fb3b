/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file lock.h
 * Pinned outside answers: the answers to every question a lint of some zones
 * asks outside them (provider SPF trees, report-authorization records, DKIM
 * CNAME targets...), recorded once and answered offline afterwards, so that a
 * gate is deterministic and counts provider lookups exactly.
 *
 * A lock file is zone-file text (doc/lock-file.md): `$ORIGIN .`, the records
 * answered with absolute owner names, and lines the zone reader takes for
 * comments that this loader reads:
 *
 *     ; authlint-lock generated 2026-12-05T14:00:00Z
 *     ; authlint-lock resolver 127.0.0.1:53
 *     ; authlint-lock authlint 0.9.0
 *     ; authlint-lock zone example.com.zone
 *     ; authlint-lock nxdomain gone.example.net. TXT
 *     ; authlint-lock nodata mail.example.net. AAAA
 *
 * A question the lock holds no answer for is NOT-QUERIED, never an empty answer.
 */
#ifndef AUTHLINT_LOCK_H
#define AUTHLINT_LOCK_H

#include <authlint/export.h>

#include <stddef.h>
#include <stdint.h>

#include <authlint/emit.h>
#include <authlint/lint.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reading --------------------------------------------------------------- */

typedef struct al_lock al_lock;

/**
 * Read a lock file. A record that does not parse, or an `; authlint-lock`
 * line that is not understood, fails the load (AL_ESYNTAX) with file and line
 * in @p err: an answer half read would be a wrong answer.
 */
AL_EXPORT al_status al_lock_load_file(al_lock **out, const char *path, al_error *err);
/** The same from memory; @p label names it in messages. */
AL_EXPORT al_status al_lock_load_text(al_lock **out, const char *label, const char *text, size_t length,
				      al_error *err);
AL_EXPORT void al_lock_free(al_lock *lock);
/** A header value ("generated", "resolver", "authlint"), or NULL. */
AL_EXPORT const char *al_lock_header(const al_lock *lock, const char *key);
/** The zone files the lock was made from, as given then. */
AL_EXPORT size_t al_lock_zone_count(const al_lock *lock);
AL_EXPORT const char *al_lock_zone_at(const al_lock *lock, size_t index);
/** Questions with a negative answer (nxdomain or nodata entries). */
AL_EXPORT size_t al_lock_negative_count(const al_lock *lock);

/**
 * A source answering from @p lock (borrowed; must outlive the source): the
 * records it holds, NXDOMAIN and NODATA where it pinned them, and
 * AL_RCODE_NOT_QUERIED for every other question. It covers the names it holds
 * an answer for. It may be read from several threads at once.
 */
AL_EXPORT al_status al_source_new_lock(al_source **out, al_lock *lock, const char *label);

/* ---- recording ------------------------------------------------------------- */

typedef struct al_lock_recorder al_lock_recorder;

/**
 * A recorder in front of @p inner (borrowed): *@p source_out asks @p inner and
 * keeps every question and its answer (one hop: a CNAME is kept as such, its
 * target is asked on its own). The source belongs to the recorder. Put it
 * behind the zone source (al_source_new_layered) to record only what is asked
 * outside the zones.
 */
AL_EXPORT al_status al_lock_recorder_new(al_lock_recorder **out, al_source *inner, al_source **source_out);
AL_EXPORT void al_lock_recorder_free(al_lock_recorder *recorder);

/** One question the recorder saw. */
typedef struct al_lock_question {
	const char *name;
	uint16_t type;
	al_rcode rcode;
	const char *server;   /**< who answered, or NULL */
	const char *detail;   /**< why it failed, or NULL */
} al_lock_question;

/** Questions recorded, sorted by name and type. */
AL_EXPORT size_t al_lock_recorder_count(const al_lock_recorder *recorder);
AL_EXPORT void al_lock_recorder_at(const al_lock_recorder *recorder, size_t index, al_lock_question *out);
/** Questions that failed (al_rcode_failed or NOT-QUERIED): never pinned as answers. */
AL_EXPORT size_t al_lock_recorder_failed(const al_lock_recorder *recorder);

/** The header of a lock file. */
typedef struct al_lock_info {
	const char *generated;        /**< "2026-12-05T14:00:00Z" */
	const char *resolver;         /**< what answered */
	const char *version;          /**< authlint's version */
	const char *const *zones;     /**< the zone files */
	size_t zone_count;
} al_lock_info;

/**
 * The lock file text of everything recorded that did not fail (malloc'd,
 * NUL-terminated, in *@p text). Records sorted by name and type, each once.
 */
AL_EXPORT al_status al_lock_recorder_write(const al_lock_recorder *recorder, const al_lock_info *info,
					   char **text, size_t *length);

/**
 * Whether the recorded answer to question @p index is the one @p lock pins:
 * the same rcode and the same RRset (TTLs and order aside). *@p held is false
 * when the lock has no answer for it.
 */
AL_EXPORT bool al_lock_recorder_same(const al_lock_recorder *recorder, size_t index, al_lock *lock,
				     bool *held);

/* ---- drift (lock --check) ------------------------------------------------------ */

/** One SPF change of a zone name: an include (or redirect) whose cost changed, or the name's own count. */
typedef struct al_lock_drift_spf {
	const char *name;          /**< the zone name whose record makes the include */
	const char *target;        /**< the include or redirect target; NULL: the name's own count changed */
	const char *service;       /**< the sending service of the target (data/senders.yaml), or NULL */
	bool redirect;             /**< redirect= rather than include: */
	bool held;                 /**< the lock held the target (false: it is new, or was not followed) */
	size_t cost_locked, cost_now;   /**< what the include costs, the include term counted */
	size_t needs_locked, needs_now; /**< the name's DNS-querying terms */
	size_t voids_locked, voids_now; /**< the name's void lookups */
} al_lock_drift_spf;

/** What asking again changed. Strings are owned by the drift. */
typedef struct al_lock_drift {
	const al_lock_drift_spf *spf;
	size_t spf_count;
	size_t spf_names_changed;          /**< zone names whose SPF lookups changed */
	const al_lock_question *changed;   /**< answers that differ from the lock's (rcode or RRset) */
	size_t changed_count;
	const al_lock_question *added;     /**< questions asked now that the lock does not hold */
	size_t added_count;
	const al_lock_question *failed;    /**< lookups that failed now */
	size_t failed_count;
	const char *const *findings_new;   /**< "RULE owner: message", sorted */
	size_t findings_new_count;
	const char *const *findings_gone;
	size_t findings_gone_count;
} al_lock_drift;

/**
 * Lint @p zone twice, with @p lock's answers and with fresh ones from @p live
 * (names outside the zone only), build the SPF lookup tree of every name of
 * the zone holding TXT records both ways, and compare. @p lint gives the rules,
 * configuration and dates (its source, callbacks and threads are replaced).
 * The lock is not changed.
 */
AL_EXPORT al_status al_lock_drift_compute(al_lock *lock, al_zone *zone, al_source *live,
					  const al_lint_options *lint, al_lock_drift **out);
AL_EXPORT void al_lock_drift_free(al_lock_drift *drift);
/** True when a lookup count or a finding changed (lock --check exits 1). */
AL_EXPORT bool al_lock_drift_changes_findings(const al_lock_drift *drift);
/**
 * Write the drift as text (one line per change, "Salesforce's include now
 * costs 5 lookups instead of 3: example.com needs 11, permerror", then a
 * summary) or JSON (one document; jsonl: the same on one line). @p label names
 * the lock file, @p asked what answered now.
 */
AL_EXPORT al_status al_lock_drift_write(const al_lock_drift *drift, const al_lock *lock, const char *label,
					const char *asked, al_format format, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
