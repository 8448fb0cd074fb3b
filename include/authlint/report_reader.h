/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file report_reader.h
 * Reading DMARC aggregate reports as a mailbox receives them: RFC 7489
 * appendix C (namespace http://dmarc.org/dmarc-xml/0.1, none, or the old
 * draft form) and RFC 9990 (urn:ietf:params:xml:ns:dmarc-2.0), in files
 * .xml, .xml.gz, .zip, .eml (the report as a MIME attachment: base64, gzip
 * or zip inside), mbox, Maildir and directories (recursive).
 *
 * The reader streams: each record is handed to the caller as it is parsed
 * and then forgotten, so memory does not grow with the size of a report.
 * The input is untrusted: no external entity or DTD is loaded, entity
 * expansion is refused, decompression is bounded in size and ratio, and a
 * report holds at most al_report_limits.max_records records.
 *
 * Nothing is judged here: values are the reporter's words, normalised only
 * where the schema allows one reading (case of enumerations, surrounding
 * white space). Text fields are kept as sent (they may hold bytes that are
 * not UTF-8: escape them before printing).
 */
#ifndef AUTHLINT_REPORT_READER_H
#define AUTHLINT_REPORT_READER_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which schema a report follows. */
typedef enum al_report_format {
	AL_REPORT_RFC7489 = 0, /**< dmarc-xml/0.1 namespace, or none */
	AL_REPORT_DRAFT,       /**< the pre-RFC form (no version, <feedback> with other layout) */
	AL_REPORT_RFC9990,     /**< urn:ietf:params:xml:ns:dmarc-2.0 */
} al_report_format;

/** An enumerated result as reported; AL_RR_UNKNOWN for a value outside the schema. */
typedef enum al_report_result {
	AL_RR_ABSENT = 0, /**< element missing or empty */
	AL_RR_NONE,
	AL_RR_PASS,
	AL_RR_FAIL,
	AL_RR_NEUTRAL,
	AL_RR_SOFTFAIL,
	AL_RR_TEMPERROR,
	AL_RR_PERMERROR,
	AL_RR_POLICY,
	AL_RR_UNKNOWN,
} al_report_result;

/** policy_evaluated/disposition. */
typedef enum al_report_disposition {
	AL_DISP_ABSENT = 0,
	AL_DISP_NONE,
	AL_DISP_QUARANTINE,
	AL_DISP_REJECT,
	AL_DISP_PASS, /**< RFC 9990: the message passed DMARC */
	AL_DISP_UNKNOWN,
} al_report_disposition;

/** Where a report came from: the file, the entry inside it, the XML line. */
typedef struct al_report_origin {
	const char *path;   /**< the file given or found in a directory */
	const char *member; /**< archive entry, MIME part filename or mbox message number; NULL */
	size_t line;        /**< XML line, 0 when not known */
} al_report_origin;

/** policy_published. Strings NULL when absent; pct -1 when absent (and always in RFC 9990). */
typedef struct al_report_policy {
	const char *domain;
	const char *adkim, *aspf; /**< "r" or "s" as sent (lower-cased) */
	const char *p, *sp, *np;  /**< np: RFC 9990 */
	int pct;
	const char *fo;
	const char *testing;          /**< RFC 9990 t= as reported ("y"/"n") */
	const char *discovery_method; /**< RFC 9990: "psl" or "treewalk" */
} al_report_policy;

/** report_metadata and policy_published of one report, valid during the callbacks. */
typedef struct al_report_meta {
	al_report_origin origin;
	al_report_format format;
	const char *org_name;
	const char *email;
	const char *extra_contact_info;
	const char *report_id;
	int64_t begin, end; /**< date_range, seconds since the epoch (UTC); -1 when absent */
	const char *generator; /**< RFC 9990 */
	const char *const *errors; /**< report_metadata/error elements */
	size_t error_count;
	al_report_policy policy;
} al_report_meta;

/** One policy_evaluated/reason. */
typedef struct al_report_reason {
	const char *type; /**< lower-cased: forwarded, sampled_out, trusted_forwarder,
			       mailing_list, local_policy, policy_test_mode, other, ... */
	const char *comment;
} al_report_reason;

