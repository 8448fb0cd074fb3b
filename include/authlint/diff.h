/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file diff.h
 * What a change to a zone does: the findings it adds and fixes (matched by
 * rule, owner and record text, not by line, so moved lines are not new), and
 * its effect per name: SPF lookup counts, DMARC policies under both receiver
 * generations, sending services added or removed, DKIM keys removed. The
 * caller lints both versions (collecting their findings in al_findings) and
 * gives the sources that answer for each; the library runs no program.
 */
#ifndef AUTHLINT_DIFF_H
#define AUTHLINT_DIFF_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/diag.h>
#include <authlint/emit.h>
#include <authlint/findings.h>
#include <authlint/report_reader.h>
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

/** The lines a change touched in one file of the new version. */
typedef struct al_diff_touched {
	const char *file;            /**< as in the findings' locations */
	const al_diff_range *ranges;
	size_t count;
} al_diff_touched;

/* ---- the findings a change adds and fixes ----------------------------------- */

/** A finding of one version without a partner in the other. */
typedef struct al_diff_finding {
	const al_diag *diag; /**< borrowed from the al_findings given to al_diff_compute */
	/** 32 hex digits: the identity that survives moved lines (rule id, owner,
	 *  record text and span, or the message without a record); the same as
	 *  SARIF partialFingerprints "authlint/v1" of every command */
	char fingerprint[33];
} al_diff_finding;

/* ---- the effect of the change ------------------------------------------------ */

/** SPF lookups at a name that has an SPF record before or after. */
typedef struct al_diff_spf {
	const char *name;
	bool before_present, after_present;  /**< a v=spf1 record at the name */
	size_t before, after;                /**< DNS-querying terms (a lower bound when *_unknown) */
	size_t before_unknown, after_unknown;/**< targets not followed and not estimated: not checked */
	size_t before_voids, after_voids;    /**< void lookups (more than 2: permerror) */
	/** check_host() ends in permerror: over 10 lookups, over 2 void lookups, a syntax
	 *  error, a loop, an include without a record */
	bool before_permerror, after_permerror;
} al_diff_spf;

/** A DMARC record that changed. */
typedef struct al_diff_dmarc {
	const char *name;            /**< "_dmarc.example.com" */
	const char *before, *after;  /**< the record texts (raw), or NULL when absent */
	size_t before_length, after_length;
	/** "p=reject sp=(p) np=(sp) pct=(100) t=(n)" of each, "none" or "ignored ..." */
	const char *before_tags, *after_tags;
	/** sentences for the domain's own mail: [0] RFC 7489 receivers, [1] RFC 9989 receivers */
	const char *before_effect[2], *after_effect[2];
	/** the policy failing mail of the domain gets per generation (al_dmarc_policy), 0 none */
	int before_applied[2], after_applied[2];
	/** RFC 7489: the share of failing mail that gets it (pct) */
	unsigned before_percent[2], after_percent[2];
	/** some generation treats failing mail (of the domain, of its subdomains, of names
	 *  that do not exist) more leniently after; both false when the record is added or
	 *  removed (what then applies is the organizational domain's, not followed here) */
	bool weaker;
	bool stronger;               /**< some generation treats it more strictly after */
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
	uint64_t messages;     /**< messages the reports show signed with it (d= and s=), when counted */
	size_t reports;        /**< reports that show it */
} al_diff_dkim;

typedef struct al_diff_options {
	al_source *old_source;        /**< answers for the old version (its zone, then what else) */
	al_source *new_source;
	const al_zone *old_zone;      /**< the names to look at */
	const al_zone *new_zone;
	const al_rules *rules;        /**< senders catalog, SARIF rules; may be NULL but for SARIF */
	const al_spf_snapshot *snapshot; /**< provider costs; NULL: built in */
	bool no_snapshot;
	/** the lines of the new version the change wrote (SARIF keeps findings on them) */
	const al_diff_touched *touched;
	size_t touched_count;
	int exit_code;                /**< SARIF: the run's exit status (invocations) */
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
	const al_diff_dkim *dkim;
	size_t dkim_count;
	al_summary added_summary;       /**< counts of the added findings, for the exit code */
	bool not_checked;               /**< an SPF target outside the zones was not followed */
	/* after al_diff_count_dkim */
	bool dkim_counted;              /**< reports were read: messages and reports are known */
	size_t report_count;            /**< reports read (each received twice counted once) */
	int64_t period_begin, period_end; /**< their date ranges, seconds since the epoch; -1 unknown */
	size_t report_problems;         /**< problems reading them */
	size_t report_fatal;            /**< of which a file or report was abandoned */
} al_diff;

/**
 * Match the findings of the two versions and compute the effects. A finding
 * matches one of the other version with the same fingerprint; those left match
 * by rule, owner and the offending bytes (a record edited elsewhere keeps its
 * finding). Waived findings take no part. The lists must outlive the diff.
 */
AL_EXPORT al_status al_diff_compute(const al_diff_options *options, const al_findings *old_findings,
				    const al_findings *new_findings, al_diff **out, al_error *err);
/**
 * Count, for every DKIM key removed, the messages DMARC aggregate reports at
 * @p path (a file or directory, report_reader.h) show signed with it (d= and s=
 * of an auth_results/dkim entry); a report received twice counts once. Problems
 * are kept (al_diff_write_problems). Returns the status of the first fatal one.
 */
AL_EXPORT al_status al_diff_count_dkim(al_diff *diff, const char *path, const al_report_limits *limits);
/** Every problem of reading the reports, one escaped line each:
 *  "authlint: error: FILE [ENTRY]:LINE: message" (warning for those that lost nothing). */
AL_EXPORT al_status al_diff_write_problems(const al_diff *diff, al_sink sink);
AL_EXPORT void al_diff_free(al_diff *diff);

typedef enum al_diff_format {
	AL_DIFF_TEXT = 0,
	AL_DIFF_JSON,
	AL_DIFF_MARKDOWN, /**< a pull request comment */
	AL_DIFF_SARIF,    /**< the added findings on touched lines, with partialFingerprints */
} al_diff_format;

/** "text", "json", "markdown", "sarif". */
AL_EXPORT al_status al_diff_format_parse(const char *text, al_diff_format *out);
/** Write @p diff; @p old_label and @p new_label name the versions. SARIF holds the
 *  added findings on the lines of options->touched, the whole registry as rules. */
AL_EXPORT al_status al_diff_write(const al_diff *diff, const al_diff_options *options, al_diff_format format,
				  const char *old_label, const char *new_label, al_sink sink);

#ifdef __cplusplus
}
#endif
#endif
