/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file diag.h
 * One diagnostic struct feeds every output format.
 */
#ifndef AUTHLINT_DIAG_H
#define AUTHLINT_DIAG_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/generation.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct al_rule;

/** Severity of a finding. OFF disables a rule. Ordered: a higher value is worse. */
typedef enum al_severity {
	AL_SEVERITY_OFF = 0,
	AL_SEVERITY_NOTE = 1,
	AL_SEVERITY_WARNING = 2,
	AL_SEVERITY_ERROR = 3,
} al_severity;

/** "off", "note", "warning", "error". */
AL_EXPORT const char *al_severity_name(al_severity severity);
/** Parse "error"/"warning"/"note"/"off" (also "info" for note, "none"/"disabled" for off). */
AL_EXPORT al_status al_severity_parse(const char *text, al_severity *out);

/** The family a record or finding belongs to. */
typedef enum al_kind {
	AL_KIND_NONE = 0,
	AL_KIND_SPF,
	AL_KIND_DMARC,
	AL_KIND_DKIM,
	AL_KIND_DNS,         /* DNS-level: string sizes, RRset sizes, CNAME next to data */
	AL_KIND_ZONE,        /* zone-file input problems */
	AL_KIND_LOOKUP,      /* lookups that failed or were not made (offline) */
	AL_KIND_PROPAGATION, /* disagreement between servers */
	AL_KIND_PLAN,        /* rollout planner */
	AL_KIND_POLICY,      /* organisation policy rules from the configuration */
	AL_KIND_ALIGN,       /* identifier alignment */
	AL_KIND_SIG,         /* a message's DKIM signatures verified again (triage) */
	AL_KIND_ARC,         /* a message's ARC chain (triage) */
	AL_KIND_TRIAGE,      /* why a message failed: the verdict (triage) */
	AL_KIND_REPORT,      /* what DMARC aggregate reports show (reports) */
	AL_KIND_COUNT_
} al_kind;

/** "spf", "dmarc", "dkim", "dns", "zone", "lookup", "propagation", "plan", "policy", "align", "sig", "arc", "triage", "report". */
AL_EXPORT const char *al_kind_name(al_kind kind);
/** Parse a kind name; returns AL_EINVAL for an unknown one. */
AL_EXPORT al_status al_kind_parse(const char *text, al_kind *out);


/** Where a record came from. */
typedef struct al_location {
	const char *file;    /**< zone file path, "<argument>", "<stdin>", or NULL for live DNS */
	unsigned long line;  /**< 1-based line, 0 when unknown */
	unsigned long column;/**< 1-based column (bytes), 0 when unknown */
	const char *server;  /**< the server that answered (live DNS), or NULL */
} al_location;

/**
 * A finding. Every string is owned by the report that holds the diagnostic
 * and lives as long as it. Strings are raw: they may hold any byte a DNS
 * answer or zone file held; emitters escape them.
 */
typedef struct al_diag {
	const struct al_rule *rule; /**< the registry entry; never NULL in a report */
	al_severity severity;       /**< effective severity after configuration */
	al_kind kind;               /**< family of the record concerned */
	al_generation generation;   /**< DMARC receiver generation concerned, or ANY */
	const char *owner;          /**< owner name (no trailing dot), or NULL */
	const char *domain;         /**< the domain the finding is about, or NULL */
	unsigned rrtype;            /**< RR type of the record (16 TXT), 0 when none */
	al_location location;       /**< file:line:col of the offending term, or server */
	const char *record;         /**< the record text (TXT strings joined), or NULL */
	size_t record_length;       /**< bytes in @c record (may contain NUL) */
	size_t span_start;          /**< offset of the offending bytes in @c record */
	size_t span_length;         /**< their length; 0 means the whole record */
	const char *message;        /**< rendered message */
	const char *fix;            /**< how to fix it, or NULL */
	const char *context;        /**< extra context (an include path, a server list), or NULL */
	bool waived;                /**< suppressed by a waiver; never counted for the exit code */
	const char *waiver_reason;  /**< why, when waived */
	const char *waiver_source;  /**< "config.yaml:12" or "zone:34", when waived */
	bool waiver_inline;         /**< waived by a comment on the record's line, not the configuration */
} al_diag;

/** Counts over a run, for the summary and the exit code. */
typedef struct al_summary {
	size_t by_severity[4];  /**< findings not waived, indexed by al_severity */
	size_t waived;          /**< findings suppressed by a waiver */
	size_t names;           /**< owner names examined */
	size_t records;         /**< records checked (SPF, DMARC, DKIM) */
	size_t lookups;         /**< lookups made through the source */
	size_t lookups_failed;  /**< of which failed (timeout, SERVFAIL, ...) */
	size_t not_queried;     /**< lookups not made (offline, outside the zone, budget) */
	bool input_error;       /**< a file could not be read or did not parse */
	bool incomplete;        /**< a lookup failed, so a result may be missing */
} al_summary;

/** Add @p from's counts to @p to (runs over several threads or inputs). */
AL_EXPORT void al_summary_add(al_summary *to, const al_summary *from);

/**
 * Exit code for a summary: 2 when input was bad or a lookup failed, else 1
 * when a finding is at or above @p fail_on (OFF: never), else 0.
 */
AL_EXPORT int al_summary_exit_code(const al_summary *summary, al_severity fail_on);

#ifdef __cplusplus
}
#endif
#endif
