/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file spf.h
 * SPF (RFC 7208): the record parser with a byte span on every term. It
 * depends on nothing but the status types; the check_host() evaluator, the
 * lookup tree and their writers are in authlint/spf_eval.h.
 *
 * Every text handed back is raw (it may hold any byte a DNS answer held);
 * escape it before printing (the CLI and the emitters do).
 */
#ifndef AUTHLINT_SPF_H
#define AUTHLINT_SPF_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits of RFC 7208 section 4.6.4 ------------------------------------ */

/** DNS-querying terms (include a mx ptr exists redirect) per check_host(), cumulative. */
#define AL_SPF_MAX_LOOKUPS 10
/** Void lookups (NXDOMAIN, or NOERROR without records) before permerror. */
#define AL_SPF_MAX_VOID_LOOKUPS 2
/** MX names looked up per mx term (more is permerror) and PTR names per ptr / %{p}. */
#define AL_SPF_MAX_NAMES 10

/* ---- results -------------------------------------------------------------- */

typedef enum al_spf_result {
	AL_SPF_NONE = 0,
	AL_SPF_NEUTRAL,
	AL_SPF_PASS,
	AL_SPF_FAIL,
	AL_SPF_SOFTFAIL,
	AL_SPF_TEMPERROR,
	AL_SPF_PERMERROR,
} al_spf_result;

/** "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror". */
AL_EXPORT const char *al_spf_result_name(al_spf_result result);
/** Parse a result name (case-insensitive); AL_EINVAL when unknown. */
AL_EXPORT al_status al_spf_result_parse(const char *text, al_spf_result *out);

/* ---- the record ------------------------------------------------------------ */

typedef enum al_spf_term_type {
	AL_SPF_TERM_ALL = 1,
	AL_SPF_TERM_INCLUDE,
	AL_SPF_TERM_A,
	AL_SPF_TERM_MX,
	AL_SPF_TERM_PTR,
	AL_SPF_TERM_IP4,
	AL_SPF_TERM_IP6,
	AL_SPF_TERM_EXISTS,
	AL_SPF_TERM_REDIRECT,   /**< redirect= modifier */
	AL_SPF_TERM_EXP,        /**< exp= modifier */
	AL_SPF_TERM_MODIFIER,   /**< an unknown modifier (name=value), ignored by receivers */
	AL_SPF_TERM_UNKNOWN,    /**< not a mechanism or modifier: a syntax error */
} al_spf_term_type;

/** "all", "include", ..., "redirect", "exp", "modifier", "unknown". */
AL_EXPORT const char *al_spf_term_type_name(al_spf_term_type type);
/** True for the eight mechanisms. */
AL_EXPORT bool al_spf_term_is_mechanism(al_spf_term_type type);
/** True for the terms that count toward the limit of 10: include a mx ptr exists redirect. */
AL_EXPORT bool al_spf_term_queries_dns(al_spf_term_type type);

/** One term. Offsets are into the record text. */
typedef struct al_spf_term {
	al_spf_term_type type;
	char qualifier;            /**< '+', '-', '~' or '?' ('+' when not written); 0 for modifiers */
	bool qualifier_written;
	size_t start, length;      /**< the whole term */
	size_t name_start, name_length;   /**< the mechanism or modifier name as written */
	bool has_value;            /**< a ':' (mechanism) or '=' (modifier) was written */
	size_t value_start, value_length; /**< domain-spec, address or modifier value (CIDR excluded) */
	int cidr4, cidr6;          /**< prefix lengths written; -1 when absent (ip6 uses cidr6) */
	size_t cidr_start, cidr_length;   /**< the CIDR suffix ("/24//64"), length 0 when absent */
	uint8_t address[16];       /**< ip4 (4 bytes) or ip6 (16 bytes) network */
	bool has_macro;            /**< the value holds macro-expands (%{...}, %%, %_, %-) */
	int error;                 /**< index of this term's syntax error, or -1 */
} al_spf_term;

/** A syntax error: the record is a permerror wherever it is used. */
typedef struct al_spf_error {
	size_t start, length;      /**< the offending bytes */
	int term;                  /**< the term, or -1 for the record as a whole */
	const char *message;       /**< English, static */
} al_spf_error;

typedef struct al_spf_record {
	const char *text;          /**< borrowed: the record as parsed */
	size_t length;
	bool version_ok;           /**< starts with "v=spf1" then a space or the end */
	const al_spf_term *terms;
	size_t term_count;
	const al_spf_error *errors;
	size_t error_count;
	int redirect;              /**< the (first) redirect= term, or -1 */
	int exp;                   /**< the (first) exp= term, or -1 */
	int all;                   /**< the first all mechanism, or -1 */
} al_spf_record;

/**
 * Parse an SPF record (the TXT character-strings joined). Syntax errors are
 * reported in the record, not as a status: AL_OK unless out of memory. The
 * record borrows @p text, which must outlive it. Never reads past @p length;
 * allocates one block in proportion to the number of terms.
 */
AL_EXPORT al_status al_spf_parse(const char *text, size_t length, al_spf_record **out);
AL_EXPORT void al_spf_record_free(al_spf_record *record);

#ifdef __cplusplus
}
#endif
#endif
