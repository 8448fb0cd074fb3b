/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What DKIM verification (dkim_verify.c) and ARC validation (arc_verify.c)
 * share: the header block split into fields by the RFC 5322 field grammar,
 * the canonicalizations of RFC 6376 3.4, the body hash, the selection of the
 * signed header fields (5.4.2), key lookup and the signature check.
 */
#ifndef AL_MESSAGE_DKIM_INTERNAL_H
#define AL_MESSAGE_DKIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <authlint/dkim_verify.h>

#include "util/arena.h"
#include "util/strbuf.h"

/* The most header fields looked at; past it the message is refused (AL_ELIMIT). */
#define AL_DKIMV_MAX_FIELDS (2u << 20)
/* The most names in one h= list. */
#define AL_DKIMV_MAX_H 1024
/* The most body hashes computed per message (distinct canonicalization, hash, l=). */
#define AL_DKIMV_MAX_BODY_HASHES 16

/* One header field: [start, end) with its final CRLF; the name is [start, start+name_len). */
typedef struct al_dkimv_field {
	uint32_t start, end, colon, name_len;
} al_dkimv_field;

typedef struct al_dkimv_body_hash {
	bool relaxed, sha1;
	uint64_t limit; /* UINT64_MAX: the whole body */
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	uint64_t total; /* canonical body length */
} al_dkimv_body_hash;

typedef struct al_dkimv_msg {
	const char *text; /* CRLF line ends (a copy when the input had bare LFs) */
	size_t length;
	char *copy;       /* owned, or NULL */
	al_dkimv_field *fields;
	size_t count;
	size_t body;      /* offset of the body; == length when there is none */
	/* (name hash << 32 | (UINT32_MAX - index)) sorted, built on first use */
	uint64_t *index;
	bool index_failed;
	al_dkimv_body_hash hashes[AL_DKIMV_MAX_BODY_HASHES];
	size_t hash_count;
} al_dkimv_msg;

/* Split @p message; AL_ENOMEM, AL_ELIMIT (too big, too many fields). */
al_status al_dkimv_msg_init(al_dkimv_msg *m, const char *message, size_t length, al_error *err);
void al_dkimv_msg_free(al_dkimv_msg *m);
/* True when field @p i is named @p name (case-insensitive). */
bool al_dkimv_field_is(const al_dkimv_msg *m, size_t i, const char *name);
/* The value of field @p i: after the colon, up to its final CRLF. */
void al_dkimv_field_value(const al_dkimv_msg *m, size_t i, const char **value, size_t *length);

/* Append field bytes @p raw (without the final CRLF) canonicalized (relaxed or simple), no CRLF. */
void al_dkimv_canon_header(al_strbuf *out, const char *raw, size_t length, bool relaxed);

/*
 * The body hash (cached per message); NULL when out of memory or past
 * AL_DKIMV_MAX_BODY_HASHES.
 */
const al_dkimv_body_hash *al_dkimv_body_hash_get(al_dkimv_msg *m, bool relaxed, bool sha1, uint64_t limit);

/*
 * The canonical bytes of the signed header fields named in @p h (a colon
 * separated list) chosen bottom up, each with CRLF, then the signature field
 * @p sig_field with the value of its b= (the bytes [b_start, b_end) of the
 * field) removed, without CRLF. False when out of memory or h= is too long.
 */
bool al_dkimv_signed_headers(al_dkimv_msg *m, const char *h, size_t h_len, size_t sig_field, size_t b_start,
			     size_t b_end, bool relaxed, al_strbuf *out);

/* Strict base64 with folding whitespace; false with a reason when malformed. */
bool al_dkimv_base64(const char *text, size_t length, al_arena *arena, unsigned char **out, size_t *out_len,
		     const char **why);

/* The key of SELECTOR._domainkey.DOMAIN, looked up through a source. */
typedef struct al_dkimv_key {
	al_dkim_verdict verdict;   /* PASS: usable; else what the signature becomes */
	al_dkim_failure failure;
	const char *reason;
	const char *type;          /* "rsa", "ed25519" */
	unsigned bits;
	al_rcode rcode;
	const char *server;
	EVP_PKEY *pkey;            /* owned by the cache */
	unsigned hashes;           /* key h= (AL_DKIM_HASH_*), 0 = any */
	unsigned flags;            /* key t= */
} al_dkimv_key;

/* Look a key up (cached by name for the message's verification). */
typedef struct al_dkimv_keycache al_dkimv_keycache;
al_dkimv_keycache *al_dkimv_keycache_new(void);
void al_dkimv_keycache_free(al_dkimv_keycache *cache);
const al_dkimv_key *al_dkimv_key_get(al_dkimv_keycache *cache, al_source *keys, const char *domain,
				     const char *selector, al_arena *arena);

/* Verify @p sig over @p data with @p key for "rsa-sha256" (@p ed25519 false) or "ed25519-sha256". */
bool al_dkimv_check(EVP_PKEY *key, bool ed25519, const unsigned char *sig, size_t sig_len,
		    const char *data, size_t data_len);

/*
 * Verify the DKIM-Signature (or, @p arc true, the ARC-Message-Signature: no
 * v=, i= is the instance) at field @p field into @p s, strings in @p arena.
 * AL_ENOMEM is the only failure.
 */
al_status al_dkimv_verify_field(al_dkimv_msg *m, size_t field, bool arc, al_source *keys, int64_t now,
				al_dkimv_keycache *cache, al_arena *arena, al_dkim_signature *s);

#endif
