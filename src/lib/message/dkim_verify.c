/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DKIM verification (RFC 6376 section 6, RFC 8463, RFC 8301): every
 * DKIM-Signature field, topmost first, each with a verdict and the reason in
 * words. Keys come through an al_source; with none, nothing is "pass".
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <authlint/dkim.h>
#include <authlint/dkim_verify.h>

#include "message/dkim_internal.h"
#include "record/tagvalue.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *al_dkim_verdict_name(al_dkim_verdict verdict)
{
	switch (verdict) {
	case AL_DKIM_NOT_CHECKED:
		return "not-checked";
	case AL_DKIM_PASS:
		return "pass";
	case AL_DKIM_FAIL:
		return "fail";
	case AL_DKIM_TEMPERROR:
		return "temperror";
	case AL_DKIM_PERMERROR:
		return "permerror";
	case AL_DKIM_REFUSED:
		return "refused";
	}
	return "?";
}

/* ---- signatures ----------------------------------------------------------- */

struct al_dkim_verification {
	al_arena arena;
	al_dkim_signature *sigs;
	size_t count;
};

size_t al_dkim_verification_count(const al_dkim_verification *v)
{
	return v ? v->count : 0;
}

const al_dkim_signature *al_dkim_verification_at(const al_dkim_verification *v, size_t index)
{
	return v && index < v->count ? &v->sigs[index] : NULL;
}

void al_dkim_verification_free(al_dkim_verification *v)
{
	if (v == NULL)
		return;
	al_arena_clear(&v->arena);
	free(v->sigs);
	free(v);
}

static void set(al_dkim_signature *s, al_dkim_verdict v, al_dkim_failure f, const char *reason)
{
	s->verdict = v;
	s->failure = f;
	s->reason = reason;
}