/** One auth_results/dkim. */
typedef struct al_report_dkim {
	const char *domain;
	const char *selector;
	al_report_result result;
	const char *human_result;
} al_report_dkim;

/** One auth_results/spf. */
typedef struct al_report_spf {
	const char *domain;
	const char *scope; /**< "mfrom" or "helo"; NULL when absent */
	al_report_result result;
	const char *human_result;
} al_report_spf;

/** One <record>, valid during the callback only. */
typedef struct al_report_record {
	size_t line;            /**< XML line of <record> */
	const char *source_ip;  /**< canonical text form; NULL when absent or not an address */
	const char *source_ip_raw; /**< as sent */
	uint64_t count;
	al_report_disposition disposition;
	al_report_result dkim, spf; /**< policy_evaluated: DMARC-aligned results */
	const al_report_reason *reasons;
	size_t reason_count;
	const char *header_from, *envelope_from, *envelope_to;
	const al_report_dkim *dkim_results;
	size_t dkim_count;
	const al_report_spf *spf_results;
	size_t spf_count;
} al_report_record;

/** A problem with one input; the reader goes on with the rest. */
typedef struct al_report_problem {
	al_report_origin origin;
	al_status status; /**< AL_ESYNTAX, AL_ELIMIT, AL_EIO, AL_EUNSUPPORTED, ... */
	const char *message;
	bool fatal; /**< the file or report was abandoned (else a value was skipped) */
} al_report_problem;

/** What the reader does after a callback. */
typedef enum al_report_action {
	AL_REPORT_CONTINUE = 0,
	AL_REPORT_SKIP, /**< from on_report: skip this report's records (a duplicate) */
	AL_REPORT_STOP, /**< stop reading everything */
} al_report_action;

typedef struct al_report_callbacks {
	/** Called once per report, before its records (metadata and policy known). */
	al_report_action (*on_report)(void *ctx, const al_report_meta *meta);
	/** Called per record. */
	al_report_action (*on_record)(void *ctx, const al_report_meta *meta,
				      const al_report_record *record);
	/** Called when a report is complete (not called for one abandoned). */
	void (*on_report_end)(void *ctx, const al_report_meta *meta, size_t records);
	/** Called for every problem. */
	void (*on_problem)(void *ctx, const al_report_problem *problem);
	void *ctx;
} al_report_callbacks;

/** Bounds on untrusted input; zero fields take the defaults below. */
typedef struct al_report_limits {
	uint64_t max_file_bytes;     /**< compressed input per file (default 256 MiB) */
	uint64_t max_expanded_bytes; /**< decompressed bytes per report (default 1 GiB) */
	uint32_t max_ratio;          /**< decompressed/compressed ratio past 1 MiB (default 200) */
	uint64_t max_records;        /**< records per report (default 10,000,000) */
	uint32_t max_depth;          /**< directory and MIME/archive nesting (default 8) */
	uint64_t max_files;          /**< files read from directories (default 1,000,000) */
} al_report_limits;

/** Read @p path: a file of any kind above, or a directory (recursive). "-" is not special:
 *  the caller reads standard input and uses al_report_read_memory. Returns AL_OK when every
 *  input was read, else the status of the first fatal problem (a file or report that was
 *  abandoned); every problem, fatal or not, goes to on_problem. */
AL_EXPORT al_status al_report_read_path(const char *path, const al_report_limits *limits,
					const al_report_callbacks *cb);
/** Read @p length bytes of any single-file kind (detected from the content); @p name is
 *  the origin path used in problems. The data is not copied and must outlive the call. */
AL_EXPORT al_status al_report_read_memory(const char *name, const void *data, size_t length,
					  const al_report_limits *limits,
					  const al_report_callbacks *cb);

/** Lower-case names: "pass", "none", ... ; "" for AL_RR_ABSENT. */
AL_EXPORT const char *al_report_result_name(al_report_result r);
AL_EXPORT const char *al_report_disposition_name(al_report_disposition d);

#ifdef __cplusplus
}
#endif

#endif
