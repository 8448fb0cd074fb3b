/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file dmarc.h
 * DMARC policy records (RFC 7489, RFC 9989): a parser with a byte span on
 * every tag, the policy a record gives to failing mail under each receiver
 * generation. Policy discovery, organizational domains and alignment are
 * in authlint/dmarc_discovery.h.
 *
 * The parser reads a record once for both generations. What only one
 * generation objects to is marked with that generation (a `pct` that is not
 * a number matters to RFC 7489 receivers only; `fo=0:1` to RFC 9989 ones).
 * It is pure: no I/O, never reads past its input, memory in proportion to it.
 */
#ifndef AUTHLINT_DMARC_H
#define AUTHLINT_DMARC_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/generation.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a record's text. */
typedef struct al_dmarc_span {
	size_t start;
	size_t length;
} al_dmarc_span;

/** The tags either generation knows. */
typedef enum al_dmarc_tag_id {
	AL_DMARC_TAG_UNKNOWN = 0,
	AL_DMARC_TAG_V,
	AL_DMARC_TAG_P,
	AL_DMARC_TAG_SP,
	AL_DMARC_TAG_NP,    /**< RFC 9989 (and RFC 9091) */
	AL_DMARC_TAG_PSD,   /**< RFC 9989 */
	AL_DMARC_TAG_T,     /**< RFC 9989 */
	AL_DMARC_TAG_ADKIM,
	AL_DMARC_TAG_ASPF,
	AL_DMARC_TAG_RUA,
	AL_DMARC_TAG_RUF,
	AL_DMARC_TAG_FO,
	AL_DMARC_TAG_PCT,   /**< RFC 7489 only (removed by RFC 9989) */
	AL_DMARC_TAG_RF,    /**< RFC 7489 only */
	AL_DMARC_TAG_RI,    /**< RFC 7489 only */
	AL_DMARC_TAG_COUNT_
} al_dmarc_tag_id;

/** "v", "p", ..., or "?" for UNKNOWN. */
AL_EXPORT const char *al_dmarc_tag_name(al_dmarc_tag_id id);
/** Which generation defines a tag: ANY (both), RFC7489 (pct rf ri) or RFC9989 (np psd t). */
AL_EXPORT al_generation al_dmarc_tag_generation(al_dmarc_tag_id id);

/** p, sp, np. Ordered: a higher value is stronger. */
typedef enum al_dmarc_policy {
	AL_DMARC_POLICY_UNSET = 0,  /**< tag absent */
	AL_DMARC_POLICY_INVALID,    /**< tag present with a value that is not a policy */
	AL_DMARC_POLICY_NONE,
	AL_DMARC_POLICY_QUARANTINE,
	AL_DMARC_POLICY_REJECT,
} al_dmarc_policy;

/** "none", "quarantine", "reject", "(unset)", "(invalid)". */
AL_EXPORT const char *al_dmarc_policy_name(al_dmarc_policy policy);

/** adkim, aspf. */
typedef enum al_dmarc_alignment {
	AL_DMARC_ALIGN_UNSET = 0, /**< absent: relaxed */
	AL_DMARC_ALIGN_INVALID,
	AL_DMARC_ALIGN_RELAXED,
	AL_DMARC_ALIGN_STRICT,
} al_dmarc_alignment;

/** t (y/n) and psd (y/n/u). */
typedef enum al_dmarc_flag {
	AL_DMARC_FLAG_UNSET = 0,
	AL_DMARC_FLAG_INVALID,
	AL_DMARC_FLAG_Y,
	AL_DMARC_FLAG_N,
	AL_DMARC_FLAG_U, /**< psd only */
} al_dmarc_flag;

/** fo options (bits). */
enum {
	AL_DMARC_FO_0 = 1u << 0,
	AL_DMARC_FO_1 = 1u << 1,
	AL_DMARC_FO_D = 1u << 2,
	AL_DMARC_FO_S = 1u << 3,
};

