/* SPDX-License-Identifier: GPL-3.0-or-later */
/* al_dkim_verify: RFC 8463's own example, messages signed by tests/dkim_sign.py
 * (tests/data/dkim/generate.py) with keys served from a zone, and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <authlint/dkim_verify.h>
#include <authlint/source.h>

#include "message/dkim_internal.h"

#define T_NOW 1796083200 /* the signer's t= */

static char *slurp(const char *name, size_t *len)
{
	const char *root = getenv("AUTHLINT_SOURCE_ROOT");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/data/dkim/%s", root ? root : ".", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---- a source that fails every lookup under servfail.example ---------- */

static al_answer failed_answer = {.rcode = AL_RCODE_SERVFAIL, .qtype = AL_TYPE_TXT, .server = "192.0.2.53:53",
				  .detail = "the server failed"};

static al_status fail_lookup(void *impl, const char *name, uint16_t type, const al_answer **out)
{
	(void)impl;
	(void)type;
	failed_answer.qname = failed_answer.name = name;
	*out = &failed_answer;
	return AL_OK;
}
static void fail_release(void *impl, const al_answer *a)
{
	(void)impl;
	(void)a;
}
static bool fail_covers(const void *impl, const char *name)
{
	(void)impl;
	return al_name_is_subdomain(name, "servfail.example");
}
static const char *fail_describe(const void *impl)
{
	(void)impl;
	return "failing";
}
static void fail_destroy(void *impl)
{
	(void)impl;
}
static const al_source_ops fail_ops = {"fixture", fail_lookup, fail_release, fail_covers, fail_describe,
				       fail_destroy};

typedef struct env {
	al_zone *zone;
	al_source *zs, *fs, *keys;
} env;

static int setup(void **state)
{
	env *e = calloc(1, sizeof(*e));
	al_error err = {0};
	assert_int_equal(al_zone_new(&e->zone, NULL), AL_OK);
	size_t n;
	char *z = slurp("keys.zone", &n);
	assert_int_equal(al_zone_load_text(e->zone, "keys.zone", z, n, &err), AL_OK);
	free(z);
	z = slurp("rfc8463.zone", &n);
	assert_int_equal(al_zone_load_text(e->zone, "rfc8463.zone", z, n, &err), AL_OK);
	free(z);
	assert_int_equal(al_zone_problem_count(e->zone), 0);
	assert_int_equal(al_source_new_zone(&e->zs, e->zone), AL_OK);
	assert_int_equal(al_source_new(&e->fs, &fail_ops, NULL), AL_OK);
	assert_int_equal(al_source_new_layered(&e->keys, e->fs, e->zs), AL_OK);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	al_source_free(e->keys);
	al_source_free(e->fs);
	al_source_free(e->zs);
	al_zone_free(e->zone);
	free(e);
	return 0;
}

static al_dkim_verification *verify_text(const char *msg, size_t len, al_source *keys, int64_t now)
{
	al_dkim_verification *v = NULL;
	al_error err = {0};
	assert_int_equal(al_dkim_verify(msg, len, keys, now, &v, &err), AL_OK);
	assert_non_null(v);
	return v;
}

static al_dkim_verification *verify_file(void **state, const char *name, int64_t now)
{
	size_t n;
	char *msg = slurp(name, &n);
	al_dkim_verification *v = verify_text(msg, n, ((env *)*state)->keys, now);
	free(msg);
	return v;
}

static const al_dkim_signature *only(const al_dkim_verification *v)
{
	assert_int_equal(al_dkim_verification_count(v), 1);
	return al_dkim_verification_at(v, 0);
}

static void rfc8463_both_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "rfc8463.eml", 1528637909);
	assert_int_equal(al_dkim_verification_count(v), 2);
	const al_dkim_signature *ed = al_dkim_verification_at(v, 0), *rsa = al_dkim_verification_at(v, 1);
	assert_string_equal(al_dkim_verdict_name(ed->verdict), "pass");
	assert_null(ed->reason);
	assert_string_equal(ed->algorithm, "ed25519-sha256");
	assert_string_equal(ed->key_type, "ed25519");
	assert_int_equal(ed->key_bits, 256);
	assert_string_equal(ed->selector, "brisbane");
	assert_string_equal(ed->domain, "football.example.com");
	assert_string_equal(ed->identity, "@football.example.com");
	assert_int_equal(ed->timestamp, 1528637909);
	assert_int_equal(ed->field_index, 0);
	assert_int_equal(ed->key_rcode, AL_RCODE_NOERROR);
	assert_string_equal(al_dkim_verdict_name(rsa->verdict), "pass");
	assert_string_equal(rsa->key_type, "rsa");
	assert_int_equal(rsa->key_bits, 1024);
	assert_int_equal(rsa->field_index, 1);
	assert_true(rsa->body_hash_ok);
	al_dkim_verification_free(v);
}