/* Digits only, no overflow past 2^63. */
static bool number(const char *t, size_t n, uint64_t max, uint64_t *out)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return false;
		uint64_t d = (uint64_t)(t[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* The value of tag @p name with whitespace (FWS) removed, in the arena; NULL when absent. */
static char *tag_value(const al_taglist *tl, const char *text, const char *name, al_arena *arena, size_t *len)
{
	const al_tv_tag *t = al_taglist_find(tl, text, name, true);
	if (t == NULL)
		return NULL;
	char *o = al_arena_alloc(arena, t->value_length + 1);
	if (o == NULL)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < t->value_length; i++) {
		char c = text[t->value_start + i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			o[n++] = c;
	}
	o[n] = '\0';
	if (len)
		*len = n;
	return o;
}

static bool in_domain(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);
	if (h < d || strcasecmp(host + h - d, domain) != 0)
		return false;
	return h == d || host[h - d - 1] == '.';
}

al_status al_dkimv_verify_field(al_dkimv_msg *m, size_t field, bool arc, al_source *keys, int64_t now,
				al_dkimv_keycache *cache, al_arena *arena, al_dkim_signature *s)
{
	memset(s, 0, sizeof(*s));
	s->field_index = field;
	s->timestamp = -1;
	s->expires = -1;
	s->key_rcode = AL_RCODE_NOT_QUERIED;
	const char *text;
	size_t len;
	al_dkimv_field_value(m, field, &text, &len);
	al_taglist tl;
	if (al_tagvalue_parse(text, len, arena, &tl) != AL_OK)
		return AL_ENOMEM;
	s->domain = tag_value(&tl, text, "d", arena, NULL);
	s->selector = tag_value(&tl, text, "s", arena, NULL);
	s->algorithm = tag_value(&tl, text, "a", arena, NULL);
	s->identity = arc ? NULL : tag_value(&tl, text, "i", arena, NULL);
	const al_tv_tag *ht = al_taglist_find(&tl, text, "h", true);
	s->headers = ht ? al_arena_strndup(arena, text + ht->value_start, ht->value_length) : NULL;
	char *c = tag_value(&tl, text, "c", arena, NULL);
	s->canonicalization = c ? c : "simple/simple";
	if (tl.problem_count > 0) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
		    al_arena_printf(arena, "the signature's tag list is malformed near offset %zu",
				    tl.problems[0].start));
		return AL_OK;
	}
	for (size_t i = 0; i < tl.count; i++)
		for (size_t j = i + 1; j < tl.count; j++)
			if (tl.tags[i].name_length == tl.tags[j].name_length &&
			    memcmp(text + tl.tags[i].name_start, text + tl.tags[j].name_start,
				   tl.tags[i].name_length) == 0) {
				set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
				    al_arena_printf(arena, "tag %.*s= appears twice", (int)tl.tags[i].name_length,
						    text + tl.tags[i].name_start));
				return AL_OK;
			}
	if (!arc) {
		char *v = tag_value(&tl, text, "v", arena, NULL);
		if (v == NULL || strcmp(v, "1") != 0) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
			    v ? "v= is not 1" : "v= is missing");
			return AL_OK;
		}
	}
	static const char *required[] = {"a", "b", "bh", "d", "h", "s"};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (al_taglist_find(&tl, text, required[i], true) == NULL) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
			    al_arena_printf(arena, "required tag %s= is missing", required[i]));
			return AL_OK;
		}
	/* algorithm */
	bool ed25519 = false;
	if (strcmp(s->algorithm, "rsa-sha1") == 0) {
		set(s, AL_DKIM_REFUSED, AL_DKIM_FAILURE_SHA1,
		    "a=rsa-sha1: SHA-1 signatures are refused (RFC 8301 3.1)");
		return AL_OK;
	} else if (strcmp(s->algorithm, "ed25519-sha256") == 0) {
		ed25519 = true;
	} else if (strcmp(s->algorithm, "rsa-sha256") != 0) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_ALGORITHM,
		    al_arena_printf(arena, "a=%s is not an algorithm RFC 6376 or RFC 8463 defines", s->algorithm));
		return AL_OK;
	}
	/* canonicalization */
	bool hrelaxed, brelaxed;
	{
		const char *slash = strchr(s->canonicalization, '/');
		size_t hl = slash ? (size_t)(slash - s->canonicalization) : strlen(s->canonicalization);
		const char *b = slash ? slash + 1 : "simple";
		bool okh = (hl == 6 && strncmp(s->canonicalization, "simple", 6) == 0) ||
			   (hl == 7 && strncmp(s->canonicalization, "relaxed", 7) == 0);
		bool okb = strcmp(b, "simple") == 0 || strcmp(b, "relaxed") == 0;
		if (!okh || !okb) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
			    al_arena_printf(arena, "c=%s is not a canonicalization", s->canonicalization));
			return AL_OK;
		}
		hrelaxed = hl == 7;
		brelaxed = strcmp(b, "relaxed") == 0;
	}
	/* h= must sign From (RFC 6376 6.1.1); an ARC-Message-Signature is held to
	 * RFC 8617 4.1.2 instead, which requires no header field but forbids
	 * ARC-Seal (the ValiMail ARC suite: an empty h= verifies, ARC-Seal fails) */
	if (arc) {
		const char *h = s->headers;
		while (h && *h) {
			while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n' || *h == ':')
				h++;
			const char *e = h;
			while (*e && *e != ':' && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n')
				e++;
			if (e - h == 8 && strncasecmp(h, "arc-seal", 8) == 0) {
				set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
				    "h= includes ARC-Seal, which an ARC-Message-Signature must not sign (RFC 8617 4.1.2)");
				return AL_OK;
			}
			h = e;
		}
	} else {
		bool from = false;
		const char *h = s->headers;
		while (h && *h && !from) {
			while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n' || *h == ':')
				h++;
			const char *e = h;
			while (*e && *e != ':' && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n')
				e++;
			if (e - h == 4 && strncasecmp(h, "from", 4) == 0)
				from = true;
			h = e;
		}
		if (!from) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "h= does not include From");
			return AL_OK;
		}
	}
	/* i= within d= */
	if (s->identity) {
		const char *at = strrchr(s->identity, '@');
		if (at == NULL || !in_domain(at + 1, s->domain)) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
			    "i= is not in the domain of d= or one below it");
			return AL_OK;
		}
	}
	/* l=, t=, x= */
	size_t nl;
	char *l = tag_value(&tl, text, "l", arena, &nl);
	if (l) {
		if (!number(l, nl, INT64_MAX, &s->length)) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "l= is not a number");
			return AL_OK;
		}
		s->has_length = true;
	}
	uint64_t tv;
	char *t = tag_value(&tl, text, "t", arena, &nl);
	if (t) {
		if (!number(t, nl, INT64_MAX, &tv)) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "t= is not a number");
			return AL_OK;
		}
		s->timestamp = (int64_t)tv;
	}
	char *x = tag_value(&tl, text, "x", arena, &nl);
	if (x) {
		if (!number(x, nl, INT64_MAX, &tv)) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "x= is not a number");
			return AL_OK;
		}
		s->expires = (int64_t)tv;
		if (s->timestamp >= 0 && s->expires < s->timestamp) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "x= is before t=");
			return AL_OK;
		}
	}
	char *q = tag_value(&tl, text, "q", arena, NULL);
	if (q && strncmp(q, "dns/txt", 7) != 0) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
		    al_arena_printf(arena, "q=%s: only dns/txt is defined", q));
		return AL_OK;
	}
	/* b= and bh= */
	size_t bh_len, b_len;
	char *bh = tag_value(&tl, text, "bh", arena, &bh_len);
	char *b = tag_value(&tl, text, "b", arena, &b_len);
	unsigned char *bh_raw = NULL, *b_raw = NULL;
	size_t bh_raw_len = 0, b_raw_len = 0;
	const char *why = NULL;
	if (bh == NULL || b == NULL)
		return AL_ENOMEM;
	if (!al_dkimv_base64(bh, bh_len, arena, &bh_raw, &bh_raw_len, &why)) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, al_arena_printf(arena, "bh= is not base64: %s", why));
		return AL_OK;
	}
	if (!al_dkimv_base64(b, b_len, arena, &b_raw, &b_raw_len, &why) || b_raw_len == 0) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
		    al_arena_printf(arena, "b= is not base64: %s", why ? why : "it is empty"));
		return AL_OK;
	}
	if (bh_raw_len != 32) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
		    al_arena_printf(arena, "bh= holds %zu octets, not the 32 of a SHA-256 hash", bh_raw_len));
		return AL_OK;
	}
	/* expiry (RFC 6376 3.5 x=) */
	if (s->expires >= 0 && s->expires < now) {
		set(s, AL_DKIM_FAIL, AL_DKIM_FAILURE_EXPIRED,
		    al_arena_printf(arena, "the signature expired (x=%lld, %lld seconds before the time of the check)",
				    (long long)s->expires, (long long)(now - s->expires)));
		return AL_OK;
	}
	/* the body hash, which needs no key */
	const al_dkimv_body_hash *hash =
		al_dkimv_body_hash_get(m, brelaxed, false, s->has_length ? s->length : UINT64_MAX);
	if (hash == NULL)
		return AL_ENOMEM;
	if (s->has_length && hash->total < s->length) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
		    al_arena_printf(arena, "l=%llu is longer than the body (%llu canonical bytes)",
				    (unsigned long long)s->length, (unsigned long long)hash->total));
		return AL_OK;
	}
	if (s->has_length)
		s->unsigned_body_bytes = hash->total - s->length;
	s->body_hash_ok = hash->digest_len == bh_raw_len && memcmp(hash->digest, bh_raw, bh_raw_len) == 0;
	/* the key */
	const al_dkimv_key *key = al_dkimv_key_get(cache, keys, s->domain, s->selector, arena);
	s->key_rcode = key->rcode;
	s->key_server = key->server;
	s->key_type = key->type;
	s->key_bits = key->bits;
	if (key->verdict != AL_DKIM_PASS) {
		const char *r = key->reason;
		if (!s->body_hash_ok && key->verdict == AL_DKIM_NOT_CHECKED)
			r = al_arena_printf(arena, "%s; the body hash does not match", r);
		set(s, key->verdict, key->failure, r);
		return AL_OK;
	}
	if ((strcmp(key->type, "ed25519") == 0) != ed25519) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_KEY_INVALID,
		    al_arena_printf(arena, "the key is k=%s but the signature a=%s", key->type, s->algorithm));
		return AL_OK;
	}
	if (key->hashes != 0 && !(key->hashes & AL_DKIM_HASH_SHA256)) {
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_KEY_INVALID, "the key's h= does not allow sha256");
		return AL_OK;
	}
	if (!ed25519 && key->bits < 1024) {
		set(s, AL_DKIM_REFUSED, AL_DKIM_FAILURE_KEY_TOO_SMALL,
		    al_arena_printf(arena, "the RSA key has %u bits: under 1024 bits keys are refused (RFC 8301 3.2)",
				    key->bits));
		return AL_OK;
	}
	if ((key->flags & AL_DKIM_FLAG_S) && s->identity) {
		const char *at = strrchr(s->identity, '@');
		if (strcasecmp(at + 1, s->domain) != 0) {
			set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX,
			    "the key has t=s but i= is in a subdomain of d=");
			return AL_OK;
		}
	}
	/* the header hash: b= emptied in the signature field itself */
	const al_tv_tag *bt = al_taglist_find(&tl, text, "b", true);
	size_t eq = bt->name_start + bt->name_length;
	while (eq < len && text[eq] != '=')
		eq++;
	size_t bend = eq + 1;
	while (bend < len && text[bend] != ';')
		bend++;
	size_t base = (size_t)(text - m->text);
	al_strbuf data = AL_STRBUF_INIT;
	if (!al_dkimv_signed_headers(m, s->headers, strlen(s->headers), field, base + eq + 1, base + bend,
				     hrelaxed, &data)) {
		bool nomem = data.failed;
		al_strbuf_free(&data);
		if (nomem)
			return AL_ENOMEM;
		set(s, AL_DKIM_PERMERROR, AL_DKIM_FAILURE_SYNTAX, "h= names too many header fields");
		return AL_OK;
	}
	bool sig_ok = al_dkimv_check(key->pkey, ed25519, b_raw, b_raw_len, data.data ? data.data : "", data.length);
	al_strbuf_free(&data);
	if ((!s->body_hash_ok || !sig_ok) && arc && c == NULL) {
		/* An AMS without c=: RFC 8617 4.1.2 keeps DKIM's default, simple/simple,
		 * but dkimpy, the reference ARC implementation, signs relaxed/relaxed
		 * then (the ValiMail ARC suite's ams_fields_c_na expects a pass). The
		 * signer signed one of the two: accept either, and say which. */
		const al_dkimv_body_hash *rh =
			al_dkimv_body_hash_get(m, true, false, s->has_length ? s->length : UINT64_MAX);
		if (rh == NULL)
			return AL_ENOMEM;
		bool rbody = rh->digest_len == bh_raw_len && memcmp(rh->digest, bh_raw, bh_raw_len) == 0 &&
			     !(s->has_length && rh->total < s->length);
		bool rsig = false;
		al_strbuf rdata = AL_STRBUF_INIT;
		if (rbody && al_dkimv_signed_headers(m, s->headers, strlen(s->headers), field, base + eq + 1,
						     base + bend, true, &rdata))
			rsig = al_dkimv_check(key->pkey, ed25519, b_raw, b_raw_len, rdata.data ? rdata.data : "",
					      rdata.length);
		bool nomem = rdata.failed;
		al_strbuf_free(&rdata);
		if (nomem)
			return AL_ENOMEM;
		if (rbody && rsig) {
			s->body_hash_ok = sig_ok = true;
			s->canonicalization = "relaxed/relaxed (no c=: not the default simple/simple)";
		}
	}
	if (!s->body_hash_ok)
		set(s, AL_DKIM_FAIL, AL_DKIM_FAILURE_BODY_HASH,
		    sig_ok ? "the body hash does not match, though the signed header fields verify: the body was "
			     "changed after signing (a mailing-list footer, a forwarder's rewrite)"
			   : "the body hash does not match, and neither does the signature over the header fields");
	else if (!sig_ok)
		set(s, AL_DKIM_FAIL, AL_DKIM_FAILURE_SIGNATURE,
		    "the signature does not verify over the signed header fields (a signed field was changed, "
		    "or another key signed)");
	else
		set(s, AL_DKIM_PASS, AL_DKIM_FAILURE_NONE, NULL);
	return AL_OK;
}