/** rf formats (bits; RFC 7489). */
enum {
	AL_DMARC_RF_AFRF = 1u << 0,
	AL_DMARC_RF_IODEF = 1u << 1,
	AL_DMARC_RF_OTHER = 1u << 2, /**< a well-formed keyword receivers do not know */
};

typedef enum al_dmarc_uri_scheme {
	AL_DMARC_URI_NO_SCHEME = 0, /**< "reports@example.com": not a URI */
	AL_DMARC_URI_MAILTO,
	AL_DMARC_URI_HTTPS,
	AL_DMARC_URI_HTTP,
	AL_DMARC_URI_OTHER,
} al_dmarc_uri_scheme;

/** One rua or ruf destination. */
typedef struct al_dmarc_uri {
	al_dmarc_span span;         /**< the URI as written, size suffix included */
	al_dmarc_uri_scheme scheme;
	bool valid;                 /**< a URI receivers can use (size suffix aside) */
	const char *address;        /**< mailto: the addr-spec, percent-decoded; http(s): the URI
				         without the size suffix; NULL when it does not parse */
	const char *domain;         /**< where reports go: the address's domain or the URI's
				         host, normalised (lower case); NULL when there is none */
	bool has_size;              /**< an obsolete "!10m" size suffix is present */
	bool size_valid;            /**< ... and follows "!" 1*DIGIT [k/m/g/t] */
	al_dmarc_span size;         /**< the suffix, "!" included */
	uint64_t size_limit;        /**< in octets, when valid (saturates at UINT64_MAX) */
} al_dmarc_uri;

/** A tag as written. */
typedef struct al_dmarc_tag {
	al_dmarc_tag_id id;
	al_dmarc_span spec;   /**< the whole tag-spec, separators excluded */
	al_dmarc_span name;
	al_dmarc_span value;  /**< surrounding whitespace excluded; empty when there is no '=' */
	bool has_equals;
	bool duplicate;       /**< a repeat of an earlier tag of the same name */
} al_dmarc_tag;

typedef enum al_dmarc_problem_kind {
	AL_DMARC_PROBLEM_VERSION = 1, /**< v is not the first tag or its value is not exactly DMARC1:
					   receivers ignore the whole record */
	AL_DMARC_PROBLEM_SYNTAX,      /**< a tag-spec that does not parse (no '=', a bad name, an empty
					   value, a byte outside the grammar, an empty spec) */
	AL_DMARC_PROBLEM_DUPLICATE,   /**< a tag given more than once */
	AL_DMARC_PROBLEM_UNKNOWN_TAG, /**< a tag neither generation defines (receivers ignore it) */
	AL_DMARC_PROBLEM_VALUE,       /**< a known tag whose value does not follow its grammar */
	AL_DMARC_PROBLEM_URI,         /**< a rua/ruf entry that is not a usable URI */
} al_dmarc_problem_kind;

/** Something wrong in the record. Strings may hold record bytes (escape before printing). */
typedef struct al_dmarc_problem {
	al_dmarc_problem_kind kind;
	al_dmarc_tag_id tag;       /**< the tag concerned, or UNKNOWN */
	al_generation generation;  /**< the receivers it matters to: ANY, or one generation only */
	al_dmarc_span span;        /**< the offending bytes */
	const char *detail;        /**< what is wrong, as a phrase ("'maybe' is not none, ...") */
	const char *hint;          /**< a likely fix ("did you mean rua?"), or NULL */
} al_dmarc_problem;

