/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM keys for verification: looked up once per name through an al_source
 * (RFC 6376 3.6.2), decoded to an OpenSSL key, and the signature check itself
 * (rsa-sha256; ed25519-sha256 over the SHA-256 hash, RFC 8463 3).
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <authlint/dkim.h>
#include <authlint/dkim_verify.h>

#include "dns/txt.h"
#include "message/dkim_internal.h"

#define KEYCACHE_MAX 256

typedef struct cached_key {
	char *name;
	al_dkimv_key key;
} cached_key;

struct al_dkimv_keycache {
	cached_key items[KEYCACHE_MAX];
	size_t count;
};

al_dkimv_keycache *al_dkimv_keycache_new(void)
{
	return calloc(1, sizeof(al_dkimv_keycache));
}

void al_dkimv_keycache_free(al_dkimv_keycache *cache)
{
	if (cache == NULL)
		return;
	for (size_t i = 0; i < cache->count; i++) {
		free(cache->items[i].name);
		EVP_PKEY_free(cache->items[i].key.pkey);
	}
	free(cache);
}

/* The TXT RDATA's whole character-strings joined (dns/txt.h: a string cut
 * short ends the text, as everywhere else). */
static char *txt_join(const al_rr *rr, al_arena *arena, size_t *len)
{
	size_t total = 0;
	al_txt_measure(rr->rdata, rr->rdlength, NULL, &total, NULL);
	char *out = al_arena_alloc(arena, total + 1);
	if (out == NULL)
		return NULL;
	*len = al_txt_copy(rr->rdata, rr->rdlength, out, total, NULL);
	out[*len] = '\0';
	return out;
}

static EVP_PKEY *make_pkey(const unsigned char *der, size_t len, al_dkim_algorithm alg)
{
	if (alg == AL_DKIM_ALG_ED25519) {
		if (len == 32)
			return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
		return NULL;
	}
	const unsigned char *p = der;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)len);
	if (k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA)
		return k;
	EVP_PKEY_free(k);
	p = der;
	return d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
}

static void key_from_record(al_dkimv_key *k, const al_dkim_record *rec, al_arena *arena)
{
	if (!rec->valid) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_KEY_INVALID;
		const char *d = "the key record is not valid";
		for (size_t i = 0; i < rec->problem_count; i++)
			if (rec->problems[i].kind != AL_DKIM_PROBLEM_UNKNOWN_TAG) {
				d = al_arena_printf(arena, "the key record is not valid: %s (tag %s)",
						    rec->problems[i].detail, al_dkim_tag_name(rec->problems[i].tag));
				break;
			}
		k->reason = d;
		return;
	}
	if (rec->key.status == AL_DKIM_KEY_REVOKED) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_KEY_REVOKED;
		k->reason = "the key was revoked (p= is empty)";
		return;
	}
	k->type = rec->key.algorithm == AL_DKIM_ALG_ED25519 ? "ed25519" : "rsa";
	k->bits = rec->key.bits;
	k->hashes = rec->hashes;
	k->flags = rec->flags;
	if (rec->key.status != AL_DKIM_KEY_OK) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_KEY_INVALID;
		k->reason = al_arena_printf(arena, "the key does not decode: %s",
					    rec->key.detail ? rec->key.detail : "not a public key");
		if (rec->key.status == AL_DKIM_KEY_UNKNOWN_TYPE)
			k->type = NULL;
		return;
	}
	if (rec->services != 0 && !(rec->services & (AL_DKIM_SERVICE_EMAIL | AL_DKIM_SERVICE_ANY))) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_KEY_INVALID;
		k->reason = "the key's s= does not allow email";
		return;
	}
	const al_dkim_tag *p = rec->tag[AL_DKIM_TAG_P];
	unsigned char *der = NULL;
	size_t der_len = 0;
	const char *why = NULL;
	if (p == NULL || !al_dkimv_base64(rec->text + p->value.start, p->value.length, arena, &der, &der_len, &why) ||
	    (k->pkey = make_pkey(der, der_len, rec->key.algorithm)) == NULL) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_KEY_INVALID;
		k->reason = al_arena_printf(arena, "the key does not decode%s%s", why ? ": p= " : "", why ? why : "");
		return;
	}
	k->verdict = AL_DKIM_PASS;
}

/* d= and s= (RFC 6376 3.5): dot-separated labels of letters, digits and
 * hyphens (and '_', which selectors carry in the wild; bytes over 0x7f for
 * U-labels); nothing empty. */
static bool is_key_name_part(const char *s)
{
	if (s == NULL || *s == '\0' || *s == '.')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
			return false;
		if (!(isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p >= 0x80))
			return false;
	}
	return true;
}

