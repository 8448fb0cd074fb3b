/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file reports.h
 * What DMARC aggregate reports say, added up: per domain (volume, DMARC pass,
 * aligned SPF and DKIM, dispositions, a trend by day, the policies reporters
 * saw) and per source address (what passed, who signed, which reporters saw
 * it), with each source attributed through the domain's own SPF record:
 * check_host() says whether the address is authorized and which term of the
 * record authorizes it, and the senders catalog names the service behind an
 * include. Reports are read with report_reader.h; a report received twice
 * (same reporter and report id) is counted once.
 */
#ifndef AUTHLINT_REPORTS_H
#define AUTHLINT_REPORTS_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/emit.h>
#include <authlint/findings.h>
#include <authlint/lint.h>
#include <authlint/report_reader.h>
#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct al_reports al_reports;

typedef struct al_reports_options {
	const al_report_limits *limits; /**< NULL: the reader's defaults */
	/** Answers for attributing sources through SPF (a zone, live DNS, or both
	 *  layered); NULL: sources are not attributed (said so in every output). */
	al_source *source;
	/** The SPF record to judge sources by in place of the published one (what
	 *  if), or NULL. */
	const char *spf_record;
} al_reports_options;

/** A new, empty collection (the options are copied; the source is borrowed). */
AL_EXPORT al_status al_reports_new(const al_reports_options *options, al_reports **out);
AL_EXPORT void al_reports_free(al_reports *reports);

/** Read a file or directory (report_reader.h). Problems are kept (al_reports_problem_at);
 *  returns the status of the first fatal one, AL_OK when everything was read. */
AL_EXPORT al_status al_reports_read_path(al_reports *reports, const char *path);
/** Read one file held in memory (standard input): @p name names it in problems. */
AL_EXPORT al_status al_reports_read_memory(al_reports *reports, const char *name, const void *data,
					   size_t length);

/** Attribute every source through its domain's SPF (check_host with the source as client). */
AL_EXPORT al_status al_reports_attribute(al_reports *reports);

/**
 * What the reports show, as REPORT findings raised through @p lint (its rules,
 * configuration and waivers; its on_diag gets them, one unit per domain):
 * files that could not be read, authorized services failing alignment,
 * unauthorized sources failing, and, against the DMARC record published now
 * (looked up through the lint's source: offline, that lookup is not made,
 * LOOKUP002 says so and nothing is compared), reporters that saw another
 * policy and test mode reported or ignored; tree walk and PSL discovery
 * seeing different policies. Call after al_reports_attribute.
 */
AL_EXPORT al_status al_lint_reports(al_lint *lint, al_reports *reports);

/** Problems met reading, in order; the strings are owned by the collection. */
typedef struct al_reports_problem {
	const char *path;
	const char *member; /**< entry in an archive or message, or NULL */
	size_t line;        /**< 0 when not known */
	const char *message;
	bool fatal;         /**< a file or report was abandoned (or cut short) */
} al_reports_problem;
AL_EXPORT size_t al_reports_problem_count(const al_reports *reports);
AL_EXPORT const al_reports_problem *al_reports_problem_at(const al_reports *reports, size_t index);
/** Problems that abandoned a file or report. */
AL_EXPORT size_t al_reports_fatal_count(const al_reports *reports);
/** Reports counted, and reports skipped as received twice. */
AL_EXPORT size_t al_reports_count(const al_reports *reports);
AL_EXPORT size_t al_reports_duplicates(const al_reports *reports);

typedef enum al_reports_format {
	AL_REPORTS_TEXT = 0,
	AL_REPORTS_JSON,  /**< one document (doc/reports-json.md) */
	AL_REPORTS_JSONL, /**< one object per line: report, domain, source, day, problem, summary */
	AL_REPORTS_CSV,   /**< one row per domain and source */
	AL_REPORTS_HTML,  /**< one self-contained page: no script, no external asset, inline SVG */
} al_reports_format;

/** "text", "json", "jsonl", "csv", "html"; AL_EINVAL for anything else. */
AL_EXPORT al_status al_reports_format_parse(const char *text, al_reports_format *out);

/** Write what the reports say. Every string from a report is escaped. */
AL_EXPORT al_status al_reports_write(const al_reports *reports, al_reports_format format, bool color,
				     al_sink sink);

/**
 * The same with the findings of al_lint_reports (sorted by the caller; NULL:
 * none were made): text lists them after the figures, json has a "findings"
 * array, jsonl a line of type "finding" each, html a section; csv leaves them out.
 */
AL_EXPORT al_status al_reports_write_findings(const al_reports *reports, const al_findings *findings,
					      al_reports_format format, bool color, al_sink sink);

/** Every problem as one line, escaped: "authlint: error: FILE [ENTRY]:LINE: message". */
AL_EXPORT al_status al_reports_write_problems(const al_reports *reports, al_sink sink);

#ifdef __cplusplus
}
#endif

#endif
