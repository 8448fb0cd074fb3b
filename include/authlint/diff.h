/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file diff.h
 * What a change to a zone does: the findings it adds and fixes (matched by
 * rule, owner and record text, not by line, so moved lines are not new), and
 * its effect per name: SPF lookup counts, DMARC policies under both receiver
 * generations, sending services added or removed, DKIM keys removed. The
 * caller lints both versions (collecting findings with al_diff_findings_add)
 * and gives the sources that answer for each; the library runs no program.
 */
#ifndef AUTHLINT_DIFF_H
#define AUTHLINT_DIFF_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/diag.h>
#include <authlint/emit.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/spf_eval.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- line ranges a change touched ------------------------------------------- */

/** Lines first..last (1-based, inclusive) of the new text that the change wrote. */
typedef struct al_diff_range {
	unsigned long first;
	unsigned long last;
} al_diff_range;

/** The most cells of the line table compared exactly; past it the differing middle
 *  (after the common first and last lines) counts as touched whole. */
#define AL_DIFF_MAX_CELLS ((size_t)16 << 20)

/**
 * The line ranges of @p new_text that are not in a longest common subsequence
 * of the lines of the two texts (lines inserted or changed; a deletion touches
 * no line of the new text). *@p out is malloc'ed (free it), ranges in order.
 */
AL_EXPORT al_status al_diff_lines(const char *old_text, size_t old_length, const char *new_text,
				  size_t new_length, al_diff_range **out, size_t *count);
/** True when @p line is in one of the ranges. */
AL_EXPORT bool al_diff_ranges_hold(const al_diff_range *ranges, size_t count, unsigned long line);

/* ---- findings of one lint run ----------------------------------------------- */

typedef struct al_diff_finding {
	const char *rule_id;     /**< "SPF010" */
	al_severity severity;
	const char *owner;       /**< owner name, or the domain, or "" */
	const char *record;      /**< the record text, escaped for display, or "" */
	const char *message;     /**< escaped for display */
	const char *file;        /**< or NULL */
	unsigned long line;      /**< 0 when unknown */
	unsigned long column;
	/** 16 hex digits: hash of rule id, owner and the record text with its white space
	 *  collapsed; stable when the line moves (SARIF partialFingerprints) */
	const char *fingerprint;
	const al_diag *diag;     /**< NULL: only this copy remains */
} al_diff_finding;

typedef struct al_diff_findings al_diff_findings;

AL_EXPORT al_status al_diff_findings_new(al_diff_findings **out);
/** An al_diag_fn: copies the finding (waived findings are not kept). */
AL_EXPORT void al_diff_findings_add(void *findings, const al_diag *diag);
AL_EXPORT size_t al_diff_findings_count(const al_diff_findings *findings);
AL_EXPORT void al_diff_findings_free(al_diff_findings *findings);

/* ---- the effect of the change ------------------------------------------------ */

/** SPF lookups at a name that has an SPF record before or after. */
typedef struct al_diff_spf {
	const char *name;
	bool before_present, after_present;  /**< a v=spf1 record at the name */
	size_t before, after;                /**< DNS-querying terms (a lower bound when *_unknown) */
	size_t before_unknown, after_unknown;/**< targets not followed (offline): not checked */
	bool before_permerror, after_permerror; /**< over 10 lookups (or another permerror) */
} al_diff_spf;

/** A DMARC record that changed. */
typedef struct al_diff_dmarc {
	const char *name;            /**< "_dmarc.example.com" */
	const char *before, *after;  /**< the record texts (escaped), or NULL when absent */
	/** "p=reject sp=(p) np=(sp) pct=100 t=n" of each, or "none" */
	const char *before_tags, *after_tags;
	/** sentences: [0] RFC 7489 receivers, [1] RFC 9989 receivers (mail of the domain) */
	const char *before_effect[2], *after_effect[2];
	/** the policy failing mail of the domain gets, per generation (al_dmarc_policy), 0 none */
	int before_applied[2], after_applied[2];
	bool weaker;                 /**< some generation applies a weaker policy after */
} al_diff_dmarc;

/** A sending service an SPF record includes, added or removed. */
typedef struct al_diff_service {
	const char *name;    /**< the SPF record's owner */
	const char *service; /**< "Google Workspace" (data/senders.yaml) */
	const char *include; /**< the include target that names it */
	bool added;
} al_diff_service;

/** A DKIM key (TXT or CNAME at *._domainkey.*) the change removes. */
typedef struct al_diff_dkim {
	const char *name;      /**< "s1._domainkey.example.com" */
	const char *selector;  /**< "s1" */
	const char *domain;    /**< "example.com" */
	bool counted;          /**< messages is known (reports were given) */
	uint64_t messages;     /**< messages the reports show signed with it (d= and s=) */
	size_t reports;        /**< reports that show it */
} al_diff_dkim;

typedef struct al_diff_options {
	al_source *old_source;        /**< answers for the old version (zone, then what else) */
	al_source *new_source;
	const al_zone *old_zone;      /**< the names to look at */
	const al_zone *new_zone;
	const al_rules *rules;        /**< senders catalog; may be NULL */
	const al_spf_snapshot *snapshot; /**< provider costs; NULL: built in */
	bool no_snapshot;
	/** touched lines of the new version (sarif); NULL: no line filter */
	const al_diff_range *touched;
	size_t touched_count;
	const char *touched_file;     /**< the new version's file name the ranges are in */
} al_diff_options;

typedef struct al_diff {
	const al_diff_finding *added;   /**< findings of the new version without a match in the old */
	size_t added_count;
	const al_diff_finding *fixed;   /**< findings of the old version without a match in the new */
	size_t fixed_count;
	size_t unchanged;               /**< matched pairs */
	const al_diff_spf *spf;
	size_t spf_count;
	const al_diff_dmarc *dmarc;
	size_t dmarc_count;
	const al_diff_service *services;
	size_t service_count;
	al_diff_dkim *dkim;             /**< the caller may fill counted/messages/reports */
	size_t dkim_count;
	al_summary added_summary;       /**< counts of the added findings, for the exit code */
	bool not_checked;               /**< a name outside the zones was not looked up */
} al_diff;

/** Compare the findings and compute the effects. */
AL_EXPORT al_status al_diff_compute(const al_diff_options *options, const al_diff_findings *old_findings,
				    const al_diff_findings *new_findings, al_diff **out, al_error *err);
AL_EXPORT void al_diff_free(al_diff *diff);

typedef enum al_diff_format {
	AL_DIFF_TEXT = 0,
	AL_DIFF_JSON,
	AL_DIFF_MARKDOWN, /**< a pull request comment */
	AL_DIFF_SARIF,    /**< the added findings on touched lines, with partialFingerprints */
} al_diff_format;

/** "text", "json", "markdown", "sarif". */
AL_EXPORT al_status al_diff_format_parse(const char *text, al_diff_format *out);
/** Write @p diff; @p old_label and @p new_label name the versions. */
AL_EXPORT al_status al_diff_write(const al_diff *diff, const al_diff_options *options, al_diff_format format,
				  const char *old_label, const char *new_label, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
