/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The public key of a DKIM key record, decoded with OpenSSL: base64 with
 * folding whitespace, then a SubjectPublicKeyInfo (what nearly everyone
 * publishes), a bare PKCS#1 RSAPublicKey (what RFC 6376 3.6.1 literally
 * names), or for k=ed25519 the bare 32-octet key of RFC 8463.
 *
 * Speed matters (a zone can hold 100,000 keys): the SubjectPublicKeyInfo
 * envelope is taken apart with OpenSSL's generic ASN.1 decoder and the RSA key
 * inside is read with d2i_PublicKey, which takes about a microsecond, instead
 * of d2i_PUBKEY, which goes through the provider decoders and takes ~90.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "record/dkim_parse.h"
#include "util/arena.h"

static bool b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
	       c == '/';
}

static bool fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Base64 with folding whitespace (RFC 6376 3.6.1 base64string). Writes the
 * octets to @p out (at least length * 3 / 4 + 3 bytes). Returns false with a
 * reason when it is not base64.
 */
static bool b64_decode(const char *text, size_t length, unsigned char *out, size_t *out_len,
		       char *clean, const char **why)
{
	size_t n = 0, pad = 0;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (fws(c))
			continue;
		if (c == '=') {
			pad++;
			clean[n++] = (char)c;
			continue;
		}
		if (!b64_char(c)) {
			*why = c == '"' ? "it holds a '\"' (quotes pasted into the record)"
			     : c == '-' || c == '_' ? "it uses the URL-safe alphabet ('-' or '_')"
						    : "it holds a character that is not base64";
			return false;
		}
		if (pad > 0) {
			*why = "'=' padding appears before the end";
			return false;
		}
		clean[n++] = (char)c;
	}
	if (pad > 2) {
		*why = "it ends with more than two '='";
		return false;
	}
	if (n % 4 != 0) {
		*why = "its length is not a multiple of four (padding missing, or the key was cut)";
		return false;
	}
	if (n == 0) {
		*out_len = 0;
		return true;
	}
	int got = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)n);
	if (got < 0) {
		*why = "it does not decode as base64";
		return false;
	}
	*out_len = (size_t)got - pad;
	return true;
}

/* An RSA key in PKCS#1 form: modulus bits, or 0 when it is not one. */
static unsigned rsa_pkcs1_bits(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (k == NULL)
		return 0;
	unsigned bits = p == der + len ? (unsigned)EVP_PKEY_get_bits(k) : 0;
	EVP_PKEY_free(k);
	return bits;
}

static bool ed25519_ok(const unsigned char *raw)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
	if (k == NULL)
		return false;
	EVP_PKEY_free(k);
	return true;
}

typedef struct spki {
	int nid;                  /* NID_rsaEncryption, NID_ED25519, or another */
	const unsigned char *key; /* the BIT STRING's octets */
	size_t key_len;
} spki;

/* SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
static bool spki_split(const unsigned char *der, size_t len, spki *out, ASN1_SEQUENCE_ANY **hold)
{
	const unsigned char *p = der;
	ASN1_SEQUENCE_ANY *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)len);
	*hold = seq;
	if (seq == NULL || p != der + len || sk_ASN1_TYPE_num(seq) != 2)
		return false;
	ASN1_TYPE *alg = sk_ASN1_TYPE_value(seq, 0), *bits = sk_ASN1_TYPE_value(seq, 1);
	if (alg->type != V_ASN1_SEQUENCE || bits->type != V_ASN1_BIT_STRING)
		return false;
	const unsigned char *q = alg->value.sequence->data;
	X509_ALGOR *a = d2i_X509_ALGOR(NULL, &q, alg->value.sequence->length);
	if (a == NULL)
		return false;
	const ASN1_OBJECT *obj = NULL;
	X509_ALGOR_get0(&obj, NULL, NULL, a);
	out->nid = OBJ_obj2nid(obj);
	X509_ALGOR_free(a);
	ASN1_BIT_STRING *bs = bits->value.bit_string;
	if ((bs->flags & 0x07) != 0) /* unused bits: a key is whole octets */
		return false;
	out->key = bs->data;
	out->key_len = (size_t)bs->length;
	return true;
}

