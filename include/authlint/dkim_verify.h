/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file dkim_verify.h
 * Verifying a message's DKIM signatures (RFC 6376, RFC 8463, RFC 8301) and
 * its ARC chain (RFC 8617) again, with keys from an al_source (live DNS, zone
 * files, fixtures). Nothing passes by default: a key that was not looked up
 * (offline, outside the zone files) leaves the signature "not checked".
 */
#ifndef AUTHLINT_DKIM_VERIFY_H
#define AUTHLINT_DKIM_VERIFY_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <authlint/source.h>
#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The result of one signature (RFC 8601 2.7.1 names, and two of ours). */
typedef enum al_dkim_verdict {
	AL_DKIM_NOT_CHECKED = 0, /**< key not looked up (offline, outside the zones), or past the limit */
	AL_DKIM_PASS,
	AL_DKIM_FAIL,            /**< the body hash or the signature does not match */
	AL_DKIM_TEMPERROR,       /**< the key lookup failed (timeout, SERVFAIL, ...) */
	AL_DKIM_PERMERROR,       /**< malformed signature, no key, revoked or bad key, unknown algorithm */
	AL_DKIM_REFUSED,         /**< rsa-sha1, or an RSA key under 1024 bits (RFC 8301) */
} al_dkim_verdict;

/** "not-checked", "pass", "fail", "temperror", "permerror", "refused". */
AL_EXPORT const char *al_dkim_verdict_name(al_dkim_verdict verdict);

/** Why a signature did not pass. */
typedef enum al_dkim_failure {
	AL_DKIM_FAILURE_NONE = 0,
	AL_DKIM_FAILURE_BODY_HASH,      /**< bh= does not match the body (changed in transit: a footer, a list) */
	AL_DKIM_FAILURE_SIGNATURE,      /**< b= does not verify over the signed header fields */
	AL_DKIM_FAILURE_EXPIRED,        /**< x= is in the past */
	AL_DKIM_FAILURE_SYNTAX,         /**< a required tag is missing or malformed (base64, h= without From, ...) */
	AL_DKIM_FAILURE_NO_KEY,         /**< no key record at SELECTOR._domainkey.DOMAIN (NXDOMAIN or no TXT) */
	AL_DKIM_FAILURE_KEY_REVOKED,    /**< p= is empty */
	AL_DKIM_FAILURE_KEY_INVALID,    /**< the key record or the key does not parse, or k= differs from a= */
	AL_DKIM_FAILURE_ALGORITHM,      /**< an algorithm RFC 6376 and RFC 8463 do not define */
	AL_DKIM_FAILURE_SHA1,           /**< rsa-sha1 (RFC 8301) */
	AL_DKIM_FAILURE_KEY_TOO_SMALL,  /**< an RSA key under 1024 bits (RFC 8301) */
	AL_DKIM_FAILURE_KEY_LOOKUP,     /**< the key lookup failed */
	AL_DKIM_FAILURE_NOT_QUERIED,    /**< the key was not looked up */
	AL_DKIM_FAILURE_LIMIT,          /**< past the number of signatures verified per message */
} al_dkim_failure;

/** One DKIM-Signature and what became of it. Strings are owned by the verification. */
typedef struct al_dkim_signature {
	al_dkim_verdict verdict;
	al_dkim_failure failure;
	const char *reason;           /**< in words, or NULL on pass */
	const char *domain;           /**< d= (NULL when absent) */
	const char *selector;         /**< s= */
	const char *algorithm;        /**< a= */
	const char *canonicalization; /**< c= as written, or "simple/simple" */
	const char *identity;         /**< i=, or NULL */
	const char *headers;          /**< h= as written */
	size_t field_index;           /**< its position among the message's header fields, 0 = topmost */
	bool body_hash_ok;            /**< the body hash matched (false when not computed) */
	bool has_length;              /**< l= present */
	uint64_t length;              /**< l= */
	uint64_t unsigned_body_bytes; /**< canonical body bytes past l= (not covered by the signature) */
	int64_t timestamp;            /**< t=, or -1 */
	int64_t expires;              /**< x=, or -1 */
	const char *key_type;         /**< "rsa", "ed25519", or NULL when no key was read */
	unsigned key_bits;            /**< RSA modulus size, 256 for Ed25519, 0 when unknown */
	al_rcode key_rcode;           /**< how the key lookup went (AL_RCODE_NOT_QUERIED when not made) */
	const char *key_server;       /**< who answered it, or NULL */
} al_dkim_signature;

