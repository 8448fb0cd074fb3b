/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DKIM key record parser and key decoding. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include <authlint/dkim.h>

#include "dkim_keys.h"

static al_dkim_record *parse(const char *text)
{
	al_dkim_record *r = NULL;
	assert_int_equal(al_dkim_parse(text, strlen(text), &r), AL_OK);
	assert_non_null(r);
	return r;
}

static bool has_problem(const al_dkim_record *r, al_dkim_problem_kind kind, al_dkim_tag_id tag)
{
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].kind == kind && r->problems[i].tag == tag)
			return true;
	return false;
}

static void test_keys(void **state)
{
	(void)state;
	static const struct {
		const char *record;
		al_dkim_key_status status;
		al_dkim_algorithm alg;
		al_dkim_key_form form;
		unsigned bits;
		bool usable;
	} cases[] = {
		{"v=DKIM1; k=rsa; p=" KEY_RSA2048, AL_DKIM_KEY_OK, AL_DKIM_ALG_RSA, AL_DKIM_FORM_SPKI, 2048, true},
		{"v=DKIM1; p=" KEY_RSA1024, AL_DKIM_KEY_OK, AL_DKIM_ALG_RSA, AL_DKIM_FORM_SPKI, 1024, true},
		{"v=DKIM1; p=" KEY_RSA512, AL_DKIM_KEY_OK, AL_DKIM_ALG_RSA, AL_DKIM_FORM_SPKI, 512, false},
		{"v=DKIM1; p=" KEY_RSA4608, AL_DKIM_KEY_OK, AL_DKIM_ALG_RSA, AL_DKIM_FORM_SPKI, 4608, true},
		{"v=DKIM1; p=" KEY_RSA2048_PKCS1, AL_DKIM_KEY_OK, AL_DKIM_ALG_RSA, AL_DKIM_FORM_RSA_PKCS1, 2048, true},
		{"v=DKIM1; k=ed25519; p=" KEY_ED25519, AL_DKIM_KEY_OK, AL_DKIM_ALG_ED25519, AL_DKIM_FORM_ED25519_RAW, 256, true},
		{"v=DKIM1; k=ed25519; p=" KEY_ED25519_SPKI, AL_DKIM_KEY_WRONG_FORM, AL_DKIM_ALG_ED25519, AL_DKIM_FORM_SPKI, 256, false},
		{"v=DKIM1; p=" KEY_ED25519, AL_DKIM_KEY_TYPE_MISMATCH, AL_DKIM_ALG_ED25519, AL_DKIM_FORM_ED25519_RAW, 256, false},
		{"v=DKIM1; p=" KEY_ED25519_SPKI, AL_DKIM_KEY_TYPE_MISMATCH, AL_DKIM_ALG_ED25519, AL_DKIM_FORM_SPKI, 256, false},
		{"v=DKIM1; k=ed25519; p=" KEY_RSA1024, AL_DKIM_KEY_TYPE_MISMATCH, AL_DKIM_ALG_RSA, AL_DKIM_FORM_SPKI, 1024, false},
		{"v=DKIM1; p=", AL_DKIM_KEY_REVOKED, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; k=rsa", AL_DKIM_KEY_MISSING, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ", AL_DKIM_KEY_BAD_BASE64, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; p=aGVsbG8gd29ybGQ=", AL_DKIM_KEY_GARBAGE, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; p=\"MIGf\"", AL_DKIM_KEY_BAD_BASE64, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; p=ab-_", AL_DKIM_KEY_BAD_BASE64, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
		{"v=DKIM1; k=dsa; p=" KEY_RSA1024, AL_DKIM_KEY_UNKNOWN_TYPE, AL_DKIM_ALG_UNKNOWN, AL_DKIM_FORM_NONE, 0, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		al_dkim_record *r = parse(cases[i].record);
		if (r->key.status != cases[i].status || r->key.algorithm != cases[i].alg ||
		    r->key.form != cases[i].form || r->key.bits != cases[i].bits ||
		    al_dkim_key_usable(r) != cases[i].usable)
			fail_msg("case %zu (%.40s): status %d alg %d form %d bits %u usable %d", i, cases[i].record,
				 r->key.status, r->key.algorithm, r->key.form, r->key.bits, al_dkim_key_usable(r));
		al_dkim_record_free(r);
	}
}

static void test_folding_whitespace(void **state)
{
	(void)state;
	/* base64 with FWS, as a zone file's split record gives it */
	char text[1024];
	const char *k = KEY_RSA2048;
	snprintf(text, sizeof(text), "v=DKIM1;\r\n\tk=rsa; p=%.100s \r\n %.100s\t%s", k, k + 100, k + 200);
	al_dkim_record *r = parse(text);
	assert_true(r->valid);
	assert_int_equal(r->key.status, AL_DKIM_KEY_OK);
	assert_int_equal(r->key.bits, 2048);
	al_dkim_record_free(r);
}

static void test_tags(void **state)
{
	(void)state;
	al_dkim_record *r = parse("v=DKIM1; h=sha1:sha256; k=rsa; n=note; s=email:tlsrpt; t=y:s:x; p=" KEY_RSA2048);
	assert_true(r->valid);
	assert_int_equal(r->hashes, AL_DKIM_HASH_SHA1 | AL_DKIM_HASH_SHA256);
	assert_int_equal(r->services, AL_DKIM_SERVICE_EMAIL | AL_DKIM_SERVICE_OTHER);
	assert_int_equal(r->flags, AL_DKIM_FLAG_Y | AL_DKIM_FLAG_S | AL_DKIM_FLAG_OTHER);
	assert_non_null(r->tag[AL_DKIM_TAG_N]);
	assert_true(al_dkim_key_usable(r));
	al_dkim_record_free(r);

	/* sha1 alone, or a service that is not mail: not usable */
	r = parse("v=DKIM1; h=sha1; p=" KEY_RSA2048);
	assert_false(al_dkim_key_usable(r));
	al_dkim_record_free(r);
	r = parse("v=DKIM1; s=tlsrpt; p=" KEY_RSA2048);
	assert_false(al_dkim_key_usable(r));
	al_dkim_record_free(r);

	/* names are case-sensitive; duplicates and a misplaced v= invalidate */
	r = parse("P=abc; v=DKIM1; g=*; p=" KEY_RSA1024 "; p=x");
	assert_false(r->valid);
	assert_true(has_problem(r, AL_DKIM_PROBLEM_UNKNOWN_TAG, AL_DKIM_TAG_UNKNOWN));
	assert_true(has_problem(r, AL_DKIM_PROBLEM_UNKNOWN_TAG, AL_DKIM_TAG_G));
	assert_true(has_problem(r, AL_DKIM_PROBLEM_DUPLICATE, AL_DKIM_TAG_P));
	assert_true(has_problem(r, AL_DKIM_PROBLEM_VERSION, AL_DKIM_TAG_V));
	bool case_hint = false;
	for (size_t i = 0; i < r->problem_count; i++)
		if (r->problems[i].hint && strstr(r->problems[i].hint, "case-sensitive"))
			case_hint = true;
	assert_true(case_hint);
	al_dkim_record_free(r);

	r = parse("v=dkim1; p=" KEY_RSA2048);
	assert_false(r->valid);
	assert_true(has_problem(r, AL_DKIM_PROBLEM_VERSION, AL_DKIM_TAG_V));
	al_dkim_record_free(r);

	r = parse("v=DKIM1; k=rsa; p " KEY_RSA2048);
	assert_false(r->valid);
	assert_true(has_problem(r, AL_DKIM_PROBLEM_SYNTAX, AL_DKIM_TAG_UNKNOWN));
	al_dkim_record_free(r);

	r = parse("v=DKIM1; k=ed2559; h=sha265; p=" KEY_ED25519);
	bool k_hint = false, h_hint = false;
	for (size_t i = 0; i < r->problem_count; i++) {
		if (r->problems[i].hint && strcmp(r->problems[i].hint, "did you mean k=ed25519?") == 0)
			k_hint = true;
		if (r->problems[i].hint && strcmp(r->problems[i].hint, "did you mean sha256?") == 0)
			h_hint = true;
	}
	assert_true(k_hint && h_hint);
	assert_int_equal(r->key.status, AL_DKIM_KEY_UNKNOWN_TYPE);
	al_dkim_record_free(r);
	al_dkim_record_free(NULL);
}

static void test_bounded(void **state)
{
	(void)state;
	/* a key far larger than any real one, binary bytes, an empty record */
	static char big[40000];
	size_t n = (size_t)snprintf(big, sizeof(big), "v=DKIM1; p=");
	while (n + 4 < sizeof(big)) {
		memcpy(big + n, "AAAA", 4);
		n += 4;
	}
	al_dkim_record *r = NULL;
	assert_int_equal(al_dkim_parse(big, n, &r), AL_OK);
	assert_int_equal(r->key.status, AL_DKIM_KEY_GARBAGE);
	al_dkim_record_free(r);
	const char bin[] = "v=DKIM1; p=\x01\xff\0AB";
	assert_int_equal(al_dkim_parse(bin, sizeof(bin) - 1, &r), AL_OK);
	assert_false(r->valid);
	al_dkim_record_free(r);
	assert_int_equal(al_dkim_parse("", 0, &r), AL_OK);
	assert_int_equal(r->key.status, AL_DKIM_KEY_MISSING);
	al_dkim_record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_folding_whitespace),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