void al_dkim_key_decode(const char *value, size_t length, al_dkim_algorithm k, bool k_known,
			al_arena *arena, al_dkim_key *key)
{
	memset(key, 0, sizeof(*key));
	char clean_stack[1024];
	unsigned char der_stack[800];
	char *clean = length < sizeof(clean_stack) ? clean_stack : al_arena_alloc(arena, length + 1);
	unsigned char *der = length * 3 / 4 + 3 < sizeof(der_stack) ? der_stack
								     : al_arena_alloc(arena, length * 3 / 4 + 3);
	if (clean == NULL || der == NULL) {
		key->status = AL_DKIM_KEY_GARBAGE;
		key->detail = "out of memory";
		return;
	}
	size_t n = 0;
	const char *why = NULL;
	if (!b64_decode(value, length, der, &n, clean, &why)) {
		key->status = AL_DKIM_KEY_BAD_BASE64;
		key->detail = why;
		return;
	}
	key->octets = n;
	if (n == 0) {
		key->status = AL_DKIM_KEY_REVOKED;
		return;
	}
	if (!k_known) {
		key->status = AL_DKIM_KEY_UNKNOWN_TYPE;
		key->detail = "k= names a key type verifiers do not know";
		return;
	}
	/* the bare Ed25519 key of RFC 8463 */
	if (n == 32) {
		key->algorithm = AL_DKIM_ALG_ED25519;
		key->form = AL_DKIM_FORM_ED25519_RAW;
		key->bits = 256;
		if (!ed25519_ok(der)) {
			key->status = AL_DKIM_KEY_GARBAGE;
			key->detail = "32 octets that OpenSSL does not take as an Ed25519 key";
		} else if (k != AL_DKIM_ALG_ED25519) {
			key->status = AL_DKIM_KEY_TYPE_MISMATCH;
			key->detail = "the key is a bare 32-octet Ed25519 key, but k= is rsa (the default); add k=ed25519";
		}
		return;
	}
	spki info;
	ASN1_SEQUENCE_ANY *hold = NULL;
	bool is_spki = spki_split(der, n, &info, &hold);
	if (is_spki && info.nid == NID_rsaEncryption) {
		key->algorithm = AL_DKIM_ALG_RSA;
		key->form = AL_DKIM_FORM_SPKI;
		key->bits = rsa_pkcs1_bits(info.key, info.key_len);
		if (key->bits == 0) {
			key->status = AL_DKIM_KEY_GARBAGE;
			key->detail = "a SubjectPublicKeyInfo for RSA whose key does not decode";
		} else if (k != AL_DKIM_ALG_RSA) {
			key->status = AL_DKIM_KEY_TYPE_MISMATCH;
			key->detail = "the key is RSA, but k=ed25519";
		}
	} else if (is_spki && info.nid == NID_ED25519) {
		key->algorithm = AL_DKIM_ALG_ED25519;
		key->bits = 256;
		key->form = AL_DKIM_FORM_SPKI;
		if (info.key_len != 32 || !ed25519_ok(info.key)) {
			key->status = AL_DKIM_KEY_GARBAGE;
			key->detail = "a SubjectPublicKeyInfo for Ed25519 whose key does not decode";
		} else if (k == AL_DKIM_ALG_ED25519) {
			key->status = AL_DKIM_KEY_WRONG_FORM;
			key->detail = "RFC 8463 wants the bare 32-octet key, not a SubjectPublicKeyInfo";
		} else {
			key->status = AL_DKIM_KEY_TYPE_MISMATCH;
			key->detail = "the key is Ed25519 (as a SubjectPublicKeyInfo), but k= is rsa (the default)";
		}
	} else if (is_spki) {
		key->status = AL_DKIM_KEY_GARBAGE;
		key->detail = info.nid != NID_undef ? "a SubjectPublicKeyInfo of an algorithm DKIM does not use"
						    : "a SubjectPublicKeyInfo of an unknown algorithm";
	} else if ((key->bits = rsa_pkcs1_bits(der, n)) > 0) {
		key->algorithm = AL_DKIM_ALG_RSA;
		key->form = AL_DKIM_FORM_RSA_PKCS1;
		if (k != AL_DKIM_ALG_RSA) {
			key->status = AL_DKIM_KEY_TYPE_MISMATCH;
			key->detail = "the key is RSA (a bare RSAPublicKey), but k=ed25519";
		}
	} else {
		key->status = AL_DKIM_KEY_GARBAGE;
		key->detail = k == AL_DKIM_ALG_ED25519
				      ? "k=ed25519 needs the bare 32-octet key (44 base64 characters)"
				      : "the octets are neither a SubjectPublicKeyInfo nor an RSAPublicKey";
	}
	sk_ASN1_TYPE_pop_free(hold, ASN1_TYPE_free);
}

/* A PEM public key ("-----BEGIN PUBLIC KEY-----", base64, "-----END ...")
 * as the DKIM key record it stands for, or NULL. */