/* RFC 6376 3.4.6: the example's header and body, canonicalized relaxed and simple. */
static void rfc6376_canonicalization_example(void **state)
{
	(void)state;
	static const char msg[] = "A: X\r\n"
				  "B : Y\t\r\n"
				  "\tZ  \r\n"
				  "\r\n"
				  " C \r\n"
				  "D \t E\r\n"
				  "\r\n"
				  "\r\n";
	al_dkimv_msg m;
	al_error err = {0};
	assert_int_equal(al_dkimv_msg_init(&m, msg, sizeof(msg) - 1, &err), AL_OK);
	assert_int_equal(m.count, 2);
	const char *want_relaxed[] = {"a:X", "b:Y Z"};
	const char *want_simple[] = {"A: X", "B : Y\t\r\n\tZ  "};
	for (size_t i = 0; i < 2; i++) {
		size_t e = m.fields[i].end - 2;
		al_strbuf b = AL_STRBUF_INIT;
		al_dkimv_canon_header(&b, m.text + m.fields[i].start, e - m.fields[i].start, true);
		assert_string_equal(b.data, want_relaxed[i]);
		al_strbuf_reset(&b);
		al_dkimv_canon_header(&b, m.text + m.fields[i].start, e - m.fields[i].start, false);
		assert_string_equal(b.data, want_simple[i]);
		al_strbuf_free(&b);
	}
	/* bodies: relaxed " C\r\nD E\r\n", simple " C \r\nD \t E\r\n" */
	static const struct {
		bool relaxed;
		const char *canon;
	} bodies[] = {{true, " C\r\nD E\r\n"}, {false, " C \r\nD \t E\r\n"}};
	for (size_t i = 0; i < 2; i++) {
		const al_dkimv_body_hash *h = al_dkimv_body_hash_get(&m, bodies[i].relaxed, false, UINT64_MAX);
		assert_non_null(h);
		unsigned char want[32];
		unsigned wl = 0;
		EVP_Digest(bodies[i].canon, strlen(bodies[i].canon), want, &wl, EVP_sha256(), NULL);
		assert_int_equal(h->digest_len, 32);
		assert_memory_equal(h->digest, want, 32);
		assert_int_equal(h->total, strlen(bodies[i].canon));
		/* with l=3 only " C\r" (relaxed) is hashed */
		const al_dkimv_body_hash *l3 = al_dkimv_body_hash_get(&m, bodies[i].relaxed, false, 3);
		EVP_Digest(bodies[i].canon, 3, want, &wl, EVP_sha256(), NULL);
		assert_memory_equal(l3->digest, want, 32);
	}
	al_dkimv_msg_free(&m);
	/* empty bodies: simple is one CRLF, relaxed nothing (RFC 6376 3.4.3, 3.4.4 and erratum 3192) */
	assert_int_equal(al_dkimv_msg_init(&m, "A: b\r\n\r\n\r\n", 10, &err), AL_OK);
	assert_int_equal(al_dkimv_body_hash_get(&m, false, false, UINT64_MAX)->total, 2);
	assert_int_equal(al_dkimv_body_hash_get(&m, true, false, UINT64_MAX)->total, 0);
	al_dkimv_msg_free(&m);
}

static void rsa_relaxed_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "rsa-relaxed.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_PASS);
	assert_string_equal(s->canonicalization, "relaxed/relaxed");
	assert_int_equal(s->key_bits, 2048);
	assert_string_equal(s->key_server, "zone");
	assert_false(s->has_length);
	al_dkim_verification_free(v);
}

static void rsa_simple_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "rsa-simple.eml", T_NOW);
	assert_int_equal(only(v)->verdict, AL_DKIM_PASS);
	assert_string_equal(only(v)->canonicalization, "simple/simple");
	al_dkim_verification_free(v);
}

static void ed25519_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "ed25519.eml", T_NOW);
	assert_int_equal(only(v)->verdict, AL_DKIM_PASS);
	assert_string_equal(only(v)->key_type, "ed25519");
	al_dkim_verification_free(v);
}

static void lf_line_ends_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "lf.eml", T_NOW);
	assert_int_equal(only(v)->verdict, AL_DKIM_PASS);
	al_dkim_verification_free(v);
}