/** Signatures verified per message; the rest are AL_DKIM_NOT_CHECKED with AL_DKIM_FAILURE_LIMIT. */
#define AL_DKIM_MAX_SIGNATURES 32

typedef struct al_dkim_verification al_dkim_verification;

/**
 * Verify every DKIM-Signature field of @p message (the bytes as received,
 * CRLF or LF line ends) at time @p now (seconds since the epoch, for x=),
 * looking keys up through @p keys (NULL: none looked up, every signature not
 * checked). AL_ELIMIT past AL_MESSAGE_MAX_INPUT bytes or past 2,097,152
 * header fields; everything about the signatures is in the result. A bare LF
 * is read as CRLF. The caller owns *@p out (al_dkim_verification_free).
 */
AL_EXPORT al_status al_dkim_verify(const char *message, size_t length, al_source *keys, int64_t now,
				   al_dkim_verification **out, al_error *err);
/** The number of DKIM-Signature fields found (verified or not). */
AL_EXPORT size_t al_dkim_verification_count(const al_dkim_verification *verification);
/** The @p index-th signature, topmost first; valid until the verification is freed. */
AL_EXPORT const al_dkim_signature *al_dkim_verification_at(const al_dkim_verification *verification,
							   size_t index);
/** Free a verification; NULL is safe. */
AL_EXPORT void al_dkim_verification_free(al_dkim_verification *verification);

/* ---- ARC (RFC 8617) ---------------------------------------------------------- */

/** The chain validation status (RFC 8617 4.4). */
typedef enum al_arc_cv {
	AL_ARC_NONE = 0,        /**< no ARC sets */
	AL_ARC_PASS,
	AL_ARC_FAIL,
	AL_ARC_NOT_CHECKED,     /**< a key was not looked up, or a lookup failed: not known */
} al_arc_cv;

/** "none", "pass", "fail", "not-checked". */
AL_EXPORT const char *al_arc_cv_name(al_arc_cv cv);

/** One ARC set, by instance. Strings are owned by the chain. */
typedef struct al_arc_set {
	unsigned instance;              /**< i= */
	const char *seal_domain;        /**< ARC-Seal d= */
	const char *seal_selector;      /**< ARC-Seal s= */
	const char *cv;                 /**< ARC-Seal cv= as written */
	al_dkim_verdict seal;           /**< the ARC-Seal signature */
	al_dkim_verdict message_signature; /**< the ARC-Message-Signature */
	const char *reason;             /**< why this set broke the chain, or NULL */
	const char *authserv_id;        /**< of its ARC-Authentication-Results */
	const char *results;            /**< its ARC-Authentication-Results value (after i=N;) */
} al_arc_set;

typedef struct al_arc_chain {
	al_arc_cv cv;
	unsigned failed_instance;       /**< the instance that broke the chain, 0 when none */
	const char *reason;             /**< why it failed or was not checked, or NULL */
	size_t set_count;
	const al_arc_set *sets;         /**< by instance, 1 first */
} al_arc_chain;

/**
 * Validate the ARC chain of @p message (RFC 8617 section 5.2) with keys
 * through @p keys (NULL: not looked up, cv not checked unless the chain is
 * structurally broken, which is fail). AL_ELIMIT as for al_dkim_verify.
 * The caller owns *@p out.
 */
AL_EXPORT al_status al_arc_validate(const char *message, size_t length, al_source *keys, int64_t now,
				    al_arc_chain **out, al_error *err);
/** Free a chain; NULL is safe. */
AL_EXPORT void al_arc_chain_free(al_arc_chain *chain);

#ifdef __cplusplus
}
#endif

#endif