/** A parsed DMARC record. Every pointer lives as long as the record. */
typedef struct al_dmarc_record {
	const char *text;          /**< a copy of the record text (NUL-terminated) */
	size_t length;
	bool is_dmarc;             /**< v=DMARC1 is the first tag, value exact: receivers use it */
	const al_dmarc_tag *tags;  /**< every tag-spec in order */
	size_t tag_count;
	/** The first occurrence of each known tag, or NULL. */
	const al_dmarc_tag *tag[AL_DMARC_TAG_COUNT_];
	al_dmarc_policy p, sp, np;
	al_dmarc_alignment adkim, aspf;
	al_dmarc_flag t, psd;
	bool pct_valid;            /**< pct present with an integer 0..100 */
	unsigned pct;              /**< when pct_valid; otherwise 100 (the RFC 7489 default) */
	unsigned fo;               /**< AL_DMARC_FO_* of the valid options; 0 when absent */
	unsigned rf;               /**< AL_DMARC_RF_*; 0 when absent */
	bool ri_valid;
	uint32_t ri;               /**< when ri_valid; otherwise 86400 */
	const al_dmarc_uri *rua;
	size_t rua_count;
	const al_dmarc_uri *ruf;
	size_t ruf_count;
	const al_dmarc_problem *problems;
	size_t problem_count;
} al_dmarc_record;

/**
 * Parse @p text (the character-strings joined). Never fails on bad input:
 * problems are listed in the record. AL_ENOMEM is the only failure.
 */
AL_EXPORT al_status al_dmarc_parse(const char *text, size_t length, al_dmarc_record **out);
/** Free; NULL is safe. */
AL_EXPORT void al_dmarc_record_free(al_dmarc_record *record);

/**
 * True when receivers discard the record as a whole although it starts with
 * v=DMARC1: a tag given twice makes the tag-list invalid (RFC 6376 section
 * 3.2, which RFC 7489 section 6.4 and RFC 9989 adopt for DMARC records).
 */
AL_EXPORT bool al_dmarc_record_discarded(const al_dmarc_record *record);
/** True when rua has at least one syntactically valid URI (the fallback to p=none needs it). */
AL_EXPORT bool al_dmarc_has_valid_rua(const al_dmarc_record *record);

/* ---- the policy a record gives --------------------------------------------- */

/** What the mail under consideration is to the record's domain. */
typedef enum al_dmarc_target {
	AL_DMARC_TARGET_DOMAIN = 0,  /**< the domain the record is published for: p */
	AL_DMARC_TARGET_SUBDOMAIN,   /**< an existing subdomain: sp, else p */
	AL_DMARC_TARGET_NONEXISTENT, /**< a subdomain that does not exist (NXDOMAIN): RFC 9989 np,
					  else sp, else p; RFC 7489 sp, else p */
} al_dmarc_target;

/** How receivers of one generation treat failing mail under a record. */
typedef struct al_dmarc_effect {
	bool applies;               /**< false: they apply no DMARC at all (not a DMARC record, or an
					 invalid or missing policy without a valid rua) */
	al_dmarc_tag_id source;     /**< the tag the policy came from (P, SP, NP), or UNKNOWN when
					 they fall back to none */
	bool fallback;              /**< p missing or invalid (or sp/np invalid): they act as p=none */
	al_dmarc_policy requested;  /**< the policy after inheritance (NONE, QUARANTINE, REJECT) */
	al_dmarc_policy applied;    /**< what failing mail gets: RFC 9989 after t=y lowered it one
					 level; RFC 7489 for the pct share of failing mail */
	unsigned percent;           /**< RFC 7489: the share (pct) of failing mail that gets
					 @c applied; 100 otherwise */
	al_dmarc_policy rest;       /**< RFC 7489: what the other mail gets (RFC 7489 6.6.4:
					 reject falls to quarantine, quarantine to none) */
	bool testing;               /**< RFC 9989: t=y lowered the policy */
} al_dmarc_effect;

/** The effect of @p record on mail of @p target under @p generation (ANY reads as RFC 9989). */
AL_EXPORT void al_dmarc_effect_of(const al_dmarc_record *record, al_generation generation,
			al_dmarc_target target, al_dmarc_effect *out);
/**
 * A sentence for an effect, the inheritance spelled out ("sp is not set, so p=reject
 * applies; t=y lowers it to quarantine"). Writes at most @p size bytes with NUL;
 * returns the length it needed.
 */
AL_EXPORT size_t al_dmarc_effect_describe(const al_dmarc_record *record, al_generation generation,
				al_dmarc_target target, const al_dmarc_effect *effect, char *buf,
				size_t size);

#ifdef __cplusplus
}
#endif
#endif