const al_dkimv_key *al_dkimv_key_get(al_dkimv_keycache *cache, al_source *keys, const char *domain,
				     const char *selector, al_arena *arena)
{
	char name[AL_NAME_MAX];
	al_error nerr = {0};
	char *raw = al_arena_printf(arena, "%s._domainkey.%s", selector, domain);
	static al_dkimv_key bad = {.verdict = AL_DKIM_PERMERROR,
				   .failure = AL_DKIM_FAILURE_SYNTAX,
				   .reason = "s= and d= do not make a domain name",
				   .rcode = AL_RCODE_NOT_QUERIED};
	static al_dkimv_key nomem = {.verdict = AL_DKIM_TEMPERROR,
				     .failure = AL_DKIM_FAILURE_KEY_LOOKUP,
				     .reason = "out of memory",
				     .rcode = AL_RCODE_NOT_QUERIED};
	if (raw == NULL)
		return &nomem;
	if (!is_key_name_part(domain) || !is_key_name_part(selector) ||
	    al_name_normalize(raw, strlen(raw), name, &nerr) != AL_OK)
		return &bad;
	for (size_t i = 0; i < cache->count; i++)
		if (strcmp(cache->items[i].name, name) == 0)
			return &cache->items[i].key;
	static al_dkimv_key offline = {.verdict = AL_DKIM_NOT_CHECKED,
				       .failure = AL_DKIM_FAILURE_NOT_QUERIED,
				       .reason = "the key was not looked up (offline)",
				       .rcode = AL_RCODE_NOT_QUERIED};
	if (keys == NULL)
		return &offline;
	if (cache->count == KEYCACHE_MAX)
		return &nomem;
	cached_key *c = &cache->items[cache->count];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (c->name == NULL)
		return &nomem;
	cache->count++;
	al_dkimv_key *k = &c->key;
	const al_answer *a = NULL;
	if (al_source_lookup(keys, name, AL_TYPE_TXT, &a) != AL_OK || a == NULL) {
		k->verdict = AL_DKIM_TEMPERROR;
		k->failure = AL_DKIM_FAILURE_KEY_LOOKUP;
		k->rcode = AL_RCODE_ERROR;
		k->reason = al_arena_printf(arena, "the key lookup of %s could not be made", name);
		return k;
	}
	k->rcode = a->rcode;
	k->server = a->server ? al_arena_strdup(arena, a->server) : NULL;
	const char *srv = a->server ? a->server : "?";
	if (a->rcode == AL_RCODE_NOT_QUERIED || a->rcode == AL_RCODE_PENDING) {
		k->verdict = AL_DKIM_NOT_CHECKED;
		k->failure = AL_DKIM_FAILURE_NOT_QUERIED;
		k->reason = al_arena_printf(arena, "the key %s was not looked up%s%s%s", name,
					    a->detail ? " (" : "", a->detail ? a->detail : "", a->detail ? ")" : "");
	} else if (al_rcode_failed(a->rcode)) {
		k->verdict = AL_DKIM_TEMPERROR;
		k->failure = AL_DKIM_FAILURE_KEY_LOOKUP;
		k->reason = al_arena_printf(arena, "the key lookup of %s failed: %s from %s%s%s%s", name,
					    al_rcode_name(a->rcode), srv, a->detail ? " (" : "",
					    a->detail ? a->detail : "", a->detail ? ")" : "");
	} else if (a->rcode == AL_RCODE_NXDOMAIN || a->count == 0) {
		k->verdict = AL_DKIM_PERMERROR;
		k->failure = AL_DKIM_FAILURE_NO_KEY;
		k->reason = al_arena_printf(arena, "no key: %s %s (answered by %s)", name,
					    a->rcode == AL_RCODE_NXDOMAIN ? "does not exist" : "has no TXT record", srv);
	} else {
		/* the first record that is a valid key record; else the first one's problems */
		al_dkim_record *first = NULL;
		bool done = false;
		for (size_t i = 0; i < a->count && i < 16 && !done; i++) {
			size_t len = 0;
			char *txt = txt_join(&a->rrs[i], arena, &len);
			al_dkim_record *rec = NULL;
			if (txt == NULL || al_dkim_parse(txt, len, &rec) != AL_OK)
				break;
			if (rec->valid) {
				key_from_record(k, rec, arena);
				done = true;
				al_dkim_record_free(rec);
			} else if (first == NULL) {
				first = rec;
			} else {
				al_dkim_record_free(rec);
			}
		}
		if (!done && first != NULL)
			key_from_record(k, first, arena);
		else if (!done) {
			k->verdict = AL_DKIM_TEMPERROR;
			k->failure = AL_DKIM_FAILURE_KEY_LOOKUP;
			k->reason = "out of memory reading the key record";
		}
		al_dkim_record_free(first);
		if (k->reason == NULL && k->verdict != AL_DKIM_PASS)
			k->reason = "the key record is not valid";
		if (k->verdict != AL_DKIM_PASS && k->reason != NULL)
			k->reason = al_arena_printf(arena, "%s (%s from %s)", k->reason, name, srv);
	}
	al_source_release(keys, a);
	return k;
}

bool al_dkimv_check(EVP_PKEY *key, bool ed25519, const unsigned char *sig, size_t sig_len, const char *data,
		    size_t data_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return false;
	bool ok;
	if (ed25519) {
		unsigned char hash[32];
		unsigned hl = 0;
		ok = EVP_Digest(data, data_len, hash, &hl, EVP_sha256(), NULL) == 1 &&
		     EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
		     EVP_DigestVerify(ctx, sig, sig_len, hash, hl) == 1;
	} else {
		ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		     EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)data, data_len) == 1;
	}
	EVP_MD_CTX_free(ctx);
	return ok;
}