const char *al_dkim_record_from_pem(al_arena *arena, const char *text, size_t length)
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----", end[] = "-----END PUBLIC KEY-----";
	const char *b = memmem(text, length, begin, sizeof(begin) - 1);
	if (b == NULL)
		return NULL;
	const char *body = b + sizeof(begin) - 1;
	const char *e = memmem(body, length - (size_t)(body - text), end, sizeof(end) - 1);
	if (e == NULL || e - body > 16384)
		return NULL;
	size_t n = (size_t)(e - body);
	unsigned char *der = al_arena_alloc(arena, n * 3 / 4 + 3);
	char *clean = al_arena_alloc(arena, n + 1);
	size_t der_len = 0;
	const char *why = NULL;
	if (der == NULL || clean == NULL || !b64_decode(body, n, der, &der_len, clean, &why))
		return NULL;
	spki s;
	ASN1_SEQUENCE_ANY *hold = NULL;
	const char *out = NULL;
	if (spki_split(der, der_len, &s, &hold)) {
		if (s.nid == NID_rsaEncryption) {
			/* the whole SubjectPublicKeyInfo, as openssl and nearly every signer publish it */
			size_t cl = 0; /* b64_decode kept the base64 characters, unterminated */
			for (size_t i = 0; i < n; i++)
				cl += !fws((unsigned char)body[i]);
			out = al_arena_printf(arena, "v=DKIM1; k=rsa; p=%.*s", (int)cl, clean);
		} else if (s.nid == NID_ED25519 && s.key_len == 32) {
			/* RFC 8463: the bare 32-octet key, not its SubjectPublicKeyInfo */
			unsigned char raw[48];
			int rl = EVP_EncodeBlock(raw, s.key, 32);
			if (rl > 0)
				out = al_arena_printf(arena, "v=DKIM1; k=ed25519; p=%.*s", rl, (const char *)raw);
		}
	}
	sk_ASN1_TYPE_pop_free(hold, ASN1_TYPE_free);
	return out;
}

/* ---- decoded keys remembered ------------------------------------------------ */

#define MEMO_SLOTS 512
#define MEMO_MAX_VALUE 8192 /* longer p= values are decoded each time */

typedef struct memo_slot {
	char *value; /* malloc; NULL: empty */
	size_t length;
	uint64_t hash;
	al_dkim_algorithm k;
	bool k_known;
	al_dkim_key key; /* its detail is a string constant */
} memo_slot;

struct al_dkim_keycache {
	memo_slot slots[MEMO_SLOTS];
};

al_dkim_keycache *al_dkim_keycache_new(void)
{
	return calloc(1, sizeof(al_dkim_keycache));
}

void al_dkim_keycache_free(al_dkim_keycache *memo)
{
	if (memo == NULL)
		return;
	for (size_t i = 0; i < MEMO_SLOTS; i++)
		free(memo->slots[i].value);
	free(memo);
}

static uint64_t memo_hash(const char *value, size_t length, al_dkim_algorithm k, bool k_known)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < length; i++) {
		h ^= (unsigned char)value[i];
		h *= 0x100000001b3ULL;
	}
	h ^= ((uint64_t)k << 1) | (k_known ? 1u : 0u);
	h *= 0x100000001b3ULL;
	return h ^ (h >> 29);
}

void al_dkim_key_decode_cached(al_dkim_keycache *memo, const char *value, size_t length, al_dkim_algorithm k,
			     bool k_known, al_arena *arena, al_dkim_key *key)
{
	if (memo == NULL || length > MEMO_MAX_VALUE) {
		al_dkim_key_decode(value, length, k, k_known, arena, key);
		return;
	}
	uint64_t h = memo_hash(value, length, k, k_known);
	memo_slot *s = &memo->slots[h % MEMO_SLOTS];
	if (s->value != NULL && s->hash == h && s->length == length && s->k == k && s->k_known == k_known &&
	    memcmp(s->value, value, length) == 0) {
		*key = s->key;
		return;
	}
	al_dkim_key_decode(value, length, k, k_known, arena, key);
	if (key->detail != NULL && strcmp(key->detail, "out of memory") == 0)
		return; /* not an answer about the key */
	char *copy = malloc(length + 1);
	if (copy == NULL)
		return;
	memcpy(copy, value, length);
	copy[length] = '\0';
	free(s->value);
	s->value = copy;
	s->length = length;
	s->hash = h;
	s->k = k;
	s->k_known = k_known;
	s->key = *key;
}