al_status al_dkim_verify(const char *message, size_t length, al_source *keys, int64_t now,
			 al_dkim_verification **out, al_error *err)
{
	*out = NULL;
	if (message == NULL && length > 0)
		return al_error_set(err, AL_EINVAL, "no message");
	al_dkimv_msg m;
	al_status st = al_dkimv_msg_init(&m, message ? message : "", length, err);
	if (st != AL_OK)
		return st;
	al_dkim_verification *v = calloc(1, sizeof(*v));
	al_dkimv_keycache *cache = al_dkimv_keycache_new();
	if (v == NULL || cache == NULL)
		goto nomem;
	al_arena_init(&v->arena);
	size_t n = 0;
	for (size_t i = 0; i < m.count; i++)
		if (al_dkimv_field_is(&m, i, "DKIM-Signature"))
			n++;
	if (n > 0 && (v->sigs = calloc(n, sizeof(*v->sigs))) == NULL)
		goto nomem;
	for (size_t i = 0; i < m.count; i++) {
		if (!al_dkimv_field_is(&m, i, "DKIM-Signature"))
			continue;
		al_dkim_signature *s = &v->sigs[v->count];
		if (v->count >= AL_DKIM_MAX_SIGNATURES) {
			memset(s, 0, sizeof(*s));
			s->field_index = i;
			s->timestamp = s->expires = -1;
			s->key_rcode = AL_RCODE_NOT_QUERIED;
			s->canonicalization = "simple/simple";
			set(s, AL_DKIM_NOT_CHECKED, AL_DKIM_FAILURE_LIMIT,
			    "not verified: past the first " STR(AL_DKIM_MAX_SIGNATURES) " signatures of the message");
		} else if (al_dkimv_verify_field(&m, i, false, keys, now, cache, &v->arena, s) != AL_OK) {
			goto nomem;
		}
		v->count++;
	}
	al_dkimv_keycache_free(cache);
	al_dkimv_msg_free(&m);
	*out = v;
	return AL_OK;
nomem:
	al_dkimv_keycache_free(cache);
	al_dkimv_msg_free(&m);
	al_dkim_verification_free(v);
	return al_error_set(err, AL_ENOMEM, "out of memory");
}
