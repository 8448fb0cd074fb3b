/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file dkim.h
 * DKIM key records (RFC 6376 3.6.1, RFC 8301, RFC 8463): a parser with a byte
 * span on every tag, and the key decoded with OpenSSL (algorithm, size, form).
 *
 * The parser is pure: no I/O, never reads past its input, memory in proportion
 * to it. Decoding happens once, when the record is parsed.
 */
#ifndef AUTHLINT_DKIM_H
#define AUTHLINT_DKIM_H

#include <authlint/export.h>

#include <stdbool.h>
#include <stddef.h>

#include <authlint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a record's text. */
typedef struct al_dkim_span {
	size_t start;
	size_t length;
} al_dkim_span;

/** Tags of a key record. Tag names are case-sensitive. */
typedef enum al_dkim_tag_id {
	AL_DKIM_TAG_UNKNOWN = 0,
	AL_DKIM_TAG_V,
	AL_DKIM_TAG_H,
	AL_DKIM_TAG_K,
	AL_DKIM_TAG_N,
	AL_DKIM_TAG_P,
	AL_DKIM_TAG_S,
	AL_DKIM_TAG_T,
	AL_DKIM_TAG_G, /**< obsolete granularity (RFC 4871), ignored since RFC 6376 */
	AL_DKIM_TAG_COUNT_
} al_dkim_tag_id;

/** "v", "h", ..., or "?". */
AL_EXPORT const char *al_dkim_tag_name(al_dkim_tag_id id);

typedef enum al_dkim_algorithm {
	AL_DKIM_ALG_UNKNOWN = 0, /**< k= names something verifiers do not know */
	AL_DKIM_ALG_RSA,
	AL_DKIM_ALG_ED25519,
} al_dkim_algorithm;

/** "rsa", "ed25519", "unknown". */
AL_EXPORT const char *al_dkim_algorithm_name(al_dkim_algorithm alg);

/** h= hash algorithms (bits). */
enum {
	AL_DKIM_HASH_SHA1 = 1u << 0,
	AL_DKIM_HASH_SHA256 = 1u << 1,
	AL_DKIM_HASH_OTHER = 1u << 2,
};

/** s= service types (bits). */
enum {
	AL_DKIM_SERVICE_EMAIL = 1u << 0,
	AL_DKIM_SERVICE_ANY = 1u << 1, /**< "*" */
	AL_DKIM_SERVICE_OTHER = 1u << 2,
};

/** t= flags (bits). */
enum {
	AL_DKIM_FLAG_Y = 1u << 0, /**< testing */
	AL_DKIM_FLAG_S = 1u << 1, /**< no subdomains in i= */
	AL_DKIM_FLAG_OTHER = 1u << 2,
};

typedef enum al_dkim_key_status {
	AL_DKIM_KEY_OK = 0,
	AL_DKIM_KEY_MISSING,        /**< no p= tag */
	AL_DKIM_KEY_REVOKED,        /**< p= is empty: the key was revoked */
	AL_DKIM_KEY_BAD_BASE64,     /**< p= is not base64 */
	AL_DKIM_KEY_GARBAGE,        /**< the octets are not a public key */
	AL_DKIM_KEY_TYPE_MISMATCH,  /**< a key of another algorithm than k= says */
	AL_DKIM_KEY_WRONG_FORM,     /**< k=ed25519 with a SubjectPublicKeyInfo instead of the bare key */
	AL_DKIM_KEY_UNKNOWN_TYPE,   /**< k= names an algorithm verifiers do not know */
} al_dkim_key_status;

typedef enum al_dkim_key_form {
	AL_DKIM_FORM_NONE = 0,
	AL_DKIM_FORM_SPKI,          /**< SubjectPublicKeyInfo (MIGf... / MIIB...), what most publish */
	AL_DKIM_FORM_RSA_PKCS1,     /**< a bare PKCS#1 RSAPublicKey */
	AL_DKIM_FORM_ED25519_RAW,   /**< the bare 32-octet key RFC 8463 asks for */
} al_dkim_key_form;

/** The key of p=, decoded. */
typedef struct al_dkim_key {
	al_dkim_key_status status;
	al_dkim_algorithm algorithm; /**< what the octets are (when they decode to a key) */
	al_dkim_key_form form;
	unsigned bits;               /**< RSA modulus size; 256 for Ed25519 */
	size_t octets;               /**< decoded length */
	const char *detail;          /**< why it is not usable, or NULL */
} al_dkim_key;

typedef struct al_dkim_tag {
	al_dkim_tag_id id;
	al_dkim_span spec;
	al_dkim_span name;
	al_dkim_span value;   /**< surrounding whitespace excluded */
	bool has_equals;
	bool duplicate;
} al_dkim_tag;

typedef enum al_dkim_problem_kind {
	AL_DKIM_PROBLEM_SYNTAX = 1,  /**< not tag=value, a bad name or value byte, an empty spec */
	AL_DKIM_PROBLEM_DUPLICATE,   /**< a tag twice: the whole record is invalid */
	AL_DKIM_PROBLEM_VERSION,     /**< v= not first or not exactly DKIM1: the record is discarded */
	AL_DKIM_PROBLEM_UNKNOWN_TAG, /**< ignored by verifiers (g= is obsolete) */
	AL_DKIM_PROBLEM_VALUE,       /**< a value outside its grammar */
} al_dkim_problem_kind;

typedef struct al_dkim_problem {
	al_dkim_problem_kind kind;
	al_dkim_tag_id tag;
	al_dkim_span span;
	const char *detail;
	const char *hint; /**< or NULL */
} al_dkim_problem;

/** A parsed key record. Every pointer lives as long as the record. */
typedef struct al_dkim_record {
	const char *text;          /**< a copy of the record text (NUL-terminated) */
	size_t length;
	const al_dkim_tag *tags;
	size_t tag_count;
	const al_dkim_tag *tag[AL_DKIM_TAG_COUNT_]; /**< first occurrence of each known tag */
	bool valid;                /**< verifiers can use the record: tag-list syntax right, no
				        duplicate tag, v= right when present, p= present */
	al_dkim_algorithm k;       /**< k=, RSA when absent */
	unsigned hashes;           /**< AL_DKIM_HASH_*; 0 when h= is absent (any) */
	unsigned services;         /**< AL_DKIM_SERVICE_*; 0 when s= is absent ("*") */
	unsigned flags;            /**< AL_DKIM_FLAG_* */
	al_dkim_key key;
	const al_dkim_problem *problems;
	size_t problem_count;
} al_dkim_record;

/** Parse a key record and decode its key. AL_ENOMEM is the only failure. */
AL_EXPORT al_status al_dkim_parse(const char *text, size_t length, al_dkim_record **out);
AL_EXPORT void al_dkim_record_free(al_dkim_record *record);

/**
 * True when a verifier can check signatures with the record: it is valid, its
 * key decodes to the algorithm k= names, RSA keys have at least 1024 bits
 * (RFC 8301), h= allows sha256, and s= allows email.
 */
AL_EXPORT bool al_dkim_key_usable(const al_dkim_record *record);

#ifdef __cplusplus
}
#endif
#endif