static void length_with_footer_pass(void **state)
{
	al_dkim_verification *v = verify_file(state, "length-footer.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_PASS);
	assert_true(s->has_length);
	/* the body's two trailing empty lines (no longer trailing), "--\r\n" and a 65-byte line */
	assert_int_equal(s->unsigned_body_bytes, 2 + 2 + 4 + 65 + 2);
	al_dkim_verification_free(v);
}

static void footer_without_length_body_hash_fail(void **state)
{
	al_dkim_verification *v = verify_file(state, "footer.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_FAIL);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_BODY_HASH);
	assert_false(s->body_hash_ok);
	assert_non_null(strstr(s->reason, "signed header fields verify"));
	al_dkim_verification_free(v);
}

static void modified_subject_signature_fail(void **state)
{
	al_dkim_verification *v = verify_file(state, "subject.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_FAIL);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_SIGNATURE);
	assert_true(s->body_hash_ok);
	al_dkim_verification_free(v);
}

static void expired(void **state)
{
	al_dkim_verification *v = verify_file(state, "expired.eml", T_NOW + 7200);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_FAIL);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_EXPIRED);
	assert_int_equal(s->expires, T_NOW + 3600);
	al_dkim_verification_free(v);
	/* before x= it passes */
	v = verify_file(state, "expired.eml", T_NOW + 60);
	assert_int_equal(only(v)->verdict, AL_DKIM_PASS);
	al_dkim_verification_free(v);
}

static void sha1_refused(void **state)
{
	al_dkim_verification *v = verify_file(state, "sha1.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_REFUSED);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_SHA1);
	assert_non_null(strstr(s->reason, "RFC 8301"));
	assert_string_equal(al_dkim_verdict_name(s->verdict), "refused");
	al_dkim_verification_free(v);
}

static void small_rsa_refused(void **state)
{
	al_dkim_verification *v = verify_file(state, "small.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_REFUSED);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_KEY_TOO_SMALL);
	assert_int_equal(s->key_bits, 512);
	al_dkim_verification_free(v);
}

static void no_key_permerror(void **state)
{
	al_dkim_verification *v = verify_file(state, "nokey.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_PERMERROR);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_NO_KEY);
	assert_int_equal(s->key_rcode, AL_RCODE_NXDOMAIN);
	assert_non_null(strstr(s->reason, "missing._domainkey.example.com"));
	al_dkim_verification_free(v);
}

static void revoked_permerror(void **state)
{
	al_dkim_verification *v = verify_file(state, "revoked.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_PERMERROR);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_KEY_REVOKED);
	al_dkim_verification_free(v);
}

static void lookup_failure_temperror(void **state)
{
	al_dkim_verification *v = verify_file(state, "servfail.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_TEMPERROR);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_KEY_LOOKUP);
	assert_int_equal(s->key_rcode, AL_RCODE_SERVFAIL);
	assert_string_equal(s->key_server, "192.0.2.53:53");
	assert_non_null(strstr(s->reason, "SERVFAIL"));
	assert_non_null(strstr(s->reason, "192.0.2.53:53"));
	al_dkim_verification_free(v);
}

static void offline_not_checked(void **state)
{
	(void)state;
	size_t n;
	char *msg = slurp("rsa-relaxed.eml", &n);
	al_dkim_verification *v = verify_text(msg, n, NULL, T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_NOT_CHECKED);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_NOT_QUERIED);
	assert_int_equal(s->key_rcode, AL_RCODE_NOT_QUERIED);
	assert_true(s->body_hash_ok); /* the body hash needs no key */
	al_dkim_verification_free(v);
	free(msg);
}

static void outside_zone_not_checked(void **state)
{
	/* a layered source without fallback: names outside the zones are not queried */
	env *e = *state;
	al_source *offline = NULL;
	assert_int_equal(al_source_new_layered(&offline, e->fs, NULL), AL_OK);
	size_t n;
	char *msg = slurp("rsa-relaxed.eml", &n);
	al_dkim_verification *v = verify_text(msg, n, offline, T_NOW);
	assert_int_equal(only(v)->verdict, AL_DKIM_NOT_CHECKED);
	assert_int_equal(only(v)->key_rcode, AL_RCODE_NOT_QUERIED);
	al_dkim_verification_free(v);
	free(msg);
	al_source_free(offline);
}

static void malformed_base64_permerror(void **state)
{
	al_dkim_verification *v = verify_file(state, "bad-base64.eml", T_NOW);
	const al_dkim_signature *s = only(v);
	assert_int_equal(s->verdict, AL_DKIM_PERMERROR);
	assert_int_equal(s->failure, AL_DKIM_FAILURE_SYNTAX);
	assert_non_null(strstr(s->reason, "b= is not base64"));
	al_dkim_verification_free(v);
}

static void two_signatures_and_oversigning(void **state)
{
	al_dkim_verification *v = verify_file(state, "two.eml", T_NOW);
	assert_int_equal(al_dkim_verification_count(v), 2);
	const al_dkim_signature *a = al_dkim_verification_at(v, 0), *b = al_dkim_verification_at(v, 1);
	assert_string_equal(a->domain, "esp.example");
	assert_int_equal(a->verdict, AL_DKIM_PASS);
	assert_string_equal(b->domain, "example.com");
	assert_string_equal(b->headers, "from:subject:subject:to");
	assert_int_equal(b->verdict, AL_DKIM_PASS);
	assert_null(al_dkim_verification_at(v, 2));
	al_dkim_verification_free(v);

	/* a second Subject added on top: the over-signed (absent) instance now exists */
	size_t n;
	char *msg = slurp("two.eml", &n);
	char *more = malloc(n + 64);
	int k = sprintf(more, "Subject: added later\r\n");
	memcpy(more + k, msg, n);
	v = verify_text(more, n + (size_t)k, ((env *)*state)->keys, T_NOW);
	assert_int_equal(al_dkim_verification_at(v, 1)->verdict, AL_DKIM_FAIL);
	assert_int_equal(al_dkim_verification_at(v, 1)->failure, AL_DKIM_FAILURE_SIGNATURE);
	assert_int_equal(al_dkim_verification_at(v, 1)->field_index, 2);
	al_dkim_verification_free(v);
	free(more);
	free(msg);
}

static void syntax_errors(void **state)
{
	static const struct {
		const char *sig;
		al_dkim_failure failure;
		const char *words;
	} cases[] = {
		{"v=1; a=rsa-sha256; d=example.com; s=rsa; h=to; bh=AAAA; b=AAAA", AL_DKIM_FAILURE_SYNTAX,
		 "From"},
		{"v=1; a=rsa-sha256; d=example.com; s=rsa; h=from; b=AAAA", AL_DKIM_FAILURE_SYNTAX, "bh="},
		{"v=2; a=rsa-sha256; d=example.com; s=rsa; h=from; bh=AAAA; b=AAAA", AL_DKIM_FAILURE_SYNTAX, "v="},
		{"v=1; a=rsa-md5; d=example.com; s=rsa; h=from; bh=AAAA; b=AAAA", AL_DKIM_FAILURE_ALGORITHM,
		 "rsa-md5"},
		{"v=1; a=rsa-sha256; d=example.com; d=example.org; s=rsa; h=from; bh=AAAA; b=AAAA",
		 AL_DKIM_FAILURE_SYNTAX, "twice"},
		{"v=1; a=rsa-sha256; d=example.com; s=rsa; h=from; bh=AAA; b=AAAA", AL_DKIM_FAILURE_SYNTAX,
		 "bh= is not base64"},
		{"v=1; a=rsa-sha256; d=example.com; s=rsa; h=from; i=a@example.org; bh=AAAA; b=AAAA",
		 AL_DKIM_FAILURE_SYNTAX, "i="},
		{"v=1; a=rsa-sha256; c=fancy; d=example.com; s=rsa; h=from; bh=AAAA; b=AAAA",
		 AL_DKIM_FAILURE_SYNTAX, "c=fancy"},
		{"v=1; a=rsa-sha256; d=example.com; s=rsa; h=from; l=x; bh=AAAA; b=AAAA", AL_DKIM_FAILURE_SYNTAX,
		 "l="},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[1024];
		int n = snprintf(msg, sizeof(msg), "DKIM-Signature: %s\r\nFrom: a@example.com\r\n\r\nbody\r\n",
				 cases[i].sig);
		al_dkim_verification *v = verify_text(msg, (size_t)n, ((env *)*state)->keys, T_NOW);
		const al_dkim_signature *s = only(v);
		assert_int_equal(s->verdict, AL_DKIM_PERMERROR);
		assert_int_equal(s->failure, cases[i].failure);
		if (strstr(s->reason, cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" has no \"%s\"", i, s->reason, cases[i].words);
		al_dkim_verification_free(v);
	}
}

/* 10,000 DKIM-Signature fields: 32 verified, the rest counted as past the limit. */
static void ten_thousand_signatures_bounded(void **state)
{
	size_t n;
	char *msg = slurp("rsa-relaxed.eml", &n);
	const char *sig_end = strstr(msg, "\r\nFrom:");
	assert_non_null(sig_end);
	size_t sig_len = (size_t)(sig_end - msg) + 2;
	size_t total = sig_len * 10000 + n;
	char *big = malloc(total);
	for (size_t i = 0; i < 10000; i++)
		memcpy(big + i * sig_len, msg, sig_len);
	memcpy(big + 10000 * sig_len, msg, n);
	al_dkim_verification *v = verify_text(big, total, ((env *)*state)->keys, T_NOW);
	assert_int_equal(al_dkim_verification_count(v), 10001);
	size_t limited = 0, passed = 0;
	for (size_t i = 0; i < 10001; i++) {
		const al_dkim_signature *s = al_dkim_verification_at(v, i);
		if (s->failure == AL_DKIM_FAILURE_LIMIT) {
			assert_int_equal(s->verdict, AL_DKIM_NOT_CHECKED);
			limited++;
		} else if (s->verdict == AL_DKIM_PASS) {
			passed++; /* identical copies of a signature that does not sign DKIM-Signature */
		}
	}
	assert_int_equal(limited, 10001 - AL_DKIM_MAX_SIGNATURES);
	assert_int_equal(passed, AL_DKIM_MAX_SIGNATURES);
	al_dkim_verification_free(v);
	free(big);
	free(msg);
}

static void big_header_bounded(void **state)
{
	/* a 50 MB header block: one field of 44 MB, then a million short ones */
	size_t big = 50u << 20;
	char *m = malloc(big + 256);
	size_t k = (size_t)sprintf(m, "X-Junk: ");
	memset(m + k, 'a', big - (6u << 20));
	k += big - (6u << 20);
	for (size_t i = 0; k + 8 < big; i++) {
		memcpy(m + k, "\r\nA: b", 6);
		k += 6;
	}
	k += (size_t)sprintf(m + k, "\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa; h=from:a:a:a; "
				     "bh=AAAA; b=AAAA\r\n\r\nbody\r\n");
	al_dkim_verification *v = verify_text(m, k, ((env *)*state)->keys, T_NOW);
	assert_int_equal(only(v)->verdict, AL_DKIM_PERMERROR); /* bh= of 3 octets */
	al_dkim_verification_free(v);
	/* over AL_DKIMV_MAX_FIELDS fields: refused, as a limit */
	for (size_t i = 0; i + 3 < big; i += 3)
		memcpy(m + i, "A:\n", 3);
	al_dkim_verification *none = NULL;
	al_error err = {0};
	assert_int_equal(al_dkim_verify(m, big, NULL, 0, &none, &err), AL_ELIMIT);
	assert_null(none);
	assert_non_null(strstr(err.message, "fields"));
	/* past AL_MESSAGE_MAX_INPUT: refused */
	assert_int_equal(al_dkim_verify(m, (size_t)65 << 20, NULL, 0, &none, &err), AL_ELIMIT);
	assert_null(none);
	free(m);
}

static void no_signature_no_header(void **state)
{
	al_dkim_verification *v = verify_text("", 0, ((env *)*state)->keys, T_NOW);
	assert_int_equal(al_dkim_verification_count(v), 0);
	al_dkim_verification_free(v);
	v = verify_text("From: a@b\r\n", 11, NULL, T_NOW);
	assert_int_equal(al_dkim_verification_count(v), 0);
	al_dkim_verification_free(v);
	al_dkim_verification_free(NULL);
	assert_string_equal(al_dkim_verdict_name(AL_DKIM_NOT_CHECKED), "not-checked");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc8463_both_pass),
		cmocka_unit_test(rfc6376_canonicalization_example),
		cmocka_unit_test(rsa_relaxed_pass),
		cmocka_unit_test(rsa_simple_pass),
		cmocka_unit_test(ed25519_pass),
		cmocka_unit_test(lf_line_ends_pass),
		cmocka_unit_test(length_with_footer_pass),
		cmocka_unit_test(footer_without_length_body_hash_fail),
		cmocka_unit_test(modified_subject_signature_fail),
		cmocka_unit_test(expired),
		cmocka_unit_test(sha1_refused),
		cmocka_unit_test(small_rsa_refused),
		cmocka_unit_test(no_key_permerror),
		cmocka_unit_test(revoked_permerror),
		cmocka_unit_test(lookup_failure_temperror),
		cmocka_unit_test(offline_not_checked),
		cmocka_unit_test(outside_zone_not_checked),
		cmocka_unit_test(malformed_base64_permerror),
		cmocka_unit_test(two_signatures_and_oversigning),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(ten_thousand_signatures_bounded),
		cmocka_unit_test(big_header_bounded),
		cmocka_unit_test(no_signature_no_header),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
